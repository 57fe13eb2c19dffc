"""Support's checklist (facts.md; the Bisq wiki's "what to send support"): which items a bundle holds."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_SHOT = re.compile(r"^(.+?)(?:-\d+)?\.png$")  # trade-details.png, trade-details-2.png

# key -> (what support asks for, required). The error popup is only needed when Bisq showed one.
ITEMS: dict[str, tuple[str, bool]] = {
    "description": ("a description of what happened (description.txt)", True),
    "txids": ("the transaction IDs of the trade (txids.txt)", True),
    "logs": ("the Bisq log files (at least the current bisq.log)", True),
    "contract": ("the contract JSON (without payment data)", True),
    "screenshot:trade-details": ("a screenshot of the trade details window", True),
    "screenshot:dispute-details": ("a screenshot of the mediator's dispute details", True),
    "screenshot:chat-first-message": ("a screenshot of the first chat message", True),
    "screenshot:error-popup": ("a screenshot of any error popup (only if Bisq showed one)", False),
}
# Bisq 2 (Bisq Easy): what its mediators and support ask for (../shared/bisq/bisq2.md). No contract file and no
# dispute window: the trade chat (where the seller's account data arrives and the mediator joins) and the trade
# details overlay take their place; the trade-history CSV export only when the trader has made one.
ITEMS_BISQ2: dict[str, tuple[str, bool]] = {
    "description": ITEMS["description"],
    "txids": ("the BTC transaction ID or Lightning preimage of the trade (txids.txt)", True),
    "logs": ("the Bisq 2 log files (at least the current bisq.log)", True),
    "bisq2:trade-chat": ("a screenshot of the trade chat (Bisq Easy → Open trades)", True),
    "bisq2:trade-details": ("a screenshot of the trade details (Open trades → Trade details)", True),
    "screenshot:error-popup": ITEMS["screenshot:error-popup"],
    "bisq2:trade-history": ("Bisq Easy's trade history export (trade-history.csv; only if you made one)", False),
}
# Bisq 2 items satisfied by a screenshot of a kind both apps share (kinds.py) or by a member of this name.
BISQ2_SHOT = {"bisq2:trade-chat": "chat-first-message", "bisq2:trade-details": "trade-details"}
TRADE_HISTORY = "trade-history.csv"
ALL_ITEMS = {**ITEMS_BISQ2, **ITEMS}  # every key; a key both apps have reads as Bisq 1's: see items_of()


def items_for(bisq_version: int) -> dict[str, tuple[str, bool]]:
    return ITEMS_BISQ2 if bisq_version == 2 else ITEMS


def items_of(checklist: Mapping[str, object]) -> dict[str, tuple[str, bool]]:
    """The sentences for a recorded checklist: its app's own, then any other key's."""
    return {**ALL_ITEMS, **items_for(version_of(checklist))}


def version_of(checklist: Mapping[str, object]) -> int:
    """The Bisq app a recorded checklist was made for (its keys say it; nested per role after a merge)."""
    keys = [k for v in checklist.values() if isinstance(v, Mapping) for k in v] + list(checklist)
    return 2 if any(str(k).startswith("bisq2:") for k in keys) else 1


def checklist_for(paths: Iterable[str], role_dir: str, bisq_version: int = 1) -> dict[str, bool]:
    """Checklist of one trader's part. `paths` are entry paths relative to the trade folder; `role_dir` is
    where this trader's logs and screenshots live ("buyer", "seller"); `top` files sit beside it for a
    single-trader bundle and inside it after a merge."""
    names = set(paths)

    def has(name: str) -> bool:
        return name in names or f"{role_dir}/{name}" in names

    shots = {m.group(1) for p in names if p.startswith(f"{role_dir}/screenshots/")
             for m in [_SHOT.match(p.rsplit("/", 1)[-1])] if m}
    result = {
        "description": has("description.txt"),
        "txids": has("txids.txt"),
        # The current log is the one support reads first; without it the logs are not complete.
        "logs": f"{role_dir}/bisq.log" in names,
        "contract": has("contract.json"),
        "bisq2:trade-history": has(TRADE_HISTORY),
    }
    items = items_for(bisq_version)
    for key in items:
        if key.startswith("screenshot:"):
            result[key] = key.split(":", 1)[1] in shots
        elif key in BISQ2_SHOT:
            result[key] = BISQ2_SHOT[key] in shots
    return {k: result[k] for k in items}  # in the items' order


def missing(checklist: Mapping[str, bool]) -> list[str]:
    """Sentences for the absent items, required ones first."""
    items = items_of(checklist)
    absent = [k for k, ok in checklist.items() if not ok and k in items]
    absent.sort(key=lambda k: not items[k][1])
    return [items[k][0] for k in absent]
