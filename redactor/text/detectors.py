"""Detectors for personal data in Bisq logs, working on raw bytes (a block of whole lines).

Speed matters (21 x 10 MB in a few seconds), so every detector starts from something `re`/`bytes.find` can
locate fast - a literal (`@`, `.d.d.d`, `Users`, `"holderName"`), a translated class run (`AA00` for IBANs) - and
only the few candidates get Python-level checks. Context detectors (payload dumps, one-line payment details,
national phone numbers) run only on "hot" lines found by literal triggers.

Nothing here crosses a newline, so sanitizing never changes the line count. Identifiers support needs
(trade/offer IDs, tx IDs, hashes, onions, BTC addresses; `redactor.bisq.ids.keep_spans`) are protected: free-form
hits that touch one are dropped, structured values are cut around them. The account-age salt looks like a
tx ID and is the one exception: it is always removed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple

from redactor.bisq.ids import keep_spans
from redactor.text.fields import PAYLOAD_FIELDS, PAYMENT_TRIGGERS, PHONE_TRIGGERS, localized_detail_labels
from redactor.text.placeholders import canonical


class Hit(NamedTuple):
    start: int
    end: int
    kind: str
    canon: str


# How a hit relates to protected identifiers.
FREE, DROP, CARVE, FORCE = 0, 1, 2, 3

_WORD = bytes(i for i in range(256) if chr(i).isalnum() or i == ord("_") or i >= 0x80)
_IS_WORD = [False] * 256
for _b in _WORD:
    _IS_WORD[_b] = True
_LOCAL = [_IS_WORD[i] or chr(i) in "._%+-" for i in range(256)]
_HEX_COLON = [chr(i) in "0123456789abcdefABCDEF:" for i in range(256)]
_HEX_COLON_DOT = [chr(i) in "0123456789abcdefABCDEF:." for i in range(256)]

# --- free-form detectors -----------------------------------------------------------------------------------
# Non-ASCII bytes are allowed in the domain (internationalised names such as `müller.de`).
_EMAIL_DOMAIN = re.compile(rb"@[A-Za-z0-9\x80-\xff][A-Za-z0-9\x80-\xff-]{0,62}(?:\.[A-Za-z0-9\x80-\xff-]{1,63})*"
                           rb"\.[A-Za-z\x80-\xff]{2,24}(?![A-Za-z0-9\x80-\xff-])")
_IPV4_TAIL = re.compile(rb"\.\d{1,3}\.\d{1,3}\.\d")
_OCTET = rb"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rb"(?<![\w.])" + _OCTET + rb"(?:\." + _OCTET + rb"){3}(?![\w]|\.\d)")
_IPV6_HINT = re.compile(rb"::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:")
_VERSION_CONTEXT = re.compile(rb"version|tor |jre|jvm|build|release|v$")
_IBAN_CLASS = bytearray(b" " * 256)
for _c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _IBAN_CLASS[_c] = ord("A")
for _c in b"0123456789":
    _IBAN_CLASS[_c] = ord("0")
_IBAN_TABLE = bytes(_IBAN_CLASS)
_IBAN_HINT = re.compile(rb"AA00")
_IBAN = re.compile(rb"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")
_B58 = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_CLASS = bytearray(b" " * 256)
for _c in _B58:
    _B58_CLASS[_c] = ord("B")
_B58_TABLE = bytes(_B58_CLASS)
# WIF keys are 51-52 base58 characters. Written out as a literal so `re` can search it fast (`B{51}` it cannot).
_B58_RUN = re.compile(b" " + b"B" * 51 + b"B?(?= )")
_XKEY = re.compile(rb"p(?:ub|rv)[1-9A-HJ-NP-Za-km-z]{100,108}(?![0-9A-Za-z])")
_XKEY_FIRST = b"xtyzuvYZUV"
_PHONE_INTL = re.compile(rb"\+\d{1,3}[\d ()./-]{6,20}\d")
_PHONE_NATIONAL = re.compile(
    rb"(?<![\w+.:/-])(?:\(\d{2,5}\)[ ]?|0\d{1,4}[ /-]?|\d{3}[-.])\d{2,4}(?:[ -]?\d{2,5}){1,3}(?![\w.:])")

# --- the OS user name --------------------------------------------------------------------------------------
_W = rb"[^\s\\/:*?\"<>|,;=()\[\]'{}%$]{1,32}"
# `C:\Users\João Pedro\...`, `C:\\Users\\x` (escaped), `C:/Users/x`, macOS `/Users/x`.
_USERS_PATH = re.compile(rb"Users(?<=[\\/]Users)(?:\\\\|[\\/])(?P<name>" + _W + rb"(?: " + _W + rb"){0,3}(?=[\\/])|"
                         + _W + rb")")
_HOME_PATH = re.compile(rb"home/(?<=/home/)(?P<name>" + _W + rb")")
_USER_PROP = re.compile(rb"user\.name=(?P<name>" + _W + rb")")
_NOT_NAMES = {"public", "default", "all users", "default user", "shared", "user", "users", "admin", "administrator",
              "root", "home", "guest", "test", "bisq", "java", "tor", "app", "apps", "library", "documents",
              "runner", "home_dir", "username", "name", "local"}

# --- structured (payment) detectors ------------------------------------------------------------------------


def _alt(words: Iterable[str]) -> bytes:
    return b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))


_JSON_FIELD = re.compile(rb'"(?P<key>' + _alt(PAYLOAD_FIELDS) + rb')"[ \t]*:[ \t]*"(?P<val>(?:[^"\\\n]|\\.)*)"')
_KV_FIELD = re.compile(
    rb"(?<![\w.])(?P<key>" + _alt(PAYLOAD_FIELDS) + rb")=(?P<val>\[[^\]\n]*\]|[^\n]*?)"
    rb"(?=, ?[A-Za-z_]\w*=|\)(?=\s+[A-Z]\w*\(|[,)}]|\s*$)|\}(?=[,)}]|\s*$)|\s*$)")
DETAIL_LABELS = localized_detail_labels()
_LABELS = _alt(DETAIL_LABELS)
_LABEL_FIELD = re.compile(
    rb"(?:(?<![\w])|(?=IFS Code:))(?P<key>" + _LABELS + rb"):[ \t]*(?P<val>[^\n]*?)"
    rb"(?=(?:,[ \t]*|[ \t]+/[ \t]+)?(?:" + _LABELS + rb"):|[ \t]*$)")
_SWIFT_NAME = re.compile(rb"SWIFT International Wire Transfer - (?P<val>[^\n,/]*?)(?=[ \t]*(?:,|/|$))")
_BRIDGES = re.compile(rb"Using bridges:[ \t]*(?P<val>[^\n]*?)[ \t\r]*$")
_BRIDGE_LINE = re.compile(rb"(?<![\w])(?:Bridge[ \t]+)?(?:obfs4|obfs3|meek_lite|snowflake|webtunnel|scramblesuit)[ \t]+"
                          rb"(?P<val>[^\n]*?)[ \t\r]*$")
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
    + ((b"bridge", P_BRIDGE),)  # `Using bridges: …` and torrc-style `Bridge obfs4 …`
)

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


def _dec(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def iban_valid(s: str) -> bool:
    s = s.replace(" ", "").upper()
    if not (15 <= len(s) <= 34 and s[:2].isalpha() and s[2:4].isdigit() and s.isalnum()):
        return False
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


def _b58decode(s: bytes) -> bytes | None:
    n = 0
    for ch in s:
        i = _B58.find(bytes([ch]))
        if i < 0:
            return None
        n = n * 58 + i
    pad = len(s) - len(s.lstrip(b"1"))
    return b"\0" * pad + n.to_bytes((n.bit_length() + 7) // 8, "big")


def wif_valid(s: bytes) -> bool:
    raw = _b58decode(s)
    if raw is None or len(raw) not in (37, 38) or raw[0] not in (0x80, 0xEF):
        return False
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def classify_contact(value: str) -> str:
    if "@" in value:
        return "email"
    digits = sum(c.isdigit() for c in value)
    if digits >= 7 and all(c.isdigit() or c in " +()-./" for c in value):
        return "phone"
    return "account"


def _json_unescape(raw: bytes) -> str:
    try:
        return str(json.loads(b'"' + raw + b'"'))
    except ValueError:
        return _dec(raw)


def user_names_in(buf: bytes) -> set[str]:
    """OS user names visible in home paths (every OS) and `user.name=` properties."""
    names: set[str] = set()
    for rx in (_USERS_PATH, _HOME_PATH, _USER_PROP):
        for m in rx.finditer(buf):
            name = _dec(m.group("name")).strip()
            if _usable_name(name):
                names.add(name)
    return names


def _usable_name(name: str) -> bool:
    low = name.casefold()
    # Not a placeholder (`<HOME_DIR>`, `<user>`), not starting with an undecodable byte.
    return bool(name) and low not in _NOT_NAMES and not low.startswith("<") and not "\udc80" <= name[0] <= "\udcff"


class Scanner:
    """All detectors, configured with the OS user names to remove (learned beforehand from every file)."""

    def __init__(self, user_names: Iterable[str] = (), *, every_line: bool = False) -> None:
        """`every_line`: run the line-context detectors on every line, not only on triggered ones (for
        short texts such as a trade description, where speed does not matter and wording is free)."""
        self.every_line = every_line
        self.user_names = sorted({n for n in user_names if _usable_name(n)}, key=len, reverse=True)
        variants: set[bytes] = set()
        for n in self.user_names:
            if len(n) < 3:
                continue  # too short to replace outside paths without wrecking other words
            for v in (n, n.lower(), n.upper(), n.title(), n.capitalize()):
                variants.add(v.encode("utf-8").lower())
        self._bare = [re.compile(re.escape(v)) for v in sorted(variants, key=len, reverse=True)]

    # -- main entry ------------------------------------------------------------------------------------------
    def scan(self, buf: bytes) -> list[Hit]:
        """Hits in `buf` (whole lines), sorted, non-overlapping, with identifiers protected."""
        raw: list[tuple[int, int, str, str, int, int]] = []  # start, end, kind, canon, mode, priority
        add = raw.append
        low = buf.lower()
        self._emails(buf, add)
        self._ipv4(buf, low, add)
        self._ipv6(buf, add)
        self._ibans(buf, add)
        self._keys(buf, add)
        self._phones_intl(buf, add)
        self._users(buf, low, add)
        self._json(buf, add)
        for ls, le, flags in (self._all_lines(low) if self.every_line else self._hot_lines(low)):
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
        if not raw:
            return []
        return self._resolve(buf, raw)

    # -- free-form -------------------------------------------------------------------------------------------
    @staticmethod
    def _emails(buf: bytes, add) -> None:  # type: ignore[no-untyped-def]
        for m in _EMAIL_DOMAIN.finditer(buf):
            at = m.start()
            j = at
            while j > 0 and at - j < 64 and _LOCAL[buf[j - 1]]:
                j -= 1
            while j < at and buf[j] in b".-+":
                j += 1
            if j == at:
                continue  # `(@emzy)`, `@name:matrix.org`: no local part, not an e-mail
            add((j, m.end(), "email", canonical("email", _dec(buf[j:m.end()])), DROP, 1))

    @staticmethod
    def _ipv4(buf: bytes, low: bytes, add) -> None:  # type: ignore[no-untyped-def]
        last = -1
        for m in _IPV4_TAIL.finditer(buf):  # fast: starts at a literal "."
            dot = m.start()
            if dot < last:
                continue
            full = _IPV4.search(buf, max(0, dot - 3), m.end() + 2)
            if full is None or full.start() >= dot:
                continue
            j = full.start()
            last = full.end()
            if buf[j] == 48 or buf.startswith(b"127.", j):
                continue  # 0.x is never a host (and is how Tor versions look); 127.x is loopback
            if _VERSION_CONTEXT.search(low, max(0, j - 16), j):
                continue
            add((j, full.end(), "ip", full.group().decode("ascii"), FREE, 1))

    @staticmethod
    def _ipv6(buf: bytes, add) -> None:  # type: ignore[no-untyped-def]
        last = -1
        n = len(buf)
        for m in _IPV6_HINT.finditer(buf):
            if m.start() < last:
                continue
            s, e = m.start(), m.end()
            while s > 0 and _HEX_COLON[buf[s - 1]]:
                s -= 1
            while e < n and _HEX_COLON_DOT[buf[e]]:
                e += 1
            last = e
            if (s > 0 and _IS_WORD[buf[s - 1]]) or (e < n and _IS_WORD[buf[e]]):
                continue
            text = _dec(buf[s:e]).rstrip(".")
            try:
                addr = ipaddress.IPv6Address(text)
            except ValueError:
                continue
            if addr.is_loopback or addr.is_unspecified:
                continue
            add((s, s + len(text), "ip", addr.compressed, FREE, 1))

    @staticmethod
    def _ibans(buf: bytes, add) -> None:  # type: ignore[no-untyped-def]
        classes = buf.translate(_IBAN_TABLE)
        for h in _IBAN_HINT.finditer(classes):
            p = h.start()
            if p > 0 and _IS_WORD[buf[p - 1]]:
                continue
            m = _IBAN.match(buf, p)
            if not m:
                continue
            text = _dec(m.group())
            # The greedy match may have taken a following word; give back groups until the checksum holds.
            while text and not iban_valid(text):
                cut = max(text.rfind(" "), len(text) - 4) if len(text) > 15 else 0
                text = text[:cut].rstrip()
            if text:
                add((p, p + len(text), "iban", canonical("iban", text), DROP, 1))

    @staticmethod
    def _keys(buf: bytes, add) -> None:  # type: ignore[no-untyped-def]
        for m in _XKEY.finditer(buf):
            s = m.start() - 1
            if s >= 0 and buf[s] in _XKEY_FIRST and (s == 0 or not _IS_WORD[buf[s - 1]]):
                add((s, m.end(), "xkey", _dec(buf[s:m.end()]), FREE, 1))
        if len(buf) < 50:
            return
        # Runs of exactly 51-52 base58 characters, bounded by other characters (padded so the block edges count).
        classes = b" " + buf.translate(_B58_TABLE) + b" "
        n = len(buf)
        for m in _B58_RUN.finditer(classes):
            s, e = m.start(), m.end() - 1  # in `buf` coordinates (the padding shifts everything by one)
            if buf[s] in b"5KLc9" and (s == 0 or not _IS_WORD[buf[s - 1]]) and (e == n or not _IS_WORD[buf[e]]) \
                    and wif_valid(buf[s:e]):
                add((s, e, "privkey", _dec(buf[s:e]), FORCE, 2))

    @staticmethod
    def _phones_intl(buf: bytes, add) -> None:  # type: ignore[no-untyped-def]
        n = len(buf)
        for m in _PHONE_INTL.finditer(buf):
            s, e = m.span()
            if (s > 0 and (_IS_WORD[buf[s - 1]] or buf[s - 1] == 43)) or (e < n and _IS_WORD[buf[e]]):
                continue
            digits = sum(48 <= c <= 57 for c in buf[s:e])
            if 8 <= digits <= 15:
                add((s, e, "phone", canonical("phone", _dec(buf[s:e])), DROP, 1))

    def _users(self, buf: bytes, low: bytes, add) -> None:  # type: ignore[no-untyped-def]
        # (`user.name=` needs no pass of its own here: names learnt from it are caught as bare names.)
        for rx in (_USERS_PATH, _HOME_PATH):
            for m in rx.finditer(buf):
                name = _dec(m.group("name")).strip()
                if _usable_name(name):
                    s = m.start("name")
                    add((s, s + len(name.encode("utf-8", "surrogateescape")), "user", canonical("user", name),
                         FREE, 2))
        n = len(buf)
        for rx in self._bare:
            for m in rx.finditer(low):
                s, e = m.span()
                if (s > 0 and _IS_WORD[buf[s - 1]]) or (e < n and _IS_WORD[buf[e]]):
                    continue
                add((s, e, "user", canonical("user", _dec(buf[s:e])), DROP, 1))

    @staticmethod
    def _json(buf: bytes, add) -> None:  # type: ignore[no-untyped-def]
        if buf.find(b'"') < 0:
            return
        for m in _JSON_FIELD.finditer(buf):
            _structured(add, m, PAYLOAD_FIELDS[_dec(m.group("key"))], _json_unescape(m.group("val")))

    # -- line context ----------------------------------------------------------------------------------------
    @staticmethod
    def _hot_lines(low: bytes) -> list[tuple[int, int, int]]:
        hot: dict[int, list[int]] = {}
        for rx, flag in _TRIGGER_RX:
            m = rx.search(low)
            while m:
                pos = m.start()
                ls = low.rfind(b"\n", 0, pos) + 1
                le = low.find(b"\n", pos)
                if le < 0:
                    le = len(low)
                entry = hot.setdefault(ls, [le, 0])
                entry[1] |= flag
                m = rx.search(low, le)
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
    def _payment_line(line: bytes, off: int, add, open_kind: str | None = None) -> str | None:  # type: ignore[no-untyped-def]
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
            value = _dec(seg).strip()
            if value and value.casefold() not in _NOT_VALUES:
                add((off + lead, off + len(seg.rstrip()), open_kind, canonical(open_kind, value), CARVE, 3))
            last_end, last_kind = cut, open_kind
        for m in _KV_FIELD.finditer(line):
            kind = PAYLOAD_FIELDS[_dec(m.group("key"))]
            _structured(add, m, kind, _dec(m.group("val")), off)
            if m.end("val") > last_end:
                last_end, last_kind = m.end("val"), kind
        for m in _LABEL_FIELD.finditer(line):
            kind = DETAIL_LABELS[_dec(m.group("key"))]
            if kind:
                _structured(add, m, kind, _dec(m.group("val")), off)
            if m.end("val") > last_end:
                last_end, last_kind = m.end("val"), kind or None
        for m in _SWIFT_NAME.finditer(line):
            _structured(add, m, "name", _dec(m.group("val")), off)
        if last_kind in ("contact", "salt"):
            last_kind = "text"
        return last_kind if last_end >= end and last_end >= 0 else None

    def _payment_entry(self, buf: bytes, ls: int, le: int, add) -> int:  # type: ignore[no-untyped-def]
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
    def _phone_line(line: bytes, off: int, add) -> None:  # type: ignore[no-untyped-def]
        for m in _PHONE_NATIONAL.finditer(line):
            digits = sum(48 <= c <= 57 for c in m.group())
            if 7 <= digits <= 15:
                add((off + m.start(), off + m.end(), "phone", canonical("phone", _dec(m.group())), DROP, 1))

    @staticmethod
    def _bridge_line(line: bytes, off: int, add) -> None:  # type: ignore[no-untyped-def]
        for rx in (_BRIDGES, _BRIDGE_LINE):
            m = rx.search(line)
            if m and m.group("val"):
                add((off + m.start("val"), off + m.end("val"), "bridge", _dec(m.group("val")), FORCE, 3))

    # -- conflicts and protected identifiers -----------------------------------------------------------------
    @staticmethod
    def _resolve(buf: bytes, raw: list[tuple[int, int, str, str, int, int]]) -> list[Hit]:
        keep_cache: dict[int, list[tuple[int, int]]] = {}

        def keeps(pos: int) -> list[tuple[int, int]]:
            ls = buf.rfind(b"\n", 0, pos) + 1
            cached = keep_cache.get(ls)
            if cached is None:
                le = buf.find(b"\n", pos)
                line = buf[ls:le if le >= 0 else len(buf)]
                text = _dec(line)
                spans = keep_spans(text)
                if len(text) != len(line):  # non-ASCII: map character offsets to byte offsets
                    spans = [(len(text[:a].encode("utf-8", "surrogateescape")),
                              len(text[:b].encode("utf-8", "surrogateescape"))) for a, b in spans]
                cached = keep_cache[ls] = [(ls + a, ls + b) for a, b in spans]
            return cached

        cands: list[tuple[int, int, str, str, int, int]] = []
        for h in raw:
            s, e, kind, canon, mode, prio = h
            if e <= s or not canon:
                continue
            if mode == DROP:
                if any(a < e and s < b for a, b in keeps(s)):
                    continue
            elif mode == CARVE:
                overlapping = [(a, b) for a, b in keeps(s) if a < e and s < b]
                if overlapping:
                    for ps, pe in _carve(buf, s, e, overlapping):
                        cands.append((ps, pe, kind, canonical(kind, _dec(buf[ps:pe])), mode, prio))
                    continue
            cands.append(h)
        # Highest priority first, then longest; a hit is taken only if it overlaps nothing taken so far.
        cands.sort(key=lambda h: (-h[5], h[0] - h[1], h[0]))
        starts: list[int] = []
        taken: list[tuple[int, int, str, str]] = []
        for s, e, kind, canon, _mode, _prio in cands:
            i = bisect_left(starts, s)
            if i > 0 and taken[i - 1][1] > s:
                continue
            if i < len(starts) and starts[i] < e:
                continue
            starts.insert(i, s)
            taken.insert(i, (s, e, kind, canon))
        return [Hit(*t) for t in taken]


def _structured(add, m: re.Match[bytes], kind: str, value: str, off: int = 0) -> None:  # type: ignore[no-untyped-def]
    value_stripped = value.strip()
    if value_stripped.casefold() in _NOT_VALUES or value_stripped in ("[]", '""'):
        return
    if kind == "contact":
        kind = classify_contact(value_stripped)
    elif kind == "account" and iban_valid(value_stripped):
        kind = "iban"
    s, e = m.span("val")
    raw = m.group("val")
    # Trim surrounding blanks so the placeholder sits where the value was.
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw) - len(raw.rstrip())
    s, e = s + lead, e - trail
    mode = FORCE if kind == "salt" else CARVE
    add((off + s, off + e, kind, canonical(kind, value_stripped), mode, 3))


def _carve(buf: bytes, s: int, e: int, keeps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parts of [s, e) outside the protected spans, without edge blanks and punctuation."""
    pieces = []
    cur = s
    for a, b in sorted(keeps):
        if a > cur:
            pieces.append((cur, min(a, e)))
        cur = max(cur, b)
    if cur < e:
        pieces.append((cur, e))
    out = []
    for ps, pe in pieces:
        while ps < pe and not _IS_WORD[buf[ps]]:
            ps += 1
        while pe > ps and not _IS_WORD[buf[pe - 1]]:
            pe -= 1
        if pe > ps:
            out.append((ps, pe))
    return out
