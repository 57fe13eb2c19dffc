"""Bisq 2's own log forms: trade-message dumps, payment account names, private keys of the trusted node.

What Bisq 2 writes that Bisq 1 does not (../shared/bisq/bisq2.md, bisq-network/bisq2 sources):
- Lombok `toString` dumps of `BisqEasyAccountDataMessage(..., paymentAccountData=<free text>, bisqEasyOffer=...)`
  and of `BisqEasyTrade(..., paymentAccountData=Observable{value=Optional[<free text>]}, ...)`: the seller's
  bank details as up to 1,000 characters of free text, line breaks included. The whole value goes, whatever
  it holds, up to the next field of the same class or the end of the log entry (fail closed).
- The same fields as JSON in the trusted node's (`Bisq2_api`) WebSocket logs (`Send json: {...}`), also
  escaped inside a JSON string (`\\"paymentAccountData\\":\\"...\\"`).
- Payment account names (`Set selected payment account: My N26`, `accountName=`): chosen by the trader.
- Private keys: the trusted node sent `keyBundle` (EC key pair, Tor and I2P identity keys, Base64) to its
  clients from v2.1.2 (Jan 2025, `IdentityDto`) until v2.1.14 removed it (bisq2 commit 464335cdee,
  "Hard-removes the keyBundle field"), and logged the JSON it sent and received. Every key field
  (`privateKey`, `privateKeyEncoded`, `identityBytes`, also inside the client's `keyMaterialResponse`) is
  removed in every form (JSON, escaped JSON, record/Lombok `toString`), and any Base64 blob that decodes to a
  DER private key (PKCS#8 or SEC1) is removed wherever it stands, whatever the field is called.
- Home paths outside `/home` and `/Users` that Bisq 2's `<HOME_DIR>` mask misses (a data dir given with
  `--data-dir` on a removable disk: `/media/<user>/`, `/run/media/<user>/`).
Profile IDs, nyms, nicknames, trade and offer IDs and onions are left alone: support needs them.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

from redactor.errors import UnsafeOutput
from redactor.text.placeholders import canonical
from redactor.text.spans import FORCE, FREE, Add, dec

# Free-text fields: removed whole, up to the next sibling field or the end of the entry.
FREE_TEXT_FIELDS = ("paymentAccountData", "accountData")
# Fields whose value is one token or a bracketed value.
VALUE_FIELDS = {"bitcoinPaymentData": "account", "accountName": "accountname"}
KEY_FIELDS = ("privateKeyEncoded", "privateKey", "identityBytes", "secretKey")
# Fields that follow a free-text field in Bisq 2's classes (BisqEasyAccountDataMessage: bisqEasyOffer;
# BisqEasyTrade: bitcoinPaymentData, paymentProof, ...): where its value ends. Only names a trader would not
# type: free text that says ", id=7" must not end the removal early (a field not listed runs to the entry's end).
SIBLINGS = ("bisqEasyOffer", "bitcoinPaymentData", "paymentProof", "interruptTradeInitiator", "tradeState",
            "tradeCompletedDate")
MAX_ENTRY = 64 * 1024  # a dump is a few KB; a value never runs further than this (bounded work on garbage)
MIN_KEY_B64 = 60  # a DER EC private key is >= 118 bytes (160 Base64 chars); shorter blobs are not keys

_ALL_FIELDS = FREE_TEXT_FIELDS + tuple(VALUE_FIELDS) + KEY_FIELDS
_FIELD_BYTES = tuple(f.encode() for f in _ALL_FIELDS)
_SEP = re.compile(rb"\\?\"?[ \t]*[:=][ \t]*")
_ACCOUNT_LINE = re.compile(rb"Set selected payment account: (?P<val>[^\n]*?)[ \t\r]*$", re.M)
_SIBLING = re.compile(rb"(?:, ?|\\?\"?,\\?\")(?:" + b"|".join(re.escape(s.encode()) for s in SIBLINGS)
                      + rb")(?:=|\\?\"[ \t]*:)")
_ENTRY_START = re.compile(rb"\n(?:\S{2,12}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} |\w{3} \d{2} \d{2}:\d{2}:\d{2}\.\d{3} \[)")
_B64 = bytearray(b" " * 256)
for _c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/":
    _B64[_c] = ord("B")
_B64_TABLE = bytes(_B64)
_B64_MIN_RUN = b"B" * MIN_KEY_B64
_B64_REST = re.compile(rb"B*")
_MOUNT_PATH = re.compile(rb"/media/(?P<name>[^\s/\\:*?\"<>|,;=()\[\]'{}%$]{1,32})/")  # led by a literal: fast
_OPEN = {ord("("): ord(")"), ord("["): ord("]"), ord("{"): ord("}")}
_TOKEN = re.compile(rb"[^,)\]} \t\r\n]*")  # a bare value: up to the next separator or closing bracket
_BRACKET = re.compile(rb"[()\[\]{}]")
_CLASS_PREFIX = re.compile(rb"[A-Za-z_][\w.$]*(?=[(\[{])")  # `PrivateKeyDto[`, `Observable{`, `Optional[`


def hits(buf: bytes, add: Add) -> None:
    """Every Bisq 2 form above in `buf` (whole lines); hits never cross a newline."""
    if b"ccount" in buf or b"rivateKey" in buf or b"dentityBytes" in buf \
            or b"itcoinPaymentData" in buf or b"ecretKey" in buf:
        _field_hits(buf, add)
    if b"Set selected payment account: " in buf:
        for m in _ACCOUNT_LINE.finditer(buf):
            if m.group("val"):
                _emit(buf, m.start("val"), m.end("val"), "accountname", add)
    _der_keys(buf, add)
    if b"/media/" in buf:
        for m in _MOUNT_PATH.finditer(buf):
            before = buf[max(0, m.start() - 4):m.start()]
            if m.start() > 0 and before != b"/run" and buf[m.start() - 1:m.start()].isalnum():
                continue  # inside a longer path word (`/x/social/media/...` is not a mount point)
            s, e = m.span("name")
            add((s, e, "user", canonical("user", dec(buf[s:e])), FREE, 2))


def _field_hits(buf: bytes, add: Add) -> None:
    for name_b in _FIELD_BYTES:
        pos = buf.find(name_b)
        while pos >= 0:
            after = pos + len(name_b)
            m = _SEP.match(buf, after)
            if m and not (pos > 0 and buf[pos - 1:pos].isalnum()):  # not part of `myPaymentAccountData`
                _field_value(buf, name_b.decode(), m, add)
            pos = buf.find(name_b, after)


def _field_value(buf: bytes, name: str, sep: re.Match[bytes], add: Add) -> None:
    vs = sep.end()
    if name in FREE_TEXT_FIELDS and b":" not in sep.group():
        ve = _free_text_end(buf, vs)
    else:
        vs, ve = _value_span(buf, vs)
    kind = "text" if name in FREE_TEXT_FIELDS else "privkey" if name in KEY_FIELDS else VALUE_FIELDS[name]
    if ve > vs:
        _emit(buf, vs, ve, kind, add)


def _entry_end(buf: bytes, pos: int) -> int:
    limit = min(len(buf), pos + MAX_ENTRY)
    m = _ENTRY_START.search(buf, pos, limit)
    if m:
        return m.start()
    return limit if limit < len(buf) else len(buf.rstrip(b"\n"))


def _free_text_end(buf: bytes, vs: int) -> int:
    """A free-text value ends at the next sibling field of its class, else at the end of the log entry."""
    end = _entry_end(buf, vs)
    m = _SIBLING.search(buf, vs, end)
    return m.start() if m else end


def _value_span(buf: bytes, vs: int) -> tuple[int, int]:
    """One value: a quoted string (escaped or not), a bracketed value (`Name[...]`, `{...}`), or a token."""
    end = _entry_end(buf, vs)
    for quote in (b'\\"', b'"'):
        if buf.startswith(quote, vs):
            pos = vs + len(quote)
            while pos < end:
                q = buf.find(quote, pos, end)
                if q < 0:
                    break
                if (quote == b'"' and _escaped(buf, q)) or (quote != b'"' and _backslashes(buf, q) % 4):
                    pos = q + len(quote)  # an escaped quote inside the string (`\"` / `\\\"` one level down)
                    continue
                return vs + len(quote), q
            return vs + len(quote), end
    cls = _CLASS_PREFIX.match(buf, vs)
    start = cls.end() if cls else vs
    if start < end and buf[start] in _OPEN:
        return vs, _close(buf, start, end)
    m = _TOKEN.match(buf, vs, end)
    return vs, m.end() if m else vs


def _backslashes(buf: bytes, q: int) -> int:
    n = 0
    while q - n - 1 >= 0 and buf[q - n - 1] == 0x5C:
        n += 1
    return n


def _escaped(buf: bytes, q: int) -> bool:
    return _backslashes(buf, q) % 2 == 1


def _close(buf: bytes, start: int, end: int) -> int:
    """Past the bracket that closes the one at `start` (the entry's end if it never closes)."""
    depth = 0
    for m in _BRACKET.finditer(buf, start, end):  # only the brackets, found by `re`, not every byte
        if buf[m.start()] in _OPEN:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return end


def _emit(buf: bytes, s: int, e: int, kind: str, add: Add) -> None:
    """One hit per line of [s, e), blanks at the edges left in place."""
    pos = s
    while pos < e:
        nl = buf.find(b"\n", pos, e)
        le = e if nl < 0 else nl
        a, b = pos, le
        while a < b and buf[a] in b" \t\r":
            a += 1
        while b > a and buf[b - 1] in b" \t\r":
            b -= 1
        if b > a:
            add((a, b, kind, canonical(kind, dec(buf[a:b])), FORCE, 4))
        pos = le + 1


def _der_keys(buf: bytes, add: Add) -> None:
    """Runs of 60+ Base64 characters (found in a translated copy at memory speed) that start with `M` (every DER
    SEQUENCE does) and decode to a private key."""
    classes = buf.translate(_B64_TABLE)
    pos = classes.find(_B64_MIN_RUN)
    while pos >= 0:
        m = _B64_REST.match(classes, pos + MIN_KEY_B64)
        end = m.end() if m else pos + MIN_KEY_B64
        while end < len(buf) and end < pos + MIN_KEY_B64 + 4096 and buf[end] == 0x3D:  # `=` padding
            end += 1
        if buf[pos] == 0x4D and is_der_private_key(buf[pos:end]):
            add((pos, end, "privkey", dec(buf[pos:end]), FORCE, 4))
        pos = classes.find(_B64_MIN_RUN, end)


def is_der_private_key(b64: bytes) -> bool:
    """Whether Base64 text decodes to a DER private key: PKCS#8 (SEQUENCE, INTEGER 0, SEQUENCE) or SEC1
    (SEQUENCE, INTEGER 1, OCTET STRING). A public key (X.509: SEQUENCE, SEQUENCE) is not one."""
    head = b64[:24]
    try:
        der = base64.b64decode(head + b"=" * (-len(head) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(der) < 8 or der[0] != 0x30:
        return False
    i = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
    body = der[i:i + 5]
    return body[:3] == b"\x02\x01\x00" and body[3:4] == b"\x30" or body[:4] == b"\x02\x01\x01\x04"


def private_key_in(data: bytes) -> bool:
    """Whether a text still holds a private key in a form this module knows (for a last check before export)."""
    found: list[tuple[int, int, str, str, int, int]] = []
    if b"rivateKey" in data or b"dentityBytes" in data or b"ecretKey" in data:
        _field_hits(data, found.append)
    found = [h for h in found if h[2] == "privkey" and not _placeholder(h[3])]
    _der_keys(data, found.append)
    return bool(found)


def _placeholder(value: str) -> bool:
    v = value.strip('"\\ ')
    return bool(re.fullmatch(r"<[a-z]+-\d+>|null|\[B@[0-9a-f]+|", v))


class PrivateKeyLeft(UnsafeOutput):
    """A sanitized text still holds a private key: nothing is written."""


def refuse_private_keys(files: dict[str, Path]) -> None:
    """The last gate for the trusted node's logs: a member that still holds a private key stops the export
    (`files`: member name -> sanitized file). Read in blocks of whole lines; memory stays flat."""
    from redactor.text.sanitizer import iter_blocks  # the sanitizer imports this module

    for name, path in files.items():
        with open(path, "rb") as fh:
            for block in iter_blocks(fh):
                if private_key_in(block):
                    raise PrivateKeyLeft(f"A private key could still be read in {name}; nothing was written.")
