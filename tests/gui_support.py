"""Helpers shared by the GUI tests (imported by tests/test_gui_*.py; not a test module itself)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGraphicsView

from redactor.gui.settings import Settings

REPO = Path(__file__).resolve().parent.parent
FONTS = REPO / "resources" / "fonts"


def temp_settings(tmp_path: Path) -> Settings:
    """Settings in a temp INI file; the default user scope is redirected too, so nothing touches ~/.config."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def drag(view: QGraphicsView, start: QPoint, end: QPoint) -> None:
    """Press, move in steps, release: what a user does to draw a box."""
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 5):
        QTest.mouseMove(vp, start + (end - start) * (i / 4))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def click(view: QGraphicsView, pos: QPoint) -> None:
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def scene_to_view(view: QGraphicsView, x: float, y: float) -> QPoint:
    return view.mapFromScene(x, y)


def render_trade_details(path: Path, scale: float = 1.0) -> dict[str, str]:
    """A Bisq-like 'Trade details' window with one payment-details row; returns the values drawn.

    Only used when resources/demo/screenshots/ has no screenshot; IBM Plex from resources/fonts.
    """
    from PIL import Image, ImageDraw, ImageFont

    values = {
        "trade_id": "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104",
        "payment": "SEPA - Alice Müller - DE89370400440532013000 - COBADEFFXXX",
    }
    rows = [
        ("Trade ID", values["trade_id"]),
        ("Trade date", "Nov 18, 2026 09:02:11"),
        ("Trade amount", "0.01 BTC"),
        ("Payment method", "SEPA"),
        ("BTC buyer payment details", values["payment"]),
        ("Deposit transaction ID", "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63"),
    ]
    w, h = int(1280 * scale), int(720 * scale)  # scale 4: a 5K (5120 × 2880) screen
    im = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(FONTS / "IBMPlexSans-Regular.ttf"), int(17 * scale))
    bold = ImageFont.truetype(str(FONTS / "IBMPlexSans-Bold.ttf"), int(22 * scale))
    draw.text((int(30 * scale), int(24 * scale)), "Trade details", font=bold, fill=(0, 0, 0))
    for i, (label, value) in enumerate(rows):
        y = int((80 + i * 50) * scale)
        draw.text((int(30 * scale), y), label, font=font, fill=(60, 60, 60))
        draw.text((int(300 * scale), y), value, font=font, fill=(0, 0, 0))
    im.save(path)
    return values
