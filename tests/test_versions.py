"""`bisq-redactor --version` and the About dialog name the app, the OCR back-end in use and its Tesseract; the
text comes from core code (redactor/versions.py), so the GUI never imports the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from redactor.image.engines import tesserocr_engine

REPO = Path(__file__).resolve().parent.parent
IN_PROCESS = tesserocr_engine.load_module() is not None and tesserocr_engine.find_tessdata("eng") is not None


def _version(backend: str | None) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("BISQ_REDACTOR_OCR_BACKEND", None)
    if backend:
        env["BISQ_REDACTOR_OCR_BACKEND"] = backend
    out = subprocess.run([sys.executable, "-m", "redactor", "--version"], capture_output=True, text=True,
                         env=env, check=True, timeout=60)
    return out.stdout


@pytest.mark.skipif(not IN_PROCESS, reason="tesserocr or eng tessdata is missing here")
def test_version_names_tesserocr_and_its_tesseract() -> None:
    text = _version(None)
    assert re.search(r"^OCR: in process \(tesserocr \d+\.\d+\.\d+\)$", text, re.M), text
    assert re.search(r"^Tesseract: 5\.\d+\.\d+ \(tesserocr's\); tessdata: \S+", text, re.M), text


def test_version_names_the_tesseract_program_when_processes_run() -> None:
    text = _version("process")
    assert text.startswith("bisq-redactor ")
    assert re.search(r"^OCR: Tesseract processes$", text, re.M), text
    assert re.search(r"^Tesseract: (tesseract v?\d+\.\d+|unavailable)", text, re.M), text


def test_about_dialog_takes_the_text_from_the_core_not_the_cli() -> None:
    code = ("import sys; from redactor.versions import version_text; t = version_text(); "
            "import redactor.gui.main_window; print('redactor.cli' in sys.modules); print(t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.splitlines()[0] == "False"
    source = (REPO / "redactor" / "gui" / "main_window.py").read_text()
    assert "redactor.cli" not in source and "from redactor.versions import version_text" in source


def test_about_dialog_names_the_backend(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("PySide6")
    from gui_support import temp_settings

    from redactor.gui.main_window import MainWindow

    window = MainWindow(temp_settings(tmp_path))
    qtbot.addWidget(window)
    window.about()
    text = window._about_box.text()
    expected = "OCR: in process (tesserocr " if IN_PROCESS else "OCR: Tesseract processes"
    assert expected in text and "\nTesseract: " in text
