"""Find the Tesseract program for the fallback back-end (`engines/process_engine.py`): BISQ_REDACTOR_TESSERACT,
then a copy under `resources/tesseract/` (an installer may ship one beside its `tessdata/`), then PATH.

The installers run OCR in process through the tesserocr wheel and ship only `tessdata/` there; the program is
what a source install on a platform without a tesserocr wheel (Intel Macs, ARM Linux) uses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from redactor.errors import TesseractMissing
from redactor.resources import get_resource_path

# Longest one Tesseract read may take (a process is killed; in process, a deadline between words).
OCR_TIMEOUT_S = 120

INSTALL_HINT = (
    "Tesseract OCR is not installed. Install it and try again: on Debian/Ubuntu `sudo apt install "
    "tesseract-ocr`, on macOS `brew install tesseract`, on Windows the installer from the UB Mannheim "
    "Tesseract page; or use the Bisq Support Redactor installer, which includes it."
)


@dataclass(frozen=True)
class TesseractBinary:
    command: Path
    tessdata_dir: Path | None  # None: the binary's compiled-in default
    bundled: bool

    def env(self) -> dict[str, str]:
        """Environment for running this binary: single-threaded (OpenMP threads only slow it down on
        small images and fight our own process pool), and the bundled tessdata if any."""
        env = dict(os.environ)
        env["OMP_THREAD_LIMIT"] = "1"
        if self.tessdata_dir is not None:
            env["TESSDATA_PREFIX"] = str(self.tessdata_dir)
        key = "DYLD_LIBRARY_PATH" if sys.platform == "darwin" else "LD_LIBRARY_PATH"
        frozen = getattr(sys, "frozen", False) and not sys.platform.startswith("win")
        # A frozen app's loader points LD_LIBRARY_PATH at its own _internal/ libraries and keeps the user's value
        # in *_ORIG: a Tesseract program gets the user's value back, never _internal/ (its libstdc++, zlib...).
        inherited = env.get(key + "_ORIG", "") if frozen else env.get(key, "")
        if self.bundled and not sys.platform.startswith("win"):
            lib_dir = str(self.command.parent)  # a bundled copy's libraries sit beside it
            inherited = lib_dir + (os.pathsep + inherited if inherited else "")
        if inherited:
            env[key] = inherited
        else:
            env.pop(key, None)
        return env


def _bundled() -> TesseractBinary | None:
    root = get_resource_path("tesseract")
    exe = root / ("tesseract.exe" if sys.platform.startswith("win") else "tesseract")
    if exe.is_file():
        tessdata = root / "tessdata"
        return TesseractBinary(command=exe, tessdata_dir=tessdata if tessdata.is_dir() else None, bundled=True)
    return None


@lru_cache(maxsize=1)
def find_tesseract() -> TesseractBinary:
    override = os.environ.get("BISQ_REDACTOR_TESSERACT")
    if override:
        path = Path(override)
        if not path.is_file():
            raise TesseractMissing(f"BISQ_REDACTOR_TESSERACT points to {path}, which does not exist. {INSTALL_HINT}")
        return TesseractBinary(command=path, tessdata_dir=None, bundled=False)
    bundled = _bundled()
    if bundled is not None:
        return bundled
    found = shutil.which("tesseract")
    if found is None:
        raise TesseractMissing(INSTALL_HINT)
    return TesseractBinary(command=Path(found), tessdata_dir=None, bundled=False)


@lru_cache(maxsize=1)
def tesseract_version_text() -> str:
    binary = find_tesseract()
    out = subprocess.run([str(binary.command), "--version"], capture_output=True, text=True, env=binary.env(),
                         timeout=20, check=False)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "unknown"
    where = "bundled" if binary.bundled else str(binary.command)
    return f"{first.strip()} ({where})"


def available_languages() -> set[str]:
    binary = find_tesseract()
    out = subprocess.run([str(binary.command), "--list-langs"], capture_output=True, text=True, env=binary.env(),
                         timeout=20, check=False)
    return {line.strip() for line in out.stdout.splitlines()[1:] if line.strip()}
