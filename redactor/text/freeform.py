"""Free-form detectors (anywhere in a block): e-mails, IPs, IBANs, extended and private keys, international
phone numbers. Each starts from something `re` locates at memory speed (`@`, `.d.d.d`, an `AA00` run in a
translated copy) and only candidates get Python-level checks.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re

from redactor.text.placeholders import canonical
from redactor.text.spans import DROP, FORCE, FREE, IS_WORD, Add, dec

_LOCAL = [IS_WORD[i] or chr(i) in "._%+-" for i in range(256)]
_HEX_COLON = [chr(i) in "0123456789abcdefABCDEF:" for i in range(256)]
_HEX_COLON_DOT = [chr(i) in "0123456789abcdefABCDEF:." for i in range(256)]
MAX_LOCAL_PART = 64  # RFC 5321

# Non-ASCII bytes are allowed in the domain (internationalised names such as `müller.de`).
_EMAIL_DOMAIN = re.compile(rb"@[A-Za-z0-9\x80-\xff][A-Za-z0-9\x80-\xff-]{0,62}(?:\.[A-Za-z0-9\x80-\xff-]{1,63})*"
                           rb"\.[A-Za-z\x80-\xff]{2,24}(?![A-Za-z0-9\x80-\xff-])")
_IPV4_TAIL = re.compile(rb"\.\d{1,3}\.\d{1,3}\.\d")
_OCTET = rb"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rb"(?<![\w.])" + _OCTET + rb"(?:\." + _OCTET + rb"){3}(?![\w]|\.\d)")
_IPV6_HINT = re.compile(rb"::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:")
_VERSION_CONTEXT = re.compile(rb"version|tor |jre|jvm|build|release|v$")

# IBANs: letters of either case become `A`, digits `0`, other word bytes `w`; `(?<![A0w])AA00` is then an
# IBAN start at a word boundary, found by `re` without a Python-level check per hint.
_IBAN_CLASS = bytearray(b" " * 256)
for _i in range(256):
    if IS_WORD[_i]:
        _IBAN_CLASS[_i] = ord("w")
for _c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
    _IBAN_CLASS[_c] = ord("A")
for _c in b"0123456789":
    _IBAN_CLASS[_c] = ord("0")
_IBAN_TABLE = bytes(_IBAN_CLASS)
_IBAN_HINT = re.compile(rb"AA00(?<![A0w]AA00)")  # literal first: `re` then searches it fast
_IBAN = re.compile(rb"[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?(?![A-Za-z0-9])")
# IBAN length per country (SWIFT's IBAN registry, plus the countries that use IBANs outside it). A lower-case
# candidate must match it as well as the checksum: lower-case hex runs are common in logs, upper-case IBANs
# are not, so upper case keeps the checksum alone (as before).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    "AO": 25, "BF": 28, "BJ": 28, "CF": 27, "CG": 27, "CI": 28, "CM": 27, "CV": 25, "DZ": 26, "GA": 27, "GQ": 27,
    "GW": 25, "HN": 28, "IR": 26, "KM": 27, "MA": 28, "MG": 27, "ML": 28, "MZ": 25, "NE": 28, "SN": 28, "TD": 27,
    "TG": 28,
}

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


_IBAN_NUM = {ord(c): str(10 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}  # A=10 ... Z=35


def iban_valid(s: str) -> bool:
    """ISO 13616 checksum (mod 97); a value that is not all upper case must also have its country's length."""
    compact = s.replace(" ", "")
    upper = compact.upper()
    if not (15 <= len(upper) <= 34 and upper[:2].isalpha() and upper[2:4].isdigit() and upper.isalnum()
            and upper.isascii()):
        return False
    if compact != upper and IBAN_LENGTHS.get(upper[:2]) != len(upper):
        return False
    return int((upper[4:] + upper[:4]).translate(_IBAN_NUM)) % 97 == 1


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


def emails(buf: bytes, add: Add) -> None:
    for m in _EMAIL_DOMAIN.finditer(buf):
        at = m.start()
        j = at
        while j > 0 and at - j < MAX_LOCAL_PART and _LOCAL[buf[j - 1]]:
            j -= 1
        while j < at and buf[j] in b".-+":
            j += 1
        if j == at:
            continue  # `(@emzy)`, `@name:matrix.org`: no local part, not an e-mail
        add((j, m.end(), "email", canonical("email", dec(buf[j:m.end()])), DROP, 1))


def ipv4(buf: bytes, low: bytes, add: Add) -> None:
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


def ipv6(buf: bytes, add: Add) -> None:
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
        if (s > 0 and IS_WORD[buf[s - 1]]) or (e < n and IS_WORD[buf[e]]):
            continue
        text = dec(buf[s:e]).rstrip(".")
        try:
            addr = ipaddress.IPv6Address(text)
        except ValueError:
            continue
        if addr.is_loopback or addr.is_unspecified:
            continue
        add((s, s + len(text), "ip", addr.compressed, FREE, 1))


def ibans(buf: bytes, add: Add) -> None:
    """IBANs in upper, lower or mixed case, with or without group spaces."""
    classes = buf.translate(_IBAN_TABLE)
    for h in _IBAN_HINT.finditer(classes):
        p = h.start()
        m = _IBAN.match(buf, p)
        if not m:
            continue
        text = dec(m.group())
        # The greedy match may have taken a following word; give back groups until the checksum holds.
        while text and not iban_valid(text):
            cut = max(text.rfind(" "), len(text) - 4) if len(text) > 15 else 0
            text = text[:cut].rstrip()
        if text:
            add((p, p + len(text), "iban", canonical("iban", text), DROP, 1))


def keys(buf: bytes, add: Add) -> None:
    for m in _XKEY.finditer(buf):
        s = m.start() - 1
        if s >= 0 and buf[s] in _XKEY_FIRST and (s == 0 or not IS_WORD[buf[s - 1]]):
            add((s, m.end(), "xkey", dec(buf[s:m.end()]), FREE, 1))
    if len(buf) < 50:
        return
    # Runs of exactly 51-52 base58 characters, bounded by other characters (padded so the block edges count).
    classes = b" " + buf.translate(_B58_TABLE) + b" "
    n = len(buf)
    for m in _B58_RUN.finditer(classes):
        s, e = m.start(), m.end() - 1  # in `buf` coordinates (the padding shifts everything by one)
        if buf[s] in b"5KLc9" and (s == 0 or not IS_WORD[buf[s - 1]]) and (e == n or not IS_WORD[buf[e]]) \
                and wif_valid(buf[s:e]):
            add((s, e, "privkey", dec(buf[s:e]), FORCE, 2))


def phones_intl(buf: bytes, add: Add) -> None:
    n = len(buf)
    for m in _PHONE_INTL.finditer(buf):
        s, e = m.span()
        if (s > 0 and (IS_WORD[buf[s - 1]] or buf[s - 1] == 43)) or (e < n and IS_WORD[buf[e]]):
            continue
        digits = sum(48 <= c <= 57 for c in buf[s:e])
        if 8 <= digits <= 15:
            add((s, e, "phone", canonical("phone", dec(buf[s:e])), DROP, 1))
