"""The Tesseract runner: strips OCR'd by parallel processes give the words of a whole-image pass, processes
started ahead of need are used and never left behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from redactor.image import ocr as ocr_mod
from redactor.image.ocr import TesseractOcr
from redactor.image.redact import redact_image_file
from redactor.resources import get_resource_path

pytestmark = pytest.mark.ocr
DEMO_SHOT = Path(__file__).resolve().parent.parent / "resources" / "demo" / "screenshots" / "error-popup.png"


def _tesseract_children() -> list[int]:
    """PIDs of this process's Tesseract children (Linux /proc)."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            comm = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue
        if fields[1] == me and comm.startswith("tesseract"):
            found.append(int(stat.parent.name))
    return found


def _page() -> Image.Image:
    font = ImageFont.truetype(str(get_resource_path("fonts/IBMPlexSans-Regular.ttf")), 22)
    img = Image.new("RGB", (900, 900), "white")
    draw = ImageDraw.Draw(img)
    for i in range(12):
        draw.text((20, 20 + 70 * i), f"Payment account number {i} holder Satoshi", font=font, fill="black")
    return img


def test_parallel_strips_read_every_line() -> None:
    words = TesseractOcr(jobs=2).words(_page())
    lines = {w.text for w in words}
    assert {str(i) for i in range(12)} <= lines
    assert sum(w.text == "Satoshi" for w in words) == 12
    # Word boxes are in page coordinates, top to bottom for the numbers.
    ys = [w.y for w in words if w.text.isdigit()]
    assert ys == sorted(ys) and ys[-1] > 700


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_warm_processes_are_used_and_none_are_left_behind(tmp_path: Path) -> None:
    engine = TesseractOcr(jobs=1)
    engine.warm(2)
    assert len(engine._ready) == 2
    engine.words(_page())
    assert len(engine._ready) == 1  # one was taken for the call
    engine.close()
    assert _tesseract_children() == []
    redact_image_file(DEMO_SHOT, tmp_path / "clean.png")
    assert _tesseract_children() == []


def test_a_dead_warm_process_is_skipped() -> None:
    engine = TesseractOcr(jobs=1)
    engine.warm(1)
    engine._ready[0].kill()
    engine._ready[0].wait()
    assert "Satoshi" in {w.text for w in engine.words(_page())}
    engine.close()


def test_engine_collected_stops_its_warm_processes() -> None:
    engine = TesseractOcr(jobs=1)
    engine.warm(1)
    proc = engine._ready[0]
    del engine
    import gc
    gc.collect()
    assert proc.poll() is not None


def test_run_many_returns_results_in_order() -> None:
    a = Image.new("L", (400, 80), 255)
    b = Image.new("L", (400, 80), 255)
    font = ImageFont.truetype(str(get_resource_path("fonts/IBMPlexSans-Regular.ttf")), 30)
    ImageDraw.Draw(a).text((10, 20), "alpha", font=font, fill=0)
    ImageDraw.Draw(b).text((10, 20), "bravo", font=font, fill=0)
    ta, tb = ocr_mod.run_tesseract_many([a, b])
    assert "alpha" in ta and "bravo" in tb
