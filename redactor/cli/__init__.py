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

from redactor.cli import agent, trader
from redactor.cli.common import print_json
from redactor.errors import RedactorError
from redactor.versions import version_text

log = logging.getLogger("redactor")

Handler = Callable[[argparse.Namespace], int]


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
        print_json({
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
    from redactor.fsutil import check_output_path, staged_outputs, write_bytes_atomic
    from redactor.inputs import LOG, checked_copy
    from redactor.text.sanitizer import sanitize_logs

    map_path = args.output.with_name(args.output.name + ".map.json")
    outputs = [args.output, map_path] + ([args.report] if args.report else [])
    for out in outputs:
        check_output_path(out, [args.input])
    if len({o.resolve() for o in outputs}) != len(outputs):
        raise RedactorError("-o, its .map.json and --report must be three different files; choose other names.")
    # The clean log, its private map and the report are committed together: all written in full, then renamed.
    with checked_copy(args.input, LOG) as (src, left_out), staged_outputs(outputs) as staged:
        report = sanitize_logs([src], staged[0].parent, out_names=[staged[0].name],
                               user_names=args.user_name, workers=1, map_path=staged[1])
        f = report.files[0]
        if f.error:
            raise RedactorError(f.error)
        f.name = args.output.name  # the report names the output, not the temp it was written to
        if args.report:
            write_bytes_atomic(staged[2], (json.dumps(report.to_json(), indent=2) + "\n").encode("utf-8"))
    if left_out:
        print(f"Note: only the newest part of {args.input.name} was sanitized (its first {left_out:,} bytes were "
              "left out): Bisq rolls its logs at 10 MB, so a file this large is not one Bisq wrote.",
              file=sys.stderr)
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
    from redactor.image.verdict import screenshot_verdict
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
    print(f"{args.output}: {len(redaction.boxes)} areas blacked out ({found})")
    print(screenshot_verdict(redaction.verified, redaction.problems, redaction.known_checked))
    print(f"It looks like: {KIND_TITLES[redaction.kind]}")
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


def _add_handoff(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from redactor.handoff.commands import add_commands  # agent-key, request

    add_commands(sub)


COMMANDS = (
    _add_locate, _add_sanitize_log, _add_scrub_contract, _add_redact_image, trader.add_trades, trader.add_bundle,
    agent.add_verify, agent.add_merge, agent.add_close, agent.add_purge, trader.add_demo, _add_gui, _add_handoff,
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
