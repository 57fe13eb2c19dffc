"""One set of known personal values per case, found again in any text in any of their spellings.

Every value a detector found anywhere in a case (a holder name in a payload dump, an IBAN, an e-mail), every
value given from outside (`known_values`: e.g. the trade's payment data read from Bisq's own files) and the OS
user names become patterns: the whole value and, per kind, its other spellings - case (the haystack is
lower-cased, non-ASCII cases are added), accents dropped or transliterated (`Müller`, `Muller`, `Mueller`),
name parts of 4+ letters, an e-mail's local part, IBAN groups with spaces or dashes, a phone number with
`+`, `00` or a national `0`. All patterns are searched in one Aho-Corasick pass over a block (a Rust
automaton: a `re` alternation of thousands of values would cost seconds per 10 MB). A match must stand as a
word; it gets the placeholder of the value it came from, so `Olga` alone is `<name-1>` like `Olga Mensah`.
An identifier inside a match (a holder name that held a trade ID) is cut out and stays.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick_rs

from redactor.text.freeform import iban_valid
from redactor.text.placeholders import canonical
from redactor.text.spans import IS_WORD, KNOWN, Raw, enc, word_before
from redactor.text.userpaths import bare_variants

Item = tuple[str, str]  # (kind, canonical value)

# Kinds whose values are looked for again; IPs, bridges and keys are found by their own shape wherever they are.
# (A salt looks like a tx ID: wherever else it stood, it would be protected as one.)
PROPAGATED = ("name", "email", "phone", "iban", "account", "address", "bank", "text", "user")
MIN_PART = 4  # name parts shorter than this ("Li", "Ana") are found only within the whole name
MIN_VALUE = 4  # shorter values (a 3-digit branch code) would match all over a log
MIN_DIGITS = 6  # an all-digit account shorter than this looks like a port, an amount or a count
DFA_MAX_PATTERNS = 2000  # up to here the faster automaton's build time (~30 ms) pays for itself on one file
PRIO = 1  # like free-form hits: a structured value (priority 3) over the same text keeps its own kind
_PARTS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # words, `Müller-Mensah` and `O'Brien` whole
_LETTERS = re.compile(r"[^\W\d_]+")  # and each run of letters in them
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "o",
                           "Ø": "O", "æ": "ae", "Æ": "Ae", "å": "a", "Å": "A", "ł": "l", "Ł": "L", "đ": "d"})


@lru_cache(maxsize=1)
def keep_words() -> frozenset[str]:
    """Words that are never hunted alone: every word of Bisq's UI text in its 16 languages (labels, method
    names) and of the payment-detail labels. A holder name `Test User` must not remove `user` everywhere."""
    from redactor.bisq.labels import all_labels
    from redactor.text.fields import localized_detail_labels

    words: set[str] = set()
    texts = list(localized_detail_labels())
    try:
        for table in all_labels().values():
            texts.extend(table.values())
    except (OSError, ValueError, KeyError):
        pass  # the detail labels alone still keep the commonest words
    for text in texts:
        words.update(w.casefold() for w in _PARTS.findall(text))
    return frozenset(words)


def classify(value: str) -> Item | None:
    """The kind of a value given from outside, and its canonical form."""
    v = " ".join(value.split())
    if len(v) < 2:
        return None
    if "@" in v and " " not in v:
        return "email", canonical("email", v)
    if iban_valid(v):
        return "iban", canonical("iban", v)
    digits = sum(c.isdigit() for c in v)
    phone_like = v.startswith(("+", "00", "(0", "0"))  # a bare digit run is an account number
    if digits >= 7 and phone_like and all(c.isdigit() or c in " +()-./" for c in v):
        return "phone", canonical("phone", v)
    bic_shape = v.isupper() and v.isalnum() and len(v) in (8, 11)  # `COBADEFFXXX`, `WESTGB2L`
    if digits or bic_shape or not any(c.isalpha() for c in v):
        return "account", canonical("account", v)
    return "name", canonical("name", v)


def _spellings(text: str) -> set[str]:
    """Accent-free and transliterated forms (`Müller` -> `Muller`, `Mueller`)."""
    out = {text, text.translate(_TRANSLIT)}
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    out.add(stripped)
    return out


def _text_forms(kind: str, canon: str) -> set[str]:
    """The spellings (before case) to look for, per kind."""
    if kind == "name":
        forms = {canon} if len(canon) >= MIN_VALUE else set()
        keep = keep_words()
        parts = set(_PARTS.findall(canon)) | set(_LETTERS.findall(canon))
        forms.update(p for p in parts if len(p) >= MIN_PART and p.casefold() not in keep)
        return forms
    if kind in ("address", "bank", "text"):
        return {canon} if len(canon) >= MIN_VALUE and canon.casefold() not in keep_words() else set()
    # Spellings a detector finds by itself anyway (an e-mail, an IBAN in any case with or without its group
    # spaces, a phone number with `+`) are left out: fewer patterns, a smaller automaton.
    if kind == "email":
        local = canon.split("@", 1)[0]
        return {local} if len(local) >= MIN_VALUE and local.casefold() not in keep_words() else set()
    if kind == "iban":
        groups = [canon[i:i + 4] for i in range(0, len(canon), 4)]
        return {"-".join(groups), ".".join(groups)}
    if kind == "phone":
        return _phone_forms(canon)
    if kind == "account":
        compact = re.sub(r"[\s.-]", "", canon)
        digits = sum(c.isdigit() for c in compact)
        if len(compact) < MIN_VALUE or (compact.isdigit() and digits < MIN_DIGITS) or not digits and \
                canon.casefold() in keep_words():
            return set()
        return {canon, compact}
    return set()


# ITU country codes of one and two digits (all others have three): where the national number starts.
_CC1 = {"1", "7"}
_CC2 = {"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
        "86", "90", "91", "92", "93", "94", "95", "98"}


def _phone_forms(canon: str) -> set[str]:
    """`+447700900123` (found by its detector): `00447700900123`, `447700900123` and the national
    `07700900123`."""
    digits = canon.lstrip("+")
    if len(digits) < 7:
        return set()
    forms = {digits}
    if canon.startswith("+"):
        forms.add("00" + digits)
        cc = 1 if digits[:1] in _CC1 else 2 if digits[:2] in _CC2 else 3
        if len(digits) - cc >= 6:
            forms.add("0" + digits[cc:])
    return forms


def _case_forms(text: str) -> set[bytes]:
    """Byte patterns for a lower-cased haystack (`bytes.lower` folds ASCII only: add non-ASCII cases)."""
    if text.isascii():
        return {text.encode().lower()}
    out = set()
    for s in _spellings(text):
        for c in (s, s.lower(), s.upper(), s.title()):
            out.add(enc(c).lower())
    return out


class KnownValues:
    """The values of one case, in the order they were first known (that order decides which value a spelling
    shared by two values stands for)."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._items: dict[Item, None] = {}
        self.update(items)

    def add(self, kind: str, canon: str) -> None:
        if kind in PROPAGATED and canon:
            self._items.setdefault((kind, canon), None)

    def update(self, items: Iterable[Item]) -> None:
        for kind, canon in items:
            self.add(kind, canon)

    def add_texts(self, values: Iterable[str]) -> None:
        """Values from outside (exact payment data), each classified by its shape."""
        for v in values:
            item = classify(v)
            if item is not None:
                self.add(*item)

    def add_users(self, names: Iterable[str]) -> None:
        for n in names:
            if n.strip():
                self.add("user", n.strip())

    def items(self) -> list[Item]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def matcher(self) -> Matcher | None:
        return matcher_for(tuple(self._items)) if self._items else None


class Matcher:
    """An Aho-Corasick automaton over every spelling of every known value."""

    def __init__(self, items: tuple[Item, ...]) -> None:
        owner: dict[bytes, int] = {}
        for i, (kind, canon) in enumerate(items):
            if kind == "user":
                patterns = set(bare_variants([canon]))
            else:
                patterns = set()
                for form in _text_forms(kind, canon):
                    patterns |= _case_forms(form)
            for p in patterns:
                if len(p) >= 2:
                    owner.setdefault(p, i)
        self._patterns = list(owner)
        self._owner = [owner[p] for p in self._patterns]
        self._items = [(kind, canonical(kind, canon)) for kind, canon in items]
        # A DFA searches 10 MB in ~22 ms (a contiguous NFA ~56) but costs ~16 us per pattern to build (0.3 s for
        # 17k on a dense log): a DFA for the usual few hundred patterns, an NFA for many.
        impl = ahocorasick_rs.Implementation.DFA if len(self._patterns) <= DFA_MAX_PATTERNS \
            else ahocorasick_rs.Implementation.ContiguousNFA
        self._ac = ahocorasick_rs.BytesAhoCorasick(self._patterns, implementation=impl) if self._patterns else None

    def __len__(self) -> int:
        return len(self._patterns)

    def hits(self, buf: bytes, low: bytes, raw: list[Raw]) -> None:
        """Add to `raw` every known spelling in `buf` that stands as a word (`low` is `buf.lower()`), outside
        what the detectors already found there (`raw`: masked out of the search, so the common case - a value
        in the format its detector knows - costs the automaton nothing and Python nothing)."""
        if self._ac is None:
            return
        if raw:
            masked = bytearray(low)
            zeros = memoryview(bytes(max(h[1] - h[0] for h in raw)))
            for h in raw:
                if h[1] > h[0]:
                    masked[h[0]:h[1]] = zeros[:h[1] - h[0]]
            low = bytes(masked)
        add = raw.append
        n = len(buf)
        items, owner = self._items, self._owner
        for idx, s, e in self._ac.find_matches_as_indexes(low, overlapping=True):
            if word_before(buf, s) or (e < n and IS_WORD[buf[e]]):
                continue
            if buf.find(b"\n", s, e) >= 0:
                continue
            kind, canon = items[owner[idx]]
            add((s, e, kind, canon, KNOWN, PRIO))


@lru_cache(maxsize=4)
def matcher_for(items: tuple[Item, ...]) -> Matcher:
    """One automaton per set of values per process (a worker scans several files with the same set)."""
    return Matcher(items)
