"""The steps of the log sanitizer that run per file (in worker processes when there are several files):
read in blocks of whole lines, learn (every detector once, raw hits spilled per block), scan (the raw hits plus
the case's known values, resolved and spliced; placeholder offsets spilled), apply (numbered placeholders
inserted). sanitizer.py orchestrates them; its docstring describes the whole.
"""

from __future__ import annotations

import os
import pickle
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from redactor.errors import RedactorError
from redactor.text.detectors import Hit, Scanner, entry_boundary
from redactor.text.known import PROPAGATED, Item, matcher_for
from redactor.text.spans import Raw
from redactor.text.userpaths import user_prop_names

BLOCK = 1 << 20
MAX_BLOCK = 4 << 20  # a "line" longer than this is cut (memory stays bounded on garbage input)
COPY = 4 << 20


class SanitizeCancelled(RedactorError):
    """The user cancelled; nothing was written."""


# --- one block / one file ----------------------------------------------------------------------------------

class _Readable(Protocol):
    def read(self, n: int, /) -> bytes: ...


def iter_blocks(fh: _Readable, size: int = BLOCK) -> Iterator[bytes]:
    """Blocks of whole lines (the last one may lack its newline)."""
    carry = b""
    while True:
        chunk = fh.read(size)
        if not chunk:
            if carry:
                yield carry
            return
        data = carry + chunk if carry else chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0 and len(data) < MAX_BLOCK:
            carry = data
            continue
        if cut == 0:
            cut = len(data)
        elif cut < len(data) or len(data) >= size:
            cut = entry_boundary(data, cut)
        yield data[:cut]
        carry = data[cut:]


Emit = Callable[[str, str, int], bytes]  # (kind, canonical value, output offset) -> placeholder bytes


def _splice(block: bytes, hits: list[Hit], emit: Emit, out_pos: int, counts: Counter[str]) -> bytes:
    parts = []
    pos = 0
    for h in hits:
        parts.append(block[pos:h.start])
        out_pos += h.start - pos
        ph = emit(h.kind, h.canon, out_pos)
        parts.append(ph)
        out_pos += len(ph)
        pos = h.end
        counts[h.kind] += 1
    parts.append(block[pos:])
    return b"".join(parts)


def _sanitize_stream(src: _Readable, dst: BinaryIO, scanner: Scanner, emit: Emit,
                     cancel: Callable[[], bool] | None = None,
                     after_block: Callable[[], None] | None = None,
                     learnt: Iterator[tuple[int, list[Raw]]] | None = None) -> tuple[int, Counter[str]]:
    """`learnt`: per block, its length and what the detectors found in the learn step (a block whose length
    differs, the file having changed in between, is detected afresh)."""
    counts: Counter[str] = Counter()
    lines = 0
    out_pos = 0
    last = b""
    for block in iter_blocks(src):
        if cancel is not None and cancel():
            raise SanitizeCancelled("Cancelled; no sanitized logs were written.")
        lines += block.count(b"\n")
        last = block
        raw = None
        if learnt is not None:
            blen, found = next(learnt, (-1, []))
            if blen == len(block):
                raw = found
            else:
                learnt = None  # the file changed since: every later block is detected afresh
        hits = scanner.scan(block, raw)
        out = _splice(block, hits, emit, out_pos, counts) if hits else block
        dst.write(out)
        out_pos += len(out)
        if after_block is not None:
            after_block()
    if last and not last.endswith(b"\n"):
        lines += 1
    return lines, counts


class _ReadError(Exception):
    pass


class _Reader:
    """Wraps an input so that its read errors surface as _ReadError (reported, not fatal), unlike write
    errors (fatal)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def read(self, n: int) -> bytes:
        try:
            return self._fh.read(n)
        except OSError as exc:
            raise _ReadError(_reason(exc)) from exc


class _Limited:
    """Reads at most `size` bytes: the scan step sees exactly what the learn step saw, even when Bisq appends
    to the log meanwhile."""

    def __init__(self, fh: _Readable, size: int) -> None:
        self._fh, self._left = fh, size

    def read(self, n: int) -> bytes:
        data = self._fh.read(min(n, self._left)) if self._left > 0 else b""
        self._left -= len(data)
        return data


@dataclass
class _Learned:
    names: set[str]  # OS user names from home paths and `user.name=`
    values: list[Item]  # personal values found, in order of first appearance
    size: int  # bytes read
    error: str | None = None


def _learn_worker(src: str, spill: str) -> _Learned:
    """Step 0: run every detector over the file once; what they found is spilled per block for the scan step
    (which then only adds the case's known values), and the values and user names are returned."""
    scanner = Scanner()
    names: set[str] = set()
    values: dict[Item, None] = {}
    size = 0
    try:
        with open(src, "rb") as fin, open(spill, "wb") as fsp:
            for block in iter_blocks(_Reader(fin)):
                size += len(block)
                raw = scanner.detect(block)
                pickle.dump((len(block), raw), fsp, protocol=pickle.HIGHEST_PROTOCOL)
                names |= user_prop_names(block)
                for h in raw:
                    if h[2] == "user":
                        names.add(h[3])
                    elif h[2] in PROPAGATED:
                        values.setdefault((h[2], h[3]), None)
    except (OSError, _ReadError) as exc:
        _unlink(spill)
        return _Learned(set(), [], 0, error=str(exc) if isinstance(exc, _ReadError) else _reason(exc))
    return _Learned(names, list(values), size)


def _learnt_blocks(spill: str) -> Iterator[tuple[int, list[Raw]]]:
    with open(spill, "rb") as fsp:
        while True:
            try:
                yield pickle.load(fsp)
            except EOFError:
                return


# --- parallel steps (top-level functions: they run in worker processes) ------------------------------------

@dataclass
class _Scanned:
    lines: int
    counts: dict[str, int]
    values: list[tuple[str, str]]  # local value index -> (kind, canonical value)
    inserts: int
    error: str | None = None


def _scan_worker(src: str, part: str, spill: str, learnt_spill: str, size: int, items: tuple[Item, ...]) -> _Scanned:
    scanner = Scanner(matcher_for(items) if items else None)
    local: dict[tuple[str, str], int] = {}
    values: list[tuple[str, str]] = []
    pending = array("q")
    inserts = 0

    def emit(kind: str, canon: str, out_pos: int) -> bytes:
        key = (kind, canon)
        idx = local.get(key)
        if idx is None:
            idx = local[key] = len(values)
            values.append(key)
        pending.append(out_pos)
        pending.append(idx)
        return b""

    try:
        fin = open(src, "rb")  # noqa: SIM115 - closed below; an unreadable input is reported, not fatal
    except OSError as exc:
        return _Scanned(0, {}, [], 0, error=_reason(exc))
    try:
        with fin, open(part, "wb") as fout, open(spill, "wb") as fspill:
            def flush() -> None:
                nonlocal inserts
                if pending:
                    inserts += len(pending) // 2
                    pending.tofile(fspill)
                    del pending[:]

            lines, counts = _sanitize_stream(_Limited(_Reader(fin), size), fout, scanner, emit,
                                             after_block=flush, learnt=_learnt_blocks(learnt_spill))
    except _ReadError as exc:
        _unlink(part, spill)
        return _Scanned(0, {}, [], 0, error=str(exc))
    return _Scanned(lines, dict(counts), values, inserts)


def _apply_worker(part: str, spill: str, dst: str, placeholders: list[bytes], inserts: int) -> None:
    """Insert the numbered placeholders into a part file and move it into place."""
    if inserts == 0:
        os.replace(part, dst)
        os.unlink(spill)
        return
    tmp = dst + ".numbered"
    try:
        with open(part, "rb") as fin, open(spill, "rb") as fsp, open(tmp, "wb") as fout:
            pos = 0
            while True:
                chunk = array("q")
                try:
                    chunk.fromfile(fsp, 1 << 16)
                except EOFError:
                    pass
                if not chunk:
                    break
                for i in range(0, len(chunk), 2):
                    at, idx = chunk[i], chunk[i + 1]
                    _copy(fin, fout, at - pos)
                    pos = at
                    fout.write(placeholders[idx])
            _copy(fin, fout, -1)
        os.replace(tmp, dst)
    finally:
        _unlink(tmp, part, spill)


def _copy(fin: BinaryIO, fout: BinaryIO, n: int) -> None:
    """Copy n bytes (all that is left if n < 0)."""
    while n != 0:
        data = fin.read(COPY if n < 0 else min(n, COPY))
        if not data:
            return
        fout.write(data)
        if n > 0:
            n -= len(data)


def _unlink(*paths: str | Path) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__
