"""The agent's commands: verify, merge, close and purge bundles and cases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from redactor.cli.common import missing_of, print_checklist, print_json

MAX_PROBLEMS_SHOWN = 50  # a hostile zip can hold thousands of problems; the first ones say enough


def add_verify(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("verify", help="(agents) check a bundle's hashes and layout")
    p.add_argument("zip", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--identity", type=Path, metavar="KEY_FILE", help="your agent key, to open a .zip.age bundle")
    p.set_defaults(handler=_cmd_verify)


def _cmd_verify(args: argparse.Namespace) -> int:
    from redactor.bundle.verify import ok_sentence, verify_bundle

    if not args.zip.is_file():
        print(f"bisq-redactor: no file at {args.zip}", file=sys.stderr)
        return 1
    from redactor.handoff.commands import open_bundles

    with open_bundles([args.zip], args.identity) as (plain,):
        result = verify_bundle(plain)
    if args.json:
        print_json({"ok": result.ok, "ok_means": ok_sentence(), "problems": result.problems,
                     "checklist": result.checklist,
                     "trade_id": result.manifest.get("trade_id") if result.manifest else None,
                     "audience": result.manifest.get("audience") if result.manifest else None})
    elif result.ok and result.manifest is not None:
        m = result.manifest
        print(f"OK: {args.zip.name} — trade {m['trade_id']}, {m['role']}, {len(m['files'])} files, "
              f"created {m['created']}" + (", for a public issue (IDs replaced)" if m.get("audience") == "public"
                                           else ""))
        print(ok_sentence())
        print_checklist(result.checklist, missing_of(result.checklist))
    else:
        print(f"REFUSED: {args.zip.name}", file=sys.stderr)
        for p in result.problems[:MAX_PROBLEMS_SHOWN]:
            print(f"  - {p}", file=sys.stderr)
        if len(result.problems) > MAX_PROBLEMS_SHOWN:
            print(f"  … and {len(result.problems) - MAX_PROBLEMS_SHOWN:,} more (--json lists them all)",
                  file=sys.stderr)
    return 0 if result.ok else 1


def add_merge(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("merge", help="(agents) merge a buyer and a seller bundle into one case")
    p.add_argument("first", type=Path, help="one trader's bundle (buyer or seller)")
    p.add_argument("second", type=Path, help="the other trader's bundle")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--identity", type=Path, metavar="KEY_FILE", help="your agent key, to open .zip.age bundles")
    p.set_defaults(handler=_cmd_merge)


def _cmd_merge(args: argparse.Namespace) -> int:
    from redactor.bundle.merge import merge_bundles
    from redactor.handoff.commands import check_not_input, open_bundles

    check_not_input(args.output, [args.first, args.second])
    with open_bundles([args.first, args.second], args.identity) as (first, second):
        out = merge_bundles(first, second, args.output)
    print(f"Case written: {out}")
    return 0


def add_close(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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


def add_purge(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
