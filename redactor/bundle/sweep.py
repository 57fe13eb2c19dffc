"""The final sweep: before a bundle is committed, every member is searched for every value known to be personal
(Bisq's own db files, the contract, what detectors found). A hit stops the export (`UnsafeOutput`) and names
the member and the place - never the value; nothing is written.

Text members are decoded and normalised (`redactor.matching`: case, accents, spacing, IBAN groups, phone
formats). Screenshots are read again with OCR as saved; a word one OCR error away from a name part of 6+
letters counts as a hit, as in the image detector.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redactor.errors import UnsafeOutput
from redactor.matching import (
    COMPACT,
    NAME,
    WORD,
    Needle,
    Views,
    compact,
    first_hit,
    fold_bytes,
    hits,
    normalise,
    one_edit,
)

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".log", ".json", ".csv", ".md")
IMAGE_SUFFIXES = (".png",)
# Text members this large are searched in worker processes, one per core, when there are two or more
# (a full bundle's logs are 21 x 10 MB; starting a worker costs about 0.2 s).
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
MIN_FUZZY = 6  # one OCR error is tolerated from this length on (as `redactor.image.detect`)


class KnownValueFound(UnsafeOutput):
    """A known personal value is still readable in a bundle member."""

    def __init__(self, member: str, place: str, kind: str) -> None:
        fix = ("mark it by hand or leave that screenshot out" if member.lower().endswith(IMAGE_SUFFIXES)
               else "add the word to the words to hide, or leave that file out")
        super().__init__(f"Stopped before saving: a known payment detail ({kind}) can still be read in {member}, "
                         f"{place}. Nothing was written; {fix}, then try again.")
        self.member, self.place, self.kind = member, place, kind


@dataclass(frozen=True)
class SweepResult:
    checked: int  # known values searched for
    needles: int
    members: int
    screenshots: int


def _read(source: Any) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, Path):
        return source.read_bytes()
    with source() as fh:
        data: bytes = fh.read()
        return data


def _kind_of(needle: Needle, owners: dict[Needle, str]) -> str:
    return owners.get(needle, "value")


def text_hit(name: str, data: bytes, found: frozenset[Needle], owners: dict[Needle, str]) -> tuple[str, str] | None:
    """(place, kind) of the first needle in `data`, or None."""
    hit = first_hit(Views(data), found)
    if hit is None:
        return None
    needle, offset = hit
    line = fold_bytes(data).count(b"\n", 0, offset) + 1
    return f"line {line}", _kind_of(needle, owners)


def sweep_text(name: str, data: bytes, found: frozenset[Needle], owners: dict[Needle, str]) -> None:
    """Raise KnownValueFound naming the line of `data` where a needle occurs first."""
    hit = text_hit(name, data, found, owners)
    if hit is not None:
        raise KnownValueFound(name, *hit)


def _path_hit(name: str, path: Path, found: frozenset[Needle],
              owners: dict[Needle, str]) -> tuple[str, str, str] | None:
    """A worker's job: one log file from disk (an exception with arguments does not cross processes well)."""
    hit = text_hit(name, path.read_bytes(), found, owners)
    return (name, *hit) if hit is not None else None


def _sweep_files_in_parallel(files: list[tuple[str, Path]], found: frozenset[Needle],
                             owners: dict[Needle, str]) -> None:
    """Large logs in one process per core (the search holds the GIL); the first hit in file order wins."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    workers = min(len(files), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_path_hit, [n for n, _ in files], [p for _, p in files],
                                [found] * len(files), [owners] * len(files)))
    for hit in results:
        if hit is not None:
            raise KnownValueFound(*hit)


def _fuzzy_word_hit(word: str, found: Iterable[Needle]) -> Needle | None:
    n = normalise(word).replace(" ", "")
    if len(n) < MIN_FUZZY:
        return None
    for needle in found:
        form = needle.form.replace(" ", "")
        if needle.mode == NAME and not word[:1].isupper():
            continue
        if needle.mode in (WORD, NAME, COMPACT) and len(form) >= MIN_FUZZY and one_edit(n, form):
            return needle
    return None


def sweep_image(name: str, data: bytes, found: frozenset[Needle], owners: dict[Needle, str],
                ocr: Any | None = None) -> None:
    """OCR the saved screenshot; raise KnownValueFound with the place (pixel position) of a readable value."""
    from redactor.image.layout import group_lines
    from redactor.image.ocr import TesseractOcr
    from redactor.image.redact import load_image_bytes

    image = load_image_bytes(data, name)
    engine = ocr if ocr is not None else TesseractOcr()
    words = engine.words(image)
    for line in group_lines(words):
        text = " ".join(w.text for w in line.words)
        line_hits = hits(Views(text), found)
        if line_hits:
            w = line.words[0]
            raise KnownValueFound(name, f"near x={w.x}, y={w.y}", _kind_of(sorted(line_hits)[0], owners))
        for w in line.words:
            near = _fuzzy_word_hit(w.text, found)
            if near is not None:
                raise KnownValueFound(name, f"near x={w.x}, y={w.y} (read with one letter different)",
                                      _kind_of(near, owners))


def needles_of(pairs: Sequence[tuple[str, str]]) -> tuple[frozenset[Needle], dict[Needle, str]]:
    """All needles of (value, kind) pairs, and for each the kind it came from (for the message)."""
    from redactor.matching import needles

    owners: dict[Needle, str] = {}
    for value, kind in pairs:
        for n in needles(value, kind):
            owners.setdefault(n, _category(kind))
    return frozenset(owners), owners


def _category(kind: str) -> str:
    """A word for the message: the kind of value, never the value."""
    k = kind.lower()
    for word, cat in (("name", "a name"), ("contact", "a name"), ("owner", "a name"), ("iban", "an IBAN"),
                      ("email", "an e-mail address"), ("mobile", "a phone number"), ("phone", "a phone number"),
                      ("address", "an address"), ("city", "an address"), ("account", "an account number")):
        if word in k:
            return cat
    return "an account detail"


def sweep_png(name: str, png: bytes, pairs: Sequence[tuple[str, str]], ocr: Any | None = None) -> None:
    """sweep_image() of one screenshot as it will be saved, for (value, kind) pairs."""
    found, owners = needles_of(pairs)
    if found:
        sweep_image(name, png, found, owners, ocr)


def sweep(entries: Sequence[tuple[str, Any]], pairs: Sequence[tuple[str, str]], *, ocr: Any | None = None,
          cancel: Callable[[], bool] | None = None, swept: frozenset[str] = frozenset()) -> SweepResult:
    """Search every member for every known value; KnownValueFound on the first hit. `pairs`: (value, kind);
    `swept`: members whose suffix (after the trade-ID folder) names a screenshot already checked as saved."""
    found, owners = needles_of(pairs)
    shots = 0
    if found:
        big = [(n, src) for n, src in entries if isinstance(src, Path) and n.lower().endswith(TEXT_SUFFIXES)
               and src.stat().st_size >= PARALLEL_MIN_BYTES]
        if len(big) >= 2 and (os.cpu_count() or 1) > 1:
            _sweep_files_in_parallel(big, found, owners)
        done = {n for n, _ in big} if len(big) >= 2 and (os.cpu_count() or 1) > 1 else set()
        for name, source in entries:
            if cancel is not None and cancel():  # never a half-checked bundle
                from redactor.bundle.zipio import Cancelled

                raise Cancelled("Stopped; no bundle was written.")
            if name.split("/", 1)[-1] in swept or name in done:
                continue
            lower = name.lower()
            if lower.endswith(IMAGE_SUFFIXES):
                sweep_image(name, _read(source), found, owners, ocr)
                shots += 1
            elif lower.endswith(TEXT_SUFFIXES):
                sweep_text(name, _read(source), found, owners)
    log.info("final sweep: %d values, %d needles, %d members", len({v for v, _ in pairs}), len(found), len(entries))
    return SweepResult(checked=len({compact(v) for v, _ in pairs}), needles=len(found), members=len(entries),
                       screenshots=shots)


def case_known_values(data_dir: Path | None, trade_id: str, contract_values: Sequence[str]) -> Any:
    """The known values of one case: Bisq's db files (the trader's accounts and this trade) and the contract."""
    from redactor.bisq.stores import known_values

    everything = known_values(data_dir)
    known = everything.for_trade(trade_id)
    if everything.trade_ids() and not any(v.trade_id for v in known.values):
        known.notes.append("Bisq's trade files hold no trade with this ID, so only your own accounts' details "
                           "are known; check the trade ID.")
    known.add(contract_values, "contract", trade_id=trade_id)
    return known


def report_section(known: Any) -> dict[str, Any]:
    """For redaction-report.json: how many known values were checked and from which sources (counts only)."""
    section: dict[str, Any] = {"checked": len({v for v, _ in known.sweep_pairs()}), "sources": known.counts()}
    if known.notes:
        section["notes"] = list(known.notes)
    if not known.texts():
        section["rules_only"] = True
    return section


def summary_lines(section: dict[str, Any]) -> list[str]:
    """What the final sweep checked, in words for the trader (counts and sources, never values)."""
    sources = section.get("sources") or {}
    lines = []
    if section.get("checked"):
        where = ", ".join(f"{k} {v}" for k, v in sources.items())
        overlap = "; a detail can come from several" if len(sources) > 1 else ""
        lines.append(f"Checked every file for the {section['checked']} payment details known for this trade "
                     f"(from {where}{overlap}): none of them can be read in the bundle.")
    else:
        lines.append("The app knows none of this trade's payment details (it read none from Bisq's files or a "
                     "contract), so it relied on its rules alone: look at the files yourself before sending.")
    lines += [f"Note: {n}" for n in section.get("notes", [])]
    return lines
