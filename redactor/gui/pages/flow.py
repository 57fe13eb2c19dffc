"""The trader's guided flow: a list of steps, the current page, Back and Next."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from redactor.gui.pages.base import Message, Page
from redactor.gui.pages.bisq_page import BisqPage
from redactor.gui.pages.export_page import ExportPage
from redactor.gui.pages.logs_page import LogsPage
from redactor.gui.pages.screenshots_page import ScreenshotsPage
from redactor.gui.pages.trade_page import TradePage
from redactor.gui.settings import Settings
from redactor.gui.state import FlowState


class TraderFlow(QWidget):
    stepChanged = Signal(int)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = FlowState()
        self.bisq = BisqPage(self.state, settings)
        self.trade = TradePage(self.state, settings)
        self.screenshots = ScreenshotsPage(self.state, settings)
        self.logs = LogsPage(self.state, settings)
        self.export = ExportPage(self.state, settings)
        self.pages: list[Page] = [self.bisq, self.trade, self.screenshots, self.logs, self.export]
        self._reached = 0

        outer = QHBoxLayout(self)
        self.steps = QListWidget()
        self.steps.setAccessibleName("Steps")
        self.steps.setMaximumWidth(170)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Back/Next and Ctrl+PgUp/PgDn move between steps
        for i, page in enumerate(self.pages, 1):
            self.steps.addItem(f"{i}. {page.title}")
        self.steps.currentRowChanged.connect(self._step_clicked)
        outer.addWidget(self.steps)
        right = QVBoxLayout()
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
            page.changed.connect(self._update_buttons)
        right.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        self.hint = Message()
        self.back_button = QPushButton("< &Back")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("&Next >")
        self.next_button.clicked.connect(self.next)
        bottom.addWidget(self.hint, 4)
        bottom.addStretch(1)
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.next_button)
        right.addLayout(bottom)
        outer.addLayout(right, 1)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, self.next)
        QShortcut(QKeySequence("Ctrl+PgUp"), self, self.back)
        self._go(0)

    def index(self) -> int:
        return self.stack.currentIndex()

    def current(self) -> Page:
        return self.pages[self.index()]

    def next(self) -> None:
        page = self.current()
        problem = page.problem()
        if problem:
            self.hint.error(problem)
            return
        if self.index() < len(self.pages) - 1:
            page.leave()
            self._go(self.index() + 1)

    def back(self) -> None:
        if self.index() > 0:
            self.current().leave()
            self._go(self.index() - 1)

    def go_to(self, index: int) -> None:
        """Jump to a step already reached (clicking a step in the list)."""
        if index <= self._reached and index != self.index():
            self.current().leave()
            self._go(index)

    def _step_clicked(self, row: int) -> None:
        if row != self.index():
            self.go_to(row)
            self.steps.setCurrentRow(self.index())

    def _go(self, index: int) -> None:
        self._reached = max(self._reached, index)
        self.stack.setCurrentIndex(index)
        self.steps.blockSignals(True)
        self.steps.setCurrentRow(index)
        self.steps.blockSignals(False)
        for i in range(self.steps.count()):
            item = self.steps.item(i)
            flags = item.flags()
            enabled = i <= self._reached
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if enabled else flags & ~Qt.ItemFlag.ItemIsEnabled)
        self.current().enter()
        self.hint.info("")
        self._update_buttons()
        self.stepChanged.emit(index)

    def _update_buttons(self) -> None:
        self.back_button.setEnabled(self.index() > 0)
        last = self.index() == len(self.pages) - 1
        self.next_button.setVisible(not last)
        if self.hint.isVisible() and not self.current().problem():
            self.hint.info("")

    def busy(self) -> bool:
        return any(page.busy() for page in self.pages)
