#!/usr/bin/env python3
"""Put the pinned tessdata files in a folder the app bundles (`resources/tesseract/tessdata/`), on every OS.

The tesserocr wheel carries libtesseract and Leptonica but no language data; this is the only Tesseract part
the installers add. Every file must match the SHA-256 in packaging/tessdata.sha256 (tessdata_fast at one fixed
commit, which is also what Debian's tesseract-ocr-<lang> 1:4.1.0-2 packages ship), or the build stops: the same
bytes ship on every OS, whatever the network or the system served.
  --copy-from DIR  copy them from DIR (Linux: Debian's /usr/share/tesseract-ocr/5/tessdata, installed by apt)
  (default)        download them from that commit (Windows and macOS release jobs)
  --check          then load every language with tesserocr (the wheel the app bundles) and read a line with it
Writes SOURCES.json beside the files (name, SHA-256, where it came from). Standard library only, except --check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import urllib.request
from pathlib import Path

PIN_FILE = Path(__file__).resolve().parent / "tessdata.sha256"
COMMIT = "87416418657359cb625c412a48b6e1d6d41c29bd"  # tessdata_fast, release 4.1.0
URL = "https://raw.githubusercontent.com/tesseract-ocr/tessdata_fast/{commit}/{name}"
DEFAULT_LANGS = "eng"  # what the redactor reads with; every other pinned language can be asked for


def pins() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in PIN_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            out[name] = digest
    return out


def _download(name: str) -> bytes:
    with urllib.request.urlopen(URL.format(commit=COMMIT, name=name), timeout=120) as resp:  # noqa: S310
        data: bytes = resp.read()
    return data


def collect(langs: list[str], dest: Path, copy_from: Path | None) -> dict[str, dict[str, str]]:
    """Fill `dest` with `<lang>.traineddata` for each language, each checked against its pin."""
    dest.mkdir(parents=True, exist_ok=True)
    pinned = pins()
    sources: dict[str, dict[str, str]] = {}
    for lang in langs:
        name = f"{lang}.traineddata"
        if name not in pinned:
            raise SystemExit(f"{name} has no pinned SHA-256 in {PIN_FILE}")
        origin = str(copy_from / name) if copy_from else URL.format(commit=COMMIT, name=name)
        target = dest / name
        if not (target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == pinned[name]):
            if copy_from and not (copy_from / name).is_file():
                raise SystemExit(f"{copy_from / name} is missing (Debian: apt-get install tesseract-ocr-{lang})")
            data = (copy_from / name).read_bytes() if copy_from else _download(name)
            digest = hashlib.sha256(data).hexdigest()
            if digest != pinned[name]:
                raise SystemExit(f"{origin}: SHA-256 {digest} differs from the pinned {pinned[name]}")
            target.write_bytes(data)
            print(f"{name}: {len(data):,} bytes, SHA-256 ok")
        sources[name] = {"sha256": pinned[name], "from": origin}
    for stale in dest.glob("*.traineddata"):  # a language dropped from --langs must not ship unchecked
        if stale.name not in sources:
            stale.unlink()
    shutil.rmtree(dest / "configs", ignore_errors=True)  # the API needs no `tsv` config file
    (dest / "SOURCES.json").write_text(json.dumps({"tessdata_fast_commit": COMMIT, "files": sources}, indent=1))
    return sources


def check(langs: list[str], dest: Path) -> None:
    """Every language loads in the tesserocr the app bundles, and English reads a rendered line."""
    import tesserocr
    from PIL import Image, ImageDraw

    for lang in langs:
        with tesserocr.PyTessBaseAPI(path=str(dest) + "/", lang=lang) as api:
            if lang == "eng":
                image = Image.new("L", (420, 60), 255)
                ImageDraw.Draw(image).text((10, 15), "Payment account 12345", fill=0, font_size=28)
                api.SetImage(image)
                text = api.GetUTF8Text()
                if "12345" not in text:
                    raise SystemExit(f"tesserocr read {text!r} from a test line with {dest}/eng.traineddata")
    print(f"tesserocr {tesserocr.__version__} (Tesseract {tesserocr.tesseract_version().split()[1]}) "
          f"loads {', '.join(langs)} from {dest}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dest", type=Path, help="tessdata folder to fill")
    p.add_argument("--langs", default=DEFAULT_LANGS)
    p.add_argument("--copy-from", type=Path, help="take the files from this folder instead of downloading")
    p.add_argument("--check", action="store_true", help="load every language with tesserocr afterwards")
    args = p.parse_args()
    langs = [lang for lang in args.langs.split(",") if lang]
    collect(langs, args.dest, args.copy_from)
    if args.check:
        check(langs, args.dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
