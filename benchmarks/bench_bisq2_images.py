# ruff: noqa: E501
"""Bisq 2 windows of the image benchmark against Bisq 1 windows of the same run: accuracy targets and speed
ratio (ours / plain Tesseract on the same file), so "the same speed ratios as Bisq 1 windows" is measured on one
machine under one load. The full benchmark (bench_images.py) includes the Bisq 2 windows too; this is the quick
side-by-side. Run: python benchmarks/bench_bisq2_images.py"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import subprocess  # noqa: E402
import time  # noqa: E402

import bisqwindows  # noqa: E402

from redactor.image.ocr import TesseractOcr  # noqa: E402
from redactor.image.redact import load_image, redact_image_file  # noqa: E402
from redactor.image.tesseract_bin import find_tesseract  # noqa: E402

WORK = HERE / "_work" / "images"


def tesseract_plain(path: Path) -> float:
    """Plain Tesseract on the file, as bench_images measures it (the ratio's denominator)."""
    binary = find_tesseract()
    t = time.perf_counter()
    subprocess.run([str(binary.command), str(path), "stdout"], capture_output=True, env=binary.env(), check=False)
    return time.perf_counter() - t


def run_one(src: Path, dst: Path) -> tuple[float, object]:
    t = time.perf_counter()
    red = redact_image_file(src, dst)
    return time.perf_counter() - t, red


def main() -> int:
    work = WORK / "bisq2"
    work.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[dict[str, object]]] = {"bisq1": [], "bisq2": []}
    for spec in bisqwindows.benchmark_set():
        app = "bisq2" if spec["kind"].startswith("bisq2-") else "bisq1"
        if app == "bisq1" and spec["kind"] not in ("trade-details", "chat"):
            continue  # their Bisq 1 counterparts
        shot = bisqwindows.render(**{**spec, "fmt": "png"})
        ext = "jpg" if spec["fmt"] == "jpeg" else "png"
        src = work / f"{shot.name}.{ext}"
        shot.image.save(src, "JPEG", quality=88) if ext == "jpg" else shot.image.save(src)
        shot.image = load_image(src)
        dst = work / f"{shot.name}.out.png"
        base = min(tesseract_plain(src) for _ in range(2))
        runs = [run_one(src, dst) for _ in range(2)]
        ours, red = min(runs, key=lambda r: r[0])
        sc = bisqwindows.score(shot, list(red.boxes), [w.text for w in TesseractOcr().words(load_image(dst))])  # type: ignore[attr-defined]
        sc["ratio"] = round(ours / base, 2)
        groups[app].append(sc)
        print(f"{shot.name:52s} {sc['destroyed']:2d}/{sc['personal']:2d} read-back {len(sc['read_back'])} "
              f"keep-touched {len(sc['touched'])} outside {sc['outside_frac']:.2%} ratio {sc['ratio']:.2f}x", flush=True)
    for app, rows in groups.items():
        personal = sum(int(r["personal"]) for r in rows)  # type: ignore[call-overload]
        print(f"{app}: {len(rows)} images, destroyed {sum(int(r['destroyed']) for r in rows)}/{personal}, "  # type: ignore[call-overload]
              f"read back {sum(len(r['read_back']) for r in rows)}, keep touched {sum(len(r['touched']) for r in rows)}, "  # type: ignore[arg-type]
              f"outside max {max(float(r['outside_frac']) for r in rows):.2%}, "  # type: ignore[arg-type]
              f"ratio median {statistics.median(float(r['ratio']) for r in rows):.2f}x max {max(float(r['ratio']) for r in rows):.2f}x")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
