"""Agents: merge a buyer and a seller bundle, close a case, purge cases closed more than N days ago."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from redactor.bundle.retention import PurgeResult
from redactor.gui import workers
from redactor.gui.pages.base import Message
from redactor.gui.settings import Settings
from redactor.gui.widgets.pickers import PathField

ZIP_FILTER = "Support bundle (*.zip);;All files (*)"
MAX_ROWS = 500  # rows in the purge list; the rest are counted


class CasesTab(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.confirm = self._ask  # replaced in tests
        layout = QVBoxLayout(self)

        merge = QGroupBox("Merge the buyer's and the seller's bundle into one case")
        form = QFormLayout(merge)
        self.buyer = PathField(settings, "bundles", "open", "The BTC buyer's bundle", ZIP_FILTER)
        self.seller = PathField(settings, "bundles", "open", "The BTC seller's bundle", ZIP_FILTER)
        self.merged = PathField(settings, "cases", "save", "Save the merged case as", ZIP_FILTER)
        form.addRow("B&uyer's bundle:", self.buyer)
        form.addRow("S&eller's bundle:", self.seller)
        form.addRow("Save merged case &as:", self.merged)
        self.merge_button = QPushButton("Mer&ge")
        self.merge_button.clicked.connect(self.merge)
        form.addRow("", self.merge_button)
        layout.addWidget(merge)

        close = QGroupBox("Close a case (it is deleted by the purge 30 days later)")
        cform = QFormLayout(close)
        self.case = PathField(settings, "cases", "open", "The case to close", ZIP_FILTER, browse_text="Bundle…")
        folder = QPushButton("Fol&der…")
        folder.setToolTip("Close a case kept as a folder")
        folder.clicked.connect(self._choose_case_folder)
        self.case.row.addWidget(folder)
        cform.addRow("&Case:", self.case)
        self.close_button = QPushButton("C&lose case")
        self.close_button.clicked.connect(self.close_case)
        cform.addRow("", self.close_button)
        layout.addWidget(close)

        purge = QGroupBox("Purge closed cases")
        pform = QFormLayout(purge)
        self.root = PathField(settings, "cases", "dir", "The folder that holds your cases")
        self.days = QSpinBox()
        self.days.setRange(0, 3650)
        self.days.setValue(30)
        self.days.setSuffix(" days")
        pform.addRow("Cases &folder:", self.root)
        pform.addRow("Closed more &than:", self.days)
        row = QHBoxLayout()
        self.list_button = QPushButton("&List cases to delete")
        self.list_button.clicked.connect(lambda: self.purge(dry_run=True))
        self.purge_button = QPushButton("&Delete them")
        self.purge_button.clicked.connect(lambda: self.purge(dry_run=False))
        row.addWidget(self.list_button)
        row.addWidget(self.purge_button)
        row.addStretch(1)
        pform.addRow("", row)
        self.purge_list = QListWidget()
        self.purge_list.setAccessibleName("Cases past their retention period")
        pform.addRow(self.purge_list)
        layout.addWidget(purge, 1)
        self.message = Message()
        layout.addWidget(self.message)

    def _choose_case_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "The case folder to close", self.settings.last_folder("cases"))
        if name:
            self.settings.set_last_folder("cases", Path(name))
            self.case.set_path(name)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Delete cases", text)
        return answer == QMessageBox.StandardButton.Yes

    def _need(self, field: PathField, what: str) -> Path | None:
        path = field.path()
        if path is None:
            self.message.error(f"Choose {what} first.")
            field.setFocus()
        return path

    def merge(self) -> workers.Job | None:
        buyer = self._need(self.buyer, "the buyer's bundle")
        seller = buyer and self._need(self.seller, "the seller's bundle")
        out = seller and self._need(self.merged, "where to save the merged case")
        if not (buyer and seller and out):
            return None

        def work(ctl: workers.Control) -> Any:
            from redactor.bundle.merge import merge_bundles

            return merge_bundles(buyer, seller, out)

        self.message.info("Merging…")
        return workers.run_job(self, "merging the bundles", work, on_failed=self.message.error,
                               on_done=lambda p: self.message.info(f"Merged into {p}."))

    def close_case(self) -> workers.Job | None:
        case = self._need(self.case, "the case to close")
        if case is None:
            return None

        def work(ctl: workers.Control) -> Any:
            from redactor.bundle.retention import close_case

            return close_case(case)

        return workers.run_job(self, "closing the case", work, on_failed=self.message.error,
                               on_done=lambda _r: self.message.info(
                                   f"Closed {case.name}. The purge deletes it after {self.days.value()} days."))

    def purge(self, dry_run: bool) -> workers.Job | None:
        root = self._need(self.root, "the folder that holds your cases")
        if root is None:
            return None
        days = self.days.value()
        if not dry_run and not self.confirm(f"Delete every case in {root} closed more than {days} days ago? "
                                            "This cannot be undone."):
            return None

        def work(ctl: workers.Control) -> Any:
            from redactor.bundle.retention import purge_cases

            return purge_cases(root, after_days=days, dry_run=dry_run)

        return workers.run_job(self, "purging old cases", work, on_failed=self.message.error,
                               on_done=lambda result: self._purged(result, dry_run))

    def _purged(self, result: PurgeResult, dry_run: bool) -> None:
        """Exactly what was deleted (or would be) and what was left and why; bounded, a folder can hold many."""
        self.purge_list.clear()
        rows = [str(p) for p in result.deleted] + [f"Left: {p} ({why})" for p, why in result.left]
        rows += [f"Not yet due: {p} (purged from {due:%Y-%m-%d})" for p, due in result.waiting]
        for row in rows[:MAX_ROWS]:
            self.purge_list.addItem(row)
        if len(rows) > MAX_ROWS:
            self.purge_list.addItem(f"… and {len(rows) - MAX_ROWS:,} more")
        n, k = len(result.deleted), len(result.left)
        left = f" Left {k} item{'s' if k != 1 else ''} (see the list)." if k else ""
        if dry_run:
            self.message.info((f"{n} case{'s' if n != 1 else ''} would be deleted." if n
                               else "No case is past its retention period.") + left)
        else:
            self.message.info(f"Deleted {n} case{'s' if n != 1 else ''}.{left}")
