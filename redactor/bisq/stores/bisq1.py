"""Bisq 1's persisted stores: one `PersistableEnvelope` per file (`writeDelimitedTo`), read with the wire reader.

Paths through the envelope (pb.proto field numbers):
- UserPayload (envelope 10): payment_accounts 2 and current_payment_account 3, each a PaymentAccount
  (account_name 4, payment_account_payload 7): the trader's own accounts.
- PendingTrades / ClosedTrades / FailedTrades (TradableList, envelope 6): tradable 1 -> one of the four trade
  wrappers 2-5 -> Trade 1. Trade: offer 1 -> offer_payload 1 -> id 1 (the trade ID); process_model 2 ->
  trading_peer 1 -> payment_account_payload 2 (the peer's, since v1.7.0) and payment_account 21 (the trader's
  own); contract 16 -> maker/taker payloads 9/10 (before v1.7.0); contract_as_json 17; error_message 25;
  chat_message 29 -> message 5. BSQ swaps and open offers carry no payment account data.
- MediationDisputeList 29, RefundDisputeList 30, DisputeList (arbitration) 8: dispute 1 -> Dispute: trade_id 1,
  contract 9, contract_as_json 15, chat_message 20 -> message 5.
"""

from __future__ import annotations

from collections.abc import Iterator

from redactor.bisq.stores.freetext import labelled
from redactor.bisq.stores.model import KnownValue
from redactor.bisq.stores.schema import BISQ1, leaves, personal
from redactor.bisq.stores.wire import LEN, WireError, delimited, fields, text

ENVELOPE_USER_PAYLOAD = 10
ENVELOPE_TRADABLE_LIST = 6
ENVELOPE_DISPUTE_LISTS = (8, 29, 30)
TRADE_WRAPPERS = (2, 3, 4, 5)  # buyer/seller as maker/taker; 1 is an open offer, 6-9 BSQ swaps
# Which envelope each allow-listed file holds.
EXPECTED = {"UserPayload": (ENVELOPE_USER_PAYLOAD,), "PendingTrades": (ENVELOPE_TRADABLE_LIST,),
            "ClosedTrades": (ENVELOPE_TRADABLE_LIST,), "FailedTrades": (ENVELOPE_TRADABLE_LIST,),
            "MediationDisputeList": (29,), "RefundDisputeList": (30,), "DisputeList": (8,)}

Message = memoryview


def envelope(data: bytes) -> tuple[int, Message]:
    """(envelope field number, its message): which store this is, and its content."""
    for number, wire, value in fields(delimited(data)):
        if wire == LEN and isinstance(value, memoryview):
            return number, value
    raise WireError("no store inside the envelope")


def subs(msg: Message, *numbers: int) -> Iterator[tuple[int, Message]]:
    """(number, sub-message) of the length-delimited fields with these numbers."""
    for number, wire, value in fields(msg):
        if number in numbers and wire == LEN and isinstance(value, memoryview):
            yield number, value


def strings(msg: Message, number: int) -> list[str]:
    return [s for _, v in subs(msg, number) if (s := text(v)) is not None]


def payload_values(payload: Message, source: str, trade_id: str | None) -> list[KnownValue]:
    return [KnownValue(v, k, source, trade_id) for k, v in personal(leaves(payload, "PaymentAccountPayload", BISQ1))]


def account_values(account: Message, source: str, trade_id: str | None) -> list[KnownValue]:
    """A PaymentAccount: its payload, and its user-chosen name (which can hold a real name)."""
    out = [KnownValue(n.strip(), "accountName", source, trade_id) for n in strings(account, 4) if n.strip()]
    for _, payload in subs(account, 7):
        out += payload_values(payload, source, trade_id)
    return out


def free_text_values(texts: list[str], source: str, trade_id: str | None) -> list[KnownValue]:
    return [KnownValue(v, k, source, trade_id) for t in texts for k, v in labelled(t)]


def json_values(texts: list[str], source: str, trade_id: str | None) -> list[KnownValue]:
    """Payment data inside a stored contract JSON (contracts made before v1.7.0 carry both payloads)."""
    from redactor.errors import BadInput
    from redactor.text.contract import personal_values

    out = []
    for t in texts:
        try:
            out += [KnownValue(v, "code", source, trade_id) for v in personal_values(t)]
        except BadInput:
            continue
    return out


def user_payload(msg: Message, source: str) -> list[KnownValue]:
    out = []
    for _, account in subs(msg, 2, 3):
        out += account_values(account, source, None)
    return out


def _trade_id(trade: Message) -> str | None:
    for _, offer in subs(trade, 1):
        for _, payload in subs(offer, 1):
            ids = strings(payload, 1)
            if ids:
                return ids[0]
    return None


def trade(msg: Message, source: str) -> list[KnownValue]:
    tid = _trade_id(msg)
    out: list[KnownValue] = []
    for _, model in subs(msg, 2):
        for number, part in subs(model, 1, 21):
            if number == 1:
                for _, payload in subs(part, 2):
                    out += payload_values(payload, source, tid)
            else:
                out += account_values(part, source, tid)
    for _, contract in subs(msg, 16):
        for _, payload in subs(contract, 9, 10):
            out += payload_values(payload, source, tid)
    out += json_values(strings(msg, 17), source, tid)
    out += free_text_values(strings(msg, 25), source, tid)
    for _, chat in subs(msg, 29):
        out += free_text_values(strings(chat, 5), source, tid)
    return out


def tradable_list(msg: Message, source: str) -> list[KnownValue]:
    out = []
    for _, tradable in subs(msg, 1):
        for _, wrapper in subs(tradable, *TRADE_WRAPPERS):
            for _, t in subs(wrapper, 1):
                out += trade(t, source)
    return out


def dispute_list(msg: Message, source: str) -> list[KnownValue]:
    out: list[KnownValue] = []
    for _, dispute in subs(msg, 1):
        ids = strings(dispute, 1)
        tid = ids[0] if ids else None
        for _, contract in subs(dispute, 9):
            for _, payload in subs(contract, 9, 10):
                out += payload_values(payload, source, tid)
        out += json_values(strings(dispute, 15), source, tid)
        for _, chat in subs(dispute, 20):
            out += free_text_values(strings(chat, 5), source, tid)
    return out


def read_store(name: str, data: bytes) -> list[KnownValue]:
    """The known values of one allow-listed Bisq 1 db file. WireError when it is not the store its name says."""
    number, msg = envelope(data)
    if number not in EXPECTED.get(name, ()):
        raise WireError(f"holds envelope field {number}, not the expected store")
    if number == ENVELOPE_USER_PAYLOAD:
        return user_payload(msg, name)
    if number == ENVELOPE_TRADABLE_LIST:
        return tradable_list(msg, name)
    return dispute_list(msg, name)
