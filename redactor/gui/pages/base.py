"""What every step of the trader flow has in common."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from redactor.gui.settings import Settings
from redactor.gui.state import FlowState


class Page(QWidget):
    """A step. `enter` runs when it is shown, `problem` says (as a sentence) why the user cannot go on yet,
    `leave` stores the answers into the shared state."""

    title = ""
    changed = Signal()  # whether the user may go on may have changed

    def __init__(self, state: FlowState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = settings

    def enter(self) -> None:
        pass

    def problem(self) -> str | None:
        return None

    def leave(self) -> None:
        pass

    def busy(self) -> bool:
        return False


class Message(QLabel):
    """A one-line status or error sentence under a page's controls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names; never interpret them
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def info(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)
        self.setVisible(bool(text))

    def error(self, text: str) -> None:
        self.setStyleSheet("color: #c62828; font-weight: 600;")
        self.setText(text)
        self.setVisible(bool(text))
        self.setAccessibleDescription(text)


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(f"<h2>{text}</h2>", parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} bytes"
