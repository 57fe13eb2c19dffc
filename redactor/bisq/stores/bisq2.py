"""Bisq 2's persisted stores: `<db>/private/<snake_case store name>.protobuf`, each one `Any` written with
`writeDelimitedTo` (type_url 1, value 2; `persistence/.../PersistableStoreReaderWriter.java`).

Paths (field numbers of account.proto and trade.proto):
- AccountStore: accountByName 1 (map entry: key 1, value 2 -> Account) and selectedAccount 2. Account:
  accountName 2, accountPayload 3 (`schema.BISQ2`). Its keyPair (6) is never decoded.
- BisqEasyTradeStore: trades 1 and bisqEasyClosedTrades 3 (-> trade 1). Trade: id 2, bisqEasyTrade 30 ->
  paymentAccountData 1 (the seller's free-text account data); taker 6 / maker 7 -> muSigTradeParty 21 ->
  accountPayload 13. myIdentity (4, private keys) is never decoded.
- MuSigTradeStore: tradeById 1 (map entry: key 1, value 2 -> Trade).
"""

from __future__ import annotations

from redactor.bisq.stores.bisq1 import Message, strings, subs
from redactor.bisq.stores.freetext import account_data
from redactor.bisq.stores.model import KnownValue
from redactor.bisq.stores.schema import BISQ2, leaves, personal
from redactor.bisq.stores.wire import WireError, delimited

TYPE_NAMES = {"account_store.protobuf": "AccountStore", "bisq_easy_trade_store.protobuf": "BisqEasyTradeStore",
              "mu_sig_trade_store.protobuf": "MuSigTradeStore"}


def unwrap(data: bytes, expected: str) -> Message:
    """The store message inside the file's Any, checking its type name ("type.googleapis.com/account.AccountStore")."""
    any_msg = delimited(data)
    urls = strings(any_msg, 1)
    if not urls or not urls[0].rsplit("/", 1)[-1].rsplit(".", 1)[-1] == expected:
        raise WireError(f"holds {urls[0] if urls else 'no type'}, not {expected}")
    for _, value in subs(any_msg, 2):
        return value
    return memoryview(b"")  # an empty store


def payload_values(payload: Message, source: str, trade_id: str | None) -> list[KnownValue]:
    out = []
    for kind, value in personal(leaves(payload, "AccountPayload", BISQ2)):
        if kind == "accountData":  # free text: labelled values and lines
            out += [KnownValue(v, k, source, trade_id) for k, v in account_data(value)]
        else:
            out.append(KnownValue(value, kind, source, trade_id))
    return out


def account(msg: Message, source: str) -> list[KnownValue]:
    out = [KnownValue(n.strip(), "accountName", source, None) for n in strings(msg, 2) if n.strip()]
    for _, payload in subs(msg, 3):
        out += payload_values(payload, source, None)
    return out


def account_store(msg: Message, source: str) -> list[KnownValue]:
    out = []
    for number, part in subs(msg, 1, 2):
        if number == 1:
            for _, acc in subs(part, 2):
                out += account(acc, source)
        else:
            out += account(part, source)
    return out


def trade(msg: Message, source: str) -> list[KnownValue]:
    ids = strings(msg, 2)
    tid = ids[0] if ids else None
    out = []
    for _, easy in subs(msg, 30):
        for data in strings(easy, 1):
            out += [KnownValue(v, k, source, tid) for k, v in account_data(data)]
    for _, party in subs(msg, 6, 7):
        for _, musig in subs(party, 21):
            for _, payload in subs(musig, 13):
                out += payload_values(payload, source, tid)
    return out


def read_store(name: str, data: bytes) -> list[KnownValue]:
    msg = unwrap(data, TYPE_NAMES[name])
    if name == "account_store.protobuf":
        return account_store(msg, name)
    out = []
    for number, part in subs(msg, 1, 3):
        if name == "mu_sig_trade_store.protobuf":
            for _, t in subs(part, 2):
                out += trade(t, name)
        elif number == 1:
            out += trade(part, name)
        else:
            for _, t in subs(part, 1):
                out += trade(t, name)
    return out
