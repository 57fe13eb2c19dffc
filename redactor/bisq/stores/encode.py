"""Encode Bisq-framed stores from field numbers: for tests and the demo data directory only (the app never
writes a db file). The inverse of `bisq1.py` / `bisq2.py`, built from the same schema tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from redactor.bisq.stores.schema import BISQ1, BISQ2, Schema
from redactor.bisq.stores.wire import field, message, write_delimited

Fields = Mapping[str, str | Sequence[str]]


def _number(schema: Schema, msg: str, name: str) -> int:
    for n, leaf in schema[msg].items():
        if leaf == name:
            return n
    raise KeyError(f"{msg} has no field {name}")


def _sub_number(schema: Schema, parent: str, child: str) -> int:
    return _number(schema, parent, ">" + child)


def leaf_message(schema: Schema, msg: str, values: Fields) -> bytes:
    out = b""
    for name, value in values.items():
        for v in [value] if isinstance(value, str) else value:
            out += field(_number(schema, msg, name), v)
    return out


def bisq1_payload(path: Sequence[str], values: Fields, *, method_id: str, account_id: str,
                  country: str | None = None, exclude: Mapping[str, str] | None = None,
                  inner: Fields | None = None) -> bytes:
    """A Bisq 1 PaymentAccountPayload. `path`: the message chain below it, e.g. ("CountryBased", "Sepa") or
    ("CountryBased", "Bank", "HolderAddress"); `values` go into path[-1] unless `inner` is given, in which
    case `values` fill path[-2] and `inner` the last one (a bank payload and its ACH holder address)."""
    chain = list(path)
    body = leaf_message(BISQ1, chain[-1], inner if inner is not None else values)
    for depth in range(len(chain) - 1, 0, -1):
        parent, child = chain[depth - 1], chain[depth]
        own = b""
        if parent == "CountryBased" and country:
            own = field(1, country)
        elif inner is not None and depth == len(chain) - 1:
            own = leaf_message(BISQ1, parent, values)
        body = own + field(_sub_number(BISQ1, parent, child), body)
    top = chain[0]
    out = message((1, account_id), (2, method_id)) + field(_sub_number(BISQ1, "PaymentAccountPayload", top), body)
    for k, v in (exclude or {}).items():
        out += field(15, message((1, k), (2, v)))
    return out


def bisq1_account(payload: bytes, *, account_id: str, name: str) -> bytes:
    """A Bisq 1 PaymentAccount (id 1, account_name 4, payment_account_payload 7)."""
    return message((1, account_id), (4, name), (7, payload))


def bisq1_user_payload(accounts: Sequence[bytes], account_id: str = "1180472835") -> bytes:
    body = field(1, account_id) + b"".join(field(2, a) for a in accounts)
    return write_delimited(field(10, body))


def bisq1_trade(trade_id: str, *, peer_payload: bytes | None = None, own_account: bytes | None = None,
                chat: Sequence[str] = (), error: str | None = None, contract_json: str | None = None) -> bytes:
    offer = field(1, field(1, field(1, trade_id)))
    model = b""
    if peer_payload is not None:
        model += field(1, field(1, "2093847561") + field(2, peer_payload))
    if own_account is not None:
        model += field(21, own_account)
    out = offer + (field(2, model) if model else b"") + field(13, 15)
    if contract_json is not None:
        out += field(17, contract_json)
    if error is not None:
        out += field(25, error)
    out += b"".join(field(29, message((2, trade_id), (5, text))) for text in chat)
    return out


def bisq1_tradable_list(trades: Sequence[bytes], wrapper: int = 3) -> bytes:
    """PendingTrades / ClosedTrades / FailedTrades; `wrapper` 2-5: buyer/seller as maker/taker."""
    return write_delimited(field(6, b"".join(field(1, field(wrapper, field(1, t))) for t in trades)))


def bisq1_dispute_list(disputes: Sequence[tuple[str, Sequence[str]]], envelope: int = 29) -> bytes:
    body = b"".join(field(1, field(1, tid) + b"".join(field(20, field(5, m)) for m in msgs))
                    for tid, msgs in disputes)
    return write_delimited(field(envelope, body))


def bisq2_payload(path: Sequence[str], values: Fields, *, account_id: str = "b2-account",
                  country: str | None = None) -> bytes:
    chain = list(path)
    body = leaf_message(BISQ2, chain[-1], values)
    for depth in range(len(chain) - 1, 0, -1):
        parent, child = chain[depth - 1], chain[depth]
        own = field(1, country) if parent == "CountryBased" and country else b""
        body = own + field(_sub_number(BISQ2, parent, child), body)
    return field(1, account_id) + field(2, b"\x01" * 32) + field(_sub_number(BISQ2, "AccountPayload", chain[0]), body)


def _any(type_name: str, value: bytes) -> bytes:
    return write_delimited(message((1, f"type.googleapis.com/{type_name}"), (2, value)))


def bisq2_account_store(accounts: Mapping[str, bytes]) -> bytes:
    """account_store.protobuf: accountByName (name -> Account{accountName 2, accountPayload 3, keyPair 6})."""
    entries = b"".join(field(1, message((1, name), (2, message((2, name), (3, payload), (6, b"KEYPAIR-CANARY")))))
                       for name, payload in accounts.items())
    return _any("account.AccountStore", entries)


def bisq2_trade_store(trades: Mapping[str, str]) -> bytes:
    """bisq_easy_trade_store.protobuf: trade ID -> the peer's free-text payment account data."""
    body = b"".join(field(1, message((2, tid), (4, b"IDENTITY-CANARY"), (30, field(1, data))))
                    for tid, data in trades.items())
    return _any("trade.BisqEasyTradeStore", body)
