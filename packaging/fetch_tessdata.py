#!/usr/bin/env python3
"""Download the pinned tessdata files (Windows and macOS builds; Linux copies Debian's identical files).

Every file comes from the tessdata_fast repository at one fixed commit and must match the SHA-256 in
packaging/tessdata.sha256, or the build stops: the same bytes ship on every OS, whatever the network served.
Standard library only, so it runs before the project's dependencies are installed.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import urllib.request
from pathlib import Path

PIN_FILE = Path(__file__).resolve().parent / "tessdata.sha256"
COMMIT = "87416418657359cb625c412a48b6e1d6d41c29bd"  # tessdata_fast, release 4.1.0
URL = "https://raw.githubusercontent.com/tesseract-ocr/tessdata_fast/{commit}/{name}"


def pins() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in PIN_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            out[name] = digest
    return out


def fetch(langs: list[str], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    pinned = pins()
    for lang in langs:
        name = f"{lang}.traineddata"
        if name not in pinned:
            raise SystemExit(f"{name} has no pinned SHA-256 in {PIN_FILE}")
        target = dest / name
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == pinned[name]:
            continue
        with urllib.request.urlopen(URL.format(commit=COMMIT, name=name), timeout=120) as resp:  # noqa: S310
            data = resp.read()
        digest = hashlib.sha256(data).hexdigest()
        if digest != pinned[name]:
            raise SystemExit(f"{name}: downloaded SHA-256 {digest} differs from the pinned {pinned[name]}")
        target.write_bytes(data)
        print(f"{name}: {len(data):,} bytes, SHA-256 ok")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dest", type=Path, help="tessdata folder to fill")
    p.add_argument("--langs", default="eng,deu,fra,spa,ita,por,pol,ces,vie")
    args = p.parse_args()
    fetch([lang for lang in args.langs.split(",") if lang], args.dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
