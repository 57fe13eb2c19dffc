"""Bisq 2 screens: where Bisq Easy shows payment data that no field label announces.

- Trade chat: the seller's account data arrives as a system message, "{0} has sent the payment account data:"
  followed by up to 1,000 characters of free text (`UserDefinedFiatAccountPayload.accountData`) with no labels.
  Everything after the phrase, on its line and on the lines of the same message below it, is personal: the
  whole message body goes, whatever it holds (a name, an IBAN, a phone number, "ask for my PayPal").
- Also in the chat: "{0} has sent the Bitcoin address ''{1}''" / "... the Lightning invoice ''{1}''": the buyer's
  receiving address or invoice, after the phrase.
- Trade details overlay: the values of "Payment account data" (free text), "BTC payment address" and
  "Lightning invoice", right of the label, and the value's continuation lines below it. A BTC address is
  normally an identifier support keeps (Bisq 1's deposit address); here it is the trader's own receiving
  address, so these spans are added after the protection of identifiers.
Kept (support needs them): trade ID, peer network address, transaction ID, preimage, user names, amounts.
Labels in every language Bisq 2 has, from resources/bisq/window_labels.json (Bisq 2's i18n bundles).
"""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from functools import lru_cache

from redactor.image.layout import Line, split_cells
from redactor.image.ocr import Word
from redactor.resources import get_resource_path

SENT_DATA_KEY = "bisqEasy.tradeState.info.seller.phase1.tradeLogMessage"
SENT_ADDRESS_KEYS = ("bisqEasy.tradeState.info.buyer.phase1a.tradeLogMessage.MAIN_CHAIN",
                     "bisqEasy.tradeState.info.buyer.phase1a.tradeLogMessage.LN")
ROW_KEYS = ("bisqEasy.openTrades.tradeDetails.paymentAccountData", "bisqEasy.openTrades.tradeDetails.btcPaymentAddress",
            "bisqEasy.openTrades.tradeDetails.lightningInvoice")
FUZZY = 0.85  # one or two OCR errors in a phrase of 20+ letters (dark theme, small font)
MESSAGE_GAP = 1.9  # a gap below a line wider than this x its height ends the message (the next bubble)
MAX_BODY_LINES = 30  # 1,000 characters at a chat's width, with room
TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?$")


def _norm(text: str) -> str:
    from redactor.image.kinds import normalise

    return normalise(text)


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(sent-data phrases, sent-address phrases, row labels), normalised, every language."""
    data = json.loads(get_resource_path("bisq", "window_labels.json").read_text(encoding="utf-8"))["bisq2"]
    sent: set[str] = set()
    addr: set[str] = set()
    rows: set[str] = set()
    for table in data.values():
        if SENT_DATA_KEY in table:
            first = table[SENT_DATA_KEY].split("\n", 1)[0]
            sent.add(max((_norm(p) for p in re.split(r"\{\d\}", first)), key=len))
        for key in SENT_ADDRESS_KEYS:
            if key in table:
                addr.add(max((_norm(p) for p in re.split(r"\{\d\}", table[key].replace("''", ""))), key=len))
        rows.update(_norm(table[k]) for k in ROW_KEYS if k in table)
    return tuple(p for p in sent if p), tuple(p for p in addr if p), tuple(p for p in rows if p)


def _phrase_end(words: list[Word], phrase: str) -> int | None:
    """Index after the last word of `phrase` in `words` (read with OCR errors), or None. Of the word counts
    around the phrase's own (a hyphenated word is one to OCR, two once normalised) the closest reading wins."""
    first = phrase.split()[0]
    n = len(phrase.split())
    texts = [_norm(w.text) for w in words]
    for start in range(len(words)):
        head = texts[start]
        if head.endswith(first) and head != first:
            head = first  # OCR glued the nickname to it: "NodeRunnerha enviado ..."
        if not head or head[0] != phrase[0]:
            continue
        best: tuple[float, int] | None = None
        for end in range(max(start + 1, start + n - 2), min(len(words), start + n + 2) + 1):
            got = " ".join(t for t in [head, *texts[start + 1:end]] if t)
            ratio = 1.0 if got == phrase else SequenceMatcher(None, got, phrase).ratio() if len(phrase) >= 20 else 0.0
            if ratio >= FUZZY and (best is None or ratio > best[0]):
                best = (ratio, end)
        if best is not None:
            return best[1]
    return None


def _message_body(lines: list[Line], li: int) -> list[Line]:
    """The lines below line `li` that belong to the same chat message."""
    out: list[Line] = []
    prev = lines[li]
    for line in lines[li + 1:li + 1 + MAX_BODY_LINES]:
        if line.y0 - prev.y1 > MESSAGE_GAP * prev.height or line.x1 < lines[li].x0:
            break
        if any(TIME.match(w.text) for w in line.words[:2]) or _sent_phrase_in(line.words) is not None:
            break  # the next message's header
        out.append(line)
        prev = line
    return out


def _sent_phrase_in(words: list[Word]) -> int | None:
    for phrase in _phrases()[0]:
        end = _phrase_end(words, phrase)
        if end is not None:
            return end
    return None


def _row_label_end(cell: list[Word]) -> int | None:
    """Words of a row label at the start of `cell` ("Payment account data", "BTC payment address")."""
    for label in _phrases()[2]:
        # "Zahlungskonto-Daten" is one word to OCR and two once normalised: compare the text, not word counts.
        for j in range(1, min(len(cell), len(label.split()) + 1) + 1):
            got = _norm(" ".join(w.text for w in cell[:j]))
            if got == label or (len(label) >= 12 and SequenceMatcher(None, got, label).ratio() >= FUZZY):
                return j
    return None


def spans(lines: list[Line]) -> list[tuple[Line, list[Word], str, int | None]]:
    """(line, words, reason, fill start) to hide, in every Bisq 2 form above; words are never labels."""
    out: list[tuple[Line, list[Word], str, int | None]] = []
    for li, line in enumerate(lines):
        end = _sent_phrase_in(line.words)
        if end is not None:
            if end < len(line.words):
                out.append((line, line.words[end:], "bisq2-account-data", None))
            out.extend((body, body.words, "bisq2-account-data", body.x0) for body in _message_body(lines, li))
            continue
        for phrase in _phrases()[1]:
            end = _phrase_end(line.words, phrase)
            if end is not None and end < len(line.words):
                out.append((line, line.words[end:], "bisq2-btc-address", None))
                break
        cells = split_cells(line)
        for ci, cell in enumerate(cells):
            k = _row_label_end(cell)
            if k is None:
                continue
            value = cell[k:] + [w for c in cells[ci + 1:] for w in c]
            if value:
                out.append((line, value, "bisq2-payment-row", value[0].x))
                out.extend((cont, cont.words, "bisq2-payment-row", value[0].x)
                           for cont in _continuation(lines, li, value[0].x, cell[0].x))
            break
    return out


def _continuation(lines: list[Line], li: int, value_x: int, label_x: int) -> list[Line]:
    """Wrapped lines of a row's value: directly below, starting in the value column, none in the label column."""
    out: list[Line] = []
    prev = lines[li]
    for line in lines[li + 1:li + 1 + MAX_BODY_LINES]:
        if line.y0 - prev.y1 > 0.9 * prev.height or line.x0 < value_x - 2 * prev.height or line.x0 <= label_x:
            break
        out.append(line)
        prev = line
    return out
