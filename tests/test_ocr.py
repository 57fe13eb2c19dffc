"""The Tesseract back-ends: strips OCR'd in parallel give the words of a whole-image pass; with processes, those
started ahead of need are used and never left behind; in process (tesserocr), the same words as the
Tesseract program, models reused, errors as clear messages, processes when tesserocr cannot load."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

import pytest
from PIL import Image, ImageDraw, ImageFont

from redactor.errors import RedactorError, TesseractMissing
from redactor.image import ocr as ocr_mod
from redactor.image.engines import BACKEND_ENV
from redactor.image.engines import process_engine as tessproc
from redactor.image.engines import tesserocr_engine as tesslib
from redactor.image.ocr import TesseractOcr
from redactor.image.redact import redact_image_file
from redactor.image.tesseract_bin import find_tesseract, tesseract_version_text
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


def _library_loads() -> bool:
    return tesslib.load_module() is not None and tesslib.find_tessdata("eng") is not None


def _program_runs() -> bool:
    try:
        find_tesseract()
    except TesseractMissing:
        return False
    return True


needs_library = pytest.mark.skipif(not _library_loads(), reason="tesserocr or eng tessdata is missing here")


@pytest.mark.parametrize("backend", ["process", pytest.param("library", marks=needs_library)])
def test_parallel_strips_read_every_line(backend: Literal["library", "process"]) -> None:
    words = TesseractOcr(jobs=2, backend=backend).words(_page())
    lines = {w.text for w in words}
    assert {str(i) for i in range(12)} <= lines
    assert sum(w.text == "Satoshi" for w in words) == 12
    # Word boxes are in page coordinates, top to bottom for the numbers.
    ys = [w.y for w in words if w.text.isdigit()]
    assert ys == sorted(ys) and ys[-1] > 700


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_warm_processes_are_used_and_none_are_left_behind(tmp_path: Path) -> None:
    engine = TesseractOcr(jobs=1, backend="process")
    engine.warm(2)
    runner = engine.runner()
    assert isinstance(runner, tessproc.ProcessRunner)
    assert len(runner._ready) == 2
    engine.words(_page())
    assert len(runner._ready) == 1  # one was taken for the call
    engine.close()
    assert _tesseract_children() == []
    redact_image_file(DEMO_SHOT, tmp_path / "clean.png", ocr=TesseractOcr(backend="process"))
    assert _tesseract_children() == []


def test_a_dead_warm_process_is_skipped() -> None:
    engine = TesseractOcr(jobs=1, backend="process")
    engine.warm(1)
    runner = engine.runner()
    assert isinstance(runner, tessproc.ProcessRunner)
    runner._ready[0].kill()
    runner._ready[0].wait()
    assert "Satoshi" in {w.text for w in engine.words(_page())}
    engine.close()


def test_engine_collected_stops_its_warm_processes() -> None:
    engine = TesseractOcr(jobs=1, backend="process")
    engine.warm(1)
    runner = engine.runner()
    assert isinstance(runner, tessproc.ProcessRunner)
    proc = runner._ready[0]
    del runner
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
    ta, tb = tessproc.run_tesseract_many([a, b])
    assert "alpha" in ta and "bravo" in tb


def _placed(words: list[ocr_mod.Word]) -> list[tuple[str, int, int, int, int]]:
    return [(w.text, w.x, w.y, w.w, w.h) for w in words]


needs_program = pytest.mark.skipif(not _program_runs(), reason="no Tesseract program here")
DEMO = DEMO_SHOT.parent


@needs_library
@needs_program
@pytest.mark.parametrize("image", ["page", "error-popup.png", "chat.png"])
def test_library_reads_what_the_tesseract_program_reads(image: str) -> None:
    """Same words in the same boxes. The wheel's Tesseract (5.5) may be newer than the system's program (Debian
    12: 5.3): confidences then differ (by up to ~10 points on small UI text), and on tiny hash text the two
    split words differently (see the redaction test below), so exact equality is required only of the same
    version."""
    page = _page() if image == "page" else Image.open(DEMO / image)
    lib, proc = TesseractOcr(backend="library").words(page), TesseractOcr(backend="process").words(page)
    assert _placed(lib) == _placed(proc)
    if f" {tesslib.tesseract_version()} " in tesseract_version_text():  # the same Tesseract on both sides
        assert lib == proc


@needs_library
@needs_program
@pytest.mark.parametrize("image", sorted(p.name for p in DEMO.glob("*.png")))
def test_both_backends_redact_the_demo_screenshots_alike(image: str) -> None:
    """What matters of the words: the same boxes filled, for the same reasons, verified, on every demo shot."""
    from redactor.image.redact import redact

    shot = Image.open(DEMO / image)
    results = [redact(shot, ocr=TesseractOcr(backend=b))[1] for b in ("library", "process")]
    assert all(r.verified for r in results)
    assert results[0].boxes == results[1].boxes and results[0].boxes


@needs_program
def test_no_tesserocr_falls_back_to_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform without a wheel, or a wheel whose libraries do not load: processes, and a clear error when
    the in-process back-end is asked for by name."""
    monkeypatch.setattr(tesslib, "load_module", lambda: None)
    engine = TesseractOcr(jobs=1)
    assert isinstance(engine.runner(), tessproc.ProcessRunner)
    assert "Satoshi" in {w.text for w in engine.words(_page())}
    with pytest.raises(RedactorError, match="tesserocr could not be loaded"):
        TesseractOcr(backend="library").runner()


def test_an_import_error_of_tesserocr_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def failing(name: str, *args: object, **kwargs: object) -> object:
        if name == "tesserocr":
            raise ImportError("libtesseract.so.5: cannot open shared object file")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    tesslib.load_module.cache_clear()
    monkeypatch.setattr(builtins, "__import__", failing)
    monkeypatch.delitem(sys.modules, "tesserocr", raising=False)
    try:
        assert tesslib.load_module() is None
        assert tesslib.library_pool("eng", 3) is None
    finally:
        monkeypatch.undo()
        tesslib.load_module.cache_clear()


@needs_program
def test_no_tessdata_for_the_language_falls_back_or_says_so() -> None:
    assert tesslib.library_pool("zz", 3) is None  # no zz.traineddata anywhere
    assert isinstance(TesseractOcr(lang="zz").runner(), tessproc.ProcessRunner)
    with pytest.raises(RedactorError, match="no language data for 'zz'"):
        TesseractOcr(lang="zz", backend="library").runner()


def test_tessdata_is_searched_bundled_first_then_tessdata_prefix(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tessdata").mkdir()
    (tmp_path / "tessdata" / "qq.traineddata").write_bytes(b"")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    tesslib.find_tessdata.cache_clear()
    try:
        assert tesslib.find_tessdata("qq") == tmp_path / "tessdata"
        monkeypatch.setattr(tesslib, "bundled_tessdata", lambda: tmp_path / "tessdata")
        tesslib.find_tessdata.cache_clear()
        monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "elsewhere"))
        assert tesslib.find_tessdata("qq") == tmp_path / "tessdata"
        assert tesslib.find_tessdata("qq+zz") is None  # every part of a "+" list must be there
    finally:
        tesslib.find_tessdata.cache_clear()


@needs_library
def test_two_strips_are_read_at_the_same_time_in_two_threads() -> None:
    """tesserocr releases the GIL while it recognises: two strips read side by side overlap in time."""
    import threading
    import time

    pool = tesslib.library_pool("eng", 3)
    assert pool is not None
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()
    real = tesslib.TessApi.read_tsv

    def timed(api: tesslib.TessApi, gray: Image.Image, timeout_s: float) -> str:
        start = time.monotonic()
        out = real(api, gray, timeout_s)
        with lock:
            spans.append((start, time.monotonic()))
        return out

    page = _page().convert("L")
    strips = [page.crop((0, 0, 900, 450)), page.crop((0, 450, 900, 900))]
    runner = tesslib.LibraryRunner(pool)
    runner.warm(2)
    runner.read(strips)  # models loaded
    tesslib.TessApi.read_tsv = timed  # type: ignore[method-assign]
    try:
        texts = runner.read(strips)
    finally:
        tesslib.TessApi.read_tsv = real  # type: ignore[method-assign]
    assert "Satoshi" in texts[0] and "Satoshi" in texts[1]
    (a0, a1), (b0, b1) = sorted(spans)
    assert b0 < a1  # the second began before the first ended


@needs_library
def test_library_models_are_loaded_once_and_reused() -> None:
    engine = TesseractOcr(jobs=2, backend="library")
    engine.words(_page())
    pool = tesslib.library_pool("eng", 3)
    assert pool is not None
    kept = list(pool._idle)
    assert len(kept) == 2
    engine.words(_page())
    assert len(pool._idle) == 2 and all(any(a is b for b in kept) for a in pool._idle)


@needs_library
def test_library_errors_are_clear_messages(tmp_path: Path) -> None:
    with pytest.raises(RedactorError, match="no language data for 'xx'"):
        TesseractOcr(lang="xx", backend="library").words(_page())
    pool = tesslib.library_pool("eng", 3)
    assert pool is not None
    with pool.lend() as api, pytest.raises(RedactorError, match="gave up"):
        api.read_tsv(_page(), timeout_s=0.001)
    with pool.lend() as api, pytest.raises(RedactorError, match="could not read this image"):
        api.read_tsv(Image.new("L", (33000, 40), 255), timeout_s=60)  # too wide for Tesseract: no timeout
    with pool.lend() as api:  # a model that failed reads the next image normally
        assert "Satoshi" in api.read_tsv(_page(), timeout_s=60)
    # A model that fails to load in the background (warm) fails the read that waits for it.
    (tmp_path / "yy.traineddata").write_bytes(b"not a model")
    module = tesslib.load_module()
    assert module is not None
    broken = tesslib.ApiPool(module, tmp_path, "yy", 3)
    broken.warm(1)
    with pytest.raises(RedactorError, match="no language data for 'yy'"), broken.lend():
        pass


@needs_library
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_forked_worker_does_not_inherit_loaded_models() -> None:
    import multiprocessing

    global _parent_engine
    _parent_engine = TesseractOcr(backend="library")
    _parent_engine.warm(2)  # the loader thread may still be loading when the parent forks
    assert tesslib._pools
    with multiprocessing.get_context("fork").Pool(1) as pool:
        count, read = pool.apply_async(_in_child).get(timeout=60)  # a child waiting on the parent's loader hangs
    assert count == 0  # the child starts with none of the parent's models
    assert read  # and the engine it inherited loads its own


_parent_engine: TesseractOcr | None = None


def _in_child() -> tuple[int, bool]:
    count = len(tesslib._pools)
    assert _parent_engine is not None
    return count, "Satoshi" in {w.text for w in _parent_engine.words(_page())}


def test_backend_env_forces_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV, "process")
    engine = TesseractOcr(jobs=1)
    assert "Satoshi" in {w.text for w in engine.words(_page())}
    assert isinstance(engine.runner(), tessproc.ProcessRunner)
    with pytest.raises(RedactorError, match="=process is set"):
        TesseractOcr(backend="library").words(_page())


@needs_library
def test_library_reads_under_a_decimal_comma_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Qt sets the user's locale (LC_ALL "") on Linux and macOS; under de_DE Tesseract read no word at all."""
    import locale
    import shutil
    import subprocess

    if not shutil.which("localedef") or not Path("/usr/share/i18n/locales/de_DE").is_file():
        pytest.skip("cannot build a de_DE locale here")
    subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", str(tmp_path / "de_DE.UTF-8")], check=False,
                   capture_output=True)
    monkeypatch.setenv("LOCPATH", str(tmp_path))
    saved = locale.setlocale(locale.LC_ALL)
    try:
        try:
            locale.setlocale(locale.LC_ALL, "de_DE.UTF-8")
        except locale.Error:
            pytest.skip("localedef could not build de_DE here")
        assert locale.localeconv()["decimal_point"] == ","
        words = TesseractOcr(backend="library").words(_page())
    finally:
        locale.setlocale(locale.LC_ALL, saved)
    assert sum(w.text == "Satoshi" for w in words) == 12


def test_tsv_confidence_with_a_comma_is_read_and_a_malformed_row_fails_closed() -> None:
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    words = ocr_mod.parse_tsv(head + "5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t96,391800\tIBAN\n")
    assert [(w.text, w.x, w.conf) for w in words] == [("IBAN", 10, pytest.approx(96.3918))]
    with pytest.raises(RedactorError, match="could not be read"):
        ocr_mod.parse_tsv(head + "5\t1\t1\t1\t1\t1\t10\t20\tx\t12\t96\tIBAN\n")


def test_strips_are_cut_where_half_the_text_lies_above() -> None:
    import numpy as np

    page = np.full((1000, 600), 255, np.uint8)
    page[700:990:20, 50:550] = 0  # fifteen "lines" of ink, all in the lower third
    (cut,) = ocr_mod.blank_split_rows(page, 2)
    assert 820 <= cut <= 870 and page[cut - 4:cut + 4].min() == 255  # in a blank band, not at half the height
    cuts = ocr_mod.blank_split_rows(page, 8)
    assert cuts == sorted(set(cuts))  # never two cuts on one row (an empty strip)
    assert ocr_mod.blank_split_rows(np.zeros((0, 10), np.uint8), 2) == []


@pytest.mark.skipif(sys.platform.startswith("win"), reason="no LD_LIBRARY_PATH on Windows")
def test_a_tesseract_program_run_from_the_frozen_app_gets_the_users_library_path(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The installers bundle no Tesseract program any more: the fallback runs the system's, which must load the
    system's libraries, not the frozen app's _internal/ ones its loader put on LD_LIBRARY_PATH."""
    from redactor.image.tesseract_bin import TesseractBinary

    key = "DYLD_LIBRARY_PATH" if sys.platform == "darwin" else "LD_LIBRARY_PATH"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv(key, "/opt/bisq-redactor/_internal")
    monkeypatch.setenv(key + "_ORIG", "/home/user/lib")
    system = TesseractBinary(command=Path("/usr/bin/tesseract"), tessdata_dir=None, bundled=False)
    assert system.env()[key] == "/home/user/lib"
    monkeypatch.delenv(key + "_ORIG")
    assert key not in system.env()
    bundled = TesseractBinary(command=tmp_path / "tesseract", tessdata_dir=tmp_path / "tessdata", bundled=True)
    assert bundled.env()[key] == str(tmp_path) and bundled.env()["TESSDATA_PREFIX"] == str(tmp_path / "tessdata")


def test_no_tesserocr_and_no_program_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tesslib, "load_module", lambda: None)
    monkeypatch.setenv("BISQ_REDACTOR_TESSERACT", str(tmp_path / "no-such-tesseract"))
    find_tesseract.cache_clear()
    try:
        with pytest.raises(TesseractMissing, match="apt install tesseract-ocr"):
            TesseractOcr().words(_page())
    finally:
        monkeypatch.delenv("BISQ_REDACTOR_TESSERACT")
        find_tesseract.cache_clear()


class _LineRunner:
    """Stands in for the one-line runner only, to pin down when a second look replaces a word."""

    name: Literal["library", "process"] = "library"

    def __init__(self, tsvs: list[str]) -> None:
        self.tsvs, self.crops = tsvs, 0

    def usable(self) -> bool:
        return True

    def warm(self, count: int) -> None:
        pass

    def read(self, strips: list[Image.Image]) -> list[str]:
        self.crops += len(strips)
        return self.tsvs[:len(strips)]

    def close(self) -> None:
        pass


def test_second_look_replaces_only_short_unsure_words_read_much_surer() -> None:
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"

    def row(text: str, conf: float) -> str:
        return f"{head}5\t1\t1\t1\t1\t1\t10\t10\t30\t14\t{conf}\t{text}\n"

    engine = TesseractOcr(jobs=1)
    gray = Image.new("L", (300, 100), 255)
    words = [ocr_mod.Word("fe", 20, 20, 22, 16, 28.0), ocr_mod.Word("Satoshi", 60, 20, 60, 16, 96.0),
             ocr_mod.Word("mat", 20, 60, 30, 14, 30.0), ocr_mod.Word("9cf6c240f0d0", 60, 60, 90, 14, 11.0)]
    engine._line_runner = _LineRunner([row("BIC", 92.0), row("mat", 45.0)])
    out = engine._second_look(gray, words)
    assert engine._line_runner.crops == 2  # "fe" and "mat": short and unsure; the hash is too long to be a label
    assert (out[0].text, out[0].conf, out[0].x, out[0].w) == ("BIC", 92.0, 20, 22)  # the box stays the first read's
    assert out[1:] == words[1:]  # "mat" read again at 45 %: not 20 points surer, kept


REAL_SHOT = Path(__file__).resolve().parents[2] / "shared" / "real-screens" / "11_v05_dispute-details_arbitrator.png"


@needs_library
@pytest.mark.skipif(not REAL_SHOT.is_file(), reason="../shared/real-screens is not present")
def test_leptonica_notes_do_not_reach_the_traders_terminal(tmp_path: Path) -> None:
    """In process, Leptonica's internal notes on this screenshot ("Error in pixScanForForeground: invalid box")
    would be printed to our stderr; a trader would read them as a failure."""
    import subprocess

    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(repo)}
    env.pop(BACKEND_ENV, None)
    res = subprocess.run([sys.executable, "-m", "redactor", "redact-image", str(REAL_SHOT), "-o",
                          str(tmp_path / "clean.png")], capture_output=True, text=True, env=env, timeout=300,
                         check=False)
    assert res.returncode == 0, res.stderr
    assert "Error in" not in res.stderr and "Error in" not in res.stdout, res.stderr
