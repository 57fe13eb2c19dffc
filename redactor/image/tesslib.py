"""Tesseract inside this process, through its C API (libtesseract, called with ctypes).

Why: a Tesseract process loads its model (about 60 ms of CPU) before it reads a pixel, and one screenshot
needs three reads (two strips, then the verification pass), so on a small screenshot the model loads cost as
much as the recognition. Here each model is loaded once per process and reused for every later screenshot.
The image goes in as raw grey pixels (SetImage): no file, no pipe, no image decoder runs inside Tesseract.

The library is the one beside the Tesseract binary `find_tesseract()` chose (the bundled copy, or the
system's), so both back-ends run the same Tesseract. When it cannot be loaded, `library_pool()` returns None
and OCR falls back to Tesseract processes (`redactor/image/tessproc.py`); BISQ_REDACTOR_OCR_BACKEND=process forces
that fallback (and is the default on Windows and macOS for now, see `load_library`).
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import glob
import locale
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from redactor.errors import RedactorError
from redactor.image.tesseract_bin import OCR_TIMEOUT_S, TesseractBinary, find_tesseract

log = logging.getLogger(__name__)

BACKEND_ENV = "BISQ_REDACTOR_OCR_BACKEND"
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
# Idle models kept per (language, page segmentation mode): two strips read at once, then the verification.
KEEP_IDLE = 2

_c = ctypes.c_void_p
# Names, not literals in the calls: PyInstaller bundles any library named literally in a ctypes call, with its
# dependencies (the system libtesseract's pull in libcurl, gnutls and ICU); packages ship their own copy.
_LIB_NAME = "tesseract"
_SYSTEM_NAMES = ("libtesseract.so.5", "libtesseract.5.dylib", "/opt/homebrew/lib/libtesseract.5.dylib",
                 "/usr/local/lib/libtesseract.5.dylib")


def _candidates(binary: TesseractBinary) -> list[str]:
    """Library files to try, the one beside the chosen binary first (bundled copies ship it there)."""
    folder = binary.command.parent
    local = sorted(glob.glob(str(folder / "libtesseract*.so*")) + glob.glob(str(folder / "libtesseract*.dylib"))
                   + glob.glob(str(folder / "*tesseract*.dll")))
    if local or binary.bundled or os.environ.get("BISQ_REDACTOR_TESSERACT"):
        return local  # a chosen copy: never mix it with another version from the system
    names = [ctypes.util.find_library(_LIB_NAME) or "", *_SYSTEM_NAMES]
    return [n for n in names if n]


def _preload_siblings(folder: Path) -> None:
    """Linux bundle: the libraries Tesseract needs sit in its folder without an rpath, and the loader reads
    LD_LIBRARY_PATH only at start-up. Loading them first (until no more load) satisfies its dependencies;
    one this process has already loaded (e.g. libstdc++ for Qt) is not loaded a second time."""
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
        loaded = {Path(line.split()[-1]).name for line in maps if ".so" in line.rsplit("/", 1)[-1]}
    except OSError:
        loaded = set()
    pending = sorted(p for p in glob.glob(str(folder / "lib*.so*"))
                     if "tesseract" not in Path(p).name and Path(p).name not in loaded)
    while pending:
        left = []
        for path in pending:
            try:
                ctypes.CDLL(path)  # local scope: a later dlopen by soname still finds it, nothing else sees it
            except OSError:
                left.append(path)
        if len(left) == len(pending):
            return
        pending = left


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    sigs: dict[str, tuple[list[type], type | None]] = {
        "TessVersion": ([], ctypes.c_char_p),
        "TessBaseAPICreate": ([], _c),
        "TessBaseAPIDelete": ([_c], None),
        "TessBaseAPIEnd": ([_c], None),
        "TessBaseAPIInit3": ([_c, ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int),
        "TessBaseAPISetVariable": ([_c, ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int),
        "TessBaseAPISetPageSegMode": ([_c, ctypes.c_int], None),
        "TessBaseAPISetImage": ([_c, _c, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int], None),
        "TessBaseAPIRecognize": ([_c, _c], ctypes.c_int),
        "TessBaseAPIGetTsvText": ([_c, ctypes.c_int], _c),
        "TessBaseAPIClear": ([_c], None),
        "TessDeleteText": ([_c], None),
        "TessMonitorCreate": ([], _c),
        "TessMonitorDelete": ([_c], None),
        "TessMonitorSetDeadlineMSecs": ([_c, ctypes.c_int], None),
    }
    for name, (args, res) in sigs.items():
        fn = getattr(lib, name)  # AttributeError: not a usable libtesseract
        fn.argtypes, fn.restype = args, res
    return lib


def load_library() -> ctypes.CDLL | None:
    """libtesseract 5 of the Tesseract `find_tesseract()` chose, or None (then OCR runs Tesseract processes).
    Raises TesseractMissing as that does."""
    choice = os.environ.get(BACKEND_ENV, "").lower()
    # In process by default only where it is tested (Linux: `make test`, the package's smoke test). Windows and
    # macOS run processes until their release jobs have passed the in-process checks (`=library` opts in).
    if choice == "process" or (choice != "library" and not sys.platform.startswith("linux")):
        find_tesseract()  # still say early when there is no Tesseract at all
        return None
    return _load_library(find_tesseract())


@lru_cache(maxsize=4)
def _load_library(binary: TesseractBinary) -> ctypes.CDLL | None:
    # OpenMP reads its thread limit once, when libgomp loads: one thread per model, as for the processes
    # (OpenMP threads only slow Tesseract down on screenshots and fight our own parallel strips).
    os.environ["OMP_THREAD_LIMIT"] = "1"
    for path in _candidates(binary):
        try:
            if binary.bundled and sys.platform.startswith("linux"):
                _preload_siblings(Path(path).parent)
            lib = _declare(ctypes.CDLL(path))
            version = (lib.TessVersion() or b"").decode("ascii", "replace")
        except (OSError, AttributeError) as exc:
            log.debug("libtesseract %s not usable: %s", path, exc)
            continue
        if version.startswith("5."):
            log.debug("libtesseract %s (%s) in process", version, path)
            return lib
        log.debug("libtesseract %s is version %s, not 5.x", path, version)
    log.info("libtesseract not found beside %s: OCR runs Tesseract processes", binary.command)
    return None


def backend_text() -> str:
    """How OCR runs here, for `--version` and bug reports."""
    lib = load_library()
    if lib is None:
        return "Tesseract processes"
    return f"in process (libtesseract {(lib.TessVersion() or b'?').decode('ascii', 'replace')})"


def _numbers_in_c_locale() -> None:
    """Tesseract prints its TSV confidences with the C library: under a decimal-comma locale (Qt sets the user's
    on Linux and macOS, e.g. de_DE) they read "96,39". The GUI pins LC_NUMERIC to "C" after creating its
    QApplication (Qt's documented advice); this catches any other host. `parse_tsv` accepts commas anyway."""
    if locale.setlocale(locale.LC_NUMERIC) != "C":
        log.debug("LC_NUMERIC was %s; set to C for Tesseract", locale.setlocale(locale.LC_NUMERIC))
        locale.setlocale(locale.LC_NUMERIC, "C")


# Models are created and ended one at a time: Tesseract is thread-safe per model once loaded, but loading
# sets process-wide parameters (debug_file here) and shares the dictionaries' cache.
_LIFECYCLE = threading.Lock()


class TessApi:
    """One loaded Tesseract model. Not thread-safe: one thread at a time (the pool hands it out)."""

    def __init__(self, lib: ctypes.CDLL, datapath: str | None, lang: str, psm: int) -> None:
        self._lib = lib
        _numbers_in_c_locale()
        with _LIFECYCLE:
            self._handle = lib.TessBaseAPICreate()
            # Its progress notes ("Estimating resolution as …") would go to our stderr.
            lib.TessBaseAPISetVariable(self._handle, b"debug_file", os.devnull.encode())
            if lib.TessBaseAPIInit3(self._handle, datapath.encode() if datapath else None, lang.encode()) != 0:
                lib.TessBaseAPIDelete(self._handle)
                raise RedactorError(f"Tesseract has no language data for '{lang}' "
                                    f"(tessdata: {datapath or 'default'}).")
            lib.TessBaseAPISetPageSegMode(self._handle, psm)

    def read_tsv(self, gray: Image.Image, timeout_s: float) -> str:
        """Word boxes of a mode "L" image as Tesseract's TSV (with its header line, as the CLI writes it).
        The deadline is checked between words (layout analysis runs to its end)."""
        if not self._handle:
            raise RedactorError("internal error: this Tesseract model was already closed")
        arr = np.ascontiguousarray(np.asarray(gray.convert("L")))
        lib, h = self._lib, self._handle
        _numbers_in_c_locale()  # again: the GUI may have set the user's locale since the model loaded
        monitor = lib.TessMonitorCreate()
        try:
            lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout_s * 1000)))  # 0 would mean none
            lib.TessBaseAPISetImage(h, arr.ctypes.data, arr.shape[1], arr.shape[0], 1, arr.strides[0])
            started = time.monotonic()
            if lib.TessBaseAPIRecognize(h, monitor) != 0:
                if time.monotonic() - started >= timeout_s:
                    raise RedactorError(f"Tesseract gave up on this image (more than {timeout_s:g} s); "
                                        "try a smaller crop.")
                raise RedactorError(f"Tesseract could not read this image ({arr.shape[1]}×{arr.shape[0]} px "
                                    "after preparation); try a smaller crop.")
            text = lib.TessBaseAPIGetTsvText(h, 0)
            try:
                return TSV_HEADER + (ctypes.string_at(text).decode("utf-8", "replace") if text else "")
            finally:
                lib.TessDeleteText(text)
        finally:
            lib.TessBaseAPIClear(h)
            lib.TessMonitorDelete(monitor)

    def close(self) -> None:
        with _LIFECYCLE:
            if self._handle:
                self._lib.TessBaseAPIEnd(self._handle)
                self._lib.TessBaseAPIDelete(self._handle)
                self._handle = None


class ApiPool:
    """Loaded models for one (language, mode), lent to one thread at a time and kept for the next image."""

    def __init__(self, lib: ctypes.CDLL, datapath: str | None, lang: str, psm: int) -> None:
        self._make = lambda: TessApi(lib, datapath, lang, psm)
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
    """Reads strips with loaded models from `pool`, one thread per strip (ctypes releases the GIL, so the
    strips really run side by side)."""

    def __init__(self, pool: ApiPool) -> None:
        self._pool = pool

    def usable(self) -> bool:
        return self._pool.usable()

    def warm(self, count: int) -> None:
        self._pool.warm(count)

    def read(self, strips: list[Image.Image]) -> list[str]:
        if len(strips) == 1:
            return [self._read_one(strips[0])]
        with ThreadPoolExecutor(len(strips), thread_name_prefix="tesseract") as threads:
            return list(threads.map(self._read_one, strips))

    def _read_one(self, strip: Image.Image) -> str:
        with self._pool.lend() as api:
            return api.read_tsv(strip, OCR_TIMEOUT_S)

    def close(self) -> None:
        """Nothing to stop: the models stay loaded for the next screenshot."""


_pools: dict[tuple[Path, str, int], ApiPool] = {}
_pools_lock = threading.Lock()


def library_pool(lang: str, psm: int) -> ApiPool | None:
    """The process-wide pool for this language and mode, or None when libtesseract is not usable."""
    lib = load_library()
    if lib is None:
        return None
    binary = find_tesseract()
    with _pools_lock:
        pool = _pools.get((binary.command, lang, psm))
        if pool is None:
            tessdata = str(binary.tessdata_dir) if binary.tessdata_dir else None
            pool = _pools[(binary.command, lang, psm)] = ApiPool(lib, tessdata, lang, psm)
        return pool


def required_pool(lang: str, psm: int) -> ApiPool:
    """library_pool(), or a RedactorError saying why OCR cannot run in this process."""
    pool = library_pool(lang, psm)
    if pool is None:
        if os.environ.get(BACKEND_ENV, "").lower() == "process":
            raise RedactorError(f"{BACKEND_ENV}=process is set: OCR runs Tesseract processes.")
        raise RedactorError(f"libtesseract could not be loaded ({BACKEND_ENV}=process uses the Tesseract program "
                            "instead).")
    return pool


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
