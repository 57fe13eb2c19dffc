"""The agent view: one tab to open and check a bundle, one to merge, close and purge cases."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from redactor.gui.agent.bundle_tab import BundleTab
from redactor.gui.agent.cases_tab import CasesTab
from redactor.gui.settings import Settings


class AgentView(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.bundle_tab = BundleTab(settings)
        self.cases_tab = CasesTab(settings)
        self.tabs.addTab(self.bundle_tab, "&Open a bundle")
        self.tabs.addTab(self.cases_tab, "&Merge, close, purge")
        from redactor.gui.agent import keys_tab  # hand-off: agent key, requests, .zip.age bundles

        self.keys_tab = keys_tab.KeysTab(settings)
        self.tabs.addTab(self.keys_tab, "Ke&y and requests")
        keys_tab.install(self.bundle_tab, self.keys_tab)
        layout.addWidget(self.tabs)
