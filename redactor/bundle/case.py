"""What a trader hands to support for one trade, before anything is redacted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redactor.bisq import ids
from redactor.bisq.logfiles import is_log_name
from redactor.errors import BadInput
from redactor.image.kinds import AUTO, SCREENSHOT_KINDS

ROLES = ("buyer", "seller")
ROLE_TITLES = {"buyer": "BTC buyer", "seller": "BTC seller"}


@dataclass
class Screenshot:
    path: Path
    kind: str  # one of SCREENSHOT_KINDS, or AUTO: recognised from what OCR reads in it
    # None: detect and redact automatically (fails closed). A list: render exactly these boxes, as the user
    # reviewed them in the GUI editor.
    boxes: list[Any] | None = None


@dataclass
class Case:
    trade_id: str
    role: str
    description: str
    # Tx IDs the trader gives; a mapping txid -> label is accepted too (the GUI prefills labels from the logs).
    txids: Sequence[str] | Mapping[str, str]
    screenshots: list[Screenshot]
    data_dir: Path | None
    log_files: list[Path] | None = None  # None: every log file of data_dir
    contract: Path | None = None
    extra_user_names: Sequence[str] = field(default=())
    trade_history: Path | None = None  # Bisq Easy's trade export (CSV), bundled cleaned (tradecsv.py)

    def given_txids(self) -> dict[str, str]:
        """txid -> label as given (label "" when the trader gave a bare list), checked and lower-cased."""
        items = self.txids.items() if isinstance(self.txids, Mapping) else ((t, "") for t in self.txids)
        out: dict[str, str] = {}
        for raw, label in items:
            txid = raw.strip().lower()
            if not txid:
                continue
            if not ids.TXID.fullmatch(txid):
                raise BadInput(f"'{raw.strip()[:80]}' is not a transaction ID (64 hex characters).")
            out.setdefault(txid, label or "")
        return out

    def validate(self) -> None:
        """Raise BadInput with a trader-readable sentence for the first thing that is wrong."""
        if not ids.is_trade_id(self.trade_id.strip()):
            raise BadInput(f"'{self.trade_id[:80]}' is not a Bisq trade ID (copy the full ID from the trade "
                           "details window, e.g. Xk3pQ-2b6e1f0c-...-1104).")
        if self.role not in ROLES:
            raise BadInput(f"Role must be 'buyer' or 'seller', not '{self.role}'.")
        self.given_txids()
        for shot in self.screenshots:
            if shot.kind not in SCREENSHOT_KINDS and shot.kind != AUTO:
                raise BadInput(f"Unknown screenshot kind '{shot.kind}' (use one of: {', '.join(SCREENSHOT_KINDS)}).")
            if not Path(shot.path).is_file():
                raise BadInput(f"Screenshot not found: {shot.path}")
        if self.contract is not None and not Path(self.contract).is_file():
            raise BadInput(f"Contract file not found: {self.contract}")
        if self.trade_history is not None and not Path(self.trade_history).is_file():
            raise BadInput(f"Trade export not found: {self.trade_history}")
        if self.data_dir is not None and not Path(self.data_dir).is_dir():
            raise BadInput(f"Bisq data directory not found: {self.data_dir}")
        for p in self.log_files or ():
            # The allow-list of log names is the privacy boundary: a wallet or key file is never a "log".
            if not (is_log_name(Path(p).name) or (Path(p).name == "debug.log" and Path(p).parent.name == "tor")):
                raise BadInput(f"{Path(p).name} is not a Bisq log file (bisq.log, bisq_<n>.log or tor/debug.log).")
            if not Path(p).is_file():
                raise BadInput(f"Log file not found: {p}")
