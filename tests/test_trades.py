"""Trades found in the logs: IDs, time seen, and the tx IDs each log entry ties to them."""

from __future__ import annotations

import json
from pathlib import Path

from redactor.bisq.logfiles import list_log_files
from redactor.bisq.trades import find_trades, label_for, txids_for_trade

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo"
FACTS = json.loads((DEMO / "demo-facts.json").read_text(encoding="utf-8"))


def demo_logs() -> list[Path]:
    return [f.path for f in list_log_files(DEMO / "Bisq")]


def test_demo_trades_listed_newest_first_with_labelled_txids() -> None:
    trades = find_trades(demo_logs())
    assert [t.trade_id for t in trades] == [FACTS["trade_id"], FACTS["other_trade_id"]]
    main = trades[0]
    tx = FACTS["txids"]
    assert main.txids == {
        FACTS["payout_txid"]: "payout",
        tx["maker_fee"]: "maker fee",
        tx["taker_fee"]: "taker fee",
        tx["deposit"]: "deposit",
        tx["delayed_payout"]: "delayed payout",
    }
    assert main.first_seen == "Nov-18 08:19:04.446" and main.last_seen == "Nov-18 08:24:46.204"
    # The account-age salt in the payload dump is 64 hex characters too, but not a transaction.
    salt = next(p for p in FACTS["personal"] if len(p) == 64)
    assert all(salt not in t.txids for t in trades)
    assert txids_for_trade(demo_logs(), FACTS["trade_id"]) == main.txids
    assert txids_for_trade(demo_logs(), "nope1-00000000-0000-0000-0000-000000000000-1104") == {}


def test_entries_span_lines_and_ids_elsewhere_are_not_tied(tmp_path: Path) -> None:
    tid = "aB3dE9-11111111-2222-4333-8444-555555555555-1104"
    other = "ZZZZZ-66666666-7777-4888-9999-000000000000-1104"
    tx1, tx2, tx3 = "1" * 64, "2" * 64, "3" * 64
    (tmp_path / "bisq_1.log").write_text(
        f"Aug-04 11:00:00.000 [T] INFO  b.c.t.TradeManager: Received InputsForDepositTxResponse with tradeId {tid} "
        "and uid 4b8f2c1e-7a6d-4e5f-9c3b-2a1d0e9f8c7b \n"
        f"Aug-04 11:00:01.000 [T] WARN  b.c.t.m.b.Contract: Contract as json\n{{\n  \"id\": \"{tid}\",\n"
        f"  \"takerFeeTxID\": \"{tx1}\"\n}}\n"
        f"Aug-04 11:00:02.000 [T] INFO  b.c.b.w.TxBroadcaster: Broadcast transaction with ID: {tx2} \n")
    (tmp_path / "bisq.log").write_text(
        f"Aug-04 12:00:00.000 [T] INFO  b.c.t.TradeManager: Trade {other}: deposit tx {tx3} published \n")
    trades = find_trades([tmp_path / "bisq.log", tmp_path / "bisq_1.log", tmp_path / "missing.log"])
    assert [t.trade_id for t in trades] == [other, tid]  # bisq.log is newer than bisq_1.log
    assert trades[1].txids == {tx1: "taker fee"}  # tx2 has no trade ID in its entry
    assert trades[0].txids == {tx3: "deposit"}
    assert trades[1].first_seen == "Aug-04 11:00:00.000" and trades[1].last_seen == "Aug-04 11:00:01.000"
    # A message uid (bare UUID) is not a trade.
    assert all("4b8f2c1e" not in t.trade_id for t in trades)


def test_labels() -> None:
    assert label_for("Trade X: deposit tx ") == "deposit"
    assert label_for(" published, delayed payout tx ") == "delayed payout"
    assert label_for('"offerFeePaymentTxId": "') == "maker fee"
    assert label_for("OfferId=abc, txId=") == "maker fee"
    assert label_for("Making http request for information on txId: ") == ""
