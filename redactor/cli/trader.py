"""The trader's commands: trades found in the logs, the bundle, the demo."""

from __future__ import annotations

import argparse
from pathlib import Path

from redactor.cli.common import print_checklist, print_json


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


def add_trades(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("trades", help="list the trade IDs found in the Bisq logs")
    p.add_argument("--data-dir", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cmd_trades)


def _cmd_trades(args: argparse.Namespace) -> int:
    from redactor.bisq.trades import find_trades

    data_dir = _data_dir(args.data_dir)
    trades = find_trades([f.path for f in data_dir.log_files], root=data_dir.path)
    if args.json:
        print_json({"data_dir": str(data_dir.path),
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


def add_bundle(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bundle", help="write the support bundle for one trade")
    p.add_argument("--data-dir", type=Path, help="Bisq data directory (default: the one found with the newest log)")
    p.add_argument("--trade-id", help="full trade ID (see `bisq-redactor trades`; or from --request)")
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
    p.add_argument("--encrypt-to", action="append", default=[], metavar="AGE_PUBLIC_KEY",
                   help="encrypt the bundle to the agent's key (age1...): writes OUTPUT.age, only that agent "
                        "can open it; the plain zip never touches the disk")
    p.add_argument("--for", dest="audience", choices=("agent", "public"), default="agent",
                   help="agent (default): trade IDs, tx IDs and onions stay readable; public: for a public "
                        "GitHub issue, those IDs, bitcoin addresses, Bisq 2 profile IDs, nyms and nicknames become "
                        "placeholders too, and the folder is named without the trade ID")
    p.add_argument("--request", metavar="FILE_OR_TEXT",
                   help="the agent's request (file or bisq-support-request:... text): sets the trade ID, what is "
                        "needed and the key to encrypt to")
    p.set_defaults(handler=_cmd_bundle)


def _cmd_bundle(args: argparse.Namespace) -> int:
    from redactor.bundle.case import Case
    from redactor.bundle.writer import build_bundle
    from redactor.inputs import read_user_text

    description = read_user_text(args.description_file)  # a secret or a binary file is refused
    from redactor.handoff.commands import bundle_target

    trade_id, encrypt_to, requested = bundle_target(args.trade_id, args.encrypt_to, args.request)
    data_dir = _data_dir(args.data_dir)
    case = Case(trade_id=trade_id, role=args.role, description=description, txids=list(args.txid),
                screenshots=[_screenshot_arg(s) for s in args.screenshot], data_dir=data_dir.path,
                contract=args.contract, extra_user_names=tuple(args.user_name), trade_history=args.trade_history)
    result = build_bundle(case, args.output, encrypt_to=encrypt_to, audience=args.audience,
                          manifest_extra={"requested": requested} if requested else None)
    print(f"Bundle written: {result.path}" + (" (encrypted to the agent's key)" if encrypt_to else ""))
    _print_known_values(result.report)
    if result.map_path:
        print(f"Placeholder map (keep it private, do not send): {result.map_path}")
    print("Checklist:")
    print_checklist(result.manifest["checklist"], result.missing)
    if requested:
        from redactor.handoff.commands import print_requested

        print_requested(requested, result.manifest["checklist"])
    return 0


def _print_known_values(report: dict[str, object]) -> None:
    from redactor.bundle.sweep import summary_lines

    section = report.get("known_values")
    for line in summary_lines(section if isinstance(section, dict) else {}):
        print(line)




def add_demo(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    print_checklist(result.manifest["checklist"], result.missing)
    return 0
