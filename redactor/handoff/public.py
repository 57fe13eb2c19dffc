"""The public-issue profile (`bundle --for public`): a second pass over the already-sanitized bundle members.

For a support agent, trade IDs, tx IDs and onion addresses must stay readable. On a public GitHub issue the
same identifiers tie the reporter's GitHub account to their Tor identity and trades (bisq-mobile#1870), so
this pass replaces them with consistent placeholders: onion addresses (full and Bisq's shortened
`abcdefg..hijklmn` form, which maps to the same placeholder as its full address), Bisq 1 trade/offer IDs and
their short IDs, UUIDs (Bisq 2 trade and offer IDs), tx IDs and other 64-hex hashes, bitcoin addresses, Bisq 2
profile IDs (40 hex), nyms (`Unstoppable-Rainy-Sleepwalker-453`) and nicknames (learnt where Bisq names them:
`nickName=`, `userName=`, `Name [nym]`, then replaced wherever they occur). One ID keeps one placeholder in
every file, so a developer can still follow it. It runs after the sanitizer, on its output, with its own
placeholder kinds, so it never collides with the sanitizer's detectors or numbering.

Two passes over the members in name order: the first learns every value (numbering by first appearance), the
second replaces; screenshots are handled by redactor.handoff.public_image with the values learnt here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from redactor.bisq import ids
from redactor.errors import UnsafeOutput
from redactor.text.placeholders import PlaceholderTable

TEXT_SUFFIXES = (".log", ".txt", ".json")
BLOCK = 4 << 20  # text is processed in ~4 MiB blocks cut after a newline: memory stays flat with file size
MIN_NICK = 3  # shorter "nicknames" would replace pieces of ordinary words
MAX_NICK = 40
CASE_NAME = "public-case"  # the bundle's folder and manifest name when there is no trade ID to show

# Kinds of this pass (the sanitizer's kinds are name, email, iban, ... - none of these).
ONION, TRADE, TX, BTC, PROFILE, NYM, NICK = "onion", "trade", "tx", "btc", "profile", "nym", "nick"

_SHORT_ONION = ids.SHORT_ONION
_NYM = re.compile(r"(?<![A-Za-z0-9-])[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-\d{3}(?![0-9A-Za-z-])")
# Bisq 2 prints its build's git commit (40 hex) beside the version; it identifies the release, not the user.
_COMMIT = re.compile(r"(?i)commit(?: hash)?[:=]\s*$")
# Where Bisq names a nickname: toString()s, JSON, and the "Nick [Nym-...-123]" user name form.
_NICK_CONTEXTS = (
    re.compile(r"nick[Nn]ame\s*[=:]\s*'(?P<v>[^'\n]{1,60})'"),  # literal first: re finds it at memory speed
    re.compile(r"nick[Nn]ame=(?P<v>[^,;)\]}\s'\"]{1,60})"),
    re.compile(r"\"nick[Nn]ame\"\s*:\s*\"(?P<v>[^\"\n]{1,60})\""),
    re.compile(r"userName\s*=\s*'(?P<v>[^'\n\[]{1,60}?)\s*(?:\[[^\]\n]*\])?'"),
)
_NICK_BEFORE_NYM = re.compile(r" \[[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-\d{3}\]")
_NICK_WORD = re.compile(r"(?<![^\s\[\]'\",;:=(){}<>])[^\s\[\]'\",;:=(){}<>]{3,40}$")
# Literal-led searches (see _ids).
_ONION_END = re.compile(r"\.onion(?![a-z0-9])")
_B32 = re.compile(r"[a-z2-7]+")
_B32_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz234567")
_DOTS = re.compile(r"\.\.")
_UUID_CORE = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-fA-F])")
_TRADE_PREFIX = re.compile(r"(?:^|[^A-Za-z0-9])([A-Za-z0-9]{5,8})-$")  # before a UUID core: a Bisq 1 trade ID
_TRADE_SUFFIX = re.compile(r"-\d{2,5}(?:-\d+)?(?![A-Za-z0-9])")
_HEX = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?(?![0-9a-fA-F])")  # 40: profile, 64: tx
_NYM_END = re.compile(r"-\d{3}(?![0-9A-Za-z-])")
_NYM_HEAD = re.compile(r"(?<![A-Za-z0-9-])[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}$")
# A standalone Bisq 1 short ID ("Xk3pQ"): 5-8 letters and digits, both present (a plain word or number is not one;
# the case's own short ID is matched even when it is all digits). Looked up among the trade IDs seen.
_SHORT_CANDIDATE = re.compile(r"(?<![A-Za-z0-9-])(?=[A-Za-z]{0,7}[0-9])(?=[0-9]{0,7}[A-Za-z])[A-Za-z0-9]{5,8}"
                              r"(?![A-Za-z0-9])")


@dataclass
class PublicValues:
    """What the pass learnt: placeholders by value, and the values themselves for the screenshot pass."""

    table: PlaceholderTable = field(default_factory=PlaceholderTable)
    nicknames: set[str] = field(default_factory=set)
    onions: dict[str, str] = field(default_factory=dict)  # "first7..last7" -> full host
    trades: dict[str, str] = field(default_factory=dict)  # short ID -> full trade ID
    values: dict[str, str] = field(default_factory=dict)  # value -> kind, in first-appearance order
    own_short: re.Pattern[str] | None = None  # the bundle's trade's short ID, whatever its characters
    _nick_re: tuple[int, re.Pattern[str] | None] = (0, None)

    def set_own_trade(self, trade_id: str) -> None:
        self.add(TRADE, trade_id)
        if ids.TRADE_ID.fullmatch(trade_id):
            short = re.escape(ids.short_id(trade_id))
            self.own_short = re.compile(r"(?<![A-Za-z0-9-])" + short + r"(?![A-Za-z0-9])")

    def nick_pattern(self) -> re.Pattern[str] | None:
        """One pattern for the nicknames learnt so far, compiled again only when a new one was learnt."""
        if self.nicknames and self._nick_re[0] != len(self.nicknames):
            names = sorted(self.nicknames, key=len, reverse=True)
            self._nick_re = (len(self.nicknames), re.compile(
                r"(?<![\w<-])(" + "|".join(map(re.escape, names)) + r")(?![\w>])"))
        return self._nick_re[1]

    def add(self, kind: str, value: str) -> str:
        self.values.setdefault(value, kind)
        if kind == ONION:
            self.onions.setdefault(f"{value[:7]}..{value[-7:]}", value)
        elif kind == TRADE and ids.TRADE_ID.fullmatch(value):
            self.trades.setdefault(ids.short_id(value), value)
        return self.table.get(kind, value)


def _onions(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of `<host>.onion`, found from the literal (fast) and checked backwards."""
    for m in _ONION_END.finditer(text):
        j = m.start()
        for size in (56, 16):
            i = j - size
            if i >= 0 and _B32.fullmatch(text, i, j) and (i == 0 or text[i - 1] not in _B32_CHARS):
                yield i, m.end()
                break


def _ids(text: str, learnt: PublicValues) -> Iterator[tuple[int, int, str, str]]:
    """Every identifier, possibly overlapping. Each search starts from something `re` finds at memory speed (a
    literal, a hex run, a UUID core) and only candidates get Python-level checks."""
    for i, j in _onions(text):
        yield i, j, ONION, text[i:j - len(".onion")]
    for m in _DOTS.finditer(text):
        short = _SHORT_ONION.match(text, m.start() - 7)
        if short is not None and short.end() == m.start() + 9:
            yield short.start(), short.end(), ONION, learnt.onions.get(short.group(0), short.group(0))
    for m in _UUID_CORE.finditer(text):
        start, end = m.span()
        prefix = _TRADE_PREFIX.search(text[max(0, start - 10):start])
        suffix = _TRADE_SUFFIX.match(text, end) if prefix else None
        if prefix and suffix:
            start, end = start - len(prefix.group(1)) - 1, suffix.end()
        yield start, end, TRADE, text[start:end]
    for m in _HEX.finditer(text):
        value = m.group(0)
        if len(value) == 64:
            yield m.start(), m.end(), TX, value.lower()
        elif value.islower() or value.isdigit():
            if not _COMMIT.search(text[max(0, m.start() - 20):m.start()]):
                yield m.start(), m.end(), PROFILE, value
    for m in _NYM_END.finditer(text):
        nym = _NYM_HEAD.search(text[max(0, m.start() - 64):m.start()])
        if nym is not None:
            yield m.start() - len(nym.group(0)), m.end(), NYM, nym.group(0) + m.group(0)
    for m in ids.BTC_ADDRESS.finditer(text):
        yield m.start(), m.end(), BTC, m.group(0)
    for m in _SHORT_CANDIDATE.finditer(text):
        full = learnt.trades.get(m.group(0))
        if full is not None:
            yield m.start(), m.end(), TRADE, full
    if learnt.own_short is not None:
        for m in learnt.own_short.finditer(text):
            yield m.start(), m.end(), TRADE, learnt.trades[m.group(0)]
    nick = learnt.nick_pattern()
    if nick is not None:
        for m in nick.finditer(text):
            yield m.start(), m.end(), NICK, m.group(1)


def _matches(text: str, learnt: PublicValues) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, kind, canonical value) of every identifier in `text`, not overlapping, in order."""
    found = sorted(_ids(text, learnt), key=lambda f: (f[0], -(f[1] - f[0])))
    end = -1
    for item in found:
        if item[0] >= end:  # the longest match at a position wins; overlaps after it are inside it
            yield item
            end = item[1]


def _learn_nicknames(text: str, learnt: PublicValues) -> None:
    values = [m.group("v") for pattern in _NICK_CONTEXTS for m in pattern.finditer(text)]
    for m in _NICK_BEFORE_NYM.finditer(text):  # "Nick [Nym-Nym-Nym-123]"
        head = _NICK_WORD.search(text[max(0, m.start() - MAX_NICK - 1):m.start()])
        if head is not None:
            values.append(head.group(0))
    for value in values:
        value = value.strip()
        if MIN_NICK <= len(value) <= MAX_NICK and not value.startswith("<") and not _NYM.fullmatch(value):
            learnt.nicknames.add(value)


def learn(text: str, learnt: PublicValues) -> None:
    """First pass: what later text needs to be recognised - nicknames from their contexts, full onions (for
    their shortened form) and trade IDs (for their short IDs). Numbering happens in `replace`, in order of
    appearance, so it is the same whichever pass saw a value first."""
    _learn_nicknames(text, learnt)
    for i, j in _onions(text):
        host = text[i:j - len(".onion")]
        learnt.onions.setdefault(f"{host[:7]}..{host[-7:]}", host)
    for m in _UUID_CORE.finditer(text):
        prefix = _TRADE_PREFIX.search(text[max(0, m.start() - 10):m.start()])
        suffix = _TRADE_SUFFIX.match(text, m.end()) if prefix else None
        if prefix and suffix:
            short = prefix.group(1)
            learnt.trades.setdefault(short, text[m.start() - len(short) - 1:suffix.end()])


def replace(text: str, learnt: PublicValues) -> str:
    out: list[str] = []
    pos = 0
    for start, end, kind, value in _matches(text, learnt):
        out.append(text[pos:start])
        out.append(learnt.add(kind, value))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def blocks(data_or_path: bytes | Path) -> Iterator[str]:
    """Text in blocks that end after a newline (an identifier never spans two blocks); bytes that are not
    UTF-8 pass through unchanged (surrogateescape)."""
    if isinstance(data_or_path, bytes):
        yield data_or_path.decode("utf-8", "surrogateescape")
        return
    with Path(data_or_path).open("rb") as fh:
        rest = b""
        while chunk := fh.read(BLOCK):
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                rest = chunk
                continue
            rest = chunk[cut:]
            yield chunk[:cut].decode("utf-8", "surrogateescape")
        if rest:
            yield rest.decode("utf-8", "surrogateescape")


def is_text_member(name: str) -> bool:
    return name.endswith(TEXT_SUFFIXES)


def check_output_name(out_zip: Path, trade_id: str, known: Sequence[str] = ()) -> None:
    """A public bundle's file name must not give away the trade (its full or short ID, or any ID in `known`)."""
    name = Path(out_zip).name
    for value in (trade_id, ids.short_id(trade_id), *known):
        if value and len(value) >= 5 and value in name:
            raise UnsafeOutput(f"For a public issue the file name must not contain the trade ID ('{value}'); "
                               "name it e.g. bisq-issue.zip.")
