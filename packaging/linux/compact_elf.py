#!/usr/bin/env python3
"""Drop the zero padding patchelf leaves between the loadable segments of wheel libraries (Linux package).

auditwheel rewrites a wheel's libraries with patchelf, which appends its new segments at file offsets aligned to
2 MiB (the largest page size it allows for): tesserocr's nine files hold 27 MB of zeros around 9 MB of code,
Pillow's and NumPy's a few more. The loader only needs each PT_LOAD's file offset to be congruent to its address modulo
the page size (4 KiB on x86-64) and to its p_align, so whole 4 KiB pages of zeros between segments can go: the
segments are moved down by multiples of 4 KiB, p_align set to 4 KiB, and every file offset in the headers
(program headers, section headers, e_shoff) mapped to its new place. Addresses are untouched, so nothing
inside the code or data changes. Only whole pages of zeros that no header points into are removed. `strip`
cannot do this (see the spec: it breaks such files), but works on them once they are compacted.

    python3 packaging/linux/compact_elf.py DIR...     compact every ELF64 little-endian file under DIR
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

PAGE = 4096  # x86-64's page size: segment offsets must stay congruent to their addresses modulo this
PT_LOAD = 1
SHT_NOBITS = 8
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
SHDR = struct.Struct("<IIQQQQIIQQ")


def _removable(data: bytes, loads: list[tuple[int, int]], others: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Whole pages of zeros just before each PT_LOAD, after the last byte anything else points at."""
    cuts: list[tuple[int, int]] = []
    end = 0
    for off, size in loads:
        # Non-loaded sections (.comment, .symtab...) may sit in a gap: keep everything up to the last of them.
        # patchelf also leaves its old copy of some headers there, referenced by nothing: kept as well.
        used = max([end] + [a + max(s, 1) for a, s in others if a < off and a + max(s, 1) > end])
        if off > used:
            used += len(data[used:off].rstrip(b"\0"))
        pages = (off - used) // PAGE if off > used else 0
        if pages:
            cuts.append((off - pages * PAGE, off))
        end = max(end, off + size)
    return cuts


def compact(path: Path) -> int:
    """Rewrite `path` without its removable padding; returns the bytes saved (0: left unchanged)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:  # ELF64, little-endian only
        return 0
    ehdr = list(EHDR.unpack_from(data))
    phoff, shoff, phentsize, phnum, shentsize, shnum = ehdr[5], ehdr[6], ehdr[9], ehdr[10], ehdr[11], ehdr[12]
    phdrs = [list(PHDR.unpack_from(data, phoff + i * phentsize)) for i in range(phnum)]
    shdrs = [list(SHDR.unpack_from(data, shoff + i * shentsize)) for i in range(shnum)] if shoff else []
    loads = sorted((p[2], p[5]) for p in phdrs if p[0] == PT_LOAD)
    others = [(p[2], p[5]) for p in phdrs if p[0] != PT_LOAD and p[5]]
    others += [(s[4], s[5]) for s in shdrs if s[1] != SHT_NOBITS and s[5]]
    others += [(phoff, phentsize * phnum), (shoff, shentsize * shnum)]
    cuts = _removable(data, loads, others)
    if not cuts:
        return 0

    def moved(offset: int) -> int:
        return offset - sum(min(offset, b) - a for a, b in cuts if offset > a)

    for p in phdrs:
        p[2] = moved(p[2])
        if p[0] == PT_LOAD and p[7] > PAGE:
            p[7] = PAGE
    for s in shdrs:
        s[4] = moved(s[4])
    ehdr[6] = moved(shoff)
    out = bytearray()
    last = 0
    for a, b in cuts:
        out += data[last:a]
        last = b
    out += data[last:]
    EHDR.pack_into(out, 0, *ehdr)
    for i, p in enumerate(phdrs):
        PHDR.pack_into(out, moved(phoff) + i * phentsize, *p)
    for i, s in enumerate(shdrs):
        SHDR.pack_into(out, ehdr[6] + i * shentsize, *s)
    tmp = path.with_name(path.name + ".compact")
    tmp.write_bytes(bytes(out))
    tmp.chmod(path.stat().st_mode)
    tmp.replace(path)
    return len(data) - len(out)


def main(argv: list[str]) -> int:
    saved = files = 0
    for root in map(Path, argv):
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink() and (".so" in path.name or path.suffix == ""):
                gained = compact(path)
                saved += gained
                files += gained > 0
    print(f"compact_elf: {saved / 1e6:.1f} MB of segment padding removed from {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
