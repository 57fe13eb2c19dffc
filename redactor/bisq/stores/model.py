"""Known personal values: what Bisq's own files say is this trader's and this trade's payment data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from redactor.matching import Needle, all_needles

MIN_SHORT_ID = 5  # a Bisq 1 short ID is the 5-8 character prefix (facts.md §8)
SWEEP_SKIPS = frozenset({"accountName"})


@dataclass(frozen=True, order=True)
class KnownValue:
    value: str = field(repr=False)  # never in a repr, a log line or a report
    kind: str  # the payload field ("holderName", "iban"), "name"/"code" for labelled free text, "free-text"
    source: str  # the file it came from ("UserPayload", "PendingTrades", "account_store.protobuf", "contract")
    trade_id: str | None = None  # None: one of the trader's own accounts


@dataclass
class KnownValues:
    values: list[KnownValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # sentences for the user: what could not be read and why
    files_read: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.values)

    def counts(self) -> dict[str, int]:
        """Distinct values per source (for the report: counts, never values)."""
        seen: dict[str, set[str]] = {}
        for v in self.values:
            seen.setdefault(v.source, set()).add(v.value)
        return dict(sorted((k, len(s)) for k, s in seen.items()))

    def kinds(self) -> dict[str, int]:
        return dict(sorted(Counter(v.kind for v in self.values).items()))

    def trade_ids(self) -> list[str]:
        return sorted({v.trade_id for v in self.values if v.trade_id})

    def for_trade(self, trade_id: str | None) -> KnownValues:
        """The trader's own accounts and the values of this trade (full ID, or its short ID)."""
        tid = (trade_id or "").strip()

        def mine(v: KnownValue) -> bool:
            if v.trade_id is None:
                return True
            return bool(tid) and (v.trade_id == tid or (len(tid) >= MIN_SHORT_ID and v.trade_id.startswith(tid)))

        return KnownValues([v for v in self.values if mine(v)], list(self.notes), list(self.files_read))

    def texts(self) -> list[str]:
        """The distinct values (for `known=` of the image redactor and the sanitizer's `known_values`)."""
        return sorted({v.value for v in self.values})

    def pairs(self) -> list[tuple[str, str]]:
        return sorted({(v.value, v.kind) for v in self.values})

    def sweep_pairs(self) -> list[tuple[str, str]]:
        """pairs() the final sweep insists on: not the accounts' own names ("My SEPA", which Bisq 2 logs
        print and which name no one but for the name parts the holder names already give); they are still
        hidden in screenshots."""
        return sorted({(v.value, v.kind) for v in self.values if v.kind not in SWEEP_SKIPS})

    def needles(self) -> frozenset[Needle]:
        return all_needles(self.pairs())

    def add(self, values: Iterable[str], source: str, kind: str = "code", trade_id: str | None = None) -> None:
        """Values from elsewhere (the contract, what a detector found, words the user added)."""
        self.values += [KnownValue(v.strip(), kind, source, trade_id) for v in values if v and v.strip()]
