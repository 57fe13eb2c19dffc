"""OCR back-ends behind one `Runner` interface (`base`): Tesseract in this process through tesserocr
(`tesserocr_engine`, the default wherever its wheel loads), or Tesseract programs (`process_engine`, the
fallback: no wheel for this platform, a wheel that cannot load, no tessdata, or BISQ_REDACTOR_OCR_BACKEND=process).
"""

from __future__ import annotations

from redactor.image.engines import tesserocr_engine
from redactor.image.engines.base import BACKEND_ENV, Backend, Runner, env_choice
from redactor.image.engines.process_engine import ProcessRunner

__all__ = ["BACKEND_ENV", "Backend", "Runner", "backend_text", "describe", "make_runner"]


def make_runner(lang: str, psm: int, backend: Backend | None = None) -> Runner:
    """The back-end for `backend` ("library": in process or an error; "process"), or when None the one
    BISQ_REDACTOR_OCR_BACKEND names, else in process when it can, else processes. Raises TesseractMissing
    when there is no Tesseract at all."""
    if backend == "library":
        return tesserocr_engine.LibraryRunner(tesserocr_engine.required_pool(lang, psm))
    if backend is None and env_choice() != "process":
        pool = tesserocr_engine.library_pool(lang, psm)
        if pool is not None:
            return tesserocr_engine.LibraryRunner(pool)
    return ProcessRunner(lang, psm)


def describe(lang: str = "eng") -> tuple[str, str]:
    """(how OCR runs, which Tesseract) for `--version`, the About dialog and bug reports, e.g.
    ("in process (tesserocr 2.13.0)", "5.5.4 (tesserocr's); tessdata: bundled")."""
    from redactor.image.tesseract_bin import tesseract_version_text

    pool = None if env_choice() == "process" else tesserocr_engine.library_pool(lang, 3)
    if pool is None:
        return "Tesseract processes", tesseract_version_text()
    datapath = tesserocr_engine.find_tessdata(lang)
    where = "bundled" if datapath == tesserocr_engine.bundled_tessdata() else str(datapath)
    return (f"in process (tesserocr {tesserocr_engine.module_version()})",
            f"{tesserocr_engine.tesseract_version()} (tesserocr's); tessdata: {where}")


def backend_text(lang: str = "eng") -> str:
    """describe() on one line."""
    ocr, tesseract = describe(lang)
    return f"{ocr}, Tesseract {tesseract}"
