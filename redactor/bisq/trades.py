"""Trades found in Bisq logs: their IDs, when they were seen, and the tx IDs the log ties to each.

The logs are read as bytes, in blocks that end between log entries (memory is flat in the size of a file), and
only the few log entries that hold a trade ID or a tx ID are decoded, so the 21 × 10 MB of a full log set is
scanned in about a second. A tx ID is tied to a trade only when the same log
entry (a timestamped line and its continuation lines, e.g. a contract JSON dump) names exactly that trade;
its label comes from the words just before it on its line ("deposit tx", "payoutTxId", "takerFeeTxID", ...).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from redactor.bisq import ids, tradefacts
from redactor.bisq.logfiles import LOG_NAME, open_log, tail_start
from redactor.fsutil import RefusedInput

log = logging.getLogger(__name__)

# Bisq 1 trade IDs; Bisq 2 trade IDs are bare UUIDs, which Bisq 1 also uses for message uids, so a UUID counts
# as a trade ID only right after the words "trade id".
_TRADE = ids.TRADE_ID.pattern.encode()
_BISQ2_TRADE = rb"(?i:trade ?id)[=: ]+(" + ids.UUID.pattern.encode() + rb")"
# A version-3 UUID is always a Bisq 2 trade ID (`UUID.nameUUIDFromBytes`): Bisq's other UUIDs are random (v4).
_V3_UUID = (rb"(?<![0-9a-fA-F-])(?P<v3>[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})"
            rb"(?![0-9a-fA-F-])")
_TXID = ids.TXID.pattern.encode()
HITS = re.compile(rb"(?P<trade>" + _TRADE + rb")|" + _BISQ2_TRADE + rb"|" + _V3_UUID + rb"|(?P<tx>" + _TXID + rb")")
# `MMM-dd HH:mm:ss.SSS ` at a line start (logfiles.TIMESTAMP without `^`, which `match(data, pos)` would not honour).
_CANDIDATE = re.compile(rb"-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-")  # the middle of every UUID / trade ID
_ENTRY_START = re.compile(rb"(?m)^(\S{2,12}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) ")
_MAX_ENTRY_BACK = 256 * 1024  # a contract JSON dump is a few KB; never walk back further than this
BLOCK = 4 << 20  # the file is read in blocks that end between log entries: memory stays flat in its size
MAX_CARRY = 1 << 20  # an entry is carried into the next block only up to this size (4x _MAX_ENTRY_BACK)

# Checked in order on the text between the previous ID on the line and the tx ID, lower-cased, spaces removed.
LABEL_RULES: tuple[tuple[str, str], ...] = (
    ("delayedpayout", "delayed payout"),
    ("payout", "payout"),
    ("deposit", "deposit"),
    ("takerfee", "taker fee"),
    ("offerfeepayment", "maker fee"),
    ("makerfee", "maker fee"),
    ("offerid=", "maker fee"),  # `OfferId={}, txId={} is unconfirmed`: the offer's fee tx
    ("preimage", "preimage"),  # Bisq 2 over Lightning: the payment proof is the invoice's preimage
    ("paymentproof", "btc payment"),  # Bisq 2 on-chain: the seller's BTC payment tx
    ("btcsent", "btc payment"),
)
# 64-hex values that are not transactions: the account-age salt in a payload dump, hashes, keys.
_NOT_A_TX = re.compile(r"(?i)(salt|hash|key|witness|signature|pubkey)\W{0,4}$")
LABELS = ("deposit", "payout", "delayed payout", "maker fee", "taker fee", "preimage", "btc payment", "")


@dataclass
class TradeSeen:
    trade_id: str
    first_seen: str | None
    last_seen: str | None
    txids: dict[str, str] = field(default_factory=dict)  # txid -> label (one of LABELS; "" = unknown)
    facts: dict[str, str] = field(default_factory=dict)  # tradefacts.FACTS the logs tell: amount, method, ...

    def summary(self) -> str:
        return tradefacts.summary(self.facts)


@dataclass
class _Acc:
    trade_id: str
    first_seen: str | None = None
    first_order: tuple[int, int] = (1 << 30, 0)
    last_seen: str | None = None
    last_order: tuple[int, int] = (-1, 0)
    txids: dict[str, str] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)

    def seen(self, order: tuple[int, int], stamp: str | None) -> None:
        if order < self.first_order:
            self.first_order, self.first_seen = order, stamp
        if order > self.last_order:
            self.last_order, self.last_seen = order, stamp

    def add_tx(self, txid: str, label: str) -> None:
        if not self.txids.get(txid):
            self.txids[txid] = label


def _age(path: Path) -> int:
    """Higher is older: bisq.log 0, bisq_1.log 1, ... (facts.md section 2). Unknown names count as newest."""
    m = LOG_NAME.match(path.name)
    return int(m.group(1)) if m and m.group(1) else 0


def label_for(context: str) -> str:
    squeezed = context.lower().replace(" ", "").replace("_", "")
    for needle, label in LABEL_RULES:
        if needle in squeezed:
            return label
    return ""


def _entry_bounds(data: bytes, pos: int) -> tuple[int, int]:
    """Start and end of the log entry holding byte `pos`: from its timestamped line to the next one."""
    line_start = data.rfind(b"\n", 0, pos) + 1
    start = line_start
    floor = max(0, pos - _MAX_ENTRY_BACK)
    while not _ENTRY_START.match(data, start) and start > floor:
        start = data.rfind(b"\n", 0, start - 1) + 1
    if not _ENTRY_START.match(data, start):
        start = line_start
    line_end = data.find(b"\n", pos)
    nxt = _ENTRY_START.search(data, line_end + 1) if line_end >= 0 else None
    return start, nxt.start() if nxt else len(data)


def _entries_with_hits(data: bytes) -> Iterator[tuple[int, int, list[re.Match[bytes]]]]:
    """(entry start, entry end, hits) for each log entry naming a trade, in file order. Only entries with a
    UUID-shaped run are parsed: a tx ID outside such an entry is tied to no trade, and the literal-led
    candidate search is ~50x faster than the full pattern over 10 MB."""
    end = -1
    for cand in _CANDIDATE.finditer(data):
        if cand.start() < end:
            continue
        start, end = _entry_bounds(data, cand.start())
        hits = list(HITS.finditer(data, start, end))
        if any(_trade_of(h) for h in hits):
            yield start, end, hits


def _trade_of(m: re.Match[bytes]) -> str | None:
    if m.group("trade"):
        return m.group("trade").decode()
    if m.group(2):
        return m.group(2).decode()
    if m.group("v3"):
        return m.group("v3").decode()
    return None


def _scan(data: bytes, age: int, acc: dict[str, _Acc], base: int = 0) -> None:
    """Add the trades of `data` (whole log entries starting at file offset `base`) to `acc`."""
    for start, end, hits in _entries_with_hits(data):
        stamp_m = _ENTRY_START.match(data, start)
        stamp = stamp_m.group(1).decode("utf-8", "replace") if stamp_m else None
        # Order: older files first, then position; negate age so that newer is larger.
        order = (-age, base + start)
        trades = [t for t in (_trade_of(m) for m in hits) if t]
        for t in trades:
            acc.setdefault(t, _Acc(t)).seen(order, stamp)
        entry_trades = set(trades)
        if len(entry_trades) == 1:
            tradefacts.facts_in(data[start:end].decode("utf-8", "replace"), acc[trades[0]].facts)
        for k, m in enumerate(hits):
            if not m.group("tx"):
                continue
            line_start = data.rfind(b"\n", 0, m.start()) + 1
            line_end = data.find(b"\n", m.start())
            line_end = len(data) if line_end < 0 else line_end
            on_line = [h for h in hits if line_start <= h.start() < line_end]
            line_trades = {t for t in map(_trade_of, on_line) if t}
            owners = line_trades if len(line_trades) == 1 else entry_trades
            if len(owners) != 1:
                continue
            # Label context: the line up to this tx ID, starting after the previous tx ID on the line, so in
            # "deposit tx A published, delayed payout tx B" A is the deposit and B the delayed payout.
            ctx_start = line_start
            for h in hits[:k]:
                if h.group("tx") and h.start() >= line_start:
                    ctx_start = h.end()
            context = data[ctx_start:m.start()].decode("utf-8", "replace")
            if _NOT_A_TX.search(context[-24:]):
                continue
            acc[next(iter(owners))].add_tx(m.group("tx").decode(), label_for(context))


def _entry_cut(data: bytes) -> int:
    """Where `data` can be cut so that `data[:cut]` holds whole entries: the last entry start in its final
    MAX_CARRY bytes (0: carry it all, it is one entry so far); without one in a full window (a runaway entry),
    the last newline there, else the end."""
    floor = max(0, len(data) - MAX_CARRY)
    pos = len(data)
    last_line = -1
    while (nl := data.rfind(b"\n", floor, pos)) >= 0:
        if _ENTRY_START.match(data, nl + 1):
            return nl + 1
        last_line = max(last_line, nl + 1)
        pos = nl
    if floor == 0:
        return 0  # one entry, still shorter than MAX_CARRY: carry all of it into the next block
    return last_line if last_line > 0 else len(data)


def scan_file(fh: BinaryIO, age: int, acc: dict[str, _Acc], limit: int | None = None) -> None:
    """Stream one log (its newest `limit` bytes) through `_scan` in blocks that end between entries."""
    base = tail_start(fh, os.fstat(fh.fileno()).st_size, limit)
    carry = b""
    while True:
        block = fh.read(BLOCK)
        data = carry + block
        cut = _entry_cut(data) if block else len(data)
        if cut:
            _scan(data[:cut], age, acc, base)
        if not block:
            return
        base += cut
        carry = data[cut:]


def find_trades(log_files: Sequence[Path], limit: int | None = None, root: Path | None = None) -> list[TradeSeen]:
    """Every trade ID in the logs with first/last time seen and its tx IDs, the most recently seen first.
    Each log is opened through `open_log` (no link followed, text only) and streamed in bounded memory, its
    newest `limit` (default logfiles.MAX_LOG_BYTES) bytes at most; `root` is the data dir they were listed in
    (no link below it is followed: Bisq 2's tor/ folder). Unreadable or refused files are skipped with a
    warning (the caller shows which logs it used)."""
    acc: dict[str, _Acc] = {}
    for path in log_files:
        path = Path(path)
        try:
            with open_log(path, root) as fh:
                scan_file(fh, _age(path), acc, limit)
        except (OSError, RefusedInput) as exc:
            log.warning("cannot read %s: %s", path.name, exc)
            continue
    ordered = sorted(acc.values(), key=lambda a: a.last_order, reverse=True)
    return [TradeSeen(a.trade_id, a.first_seen, a.last_seen, dict(a.txids), dict(a.facts)) for a in ordered]


def txids_for_trade(log_files: Sequence[Path], trade_id: str) -> dict[str, str]:
    """The tx IDs the logs tie to `trade_id` (txid -> label), empty when the logs never name it."""
    for t in find_trades(log_files):
        if t.trade_id == trade_id:
            return t.txids
    return {}
