"""Step 1: which Bisq data directory to take the logs from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from redactor.gui import workers
from redactor.gui.pages.base import Message, Page, heading, human_size
from redactor.gui.settings import Settings
from redactor.gui.state import FlowState


def describe_dir(d: Any) -> str:
    n = len(d.log_files)
    how = {"default": "standard place", "renamed app": "renamed Bisq", "given": "chosen by you"}.get(d.how_found,
                                                                                                   d.how_found)
    return (f"Bisq {d.bisq_version} — {d.path}  ({how})\n"
            f"{n} log file{'s' if n != 1 else ''}, {human_size(d.total_log_bytes)}")


class BisqPage(Page):
    title = "Bisq"

    def __init__(self, state: FlowState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(state, settings, parent)
        self._searched = False
        self._job: workers.Job | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Where does Bisq keep its data?"))
        intro = QLabel("The app reads only Bisq's log files from this folder. It never changes anything in it "
                       "and never opens your wallet or keys.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        label = QLabel("&Bisq data folders found:")
        self.list = QListWidget()
        self.list.setAccessibleName("Bisq data folders")
        label.setBuddy(self.list)
        self.list.setMaximumHeight(self.fontMetrics().height() * 9)
        layout.addWidget(label)
        layout.addWidget(self.list)
        logs_label = QLabel("&Log files that will be cleaned and included:")
        self.logs = QTreeWidget()
        self.logs.setHeaderLabels(["File", "Size", "First entry", "Last entry"])
        self.logs.setRootIsDecorated(False)
        self.logs.setAccessibleName("Log files")
        logs_label.setBuddy(self.logs)
        layout.addWidget(logs_label)
        layout.addWidget(self.logs, 1)
        row = QHBoxLayout()
        self.choose_button = QPushButton("&Choose another folder…")
        self.choose_button.clicked.connect(self._choose)
        self.rescan_button = QPushButton("Search &again")
        self.rescan_button.clicked.connect(self.search)
        row.addWidget(self.choose_button)
        row.addWidget(self.rescan_button)
        row.addStretch(1)
        layout.addLayout(row)
        hint = QLabel("In Bisq, <i>Account → Backup</i> shows where the data folder is.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.message = Message()
        layout.addWidget(self.message)
        self.list.currentItemChanged.connect(self._picked)

    def enter(self) -> None:
        if not self._searched:
            self.search()

    def search(self, extra: list[Path] | None = None) -> None:
        """Look for Bisq data folders (the default places plus `extra`) in a worker."""
        from_dirs = list(extra or [])
        self._searched = True
        if self._job is not None:
            self._job.cancel()  # a newer search wins
        self.message.info("Looking for Bisq…")
        self.choose_button.setEnabled(False)

        def work(ctl: workers.Control) -> Any:
            from redactor.bisq.datadir import locate

            return locate(from_dirs)

        job = workers.Job("looking for Bisq", work)
        job.on(self, done=lambda r: self._found(r, from_dirs) if job is self._job else None,
               failed=lambda text: self._failed(text) if job is self._job else None)
        self._job = workers.start(job)

    def choose_folder(self, folder: Path) -> None:
        self.settings.set_last_folder("bisq", folder)
        self.search([folder])

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the Bisq data folder",
                                                  self.settings.last_folder("bisq"))
        if folder:
            self.choose_folder(Path(folder))

    def _found(self, result: Any, given: list[Path]) -> None:
        self._job = None
        self.choose_button.setEnabled(True)
        previous = self.state.data_dir.path if self.state.data_dir is not None else None
        self.list.clear()
        for d in result.found:
            item = QListWidgetItem(describe_dir(d))
            item.setData(Qt.ItemDataRole.UserRole, d)
            self.list.addItem(item)
        if not result.found:
            self.state.data_dir = None
            if given:
                self.message.error(f"{given[0]} does not look like a Bisq data folder: it has no Bisq log files. "
                                   "Choose the folder that holds bisq.log.")
            else:
                where = ", ".join(str(p) for p in result.searched)
                self.message.error(f"No Bisq data folder was found in the usual places ({where}). Press "
                                   "“Choose another folder…” and pick it (in Bisq, Account → Backup shows it).")
            self.changed.emit()
            return
        chosen = next((d for d in result.found if d.how_found == "given"), None)
        chosen = chosen or next((d for d in result.found if d.path == previous), None) or result.best()
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) is chosen:
                self.list.setCurrentRow(i)
        n = len(result.found)
        self.message.info(f"Found {n} Bisq data folder{'s' if n != 1 else ''}." if n else "")

    def _failed(self, message: str) -> None:
        self._job = None
        self.choose_button.setEnabled(True)
        self.message.error(message)

    def _picked(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        d = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        if d is not None and (self.state.data_dir is None or self.state.data_dir.path != d.path):
            self.state.trades = []  # other logs, other trades
        self.state.data_dir = d
        self.logs.clear()
        if d is not None:
            for f in d.log_files:
                self.logs.addTopLevelItem(QTreeWidgetItem([str(f.path.relative_to(d.path)), human_size(f.size),
                                                           f.first_timestamp or "?", f.last_timestamp or "?"]))
        for col in range(4):
            self.logs.resizeColumnToContents(col)
        self.changed.emit()

    def busy(self) -> bool:
        return self._job is not None

    def problem(self) -> str | None:
        if self._job is not None:
            return "Still looking for Bisq…"
        if self.state.data_dir is None:
            return "Choose the Bisq data folder first."
        if not self.state.data_dir.log_files:
            return "This folder has no Bisq log files. Choose the folder that holds bisq.log."
        return None
