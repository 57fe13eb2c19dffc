"""Screenshot kind recognition (redactor.image.kinds): right or wrong on every window of the image benchmark
and on the annotated real screenshots of ../shared/real-screens (when present), and what it costs.

    python benchmarks/bench_kinds.py

Each image is read once by the app's OCR engine, as the redactor reads it; the kind comes from those words.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bisqwindows  # noqa: E402

from redactor.image import kinds  # noqa: E402
from redactor.image.ocr import TesseractOcr  # noqa: E402
from redactor.image.redact import load_image  # noqa: E402

REAL = REPO.parent / "shared" / "real-screens"


def _run(name: str, words: list, expected: str, rows: list[dict]) -> None:  # type: ignore[type-arg]
    start = time.perf_counter()
    got = kinds.recognise_words(words)
    rows.append({"name": name, "expected": expected, "got": got.kind, "ms": 1000 * (time.perf_counter() - start)})


def main() -> int:
    ocr = TesseractOcr()
    synthetic: list[dict] = []  # type: ignore[type-arg]
    for spec in bisqwindows.benchmark_set():
        shot = bisqwindows.render(**spec)
        _run(shot.name, ocr.words(shot.image), shot.meta["screen_kind"], synthetic)
    real: list[dict] = []  # type: ignore[type-arg]
    if REAL.is_dir():
        notes = json.loads((REPO / "benchmarks" / "real_screens.json").read_text())["images"]
        for name, ann in sorted(notes.items()):
            if (REAL / name).is_file():
                _run(name, ocr.words(load_image(REAL / name)), ann["kind"], real)
    for title, rows in (("synthetic windows", synthetic), ("real screenshots", real)):
        if not rows:
            print(f"{title}: not present")
            continue
        right = sum(r["got"] == r["expected"] for r in rows)
        times = [r["ms"] for r in rows]
        print(f"{title}: {right} / {len(rows)} right; recognition time median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms (after OCR, which the redaction does anyway)")
        for r in rows:
            if r["got"] != r["expected"]:
                print(f"  wrong: {r['name']}: {r['got']} (is {r['expected']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
