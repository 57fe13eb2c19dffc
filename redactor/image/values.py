"""What kind of value an OCR'd word is, beside its label: a plain value (an amount, a price, a time: kept when
a fill merely passes over it), or a value known to be personal (Bisq's files, the contract: hidden wherever it
is read, one OCR error tolerated)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from redactor.image.fieldlabels import label_vocabulary, normalise
from redactor.image.ocr import Word
from redactor.matching import one_edit

AMOUNT = re.compile(r"^[\d.,]+$|^\d[\d.,]*\s?(?:BTC|EUR|USD|XMR|BSQ|%)?$|^(?:BTC|EUR|USD|XMR|BSQ)$")
TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


def is_plain_value(word: Word) -> bool:
    """Amounts, prices, times: kept when a fill would merely pass over them, but redacted when they are part
    of a personal value (an account number is digits too)."""
    t = word.text.strip(",;()[]")
    if TIME.match(t):
        return True
    return bool(AMOUNT.match(t)) and any(ch.isdigit() for ch in t) and len(t) < 16


def known_tokens(values: Iterable[str]) -> frozenset[str]:
    """Normalised words of values known to be personal (a contract's payment data: `contract.personal_values`)
    that are specific enough to look for anywhere: names, places and banks (capitalised, 4+ letters), account
    codes and handles (with digits or "_"; digits alone: 6+, matched only whole), an e-mail whole and its local
    part; never a word of a Bisq label or payment method, nor a lower-case word of free text ("only", "cash")."""
    vocabulary = label_vocabulary()
    out: set[str] = set()
    for value in values:
        whole = normalise(value).replace(" ", "")
        if len(whole) >= 6 and whole not in vocabulary:
            out.add(whole)
        if "@" in value:
            local = normalise(value.split("@", 1)[0]).replace(" ", "")
            if len(local) >= 4:
                out.add(local)
            continue
        for raw in value.split():
            token = normalise(raw).replace(" ", "")
            if len(token) < 4 or token in vocabulary:
                continue
            if token.isdigit():
                if len(token) >= 6:
                    out.add(token)
            elif raw[:1].isupper() or "_" in raw or any(ch.isdigit() for ch in token):
                out.add(token)
    return frozenset(out)


def is_known(word: Word, known: frozenset[str]) -> bool:
    """The word is a known value, or (for 6+ letters) holds one or is one OCR error away from one (an accent
    read as another letter: "Müller" -> "Miller"); an amount or a time only when it is exactly one."""
    n = normalise(word.text).replace(" ", "")
    if len(n) < 4:
        return False
    if n in known:
        return True
    return not is_plain_value(word) and any(len(t) >= 6 and not t.isdigit() and (t in n or one_edit(n, t))
                                            for t in known)


def known_runs(cell: list[Word], known: frozenset[str]) -> list[list[Word]]:
    """Runs of 2-6 neighbouring words that together spell a known value: an account number OCR read as
    "1234 5678 9012" (each piece too short to look for on its own)."""
    norms = [normalise(w.text).replace(" ", "") for w in cell]
    runs = []
    for i in range(len(cell)):
        joined = norms[i]
        for j in range(i + 1, min(i + 6, len(cell))):
            joined += norms[j]
            if len(joined) >= 6 and joined in known:
                runs.append(cell[i:j + 1])
    return runs
