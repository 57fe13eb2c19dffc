"""What a trader recognises a trade by, as far as its log entries tell: amount and currency, payment method,
role and state (Bisq 1 and Bisq 2). Read only from entries that name exactly one trade; the last value seen
wins (a state moves on, an amount is repeated).

Forms: Bisq 1 offer/contract dumps (`"tradeAmount": 1000000`, `"offerCurrencyCode": "EUR"`, `paymentMethodId=SEPA`),
class names (`BuyerAsTakerTrade`), state changes (`Trade state changed ... to DEPOSIT_PUBLISHED`, `setState
state=...`); Bisq 2 Lombok dumps (`baseSideAmount=100000`, `quoteSideCurrencyCode=EUR`, `tradeRole=BUYER_AS_TAKER`,
`tradeState=BTC_CONFIRMED`), Bisq Easy's own lines (`Trade amount: 0.001 BTC = 50.00 EUR`). None of these is
personal: the same values are on the public offer book.
"""

from __future__ import annotations

import re

FACTS = ("amount", "currency", "method", "role", "state")
SATS_PER_BTC = 100_000_000

_AMOUNT_SATS = re.compile(r"""(?:tradeAmount|baseSideAmount|amount)["']?\s*[=:]\s*["']?(\d{4,16})(?![\d.])""")
_AMOUNT_BTC = re.compile(r"(?i)trade amount[=: ]+(\d+(?:\.\d{1,8})?) ?BTC"
                         r"(?:\s*(?:=|/|for)\s*(\d[\d.,]*) ?([A-Z]{3,5}))?")
_CURRENCY = re.compile(r"""(?:offerCurrencyCode|currencyCode|quoteSideCurrencyCode|counterCurrencyCode)"""
                       r"""["']?\s*[=:]\s*["']?([A-Z]{3,5})\b""")
_METHOD = re.compile(r"""(?:paymentMethodId|paymentMethodName|paymentMethod)["']?\s*[=:]\s*["']?"""
                     r"""([A-Z][A-Z0-9_]{2,40})\b""")
_ROLE_CLASS = re.compile(r"\b(Buyer|Seller)As(Maker|Taker)Trade\b")
_ROLE_ENUM = re.compile(r"""tradeRole["']?\s*[=:]\s*["']?(BUYER|SELLER)_AS_(MAKER|TAKER)\b""")
_STATE = re.compile(r"""(?:tradeState|(?i:trade state)(?: changed)?(?: from \w+)? to|setState state|\bstate)"""
                    r"""["']?\s*[=: ]\s*["']?([A-Z][A-Z0-9_]{4,60})\b""")


def _btc(sats: int) -> str:
    return f"{sats / SATS_PER_BTC:.8f}".rstrip("0").rstrip(".") + " BTC"


def facts_in(entry: str, into: dict[str, str]) -> None:
    """Add what `entry` (one log entry) says about its trade to `into`."""
    m = _AMOUNT_BTC.search(entry)
    if m:
        into["amount"] = f"{m.group(1)} BTC" + (f" = {m.group(2)} {m.group(3)}" if m.group(2) else "")
        if m.group(3):
            into["currency"] = m.group(3)
    else:
        m = _AMOUNT_SATS.search(entry)
        if m and "amount" not in into:
            into["amount"] = _btc(int(m.group(1)))
    for rx, key in ((_CURRENCY, "currency"), (_METHOD, "method")):
        found = rx.findall(entry)
        if found:
            into[key] = found[-1]
    role = _ROLE_ENUM.search(entry) or _ROLE_CLASS.search(entry)
    if role:
        into["role"] = f"{role.group(1).lower()} ({role.group(2).lower()})"
    states = _STATE.findall(entry)
    if states:
        into["state"] = states[-1]


def money(facts: dict[str, str]) -> str:
    """`0.01 BTC (EUR)`, `0.001 BTC = 50.00 EUR`, or what is known of it."""
    amount, cur = facts.get("amount", ""), facts.get("currency", "")
    if cur and cur in amount:
        return amount
    return f"{amount} ({cur})" if amount and cur else amount or cur


def summary(facts: dict[str, str]) -> str:
    """One line for a list: `0.01 BTC (EUR) · SEPA · buyer (taker) · DEPOSIT_CONFIRMED`, what is known of it."""
    parts = (money(facts), facts.get("method", ""), facts.get("role", ""), facts.get("state", ""))
    return " · ".join(x for x in parts if x)
