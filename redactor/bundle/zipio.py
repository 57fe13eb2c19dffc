"""Canonical zip files: written atomically and reproducibly, read back strictly.

A bundle zip has one canonical form: entries sorted by name, no directory entries, every entry deflated with a
fixed timestamp (the bundle's `created`), mode 0644, no extra fields, comments or data descriptors, and nothing
before, between or after the records. The strict reader checks every header byte against that form and every
compressed stream for trailing bytes and non-zero padding bits, so one altered byte anywhere in the file is
found — either as a header that is not canonical or as content whose CRC / SHA-256 no longer matches.
"""

from __future__ import annotations

import hashlib
import logging
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from redactor.bundle import limits
from redactor.errors import BadInput, RedactorError

log = logging.getLogger(__name__)

FILE_MODE = stat.S_IFREG | 0o644
CHUNK = 1 << 20
# Compressed bytes fed to zlib at a time while verifying: each 1 MiB of output re-copies the input not yet
# consumed, so a large input chunk of a highly compressed member costs quadratic copying (7 s per GiB).
IN_CHUNK = 64 << 10
MIN_DATE = datetime(1980, 1, 1, tzinfo=UTC)  # the DOS date in zip headers starts in 1980

Source = Path | bytes | Callable[[], BinaryIO]


class Cancelled(RedactorError):
    """The user stopped the run; nothing was written."""


def to_utc(moment: datetime) -> datetime:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max(MIN_DATE, moment.astimezone(UTC)).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return to_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return to_utc(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))


def zip_date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    m = to_utc(moment)
    return (m.year, m.month, m.day, m.hour, m.minute, m.second - m.second % 2)


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def chunks_of(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
        return
    opener: Callable[[], BinaryIO] = (lambda: Path(source).open("rb")) if isinstance(source, Path) else source
    with opener() as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def size_of(source: Source) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, Path):
        return source.stat().st_size
    return None


class TooLarge(BadInput):
    """The bundle would be larger than a bundle may be (limits.py); nothing was written."""


def check_sizes(names: Sequence[str], sizes: Sequence[int | None]) -> None:
    """Refuse, before anything is written, a zip the strict reader would refuse: too many entries, a long
    name, a member or a total beyond the limits (which also keeps the zip below zip64)."""
    if len(names) > limits.MAX_ENTRIES + 1:
        raise TooLarge(f"A bundle holds at most {limits.MAX_ENTRIES:,} files; this one would hold {len(names):,}. "
                       "Nothing was written.")
    for name in names:
        if len(name) > limits.MAX_NAME_CHARS:
            raise TooLarge(f"The file name {name[:80]}… is too long for a bundle. Nothing was written.")
    for name, size in zip(names, sizes, strict=True):
        if size is not None and size > limits.MAX_MEMBER_BYTES:
            raise TooLarge(f"{name.rsplit('/', 1)[-1]} is {limits.human(size)}; a bundle file may hold at most "
                           f"{limits.human(limits.MAX_MEMBER_BYTES)}. Nothing was written.")
    total = sum(s or 0 for s in sizes)
    if total > limits.MAX_TOTAL_BYTES:
        raise TooLarge(f"The bundle would hold {limits.human(total)}; a bundle may hold at most "
                       f"{limits.human(limits.MAX_TOTAL_BYTES)}. Nothing was written.")


def write_zip(out: Path, entries: Sequence[tuple[str, Source]], moment: datetime, *,
              cancel: Callable[[], bool] | None = None,
              progress: Callable[[float], None] | None = None,
              sizes: dict[str, int] | None = None,
              sink: Callable[[Path], AbstractContextManager[BinaryIO]] | None = None) -> None:
    """Write `entries` (name, content) as a canonical zip at `out`, atomically: the zip appears complete or not
    at all (zipcopy.write_members). `sizes`: the sizes of callable sources, when known, so the limits are
    checked before writing; a source that turns out longer than the limits stops the write. `sink`: what the
    zip is written through instead of a temp file renamed into place (an encrypting stream)."""
    from redactor.bundle.zipcopy import write_members

    if sink is None:
        write_members(out, entries, moment, cancel=cancel, progress=progress, sizes=sizes)
    else:
        write_members(out, entries, moment, cancel=cancel, progress=progress, sizes=sizes, sink=sink)


# --- strict reading --------------------------------------------------------------------------------------

_EOCD = struct.Struct("<4s4H2LH")
_CDIR = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")
VERSION_MADE = (3 << 8) | 20  # unix, zip spec 2.0 (what zipfile writes for deflate)
VERSION_NEEDED = 20
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")


@dataclass(frozen=True)
class Entry:
    name: str
    crc: int
    csize: int
    usize: int
    data_offset: int
    external_attr: int
    dos_time: tuple[int, int]


@dataclass
class Layout:
    entries: list[Entry]
    problems: list[str]


def name_problem(name: str) -> str | None:
    """Why an entry name is unsafe to extract, or None. Checked before anything is read."""
    if len(name) > limits.MAX_NAME_CHARS:
        return f"entry '{name[:80]}…' has a longer name than a bundle uses"
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"entry '{name}' has an absolute or Windows path"
    if any(part in ("..", ".", "") for part in name.rstrip("/").split("/")):
        return f"entry '{name}' escapes its folder ('..' or empty path part)"
    if not _SAFE_NAME.match(name.rstrip("/")):
        return f"entry '{name}' has characters a bundle never uses"
    return None


def size_problem(name: str, csize: int, usize: int) -> str | None:
    """Why an entry's declared sizes are beyond what the app writes or deflate can produce, or None."""
    if usize > limits.MAX_MEMBER_BYTES:
        return (f"entry '{name}' claims {limits.human(usize)}; a bundle file holds at most "
                f"{limits.human(limits.MAX_MEMBER_BYTES)}")
    if usize > (csize + 1) * limits.MAX_DEFLATE_RATIO:
        return f"entry '{name}' claims more than its compressed data can hold (a zip bomb or a damaged header)"
    return None


def type_problem(name: str, external_attr: int, create_system: int) -> str | None:
    mode = external_attr >> 16
    if create_system == 3 and stat.S_ISLNK(mode):
        return f"entry '{name}' is a symbolic link"
    if name.endswith("/") or external_attr & 0x10:
        return f"entry '{name}' is a directory entry (bundles list files only)"
    if create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return f"entry '{name}' is not a regular file"
    return None


def _end_record(fh: BinaryIO, size: int, problems: list[str]) -> tuple[int, int, int] | None:
    """(entries, directory size, directory offset) from the end record, or None (the reason in `problems`)
    when there is none or it is beyond the limits: then nothing else of the zip is read."""
    if size < _EOCD.size:
        problems.append("not a zip file")
        return None
    fh.seek(size - _EOCD.size)
    sig, disk, cd_disk, n_here, n_total, cd_size, cd_offset, comment_len = _EOCD.unpack(fh.read(_EOCD.size))
    if sig != b"PK\x05\x06" or comment_len:
        problems.append("not a bundle zip (no end record where expected: trailing data, a comment or not a zip "
                        "at all)")
        return None
    if disk or cd_disk or n_here != n_total or cd_offset + cd_size != size - _EOCD.size:
        problems.append("the zip's end record was altered")
    if n_total > limits.MAX_ENTRIES + 1:
        problems[:] = [f"the zip holds {n_total:,} entries; a bundle holds at most {limits.MAX_ENTRIES:,} files"]
        return None
    if cd_size > (limits.MAX_ENTRIES + 1) * (_CDIR.size + limits.MAX_NAME_CHARS):
        problems[:] = ["the zip's directory is larger than a bundle's (names longer than a bundle uses)"]
        return None
    return n_total, cd_size, cd_offset


def read_layout(path: Path) -> Layout:
    """Parse the zip's records and check them against the canonical form. Content is not read here."""
    problems: list[str] = []
    with path.open("rb") as fh:
        end = _end_record(fh, path.stat().st_size, problems)
        if end is None:
            return Layout([], problems)
        n_total, cd_size, cd_offset = end
        fh.seek(cd_offset)
        cdir = fh.read(cd_size)
        entries: list[Entry] = []
        pos = 0
        expect_offset = 0
        stamp: tuple[int, int] | None = None
        for _ in range(n_total):
            if pos + _CDIR.size > len(cdir):
                problems.append("the zip's central directory is truncated")
                break
            (sig, made, needed, flags, method, t, d, crc, csize, usize, nlen, elen, clen, dstart, iattr, eattr,
             offset) = _CDIR.unpack_from(cdir, pos)
            raw_name = cdir[pos + _CDIR.size:pos + _CDIR.size + nlen]
            name = raw_name.decode("cp437" if not flags & 0x800 else "utf-8", "replace")
            pos += _CDIR.size + nlen + elen + clen
            where = f"entry '{name}'"
            if sig != b"PK\x01\x02":
                problems.append("the zip's central directory is damaged")
                break
            bad = name_problem(name) or type_problem(name, eattr, made >> 8) or size_problem(name, csize, usize)
            if bad:
                problems.append(bad)
                continue
            if (made, needed, flags, method, elen, clen, dstart, iattr, eattr) != (
                    VERSION_MADE, VERSION_NEEDED, 0, zipfile.ZIP_DEFLATED, 0, 0, 0, 0, FILE_MODE << 16):
                problems.append(f"{where}: its zip header is not the one this tool writes (edited or re-packed)")
            stamp = stamp or (t, d)
            if (t, d) != stamp:
                problems.append(f"{where}: its timestamp differs from the other entries")
            if offset != expect_offset:
                problems.append(f"{where}: unexpected bytes before it in the zip")
            fh.seek(offset)
            local = fh.read(_LOCAL.size)
            if len(local) < _LOCAL.size:
                problems.append(f"{where}: truncated")
                break
            lsig, lneeded, lflags, lmethod, lt, ld, lcrc, lcsize, lusize, lnlen, lelen = _LOCAL.unpack(local)
            lname = fh.read(lnlen)
            if (lsig, lneeded, lflags, lmethod, lt, ld, lcrc, lcsize, lusize, lname, lelen) != (
                    b"PK\x03\x04", needed, flags, method, t, d, crc, csize, usize, raw_name, 0):
                problems.append(f"{where}: its local header does not match the zip's directory")
            data_offset = offset + _LOCAL.size + nlen
            expect_offset = data_offset + csize
            entries.append(Entry(name, crc, csize, usize, data_offset, eattr, (t, d)))
        if pos != len(cdir):
            problems.append("the zip's central directory has extra bytes")
        if entries and expect_offset != cd_offset:
            problems.append("unexpected bytes between the last entry and the zip's directory")
    return Layout(entries, problems + _whole_zip_problems(entries))


def _whole_zip_problems(entries: Sequence[Entry]) -> list[str]:
    """What is wrong with the entries taken together: too large in all, duplicated or out of order."""
    problems = []
    total = sum(e.usize for e in entries)
    if total > limits.MAX_TOTAL_BYTES:
        problems.append(f"the zip's files add up to {limits.human(total)}; a bundle holds at most "
                        f"{limits.human(limits.MAX_TOTAL_BYTES)}")
    names = [e.name for e in entries]
    if names != sorted(set(names)):
        problems.append("entries are duplicated or not in the order this tool writes them")
    return problems


def expected_dos_time(moment: datetime) -> tuple[int, int]:
    return _dos(zip_date_time(moment))


def iter_content(path: Path, entry: Entry) -> Iterator[bytes]:
    """Decompressed content of one entry, in chunks of at most 1 MiB (a zip bomb cannot fill memory). Raises
    BadInput when the stream is damaged, longer than its header says, has bytes after its end or non-zero
    padding bits, or when its CRC or size does not match the header."""
    d = zlib.decompressobj(-15)
    crc = 0
    total = 0

    def drain(data: bytes) -> Iterator[bytes]:
        nonlocal crc, total
        try:
            out = d.decompress(data, CHUNK)
            while True:
                if out:
                    crc = zlib.crc32(out, crc)
                    total += len(out)
                    if total > entry.usize:
                        raise BadInput(f"entry '{entry.name}' is longer than its header says")
                    yield out
                if not d.unconsumed_tail:
                    return
                out = d.decompress(d.unconsumed_tail, CHUNK)
        except zlib.error as exc:
            raise BadInput(f"entry '{entry.name}' is damaged ({exc})") from exc

    before_last = None
    last = b""
    with path.open("rb") as fh:
        fh.seek(entry.data_offset)
        left = entry.csize
        while left > 0:
            chunk = fh.read(min(IN_CHUNK, left))
            if not chunk:
                raise BadInput(f"entry '{entry.name}' is truncated")
            left -= len(chunk)
            if left == 0:
                chunk, last = chunk[:-1], chunk[-1:]
            yield from drain(chunk)
            if left == 0:
                before_last = d.copy()
                yield from drain(last)
    if not d.eof or d.unused_data or d.unconsumed_tail:
        raise BadInput(f"entry '{entry.name}' is damaged (its compressed data does not end where it should)")
    if before_last is not None and last and _padding_set(before_last, last[0]):
        raise BadInput(f"entry '{entry.name}' was altered (padding bits of its compressed data)")
    if crc != entry.crc or total != entry.usize:
        raise BadInput(f"entry '{entry.name}' was altered (CRC or size does not match)")


def _padding_set(state: Any, last: int) -> bool:
    """zlib pads the final byte of a stream with zero bits. If clearing high bits of the last byte still gives
    the same end of stream, those bits were padding, and they were set: someone changed them."""
    ref = state.copy()
    ref_out = ref.decompress(bytes([last]))
    for keep in range(1, 8):
        mask = (1 << keep) - 1
        if last & ~mask & 0xFF == 0:
            continue
        trial = state.copy()
        try:
            out = trial.decompress(bytes([last & mask]))
        except zlib.error:
            continue
        if trial.eof and not trial.unused_data and out == ref_out:
            return True
    return False


def sha256_of(chunks: Iterator[bytes]) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    for c in chunks:
        h.update(c)
        n += len(c)
    return h.hexdigest(), n
