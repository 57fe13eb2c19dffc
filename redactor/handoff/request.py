"""An agent's request for a bundle: one line to paste into a Matrix message, or the same line as a small file.

    bisq-support-request:v1;key=age1...;trade=<trade ID>;need=logs,contract,trade-details;
        expires=2026-12-11T10:00Z;check=1a2b3c4d      (one line, no spaces)

Exactly these fields in this order; `check` is the first 8 hex digits of SHA-256 over everything before
`;check=`, so a line cut short or mangled by a chat client is refused rather than half-used (it is not a
signature: the key inside is what protects the bundle). A request only ever pre-fills three things on the
trader's side - the trade ID, the checklist of what is needed, the key to encrypt to - and the trader sees
all three before anything is written; it never names files, folders, roles or anything else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redactor.bisq import ids
from redactor.bundle.checklist import ITEMS
from redactor.errors import BadInput
from redactor.fsutil import write_bytes_atomic

PREFIX = "bisq-support-request:"
VERSION = "v1"
FIELDS = ("key", "trade", "need", "expires", "check")
MAX_REQUEST_CHARS = 1024  # a real line is ~250 characters; a longer "request" is not one of ours
MAX_REQUEST_FILE = 4096  # the file holds the line and a newline
DEFAULT_DAYS = 7  # a support case is usually answered within a week
MAX_DAYS = 30  # Bisq's own arbitration window is shorter; a longer-lived request is refused as malformed
SLACK = timedelta(minutes=10)  # clock skew between the agent's and the trader's computers
SUFFIX = ".bisq-request"
_TIME = "%Y-%m-%dT%H:%MZ"
_FIELD = re.compile(r"[a-z]+=[A-Za-z0-9:,.\-]*")

# Short names in the line -> checklist keys (redactor.bundle.checklist.ITEMS).
NEED_ITEMS: dict[str, str] = {k.removeprefix("screenshot:"): k for k in ITEMS}


class BadRequest(BadInput):
    """A request that is malformed, too large or expired: refused, nothing pre-filled."""


@dataclass(frozen=True)
class Request:
    public_key: str
    trade_id: str
    need: tuple[str, ...]  # checklist keys, in ITEMS order
    expires: datetime


def new_request(public_key: str, trade_id: str, need: list[str] | tuple[str, ...] = (), *,
                days: int = DEFAULT_DAYS, now: datetime | None = None) -> Request:
    from redactor.handoff.age_stream import parse_recipients

    parse_recipients([public_key])
    trade_id = trade_id.strip()
    if not ids.is_trade_id(trade_id):
        raise BadInput(f"'{trade_id[:80]}' is not a Bisq trade ID.")
    if not 1 <= days <= MAX_DAYS:
        raise BadInput(f"A request lasts 1 to {MAX_DAYS} days, not {days}.")
    unknown = [n for n in need if n not in NEED_ITEMS]
    if unknown:
        raise BadInput(f"Unknown item '{unknown[0]}' (use: {', '.join(NEED_ITEMS)}).")
    keys = {NEED_ITEMS[n] for n in need} or set(ITEMS)
    moment = (now or datetime.now(UTC)).replace(second=0, microsecond=0) + timedelta(days=days)
    return Request(public_key.strip(), trade_id, tuple(k for k in ITEMS if k in keys), moment)


def _check(body: str) -> str:
    return hashlib.sha256(body.encode("ascii")).hexdigest()[:8]


def format_request(req: Request) -> str:
    need = ",".join(k.removeprefix("screenshot:") for k in req.need)
    body = (f"{PREFIX}{VERSION};key={req.public_key};trade={req.trade_id};need={need};"
            f"expires={req.expires.astimezone(UTC).strftime(_TIME)}")
    return f"{body};check={_check(body)}"


def write_request_file(path: Path, req: Request) -> None:
    write_bytes_atomic(Path(path), (format_request(req) + "\n").encode("ascii"))


def _find_line(text: str) -> str:
    """The request token in pasted text (a chat message may hold more words around it)."""
    if len(text) > MAX_REQUEST_CHARS * 4:
        raise BadRequest("This text is too long to be a support request.")
    start = text.find(PREFIX)
    if start < 0:
        raise BadRequest("This is not a support request (it should start with bisq-support-request:).")
    token = text[start:].split(maxsplit=1)[0]
    if len(token) > MAX_REQUEST_CHARS:
        raise BadRequest(f"The request is longer than {MAX_REQUEST_CHARS} characters; it is not one an agent's "
                         "app writes.")
    return token


def parse_request(text: str, *, now: datetime | None = None) -> Request:
    """Check every part of a pasted request; BadRequest says what is wrong with it."""
    token = _find_line(text)
    parts = token[len(PREFIX):].split(";")
    if parts[0] != VERSION:
        raise BadRequest(f"This request is of a version this app does not know ('{parts[0][:10]}'); update the "
                         "app or ask the agent for a new one.")
    fields = parts[1:]
    if not all(_FIELD.fullmatch(f) for f in fields) or [f.split("=", 1)[0] for f in fields] != list(FIELDS):
        raise BadRequest("The request is malformed (fields missing, extra or out of order); copy the whole line "
                         "again.")
    values = dict(f.split("=", 1) for f in fields)
    body = token[:token.rindex(";check=")]
    if values["check"] != _check(body):
        raise BadRequest("The request was changed or cut while being copied (its check does not match); copy the "
                         "whole line again.")
    return _validated(values, now or datetime.now(UTC))


def _validated(values: dict[str, str], now: datetime) -> Request:
    from redactor.handoff.age_stream import parse_recipients

    try:
        parse_recipients([values["key"]])
    except BadInput as exc:
        raise BadRequest("The request's key is not an age public key; ask the agent for a new request.") from exc
    if not ids.is_trade_id(values["trade"]):
        raise BadRequest("The request's trade ID is not a Bisq trade ID; ask the agent for a new request.")
    names = values["need"].split(",") if values["need"] else []
    unknown = [n for n in names if n not in NEED_ITEMS]
    if unknown or not names or len(set(names)) != len(names):
        raise BadRequest("The request's list of what is needed is malformed; ask the agent for a new request.")
    try:
        expires = datetime.strptime(values["expires"], _TIME).replace(tzinfo=UTC)
    except ValueError as exc:
        raise BadRequest("The request's expiry is not a date; ask the agent for a new request.") from exc
    if expires < now - SLACK:
        raise BadRequest(f"This request expired on {expires:%Y-%m-%d %H:%M} UTC; ask the agent for a new one.")
    if expires > now + timedelta(days=MAX_DAYS) + SLACK:
        raise BadRequest(f"This request claims to last more than {MAX_DAYS} days, which no agent's app writes; "
                         "ask the agent for a new one.")
    wanted = {NEED_ITEMS[n] for n in names}
    return Request(values["key"], values["trade"], tuple(k for k in ITEMS if k in wanted), expires)


def load_request(file_or_text: str | Path, *, now: datetime | None = None) -> Request:
    """A request from a file (path) or from pasted text."""
    text = str(file_or_text)
    if PREFIX not in text:
        path = Path(text)
        try:
            if path.stat().st_size > MAX_REQUEST_FILE:
                raise BadRequest(f"{path.name} is too large to be a support request.")
            text = path.read_bytes().decode("ascii")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"{path.name} is not a support request (it is not plain text).") from exc
        except OSError as exc:
            raise BadRequest(f"'{text[:80]}' is neither a support request nor a file that can be read.") from exc
    return parse_request(text, now=now)


def describe(req: Request) -> str:
    lines = [f"Support request for trade {req.trade_id}",
             f"  encrypt to: {req.public_key}",
             f"  expires:    {req.expires:%Y-%m-%d %H:%M} UTC",
             "  needed:"]
    lines += [f"    - {ITEMS[k][0]}" for k in req.need]
    return "\n".join(lines)
