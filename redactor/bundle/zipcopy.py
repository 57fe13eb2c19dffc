"""Writing the canonical zip (zipio's docstring): sorted names, one timestamp, deflate level 6, mode 0644, no
extra fields or data descriptors, zip32 only. Written here rather than with `zipfile`, which switches to zip64
records above 2 GiB that the strict reader refuses. A member is new content (bytes, a file, an opener) or a
compressed stream copied as it is from a bundle that verified (merge: no inflating and re-deflating)."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from redactor.bundle import limits
from redactor.bundle.zipio import (
    _CDIR,
    _EOCD,
    _LOCAL,
    FILE_MODE,
    IN_CHUNK,
    VERSION_MADE,
    VERSION_NEEDED,
    Cancelled,
    Entry,
    Source,
    TooLarge,
    check_sizes,
    chunks_of,
    expected_dos_time,
    name_problem,
    size_of,
)
from redactor.errors import BadInput
from redactor.fsutil import atomic_output

DEFLATE_LEVEL = 6  # what write_zip uses
# Into a stream that cannot seek back (age encryption on the way out) a member's header must carry its CRC and
# sizes before its data: the compressed data is held in memory first, up to this; a larger member is
# compressed twice instead (once to measure, once to write), so memory stays bounded either way.
MAX_HELD_COMPRESSED = 64 * 1024 * 1024

Sink = Callable[[Path], AbstractContextManager[BinaryIO]]


@dataclass(frozen=True)
class Copied:
    """A member of a verified zip: its compressed bytes are copied, its CRC and sizes kept."""
    zip_path: Path
    entry: Entry


Member = Source | Copied


def _copied(member: Copied) -> Iterator[bytes]:
    with member.zip_path.open("rb") as fh:
        fh.seek(member.entry.data_offset)
        left = member.entry.csize
        while left > 0:
            chunk = fh.read(min(IN_CHUNK * 16, left))
            if not chunk:
                raise OSError(f"{member.zip_path.name} became shorter while it was copied")
            left -= len(chunk)
            yield chunk


def _local(name: bytes, t: int, d: int, crc: int, csize: int, usize: int) -> bytes:
    return _LOCAL.pack(b"PK\x03\x04", VERSION_NEEDED, 0, 8, t, d, crc, csize, usize, len(name), 0) + name


class _Budget:
    """Bytes written so far, checked against the limits as they are written (a source can grow)."""

    def __init__(self, total: int, cancel: Callable[[], bool] | None,
                 progress: Callable[[float], None] | None) -> None:
        self.done, self.total, self.cancel, self.progress = 0, total or 1, cancel, progress

    def add(self, name: str, member_bytes: int, n: int) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled("Stopped; no bundle was written.")
        self.done += n
        if member_bytes > limits.MAX_MEMBER_BYTES or self.done > limits.MAX_TOTAL_BYTES:
            check_sizes([name], [member_bytes])
            raise TooLarge(f"The bundle would hold more than {limits.human(limits.MAX_TOTAL_BYTES)}; nothing was "
                           "written.")
        if self.progress is not None:
            self.progress(min(1.0, self.done / self.total))


def _deflate(source: Source, emit: Callable[[bytes], None], account: Callable[[int, int], None]
             ) -> tuple[int, int, int]:
    """Deflate `source` into `emit`; `account(size so far, chunk length)` sees every chunk read. Returns (crc,
    compressed size, size)."""
    comp = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    crc = csize = usize = 0
    for chunk in chunks_of(source):
        usize += len(chunk)
        account(usize, len(chunk))
        crc = zlib.crc32(chunk, crc)
        out = comp.compress(chunk)
        emit(out)
        csize += len(out)
    out = comp.flush()
    emit(out)
    return crc, csize + len(out), usize


class _Out:
    """The zip's output with its position counted, so a stream that cannot `tell` or `seek` works too."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.pos = fh, 0
        self.seekable = fh.seekable()

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.pos += len(data)


def _new_member(out: _Out, raw: bytes, t: int, d: int, source: Source, budget: _Budget) -> tuple[int, int, int]:
    name = raw.decode("ascii")
    if out.seekable:  # header first, its CRC and sizes patched in once the data is written
        offset = out.pos
        out.write(_local(raw, t, d, 0, 0, 0))
        crc, csize, usize = _deflate(source, out.write, lambda size, n: budget.add(name, size, n))
        out.fh.seek(offset)
        out.fh.write(_local(raw, t, d, crc, csize, usize))
        out.fh.seek(out.pos)
        return crc, csize, usize
    held: list[bytes] = []
    count = [0]

    def hold(data: bytes) -> None:
        count[0] += len(data)
        if count[0] <= MAX_HELD_COMPRESSED:
            held.append(data)
        else:
            held.clear()  # too large to hold: measured now, compressed again below

    crc, csize, usize = _deflate(source, hold, lambda size, n: budget.add(name, size, n))
    out.write(_local(raw, t, d, crc, csize, usize))
    if count[0] <= MAX_HELD_COMPRESSED:
        for data in held:
            out.write(data)
    else:
        again = _deflate(source, out.write, lambda size, n: None)
        if again != (crc, csize, usize):
            raise OSError(f"{name} changed while it was written")
    return crc, csize, usize


def write_members(out: Path, members: Sequence[tuple[str, Member]], moment: datetime, *,
                  cancel: Callable[[], bool] | None = None, progress: Callable[[float], None] | None = None,
                  sizes: dict[str, int] | None = None, sink: Sink = atomic_output) -> None:
    """Write `members` (name, content or Copied) as a canonical zip at `out`, atomically (zip32 only: the
    limits keep every size and offset below 4 GiB). Refuses beyond the limits before writing a byte, and
    stops a source that grows past them while it is written. `sink(out)` opens what the zip is written
    through: by default a temp file renamed into place; an encrypting stream (redactor.handoff) need not seek."""
    names = [n for n, _ in members]
    if len(set(names)) != len(names):
        raise ValueError("duplicate entry names")
    for name in names:  # the writer writes only what its verify accepts
        problem = name_problem(name)
        if problem:
            raise BadInput(f"A bundle cannot hold this file: {problem}. Nothing was written.")
    known = [m.entry.usize if isinstance(m, Copied) else size_of(m) for _, m in members]
    known = [k if k is not None else (sizes or {}).get(n) for n, k in zip(names, known, strict=True)]
    check_sizes(names, known)
    budget = _Budget(sum(k or 0 for k in known), cancel, progress)
    t, d = expected_dos_time(moment)
    central: list[bytes] = []
    with sink(Path(out)) as fh:
        out_ = _Out(fh)
        for name, member in sorted(members, key=lambda m: m[0]):
            raw = name.encode("ascii")  # bundle names are ASCII (zipio.name_problem)
            offset = out_.pos
            if isinstance(member, Copied):
                e = member.entry
                crc, csize, usize = e.crc, e.csize, e.usize
                out_.write(_local(raw, t, d, crc, csize, usize))
                for chunk in _copied(member):
                    budget.add(name, usize, 0)
                    out_.write(chunk)
            else:
                crc, csize, usize = _new_member(out_, raw, t, d, member, budget)
            central.append(_CDIR.pack(b"PK\x01\x02", VERSION_MADE, VERSION_NEEDED, 0, 8, t, d, crc, csize, usize,
                                      len(raw), 0, 0, 0, 0, FILE_MODE << 16, offset) + raw)
        directory = b"".join(central)
        cd_offset = out_.pos
        out_.write(directory)
        out_.write(_EOCD.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), cd_offset, 0))
