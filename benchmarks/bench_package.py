"""Linux package: build time, size (unpacked, .tar.gz, .deb, biggest parts) and start-up time.

    .venv/bin/python benchmarks/bench_package.py [--build] [--runs 5]

--build forces a full `packaging/linux/build.sh` and times it; otherwise the existing dist/ is used (built
first if missing or stale). Start-up is the wall time of `bisq-redactor --version` (imports tesserocr and
finds the tessdata to name the back-end) and of `bisq-redactor gui --quit-after 0` (imports Qt, opens the
main window offscreen, quits), each with PATH pointing at an empty folder; one warm-up run, then the median
and worst of --runs.
The GUI start is also measured cold: the package's files are evicted from the page cache before each run.
First OCR: `bisq-redactor redact-image` on the demo trade-details screenshot (start-up, model loading, OCR,
verification, PNG), warm and cold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"
APP = DIST / "bisq-redactor"


def tree_size(path: Path) -> int:
    """Bytes in a folder (or one file), symlinks not counted: they point at files counted elsewhere."""
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def evict(folder: Path) -> None:
    """Drop the package's files from the page cache (posix_fadvise DONTNEED), as after a reboot or a fresh
    install; other files on the machine are left alone. Shared system libraries (glibc, GL) stay cached."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def timed(cmd: list[str], env: dict[str, str], runs: int, cold: bool = False) -> tuple[float, float]:
    def once() -> float:
        if cold:
            evict(APP)
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)
        return time.perf_counter() - t0

    if not cold:
        once()  # warm-up: page cache, Qt font cache
    samples = [once() for _ in range(runs)]
    return statistics.median(samples), max(samples)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", action="store_true", help="force and time a full build")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()

    build_s = None
    cmd = ["bash", str(REPO / "packaging" / "linux" / "build.sh")] + ([] if args.build else ["--if-stale"])
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=REPO, check=True, env={**os.environ, "PY": sys.executable}, capture_output=True,
                         text=True).stdout
    phases = next((line.removeprefix("phases: ") for line in out.splitlines() if line.startswith("phases: ")), "")
    if args.build:
        build_s = time.perf_counter() - t0

    internal = APP / "_internal"
    parts = {
        "Tesseract (tesserocr + libtesseract/Leptonica and their image libraries)": [
            internal / "tesserocr", internal / "tesserocr.libs"],
        "tessdata (pinned; eng unless BISQ_TESSERACT_LANGS adds more)": [internal / "resources" / "tesseract"],
        "PySide6 (Qt)": [internal / "PySide6"],
        "NumPy (with OpenBLAS)": [internal / "numpy", internal / "numpy.libs"],
        "Pillow (with its image libraries)": [internal / "PIL", internal / "pillow.libs"],
        "Python (libpython, extension modules, stdlib)": [internal / "python3.11", internal / "base_library.zip",
                                                          *internal.glob("libpython3*.so*")],
    }
    listed = {path for paths in parts.values() for path in paths}
    # Everything else in _internal/: the system libraries Qt and Python link (X11/xcb, glib, fontconfig,
    # OpenSSL...), and the app's own code and resources.
    parts["other libraries and the app's code/resources"] = [
        path for path in internal.iterdir()
        if path not in listed and path.name != "resources"] + [
        path for path in (internal / "resources").iterdir() if path.name != "tesseract"]
    unpacked = tree_size(APP)
    tarball = next(DIST.glob("bisq-redactor-*-linux-x86_64.tar.gz"))
    deb = next(DIST.glob("bisq-redactor_*_amd64.deb"))

    with tempfile.TemporaryDirectory() as tmp:
        env = {"PATH": tmp, "HOME": tmp, "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": tmp}
        exe = str(APP / "bisq-redactor")
        version = timed([exe, "--version"], env, args.runs)
        gui = timed([exe, "gui", "--quit-after", "0"], env, args.runs)
        gui_cold = timed([exe, "gui", "--quit-after", "0"], env, args.runs, cold=True)
        shot = REPO / "resources" / "demo" / "screenshots" / "trade-details.png"
        redact = [exe, "redact-image", str(shot), "-o", str(Path(tmp) / "clean.png")]
        first_ocr = timed(redact, env, args.runs)
        first_ocr_cold = timed(redact, env, args.runs, cold=True)

    mb = 1e6
    print("| Linux package (this machine, 2 cores) | value |")
    print("| --- | --- |")
    if build_s is not None:
        print(f"| build (`make package`: tessdata, PyInstaller, .tar.gz, .deb) | {build_s:.0f} s ({phases}) |")
    print(f"| unpacked folder | {unpacked / mb:.0f} MB |")
    for label, paths in parts.items():
        if any(path.exists() for path in paths):
            size = sum(tree_size(path) for path in paths if path.exists())
            print(f"| – of which {label} | {size / mb:.0f} MB |")
    print(f"| .tar.gz | {tarball.stat().st_size / mb:.0f} MB |")
    print(f"| .deb | {deb.stat().st_size / mb:.0f} MB |")
    print(f"| `bisq-redactor --version` (median / worst of {args.runs}) | {version[0]:.2f} s / {version[1]:.2f} s |")
    print(f"| `bisq-redactor gui --quit-after 0` (median / worst of {args.runs}) | {gui[0]:.2f} s / {gui[1]:.2f} s |")
    print(f"| same, package evicted from the page cache first (median / worst) | {gui_cold[0]:.2f} s / "
          f"{gui_cold[1]:.2f} s |")
    print(f"| `bisq-redactor redact-image` on a demo screenshot, models loaded by it (median / worst) | "
          f"{first_ocr[0]:.2f} s / {first_ocr[1]:.2f} s |")
    print(f"| same, package evicted from the page cache first (median / worst) | {first_ocr_cold[0]:.2f} s / "
          f"{first_ocr_cold[1]:.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
