"""How a known personal value is looked for: one normalisation shared by the log sanitizer, the image side and
the final sweep, so "Müller", "MULLER", "m\u00fcller" and "Mueller"'s variants, an IBAN in groups or in lower case,
a phone number as "+49 151 2345 6789" or "0151 23456789", and an e-mail's local part all match.

A value becomes needles of three modes:
- "word": a name part of 7+ letters, a whole name or a one-word value, matched as a whole word of normalised
  text, in any case;
- "name": a name part of 4-6 letters, matched as a whole word written as a name ("Will", "WILL"; not "will");
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

WORD, NAME, COMPACT, DIGITS, LITERAL = "word", "name", "compact", "digits", "literal"
MIN_WORD = 4  # name parts shorter than this ("Li", "Ng") meet ordinary words too often
CJK_START = 0x2E80  # Chinese, Japanese and Korean signs (and beyond): scripts written without spaces
MIN_CJK = 3  # a 2-sign name ("王伟") is a common word part too
MIN_LOWER_CASE_NAME = 7  # a shorter name part matches only capitalised ("Will" but not "will"); longer ones anyhow
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
# Letters of other scripts (Cyrillic, Greek, CJK, Thai, …) are kept: an SBP holder name is often Cyrillic.
_NON_ALNUM = re.compile(r"[^0-9a-z\u0080-\U0010ffff]+")
# Letters Unicode does not decompose into a base letter and an accent.
_NOT_DECOMPOSED = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                                 "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ı": "i"})
_HAS_NOT_DECOMPOSED = re.compile("[" + "".join(chr(c) for c in _NOT_DECOMPOSED) + "]")
ADDRESS_KINDS = frozenset({"postalAddress", "holderAddress", "beneficiaryAddress", "bankAddress", "city", "state",
                           "beneficiaryCity", "intermediaryAddress", "bankBranch", "bankName", "bankBranchName"})


def deaccent(text: str) -> str:
    """Latin letters without accents, case kept ("Örjan Müller" -> "Orjan Muller", "ß" -> "ss"); letters and
    digits of other scripts kept as they are; other symbols ("✔", "€") become spaces."""
    if text.isascii():
        return text
    if _HAS_NOT_DECOMPOSED.search(text):  # str.translate is slow on a large text: only when needed
        text = text.translate(_NOT_DECOMPOSED)
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if ch.isascii() or (ch.isalnum() and not unicodedata.combining(ch)):
            out.append(ch)
        elif not unicodedata.combining(ch):
            out.append(" ")
    return "".join(out)


def fold(text: str) -> str:
    """Lower case without accents ("Müller" -> "muller", "Ø" -> "o"): the form every comparison uses."""
    return deaccent(text).lower()


def normalise(text: str) -> str:
    """fold(), punctuation to single spaces: 'Número de cuenta:' -> 'numero de cuenta' (as fieldlabels.normalise,
    except that letters of other scripts are kept: 'Иван' -> 'иван')."""
    return " ".join(_NON_ALNUM.sub(" ", fold(text)).split())


def compact(text: str) -> str:
    """Letters and digits only: 'DE89 3704 0044' -> 'de8937040044'."""
    return _NON_ALNUM.sub("", fold(text))


@dataclass(frozen=True, order=True)
class Needle:
    mode: str
    form: str


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Words of Bisq's labels and payment-method names in every language: never a needle on their own."""
    from redactor.image.fieldlabels import label_vocabulary

    return label_vocabulary()


def _phone(value: str) -> set[Needle]:
    digits = re.sub(r"\D", "", value)
    out = set()
    if len(digits) >= MIN_DIGITS:
        out.add(Needle(DIGITS, digits))
    if value.lstrip().startswith(("+", "00")):
        bare = digits[2:] if value.lstrip().startswith("00") else digits
        out |= {Needle(DIGITS, bare), Needle(DIGITS, "00" + bare)}  # "+49 …" is also dialled "0049 …"
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
    if any(ord(ch) >= CJK_START for ch in c):  # written without spaces: found inside the text, 3+ signs
        return {Needle(COMPACT, c)} if len(c) >= MIN_CJK else set()
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
            # A short name part is often a word too ("Will", "Mark", "Rose"): it counts only written as a name.
            mode = WORD if len(w) >= MIN_LOWER_CASE_NAME or not w.isascii() else NAME
            out.add(Needle(mode, w))
            spelled = normalise(_transliterate(raw))  # "Müller" is also written "Mueller"
            if spelled != w:
                out.add(Needle(mode, spelled))
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


# ASCII that is neither a digit nor a lower-case letter; bytes of other scripts (0x80-0xFF) count as letters.
_NOT_ALNUM_BYTES = bytes(b for b in range(0x80) if not (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A))
_ALNUM_CLASS = rb"a-z0-9\x80-\xff"
_DIGIT_SEP = rb"(?:[ \-/]|\) ?)?"  # digit groups joined by one space, "-", "/" or ")" count as one number


def fold_bytes(data: bytes) -> bytes:
    """fold() of UTF-8 bytes, as ASCII bytes: only the non-ASCII runs are decoded (a log is mostly ASCII)."""
    return Views(data).folded


_LOWER = bytes.maketrans(bytes(range(0x41, 0x5B)), bytes(range(0x61, 0x7B)))
_NOT_ALNUM_ANY_CASE = bytes(b for b in _NOT_ALNUM_BYTES if not 0x41 <= b <= 0x5A)
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")


def _fold_run(run: bytes) -> bytes:
    text = deaccent(run.decode("utf-8", "replace"))
    return "".join(ch if ch.isascii() else ch.lower() for ch in text).encode("utf-8")


class Views:
    """One text, compact (letters and digits only, lower case, no accents) and folded (the same with its
    punctuation; made only when a needle's key is in the compact view). Every needle is first looked for in
    the compact view (one substring search: no match, no hit), and only then confirmed with its exact rule on
    the folded text; so a large log costs one translation and a substring search per needle key."""

    def __init__(self, text: str | bytes) -> None:
        raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        if not raw.isascii():
            # Accents off, other scripts in lower case (their case is not compared), as UTF-8.
            raw = _NON_ASCII_RUN.sub(lambda m: _fold_run(m.group()), raw)
        self._ascii = raw
        self.compact = raw.translate(_LOWER, _NOT_ALNUM_ANY_CASE)
        self._folded: bytes | None = None

    @property
    def cased(self) -> bytes:
        """The text without accents, its case kept (for "name" needles)."""
        return self._ascii

    @property
    def folded(self) -> bytes:
        if self._folded is None:
            self._folded = self._ascii.lower()
        return self._folded


@lru_cache(maxsize=4096)
def _rule(needle: Needle) -> re.Pattern[bytes]:
    """The exact rule of a needle, as a pattern over folded bytes (see the module docstring). Each pattern
    starts with a literal, so the regex engine skips to candidates at memory speed; what must not come before
    the match is checked by `_starts_free`."""
    form = needle.form.encode("utf-8")
    not_after = rb"(?![" + _ALNUM_CLASS + rb"])"
    if needle.mode == NAME:  # over the text with its case: "Will" or "WILL", never "will"
        first, rest = re.escape(form[:1].upper()), form[1:]
        return re.compile(first + b"(?:" + re.escape(rest) + b"|" + re.escape(rest.upper()) + rb")(?![A-Z"
                          + _ALNUM_CLASS + rb"])")
    separators = rb"[^" + _ALNUM_CLASS + rb"]"
    if needle.mode == WORD:
        return re.compile((separators + b"+").join(re.escape(w) for w in form.split()) + not_after)
    if needle.mode == COMPACT:
        return re.compile((separators + b"*").join(re.escape(bytes([c])) for c in form))
    if needle.mode == DIGITS:
        # A letter may follow (Bisq's NEFT one-line text runs "…56789IFS Code" together), a digit may not.
        return re.compile(_DIGIT_SEP.join(re.escape(bytes([c])) for c in form) + rb"(?!\d)")
    return re.compile(re.escape(form) + not_after)


# Inside a word, or inside a number written in groups.
_BEFORE_DIGITS = re.compile(rb"(?:[" + _ALNUM_CLASS + rb"]|\d[ \-/]|\d\) ?)$")


def _starts_free(needle: Needle, folded: bytes, start: int) -> bool:
    """Nothing joins the match to what precedes it: not inside a word; a number not inside a longer number."""
    if needle.mode == COMPACT or start == 0:
        return True
    if needle.mode == DIGITS:
        return _BEFORE_DIGITS.search(folded, max(0, start - 3), start) is None
    prev = folded[start - 1]
    return not (0x30 <= prev <= 0x39 or 0x61 <= prev <= 0x7A or 0x41 <= prev <= 0x5A or prev >= 0x80)


def _key(needle: Needle) -> bytes:
    return needle.form.encode("utf-8").translate(None, _NOT_ALNUM_BYTES)


def _find(views: Views, needle: Needle) -> int | None:
    if _key(needle) not in views.compact:
        return None
    text = views.cased if needle.mode == NAME else views.folded
    for m in _rule(needle).finditer(text):
        if _starts_free(needle, text, m.start()):
            return m.start()
    return None


def _minimal_keys(found: Iterable[Needle]) -> dict[bytes, list[Needle]]:
    """Needles grouped under the shortest key each one's key contains: a text without "700900123" holds none of
    "+44 7700 900123"'s forms, nor "alicemuller" without "alice" - one search instead of several."""
    keys = sorted({_key(n) for n in found}, key=len)
    groups: dict[bytes, list[Needle]] = {}
    for n in found:
        k = _key(n)
        base = next(b for b in keys if b in k)
        groups.setdefault(base, []).append(n)
    return groups


def hits(views: Views, found: Iterable[Needle]) -> list[Needle]:
    """The needles that occur in the text."""
    out = []
    for base, group in _minimal_keys(found).items():
        if base in views.compact:
            out += [n for n in group if _find(views, n) is not None]
    return out


def first_hit(views: Views, found: Iterable[Needle]) -> tuple[Needle, int] | None:
    """A hit, as (needle, offset of its first occurrence in the folded text: the line is the same as in the
    original); None when no needle occurs."""
    for base, group in sorted(_minimal_keys(found).items()):
        if base in views.compact:
            for n in sorted(group):
                at = _find(views, n)
                if at is not None:
                    return n, at
    return None


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
