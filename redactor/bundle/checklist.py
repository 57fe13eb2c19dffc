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


def checklist_for(paths: Iterable[str], role_dir: str) -> dict[str, bool]:
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
    }
    for key in ITEMS:
        if key.startswith("screenshot:"):
            result[key] = key.split(":", 1)[1] in shots
    return result


def missing(checklist: Mapping[str, bool]) -> list[str]:
    """Sentences for the absent items, required ones first."""
    absent = [k for k, ok in checklist.items() if not ok and k in ITEMS]
    absent.sort(key=lambda k: not ITEMS[k][1])
    return [ITEMS[k][0] for k in absent]
