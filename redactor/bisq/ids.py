"""Formats of the identifiers support needs to read: they must survive every redaction untouched.

Source: ../shared/bisq/facts.md section 8 (OfferUtil.getRandomOfferId, Utilities.getShortId, Tor v3).
"""

from __future__ import annotations

import re

# Bisq 1 offer/trade ID: prefix (5-8 alnum) - lower-case UUID - version digits [- edit counter].
TRADE_ID = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z0-9]{5,8}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\d{2,5}(?:-\d+)?"
    r"(?![A-Za-z0-9])"
)
# Bisq 2 trade IDs and very old Bisq 1 offers are bare UUIDs.
UUID = re.compile(r"(?<![0-9a-fA-F-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-fA-F-])")
# Tx IDs, contract hashes and SHA-256 values all look the same: 64 hex characters.
TXID = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])")
ONION = re.compile(r"(?<![a-z2-7])(?:[a-z2-7]{56}|[a-z2-7]{16})\.onion(?::\d{1,5})?")
# Shortened onion shown in tables: first 7 chars, "..", last 7 chars.
SHORT_ONION = re.compile(r"(?<![a-z2-7])[a-z2-7]{7}\.\.[a-z2-7]{7}(?![a-z2-7])")
BTC_ADDRESS = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:bc1|tb1|bcrt1)[02-9ac-hj-np-z]{11,87}|[13mn2][1-9A-HJ-NP-Za-km-z]{25,34})(?![A-Za-z0-9])"
)

KEEP_PATTERNS: tuple[re.Pattern[str], ...] = (TRADE_ID, UUID, TXID, ONION, SHORT_ONION, BTC_ADDRESS)


def is_trade_id(text: str) -> bool:
    return TRADE_ID.fullmatch(text) is not None or UUID.fullmatch(text) is not None


def short_id(trade_id: str) -> str:
    """Bisq's `Utilities.getShortId`: the first `-` part if it has at most 8 characters, else the first 8."""
    first = trade_id.split("-", 1)[0]
    return first if len(first) <= 8 else trade_id[:8]


def keep_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of every identifier that must stay readable, sorted and merged."""
    spans = sorted((m.start(), m.end()) for p in KEEP_PATTERNS for m in p.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
