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

_ONION = re.compile(r"(?<![a-z2-7])(?P<host>[a-z2-7]{56}|[a-z2-7]{16})\.onion")
_SHORT_ONION = ids.SHORT_ONION
_PROFILE = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{40}(?![0-9a-fA-F])")
_NYM = re.compile(r"(?<![A-Za-z0-9-])[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-\d{3}(?![0-9A-Za-z-])")
# Bisq 2 prints its build's git commit (40 hex) beside the version; it identifies the release, not the user.
_COMMIT = re.compile(r"(?i)commit(?: hash)?[:=]\s*$")
# Where Bisq names a nickname: toString()s, JSON, and the "Nick [Nym-...-123]" user name form.
_NICK_CONTEXTS = (
    re.compile(r"\bnick[Nn]ame\s*[=:]\s*'(?P<v>[^'\n]{1,60})'"),
    re.compile(r"\bnick[Nn]ame=(?P<v>[^,;)\]}\s'\"]{1,60})"),
    re.compile(r"\"nick[Nn]ame\"\s*:\s*\"(?P<v>[^\"\n]{1,60})\""),
    re.compile(r"\buserName\s*=\s*'(?P<v>[^'\n\[]{1,60}?)\s*(?:\[[^\]\n]*\])?'"),
    re.compile(r"(?P<v>[^\s\[\]'\",;:=(){}<>]{3,40}) \[[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-[A-Z][a-z]{1,20}-\d{3}\]"),
)
# Tx IDs as a trader types them may be upper-case; one placeholder for both spellings.
_TX = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")


@dataclass
class PublicValues:
    """What the pass learnt: placeholders by value, and the values themselves for the screenshot pass."""

    table: PlaceholderTable = field(default_factory=PlaceholderTable)
    nicknames: set[str] = field(default_factory=set)
    onions: dict[str, str] = field(default_factory=dict)  # "first7..last7" -> full host
    trades: dict[str, str] = field(default_factory=dict)  # short ID -> full trade ID
    values: dict[str, str] = field(default_factory=dict)  # value -> kind, in first-appearance order

    def add(self, kind: str, value: str) -> str:
        self.values.setdefault(value, kind)
        if kind == ONION:
            self.onions.setdefault(f"{value[:7]}..{value[-7:]}", value)
        elif kind == TRADE and ids.TRADE_ID.fullmatch(value):
            self.trades.setdefault(ids.short_id(value), value)
        return self.table.get(kind, value)


def _matches(text: str, learnt: PublicValues) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, kind, canonical value) of every identifier in `text`, not overlapping, in order."""
    found: list[tuple[int, int, str, str]] = []
    for m in _ONION.finditer(text):
        found.append((m.start("host"), m.end("host") + len(".onion"), ONION, m.group("host")))
    for m in _SHORT_ONION.finditer(text):
        full = learnt.onions.get(m.group(0))
        found.append((m.start(), m.end(), ONION, full or m.group(0)))
    for pattern, kind in ((ids.TRADE_ID, TRADE), (ids.UUID, TRADE), (ids.BTC_ADDRESS, BTC)):
        found += [(m.start(), m.end(), kind, m.group(0)) for m in pattern.finditer(text)]
    found += [(m.start(), m.end(), TX, m.group(0).lower()) for m in _TX.finditer(text)]
    for m in _PROFILE.finditer(text):
        if not _COMMIT.search(text[max(0, m.start() - 20):m.start()]):
            found.append((m.start(), m.end(), PROFILE, m.group(0)))
    found += [(m.start(), m.end(), NYM, m.group(0)) for m in _NYM.finditer(text)]
    if learnt.trades:
        shorts = re.compile(r"(?<![A-Za-z0-9-])(" + "|".join(map(re.escape, learnt.trades)) + r")(?![A-Za-z0-9])")
        found += [(m.start(), m.end(), TRADE, learnt.trades[m.group(1)]) for m in shorts.finditer(text)]
    if learnt.nicknames:
        names = sorted(learnt.nicknames, key=len, reverse=True)
        nick = re.compile(r"(?<![\w<-])(" + "|".join(map(re.escape, names)) + r")(?![\w>])")
        found += [(m.start(), m.end(), NICK, m.group(1)) for m in nick.finditer(text)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    end = -1
    for item in found:
        if item[0] >= end:  # the longest match at a position wins; overlaps after it are inside it
            yield item
            end = item[1]


def _learn_nicknames(text: str, learnt: PublicValues) -> None:
    for pattern in _NICK_CONTEXTS:
        for m in pattern.finditer(text):
            value = m.group("v").strip()
            if MIN_NICK <= len(value) <= MAX_NICK and not value.startswith("<") and not _NYM.fullmatch(value):
                learnt.nicknames.add(value)


def learn(text: str, learnt: PublicValues) -> None:
    """First pass: nicknames from their contexts, then every identifier numbered in order of appearance."""
    _learn_nicknames(text, learnt)
    for _s, _e, kind, value in _matches(text, learnt):
        learnt.add(kind, value)


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
