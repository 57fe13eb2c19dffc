"""Trades found in the logs: IDs, time seen, and the tx IDs each log entry ties to them."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from redactor.bisq import trades as trades_mod
from redactor.bisq.logfiles import list_log_files
from redactor.bisq.trades import find_trades, label_for, txids_for_trade
from redactor.bundle.writer import bisq_facts

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


# --- bounded passes (issue 11) -------------------------------------------------------------------------------

def _as_tuples(trades: list) -> list:  # type: ignore[type-arg]
    return [(t.trade_id, t.first_seen, t.last_seen, t.txids) for t in trades]


def test_streamed_blocks_give_the_same_trades_as_one_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks end between entries (or, for an entry longer than MAX_CARRY, between lines): tiny blocks, which cut
    entries and JSON dumps everywhere, change nothing."""
    whole = _as_tuples(find_trades(demo_logs()))
    longest_entry = max(len(e) for p in demo_logs() for e in trades_mod._ENTRY_START.split(p.read_bytes()))
    for block in (4096, 777, 64):
        monkeypatch.setattr(trades_mod, "BLOCK", block)
        monkeypatch.setattr(trades_mod, "MAX_CARRY", longest_entry + 1)
        assert _as_tuples(find_trades(demo_logs())) == whole, block


def _sparse_log(path: Path, size: int, tail: bytes, head: bytes = b"") -> Path:
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)
        fh.seek(size)
        fh.write(tail)
    return path


TID = "aB3dE9-11111111-2222-4333-8444-555555555555-1104"
STARTUP = (b"Nov-18 08:00:00.000 [main] INFO  b.c.a.BisqExecutable: Version{VERSION=1.9.17, ...}\n"
           b"Nov-18 08:00:00.001 [main] INFO  b.c.s.CommonSetup: System info: os.name=Linux; os.version=6.1; "
           b"os.arch=amd64\n")


def test_trade_search_and_version_lookup_stay_flat_on_a_huge_sparse_log(tmp_path: Path) -> None:
    tx = "4" * 64
    tail = (b"\n" + STARTUP + f"Nov-18 09:00:00.000 [T] INFO  b.c.t.TradeManager: Trade {TID}: deposit tx {tx} "
            "published \n".encode())
    big = _sparse_log(tmp_path / "bisq.log", 300 << 20, tail, head=b"Nov-17 08:00:00.000 [main] INFO x: old\n")
    tracemalloc.start()
    try:
        found = find_trades([big])
        _, peak_trades = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        facts = bisq_facts([big])
        _, peak_facts = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _as_tuples(found) == [(TID, "Nov-18 09:00:00.000", "Nov-18 09:00:00.000", {tx: "deposit"})]
    assert facts == {"version": "1.9.17", "os": "Linux 6.1 (amd64)"}
    # A whole read of the file would be 300 MB; the blocks are 4 MB (plus a carried entry and a copy).
    assert peak_trades < 24 << 20 and peak_facts < 24 << 20, (peak_trades, peak_facts)


def test_trade_search_reads_only_the_newest_part_of_a_log_over_the_limit(tmp_path: Path) -> None:
    old = f"Nov-17 08:00:00.000 [T] INFO  x: Trade {TID}: deposit tx {'5' * 64} published \n".encode()
    new_tid = "ZZZZZ-66666666-7777-4888-9999-000000000000-1104"
    new = f"\nNov-18 08:00:00.000 [T] INFO  x: Trade {new_tid}: deposit tx {'6' * 64} published \n".encode()
    big = _sparse_log(tmp_path / "bisq.log", 3 << 20, new, head=old)
    assert [t.trade_id for t in find_trades([big], limit=1 << 20)] == [new_tid]
    assert [t.trade_id for t in find_trades([big])] == [new_tid, TID]  # under MAX_LOG_BYTES: all of it


def test_trade_search_skips_links_and_binary_files(tmp_path: Path) -> None:
    real = tmp_path / "real.log"
    real.write_text(f"Nov-18 08:00:00.000 [T] INFO  x: Trade {TID}: deposit tx {'7' * 64} published \n")
    (tmp_path / "bisq.log").symlink_to(real)
    (tmp_path / "bisq_1.log").write_bytes(b"SQLite format 3\x00" + TID.encode())
    assert find_trades([tmp_path / "bisq.log", tmp_path / "bisq_1.log"]) == []


def test_trade_search_does_not_follow_a_tor_folder_swapped_for_a_link(tmp_path: Path) -> None:
    data = tmp_path / "Bisq2"
    (data / "tor").mkdir(parents=True)
    line = f"Nov 18 08:00:00.000 [notice] Trade {TID}: deposit tx {'8' * 64} published\n"
    (data / "tor" / "debug.log").write_text(line)
    listed = data / "tor" / "debug.log"
    assert find_trades([listed], root=data) != []
    outside = tmp_path / "outside"
    (data / "tor").rename(outside)
    (data / "tor").symlink_to(outside, target_is_directory=True)  # after the list was made
    assert find_trades([listed], root=data) == []
