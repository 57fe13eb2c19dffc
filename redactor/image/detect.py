"""Decide which OCR'd words are personal data, from Bisq's layouts and labels plus patterns anywhere.

Rules (facts.md §4, §5e):
1. A row labelled as payment details ("BTC buyer payment details", "Buyers account data", …): its whole value,
   to the end of the value cell.
2. A field label ("Account owner full name", "IBAN", … in any Bisq language): the value right of it in the same
   row, below it (small label above a field), or after its colon inside text ("Holder name: …").
3. Anywhere: e-mail addresses, IBANs, phone numbers, account names "<method> (…): <owner>", and values known
   to be personal (the trade contract's payment data, when given: a name in a chat message has no label).
Never: words that look like trade IDs, tx IDs, hashes, onions, bitcoin addresses, amounts, prices or dates,
and never the labels themselves, even on a row that also holds redacted data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from redactor.bisq import ids
from redactor.image import bisq2screens
from redactor.image.fieldlabels import (
    FIELD,
    GENERIC,
    ROW,
    Label,
    Matcher,
    languages_seen,
    normalise,
    payment_method_names,
)
from redactor.image.layout import Line, group_lines, median_height, overlay_edge, split_cells
from redactor.image.ocr import Word
from redactor.image.values import is_known, is_plain_value, known_runs

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+\s?@\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")
PHONE = re.compile(r"(?<![\w.])(?:\+\s?\d{1,3}[\s\d().-]{6,16}\d|\(\d{3}\)\s?\d{3}-\d{4})(?![\w.])")
# A BIC on its own: bank (4 letters), ISO country, location (2), optional branch (3).
BIC = re.compile(r"^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?[,.;]?$")
COUNTRIES = set(
    "AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BW BY BZ CA CD "
    "CF CG CH CI CK CL CM CN CO CR CU CV CW CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FK FM FO FR GA GB GD GE "
    "GF GG GH GI GL GM GN GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IM IN IQ IR IS IT JE JM JO JP KE KG KH KI KM "
    "KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW "
    "MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA "
    "SB SC SD SE SG SH SI SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG US "
    "UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW".split())
# Partial identifiers cut off by a field, and values that are never personal.
# A piece of a hash or tx ID has hex letters; a run of plain digits is an account number (CLABE, CBU, …).
HEX_RUN = re.compile(r"^(?=[0-9]*[a-f])[0-9a-f]{12,}\W*$")
B32_RUN = re.compile(r"^[a-z2-7]{20,}(?:\.onion\S*)?\W*$|\.onion")


@dataclass
class Span:
    """Words of one line to hide; `to_cell_end`: extend the fill to the end of the value cell."""
    line: Line
    words: list[Word]
    reason: str
    to_cell_end: bool = False
    left: int | None = None  # start the fill here (value cell's start) instead of at the first word
    label_end: int | None = None  # a row label's right end: the fill may start at any ink after it


def is_protected(word: Word) -> bool:
    """An identifier support needs (trade/tx ID, hash, onion, bitcoin address, or a cut-off piece of one):
    never redacted, whatever rule matched its line."""
    t = word.text.strip(",;()[]")
    if not t:
        return False
    if any(p.search(t) for p in ids.KEEP_PATTERNS):
        return True
    if HEX_RUN.match(t) or B32_RUN.search(t):
        return True
    # OCR breaks long IDs ('|' for 'l', a stray space or accent): judge by the share of ID characters.
    core = re.sub(r"[^0-9A-Za-z|]", "", t)
    if IBAN.search(t) or EMAIL.search(t) or sum(ch in "abcdef" for ch in core) < 3:
        return False
    if len(core) >= 16:
        hexish = sum(ch in "0123456789abcdef" for ch in core) / len(core)
        b32ish = sum(ch in "abcdefghijklmnopqrstuvwxyz234567|" for ch in core) / len(core)
        has_digit = any(ch.isdigit() for ch in core)
        return has_digit and (hexish >= 0.9 or (b32ish >= 0.9 and len(core) >= 30))
    return False


def _label_prefix(m: Matcher, words: list[Word], max_words: int) -> tuple[Label, int] | None:
    """Longest run of leading words that is a known label (optionally ending with ':')."""
    best = None
    for k in range(1, min(len(words), max_words) + 1):
        lab = m.lookup(" ".join(w.text for w in words[:k]))
        if lab is not None:
            best = (lab, k)
        if words[k - 1].text.endswith(":"):  # a label ends at its colon; fuzzy matching must not eat the value
            break
    return best


def _colon_labels(m: Matcher, words: list[Word], max_words: int) -> list[tuple[Label, int, int]]:
    """(label, first word, last word) for every 'Label:' inside a run of words."""
    out = []
    for j, w in enumerate(words):
        if not w.text.endswith(":"):
            continue
        prev_colon = max((i for i in range(j) if words[i].text.endswith(":")), default=-1)
        # Longest first, never across an earlier colon: that label's value ends here ("name: | Hier:" read
        # from a pixelated value is no label "name … Hier").
        for k in range(min(j - prev_colon, max_words), 0, -1):
            lab = m.lookup(" ".join(x.text for x in words[j - k + 1:j + 1]))
            if lab is not None:
                out.append((lab, j - k + 1, j))
                break
    return out


def _text_spans(words: list[Word]) -> tuple[str, list[int]]:
    """Joined text and, per character, the index of its word (-1 for the joining spaces)."""
    text, owner = "", []
    for i, w in enumerate(words):
        if i:
            text += " "
            owner.append(-1)
        text += w.text
        owner.extend([i] * len(w.text))
    return text, owner


def _pattern_words(words: list[Word]) -> list[tuple[int, int, str]]:
    text, owner = _text_spans(words)
    hits = []
    for pat, reason in ((EMAIL, "email"), (IBAN, "iban"), (PHONE, "phone")):
        for mt in pat.finditer(text):
            idx = sorted({owner[i] for i in range(mt.start(), mt.end()) if owner[i] >= 0})
            if idx:
                hits.append((idx[0], idx[-1], reason))
    for i, w in enumerate(words):
        mb = BIC.match(w.text)
        # Without a label, only BIC-shaped words no UI text has (a digit, or the XXX branch): "ARBITRATION"
        # and "SETTINGS" are BIC-shaped too. A BIC under or after its label is found by the label rules.
        if mb and mb.group(1) in COUNTRIES and (any(ch.isdigit() for ch in w.text) or "XXX" in w.text):
            hits.append((i, i, "bic"))
    return hits


@dataclass
class Unread:
    """A label whose value OCR could not read (pre-blurred, pixelated, odd font): the caller fills the area
    where the value must be when it holds ink. `beside`: the value is right of the label, else under it."""
    line: int
    label: list[Word]
    beside: bool
    reason: str


@dataclass
class Found:
    lines: list[Line]
    spans: list[Span]
    label_ids: set[int]  # id() of words recognised as labels: never covered
    unread: list[Unread]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.lines, self.spans))


def find_spans(words: list[Word], gray: np.ndarray | None = None, known: frozenset[str] = frozenset()) -> Found:
    """`gray`: the image, to tell a popup's words from the window behind it on one line (optional).
    `known`: `known_tokens()` of values known to be personal, hidden wherever they are read (a name in chat)."""
    lines = group_lines(words)
    m = Matcher(languages_seen([ln.text for ln in lines]))
    mw = m.d.max_words
    methods = payment_method_names()
    spans: list[Span] = []
    label_ids: set[int] = set()
    unread: list[Unread] = []

    for li, line in enumerate(lines):
        cells = split_cells(line)
        for ci, cell in enumerate(cells):
            hit = _label_prefix(m, cell, mw)
            if hit is not None:
                lab, k = hit
                label_ids.update(id(w) for w in cell[:k])
                rest = cell[k:]
                after = cells[ci + 1] if ci + 1 < len(cells) else []
                if lab.kind == ROW:
                    value = rest + [w for c in cells[ci + 1:] for w in c]
                    edge = None
                    if gray is not None:  # a popup over the row: what is right of its edge is the popup's
                        y0, y1 = line.band()
                        edge = overlay_edge(gray, cell[k - 1].x1 + 1, line.x1, y0, y1)
                    if edge is not None:
                        value = [w for w in value if w.x1 <= edge]
                        if not value:
                            continue
                    if value:
                        spans.append(Span(line, value, "payment-details", to_cell_end=True, left=value[0].x,
                                          label_end=cell[k - 1].x1))
                    else:  # a pre-pixelated or blurred value: OCR reads nothing (or only specks) in it
                        unread.append(Unread(li, cell[:k], True, "payment-details"))
                    continue
                if lab.kind == FIELD:
                    right_is_value = (bool(after) and ci == 0 and len(cells) == 2
                                      and _label_prefix(m, after, mw) is None)
                    below = None if (rest or lab.generic) else _field_below(m, lines, li, cell)
                    has_colon = cell[k - 1].text.endswith(":")
                    if rest and has_colon:
                        if _unreadable(rest, cell[:k]):
                            unread.append(Unread(li, cell[:k], True, "account-field"))
                        else:  # to the end of the cell: a blurred tail OCR could not read goes too
                            spans.append(Span(line, rest, "account-field", to_cell_end=True))
                    elif has_colon and after and _label_prefix(m, after, mw) is None:
                        # "Label:" then a gap: the next cell is its value, however many cells the line has
                        # (a popup's line can run into the window behind it). What OCR makes of a pixelated or
                        # blurred value is junk, maybe over several lines: the area right of the label goes too.
                        if _unreadable(after, cell[:k]) or _unsure([w for c in cells[ci + 1:] for w in c]):
                            unread.append(Unread(li, cell[:k], True, "account-field"))
                        if not _unreadable(after, cell[:k]):
                            spans.append(Span(line, after, "account-field", to_cell_end=True, left=after[0].x))
                    elif has_colon and not rest and not after and not lab.generic:
                        # Nothing read right of "Label:" (a pixelated value gives specks, grouped apart): its
                        # value is there, not under it, whatever label follows on the next line.
                        unread.append(Unread(li, cell[:k], True, "account-field"))
                    elif below is not None and below is not LABEL_BELOW:  # small label above a field
                        bl, bw = below
                        spans.append(Span(bl, bw, "account-field", to_cell_end=True, left=min(cell[0].x, bw[0].x)))
                    elif not rest and right_is_value and _similar_height(cell, after):  # label left of value
                        spans.append(Span(line, after, "account-field", to_cell_end=True, left=after[0].x))
                    elif below is LABEL_BELOW:
                        pass
                    elif not rest and not lab.generic:  # nothing readable under it: blurred or odd font
                        unread.append(Unread(li, cell[:k], cell[k - 1].text.endswith(":"), "account-field"))
                    if k == len(cell):
                        continue
                # A KEEP label ("Payment method:", "Trade ID:") keeps its value, but the rest of the cell is
                # still searched below: "Payment method: SEPA, paid by alice@example.com".
            # "Label: value" pairs inside free text (popups, one-line payment details, chat).
            colon = _colon_labels(m, cell, mw)
            for n, (lab, a, b) in enumerate(colon):
                label_ids.update(id(w) for w in cell[a:b + 1])
                end = colon[n + 1][1] if n + 1 < len(colon) else len(cell)
                if lab.kind in (FIELD, ROW) and b + 1 < end:
                    # The last value on the line runs to the end of the cell (a blurred tail is ink OCR missed).
                    spans.append(Span(line, cell[b + 1:end], "account-field", to_cell_end=n + 1 == len(colon)))
            # Account names "Zelle (ClearXchange): mfiver..." / "SEPA: Alice Müller, DE89…".
            for j, w in enumerate(cell):
                if w.text.endswith(":") and j + 1 < len(cell):
                    head = normalise(" ".join(x.text for x in cell[:j + 1]))
                    if head in methods or head.split(" ")[0] in methods and "(" in cell[j].text + cell[0].text:
                        spans.append(Span(line, cell[j + 1:], "account-name"))
                        break
            for a, b, reason in _pattern_words(cell):
                spans.append(Span(line, cell[a:b + 1], reason))
            if known:
                spans.extend(Span(line, [w], "known-personal") for w in cell if is_known(w, known))
                spans.extend(Span(line, run, "known-personal") for run in known_runs(cell, known))

    return _protect(lines, spans, label_ids, unread)


def _protect(lines: list[Line], spans: list[Span], label_ids: set[int], unread: list[Unread]
             ) -> Found:
    """Labels and identifiers dropped from every span (the fill is split around them later). Inside a
    payment-details row the whole value goes, inner "IBAN:" labels included (hides its structure); Bisq 2's
    free-text account data and receiving addresses (bisq2screens.py) go whole, labels and IDs included."""
    row_ids = {id(w) for sp in spans if sp.reason == "payment-details" for w in sp.words}
    bisq2 = [Span(ln, ws, why, to_cell_end=True, left=left) for ln, ws, why, left in bisq2screens.spans(lines)]
    row_ids |= {id(w) for sp in bisq2 for w in sp.words}
    out = []
    for sp in spans:
        kept = [w for w in sp.words if (id(w) in row_ids or id(w) not in label_ids) and not is_protected(w)]
        if kept:
            sp.words = kept
            out.append(sp)
    out.extend(bisq2)
    return Found(lines, out, label_ids - row_ids, unread)


def _unreadable(value: list[Word], label: list[Word]) -> bool:
    """OCR's reading of a pixelated or blurred value: specks, symbols, or words it has no confidence in."""
    h = median_height(label)
    return all(w.h < 0.6 * h or not any(ch.isalnum() for ch in w.text) for w in value)


def _unsure(value: list[Word]) -> bool:
    """Tesseract has little confidence in what it read (typical of pixelation; real text can score low too,
    so this only adds the unread-value fill, never replaces the value's own)."""
    return sum(w.conf for w in value) / len(value) < 50


def _similar_height(a: list[Word], b: list[Word]) -> bool:
    return 0.7 <= median_height(b) / max(1, median_height(a)) <= 1.4


def _field_below(m: Matcher, lines: list[Line], li: int, cell: list[Word]) -> tuple[Line, list[Word]] | None:
    """The value of a small label above a field: the next line's cell starting under the label, unless that
    cell is itself a label (label-left windows stack labels)."""
    x0 = cell[0].x
    med = median_height(cell)
    h = max(w.h for w in cell if w.h <= 1.6 * med)  # cap height: words like "name" alone are too short
    y_lab = max(w.y1 for w in cell if w.h <= 1.6 * med)
    for nl in lines[li + 1:li + 5]:
        top = nl.band()[0]
        if top - y_lab > 3.0 * h:
            break
        if top < y_lab:
            continue
        for c in split_cells(nl):
            if median_height(c) < 0.6 * h:
                continue  # specks OCR'd from a blurred or pixelated value: handled as unread
            if abs(c[0].x - x0) <= 1.5 * h:
                if _label_prefix(m, c, m.d.max_words) is not None:
                    # Directly stacked labels hold no field between them; farther down an unreadable
                    # (pre-blurred) field may sit in the gap: the caller then fills it if it has ink.
                    gap = top - y_lab
                    return LABEL_BELOW if gap < 1.2 * min(w.h for w in cell) else None
                return nl, c
    return None


# _field_below's answer when the next thing under a label is another label (a heading, or stacked labels).
LABEL_BELOW: tuple[Line, list[Word]] = (Line([]), [])


def protected_words(lines: list[Line]) -> list[Word]:
    return [w for ln in lines for w in ln.words if is_protected(w)]


__all__ = ["Span", "find_spans", "is_protected", "is_plain_value", "protected_words", "EMAIL", "IBAN", "PHONE",
           "GENERIC"]
