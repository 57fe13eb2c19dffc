"""The main window: the trader flow and the agent view, switched from the View menu."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStackedWidget, QWidget

from redactor.gui import workers
from redactor.gui.pages.flow import TraderFlow
from redactor.gui.settings import THEMES, Settings

if TYPE_CHECKING:
    from redactor.gui.agent.agent_view import AgentView

TITLE = "Bisq Support Redactor"


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle(TITLE)
        self.flow = TraderFlow(self.settings)
        self._agent: AgentView | None = None
        self.views = QStackedWidget()
        self.views.addWidget(self.flow)
        self.setCentralWidget(self.views)
        self._menus()
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 760)

    @property
    def agent(self) -> AgentView:
        """The agent view is built on first use: traders never pay for it at start-up."""
        if self._agent is None:
            from redactor.gui.agent.agent_view import AgentView

            self._agent = AgentView(self.settings)
            self.views.addWidget(self._agent)
        return self._agent

    def _menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        open_bundle = file_menu.addAction("&Open a bundle (agents)…")
        open_bundle.setShortcut(QKeySequence.StandardKey.Open)
        open_bundle.triggered.connect(self.open_bundle)
        open_request = file_menu.addAction("Open an agent's &request…")
        open_request.triggered.connect(lambda: self.open_request())
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        view = bar.addMenu("&View")
        group = QActionGroup(self)
        self.trader_action = QAction("&Trader: prepare a bundle", self, checkable=True, checked=True)
        self.trader_action.setShortcut(QKeySequence("Ctrl+1"))
        self.trader_action.triggered.connect(self.show_trader)
        self.agent_action = QAction("&Agent: check, merge and retire bundles", self, checkable=True)
        self.agent_action.setShortcut(QKeySequence("Ctrl+2"))
        self.agent_action.triggered.connect(self.show_agent)
        for action in (self.trader_action, self.agent_action):
            group.addAction(action)
            view.addAction(action)
        view.addSeparator()
        theme_menu = view.addMenu("T&heme")
        themes = QActionGroup(self)
        for name in THEMES:
            action = QAction({"system": "Follow the &system", "light": "&Light", "dark": "&Dark"}[name], self,
                             checkable=True, checked=self.settings.theme == name)
            action.triggered.connect(lambda _c=False, n=name: self.set_theme(n))
            themes.addAction(action)
            theme_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        about = help_menu.addAction("&About")
        about.setShortcut(QKeySequence.StandardKey.HelpContents)
        about.triggered.connect(self.about)
        # Also on the window itself, so the shortcuts work even where the menu bar is native or hidden.
        self.addActions([open_bundle, quit_action, self.trader_action, self.agent_action, about])

    def open_bundle(self) -> None:
        self.show_agent()
        self.agent.bundle_tab.choose()

    def open_request(self, path: Path | None = None) -> bool:
        """Traders: an agent's request fills in the trade ID and the key to encrypt to (hand-off)."""
        from PySide6.QtWidgets import QFileDialog

        from redactor.gui.pages.handoff_box import open_request_in_flow

        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Open the agent's request", self.settings.last_folder(
                "requests"), "Support request (*.bisq-request);;All files (*)")
            if not name:
                return False
            path = Path(name)
        self.show_trader()
        ok, text = open_request_in_flow(self.flow, path)
        box = QMessageBox(QMessageBox.Icon.Information if ok else QMessageBox.Icon.Warning, "Agent's request",
                          text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self._request_box = box
        return ok

    def show_trader(self) -> None:
        self.trader_action.setChecked(True)
        self.views.setCurrentWidget(self.flow)

    def show_agent(self) -> None:
        self.agent_action.setChecked(True)
        self.views.setCurrentWidget(self.agent)

    def set_theme(self, name: str) -> None:
        from redactor.gui.app import apply_theme

        self.settings.theme = name
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)

    def about_text(self) -> str:
        from redactor.versions import version_text

        return version_text()

    def about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(f"About {TITLE}")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.about_text() + "\n\nPrepares what Bisq support asks for without leaking your payment "
                    "account data. Runs only on this computer; it never uses the network.\nLicence: AGPL-3.0-or-later.")
        box.open()
        self._about_box = box

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        workers.cancel_all()
        self.settings.set_geometry(self.saveGeometry())
        self.settings.sync()
        self.flow.state.cleanup()
        super().closeEvent(event)
