"""GUI building blocks: the box editor, workers, settings, the trade form, the About text and `gui` smoke."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from gui_support import click, drag, scene_to_view, temp_settings
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtGui import QColor, QImage

from redactor.errors import BadInput
from redactor.gui import workers
from redactor.gui.pages.trade_page import format_txids, parse_txids
from redactor.gui.settings import Settings
from redactor.gui.widgets.image_editor import BoxItem, ImageEditor, make_box

pytestmark = pytest.mark.gui

TX = "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63"


@pytest.fixture
def editor(qtbot):  # type: ignore[no-untyped-def]
    view = ImageEditor()
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    qtbot.waitExposed(view)
    preview = QImage(500, 250, QImage.Format.Format_RGB32)  # half the original size: boxes stay in original px
    preview.fill(QColor("white"))
    view.set_image(preview, (1000, 500), [make_box(100, 100, 200, 40, "iban")])
    return view


def test_drag_adds_a_box_in_original_pixels_and_click_removes_it(qtbot, editor: ImageEditor) -> None:
    changes: list[int] = []
    editor.boxesChanged.connect(lambda: changes.append(len(editor.boxes())))
    drag(editor, scene_to_view(editor, 500, 300), scene_to_view(editor, 700, 380))
    assert len(editor.boxes()) == 2
    new = editor.boxes()[1]
    assert new.reason == "manual"
    # the view is scaled; the box is in original pixels, within a view pixel or two of what was dragged
    assert abs(new.x - 500) <= 3 and abs(new.y - 300) <= 3
    assert abs(new.w - 200) <= 4 and abs(new.h - 80) <= 4
    click(editor, scene_to_view(editor, 200, 120))  # the detected IBAN box
    assert [b.reason for b in editor.boxes()] == ["manual"]
    assert changes == [2, 1]


def test_tiny_drag_is_not_a_box_and_click_outside_boxes_removes_nothing(editor: ImageEditor) -> None:
    start = scene_to_view(editor, 600, 50)
    drag(editor, start, start + QPoint(1, 1))
    click(editor, scene_to_view(editor, 900, 450))
    assert len(editor.boxes()) == 1


def test_boxes_are_clipped_to_the_image(editor: ImageEditor) -> None:
    box = editor.add_box(950, 480, 200, 200)
    assert box is not None and (box.x, box.y, box.w, box.h) == (950, 480, 50, 20)
    assert editor.add_box(2000, 2000, 50, 50) is None


def test_after_view_fills_boxes_opaque_and_before_view_outlines_them(editor: ImageEditor) -> None:
    item = next(i for i in editor.scene().items() if isinstance(i, BoxItem))
    assert item.brush().color().alpha() == 255
    editor.set_show_original(True)
    assert item.brush().color().alpha() < 255
    # a box drawn while the original is shown still follows the mode
    box = editor.add_box(10, 10, 50, 50)
    new_item = next(i for i in editor.scene().items() if isinstance(i, BoxItem) and i.box is box)
    assert new_item.brush().color().alpha() < 255


def test_zoom(editor: ImageEditor) -> None:
    fitted = editor.zoom()
    editor.zoom_in()
    assert editor.zoom() == pytest.approx(fitted * 1.25)
    editor.fit()
    assert editor.zoom() == pytest.approx(fitted)


def test_job_reports_result_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    main = threading.get_ident()
    seen: list[tuple[str, object]] = []

    def work(ctl: workers.Control) -> int:
        assert threading.get_ident() != main
        ctl.progress("half", 0.5)
        return 42

    job = workers.Job("adding", work)
    job.progress.connect(lambda text, f: seen.append(("progress", (text, f, threading.get_ident() == main))))
    job.done.connect(lambda r: seen.append(("done", (r, threading.get_ident() == main))))
    with qtbot.waitSignal(job.finished, timeout=5000):
        workers.start(job)
    assert seen == [("progress", ("half", 0.5, True)), ("done", (42, True))]


@pytest.mark.parametrize(("exc", "expected"), [
    (BadInput("This file is not a picture the app can read."), "This file is not a picture the app can read."),
    (PermissionError(13, "Permission denied", "/x/shot.png"), "not allowed to open a file while reading it"),
    (ValueError("boom"), "Something unexpected went wrong while reading it"),
])
def test_job_failures_become_sentences(qtbot, exc: Exception, expected: str) -> None:  # type: ignore[no-untyped-def]
    def work(ctl: workers.Control) -> None:
        raise exc

    job = workers.Job("reading it", work)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        workers.start(job)
    assert expected in blocker.args[0]


def test_cancelled_job_reports_nothing_but_finishes(qtbot) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    results: list[object] = []

    def work(ctl: workers.Control) -> str:
        gate.wait(5)
        ctl.check()
        return "too late"

    job = workers.Job("waiting", work)
    job.done.connect(results.append)
    job.failed.connect(results.append)
    workers.start(job)
    job.cancel()
    with qtbot.waitSignal(job.finished, timeout=5000):
        gate.set()
    assert results == []


def test_settings_persist_in_the_given_file(tmp_path: Path) -> None:
    settings = temp_settings(tmp_path)
    settings.theme = "dark"
    settings.set_last_folder("export", tmp_path)
    settings.sync()
    again = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.theme == "dark"
    assert again.last_folder("export") == str(tmp_path)
    again.theme = "purple"
    assert again.theme == "system"


def test_txids_round_trip_and_bad_lines_are_named() -> None:
    text = format_txids({TX: "deposit", "a" * 64: ""})
    assert parse_txids(text) == ({TX: "deposit", "a" * 64: ""}, None)
    found, bad = parse_txids(f"deposit: {TX}\n\nnot a tx id")
    assert found == {TX: "deposit"}
    assert bad is not None and bad.startswith("Line 3 ")


def test_about_shows_app_and_tesseract_versions(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from redactor import __version__
    from redactor.gui.main_window import MainWindow

    window = MainWindow(temp_settings(tmp_path))
    qtbot.addWidget(window)
    window.about()
    text = window._about_box.text()
    assert f"bisq-redactor {__version__}" in text and "Tesseract: " in text


def test_gui_command_opens_and_quits(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    done = subprocess.run([sys.executable, "-m", "redactor", "gui", "--quit-after", "0.3"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cfg" / "Bisq" / "Bisq Support Redactor.ini").is_file()  # geometry saved on close


def test_keyboard_adds_moves_resizes_and_removes_a_box(qtbot, editor: ImageEditor) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A)
    assert len(editor.boxes()) == 2
    added = editor.selected_box()
    assert added is editor.boxes()[1] and added.reason == "manual"
    qtbot.keyClick(editor, Qt.Key.Key_Right)
    qtbot.keyClick(editor, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    moved = editor.selected_box()
    assert (moved.x, moved.y, moved.w, moved.h) == (added.x + 10, added.y, added.w, added.h + 10)
    qtbot.keyClick(editor, Qt.Key.Key_N)  # wraps to the first (detected) box
    assert editor.selected_box().reason == "iban"
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert [b.reason for b in editor.boxes()] == ["manual"]


def test_keyboard_switches_views_and_steps(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from redactor.gui.main_window import MainWindow

    window = MainWindow(temp_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window, 5000)  # shortcuts only reach the active window
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget() is window.agent
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget() is window.flow
    qtbot.keyClick(window.flow, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "&Next" with no folder yet
    assert window.flow.index() == 0
    qtbot.waitUntil(lambda: window.flow.hint.text() != "", timeout=5000)
    assert "Bisq" in window.flow.hint.text()


def test_theme_choice_is_applied_and_remembered(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from redactor.gui.main_window import MainWindow

    settings = temp_settings(tmp_path)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    try:
        window.set_theme("dark")
        assert Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)).theme == "dark"
        hints = QGuiApplication.styleHints()
        # either the platform switched, or the app's own dark palette is in use
        qtbot.waitUntil(lambda: hints.colorScheme() == Qt.ColorScheme.Dark
                        or window.palette().window().color().lightness() < 80, timeout=2000)
    finally:
        window.set_theme("system")  # back to following the OS for the other tests
    assert settings.theme == "system"
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() > 150, timeout=2000)


def test_gui_command_without_a_screen_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "redactor", "gui", "--quit-after", "0.1"],
                          env=dict(env, HOME=str(tmp_path)), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("bisq-redactor: No screen to show the window on")


def test_a_job_outliving_its_page_calls_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QLabel

    # Jobs earlier tests cancelled may still hold the pool's threads (an OCR run cannot stop midway).
    assert QThreadPool.globalInstance().waitForDone(60_000)
    gate = threading.Event()
    page = QLabel("page")
    calls: list[object] = []
    job = workers.Job("waiting", lambda _ctl: gate.wait(5) and "late")
    job.on(page, done=lambda r: (calls.append(r), page.setText(str(r))), finished=lambda: calls.append("finished"))
    workers.start(job)
    page.deleteLater()  # the page goes away while the job still runs
    qtbot.wait(20)
    with qtbot.waitSignal(job.finished, timeout=5000):
        gate.set()
    qtbot.wait(20)
    assert calls == []


def test_a_finished_job_and_its_result_are_not_kept_by_its_page(qtbot) -> None:  # type: ignore[no-untyped-def]
    import gc
    import weakref

    from PySide6.QtWidgets import QLabel

    page = QLabel("page")
    qtbot.addWidget(page)
    seen: list[str] = []
    job = workers.Job("reading", lambda _ctl: "preview of an unredacted screenshot")
    job.on(page, done=lambda r, j=job: seen.append(j.what))  # callbacks often hold their job, as pages do
    with qtbot.waitSignal(job.finished, timeout=5000):
        workers.start(job)
    qtbot.waitUntil(lambda: workers.running() == 0, timeout=5000)
    ref = weakref.ref(job)
    del job
    assert seen == ["reading"]

    def released() -> bool:
        gc.collect()
        return ref() is None

    qtbot.waitUntil(released, timeout=3000)  # fails when the page's relay still holds the job and its result
