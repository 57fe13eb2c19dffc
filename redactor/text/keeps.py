"""Where the identifiers support needs (`redactor.bisq.ids.KEEP_PATTERNS`) lie in a block, found fast.

`ids.keep_spans` runs six regexes over a line; on a dense log (a hit on every third line) that was a third of
the sanitizer's time. Each pattern has a literal that any match must contain - a run of 64 lower-case hex
digits for a tx ID, the `8-4-4-4-12` hex shape for a UUID or trade ID, `.onion`, `..`, a run of 26 base58
characters or `bc1`/`tb1` for a BTC address - and a line (only one that holds a hit) runs only the patterns
whose literal it holds, checked with `in` on translated copies of the line. The result is exactly
`keep_spans` (a test compares them).
"""

from __future__ import annotations

import re

from redactor.bisq.ids import BTC_ADDRESS, ONION, SHORT_ONION, TRADE_ID, TXID, UUID
from redactor.text.spans import IS_WORD, dec, enc

_HEX = bytearray(b" " * 256)
for _c in b"0123456789abcdef":
    _HEX[_c] = ord("h")
_HEX[ord("-")] = ord("-")
_HEX_TABLE = bytes(_HEX)
_B58 = bytearray(b" " * 256)
for _c in b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz":
    _B58[_c] = ord("B")
_B58_TABLE = bytes(_B58)

# Each led by the byte that must precede a match (no hex digit / base58 character can): a literal that begins
# with a rare byte is found fast, one of 26 equal bytes in a run of them is not.
_UUID_SHAPE = b"h" * 8 + b"-" + b"hhhh-" * 3 + b"h" * 12
_HEX64 = b"h" * 64
_B58_26 = b"B" * 26


def _patterns(line: bytes) -> list[tuple[re.Pattern[str], int]]:
    """The keep patterns that can match in `line` (those whose literal it holds), each with the first byte
    offset at which a match can start (a trade ID's prefix is up to 9 bytes before its UUID, an onion's name
    56 before `.onion`)."""
    out: list[tuple[re.Pattern[str], int]] = []
    hexed = line.translate(_HEX_TABLE)
    at = hexed.find(_UUID_SHAPE)
    if at >= 0:
        out += ((TRADE_ID, max(0, at - 9)), (UUID, at))
    at = hexed.find(_HEX64)
    if at >= 0:
        out.append((TXID, at))
    at = line.find(b".onion")
    if at >= 0:
        out.append((ONION, max(0, at - 56)))
    if b".." in line:
        out.append((SHORT_ONION, 0))
    if b"bc1" in line or b"tb1" in line or b"bcrt1" in line:
        out.append((BTC_ADDRESS, 0))
    else:
        at = line.translate(_B58_TABLE).find(_B58_26)
        if at >= 0:
            out.append((BTC_ADDRESS, at))
    return out


class KeepIndex:
    """Protected spans per line of one block, computed on first use."""

    def __init__(self, buf: bytes) -> None:
        self._buf = buf
        self._cache: dict[int, list[tuple[int, int]]] = {}

    def at(self, pos: int) -> list[tuple[int, int]]:
        """The protected byte spans (absolute, merged) of the line holding `pos`."""
        buf = self._buf
        ls = buf.rfind(b"\n", 0, pos) + 1
        cached = self._cache.get(ls)
        if cached is not None:
            return cached
        le = buf.find(b"\n", pos)
        line = buf[ls:len(buf) if le < 0 else le]
        patterns = _patterns(line)
        spans: list[tuple[int, int]] = []
        if patterns:
            text = dec(line)
            ascii_only = len(text) == len(line)  # else a byte offset is not a character offset: search it all
            found = sorted((m.start(), m.end()) for p, at in patterns
                           for m in p.finditer(text, at if ascii_only else 0))
            for a, b in found:
                if spans and a <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
                else:
                    spans.append((a, b))
            if len(text) != len(line):  # non-ASCII: map character offsets to byte offsets
                spans = [(len(enc(text[:a])), len(enc(text[:b]))) for a, b in spans]
            spans = [(ls + a, ls + b) for a, b in spans]
        self._cache[ls] = spans
        return spans


def carve(buf: bytes, s: int, e: int, keeps: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
        while ps < pe and not IS_WORD[buf[ps]]:
            ps += 1
        while pe > ps and not IS_WORD[buf[pe - 1]]:
            pe -= 1
        if pe > ps:
            out.append((ps, pe))
    return out
