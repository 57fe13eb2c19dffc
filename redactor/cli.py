"""Command-line front end: one sub-command per user-visible action, each a thin call into the core.

Exit codes: 0 ok, 1 failure (one-line reason on stderr), 2 usage error.
Each area owns its own `_add_*` / `_cmd_*` pair below; the GUI calls the same core functions.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from redactor.errors import RedactorError
from redactor.versions import version_text

log = logging.getLogger("redactor")

Handler = Callable[[argparse.Namespace], int]


def _print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


# --- locate ---------------------------------------------------------------------------------------------

def _add_locate(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("locate", help="find Bisq data directories and their log files")
    p.add_argument("--data-dir", type=Path, action="append", default=[], help="also check this folder")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_cmd_locate)


def _cmd_locate(args: argparse.Namespace) -> int:
    from redactor.bisq.datadir import locate, not_found_message

    result = locate(args.data_dir)
    if args.json:
        _print_json({
            "found": [
                {
                    "path": str(d.path), "bisq_version": d.bisq_version, "how_found": d.how_found,
                    "log_files": [
                        {"name": f.name, "path": str(f.path), "bytes": f.size,
                         "first_timestamp": f.first_timestamp, "last_timestamp": f.last_timestamp}
                        for f in d.log_files
                    ],
                    "skipped_logs": [{"name": s.name, "reason": s.reason} for s in d.skipped_logs],
                }
                for d in result.found
            ],
            "searched": [str(p) for p in result.searched],
        })
    else:
        for d in result.found:
            print(f"Bisq {d.bisq_version}: {d.path} ({d.how_found}), {len(d.log_files)} log files, "
                  f"{d.total_log_bytes / 1e6:.1f} MB")
            for f in d.log_files:
                print(f"  {f.name:14} {f.size:>12,} bytes  {f.first_timestamp or '?'} .. {f.last_timestamp or '?'}")
            for s in d.skipped_logs:
                print(f"  {s.name:14} not collected: {s.reason}")
    if not result.found:
        print(not_found_message(result.searched), file=sys.stderr)
        return 1
    return 0


# --- logs and contract (redactor.text) -------------------------------------------------------------------

def _add_sanitize_log(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "sanitize-log", help="remove personal data from a Bisq log file",
        description="Copy a Bisq log with names, IBANs, e-mails, phone numbers, your OS user name, peer IPs, "
                    "bridge lines and keys replaced by placeholders such as <email-1>; trade IDs, tx IDs and "
                    "onion addresses stay readable. The private map of placeholders to the removed values is "
                    "written beside OUTPUT as OUTPUT.map.json: keep it, never send it.")
    p.add_argument("input", type=Path, help="the log file to read (never modified)")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="where to write the sanitized log (its private map goes to OUTPUT.map.json)")
    p.add_argument("--report", type=Path, help="write counts per category as JSON (no values)")
    p.add_argument("--user-name", action="append", default=[],
                   help="an OS user name to remove besides those found in home paths (repeatable)")
    p.set_defaults(handler=_cmd_sanitize_log)


def _cmd_sanitize_log(args: argparse.Namespace) -> int:
    from redactor.fsutil import check_output_path
    from redactor.inputs import LOG, checked_copy
    from redactor.text.sanitizer import sanitize_logs

    check_output_path(args.output, [args.input])
    map_path = args.output.with_name(args.output.name + ".map.json")
    with checked_copy(args.input, LOG) as (src, left_out):  # a wallet, key or config file is refused here
        report = sanitize_logs([src], args.output.parent, out_names=[args.output.name],
                               user_names=args.user_name, workers=1, map_path=map_path)
    if left_out:
        print(f"Note: only the newest part of {args.input.name} was sanitized (its first {left_out:,} bytes were "
              "left out): Bisq rolls its logs at 10 MB, so a file this large is not one Bisq wrote.",
              file=sys.stderr)
    if args.report:
        try:
            args.report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise RedactorError(f"Could not write the report {args.report}: {exc.strerror or exc}") from exc
    f = report.files[0]
    if f.error:
        raise RedactorError(f.error)
    found = ", ".join(f"{n} {kind}" for kind, n in sorted(f.counts.items())) or "nothing personal found"
    print(f"{args.output}: {f.lines} lines; replaced {found}. Private map: {map_path}")
    return 0


def _add_scrub_contract(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "scrub-contract", help="remove payment-account data from a contract JSON",
        description="Copy a Bisq trade contract (JSON, as shown by 'View contract in JSON format') without the "
                    "traders' payment-account data (names, IBANs, e-mails, F2F city and notes). Trade ID, tx IDs, "
                    "onion and payout addresses and account IDs are kept; the result is valid, 2-space JSON.")
    p.add_argument("input", type=Path, help="the contract JSON file (never modified)")
    p.add_argument("-o", "--output", type=Path, required=True, help="where to write the scrubbed contract")
    p.set_defaults(handler=_cmd_scrub_contract)


def _cmd_scrub_contract(args: argparse.Namespace) -> int:
    from redactor.fsutil import check_output_path
    from redactor.inputs import CONTRACT, checked_copy
    from redactor.text.contract import scrub_contract_file

    check_output_path(args.output, [args.input])
    with checked_copy(args.input, CONTRACT) as (src, _):
        counts = scrub_contract_file(src, args.output)
    found = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "no payment-account data found"
    print(f"{args.output}: removed {found}")
    return 0


# --- screenshots (redactor.image) ------------------------------------------------------------------------

def _add_redact_image(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("redact-image", help="black out payment-account details in a Bisq screenshot")
    p.add_argument("input", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--boxes", type=Path, help="write the redacted boxes (categories only) as JSON")
    p.add_argument("--contract", type=Path, metavar="CONTRACT_JSON",
                   help="the trade's contract: its payment data (names, account numbers, e-mails) is also "
                        "blacked out wherever it shows, e.g. a name in a chat message")
    p.set_defaults(handler=_cmd_redact_image)


def _cmd_redact_image(args: argparse.Namespace) -> int:
    from redactor.fsutil import check_output_path
    from redactor.image.kinds import KIND_TITLES
    from redactor.image.redact import redact_image_file
    from redactor.inputs import CONTRACT, IMAGE, checked_copy
    from redactor.text.contract import personal_values_file

    known: list[str] = []
    if args.contract is not None:
        with checked_copy(args.contract, CONTRACT) as (contract, _):
            known = personal_values_file(contract)
        if not known:
            print(f"Note: {args.contract.name} holds no payment data (contracts made since Bisq v1.7.0 do not), so "
                  "it adds nothing to look for.", file=sys.stderr)
    from redactor.fsutil import staged_outputs

    outputs = [args.output] + ([args.boxes] if args.boxes is not None else [])
    for out in outputs:
        check_output_path(out, [args.input])
    if args.boxes is not None and args.boxes.resolve() == args.output.resolve():
        raise RedactorError("--boxes and -o name the same file; choose two names.")
    # The image and its boxes are committed together: both written in full, then both renamed.
    with checked_copy(args.input, IMAGE) as (src, _), staged_outputs(outputs) as staged:
        redaction = redact_image_file(src, staged[0], boxes_json=staged[1] if args.boxes else None, known=known)
    kinds: dict[str, int] = {}
    for b in redaction.boxes:
        kinds[b.reason] = kinds.get(b.reason, 0) + 1
    found = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "nothing personal found"
    print(f"{args.output}: {len(redaction.boxes)} areas blacked out ({found}); verified by a second OCR pass")
    print(f"It looks like: {KIND_TITLES[redaction.kind]}")
    return 0


# --- bundle and agent tools (redactor.bundle) ------------------------------------------------------------

def _data_dir(given: Path | None):  # type: ignore[no-untyped-def]
    """The folder given with --data-dir, or else the Bisq data dir with the newest log."""
    from redactor.bisq.datadir import locate
    from redactor.errors import DataDirNotFound

    result = locate([given] if given is not None else [])
    if given is None:
        return result.best()
    for d in result.found:
        if d.how_found == "given":
            return d
    raise DataDirNotFound(f"No Bisq data directory or Bisq logs in {given}.")


def _missing_of(checklist: dict) -> list[str]:  # type: ignore[type-arg]
    from redactor.bundle.checklist import missing

    if checklist and all(isinstance(v, dict) for v in checklist.values()):  # merged case: one per role
        return [f"{role}: {m}" for role, c in checklist.items() for m in missing(c)]
    return missing(checklist)


def _print_checklist(checklist: dict, missing: list[str]) -> None:  # type: ignore[type-arg]
    from redactor.bundle.checklist import items_of

    ITEMS = items_of(checklist)  # noqa: N806 - Bisq 1's or Bisq 2's sentences, as the checklist's keys say
    for key, ok in checklist.items():
        if isinstance(ok, dict):
            print(f"  {key}:")
            for k, v in ok.items():
                print(f"    [{'x' if v else ' '}] {ITEMS.get(k, (k,))[0]}")
        else:
            print(f"  [{'x' if ok else ' '}] {ITEMS.get(key, (key,))[0]}")
    if missing:
        print("Missing (support asks for these):")
        for item in missing:
            print(f"  - {item}")


def _add_trades(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("trades", help="list the trade IDs found in the Bisq logs")
    p.add_argument("--data-dir", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_trades)


def _cmd_trades(args: argparse.Namespace) -> int:
    from redactor.bisq.trades import find_trades

    data_dir = _data_dir(args.data_dir)
    trades = find_trades([f.path for f in data_dir.log_files], root=data_dir.path)
    if args.json:
        _print_json({"data_dir": str(data_dir.path),
                     "trades": [{"trade_id": t.trade_id, "first_seen": t.first_seen, "last_seen": t.last_seen,
                                 "txids": t.txids, "facts": t.facts} for t in trades]})
        return 0
    print(f"{len(trades)} trade(s) in the logs of {data_dir.path} (most recent first):")
    for t in trades:
        print(f"{t.trade_id}  {t.first_seen or '?'} .. {t.last_seen or '?'}" + (f"  {t.summary()}" if t.facts else ""))
        for txid, label in t.txids.items():
            print(f"    {txid}  {label or 'unlabelled'}")
    return 0


def _screenshot_arg(text: str):  # type: ignore[no-untyped-def]
    from redactor.bundle.case import Screenshot
    from redactor.image.kinds import AUTO, SCREENSHOT_KINDS

    path, sep, kind = text.rpartition(":")
    if sep and kind in SCREENSHOT_KINDS:
        return Screenshot(path=Path(path), kind=kind)
    stem = Path(text).stem
    # No KIND: a file named after a kind (trade-details.png) is that kind; any other is recognised by OCR.
    named = next((k for k in SCREENSHOT_KINDS if stem == k or stem.startswith(k + "-")), AUTO)
    return Screenshot(path=Path(text), kind=named)


def _add_bundle(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bundle", help="write the support bundle for one trade")
    p.add_argument("--data-dir", type=Path, help="Bisq data directory (default: the one found with the newest log)")
    p.add_argument("--trade-id", required=True, help="full trade ID (see `bisq-redactor trades`)")
    p.add_argument("--role", required=True, choices=("buyer", "seller"), help="your role: BTC buyer or seller")
    p.add_argument("--description-file", type=Path, required=True,
                   help="text file: what happened, when, anything non-standard, past issues")
    p.add_argument("--screenshot", action="append", default=[], metavar="FILE[:KIND]",
                   help="screenshot; KIND is one of trade-details, dispute-details, chat-first-message, "
                        "error-popup, trade-step, other (default: recognised from what the screenshot shows)")
    p.add_argument("--contract", type=Path, help="contract JSON copied from Bisq")
    p.add_argument("--trade-history", type=Path, help="Bisq 2: the trade's CSV export (Bisq Easy → Open trades)")
    p.add_argument("--txid", action="append", default=[], help="a transaction ID of the trade (repeatable)")
    p.add_argument("--user-name", action="append", default=[], help="another name of yours to remove")
    p.add_argument("-o", "--output", type=Path, required=True, help="the zip to write")
    p.set_defaults(handler=_cmd_bundle)


def _cmd_bundle(args: argparse.Namespace) -> int:
    from redactor.bundle.case import Case
    from redactor.bundle.writer import build_bundle
    from redactor.inputs import read_user_text

    description = read_user_text(args.description_file)  # a secret or a binary file is refused
    data_dir = _data_dir(args.data_dir)
    case = Case(trade_id=args.trade_id, role=args.role, description=description, txids=list(args.txid),
                screenshots=[_screenshot_arg(s) for s in args.screenshot], data_dir=data_dir.path,
                contract=args.contract, extra_user_names=tuple(args.user_name), trade_history=args.trade_history)
    result = build_bundle(case, args.output)
    print(f"Bundle written: {result.path}")
    _print_known_values(result.report)
    if result.map_path:
        print(f"Placeholder map (keep it private, do not send): {result.map_path}")
    print("Checklist:")
    _print_checklist(result.manifest["checklist"], result.missing)
    return 0


def _print_known_values(report: dict[str, object]) -> None:
    from redactor.bundle.sweep import summary_lines

    section = report.get("known_values")
    for line in summary_lines(section if isinstance(section, dict) else {}):
        print(line)


MAX_PROBLEMS_SHOWN = 50  # a hostile zip can hold thousands of problems; the first ones say enough


def _add_verify(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("verify", help="(agents) check a bundle's hashes and layout")
    p.add_argument("zip", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_verify)


def _cmd_verify(args: argparse.Namespace) -> int:
    from redactor.bundle.verify import ok_sentence, verify_bundle

    if not args.zip.is_file():
        print(f"bisq-redactor: no file at {args.zip}", file=sys.stderr)
        return 1
    result = verify_bundle(args.zip)
    if args.json:
        _print_json({"ok": result.ok, "ok_means": ok_sentence(), "problems": result.problems,
                     "checklist": result.checklist,
                     "trade_id": result.manifest.get("trade_id") if result.manifest else None})
    elif result.ok and result.manifest is not None:
        m = result.manifest
        print(f"OK: {args.zip.name} — trade {m['trade_id']}, {m['role']}, {len(m['files'])} files, "
              f"created {m['created']}")
        print(ok_sentence())
        _print_checklist(result.checklist, _missing_of(result.checklist))
    else:
        print(f"REFUSED: {args.zip.name}", file=sys.stderr)
        for p in result.problems[:MAX_PROBLEMS_SHOWN]:
            print(f"  - {p}", file=sys.stderr)
        if len(result.problems) > MAX_PROBLEMS_SHOWN:
            print(f"  … and {len(result.problems) - MAX_PROBLEMS_SHOWN:,} more (--json lists them all)",
                  file=sys.stderr)
    return 0 if result.ok else 1


def _add_merge(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("merge", help="(agents) merge a buyer and a seller bundle into one case")
    p.add_argument("first", type=Path, help="one trader's bundle (buyer or seller)")
    p.add_argument("second", type=Path, help="the other trader's bundle")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(handler=_cmd_merge)


def _cmd_merge(args: argparse.Namespace) -> int:
    from redactor.bundle.merge import merge_bundles

    out = merge_bundles(args.first, args.second, args.output)
    print(f"Case written: {out}")
    return 0


def _add_close(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("close", help="(agents) mark a case closed; it is purged 30 days later")
    p.add_argument("case", type=Path, help="case zip or folder")
    p.set_defaults(handler=_cmd_close)


def _cmd_close(args: argparse.Namespace) -> int:
    from redactor.bundle.retention import close_case, closed_at

    marker = close_case(args.case)
    when = closed_at(marker.with_name(marker.name.removesuffix(".case-closed")))
    print(f"Closed {marker.name.removesuffix('.case-closed')}"
          f"{f' at {when:%Y-%m-%d %H:%M} UTC' if when else ''} (marker {marker.name})")
    return 0


def _days(text: str) -> int:
    value = text.strip().lower().removesuffix("d")
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days like 30d")
    return int(value)


def _add_purge(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("purge", help="(agents) delete cases closed more than 30 days ago")
    p.add_argument("dir", type=Path, help="folder holding case zips/folders and their .case-closed markers")
    p.add_argument("--after", type=_days, default=30, metavar="DAYS", help="days after closing (default 30d)")
    p.add_argument("--yes", action="store_true", help="really delete (default: only list)")
    p.set_defaults(handler=_cmd_purge)


def _cmd_purge(args: argparse.Namespace) -> int:
    from redactor.bundle.retention import purge_cases

    result = purge_cases(args.dir, after_days=args.after, dry_run=not args.yes)
    verb = "Deleted" if args.yes else "Would delete"
    for case in result.deleted:
        print(f"{verb}: {case}")
    for path, why in result.left:
        print(f"Left: {path} ({why})")
    for path, due in result.waiting:
        print(f"Not yet due: {path} (purged from {due:%Y-%m-%d %H:%M} UTC)")
    n, k = len(result.deleted), len(result.left)
    left = f"; left {k} item(s), see above" if k else ""
    if not args.yes:
        print(f"Dry run: {n} case(s) closed {args.after}+ days ago would be deleted{left}; pass --yes to delete them.")
    else:
        print(f"Deleted {n} case(s){left}.")
    return 0


def _add_demo(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="build a bundle from the embedded demo Bisq data directory")
    p.add_argument("-o", "--output-dir", type=Path, default=Path("out"))
    p.add_argument("--bisq2", action="store_true", help="the demo Bisq 2 data directory (a Bisq Easy trade)")
    p.set_defaults(handler=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> int:
    from redactor.bundle.demo import run_demo, run_demo_bisq2

    result = (run_demo_bisq2 if args.bisq2 else run_demo)(args.output_dir)
    print(f"Demo bundle written: {result.path}")
    _print_known_values(result.report)
    print("Checklist:")
    _print_checklist(result.manifest["checklist"], result.missing)
    return 0


# --- desktop app -----------------------------------------------------------------------------------------

def _add_gui(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument("--quit-after", type=float, help=argparse.SUPPRESS)  # smoke tests: close after N s
    p.set_defaults(handler=_cmd_gui)


def _cmd_gui(args: argparse.Namespace) -> int:
    try:
        from redactor.gui.app import run
    except ImportError as exc:
        raise RedactorError(f"The desktop app needs PySide6 (pip install 'bisq-support-redactor[gui]'): {exc}") from exc
    return run(quit_after=args.quit_after)


COMMANDS = (
    _add_locate, _add_sanitize_log, _add_scrub_contract, _add_redact_image, _add_trades, _add_bundle,
    _add_verify, _add_merge, _add_close, _add_purge, _add_demo, _add_gui,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bisq-redactor",
        description="Prepare a Bisq support bundle without leaking payment-account data.",
    )
    parser.add_argument("--version", action="store_true", help="show versions (app, OCR back-end, Tesseract) and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.version:
        print(version_text())
        return 0
    if not getattr(args, "handler", None):
        if args.command is None and getattr(sys, "frozen", False):
            args = parser.parse_args(["gui"])  # the installed app started with no arguments: open the window
        else:
            parser.print_help()
            return 2
    handler: Handler = args.handler
    try:
        return handler(args)
    except RedactorError as exc:
        print(f"bisq-redactor: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("bisq-redactor: interrupted; nothing was written", file=sys.stderr)
        return 1
