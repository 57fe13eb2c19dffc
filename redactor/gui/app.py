"""QApplication set-up: names, HiDPI, a theme that follows the OS, and the main window.

Start-up stays light: only Qt and the window are imported here; pages import the core (OCR, numpy, the
sanitizer) when a job first needs it, so the window appears quickly.
"""

from __future__ import annotations

import locale
import logging
import sys

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from redactor import __version__
from redactor.gui.settings import APP, ORG, Settings

log = logging.getLogger(__name__)


_system_look: tuple[str, QPalette] | None = None  # the OS style and palette, to go back to "system"


def _palette(dark: bool) -> QPalette:
    """Fusion's palette, or a dark one, for platforms whose theme cannot switch by itself."""
    palette = QStyleFactory.create("Fusion").standardPalette()
    if not dark:
        return palette
    roles = QPalette.ColorRole
    for role, color in ((roles.Window, "#2b2b2b"), (roles.WindowText, "#e6e6e6"), (roles.Base, "#1e1e1e"),
                        (roles.AlternateBase, "#2f2f2f"), (roles.Text, "#e6e6e6"), (roles.Button, "#353535"),
                        (roles.ButtonText, "#e6e6e6"), (roles.ToolTipBase, "#353535"), (roles.ToolTipText, "#e6e6e6"),
                        (roles.Highlight, "#2d7fd3"), (roles.HighlightedText, "#ffffff"), (roles.Link, "#6fb1ff"),
                        (roles.PlaceholderText, "#9a9a9a")):
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.WindowText, QColor("#7a7a7a"))
    return palette


def apply_theme(app: QApplication, theme: str) -> None:
    """"system" follows the OS (live, where Qt supports it); "light"/"dark" pin it. Where the platform theme
    cannot switch (some Linux desktops), the Fusion style with a matching palette does it instead."""
    global _system_look
    if _system_look is None:
        _system_look = (app.style().name(), app.palette())
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme, Qt.ColorScheme.Unknown)
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)
    if scheme == Qt.ColorScheme.Unknown:
        app.setStyle(_system_look[0])
        app.setPalette(_system_look[1])
    elif hints.colorScheme() != scheme:
        app.setStyle("Fusion")
        app.setPalette(_palette(scheme == Qt.ColorScheme.Dark))


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
    # Qt has just set the user's locale for every category (Linux, macOS); C libraries in this process
    # (Tesseract) must keep reading and writing numbers with a decimal point, as Qt's documentation prescribes.
    locale.setlocale(locale.LC_NUMERIC, "C")
    app.setDesktopFileName("bisq-support-redactor")
    return app


def check_display() -> None:
    """Qt aborts the whole process when there is no screen; say it in a sentence instead."""
    import os

    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        from redactor.errors import RedactorError

        raise RedactorError("No screen to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
                            "Start the app from your desktop, or use the bisq-redactor commands instead.")


def run(quit_after: float | None = None, settings: Settings | None = None) -> int:
    """Open the window and run the event loop. `quit_after` (seconds) closes it again, for smoke tests."""
    check_display()
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
