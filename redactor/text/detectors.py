"""Detectors for personal data in Bisq logs, working on raw bytes (a block of whole lines).

Speed matters (21 x 10 MB in a few seconds), so every detector starts from something `re`/`bytes.find` can
locate fast - a literal (`@`, `.d.d.d`, `Users`, `"holderName"`), a translated class run (`AA00` for IBANs) - and
only the few candidates get Python-level checks (free-form ones in freeform.py, the OS user name in
userpaths.py). Context detectors (payload dumps, one-line payment details, national phone numbers, bridge
lines) run only on "hot" lines: found by literal triggers, or by a payment-details label (`Account owner full
name: `) anywhere, searched once per block as a trie over the reversed block.

Nothing here crosses a newline, so sanitizing never changes the line count. Identifiers support needs
(trade/offer IDs, tx IDs, hashes, onions, BTC addresses; `redactor.bisq.ids.keep_spans`, found fast by
keeps.py) are protected: a
free-form hit that lies inside one is dropped (one that holds one, such as an e-mail whose local part looks
like a BTC address, is removed whole), structured values are cut around them. The account-age salt looks like
a tx ID and is the one exception: it is always removed.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable

from redactor.text import bisq2logs, freeform, userpaths
from redactor.text.fields import (
    BRIDGE_TRIGGERS,
    PAYLOAD_FIELDS,
    PAYMENT_TRIGGERS,
    PHONE_TRIGGERS,
    localized_detail_labels,
    reversed_trie,
    strong_label,
)
from redactor.text.freeform import iban_valid, wif_valid
from redactor.text.keeps import KeepIndex, carve
from redactor.text.known import Matcher
from redactor.text.placeholders import canonical
from redactor.text.spans import CARVE, DROP, FORCE, FREE, IS_WORD, KNOWN, Add, Hit, Raw, dec
from redactor.text.userpaths import user_names_in

__all__ = ["Hit", "Scanner", "entry_boundary", "iban_valid", "user_names_in", "wif_valid", "FREE", "DROP",
           "CARVE", "FORCE"]


# Every byte an identifier (trade/tx ID, UUID, onion, BTC address) can hold.
_ID_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:-"
_PHONE_NATIONAL = re.compile(
    rb"(?<![\w+.:/-])(?:\(\d{2,5}\)[ ]?|0\d{1,4}[ /-]?|\d{3}[-.])\d{2,4}(?:[ -]?\d{2,5}){1,3}(?![\w.:])")

# --- structured (payment) detectors ------------------------------------------------------------------------


def _alt(words: Iterable[str]) -> bytes:
    return b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))


# Field names as a trie (`re` tries a plain alternation's 70 names one by one after every `"`).
_FIELD_TRIE = reversed_trie([k.encode()[::-1] for k in PAYLOAD_FIELDS])
_JSON_FIELD = re.compile(rb'"(?P<key>' + _FIELD_TRIE + rb')"[ \t]*:[ \t]*"(?P<val>(?:[^"\\\n]|\\.)*)"')
_KV_FIELD = re.compile(
    rb"(?<![\w.])(?P<key>" + _FIELD_TRIE + rb")=(?P<val>\[[^\]\n]*\]|[^\n]*?)"
    rb"(?=, ?[A-Za-z_]\w*=|\)(?=\s+[A-Z]\w*\(|[,)}]|\s*$)|\}(?=[,)}]|\s*$)|\s*$)")
DETAIL_LABELS = localized_detail_labels()
_LABELS = _alt(DETAIL_LABELS)
# Any label and its colon, in a reversed line (see _label_fields).
_LABEL_ANY = re.compile(rb":(?:" + reversed_trie([lb.encode() for lb in DETAIL_LABELS]) + rb")")
_SWIFT_NAME = re.compile(rb"SWIFT International Wire Transfer - (?P<val>[^\n,/]*?)(?=[ \t]*(?:,|/|$))")
_BRIDGES = re.compile(rb"Using bridges:[ \t]*(?P<val>[^\n]*?)[ \t\r]*$")
_BRIDGE_LINE = re.compile(rb"(?<![\w])(?:Bridge[ \t]+)?(?:obfs4|obfs3|meek_lite|meek|snowflake|webtunnel|scramblesuit)"
                          rb"[ \t]+(?P<val>[^\n]*?)[ \t\r]*$", re.IGNORECASE)
# After an IP address: the `:port FINGERPRINT` that makes its line a bridge line.
_BRIDGE_AFTER_ADDR = re.compile(rb"\]?:\d{1,5}[ \t]+\$?[0-9A-Fa-f]{40}(?![0-9A-Za-z])")
# A bridge's arguments without its transport word: `[addr:port] FINGERPRINT ...`, or from `cert=` on.
_BRIDGE_ARGS = re.compile(rb"(?P<val>(?:(?:\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}[ \t]+)?"
                          rb"(?<![0-9A-Za-z])\$?[0-9A-Fa-f]{40}(?![0-9A-Za-z])[^\n]*?|cert=[^\n]*?)[ \t\r]*$")
# Where a value that continues from the previous line ends: the next `key=`, a closing bracket, the next label.
_VALUE_END = re.compile(rb", ?[A-Za-z_]\w*=|\)(?=\s+[A-Z]\w*\(|[,)}]|\s*$)|\}(?=[,)}]|\s*$)|(?:,[ \t]*)(?:" + _LABELS
                        + rb"):")
# The start of a log entry: Bisq's `MMM-dd HH:mm:ss.SSS ` or Tor's `Mmm dd HH:mm:ss.SSS [`.
_ENTRY_START = re.compile(rb"\S{2,12}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} |\w{3} \d{2} \d{2}:\d{2}:\d{2}\.\d{3} \[")
_NOT_VALUES = {"", "n/a", "na", "null", "none", "[ask trader to provide account name if needed]", "ask in trader chat"}

# Line-level processors, chosen by literal triggers (searched in the lower-cased block).
P_PAYMENT, P_PHONE, P_BRIDGE = 1, 2, 4
_TRIGGERS: tuple[tuple[bytes, int], ...] = (
    tuple((t, P_PAYMENT) for t in PAYMENT_TRIGGERS)
    + tuple((t, P_PHONE) for t in PHONE_TRIGGERS)
    + tuple((t, P_BRIDGE) for t in BRIDGE_TRIGGERS)
)
# A distinctive label followed by `: `, in the reversed block (`re` finds the literal ` :` fast and walks the
# trie from there; a forward search would try every label at every capital letter: 4 s per 10 MB).
_LABEL_TRIGGER = re.compile(rb" :(?:" + reversed_trie([lb.encode() for lb in DETAIL_LABELS if strong_label(lb)])
                            + rb")")

# A compiled literal is searched faster by `re` than by `bytes.find` (measured: about 3.6 vs 5 ms per 10 MB).
_TRIGGER_RX = tuple((re.compile(re.escape(lit)), flag) for lit, flag in _TRIGGERS)


def entry_boundary(data: bytes, cut: int, max_lines: int = 1000) -> int:
    """The start of the last log entry that begins at or before `cut` (a line start), so a block ends between
    entries and a multi-line entry is scanned whole; `cut` itself if none is found nearby."""
    pos = cut
    for _ in range(max_lines):
        if pos < len(data) and _ENTRY_START.match(data, pos):
            return pos if pos > 0 else cut
        if pos <= 0:
            break
        pos = data.rfind(b"\n", 0, pos - 1) + 1
    return cut


def classify_contact(value: str) -> str:
    if "@" in value:
        return "email"
    digits = sum(c.isdigit() for c in value)
    if digits >= 7 and all(c.isdigit() or c in " +()-./" for c in value):
        return "phone"
    return "account"


def _json_unescape(raw: bytes) -> str:
    if b"\\" not in raw:
        return dec(raw)
    try:
        return str(json.loads(b'"' + raw + b'"'))
    except ValueError:
        return dec(raw)


class Scanner:
    """All detectors, and the values known to be personal in the case (`known.Matcher`: the OS user names,
    values found in any file of the case, values given from outside)."""

    def __init__(self, known: Matcher | None = None, *, every_line: bool = False) -> None:
        """`every_line`: run the line-context detectors on every line, not only on triggered ones (for
        short texts such as a trade description, where speed does not matter and wording is free)."""
        self.every_line = every_line
        self.known = known

    # -- main entry ------------------------------------------------------------------------------------------
    def scan(self, buf: bytes, raw: list[Raw] | None = None) -> list[Hit]:
        """Hits in `buf` (whole lines), sorted, non-overlapping, with identifiers protected. `raw`: what
        `detect(buf)` returned before (the learn step), so the detectors do not run twice."""
        raw = self.detect(buf) if raw is None else list(raw)
        if self.known is not None:
            self.known.hits(buf, buf.lower(), raw)
        if not raw:
            return []
        return self._resolve(buf, raw)

    def detect(self, buf: bytes) -> list[Raw]:
        """What the detectors find in `buf`, before conflicts and protected identifiers are resolved."""
        raw: list[Raw] = []
        add = raw.append
        low = buf.lower()
        freeform.emails(buf, add)
        freeform.ipv4(buf, low, add)
        freeform.ipv6(buf, add)
        freeform.ibans(buf, add)
        freeform.keys(buf, add)
        freeform.phones_intl(buf, add)
        userpaths.path_hits(buf, add)
        bisq2logs.hits(buf, add)  # Bisq 2's own forms (dumps, account names, keys): redactor/text/bisq2logs.py
        self._json(buf, add)
        lines = self._all_lines(low) if self.every_line else self._hot_lines(buf, low, _bridge_addresses(buf, raw))
        for ls, le, flags in lines:
            line = buf[ls:le]
            if flags & P_PAYMENT:
                if self.every_line:  # free text: no log entries, so no continuation lines
                    self._payment_line(line, ls, add)
                else:
                    self._payment_entry(buf, ls, le, add)
            if flags & P_PHONE:
                self._phone_line(line, ls, add)
            if flags & P_BRIDGE:
                self._bridge_line(line, ls, add)
        return raw

    @staticmethod
    def _json(buf: bytes, add: Add) -> None:
        if buf.find(b'"') < 0:
            return
        for m in _JSON_FIELD.finditer(buf):
            _structured(add, m, PAYLOAD_FIELDS[dec(m.group("key"))], _json_unescape(m.group("val")))

    # -- line context ----------------------------------------------------------------------------------------
    @staticmethod
    def _hot_lines(buf: bytes, low: bytes, bridges: list[int]) -> list[tuple[int, int, int]]:
        hot: dict[int, list[int]] = {}

        def mark(pos: int, flag: int) -> int:
            ls = low.rfind(b"\n", 0, pos) + 1
            le = low.find(b"\n", pos)
            if le < 0:
                le = len(low)
            hot.setdefault(ls, [le, 0])[1] |= flag
            return le

        for rx, flag in _TRIGGER_RX:
            m = rx.search(low)
            while m:
                m = rx.search(low, mark(m.start(), flag))
        for pos in bridges:
            mark(pos, P_BRIDGE)
        if buf.find(b": ") >= 0:
            n = len(buf)
            for m in _LABEL_TRIGGER.finditer(buf[::-1]):
                start = n - m.end()  # where the label begins in `buf`
                if start == 0 or not IS_WORD[buf[start - 1]] or buf.startswith(b"IFS Code:", start):
                    mark(start, P_PAYMENT)
        return sorted((ls, v[0], v[1]) for ls, v in hot.items())

    @staticmethod
    def _all_lines(low: bytes) -> list[tuple[int, int, int]]:
        out = []
        pos = 0
        for line in low.split(b"\n"):
            out.append((pos, pos + len(line), P_PAYMENT | P_PHONE | P_BRIDGE))
            pos += len(line) + 1
        return out

    @staticmethod
    def _payment_line(line: bytes, off: int, add: Add, open_kind: str | None = None) -> str | None:
        """Structured payment fields in one line. `open_kind`: the previous line of the same log entry ended
        inside a value of that kind (Lombok prints a postal address with its line breaks), so this line starts
        with the rest of it. Returns the kind of a value that runs to the end of this line, if any."""
        end = len(line.rstrip())
        last_end, last_kind = -1, None
        if open_kind:
            t = _VALUE_END.search(line)
            cut = t.start() if t else end
            seg = line[:cut]
            lead = len(seg) - len(seg.lstrip())
            value = dec(seg).strip()
            if value and value.casefold() not in _NOT_VALUES:
                add((off + lead, off + len(seg.rstrip()), open_kind, canonical(open_kind, value), CARVE, 3))
            last_end, last_kind = cut, open_kind
        for m in _KV_FIELD.finditer(line):
            kind = PAYLOAD_FIELDS[dec(m.group("key"))]
            _structured(add, m, kind, dec(m.group("val")), off)
            if m.end("val") > last_end:
                last_end, last_kind = m.end("val"), kind
        for key, vs, ve in _label_fields(line):
            kind = DETAIL_LABELS[key]
            if kind:
                _structured_at(add, vs, ve, line[vs:ve], kind, dec(line[vs:ve]), off)
            if ve > last_end:
                last_end, last_kind = ve, kind or None
        for m in _SWIFT_NAME.finditer(line):
            _structured(add, m, "name", dec(m.group("val")), off)
        if last_kind in ("contact", "salt"):
            last_kind = "text"
        return last_kind if last_end >= end and last_end >= 0 else None

    def _payment_entry(self, buf: bytes, ls: int, le: int, add: Add) -> int:
        """A payment-hot line and the continuation lines of its log entry; returns where the entry ends."""
        open_kind = self._payment_line(buf[ls:le], ls, add)
        n = len(buf)
        for _ in range(50):
            if open_kind is None or le >= n:
                break
            ls = le + 1
            if _ENTRY_START.match(buf, ls) or buf.startswith((b"\tat ", b"Caused by: "), ls):
                break
            le = buf.find(b"\n", ls)
            le = n if le < 0 else le
            open_kind = self._payment_line(buf[ls:le], ls, add, open_kind)
        return le

    @staticmethod
    def _phone_line(line: bytes, off: int, add: Add) -> None:
        for m in _PHONE_NATIONAL.finditer(line):
            digits = sum(48 <= c <= 57 for c in m.group())
            if 7 <= digits <= 15:
                add((off + m.start(), off + m.end(), "phone", canonical("phone", dec(m.group())), DROP, 1))

    @staticmethod
    def _bridge_line(line: bytes, off: int, add: Add) -> None:
        for rx in (_BRIDGES, _BRIDGE_LINE, _BRIDGE_ARGS):
            m = rx.search(line)
            if m and m.group("val"):
                add((off + m.start("val"), off + m.end("val"), "bridge", dec(m.group("val")), FORCE, 3))
                return

    # -- conflicts and protected identifiers -----------------------------------------------------------------
    @staticmethod
    def _resolve(buf: bytes, raw: list[Raw]) -> list[Hit]:
        keeps = KeepIndex(buf).at

        cands: list[Raw] = []
        for h in raw:
            s, e, kind, canon, mode, prio = h
            if e <= s or not canon:
                continue
            if mode == DROP:
                # Dropped when it lies inside an identifier or crosses one's edge (a phone number read into a
                # trade ID's first digits: "call me 00 00000-0000…"); kept when it holds whole identifiers: a
                # protected token never shields a larger personal value around it (an e-mail whose local part
                # looks like a BTC address). A hit holding a byte no identifier has cannot lie inside one.
                near = keeps(s)
                if not buf[s:e].translate(None, _ID_BYTES) and any(a <= s and e <= b for a, b in near):
                    continue
                if any(a < e and s < b and not (s <= a and b <= e) for a, b in near):
                    continue
            elif mode == CARVE or mode == KNOWN:
                overlapping = [(a, b) for a, b in keeps(s) if a < e and s < b]
                if overlapping:
                    for ps, pe in carve(buf, s, e, overlapping):
                        piece = canon if mode == KNOWN else canonical(kind, dec(buf[ps:pe]))
                        cands.append((ps, pe, kind, piece, mode, prio))
                    continue
            cands.append(h)
        # Overlapping hits form clusters (most hits are alone in theirs); in a cluster the highest priority
        # wins, then the longest, and a hit is taken only if it overlaps nothing taken so far.
        cands.sort()  # by start (a cluster is found from the running end, so the order of ends does not matter)
        out: list[Hit] = []
        i, n = 0, len(cands)
        while i < n:
            j, end = i + 1, cands[i][1]
            while j < n and cands[j][0] < end:
                end = max(end, cands[j][1])
                j += 1
            if j == i + 1:
                out.append(Hit(*cands[i][:4]))
            else:
                out.extend(_resolve_cluster(cands[i:j]))
            i = j
        return out


def _resolve_cluster(cluster: list[Raw]) -> list[Hit]:
    cluster.sort(key=lambda h: (-h[5], h[0] - h[1], h[0]))
    starts: list[int] = []
    taken: list[Hit] = []
    for s, e, kind, canon, _mode, _prio in cluster:
        i = bisect_left(starts, s)
        if i > 0 and taken[i - 1][1] > s:
            continue
        if i < len(starts) and starts[i] < e:
            continue
        starts.insert(i, s)
        taken.insert(i, Hit(s, e, kind, canon))
    return taken


def _bridge_addresses(buf: bytes, raw: list[Raw]) -> list[int]:
    """Where an IP address found so far is a bridge's (`1.2.3.4:443 <fingerprint>`, `[2001:db8::1]:443 ...`)."""
    return [h[1] for h in raw if h[2] == "ip" and _BRIDGE_AFTER_ADDR.match(buf, h[1])]


def _label_fields(line: bytes) -> list[tuple[str, int, int]]:
    """`(label, value start, value end)` of every `<label>: <value>` in a line; a value runs to the next
    label (less a `, ` or ` / ` before it) or to the end of the line. The labels are found from their colon
    in the reversed line: a forward alternation of 700 labels costs ~120 us per line, this ~5."""
    n = len(line)
    found: list[tuple[int, int]] = []
    for m in _LABEL_ANY.finditer(line[::-1]):
        start, colon = n - m.end(), n - m.start() - 1
        if start > 0 and IS_WORD[line[start - 1]] and not line.startswith(b"IFS Code:", start):
            continue  # inside a word (`123456789012IFS Code:` is how Bisq glues that one)
        found.append((start, colon))
    found.reverse()
    out = []
    for i, (start, colon) in enumerate(found):
        vs = colon + 1
        while vs < n and line[vs] in b" \t":
            vs += 1
        if i + 1 < len(found):
            ve = max(found[i + 1][0], vs)
            seg = line[vs:ve].rstrip(b" \t")
            if seg.endswith((b",", b"/")):
                seg = seg[:-1]
            ve = vs + len(seg.rstrip(b" \t"))
        else:
            ve = vs + len(line[vs:].rstrip(b" \t"))
        out.append((dec(line[start:colon]), vs, ve))
    return out


def _structured(add: Add, m: re.Match[bytes], kind: str, value: str, off: int = 0) -> None:
    s, e = m.span("val")
    _structured_at(add, s, e, m.group("val"), kind, value, off)


def _structured_at(add: Add, s: int, e: int, raw: bytes, kind: str, value: str, off: int = 0) -> None:
    value_stripped = value.strip()
    if value_stripped.casefold() in _NOT_VALUES or value_stripped in ("[]", '""'):
        return
    if kind == "contact":
        kind = classify_contact(value_stripped)
    elif kind == "account" and iban_valid(value_stripped):
        kind = "iban"
    # Trim surrounding blanks so the placeholder sits where the value was.
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw) - len(raw.rstrip())
    s, e = s + lead, e - trail
    mode = FORCE if kind == "salt" else CARVE
    add((off + s, off + e, kind, canonical(kind, value_stripped), mode, 3))
