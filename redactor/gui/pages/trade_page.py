"""Step 2: which trade, the trader's role, what happened, and the transaction IDs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from redactor.bisq.ids import TXID, is_trade_id
from redactor.bisq.tradefacts import money
from redactor.gui import workers
from redactor.gui.pages.base import Message, Page, heading
from redactor.gui.settings import Settings
from redactor.gui.state import FlowState

# The questions support asks in every dispute (Bisq's support.initialInfo) plus what agents ask next.
DESCRIPTION_TEMPLATE = "What happened:\n\nWhen:\n\nAnything non-standard:\n\nPast issues:\n"
SUPPORT_PROMPTS = (
    "<b>Support will want to know:</b><ul>"
    "<li>BTC buyer: did you make the payment, and did you click <i>Payment started</i>?</li>"
    "<li>BTC seller: did you receive the payment, and did you click <i>Payment received</i>?</li>"
    "<li>When it happened (date and time, your time zone).</li>"
    "<li>Anything non-standard: restarts, a changed data folder, a second computer, a failed transaction.</li>"
    "<li>Past issues with Bisq, if any.</li></ul>"
    "Do not write account numbers or names here: the agent does not need them."
)


def format_txids(txids: dict[str, str]) -> str:
    return "\n".join(f"{label}: {txid}" if label else txid for txid, label in txids.items())


def parse_txids(text: str) -> tuple[dict[str, str], str | None]:
    """'label: txid' lines → {txid: label}; the second value is a sentence about the first bad line."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        match = TXID.search(line)
        if match is None:
            return found, (f"Line {number} of the transaction IDs is not a transaction ID "
                           "(64 characters 0-9 and a-f).")
        label = (line[:match.start()] + line[match.end():]).strip(" :-\t")
        found[match.group(0)] = label
    return found, None


class TradePage(Page):
    title = "Trade"

    def __init__(self, state: FlowState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(state, settings, parent)
        self._job: workers.Job | None = None
        self._trades_for: Any = None
        self._prefilled_for = ""
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Which trade is it about?"))
        found_label = QLabel("Trades &found in your logs (newest last):")
        self.trades = QTreeWidget()
        self.trades.setHeaderLabels(["Trade ID", "First seen", "Last seen", "Amount", "Payment method", "Role", "State",
                                     "Transactions"])
        self.trades.setRootIsDecorated(False)
        self.trades.setMaximumHeight(150)
        self.trades.setAccessibleName("Trades found in the logs")
        found_label.setBuddy(self.trades)
        self.trades.currentItemChanged.connect(self._picked)
        layout.addWidget(found_label)
        layout.addWidget(self.trades)

        form = QFormLayout()
        self.trade_id = QLineEdit()
        self.trade_id.setPlaceholderText("e.g. Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104")
        self.trade_id.textChanged.connect(lambda _t: self.changed.emit())
        form.addRow("Trade &ID:", self.trade_id)
        role_row = QHBoxLayout()
        self.buyer = QRadioButton("BTC &buyer")
        self.seller = QRadioButton("BTC s&eller")
        self.roles = QButtonGroup(self)
        self.roles.addButton(self.buyer)
        self.roles.addButton(self.seller)
        self.roles.buttonToggled.connect(lambda *_a: self.changed.emit())
        role_row.addWidget(self.buyer)
        role_row.addWidget(self.seller)
        role_row.addStretch(1)
        form.addRow("In this trade I am the:", role_row)
        layout.addLayout(form)

        body = QHBoxLayout()
        left = QVBoxLayout()
        desc_label = QLabel("&Description for support:")
        self.description = QPlainTextEdit(DESCRIPTION_TEMPLATE)
        self.description.setTabChangesFocus(True)
        desc_label.setBuddy(self.description)
        left.addWidget(desc_label)
        left.addWidget(self.description, 2)
        tx_label = QLabel("&Transaction IDs (one per line, “label: ID”; filled in from your logs):")
        self.txids = QPlainTextEdit()
        self.txids.setTabChangesFocus(True)
        self.txids.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        tx_label.setBuddy(self.txids)
        left.addWidget(tx_label)
        left.addWidget(self.txids, 1)
        body.addLayout(left, 3)
        prompts = QLabel(SUPPORT_PROMPTS)
        prompts.setWordWrap(True)
        prompts.setAlignment(Qt.AlignmentFlag.AlignTop)
        prompts.setTextFormat(Qt.TextFormat.RichText)
        body.addWidget(prompts, 2)
        layout.addLayout(body, 1)

        layout.addLayout(self._contract_row())
        self.message = Message()
        layout.addWidget(self.message)

    def _contract_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        label = QLabel("&Contract JSON (optional):")
        self.contract = QLineEdit()
        self.contract.setPlaceholderText("In Bisq: Support → the dispute → Contract → copy it into a file")
        label.setBuddy(self.contract)
        browse = QPushButton("B&rowse…")
        browse.clicked.connect(self._browse_contract)
        row.addWidget(label)
        row.addWidget(self.contract, 1)
        row.addWidget(browse)
        return row

    # --- trades from the logs ---

    def enter(self) -> None:
        d = self.state.data_dir
        if d is not None and self._trades_for is not d:
            self._trades_for = d
            self._load_trades([f.path for f in d.log_files])

    def _load_trades(self, paths: list[Path]) -> None:
        self.message.info("Reading your logs for trade IDs…")
        self.trades.clear()

        def work(ctl: workers.Control) -> Any:
            from redactor.bisq.trades import find_trades

            return find_trades(paths)

        self._job = workers.run_job(self, "reading your logs for trade IDs", work, on_done=self._trades_found,
                                    on_failed=self._failed)

    def _trades_found(self, trades: list[Any]) -> None:
        self._job = None
        self.state.trades = list(trades)
        for t in trades:
            facts = getattr(t, "facts", {})  # what the logs tell of it (issue 17: what a trader recognises)
            item = QTreeWidgetItem([t.trade_id, str(t.first_seen or ""), str(t.last_seen or ""), money(facts),
                                    facts.get("method", ""), facts.get("role", ""), facts.get("state", ""),
                                    str(len(t.txids))])
            item.setData(0, Qt.ItemDataRole.UserRole, t)
            self.trades.addTopLevelItem(item)
        for col in range(self.trades.columnCount() - 1):
            self.trades.resizeColumnToContents(col)
        n = len(trades)
        self.message.info(f"Found {n} trade{'s' if n != 1 else ''} in your logs. Pick one or type its ID."
                          if n else "No trade IDs found in these logs. Type the trade ID from Bisq's Portfolio.")
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self._job = None
        self.message.error(message + " You can still type the trade ID.")
        self.changed.emit()

    def select_trade(self, trade_id: str) -> None:
        for i in range(self.trades.topLevelItemCount()):
            item = self.trades.topLevelItem(i)
            if item is not None and item.text(0) == trade_id:
                self.trades.setCurrentItem(item)
                return
        self.trade_id.setText(trade_id)

    def _picked(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        if current is None:
            return
        trade = current.data(0, Qt.ItemDataRole.UserRole)
        self.trade_id.setText(trade.trade_id)
        # Prefill tx IDs from the logs unless the user already typed their own for this trade.
        if self._prefilled_for != trade.trade_id:
            self._prefilled_for = trade.trade_id
            self.txids.setPlainText(format_txids(dict(trade.txids)))

    def _browse_contract(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the contract JSON", self.settings.last_folder("contract"),
                                              "Contract (*.json *.txt);;All files (*)")
        if name:
            self.settings.set_last_folder("contract", Path(name))
            self.contract.setText(name)

    # --- answers ---

    def set_role(self, role: str) -> None:
        (self.buyer if role == "buyer" else self.seller).setChecked(True)

    def role(self) -> str:
        return "buyer" if self.buyer.isChecked() else "seller" if self.seller.isChecked() else ""

    def busy(self) -> bool:
        return self._job is not None

    def problem(self) -> str | None:
        trade_id = self.trade_id.text().strip()
        if not trade_id:
            return "Pick the trade from the list or type its trade ID."
        if not is_trade_id(trade_id):
            return ("This does not look like a Bisq trade ID. Copy the full ID from Bisq "
                    "(Portfolio → the trade → Trade details → Trade ID).")
        if not self.role():
            return "Choose whether you were the BTC buyer or the BTC seller."
        if self.description.toPlainText().strip() in ("", DESCRIPTION_TEMPLATE.strip()):
            return "Describe what happened: support reads this first."
        _txids, bad = parse_txids(self.txids.toPlainText())
        if bad:
            return bad
        contract = self.contract.text().strip()
        if contract and not Path(contract).is_file():
            return f"The contract file {contract} does not exist. Choose it again or leave the field empty."
        return None

    def leave(self) -> None:
        self.state.trade_id = self.trade_id.text().strip()
        self.state.role = self.role()
        self.state.description = self.description.toPlainText().strip() + "\n"
        self.state.txids, _bad = parse_txids(self.txids.toPlainText())
        contract = self.contract.text().strip()
        self.state.contract = Path(contract) if contract else None
