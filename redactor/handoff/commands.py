"""CLI pieces of the hand-off: opening `.zip.age` bundles with an agent key, `agent-key`, `request`.

redactor/cli.py registers `add_commands` and calls `open_bundles` from verify and merge; the GUI uses the
modules behind these (age_stream, keys, request), never this file.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from redactor.errors import BadInput, RedactorError
from redactor.handoff import age_stream, keys


def ask_passphrase(prompt: str, *, confirm: bool = False) -> str:
    """From BISQ_REDACTOR_PASSPHRASE (scripts), else asked on the terminal without echo."""
    given = keys.passphrase_from_env()
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise BadInput(f"A passphrase is needed; run this in a terminal or set {keys.PASSPHRASE_ENV}.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the passphrase: ") != first:
        raise BadInput("The two passphrases differ; nothing was written.")
    return first


def load_identity_file(path: Path) -> list[Any]:
    phrase = ask_passphrase(f"Passphrase for {Path(path).name}: ") if keys.needs_passphrase(path) else None
    return keys.load_identities(path, phrase)


@contextmanager
def open_bundles(paths: Sequence[Path], identity: Path | None) -> Iterator[list[Path]]:
    """Plain zips for `paths`; encrypted ones are decrypted into private temp folders removed afterwards."""
    identities: list[Any] | None = None
    if identity is not None and any(age_stream.is_age_file(p) for p in paths):
        identities = load_identity_file(identity)
    with ExitStack() as stack:
        yield [stack.enter_context(age_stream.opened_bundle(Path(p), identities)) for p in paths]


# --- agent-key -----------------------------------------------------------------------------------------------

def _add_agent_key(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("agent-key", help="(agents) create or show the key traders encrypt bundles to")
    acts = p.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    new = acts.add_parser("new", help="create a key, protected by a passphrase")
    new.add_argument("-o", "--output", type=Path, required=True,
                     help="the secret key file to write (its public key goes to OUTPUT.pub)")
    new.set_defaults(handler=_cmd_key_new)
    show = acts.add_parser("show", help="print the public key (age1...) of a key file")
    show.add_argument("key", type=Path)
    show.set_defaults(handler=_cmd_key_show)


def _cmd_key_new(args: argparse.Namespace) -> int:
    phrase = ask_passphrase("New passphrase for the agent key: ", confirm=True)
    key = keys.create_key(args.output, phrase)
    print(f"Agent key written: {key.secret_path} (passphrase-protected; back it up, a lost key cannot be "
          "recovered)")
    print(f"Public key ({key.public_path}): {key.public_key}")
    return 0


def _cmd_key_show(args: argparse.Namespace) -> int:
    print(keys.read_public_key(args.key))
    return 0


# --- request -------------------------------------------------------------------------------------------------

def _add_request(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from redactor.handoff import request

    p = sub.add_parser("request", help="(agents) ask a trader for an encrypted bundle")
    acts = p.add_subparsers(dest="request_action", metavar="ACTION", required=True)
    new = acts.add_parser("new", help="write a request: one line to paste into Matrix, and the same as a file")
    new.add_argument("--key", type=Path, required=True, help="your agent key file (or its .pub)")
    new.add_argument("--trade-id", required=True)
    new.add_argument("--need", action="append", default=[], metavar="ITEM",
                     help=f"what you need (repeatable; default: all): {', '.join(request.NEED_ITEMS)}")
    new.add_argument("--expires", type=_days, default=request.DEFAULT_DAYS, metavar="DAYS",
                     help=f"days until the request expires (default {request.DEFAULT_DAYS}d, at most "
                          f"{request.MAX_DAYS}d)")
    new.add_argument("-o", "--output", type=Path, help="also write the request to this file")
    new.set_defaults(handler=_cmd_request_new)
    show = acts.add_parser("show", help="check a request (file or pasted text) and show what it asks for")
    show.add_argument("request", help="a request file or the bisq-support-request:... text")
    show.set_defaults(handler=_cmd_request_show)


def _days(text: str) -> int:
    value = text.strip().lower().removesuffix("d")
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days like 7d")
    return int(value)


def _cmd_request_new(args: argparse.Namespace) -> int:
    from redactor.handoff import request

    req = request.new_request(keys.read_public_key(args.key), args.trade_id, args.need, days=args.expires)
    line = request.format_request(req)
    if args.output is not None:
        request.write_request_file(args.output, req)
        print(f"Request file written: {args.output}", file=sys.stderr)
    print(line)
    return 0


def _cmd_request_show(args: argparse.Namespace) -> int:
    from redactor.handoff import request

    req = request.load_request(args.request)
    print(request.describe(req))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _add_agent_key(sub)
    _add_request(sub)


def check_not_input(out: Path, inputs: Sequence[Path]) -> None:
    if any(Path(out).resolve() == Path(p).resolve() for p in inputs):
        raise RedactorError("Write the result to a new file, not over one of the bundles.")


def bundle_target(trade_id: str | None, encrypt_to: Sequence[str], request_arg: str | None
                  ) -> tuple[str, list[str], list[str]]:
    """(trade ID, keys to encrypt to, checklist keys requested) for `bundle`. A request fills only these; when
    the trader also gave them, they must agree with it (a mismatch is refused, never silently resolved)."""
    if request_arg is None:
        if not trade_id:
            raise BadInput("Give the trade ID (--trade-id) or the agent's request (--request).")
        return trade_id, list(encrypt_to), []
    from redactor.handoff import request

    req = request.load_request(request_arg)
    if trade_id and trade_id.strip() != req.trade_id:
        raise BadInput(f"The request is for trade {req.trade_id}, not {trade_id.strip()}; check which trade the "
                       "agent asked about.")
    if any(k.strip() != req.public_key for k in encrypt_to):
        raise BadInput("--encrypt-to names another key than the request's; use one or the other.")
    print(request.describe(req), file=sys.stderr)
    return req.trade_id, [req.public_key], list(req.need)


def print_requested(requested: Sequence[str], checklist: dict[str, bool]) -> None:
    from redactor.bundle.checklist import ITEMS

    absent = [ITEMS[k][0] for k in requested if not checklist.get(k, False)]
    if absent:
        print("The agent asked for these and the bundle does not hold them:")
        for item in absent:
            print(f"  - {item}")
    else:
        print("Everything the agent asked for is in the bundle.")
