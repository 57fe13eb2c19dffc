"""Bisq Easy's trade export (`BisqEasy-trade-<shortId>.csv`, Open trades → Export), cleaned for a bundle.

Bisq 2 writes one header row and one row per trade, 14 columns in this order (TradesUtils.exportTrade):
trade ID, date, maker/taker role, offer type, quote amount, currency, BTC amount, price, market, price %, price
modality, payment method, receiver address or invoice, tx ID or preimage. Everything is what support reads,
except the buyer's receiving BTC address or Lightning invoice (personal, as on the trade details screen:
bisq2screens.py), which becomes `<btc-address>`. The whole text then goes through the log sanitizer (with the
case's placeholders and known values), so anything personal in another cell goes too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from redactor.errors import BadInput
from redactor.text.placeholders import PlaceholderTable

MEMBER = "trade-history.csv"
COLUMNS = 14
RECEIVER_COLUMN = 12  # 0-based: "receiver address or invoice"
MAX_BYTES = 1 << 20  # one trade is a few hundred bytes; a bigger file is not Bisq's export
PLACEHOLDER = "<btc-address>"
NOT_SET = {"", "n/a", "na", "-"}  # Bisq's `data.na` before the buyer sent an address


def clean_trade_csv(path: Path, table: PlaceholderTable | None = None, known_values: Iterable[str] = (),
                    user_names: Iterable[str] = ()) -> bytes:
    """The export at `path` without the receiving address or invoice, sanitized; BadInput if it is not one."""
    try:
        raw = Path(path).read_bytes()[:MAX_BYTES + 1]
    except OSError as exc:
        raise BadInput(f"The trade export {Path(path).name} cannot be read ({exc.strerror or exc}).") from exc
    if len(raw) > MAX_BYTES:
        raise BadInput(f"{Path(path).name} is larger than a Bisq Easy trade export; not added.")
    text = raw.decode("utf-8-sig", "replace")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or any(len(r) != COLUMNS for r in rows if r):
        raise BadInput(f"{Path(path).name} is not a Bisq Easy trade export (Open trades → Export); not added.")
    for r in rows[1:]:
        if r and r[RECEIVER_COLUMN].strip().casefold() not in NOT_SET:
            r[RECEIVER_COLUMN] = PLACEHOLDER
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    from redactor.text.sanitizer import sanitize_text

    return sanitize_text(out.getvalue(), tuple(user_names), table, known_values=known_values).encode("utf-8")
