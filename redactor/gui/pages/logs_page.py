"""Step 4: what the sanitizer removes from the logs, per category and file, and a preview with the placeholders
highlighted. The preview pass writes into the app's private temp folder; the export runs the core again."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from redactor.gui import workers
from redactor.gui.pages.base import Message, Page, heading
from redactor.gui.settings import Settings
from redactor.gui.state import FlowState

PREVIEW_LINES = 2000
# Placeholders as the sanitizer writes them: `<email-1>`, `<iban-2>`, `<user>`.
FALLBACK_PLACEHOLDER = re.compile(r"<[a-z]{2,10}(?:-\d+)?>")


def placeholder_pattern() -> re.Pattern[str]:
    """Only the sanitizer's own kinds, so `<init>` or HTML in a log line is not mistaken for a placeholder."""
    try:
        from redactor.text.placeholders import KINDS
    except ImportError:
        return FALLBACK_PLACEHOLDER
    return re.compile(r"<(?:" + "|".join(map(re.escape, KINDS)) + r")(?:-\d+)?>")


class PlaceholderHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, pattern: re.Pattern[str]) -> None:
        super().__init__(document)
        self.pattern = pattern
        self.mark = QTextCharFormat()
        self.mark.setBackground(QColor(255, 213, 79))
        self.mark.setForeground(QColor(0, 0, 0))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        for m in self.pattern.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.mark)


def _progress_text(args: tuple[Any, ...]) -> tuple[str, float | None]:
    """The sanitizer reports (name, fraction) or (done, total); show either as one line."""
    if len(args) >= 2 and isinstance(args[1], float) and 0.0 <= args[1] <= 1.0:
        return f"Cleaning {args[0]}…", args[1]
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], int) and args[1] > 0:
        return "Cleaning the logs…", args[0] / args[1]
    return "Cleaning the logs…", None


class LogsPage(Page):
    title = "Logs"

    def __init__(self, state: FlowState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(state, settings, parent)
        self._job: workers.Job | None = None
        self._done_for: tuple[Any, ...] | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading("What is removed from your logs"))
        intro = QLabel("Personal data in Bisq's logs is replaced by placeholders such as <b>&lt;email-1&gt;</b>. "
                       "Trade IDs, transaction IDs and onion addresses stay readable: support needs them.")
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        names_row = QHBoxLayout()
        names_label = QLabel("Also remove these &words (names, bank, city; separated by commas):")
        self.names = QLineEdit()
        names_label.setBuddy(self.names)
        self.recheck = QPushButton("C&heck again")
        self.recheck.clicked.connect(self.run)
        names_row.addWidget(names_label)
        names_row.addWidget(self.names, 1)
        names_row.addWidget(self.recheck)
        layout.addLayout(names_row)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout.addLayout(progress_row)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget()
        self.table.setAccessibleName("Removed items per category and file")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        split.addWidget(self.table)
        preview = QWidget()
        pv = QVBoxLayout(preview)
        pv.setContentsMargins(0, 0, 0, 0)
        file_row = QHBoxLayout()
        file_label = QLabel("&Preview of:")
        self.file = QComboBox()
        file_label.setBuddy(self.file)
        self.file.currentIndexChanged.connect(self._load_preview)
        file_row.addWidget(file_label)
        file_row.addWidget(self.file, 1)
        pv.addLayout(file_row)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setAccessibleName("Sanitized log preview")
        self.highlighter: PlaceholderHighlighter | None = None
        pv.addWidget(self.preview, 1)
        split.addWidget(preview)
        layout.addWidget(split, 1)
        self.message = Message()
        layout.addWidget(self.message)
        self._set_running(False)

    def user_names(self) -> tuple[str, ...]:
        return tuple(n.strip() for n in self.names.text().split(",") if n.strip())

    def enter(self) -> None:
        key = (self.state.data_dir, self.user_names())
        if self._done_for != key and self._job is None:
            self.run()

    def run(self) -> None:
        if self._job is not None or self.state.data_dir is None:
            return
        inputs = self.state.log_paths
        names = self.user_names()
        out_dir = self.state.work_dir() / "logs-preview"
        self._done_for = (self.state.data_dir, names)

        def work(ctl: workers.Control) -> Any:
            import shutil

            from redactor.text.sanitizer import sanitize_logs

            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.mkdir(parents=True)

            def report(*args: Any) -> None:
                ctl.progress(*_progress_text(args))

            return sanitize_logs(inputs, out_dir, user_names=names, progress=report, cancel=ctl.cancelled)

        self._job = workers.run_job(self, "cleaning the logs", work, on_done=lambda r: self._done(r, out_dir),
                                    on_failed=self._failed, on_progress=self._progress,
                                    on_finished=lambda: self._set_running(False))
        self._set_running(True)
        self.message.info("Cleaning the logs…")

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._done_for = None
            self.message.info("Cancelled. Press “Check again” to clean the logs.")

    def _set_running(self, running: bool) -> None:
        if not running:
            self._job = None
            self.changed.emit()
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.recheck.setEnabled(not running)
        if running:
            self.progress.setRange(0, 0)

    def _progress(self, text: str, fraction: float) -> None:
        if fraction >= 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        self.message.info(text)

    def _failed(self, text: str) -> None:
        self._done_for = None
        self.message.error(text)

    def _done(self, report: Any, out_dir: Path) -> None:
        self.state.sanitize_report = report
        self.state.preview_dir = out_dir
        self.state.extra_user_names = self.user_names()
        files = list(report.files)
        categories = sorted({c for f in files for c in f.counts})
        self.table.clear()
        self.table.setRowCount(len(categories))
        self.table.setColumnCount(len(files) + 1)
        self.table.setHorizontalHeaderLabels([f.name for f in files] + ["Total"])
        self.table.setVerticalHeaderLabels(categories)
        for row, cat in enumerate(categories):
            for col, f in enumerate(files):
                self.table.setItem(row, col, _number(f.counts.get(cat, 0)))
            self.table.setItem(row, len(files), _number(sum(f.counts.get(cat, 0) for f in files)))
        self.table.resizeColumnsToContents()
        self.file.blockSignals(True)
        self.file.clear()
        for f in files:
            if not f.error:
                self.file.addItem(f.name, str(out_dir / f.name))
        self.file.blockSignals(False)
        total = sum(sum(f.counts.values()) for f in files)
        errors = [f"{f.name}: {f.error}" for f in files if f.error]
        if errors:
            self.message.error("Some logs could not be cleaned and will be left out: " + "; ".join(errors))
        else:
            self.message.info(f"{total} personal items replaced in {len(files)} log files. Scroll the preview "
                              "to check; add words above if something personal is still visible.")
        self._load_preview()

    def _load_preview(self, _index: int = 0) -> None:
        path = self.file.currentData()
        if not path:
            self.preview.clear()
            return

        def work(ctl: workers.Control) -> str:
            lines = []
            with open(path, encoding="utf-8", errors="replace") as fh:
                for i, line in enumerate(fh):
                    if i >= PREVIEW_LINES:
                        lines.append(f"… (the preview shows the first {PREVIEW_LINES} lines)\n")
                        break
                    lines.append(line)
            return "".join(lines)

        workers.run_job(self, "opening the cleaned log", work, on_done=self._show_preview, on_failed=self.message.error)

    def _show_preview(self, text: str) -> None:
        if self.highlighter is None:
            self.highlighter = PlaceholderHighlighter(self.preview.document(), placeholder_pattern())
        self.preview.setPlainText(text)

    def busy(self) -> bool:
        return self._job is not None

    def problem(self) -> str | None:
        if self._job is not None:
            return "Wait until the logs are cleaned."
        return None

    def leave(self) -> None:
        self.state.extra_user_names = self.user_names()


def _number(n: int) -> QTableWidgetItem:
    item = QTableWidgetItem(f"{n:,}")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
