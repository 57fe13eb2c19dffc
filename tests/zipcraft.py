"""Zips made by hand, as an attacker would: canonical-looking headers with any sizes, names and content
(imported by the bundle tests and the verify benchmark; not a test module itself)."""

from __future__ import annotations

import functools
import hashlib
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from redactor.bundle import zipio

TID = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
WHEN = datetime(2026, 11, 18, 8, 24, 46, tzinfo=UTC)


@functools.lru_cache
def zeros_crc(n_mib: int) -> int:
    crc = 0
    chunk = bytes(1 << 20)
    for _ in range(n_mib):
        crc = zlib.crc32(chunk, crc)
    return crc


def zeros_stream(n_mib: int) -> tuple[Iterator[bytes], int, int]:
    """A real deflate stream of n_mib MiB of zeros without compressing them all: one full-flushed 1 MiB block
    repeated (a flush resets the window, so every block is the same bytes). Returns (chunks, csize, crc)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = zeros_crc(n_mib)

    def chunks() -> Iterator[bytes]:
        for _ in range(n_mib):
            yield block
        yield tail
    return chunks(), len(block) * n_mib + len(tail), crc


def write(path: Path, members: list[tuple[str, Iterator[bytes], int, int, int]]) -> Path:
    """members: (name, compressed chunks, csize, usize, crc), written with the headers zipio.write_zip makes."""
    t, d = zipio.expected_dos_time(WHEN)
    central = b""
    with path.open("wb") as fh:
        for name, chunks, csize, usize, crc in members:
            raw = name.encode()
            offset = fh.tell()
            fh.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, t, d, crc, csize, usize, len(raw), 0) + raw)
            for c in chunks:
                fh.write(c)
            central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", zipio.VERSION_MADE, 20, 0, 8, t, d, crc, csize,
                                   usize, len(raw), 0, 0, 0, 0, zipio.FILE_MODE << 16, offset) + raw
        cd_offset = fh.tell()
        fh.write(central)
        n = len(members)
        fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(central), cd_offset, 0))
    return path


def member(name: str, data: bytes) -> tuple[str, Iterator[bytes], int, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    comp = c.compress(data) + c.flush()
    return name, iter([comp]), len(comp), len(data), zlib.crc32(data)


def record(path: str, data: bytes) -> dict[str, object]:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def many_records_manifest(n: int) -> bytes:
    """A manifest (buyer, canonical layout) listing n files: the agent view must not freeze on it."""
    sha = "0" * 64
    body = ",\n".join(f'    {{\n      "bytes": 1,\n      "path": "{TID}/buyer/f{i:07d}.log",\n'
                       f'      "sha256": "{sha}"\n    }}' for i in range(n))
    files = ("[\n" + body + "\n  ]") if n else "[]"
    return ('{\n  "audience": "agent",\n  "checklist": {},\n  "created": "2026-11-18T08:24:46Z",\n  "files": ' + files +
            ',\n  "format": 1,\n  "role": "buyer",\n  "tool_version": "0",\n  "trade_id": "' + TID +
            '"\n}\n').encode()
