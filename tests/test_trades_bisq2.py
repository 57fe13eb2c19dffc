"""Bisq 2 trade IDs (version-3 UUIDs) with their tx IDs and Lightning preimages; what a trader recognises a trade
by (date, amount and currency, payment method, role, state) for Bisq 1 and Bisq 2 (issue 17 item 4)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from redactor.bisq.tradefacts import summary
from redactor.bisq.trades import find_trades

B2_TRADE = "5b3c1a2e-1c2d-3e4f-8a9b-0c1d2e3f4a5b"
B2_OTHER = "0f1e2d3c-4b5a-3968-9776-554433221100"
V4 = "7c1e2f3a-4b5c-4d6e-8f70-112233445566"
TX = hashlib.sha256(b"tx").hexdigest()
PREIMAGE = hashlib.sha256(b"preimage").hexdigest()


def test_bisq2_trades_with_txid_preimage_and_facts(tmp_path: Path) -> None:
    log = tmp_path / "bisq.log"
    log.write_text(
        f"Dec-01 10:00:00.000 [pool-4] INFO  b.t.b.BisqEasyTradeService: Trade {B2_TRADE} created: "
        "tradeRole=BUYER_AS_TAKER, baseSideAmount=150000, quoteSideCurrencyCode=EUR, paymentMethodName=SEPA, "
        "tradeState=TAKER_SENT_TAKE_OFFER_REQUEST\n"
        f"Dec-01 10:05:00.000 [pool-4] INFO  b.t.b.BisqEasyTradeService: {B2_TRADE} tradeState=BTC_CONFIRMED "
        f"paymentProof preimage {PREIMAGE}\n"
        f"Dec-01 10:06:00.000 [pool-4] INFO  X: message uid {V4} sent\n"
        f"Dec-02 09:00:00.000 [pool-4] INFO  b.t.b.BisqEasyTradeService: BisqEasyTrade(id={B2_OTHER}, "
        f"tradeRole=SELLER_AS_MAKER, paymentProof=Observable{{value=Optional[{TX}]}}, "
        "tradeState=BTC_CONFIRMED)\n", encoding="utf-8")
    trades = {t.trade_id: t for t in find_trades([log])}
    assert set(trades) == {B2_TRADE, B2_OTHER}  # the random (v4) message UUID is no trade
    t = trades[B2_TRADE]
    assert t.txids == {PREIMAGE: "preimage"}
    assert t.first_seen == "Dec-01 10:00:00.000"
    assert t.facts == {"amount": "0.0015 BTC", "currency": "EUR", "method": "SEPA", "role": "buyer (taker)",
                       "state": "BTC_CONFIRMED"}
    assert summary(t.facts) == "0.0015 BTC (EUR) · SEPA · buyer (taker) · BTC_CONFIRMED"
    assert trades[B2_OTHER].txids == {TX: "btc payment"}
    assert trades[B2_OTHER].facts["role"] == "seller (maker)"


def test_bisq1_facts(tmp_path: Path) -> None:
    tid = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
    log = tmp_path / "bisq.log"
    log.write_text(
        f"Nov-18 08:20:00.000 [JavaFX] INFO  b.c.t.TradeManager: Created BuyerAsTakerTrade {tid}\n"
        f"Nov-18 08:21:00.000 [JavaFX] INFO  b.c.t.Contract: contract for {tid}\n"
        '{\n  "tradeAmount": 1000000,\n  "offerPayload": {"paymentMethodId": "SEPA", "counterCurrencyCode": "EUR"}\n}\n'
        f"Nov-18 08:22:00.000 [JavaFX] INFO  b.c.t.Trade: Trade {tid}: trade state changed to "
        "DEPOSIT_CONFIRMED_IN_BLOCK_CHAIN\n",
        encoding="utf-8")
    (t,) = find_trades([log])
    assert t.facts == {"amount": "0.01 BTC", "currency": "EUR", "method": "SEPA", "role": "buyer (taker)",
                       "state": "DEPOSIT_CONFIRMED_IN_BLOCK_CHAIN"}
