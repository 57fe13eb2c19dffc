"""While a 5K screenshot is redacted (real Tesseract), the window's event loop never stalls more than 100 ms.

A 10 ms QTimer heartbeat runs on the GUI thread from the moment the file is added until the redacted image is
shown in the editor; the longest gap between two beats is the longest the window was frozen.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from gui_support import render_trade_details, temp_settings
from PySide6.QtCore import QTimer

from redactor.gui.pages.screenshots_page import ScreenshotsPage
from redactor.gui.state import FlowState

pytestmark = [pytest.mark.gui, pytest.mark.ocr]

MAX_STALL = 0.100


def test_event_loop_keeps_beating_while_a_5k_screenshot_is_redacted(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "5k.png"
    render_trade_details(big, scale=4.0)
    page = ScreenshotsPage(FlowState(), temp_settings(tmp_path))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)

    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    qtbot.wait(50)
    page.add_files([big])
    qtbot.waitUntil(lambda: not page.busy(), timeout=90_000)
    qtbot.wait(200)  # the editor has painted the 5K preview
    timer.stop()

    shot = page.state.shots[0]
    assert shot.ready, shot.error
    assert page.editor.image_size == (5120, 2880)
    assert shot.boxes, "the payment details should have been found"
    gaps = [b - a for a, b in zip(beats, beats[1:], strict=False)]
    assert len(beats) > 20
    assert max(gaps) <= MAX_STALL, f"event loop stalled {max(gaps) * 1000:.0f} ms"
