"""Bisq 2's checklist: the trade chat and trade details instead of the contract, dispute window and first chat
message; the trade-history export optional; the verifier recomputes the same items for a Bisq 2 bundle."""

from __future__ import annotations

from redactor.bundle.checklist import ITEMS, ITEMS_BISQ2, checklist_for, missing, version_of


def test_bisq2_items() -> None:
    paths = ["description.txt", "txids.txt", "buyer/bisq.log", "buyer/screenshots/chat-first-message.png"]
    checks = checklist_for(paths, "buyer", bisq_version=2)
    assert set(checks) == set(ITEMS_BISQ2)
    assert "contract" not in checks and "screenshot:dispute-details" not in checks
    assert checks["bisq2:trade-chat"] and not checks["bisq2:trade-details"]
    assert not checks["bisq2:trade-history"]
    gone = missing(checks)
    assert gone[0].startswith("a screenshot of the trade details")  # required first, the optional export last
    assert gone[-1].startswith("Bisq Easy's trade history export")
    assert version_of(checks) == 2 and version_of({"buyer": checks}) == 2
    checks = checklist_for([*paths, "buyer/screenshots/trade-details.png", "trade-history.csv"], "buyer", 2)
    assert missing(checks) == ["a screenshot of any error popup (only if Bisq showed one)"]


def test_bisq1_unchanged() -> None:
    checks = checklist_for(["description.txt", "buyer/bisq.log"], "buyer")
    assert set(checks) == set(ITEMS) and version_of(checks) == 1


def test_sentences_follow_the_app() -> None:
    b1 = checklist_for(["description.txt"], "buyer")
    b2 = checklist_for(["description.txt"], "buyer", 2)
    assert "the Bisq log files (at least the current bisq.log)" in missing(b1)
    assert "the Bisq 2 log files (at least the current bisq.log)" in missing(b2)
    assert missing({"buyer": b2, "seller": b2}) == []  # nested (merged): no top-level items
