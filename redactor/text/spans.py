"""What every detector shares: the raw-hit tuple, how a hit relates to protected identifiers, byte classes.

Detectors work on raw bytes (a block of whole lines); a raw hit is `(start, end, kind, canonical, mode, priority)`
and is handed to an `Add` callback. Text is decoded with `surrogateescape` everywhere, so a byte that is not
UTF-8 survives as a lone surrogate and is encoded back to the very same byte.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

# How a hit relates to protected identifiers (trade/tx IDs, onions, BTC addresses):
# FREE: taken as found; DROP: dropped when it lies inside a protected span (a protected token never shields a
# larger personal value around it); CARVE: cut around protected spans; FORCE: taken even over one; KNOWN: a
# known value found again, cut around protected spans like CARVE, each piece keeping the value's placeholder.
FREE, DROP, CARVE, FORCE, KNOWN = 0, 1, 2, 3, 4

Raw = tuple[int, int, str, str, int, int]  # start, end, kind, canonical value, mode, priority
Add = Callable[[Raw], None]


class Hit(NamedTuple):
    start: int
    end: int
    kind: str
    canon: str


WORD_BYTES = bytes(i for i in range(256) if chr(i).isalnum() or i == ord("_") or i >= 0x80)
IS_WORD = [False] * 256
for _b in WORD_BYTES:
    IS_WORD[_b] = True
IS_HEX = [chr(i) in "0123456789abcdefABCDEF" for i in range(256)]


def dec(b: bytes) -> str:
    """Bytes to text without loss (undecodable bytes become lone surrogates)."""
    return b.decode("utf-8", "surrogateescape")


def enc(s: str) -> bytes:
    """The inverse of `dec`; any other lone surrogate (never produced by `dec`) is written as UTF-8 would."""
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def printable(s: str) -> str:
    """`s` with undecodable bytes shown as `\\xNN`, for the private map (JSON that any reader accepts)."""
    return enc(s).decode("utf-8", "backslashreplace")


def word_before(buf: bytes, s: int) -> bool:
    """Whether a word character touches position `s` from the left. A percent escape (`%5C`, `%2F`, `%20`) is
    a separator, not the end of a word: `C%3A%5CUsers%5Cjohn` holds the word `john`."""
    if s <= 0 or not IS_WORD[buf[s - 1]]:
        return False
    return not (s >= 3 and buf[s - 3] == 0x25 and IS_HEX[buf[s - 2]] and IS_HEX[buf[s - 1]])
