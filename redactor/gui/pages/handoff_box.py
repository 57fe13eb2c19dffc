"""Export step: the agent's request (pasted, dropped or opened) or bare key, so the bundle is encrypted to them.

A request pre-fills only what it may: the trade ID (when none is chosen yet; a different one is refused, never
replaced), the items the agent asked for, and the key to encrypt to. Everything else stays the trader's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from redactor.errors import RedactorError
from redactor.gui.pages.base import Message
from redactor.gui.state import FlowState

HINT = ("Paste the agent's request (bisq-support-request:…) or public key (age1…) here, drop the request file, "
        "or open it. Then only that agent can open the bundle.")


class HandoffBox(QGroupBox):
    def __init__(self, state: FlowState, parent: QWidget | None = None) -> None:
        super().__init__("Encrypt to the agent who asked (recommended)", parent)
        self.state = state
        self.request: Any = None  # redactor.handoff.request.Request
        self.key = ""
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        label = QLabel("Agent's &request or key:")
        self.text = QLineEdit()
        self.text.setPlaceholderText("bisq-support-request:…  or  age1…")
        self.text.setToolTip(HINT)
        label.setBuddy(self.text)
        self.text.textChanged.connect(self.apply_text)
        self.open_button = QPushButton("Open re&quest file…")
        self.open_button.clicked.connect(self._browse)
        row.addWidget(label)
        row.addWidget(self.text, 1)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.summary = QLabel(HINT)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.message = Message()
        layout.addWidget(self.message)

    # --- input --------------------------------------------------------------------------------------------

    def _browse(self) -> None:
        from redactor.handoff.request import SUFFIX

        name, _ = QFileDialog.getOpenFileName(self, "Open the agent's request", str(Path.home()),
                                              f"Support request (*{SUFFIX});;All files (*)")
        if name:
            self.open_file(Path(name))

    def open_file(self, path: Path) -> None:
        from redactor.handoff.request import load_request

        try:
            self._use(load_request(path))
        except RedactorError as exc:
            self._clear()
            self.message.error(str(exc))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_file(Path(urls[0]))
        elif event.mimeData().hasText():
            self.text.setText(event.mimeData().text())
        event.acceptProposedAction()

    def apply_text(self, text: str) -> None:
        from redactor.handoff.age_stream import parse_recipients
        from redactor.handoff.request import PREFIX, parse_request

        text = text.strip()
        self.message.info("")
        if not text:
            self._clear()
            return
        try:
            if PREFIX in text:
                self._use(parse_request(text))
                return
            parse_recipients([text])
        except RedactorError as exc:
            self._clear()
            self.message.error(str(exc))
            return
        self._clear()
        self.key = text
        self.summary.setText(f"The bundle will be encrypted to {text[:16]}…{text[-6:]} and saved as a .zip.age "
                             "file: only the holder of that key can open it.")

    def _use(self, req: Any) -> None:
        from redactor.bundle.checklist import ITEMS

        if self.state.trade_id and self.state.trade_id.strip() != req.trade_id:
            self._clear()
            self.message.error(f"This request is for trade {req.trade_id}, but you chose {self.state.trade_id}. "
                               "Check which trade the agent asked about.")
            return
        if not self.state.trade_id:
            self.state.trade_id = req.trade_id  # pre-filled: the one field a request may set in the flow
        self.request, self.key = req, req.public_key
        asked = "; ".join(ITEMS[k][0] for k in req.need)
        self.summary.setText(f"Request for trade {req.trade_id}, valid until {req.expires:%Y-%m-%d %H:%M} UTC. "
                             f"The agent asked for: {asked}. The bundle will be encrypted to their key and saved "
                             "as a .zip.age file: only they can open it.")

    def _clear(self) -> None:
        self.request, self.key = None, ""
        self.summary.setText(HINT)

    # --- output -------------------------------------------------------------------------------------------

    def missing_requested(self, have: dict[str, bool]) -> list[str]:
        """Sentences for what the agent asked for and the bundle will not hold."""
        from redactor.bundle.checklist import ITEMS

        if self.request is None:
            return []
        return [ITEMS[k][0] for k in self.request.need if not have.get(k, False)]

    def problem(self) -> str | None:
        """Why the bundle cannot be made as the request says now (it may have expired since it was pasted)."""
        from datetime import UTC, datetime

        from redactor.handoff.request import SLACK

        if self.request is not None and self.request.expires < datetime.now(UTC) - SLACK:
            return (f"The agent's request expired on {self.request.expires:%Y-%m-%d %H:%M} UTC; ask the agent for "
                    "a new one.")
        return None

    def bundle_options(self) -> dict[str, Any]:
        """Keyword arguments for build_bundle: encrypt_to, and what was requested for the manifest."""
        options: dict[str, Any] = {}
        if self.key:
            options["encrypt_to"] = [self.key]
        if self.request is not None:
            options["manifest_extra"] = {"requested": list(self.request.need)}
        return options


class AudienceChoice(QGroupBox):
    """The export step's first question: who will see the bundle."""

    PUBLIC_NAME = "bisq-issue.zip"  # a public bundle's default name: no trade ID in it

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QRadioButton

        super().__init__("Who is this bundle for?", parent)
        layout = QVBoxLayout(self)
        self.agent = QRadioButton("For a support &agent who asked for it (trade IDs, tx IDs and onion addresses "
                                  "stay readable)")
        self.public = QRadioButton("For a &public GitHub issue (those IDs, bitcoin addresses, profile IDs, nyms "
                                   "and nicknames are replaced too; the file is named without the trade ID)")
        self.agent.setChecked(True)
        layout.addWidget(self.agent)
        layout.addWidget(self.public)

    @property
    def audience(self) -> str:
        return "public" if self.public.isChecked() else "agent"


def open_request_in_flow(flow: Any, path: Path) -> tuple[bool, str]:
    """File → Open an agent's request: the export step's box takes it, and the trade step's ID is filled in when
    the trader has not typed one (a different one is refused by the box). (ok, sentence for the trader)."""
    box: HandoffBox = flow.export.handoff
    typed = flow.trade.trade_id.text().strip()
    if typed:
        flow.state.trade_id = typed  # the box compares the request with what the trader chose
    box.open_file(Path(path))
    if box.request is None:
        return False, box.message.text()
    if not typed:
        flow.trade.trade_id.setText(box.request.trade_id)
    return True, box.summary.text()
