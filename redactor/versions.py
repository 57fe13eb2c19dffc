"""The version text `bisq-redactor --version` prints and the GUI's About dialog shows: the app, the OCR
back-end in use and its Tesseract (core code, so the GUI never imports the CLI)."""

from __future__ import annotations

import logging

from redactor import __version__

log = logging.getLogger(__name__)


def version_text() -> str:
    """Three lines: the app's version, the OCR back-end in use, the Tesseract it runs (and its tessdata)."""
    try:
        from redactor.image.engines import describe

        ocr, tesseract = describe()
    except Exception as exc:  # noqa: BLE001 - the version text must never crash (it is how bugs get reported)
        log.debug("OCR back-end unknown", exc_info=True)
        ocr, tesseract = "unavailable", f"unavailable ({exc})"
    return f"bisq-redactor {__version__}\nOCR: {ocr}\nTesseract: {tesseract}"
