"""Agents: open a bundle, see the verify result and the checklist at a glance, look at its screenshots and logs.

The bundle is never extracted: members are read into memory one at a time, only after the core's verify ran.
"""

from __future__ import annotations

import html
import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from redactor.errors import BadInput
from redactor.gui import workers
from redactor.gui.pages.base import Message, heading
from redactor.gui.pages.logs_page import PlaceholderHighlighter, placeholder_pattern
from redactor.gui.settings import Settings
from redactor.gui.widgets.image_editor import ImageEditor

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
TEXT_PREVIEW_BYTES = 2_000_000
MAX_IMAGE_BYTES = 100_000_000
MAX_PROBLEMS_SHOWN = 20  # the first problems say enough; the rest are counted
MAX_FILES_SHOWN = 5000  # above MAX_ENTRIES: every file of a bundle the app accepts is listed
ROLE_NAMES = {"buyer": "BTC buyer", "seller": "BTC seller"}


def checklist_lines(checklist: Any, prefix: str = "") -> list[str]:
    """The core's checklist ({item key: present}, or {role: {...}} after a merge) as display lines."""
    from redactor.bundle.checklist import items_of

    if not checklist:
        return []
    if not isinstance(checklist, dict):
        return [f"{prefix}{item}" for item in checklist]
    ITEMS = items_of(checklist)  # noqa: N806 - Bisq 1's or Bisq 2's sentences
    lines = []
    for key, value in checklist.items():
        if isinstance(value, dict):
            lines += checklist_lines(value, f"{ROLE_NAMES.get(key, key)}: ")
        elif isinstance(value, bool):
            sentence, required = ITEMS.get(key, (str(key), True))
            mark = "✔" if value else "✘" if required else "–"
            lines.append(f"{mark}  {prefix}{sentence}")
        else:
            lines.append(f"{prefix}{key}: {value}")
    return lines


def verdict_html(ok: bool, problems: list[str]) -> str:
    """The verdict line: what OK proves and what it does not, or the first problems (bounded: a hostile zip
    can hold thousands, and a label with thousands of lines stalls the window)."""
    from redactor.bundle.verify import OK_DOES_NOT_PROVE, OK_PROVES

    if ok:
        return ("<span style='color:#2e7d32; font-weight:600'>✔ The bundle is intact: "
                f"{html.escape(OK_PROVES)}.</span> <span>Note: {html.escape(OK_DOES_NOT_PROVE)}.</span>")
    # problems quote names from the zip, which an attacker chooses: never let them be markup
    shown = "".join(f"<li>{html.escape(str(p)[:300])}</li>" for p in problems[:MAX_PROBLEMS_SHOWN])
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown += f"<li>… and {len(problems) - MAX_PROBLEMS_SHOWN:,} more</li>"
    return f"<span style='color:#c62828; font-weight:600'>✘ Do not trust this bundle:</span><ul>{shown}</ul>"


def read_member(zip_path: Path, name: str) -> tuple[str, Any]:
    """("image", QImage) or ("text", str) for one member of the bundle."""
    is_image = name.lower().endswith(IMAGE_SUFFIXES)
    with zipfile.ZipFile(zip_path) as zf:
        info = zf.getinfo(name)
        with zf.open(info) as fh:
            # Read at most the cap + 1 byte whatever the header claims: a hostile bundle cannot fill memory.
            data = fh.read((MAX_IMAGE_BYTES if is_image else TEXT_PREVIEW_BYTES) + 1)
    if is_image:
        from redactor.gui.imaging import to_qimage
        from redactor.image.redact import load_image_bytes

        if len(data) > MAX_IMAGE_BYTES:
            raise BadInput(f"{name} is larger than {MAX_IMAGE_BYTES // 1_000_000} MB; not shown.")
        im = load_image_bytes(data, name)  # same pixel and decompression-bomb limits as the redactor
        return "image", (to_qimage(im), im.size)
    text = data[:TEXT_PREVIEW_BYTES].decode("utf-8", errors="replace")
    if len(data) > TEXT_PREVIEW_BYTES:
        text += "\n… (preview cut at 2 MB)"
    return "text", text


class BundleTab(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.path: Path | None = None
        self.result: Any = None
        self._names: list[str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Check a bundle a trader sent"))
        row = QHBoxLayout()
        self.open_button = QPushButton("&Open bundle…")
        self.open_button.clicked.connect(self.choose)
        self.path_label = QLabel("No bundle open.")
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.open_button)
        row.addWidget(self.path_label, 1)
        layout.addLayout(row)
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.verdict)

        split = QSplitter()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        check_label = QLabel("Chec&klist:")
        self.checklist = QListWidget()
        check_label.setBuddy(self.checklist)
        lv.addWidget(check_label)
        lv.addWidget(self.checklist, 1)
        files_label = QLabel("&Files in the bundle:")
        self.files = QListWidget()
        self.files.setUniformItemSizes(True)  # one text line each: no per-item size pass over thousands of rows
        files_label.setBuddy(self.files)
        self.files.currentItemChanged.connect(self._file_picked)
        lv.addWidget(files_label)
        lv.addWidget(self.files, 2)
        split.addWidget(left)
        self.viewer = QStackedWidget()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.highlighter = PlaceholderHighlighter(self.text.document(), placeholder_pattern())
        self.image = ImageEditor(editable=False)
        self.viewer.addWidget(self.text)
        self.viewer.addWidget(self.image)
        split.addWidget(self.viewer)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 680])
        layout.addWidget(split, 1)
        self.message = Message()
        layout.addWidget(self.message)

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open a support bundle", self.settings.last_folder("bundles"),
                                              "Support bundle (*.zip *.zip.age);;All files (*)")
        if name:
            self.settings.set_last_folder("bundles", Path(name))
            self.open(Path(name))

    def open(self, path: Path) -> workers.Job:
        self.path, self.result = path, None
        self.path_label.setText(str(path))
        self.verdict.setText("Checking…")
        self.checklist.clear()
        self._names = []
        self.files.clear()
        self.text.clear()
        self.image.clear()

        def work(ctl: workers.Control) -> Any:
            from redactor.bundle.verify import verify_bundle

            # Bounded: verify refuses a zip beyond the app's limits before reading it, and its entry list
            # holds at most MAX_ENTRIES + 1 names (never a hostile zip's whole directory).
            result = verify_bundle(path)
            return result, [n for n in result.entries if not n.endswith("/")][:MAX_FILES_SHOWN]

        self.message.info("")
        return workers.run_job(self, "checking the bundle", work, on_done=self._checked, on_failed=self._failed)

    def _failed(self, text: str) -> None:
        self.verdict.setText("")
        self.message.error(text)

    def _checked(self, outcome: Any) -> None:
        result, names = outcome
        self.result = result
        self.verdict.setText(verdict_html(result.ok, result.problems))
        for line in checklist_lines(result.checklist):
            self.checklist.addItem(line)
        # One call for the whole list (an item per name cost ~50 ms per thousand on the GUI thread); the full
        # names stay here, by row. Every entry sits in the one <trade ID>/ folder, so that part is not shown.
        self._names = list(names)
        self.files.addItems([name.split("/", 1)[-1] for name in names])

    def _file_picked(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        row = self.files.row(current) if current is not None else -1
        if self.path is None or not 0 <= row < len(self._names):
            return
        name = self._names[row]
        path = self.path
        workers.run_job(self, f"opening {name}", lambda _ctl: read_member(path, name), on_done=self._show_member,
                        on_failed=self.message.error)

    def _show_member(self, member: tuple[str, Any]) -> None:
        kind, content = member
        if kind == "image":
            preview, size = content
            self.image.set_image(preview, size, [])
            self.viewer.setCurrentWidget(self.image)
        else:
            self.text.setPlainText(content)
            self.viewer.setCurrentWidget(self.text)
