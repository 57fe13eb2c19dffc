"""A canonical zip whose members are new bytes or compressed streams copied as they are from a bundle that
verified (merge: no inflating and re-deflating of gigabytes). Same form as zipio.write_zip: sorted names, one
timestamp, deflate, mode 0644, no extra fields or data descriptors; the result is checked by verify anyway."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from redactor.bundle.zipio import (
    _CDIR,
    _EOCD,
    _LOCAL,
    FILE_MODE,
    IN_CHUNK,
    VERSION_MADE,
    VERSION_NEEDED,
    Entry,
    check_sizes,
    expected_dos_time,
)
from redactor.fsutil import atomic_output

DEFLATE_LEVEL = 6  # what write_zip uses


@dataclass(frozen=True)
class Copied:
    """A member of a verified zip: its compressed bytes are copied, its CRC and sizes kept."""
    zip_path: Path
    entry: Entry


Member = bytes | Copied


def _deflated(data: bytes) -> bytes:
    c = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


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


def write_copy_zip(out: Path, members: Sequence[tuple[str, Member]], moment: datetime) -> None:
    """Write `members` (name, bytes or Copied) as a canonical zip at `out`, atomically."""
    names = [n for n, _ in members]
    if len(set(names)) != len(names):
        raise ValueError("duplicate entry names")
    check_sizes(names, [len(m) if isinstance(m, bytes) else m.entry.usize for _, m in members])
    t, d = expected_dos_time(moment)
    central: list[bytes] = []
    with atomic_output(Path(out)) as fh:
        for name, member in sorted(members, key=lambda m: m[0]):
            raw = name.encode("ascii")  # bundle names are ASCII (zipio.name_problem)
            if isinstance(member, bytes):
                comp = _deflated(member)
                crc, csize, usize, chunks = zlib.crc32(member), len(comp), len(member), iter([comp])
            else:
                e = member.entry
                crc, csize, usize, chunks = e.crc, e.csize, e.usize, _copied(member)
            offset = fh.tell()
            fh.write(_LOCAL.pack(b"PK\x03\x04", VERSION_NEEDED, 0, 8, t, d, crc, csize, usize, len(raw), 0) + raw)
            for chunk in chunks:
                fh.write(chunk)
            central.append(_CDIR.pack(b"PK\x01\x02", VERSION_MADE, VERSION_NEEDED, 0, 8, t, d, crc, csize, usize,
                                      len(raw), 0, 0, 0, 0, FILE_MODE << 16, offset) + raw)
        directory = b"".join(central)
        cd_offset = fh.tell()
        fh.write(directory)
        fh.write(_EOCD.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), cd_offset, 0))
