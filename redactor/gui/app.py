"""QApplication set-up: names, HiDPI, a theme that follows the OS, and the main window.

Start-up stays light: only Qt and the window are imported here; pages import the core (OCR, numpy, the
sanitizer) when a job first needs it, so the window appears quickly.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from redactor import __version__
from redactor.gui.settings import APP, ORG, Settings

log = logging.getLogger(__name__)


def apply_theme(app: QGuiApplication, theme: str) -> None:
    """"system" lets the OS decide (and follow it live); "light"/"dark" pin it. Qt ≥ 6.8 restyles at once."""
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme, Qt.ColorScheme.Unknown)
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Qt 6 scales for HiDPI by default; pass fractional factors through so 150 % screens stay sharp.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setDesktopFileName("bisq-support-redactor")
    return app


def run(quit_after: float | None = None, settings: Settings | None = None) -> int:
    """Open the window and run the event loop. `quit_after` (seconds) closes it again, for smoke tests."""
    app = make_app()
    settings = settings or Settings()
    apply_theme(app, settings.theme)
    from redactor.gui.main_window import MainWindow

    window = MainWindow(settings)
    window.show()
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), window.close)
        QTimer.singleShot(int(quit_after * 1000) + 50, app.quit)
    code = app.exec()
    from redactor.gui import workers

    workers.shutdown()
    return code
