"""A path field with a Browse button, remembering the last folder per purpose."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from redactor.gui.settings import Settings


class PathField(QWidget):
    """mode: "open" (existing file), "save" (new file), "dir" (existing folder)."""

    pathChanged = Signal(str)

    def __init__(self, settings: Settings, purpose: str, mode: str, caption: str, name_filter: str = "",
                 browse_text: str = "Browse…", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings, self.purpose, self.mode = settings, purpose, mode
        self.caption, self.filter = caption, name_filter
        self.row = layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.textChanged.connect(self.pathChanged.emit)
        self.button = QPushButton(browse_text)
        self.button.clicked.connect(self.browse)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_path(self, path: Path | str) -> None:
        self.edit.setText(str(path))

    def browse(self) -> None:
        start = self.edit.text() or self.settings.last_folder(self.purpose)
        if self.mode == "dir":
            name = QFileDialog.getExistingDirectory(self, self.caption, start)
        elif self.mode == "save":
            name, _ = QFileDialog.getSaveFileName(self, self.caption, start, self.filter)
        else:
            name, _ = QFileDialog.getOpenFileName(self, self.caption, start, self.filter)
        if name:
            self.settings.set_last_folder(self.purpose, Path(name))
            self.set_path(name)
