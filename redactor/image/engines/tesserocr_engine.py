"""Tesseract inside this process, through `tesserocr` (Cython bindings to Tesseract's C++ API; its PyPI wheels
carry libtesseract 5.5 and Leptonica for Linux x86-64, Windows x64 and macOS arm64).

Why: a Tesseract process loads its model (about 60 ms of CPU) before it reads a pixel, and one screenshot
needs three reads (two strips, then the verification pass), so on a small screenshot the model loads cost as
much as the recognition. Here each model is loaded once per process and reused for every later screenshot.
The image goes in as raw grey pixels (SetImageBytes): no file, no pipe, no image decoder runs inside Tesseract.
tesserocr releases the GIL while it recognises, so two strips read in two threads run side by side.

The wheels ship no language data: `find_tessdata()` takes the installer's bundled `tessdata/` (pinned hashes,
packaging/tessdata.sha256), else TESSDATA_PREFIX, else the system's. When tesserocr cannot be imported or no
tessdata holds the language, `library_pool()` returns None and OCR falls back to Tesseract processes
(`process_engine`); BISQ_REDACTOR_OCR_BACKEND=process forces that fallback.
"""

from __future__ import annotations

import atexit
import locale
import logging
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np
from PIL import Image

from redactor.errors import RedactorError
from redactor.image.engines.base import BACKEND_ENV, TSV_HEADER, Backend, env_choice
from redactor.image.tesseract_bin import OCR_TIMEOUT_S
from redactor.resources import get_resource_path

log = logging.getLogger(__name__)

# Idle models kept per (language, page segmentation mode): two strips read at once, then the verification.
KEEP_IDLE = 2
# Where distributions and installers put tessdata, searched after the bundled copy and TESSDATA_PREFIX.
SYSTEM_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
    "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata", "/opt/local/share/tessdata",
    r"C:\Program Files\Tesseract-OCR\tessdata",
)


@lru_cache(maxsize=1)
def load_module() -> ModuleType | None:
    """The tesserocr module, or None when it is not installed or its libraries do not load here."""
    # OpenMP (where a build uses it) reads its thread limit once, when it loads: one thread per model, as for
    # the processes (OpenMP threads only slow Tesseract down on screenshots and fight our parallel strips).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import tesserocr
    except (ImportError, OSError) as exc:
        log.info("tesserocr does not load here (%s): OCR runs Tesseract processes", exc)
        return None
    # Leptonica prints its internal notes ("Error in pixScanForForeground: invalid box", harmless, from layout
    # analysis of some screenshots) to our stderr, where a trader would read them as failures; a process's
    # stderr was never shown. Tesseract's own failures still come back as return values and exceptions.
    tesserocr.set_leptonica_log_level(tesserocr.LeptLogLevel.NONE)
    return tesserocr


def tesseract_version() -> str | None:
    """The version of the libtesseract tesserocr carries ("5.5.1"), or None without tesserocr."""
    module = load_module()
    if module is None:
        return None
    return str(module.PyTessBaseAPI.Version()).split()[0]


def module_version() -> str | None:
    """tesserocr's own version ("2.13.0"), or None without it."""
    module = load_module()
    return None if module is None else str(module.__version__)


def _has(folder: Path, lang: str) -> bool:
    return all((folder / f"{part}.traineddata").is_file() for part in lang.split("+"))


def _tessdata_of_tesseract_program() -> Path | None:
    """The folder a system Tesseract program reads ("List of available languages in "/…/tessdata/" …")."""
    from redactor.image.tesseract_bin import find_tesseract

    try:
        binary = find_tesseract()
        out = subprocess.run([str(binary.command), "--list-langs"], capture_output=True, text=True,
                             env=binary.env(), timeout=20, check=False)
    except (OSError, RedactorError, subprocess.SubprocessError):
        return None
    first = (out.stdout or out.stderr).splitlines()[:1]
    if first and '"' in first[0]:
        return Path(first[0].split('"')[1])
    return None


def bundled_tessdata() -> Path | None:
    folder = get_resource_path("tesseract") / "tessdata"
    return folder if folder.is_dir() else None


@lru_cache(maxsize=8)
def find_tessdata(lang: str) -> Path | None:
    """The tessdata folder that holds `lang` (a "+"-joined list too), or None."""
    candidates = [bundled_tessdata()]
    if os.environ.get("TESSDATA_PREFIX"):
        prefix = Path(os.environ["TESSDATA_PREFIX"])
        candidates += [prefix, prefix / "tessdata"]
    candidates += [Path(p) for p in SYSTEM_TESSDATA]
    for folder in candidates:
        if folder is not None and _has(folder, lang):
            return folder
    folder = _tessdata_of_tesseract_program()
    return folder if folder is not None and _has(folder, lang) else None


def _numbers_in_c_locale() -> None:
    """Tesseract prints its TSV confidences with the C library: under a decimal-comma locale (Qt sets the user's
    on Linux and macOS, e.g. de_DE) they read "96,39". The GUI pins LC_NUMERIC to "C" after creating its
    QApplication (Qt's documented advice); this catches any other host. `parse_tsv` accepts commas anyway."""
    if locale.setlocale(locale.LC_NUMERIC) != "C":
        log.debug("LC_NUMERIC was %s; set to C for Tesseract", locale.setlocale(locale.LC_NUMERIC))
        locale.setlocale(locale.LC_NUMERIC, "C")


# Models are created and ended one at a time: Tesseract is thread-safe per model once loaded, but loading
# sets process-wide parameters and shares the dictionaries' cache.
_LIFECYCLE = threading.Lock()


class TessApi:
    """One loaded Tesseract model. Not thread-safe: one thread at a time (the pool hands it out)."""

    def __init__(self, module: ModuleType, datapath: Path, lang: str, psm: int) -> None:
        _numbers_in_c_locale()
        with _LIFECYCLE:
            try:
                # Its progress notes ("Estimating resolution as …") would go to our stderr.
                self._api = module.PyTessBaseAPI(path=str(datapath) + os.sep, lang=lang, psm=psm,
                                                 variables={"debug_file": os.devnull})
            except RuntimeError as exc:
                raise RedactorError(f"Tesseract has no language data for '{lang}' (tessdata: {datapath}).") from exc
        self._open = True

    def read_tsv(self, gray: Image.Image, timeout_s: float) -> str:
        """Word boxes of an image as Tesseract's TSV (with its header line, as the program writes it).
        The deadline is checked between words (layout analysis runs to its end)."""
        if not self._open:
            raise RedactorError("internal error: this Tesseract model was already closed")
        arr = np.ascontiguousarray(np.asarray(gray.convert("L")))
        _numbers_in_c_locale()  # again: the GUI may have set the user's locale since the model loaded
        api = self._api
        try:
            api.SetImageBytes(arr.tobytes(), arr.shape[1], arr.shape[0], 1, arr.strides[0])
            started = time.monotonic()
            if not api.Recognize(timeout=max(1, int(timeout_s * 1000))):  # 0 would mean no deadline
                if time.monotonic() - started >= timeout_s:
                    raise RedactorError(f"Tesseract gave up on this image (more than {timeout_s:g} s); "
                                        "try a smaller crop.")
                raise RedactorError(f"Tesseract could not read this image ({arr.shape[1]}×{arr.shape[0]} px "
                                    "after preparation); try a smaller crop.")
            return TSV_HEADER + (api.GetTSVText(0) or "")
        finally:
            api.Clear()

    def close(self) -> None:
        with _LIFECYCLE:
            if self._open:
                self._api.End()
                self._open = False


class ApiPool:
    """Loaded models for one (tessdata, language, mode), lent to one thread at a time and kept for the next image."""

    def __init__(self, module: ModuleType, datapath: Path, lang: str, psm: int) -> None:
        self._make = lambda: TessApi(module, datapath, lang, psm)
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._idle: list[TessApi] = []
        self._loading: list[Future[TessApi]] = []
        self._loader = ThreadPoolExecutor(1, thread_name_prefix="tesseract-load")

    def usable(self) -> bool:
        """False in a forked child: the models, the lock and the loader thread belong to the parent."""
        return self._pid == os.getpid()

    def warm(self, count: int) -> None:
        """Have `count` models loaded or loading, in the background (while the caller decodes the image)."""
        with self._lock:
            for _ in range(count - len(self._idle) - len(self._loading)):
                self._loading.append(self._loader.submit(self._make))

    @contextmanager
    def lend(self) -> Iterator[TessApi]:
        with self._lock:
            api = self._idle.pop() if self._idle else None
            pending = self._loading.pop(0) if api is None and self._loading else None
        if api is None:
            api = pending.result() if pending is not None else self._make()
        try:
            yield api
        finally:
            with self._lock:
                if len(self._idle) < KEEP_IDLE:
                    self._idle.append(api)
                    api = None
            if api is not None:
                api.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            loading, self._loading = self._loading, []
        for fut in loading:
            try:
                idle.append(fut.result())
            except RedactorError:
                pass
        for api in idle:
            api.close()


class LibraryRunner:
    """Reads strips with loaded models from `pool`, one thread per strip (tesserocr releases the GIL while it
    recognises, so the strips really run side by side)."""

    name: Backend = "library"

    def __init__(self, pool: ApiPool) -> None:
        self._pool = pool

    def usable(self) -> bool:
        return self._pool.usable()

    def warm(self, count: int) -> None:
        self._pool.warm(count)

    def read(self, strips: list[Image.Image]) -> list[str]:
        if len(strips) == 1:
            return [self._read_one(strips[0])]
        # At most KEEP_IDLE threads: more would load more models than the pool keeps (small crops, many).
        with ThreadPoolExecutor(min(len(strips), KEEP_IDLE), thread_name_prefix="tesseract") as threads:
            return list(threads.map(self._read_one, strips))

    def _read_one(self, strip: Image.Image) -> str:
        with self._pool.lend() as api:
            return api.read_tsv(strip, OCR_TIMEOUT_S)

    def close(self) -> None:
        """Nothing to stop: the models stay loaded for the next screenshot."""


_pools: dict[tuple[Path, str, int], ApiPool] = {}
_pools_lock = threading.Lock()


def library_pool(lang: str, psm: int) -> ApiPool | None:
    """The process-wide pool for this language and mode, or None when OCR cannot run in this process
    (BISQ_REDACTOR_OCR_BACKEND=process, no tesserocr, or no tessdata with the language)."""
    if env_choice() == "process":
        return None
    module = load_module()
    datapath = find_tessdata(lang) if module is not None else None
    if module is None or datapath is None:
        return None
    with _pools_lock:
        pool = _pools.get((datapath, lang, psm))
        if pool is None:
            pool = _pools[(datapath, lang, psm)] = ApiPool(module, datapath, lang, psm)
        return pool


def required_pool(lang: str, psm: int) -> ApiPool:
    """library_pool(), or a RedactorError saying why OCR cannot run in this process."""
    pool = library_pool(lang, psm)
    if pool is not None:
        return pool
    if env_choice() == "process":
        raise RedactorError(f"{BACKEND_ENV}=process is set: OCR runs Tesseract processes.")
    if load_module() is None:
        raise RedactorError(f"tesserocr could not be loaded on this computer ({BACKEND_ENV}=process uses the "
                            "Tesseract program instead).")
    raise RedactorError(f"Tesseract has no language data for '{lang}' here (no tessdata folder holds it).")


@atexit.register
def close_all() -> None:
    """At exit: end every idle model (a read still running keeps its own, and the process ends anyway)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


def _forget_in_child() -> None:
    # A forked child (redact_batch spawns, but a caller may fork) must not use its parent's models, locks or
    # loader thread: it starts with no pools, and engines it inherited see theirs is not usable().
    global _pools_lock, _LIFECYCLE
    _pools.clear()
    _pools_lock = threading.Lock()
    _LIFECYCLE = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
