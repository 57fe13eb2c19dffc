#!/usr/bin/env python3
"""Replace the ICU data library PySide6 ships (libicudata.so.NN, 32 MB) by one holding only what Qt reads.

    python packaging/linux/slim_icu_data.py dist/bisq-redactor/_internal/PySide6/Qt/lib/libicudata.so.73

Qt 6 on Linux uses ICU for collation (QCollator: QFileDialog's natural sort order), case mapping (QLocale::toUpper)
and time zone display names; its locale data (CLDR) is compiled into QtCore and text boundaries come from its
own tables. PySide6's ICU data holds far more: 200 legacy code-page converters, unit/currency/language/region
display names, break-iterator dictionaries, transliterators, number spell-out rules. This script keeps the
collation tree (coll/), the time zone names (zone/) and the top-level data (locale tree, properties,
normalization, likely subtags), drops the rest, and links the result into a new libicudata.so.NN under the same
soname and entry-point symbol (icudtNN_dat). It then opens a German collator through the bundled libicui18n
with ctypes and checks that it sorts numbers naturally and umlauts next to their base letter, so a package whose
collation fell back to code-point order fails to build.

Needs binutils (nm, readelf), gcc and icupkg (Debian's icu-devtools; the .dat package format is the same across
ICU versions).
"""

from __future__ import annotations

import argparse
import ctypes
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Top-level items whose names end like this, and these subtrees, are dropped.
DROP_SUFFIXES = (".cnv",)  # legacy code pages: Qt's own codecs cover UTF-8/16/32 and Latin-1, all the app uses
DROP_TREES = ("brkitr", "curr", "lang", "rbnf", "region", "translit", "unit")
ICUPKG = shutil.which("icupkg") or "/usr/sbin/icupkg"  # Debian installs it in sbin, off a user's PATH


def entry_point(lib: Path) -> tuple[str, int, int]:
    """(symbol, file offset, size) of the icudtNN_dat data blob."""
    nm = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib)], capture_output=True, text=True,
                        check=True).stdout
    m = re.search(r"^([0-9a-f]+) ([0-9a-f]+) R (icudt\d+_dat)$", nm, re.MULTILINE)
    if not m:
        raise SystemExit(f"{lib}: no icudtNN_dat symbol (already slimmed, or not an ICU data library)")
    addr, size, symbol = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
    sections = subprocess.run(["readelf", "-S", "-W", str(lib)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == ".rodata":
            sec_addr, sec_off = int(f[3], 16), int(f[4], 16)
            return symbol, addr - sec_addr + sec_off, size
    raise SystemExit(f"{lib}: no .rodata section")


def slim(lib: Path) -> tuple[int, int]:
    symbol, offset, size = entry_point(lib)
    soname = lib.name
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # icupkg takes the package name (the items' path prefix) from the file name: icudt73l = ICU 73, little-endian.
        name = symbol.removesuffix("_dat") + ("l" if sys.byteorder == "little" else "b") + ".dat"
        (tmp / "in").mkdir()
        (tmp / "out").mkdir()
        full, small = tmp / "in" / name, tmp / "out" / name
        with lib.open("rb") as f:
            f.seek(offset)
            full.write_bytes(f.read(size))
        items = subprocess.run([ICUPKG, "-l", str(full)], capture_output=True, text=True,
                               check=True).stdout.split()
        drop = [i for i in items if i.endswith(DROP_SUFFIXES) or i.split("/")[0] in DROP_TREES]
        (tmp / "drop.lst").write_text("\n".join(drop) + "\n")
        subprocess.run([ICUPKG, "-r", str(tmp / "drop.lst"), str(full), str(small)], check=True,
                       capture_output=True)
        asm = tmp / "icudata.S"
        asm.write_text(f""".section .rodata
.globl {symbol}
.type {symbol}, @object
.balign 16
{symbol}:
.incbin "{small}"
.size {symbol}, . - {symbol}
.section .note.GNU-stack,"",@progbits
""")
        out = tmp / soname
        subprocess.run(["gcc", "-shared", "-s", f"-Wl,-soname,{soname}", "-o", str(out), str(asm)], check=True)
        before = lib.stat().st_size
        # A new file replaces the old one (never written through: it could be a hard link into the venv).
        staged = lib.with_name(lib.name + ".slim")
        shutil.copyfile(out, staged)
        staged.chmod(lib.stat().st_mode)
        staged.replace(lib)
    return before, lib.stat().st_size


def check_collation(lib_dir: Path) -> None:
    """German collation through the slimmed data: natural numbers, umlauts by their base letter, case-blind."""
    i18n = next(lib_dir.glob("libicui18n.so.*"))
    version = i18n.name.rsplit(".", 1)[1]
    icu = ctypes.CDLL(str(i18n))  # RUNPATH $ORIGIN: loads libicuuc/libicudata from the same folder
    ucol_open = getattr(icu, f"ucol_open_{version}")
    ucol_open.restype = ctypes.c_void_p
    ucol_strcoll = getattr(icu, f"ucol_strcoll_{version}")
    ucol_strcoll.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_char_p, ctypes.c_int32]
    set_attr = getattr(icu, f"ucol_setAttribute_{version}")
    status = ctypes.c_int(0)
    coll = ucol_open(b"de_DE", ctypes.byref(status))
    if not coll or status.value > 0:
        raise SystemExit(f"slimmed ICU data: no German collator (UErrorCode {status.value})")
    set_attr(ctypes.c_void_p(coll), 7, 17, ctypes.byref(status))  # UCOL_NUMERIC_COLLATION = UCOL_ON

    def utf16(s: str) -> bytes:  # UChar* (UTF-16, native little-endian); lengths below are in UChars
        return s.encode("utf-16-le")

    def less(a: str, b: str) -> bool:
        return bool(ucol_strcoll(coll, utf16(a), len(a), utf16(b), len(b)) < 0)

    if not (less("b9", "b10") and less("apfel", "Äpfel") and less("Äpfel", "Birne") and less("Birne", "zebra")):
        raise SystemExit("slimmed ICU data: German collation is wrong (fell back to code-point order?)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("lib", type=Path, help="libicudata.so.NN inside the package (replaced in place)")
    args = p.parse_args(argv)
    before, after = slim(args.lib)
    check_collation(args.lib.parent)
    print(f"{args.lib.name}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB, German collation checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
