"""What a screenshot shows, recognised from the words OCR read: the window titles and labels of Bisq 1 and
Bisq 2 windows in Bisq's 16 languages (resources/bisq/window_labels.json, extracted from Bisq's own
translations by tools/extract_window_labels.py).

Each kind has signals: a window title or popup headline, and labels only that window shows. A signal's weight
says how sure one read of it makes us. Popups and overlays are drawn over another window, and a screenshot of
a popup is about the popup: so a headline whose kind ranks higher in `DOMINANCE` wins over the labels of the
window behind it ("Attention required for trade …" over a trade step is an error popup). Where nothing is read
with enough weight the kind is "other": the user picks it, as before.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from redactor.bisq import ids
from redactor.resources import get_resource_path

if TYPE_CHECKING:  # the vocabulary is imported by the case model at start-up: no NumPy or OCR code then
    from redactor.image.ocr import Word

TRADE_DETAILS, DISPUTE_DETAILS, CHAT, ERROR_POPUP, TRADE_STEP, OTHER = (
    "trade-details", "dispute-details", "chat-first-message", "error-popup", "trade-step", "other")

# Every kind of screenshot a case holds, with the title the app shows for it (support's words). AUTO, given
# for a screenshot, means: recognise it from what OCR reads.
KIND_TITLES = {
    TRADE_DETAILS: "Trade details",
    DISPUTE_DETAILS: "Dispute details",
    CHAT: "First chat message",
    ERROR_POPUP: "Error popup",
    TRADE_STEP: "Open trade step",
    OTHER: "Other",
}
SCREENSHOT_KINDS = tuple(KIND_TITLES)
AUTO = "auto"

# A headline of one of these kinds decides, in this order: the popup is in front of the window it covers. A
# chat's title comes first: chats carry warnings of their own (Bisq 2's chat rules, headed "Warning").
DOMINANCE = (CHAT, ERROR_POPUP, OTHER, DISPUTE_DETAILS, TRADE_DETAILS, TRADE_STEP)
HEADLINE_WEIGHT = 5  # a title or headline only that window has
MIN_SCORE = 3  # below this the labels read could be chance: leave the kind to the user
FUZZY_MIN_CHARS = 8  # shorter phrases must be read exactly (OCR errors in "Error" make "Ertor", not a title)
FUZZY_ANY_LANGUAGE_CHARS = 20  # phrases of a language not yet seen are matched loosely only when this long
FUZZY_RATIO = 0.86  # one or two OCR errors in a phrase of 14+ letters
# A phrase matched inside a line must be long enough not to occur by chance ("id" is all that is left of a
# Japanese title before its {0}); CJK characters carry more per character.
MIN_PART_CHARS = 6
MIN_PART_CHARS_CJK = 3
CJK_START = 0x2E80
MAX_PHRASE_WORDS = 6  # of a long text, only its first words are looked for (they share the first line)


@dataclass(frozen=True)
class Signal:
    kind: str
    weight: int
    # "line": the phrase is a whole cell (a short headline like "Error" must not match "Error message");
    # "start": the phrase starts a cell (titles with the trade ID after them); "any": anywhere in a cell.
    where: str


# key -> signal. Bisq 1 keys from displayStrings*.properties, Bisq 2 keys from its i18n bundles.
SIGNALS: dict[str, Signal] = {
    "popup.headline.error": Signal(ERROR_POPUP, HEADLINE_WEIGHT, "line"),
    "popup.headline.warning": Signal(ERROR_POPUP, HEADLINE_WEIGHT, "line"),
    "popup.headline.attention": Signal(ERROR_POPUP, HEADLINE_WEIGHT, "line"),
    "popup.headline.failure": Signal(ERROR_POPUP, HEADLINE_WEIGHT, "line"),
    "popup.attention.forTradeWithId": Signal(ERROR_POPUP, HEADLINE_WEIGHT, "start"),
    "popup.reportError.gitHub": Signal(ERROR_POPUP, 4, "any"),
    "popup.reportError.log": Signal(ERROR_POPUP, 2, "any"),
    "portfolio.pending.failedTrade.info.popup": Signal(ERROR_POPUP, 4, "start"),
    "tradeChat.chatWindowTitle": Signal(CHAT, HEADLINE_WEIGHT, "start"),
    "disputeChat.chatWindowTitle": Signal(CHAT, HEADLINE_WEIGHT, "start"),
    "support.systemMsg": Signal(CHAT, 3, "start"),
    "tradeChat.rules": Signal(CHAT, 4, "start"),
    "support.youOpenedDisputeForMediation": Signal(CHAT, 4, "any"),
    "support.peerOpenedDisputeForMediation": Signal(CHAT, 4, "any"),
    "support.youOpenedDispute": Signal(CHAT, 4, "any"),
    "support.peerOpenedDispute": Signal(CHAT, 4, "any"),
    "support.youOpenedTicket": Signal(CHAT, 4, "any"),
    "support.peerOpenedTicket": Signal(CHAT, 4, "any"),
    "bisqEasy.tradeState.info.seller.phase1.tradeLogMessage": Signal(CHAT, 4, "any"),
    "bisqEasy.takeOffer.tradeLogMessage": Signal(CHAT, 4, "any"),
    "bisqEasy.tradeState.info.buyer.phase1a.tradeLogMessage.LN": Signal(CHAT, 4, "any"),
    "bisqEasy.tradeState.info.buyer.phase1a.tradeLogMessage.MAIN_CHAIN": Signal(CHAT, 4, "any"),
    "bisqEasy.tradeState.info.buyer.phase2a.tradeLogMessage": Signal(CHAT, 4, "any"),
    "bisqEasy.mediation.requester.tradeLogMessage": Signal(CHAT, 4, "any"),
    # Bisq 2 shows this warning inside the private trade chat: its "Warning" headline is not an error popup.
    "chat.private.chatRulesWarningMessage.text": Signal(CHAT, HEADLINE_WEIGHT, "start"),
    "chat.message.takeOffer.seller.insufficientScore.headline": Signal(ERROR_POPUP, HEADLINE_WEIGHT, "start"),
    "chat.message.takeOffer.buyer.invalidOffer.headline": Signal(ERROR_POPUP, HEADLINE_WEIGHT, "start"),
    "portfolio.pending.mediationResult.popup.headline": Signal(OTHER, HEADLINE_WEIGHT, "start"),
    "disputeSummaryWindow.title": Signal(OTHER, HEADLINE_WEIGHT, "line"),
    "contractWindow.title": Signal(DISPUTE_DETAILS, HEADLINE_WEIGHT, "start"),
    "contractWindow.contractHash": Signal(DISPUTE_DETAILS, 3, "start"),
    "contractWindow.onions": Signal(DISPUTE_DETAILS, 2, "start"),
    "contractWindow.btcAddresses": Signal(DISPUTE_DETAILS, 2, "start"),
    "contractWindow.accountAge": Signal(DISPUTE_DETAILS, 2, "start"),
    "contractWindow.numDisputes": Signal(DISPUTE_DETAILS, 2, "start"),
    "tradeDetailsWindow.headline": Signal(TRADE_DETAILS, 2, "line"),
    "bisqEasy.openTrades.tradeDetails.headline": Signal(TRADE_DETAILS, HEADLINE_WEIGHT, "line"),
    "tradeDetailsWindow.tradingPeersOnion": Signal(TRADE_DETAILS, 3, "start"),
    "tradeDetailsWindow.tradeState": Signal(TRADE_DETAILS, 2, "start"),
    "tradeDetailsWindow.txFee": Signal(TRADE_DETAILS, 1, "start"),
    "tradeDetailsWindow.detailData": Signal(TRADE_DETAILS, 1, "start"),
    "tradeDetailsWindow.agentAddresses": Signal(TRADE_DETAILS, 1, "start"),
    "bisqEasy.openTrades.tradeDetails.peerNetworkAddress": Signal(TRADE_DETAILS, 2, "start"),
    "bisqEasy.openTrades.tradeDetails.paymentAccountData": Signal(TRADE_DETAILS, 2, "start"),
    "bisqEasy.openTrades.tradeDetails.btcPaymentAddress": Signal(TRADE_DETAILS, 1, "start"),
    "bisqEasy.openTrades.tradeDetails.lightningPreImage": Signal(TRADE_DETAILS, 2, "start"),
    "bisqEasy.openTrades.tradeDetails.tradersAndRole": Signal(TRADE_DETAILS, 2, "start"),
    "bisqEasy.openTrades.tradeDetails.assignedMediator": Signal(TRADE_DETAILS, 1, "start"),
    "portfolio.pending.step3_seller.onPaymentReceived.confirm.headline": Signal(TRADE_STEP, HEADLINE_WEIGHT, "start"),
    "portfolio.pending.step2_buyer.confirmStart.headline": Signal(TRADE_STEP, HEADLINE_WEIGHT, "start"),
    "portfolio.pending.step2_buyer.startPaymentUsing": Signal(TRADE_STEP, 4, "start"),
    "portfolio.pending.step3_seller.confirmPaymentReceipt": Signal(TRADE_STEP, 3, "line"),
    "portfolio.pending.step2_buyer.amountToTransfer": Signal(TRADE_STEP, 3, "start"),
    "portfolio.pending.step3_seller.amountToReceive": Signal(TRADE_STEP, 3, "start"),
    "portfolio.pending.step2_buyer.paymentStarted": Signal(TRADE_STEP, 2, "line"),
    "portfolio.pending.step3_seller.buyersAccount": Signal(TRADE_STEP, 2, "start"),
    "portfolio.pending.step3_seller.yourAccount": Signal(TRADE_STEP, 2, "start"),
    "portfolio.pending.tradeInformation": Signal(TRADE_STEP, 2, "line"),
    "portfolio.pending.remainingTime": Signal(TRADE_STEP, 1, "start"),
    "portfolio.pending.step1.waitForConf": Signal(TRADE_STEP, 1, "any"),
    "portfolio.pending.step2_buyer.startPayment": Signal(TRADE_STEP, 1, "line"),
    "portfolio.pending.step2_seller.waitPaymentStarted": Signal(TRADE_STEP, 1, "any"),
    "portfolio.pending.step3_buyer.waitPaymentArrived": Signal(TRADE_STEP, 1, "any"),
    "portfolio.pending.step3_seller.confirmPaymentReceived": Signal(TRADE_STEP, 1, "any"),
    "portfolio.pending.step5.completed": Signal(TRADE_STEP, 1, "line"),
}


@dataclass(frozen=True)
class Phrase:
    norm: str
    key: str
    lang: str


@dataclass
class Recognition:
    kind: str
    scores: dict[str, int]
    # The keys of the signals read (for tests and the benchmark's failure reports), never screenshot text.
    evidence: list[str]


def normalise(text: str) -> str:
    """Case, accents and punctuation folded, single spaces; letters of every script kept."""
    decomposed = unicodedata.normalize("NFKD", text.replace("''", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _phrase_of(text: str, where: str) -> str:
    """The fixed part of a Bisq string's first line: up to its first {n} placeholder, or for a phrase looked
    for anywhere, its longest part between placeholders ("{0} has sent the payment account data:")."""
    parts = [normalise(p) for p in re.split(r"\{\d\}", text.split("\n", 1)[0])]
    phrase = max(parts, key=len) if where == "any" else parts[0]
    # A paragraph wraps: only its first words are sure to share a cell.
    return phrase if where == "line" else " ".join(phrase.split()[:MAX_PHRASE_WORDS])


@lru_cache(maxsize=1)
def phrases() -> tuple[Phrase, ...]:
    data = json.loads(get_resource_path("bisq", "window_labels.json").read_text(encoding="utf-8"))
    out: dict[tuple[str, str], Phrase] = {}
    for app in ("bisq1", "bisq2"):
        # English first: a language that lacks a translation repeats the English text, which stays "en".
        for lang, table in sorted(data[app].items(), key=lambda kv: kv[0] != "en"):
            for key, text in table.items():
                if key not in SIGNALS:
                    continue
                norm = _phrase_of(text, SIGNALS[key].where)
                if norm and _usable(norm, SIGNALS[key].where):
                    out.setdefault((key, norm), Phrase(norm, key, lang))
    return tuple(out.values())


def _usable(norm: str, where: str) -> bool:
    if where == "line":
        return True
    cjk = any(ord(ch) >= CJK_START for ch in norm)
    return len(norm) >= (MIN_PART_CHARS_CJK if cjk else MIN_PART_CHARS)


def _fuzzy_fits(phrase: str, windows: dict[int, list[str]]) -> bool:
    """The cell starts with the phrase but for an OCR error or two. Only at the cell's start: labels and
    titles are cells of their own, and trying every position of every sentence costs more than it finds.
    `windows`: the cell's first n words by n (from its start and from after an icon)."""
    for window in windows.get(phrase.count(" ") + 1, ()):
        # Cheap bounds before a matcher is built: the lengths must be close, and one end must be read right
        # (two OCR errors in a phrase of this length rarely hit both ends).
        if 2 * min(len(window), len(phrase)) < FUZZY_RATIO * (len(window) + len(phrase)):
            continue
        if window[:2] != phrase[:2] and window[-2:] != phrase[-2:]:
            continue
        matcher = difflib.SequenceMatcher(None, phrase, window, autojunk=False)
        if matcher.quick_ratio() >= FUZZY_RATIO and matcher.ratio() >= FUZZY_RATIO:
            return True
    return False


def _windows(cell: str, longest: int) -> dict[int, list[str]]:
    words_from = [cell.split(), cell[_head(cell):].split()] if _head(cell) else [cell.split()]
    return {n: [" ".join(words[:n]) for words in words_from if len(words) >= n] for n in range(1, longest + 1)}


ICON_CHARS = 2  # what OCR makes of a popup's warning or info icon before its headline ("A You can't …")
PREFIX = 3  # phrases are indexed by their first characters (every usable phrase has at least this many)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[Phrase]], dict[str, list[Phrase]], tuple[Phrase, ...]]:
    """Whole-cell phrases by their text, cell-start phrases by their first characters, and the phrases
    looked for anywhere."""
    whole: dict[str, list[Phrase]] = {}
    by_prefix: dict[str, list[Phrase]] = {}
    anywhere: list[Phrase] = []
    for ph in phrases():
        where = SIGNALS[ph.key].where
        if where == "line":
            whole.setdefault(ph.norm, []).append(ph)
        elif where == "start":
            by_prefix.setdefault(ph.norm[:PREFIX], []).append(ph)
        else:
            anywhere.append(ph)
    return whole, by_prefix, tuple(anywhere)


def _exact_hits(cell: str) -> set[Phrase]:
    whole, by_prefix, anywhere = _index()
    head = _head(cell)
    found = set(whole.get(cell, ())) | set(whole.get(cell[head:], ()))
    for pos in {0, head}:
        found.update(ph for ph in by_prefix.get(cell[pos:pos + PREFIX], ()) if cell.startswith(ph.norm, pos))
    # Anywhere, even inside a word: OCR glues a chat's nickname to the message after it ("aliceha enviado").
    found.update(ph for ph in anywhere if ph.norm in cell)
    return found


def _head(cell: str) -> int:
    """Where a cell's text starts: after a popup's icon when OCR read the icon as a letter or two."""
    first, _, rest = cell.partition(" ")
    return len(first) + 1 if rest and len(first) <= ICON_CHARS else 0


def _hits(cells: Sequence[str]) -> set[str]:
    matched: set[Phrase] = set()
    for cell in cells:
        matched |= _exact_hits(cell)
    found = {ph.key for ph in matched}
    if any(SIGNALS[k].weight >= HEADLINE_WEIGHT for k in found):
        return found  # headlines read exactly are trusted; the fuzzy pass is for what OCR garbled
    # Fuzzy only for what was not read exactly, in English and the languages already seen; when no other
    # language was seen, long phrases of every language (too long to match other text by chance).
    seen = {ph.lang for ph in matched} | {"en"}
    shortest = {lang: FUZZY_MIN_CHARS for lang in seen}
    candidates = [ph for ph in phrases() if ph.key not in found and SIGNALS[ph.key].where != "line"
                  and len(ph.norm) >= shortest.get(ph.lang, FUZZY_ANY_LANGUAGE_CHARS if seen == {"en"} else 10**6)]
    longest = max((ph.norm.count(" ") + 1 for ph in candidates), default=0)
    for cell in cells:
        windows = _windows(cell, longest)
        for ph in candidates:
            if ph.key not in found and _fuzzy_fits(ph.norm, windows):
                found.add(ph.key)
    return found


def _layout_scores(raw_cells: Sequence[str]) -> dict[str, int]:
    """Language-free hints for scripts the OCR model cannot read: Dispute details shows two onions and the
    contract hash; Trade details shows the trade ID with one onion."""
    text = "\n".join(raw_cells).lower()
    onions = len(set(ids.ONION.findall(text)) | set(ids.SHORT_ONION.findall(text)))
    has_hash = ids.TXID.search(text) is not None
    scores: dict[str, int] = {}
    if onions >= 2 and has_hash:
        scores[DISPUTE_DETAILS] = 2
    elif onions == 1 and has_hash:
        scores[TRADE_DETAILS] = 2
    return scores


def cell_texts(words: list[Word]) -> list[str]:
    """The text of each cell (a line cut at wide gaps), top to bottom: a headline is its own cell even when
    OCR puts desktop clutter beside it on the same line."""
    from redactor.image.layout import group_lines, split_cells

    return [" ".join(w.text for w in cell) for line in group_lines(words) for cell in split_cells(line)]


def recognise_words(words: list[Word]) -> Recognition:
    """The kind of a screenshot from the words OCR read in it."""
    return recognise(cell_texts(words))


def recognise(cells: Iterable[str]) -> Recognition:
    """The kind of a screenshot from its OCR'd text cells, top to bottom."""
    raw = list(cells)
    normed = [n for n in (normalise(t) for t in raw) if n]
    found = _hits(normed)
    scores = _layout_scores(raw)
    for key in found:
        sig = SIGNALS[key]
        scores[sig.kind] = scores.get(sig.kind, 0) + sig.weight
    headlines = {SIGNALS[k].kind for k in found if SIGNALS[k].weight >= HEADLINE_WEIGHT}
    for kind in DOMINANCE:
        if kind in headlines:
            return Recognition(kind, scores, sorted(found))
    best = max(scores.items(), key=lambda kv: (kv[1], -DOMINANCE.index(kv[0])), default=(OTHER, 0))
    kind = best[0] if best[1] >= MIN_SCORE else OTHER
    return Recognition(kind, scores, sorted(found))
