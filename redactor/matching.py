"""How a known personal value is looked for: one normalisation shared by the log sanitizer, the image side and
the final sweep, so "Müller", "MULLER", "m\u00fcller" and "Mueller"'s variants, an IBAN in groups or in lower case,
a phone number as "+49 151 2345 6789" or "0151 23456789", and an e-mail's local part all match.

A value becomes needles of three modes:
- "word": a name part of 4+ letters (or a whole one-word value), matched as a whole word of normalised text;
- "compact": letters and digits with every separator removed (IBANs, BICs, whole names, e-mail addresses and
  their local part, codes with letters), matched anywhere in the text with separators removed (6+ characters:
  shorter ones would meet other words by chance);
- "digits": a number of 6+ digits (account numbers, phone numbers and their national form), matched between
  non-digits in text where digit groups joined by one space, "-", "/" or ")" are joined (but never across ":"
  or ".": a log's timestamps would otherwise spell any number);
- "literal": a short number written in groups ("20-00-00"), matched only with its groups, split by "-" or " ",
  in the text as it is (lower case, no accents): as a bare number it would meet ordinary numbers of a log.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

WORD, COMPACT, DIGITS, LITERAL = "word", "compact", "digits", "literal"
MIN_WORD = 4  # name parts shorter than this ("Li", "Ng") meet ordinary words too often
MIN_COMPACT = 6  # a 6-character code with letters is specific; 5 ("bank1") is not
MIN_DIGITS = 6  # a UK sort code; shorter runs are amounts and times
MIN_LOOSE_DIGITS = 8  # a shorter number written in groups ("20-00-00") is matched only in its groups
MIN_HEX_COMPACT = 12  # below this a code of hex characters is met inside tx IDs and hashes run together
COUNTRY_CODE_MAX = 3  # "+1" .. "+998": a phone's national form drops 1-3 leading digits for a "0"
MAX_FREE_TEXT = 60  # a longer free-text value is matched by its specific pieces only, not whole

# Kinds (payload field names) whose values are names: every part of 4+ letters is looked for on its own.
NAME_KINDS = frozenset({
    "holderName", "accountOwner", "userName", "bankAccountName", "beneficiaryName", "contact", "venmoUserName",
    "accountHolderName", "name", "accountName", "cashTag"})
# Free text: looked for whole only when short; otherwise by its pieces with digits or an "@".
FREE_KINDS = frozenset({"extraInfo", "requirements", "specialInstructions", "additionalInstructions", "question",
                        "answer", "accountData", "free-text", "chat"})
PHONE_KINDS = frozenset({"mobileNr", "mobileNumber", "beneficiaryPhone", "emailOrMobileNr", "phone"})
_SEP_BETWEEN_DIGITS = re.compile(r"(?<=\d)(?:[ \-/]|\) ?)(?=\d)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Letters Unicode does not decompose into a base letter and an accent.
_NOT_DECOMPOSED = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                                 "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ı": "i"})
ADDRESS_KINDS = frozenset({"postalAddress", "holderAddress", "beneficiaryAddress", "bankAddress", "city", "state",
                           "beneficiaryCity", "intermediaryAddress", "bankBranch", "bankName", "bankBranchName"})


def fold(text: str) -> str:
    """Lower case without accents ("Müller" -> "muller", "Ø" stays out): the form every comparison uses."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def normalise(text: str) -> str:
    """fold(), punctuation to single spaces: 'Número de cuenta:' -> 'numero de cuenta' (as fieldlabels.normalise)."""
    return " ".join(_NON_ALNUM.sub(" ", fold(text)).split())


def compact(text: str) -> str:
    """Letters and digits only: 'DE89 3704 0044' -> 'de8937040044'."""
    return _NON_ALNUM.sub("", fold(text))


def digit_groups_joined(folded: str) -> str:
    """Digit groups written with a space, '-', '/' or ')' between them joined: '+49 151 2345-6789' ->
    '+4915123456789'; '11:19:30.123' stays as it is."""
    return _SEP_BETWEEN_DIGITS.sub("", folded)


@dataclass(frozen=True, order=True)
class Needle:
    mode: str
    form: str


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Words of Bisq's labels and payment-method names in every language: never a needle on their own."""
    try:
        from redactor.image.fieldlabels import label_vocabulary
    except ImportError:  # a build without the image side still matches values, only less selectively
        return frozenset()
    return label_vocabulary()


def _phone(value: str) -> set[Needle]:
    digits = re.sub(r"\D", "", value)
    out = set()
    if len(digits) >= MIN_DIGITS:
        out.add(Needle(DIGITS, digits))
    if value.lstrip().startswith(("+", "00")):
        bare = digits[2:] if value.lstrip().startswith("00") else digits
        for k in range(1, COUNTRY_CODE_MAX + 1):
            national = "0" + bare[k:]
            if len(national) >= MIN_DIGITS + 2:  # a national number is at least 8 digits with its "0"
                out.add(Needle(DIGITS, national))
            if len(bare[k:]) >= MIN_DIGITS + 2:
                out.add(Needle(DIGITS, bare[k:]))
    return out


def _code(value: str) -> set[Needle]:
    """A code or a whole value: digits as a number; with digits and letters compact; letters only (a whole
    name, a BIC) as its words, so "annalee" is not found inside other words run together. A short code of hex
    characters only is matched as a word too: run together, the hex IDs of a log would spell it by chance."""
    c = compact(value)
    if c.isdigit():
        if len(c) < MIN_DIGITS:
            return set()
        written = normalise(value)  # "123.456.789-09" also as written: its dots are not joined in the view
        if " " in written and len(c) < MIN_LOOSE_DIGITS:  # "20-00-00" is neither "took 200000 ms" nor a time
            groups = written.split()
            return {Needle(LITERAL, "-".join(groups)), Needle(LITERAL, " ".join(groups))}
        return {Needle(DIGITS, c)} | ({Needle(WORD, written)} if " " in written else set())
    if len(c) < MIN_COMPACT and not (len(c) >= MIN_WORD and c.isalpha()):
        return set()
    hexlike = all(ch in "0123456789abcdef" for ch in c) and len(c) < MIN_HEX_COMPACT
    if c.isalpha() or hexlike:
        words = normalise(value).split()
        if all(w in _vocabulary() or len(w) < MIN_WORD for w in words):
            return set()  # "SEPA EUR", "My bank": only label words, nothing of the person
        return {Needle(WORD, " ".join(words))}
    return {Needle(COMPACT, c)}


def _words(value: str, names: bool) -> set[Needle]:
    """Name parts of 4+ letters (capitalised ones only unless `names`), never a label word."""
    vocabulary = _vocabulary()
    out = set()
    for raw in re.split(r"[\s,;/()'’\-]+", value):
        w = normalise(raw)
        if " " in w or len(w) < MIN_WORD or not w.isalpha() or w in vocabulary:
            continue
        if names or raw[:1].isupper():
            out.add(Needle(WORD, w))
            spelled = normalise(_transliterate(raw))  # "Müller" is also written "Mueller"
            if spelled != w:
                out.add(Needle(WORD, spelled))
    return out


def _transliterate(text: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return text


def needles(value: str, kind: str = "") -> frozenset[Needle]:
    """What to look for to find `value` (of payload field `kind`) in any of its written forms."""
    value = value.strip()
    if not value:
        return frozenset()
    out: set[Needle] = set()
    if "@" in value and kind not in FREE_KINDS:
        local = value.split("@", 1)[0]
        out.add(Needle(COMPACT, compact(value)))
        if len(compact(local)) >= MIN_WORD:
            out |= _code(local) or {Needle(WORD, normalise(local))}
        return frozenset(out)
    if kind in PHONE_KINDS and sum(ch.isdigit() for ch in value) >= MIN_DIGITS:
        return frozenset(_phone(value))
    if kind in FREE_KINDS:
        if len(value) <= MAX_FREE_TEXT:
            out |= _code(value)
        for piece in value.split():
            if "@" in piece:
                out |= needles(piece.strip(".,;:()<>"), "email")
            elif any(ch.isdigit() for ch in piece):
                out |= _code(piece)
        return frozenset(out)
    out |= _code(value)
    if kind in NAME_KINDS or kind in ADDRESS_KINDS or not any(ch.isdigit() for ch in value):
        out |= _words(value, names=kind in NAME_KINDS)
    return frozenset(out)


def all_needles(values: Iterable[tuple[str, str]]) -> frozenset[Needle]:
    """needles() of every (value, kind)."""
    out: set[Needle] = set()
    for value, kind in values:
        out |= needles(value, kind)
    return frozenset(out)


class Views:
    """The three normalised views of one text that needles are matched against."""

    def __init__(self, text: str) -> None:
        folded = fold(text)
        words = _NON_ALNUM.sub(" ", folded)
        self.words = f" {' '.join(words.split())} "
        self.compact = words.replace(" ", "")
        self.digits = digit_groups_joined(folded)
        self.folded = folded


def _bounded_hit(view: str, form: str, letter_after: bool) -> bool:
    """`form` not inside a longer number or word (a hex tx ID holds digit runs); with `letter_after` a letter
    may follow (Bisq's NEFT text runs "…56789IFS Code" together)."""
    start = view.find(form)
    while start >= 0:
        end = start + len(form)
        after_ok = end == len(view) or not (view[end].isdigit() if letter_after else view[end].isalnum())
        if (start == 0 or not view[start - 1].isalnum()) and after_ok:
            return True
        start = view.find(form, start + 1)
    return False


def hits(views: Views, found: Iterable[Needle]) -> list[Needle]:
    """The needles that occur in the text."""
    out = []
    for n in found:
        if n.mode == WORD:
            ok = f" {n.form} " in views.words
        elif n.mode == COMPACT:
            ok = n.form in views.compact
        elif n.mode == DIGITS:
            ok = _bounded_hit(views.digits, n.form, letter_after=True)
        else:
            ok = _bounded_hit(views.folded, n.form, letter_after=False)
        if ok:
            out.append(n)
    return out


def one_edit(a: str, b: str) -> bool:
    """a and b differ by exactly one substituted, inserted or deleted character (an OCR error)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]
