"""Scrub a Bisq 1 trade contract (JSON) of payment-account data, keeping what support needs.

The JSON is parsed, never pattern-matched: Gson escapes `'` `=` `<` `>` `&` as `\\u0027` etc. and payloads nest
(facts.md sections 5a and 6). Removed, wherever they occur:
  - `makerPaymentAccountPayload` / `takerPaymentAccountPayload`: inline in contracts made before v1.7.0
    (names, IBANs, e-mails, ...), and the API/CLI `PaymentAccountPayloadInfo` objects of the same names whose
    `paymentDetails` is the multi-line payment text; since v1.7.0 signed contracts do not carry them at all;
  - any other `paymentDetails` text;
  - `offerPayload.extraDataMap.f2fCity`, `f2fExtraInfo`, `cashByMailExtraInfo` (free text, may hold a phone
    number or an address).
Kept: trade/offer ID, tx IDs, amounts, prices, fees, onion node addresses, payout addresses, lock time, payment
method IDs, agents' pub key rings.

Policy for pseudonymous identifiers: `makerAccountId`, `takerAccountId`, `offerPayload.makerPaymentAccountId`,
`extraDataMap.accountAgeWitnessHash`, `referralId` and the two `hashOf…PaymentAccountPayload` byte arrays are
KEPT. They name no person and hold no account data by themselves; they are what a mediator or arbitrator
checks against the payment data they already hold (account age, signed witness, "is this the account of the
contract?"), so removing them would break dispute handling for a small privacy gain. They do link this trade to
other trades of the same account, which support may legitimately need to see.

The scrubbed text no longer hashes to the contract hash shown by Bisq; it is for reading, not for verifying.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from redactor.errors import BadInput, UnsafeOutput
from redactor.fsutil import write_bytes_atomic

PAYLOAD_KEYS = ("makerPaymentAccountPayload", "takerPaymentAccountPayload")
EXTRA_DATA_REMOVED = {"f2fCity": "address", "f2fExtraInfo": "text", "cashByMailExtraInfo": "text"}
MAX_BYTES = 20 * 1024 * 1024
# Payload fields that name no person and no account: method, the account's UUID, countries, currencies.
NOT_PERSONAL = frozenset({"paymentMethodId", "id", "maxTradePeriod", "countryCode", "acceptedCountryCodes",
                          "currencyCode", "selectedCurrencyCode", "tradeCurrencies", "accountType",
                          "bankAccountType"})


def _scrub(node: Any, counts: Counter[str]) -> None:
    if isinstance(node, dict):
        for key in PAYLOAD_KEYS:
            if key in node:
                if node[key] is not None:
                    counts["payment"] += 1
                del node[key]
        if "paymentDetails" in node:
            del node["paymentDetails"]
            counts["payment"] += 1
        extra = node.get("extraDataMap")
        if isinstance(extra, dict):
            for key, kind in EXTRA_DATA_REMOVED.items():
                if key in extra:
                    del extra[key]
                    counts[kind] += 1
        for value in node.values():
            _scrub(value, counts)
    elif isinstance(node, list):
        for value in node:
            _scrub(value, counts)


def _parse(text: str) -> tuple[dict[str, Any], int, int]:
    """The contract's JSON object and where it starts and ends in `text`; BadInput when there is none."""
    start = text.find("{")
    if start < 0:
        raise BadInput("This is not a contract JSON file: no JSON object found.")
    try:
        doc, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise BadInput(f"This is not a valid contract JSON file ({exc.msg}, line {exc.lineno}).") from exc
    if not isinstance(doc, dict):
        raise BadInput("This is not a contract JSON file: expected a JSON object.")
    return doc, start, end


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_contract_text(text: str) -> tuple[str, dict[str, int]]:
    """The scrubbed contract as 2-space pretty JSON, and counts of what was removed per category.

    Text around the JSON object (e.g. "Contract as json:" before it, or the `BuyerMultiSigPubKeyHex: …` lines
    Bisq's window adds after it) is kept, passed through the text sanitizer. Raises BadInput if there is no JSON
    object."""
    doc, start, end = _parse(text)
    counts: Counter[str] = Counter()
    _scrub(doc, counts)
    # A lone surrogate (`"\ud800"` in the file) cannot be UTF-8: written back as the escape it came from.
    body = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(doc, indent=2, ensure_ascii=False))
    before, after = text[:start], text[end:]
    if before.strip() or after.strip():
        from redactor.text.sanitizer import sanitize_text  # only for the rare text around the JSON

        before, after = sanitize_text(before), sanitize_text(after)
    return before + body + after, dict(sorted(counts.items()))


def personal_values(text: str) -> list[str]:
    """What the scrubber removes, as values: the payment-account data of both traders (holder names, IBANs,
    account numbers, e-mails, …) and the free-text extras. Screenshot redaction looks for them anywhere (a
    name in a chat message has no label). Empty for contracts made since v1.7.0, which carry no payload."""
    doc, _, _ = _parse(text)
    found: set[str] = set()

    def walk(node: Any, inside: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "paymentDetails" and isinstance(value, str):
                    found.update(_detail_values(value))
                elif key in PAYLOAD_KEYS:
                    walk(value, True)
                elif key == "extraDataMap" and isinstance(value, dict):
                    walk({k: v for k, v in value.items() if k in EXTRA_DATA_REMOVED}, True)
                elif not (inside and key in NOT_PERSONAL):
                    walk(value, inside)
        elif isinstance(node, list):
            for value in node:
                walk(value, inside)
        elif inside and isinstance(node, str) and len(node.strip()) >= 3:
            found.add(node.strip())

    walk(doc, False)
    return sorted(found)


def _detail_values(text: str) -> list[str]:
    """The values of a payment text, one-line ("SEPA - Account owner full name: Alice, IBAN: DE89…") or
    multi-line ("Holder name: Alice\nIBAN: …"), without the labels and the country (no personal datum)."""
    out = []
    for line in text.splitlines():
        for part in line.split(", "):
            label, _, value = part.rpartition(":")
            if value.strip() and len(value.strip()) >= 3 and "country" not in label.lower():
                out.append(value.strip())
    return out


def personal_values_file(src: Path) -> list[str]:
    """personal_values() of a contract file."""
    return personal_values(read_contract_text(src))


def read_contract_text(src: Path) -> str:
    """The contract file's text (UTF-8), with a clear BadInput for what cannot be one."""
    src = Path(src)
    try:
        if src.stat().st_size > MAX_BYTES:
            raise BadInput(f"{src.name} is too large to be a contract JSON file.")
        raw = src.read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {src}: {exc.strerror or exc}.") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{src.name} is not a text file (contract JSON is UTF-8).") from exc


def scrub_contract_file(src: Path, dst: Path) -> dict[str, int]:
    """Read `src`, write the scrubbed contract to `dst` (atomically), return the counts."""
    src, dst = Path(src), Path(dst)
    try:
        if src.resolve() == dst.resolve():
            raise UnsafeOutput("Refusing to overwrite the original contract; choose another output file.")
    except OSError:
        pass
    scrubbed, counts = scrub_contract_text(read_contract_text(src))
    write_bytes_atomic(dst, scrubbed.encode("utf-8"))
    return counts
