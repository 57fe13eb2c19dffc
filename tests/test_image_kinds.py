"""Screenshot kinds from what OCR read: window titles, headlines and labels in Bisq's languages (no OCR here:
the cells are what Tesseract gives for such windows; tests/test_image_redact.py checks real readings)."""

from __future__ import annotations

import json

import pytest

from redactor.image import kinds
from redactor.resources import get_resource_path


@pytest.mark.parametrize(("cells", "kind"), [
    (["Trader Chat window for trade with ID 'Xk3pQ'", "You can communicate with your trade peer to resolve"],
     kinds.CHAT),
    (["Händler-Chat-Fenster für den Handel mit der ID 'Xk3pQ'"], kinds.CHAT),
    (["Error", "An error occurred at task: ProcessDepositTxPublishedMessage"], kinds.ERROR_POPUP),
    (["Fehler"], kinds.ERROR_POPUP),
    (["A You can't take this offer", "Close"], kinds.ERROR_POPUP),  # Bisq 2, its icon read as a letter
    (["Dispute details", "Contract hash", "Offer ID"], kinds.DISPUTE_DETAILS),
    (["係争の詳細"], kinds.DISPUTE_DETAILS),
    (["Trade", "Trading peers onion address", "Trade state"], kinds.TRADE_DETAILS),
    (["Trade details", "Payment account data", "Peer network address"], kinds.TRADE_DETAILS),  # Bisq 2
    (["Start payment using SEPA", "Amount to transfer"], kinds.TRADE_STEP),
    (["Confirm that you have received the payment", "Sender's name, per trade contract: X"], kinds.TRADE_STEP),
    (["Summary", "Trade ID"], kinds.OTHER),
])
def test_titles_and_labels_say_the_kind(cells: list[str], kind: str) -> None:
    assert kinds.recognise(cells).kind == kind


def test_a_popup_headline_wins_over_the_window_behind_it() -> None:
    behind = ["Start payment using SEPA", "Amount to transfer", "Payment started", "Trade information"]
    assert kinds.recognise(behind).kind == kinds.TRADE_STEP
    assert kinds.recognise([*behind, "Attention required for trade with ID Xk3pQ"]).kind == kinds.ERROR_POPUP


def test_bisq2_chat_rules_warning_is_part_of_the_chat() -> None:
    cells = ["Z Warning", "Do not exchange contact information to buy or sell Bitcoin outside Bisq in order",
             "alice has sent a message for taking bob's offer"]
    assert kinds.recognise(cells).kind == kinds.CHAT


def test_a_chat_message_glued_to_the_nickname_before_it() -> None:
    # Bisq 2's trade chat in Spanish: OCR read the nickname and the message as one word.
    assert kinds.recognise(["aliceha enviado los datos de la cuenta de pago:"]).kind == kinds.CHAT


def test_a_label_that_only_starts_like_a_headline_is_no_headline() -> None:
    # "Error message" is a row of Trade details; "Trade" alone is too weak to name the window.
    assert kinds.recognise(["Error message", "something went wrong"]).kind == kinds.OTHER
    assert kinds.recognise(["Trade"]).kind == kinds.OTHER


def test_one_or_two_ocr_errors_in_a_long_label() -> None:
    assert kinds.recognise(["Tradlng peers onion addrass", "Trade state"]).kind == kinds.TRADE_DETAILS


def test_nothing_recognisable_is_other() -> None:
    assert kinds.recognise([]).kind == kinds.OTHER
    assert kinds.recognise(["Hello World", "Type a new message"]).kind == kinds.OTHER


def test_every_signal_has_text_in_english_and_every_language_table_is_whole() -> None:
    data = json.loads(get_resource_path("bisq", "window_labels.json").read_text(encoding="utf-8"))
    english = {**data["bisq1"]["en"], **data["bisq2"]["en"]}
    assert set(kinds.SIGNALS) <= set(english), set(kinds.SIGNALS) - set(english)
    assert len(data["bisq1"]) == 16
    assert {p.key for p in kinds.phrases()} == set(kinds.SIGNALS)


def test_every_kind_has_a_title_and_auto_is_no_kind() -> None:
    assert set(kinds.SCREENSHOT_KINDS) == {kinds.TRADE_DETAILS, kinds.DISPUTE_DETAILS, kinds.CHAT,
                                           kinds.ERROR_POPUP, kinds.TRADE_STEP, kinds.OTHER}
    assert kinds.AUTO not in kinds.SCREENSHOT_KINDS
