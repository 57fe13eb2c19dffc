"""Apply the public profile to a bundle's entries (called by redactor.bundle.writer before hashing).

Input: the writer's entries `{<tradeId>/path: Path | bytes}` (already sanitized, redacted and scrubbed).
Output: the same members under `public-case/`, every text member through redactor.handoff.public, every
screenshot through redactor.handoff.public_image. Anything else is refused: an unknown member could carry an ID.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from redactor.bundle.zipio import Cancelled
from redactor.errors import BadInput, UnsafeOutput
from redactor.fsutil import atomic_output
from redactor.handoff import public
from redactor.handoff.public import CASE_NAME, PublicValues
from redactor.text.placeholders import PlaceholderTable

Entries = dict[str, Any]  # name -> Path | bytes (redactor.bundle.zipio.Source without openers)
AUDIENCES = ("agent", "public")
Sink = Callable[[Path], AbstractContextManager[BinaryIO]]


def output_plan(out_zip: Path, encrypt_to: Sequence[str], audience: str, trade_id: str) -> tuple[Path, Path, Sink]:
    """(name the local maps go by, file to write, how to open it) for build_bundle; refuses a bad key, an unknown
    audience or a public bundle named after its trade before any work is done."""
    if audience not in AUDIENCES:
        raise BadInput(f"Unknown audience '{audience}' (use agent or public).")
    if audience == "public":
        public.check_output_name(out_zip, trade_id)
    if not encrypt_to:
        return Path(out_zip), Path(out_zip), atomic_output
    from redactor.handoff import age_stream

    sink = age_stream.encrypting_sink(age_stream.parse_recipients(encrypt_to))
    return age_stream.plain_name(out_zip), age_stream.encrypted_name(out_zip), sink


@dataclass
class PublicResult:
    entries: Entries
    prefix: str
    case_name: str
    learnt: PublicValues
    report: dict[str, Any]


def _read(source: Any) -> bytes | Path:
    if isinstance(source, bytes | Path):
        return source
    raise UnsafeOutput("A bundle member could not be checked for the public profile; nothing was written.")


def apply_public(entries: Mapping[str, Any], prefix: str, work: Path, trade_id: str, report_name: str,
                 cancel: Callable[[], bool] | None = None) -> tuple[Entries, str, PlaceholderTable]:
    """(new entries, new prefix, the public placeholders for the local map); the redaction report gains the
    public pass's counts."""
    result = public_entries(entries, prefix, work, trade_id, cancel)
    key = result.prefix + report_name
    raw = result.entries.get(key)
    doc = json.loads(raw) if isinstance(raw, bytes) else {}
    doc["public"] = result.report
    result.entries[key] = (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
    return result.entries, result.prefix, result.learnt.table


def _texts(source: bytes | Path, cancel: Callable[[], bool] | None) -> Iterator[str]:
    for block in public.blocks(source):
        if cancel is not None and cancel():  # ~4 MiB blocks: a cancel is seen within a second
            raise Cancelled("Stopped; no bundle was written.")
        yield block


def public_entries(entries: Mapping[str, Any], prefix: str, work: Path, trade_id: str,
                   cancel: Callable[[], bool] | None = None) -> PublicResult:
    learnt = PublicValues()
    learnt.set_own_trade(trade_id)  # the trade itself is <trade-1>, wherever it shows
    names = sorted(entries)
    for name in names:
        if public.is_text_member(name):
            for block in _texts(_read(entries[name]), cancel):
                public.learn(block, learnt)
        elif not name.endswith(".png"):
            raise UnsafeOutput(f"{name.rsplit('/', 1)[-1]} cannot be checked for a public issue; leave it out.")
    new_prefix = f"{CASE_NAME}/"
    out: Entries = {}
    shots: dict[str, int] = {}
    (work / "public").mkdir(exist_ok=True)
    for i, name in enumerate(names):
        inner = name[len(prefix):]
        source = _read(entries[name])
        if public.is_text_member(name):
            if isinstance(source, bytes):
                out[new_prefix + inner] = "".join(public.replace(b, learnt) for b in _texts(source, cancel)).encode(
                    "utf-8", "surrogateescape")
            else:
                dest = work / "public" / f"{i}.txt"
                with dest.open("wb") as fh:
                    for block in _texts(source, cancel):
                        fh.write(public.replace(block, learnt).encode("utf-8", "surrogateescape"))
                out[new_prefix + inner] = dest
        else:
            from redactor.handoff.public_image import blackout_ids

            png = source if isinstance(source, bytes) else Path(source).read_bytes()
            out[new_prefix + inner], shots[inner] = blackout_ids(png, inner.rsplit("/", 1)[-1], learnt)
    counts: dict[str, int] = {}
    for kind in learnt.values.values():
        counts[kind] = counts.get(kind, 0) + 1
    report = {"replaced_ids": dict(sorted(counts.items())), "screenshot_boxes": shots}
    return PublicResult(out, new_prefix, CASE_NAME, learnt, report)
