"""Write the embedded demo Bisq 1 data directory (resources/demo/Bisq) and the demo case inputs.

Everything is synthetic: fake names, a textbook example IBAN, example.org mail addresses. Secret files hold
canary bytes (`CANARY-...`) that tests assert never appear in any output. Run: python tools/make_demo_data.py
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "resources" / "demo"
DATA = ROOT / "Bisq"

TRADE_ID = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
OTHER_TRADE_ID = "84721-5c0d9e2a-1b7f-4e6a-8c3d-0f9e8d7c6b5a-1103"
HOME = "/home/satoshi"


def h(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def onion(seed: str) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digest = hashlib.sha256(seed.encode()).digest() * 2
    return "".join(alphabet[b % 32] for b in digest[:55]) + "d"


MY_ONION = onion("me")
PEER_ONION = onion("peer")
MEDIATOR_ONION = onion("mediator")
TXIDS = {
    "maker_fee": h("maker-fee"),
    "taker_fee": h("taker-fee"),
    "deposit": h("deposit"),
    "delayed_payout": h("delayed-payout"),
}
PEER = {
    "holderName": "Alice Müller",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "email": "alice.mueller@example.org",
    "salt": h("salt")
}
CANARY = "CANARY-{}-do-not-leak-7f3a"


class Clock:
    def __init__(self) -> None:
        self.t = 8 * 3600 * 1000 + 12 * 60 * 1000

    def stamp(self, step_ms: int) -> str:
        self.t += step_ms
        s, ms = divmod(self.t, 1000)
        m, s = divmod(s, 60)
        hh, m = divmod(m, 60)
        return f"Nov-{18 + hh // 24:02d} {hh % 24:02d}:{m:02d}:{s:02d}.{ms:03d}"


def line(clock: Clock, rng: random.Random, thread: str, level: str, logger: str, msg: str) -> str:
    return f"{clock.stamp(rng.randint(5, 4000))} [{thread}] {level:<5} {logger}: {msg} "


def startup(clock: Clock, rng: random.Random) -> list[str]:
    return [
        line(clock, rng, "main", "INFO", "b.c.s.CommonSetup", f"Log file at: {HOME}/.local/share/Bisq/bisq.log"),
        line(clock, rng, "main", "INFO", "b.c.u.Utilities", "System info: os.name=Linux; os.version=6.1.0-27-amd64; "
             "os.arch=amd64; sun.arch.data.model=64; JRE=21.0.5 (Azul Systems, Inc.); JVM=21.0.5+11-LTS (OpenJDK 64-Bit Server VM)"),
        line(clock, rng, "main", "INFO", "b.c.a.Version", "Version{VERSION=1.10.4, P2P_NETWORK_VERSION=A, "
             "LOCAL_DB_VERSION=1, TRADE_PROTOCOL_VERSION=5, BASE_CURRENCY_NETWORK=BTC_MAINNET, getP2PNetworkId()=0}"),
        line(clock, rng, "main", "INFO", "b.c.s.CommonSetup", f"Path to Bisq jar file: {HOME}/Applications/Bisq/lib/app/desktop.jar"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "o.b.n.tor.Tor", "Tor 0.4.8.13 running; control port 127.0.0.1:39051"),
        line(clock, rng, "TorControlParser", "INFO", "b.n.p2p.NewTor", "Using bridges: obfs4 192.0.2.44:443 "
             "8DFCD8FB3285E855F5A55EDDA35696C743ABFC4E cert=p9L6+25s8bnfkye1ZxFeAE4mAGY7DH4Gaj7dxngIIzP9BtqrHHwZXdjMK0RVIQ34C7aqZw iat-mode=0"),
        line(clock, rng, "PeerGroup Thread", "INFO", "o.b.c.PeerGroup", "Peer connected: [203.0.113.17]:8333, version 70016"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.b.n.BtcNetworkConfig", "You connect with peerAddresses: [198.51.100.23:8333]"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.n.p.n.TorNetworkNode",
             f"Tor hidden service published after 9123 ms. Socket=ServerSocket[addr=/127.0.0.1,localport=9999] {MY_ONION}.onion:9999"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.d.m.s.SupportView", "Thanks to our contributors (@emzy) and (@m52go) for testing"),
    ]


def noise(clock: Clock, rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        kind = rng.randrange(5)
        if kind == 0:
            out.append(line(clock, rng, "UserThread", "INFO", "b.n.p.p.GetDataRequestHandler",
                            f"\n\n>> We send a GetUpdatedDataRequest to peer {onion(str(rng.random()))}.onion:9999\n"))
        elif kind == 1:
            out.append(line(clock, rng, "Connection", "INFO", "b.n.p.n.Connection",
                            f"Socket creation to peersNodeAddress {onion(str(rng.random()))}.onion:9999 took {rng.randint(300, 9000)} ms"))
        elif kind == 2:
            out.append(line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.p.MarketPriceFeedService",
                            f"Received new price: EUR {rng.randint(80000, 99000)}.{rng.randint(0, 99):02d}"))
        elif kind == 3:
            out.append(line(clock, rng, "PeerGroup Thread", "INFO", "o.b.c.PeerGroup",
                            f"Peer connected: [{rng.randint(11, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}]:8333"))
        else:
            out.append(line(clock, rng, "UserThread", "DEBUG", "b.n.p.s.P2PDataStorage", "Storage refreshed; 0 items removed"))
    return out


def trade_lines(clock: Clock, rng: random.Random) -> list[str]:
    payload = (f"SepaAccountPayload(holderName={PEER['holderName']}, iban={PEER['iban']}, bic={PEER['bic']}, "
               f"email=, acceptedCountryCodes=[AT, BE, DE, FR], countryCode=DE) PaymentAccountPayload(paymentMethodId=SEPA, "
               f"id=7e1c5a7b-55e1-4a40-9d6e-0b1c2d3e4f50, maxTradePeriod=518400000, "
               f"excludeFromJsonDataMap=PaymentAccountPayloadExcludeFromJsonMap{{map={{holderName={PEER['holderName']}, salt={PEER['salt']}}}}})")
    contract = {
        "offerPayload": {"id": TRADE_ID, "ownerNodeAddress": {"hostName": f"{PEER_ONION}.onion", "port": 9999},
                         "paymentMethodId": "SEPA", "offerFeePaymentTxId": TXIDS["maker_fee"]},
        "tradeAmount": 1000000,
        "takerFeeTxID": TXIDS["taker_fee"],
        "makerPaymentAccountPayload": {"holderName": PEER["holderName"], "iban": PEER["iban"], "bic": PEER["bic"],
                                       "email": PEER["email"], "paymentMethodId": "SEPA"},
    }
    cj = json.dumps(contract, indent=2, ensure_ascii=False)
    return [
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.t.TradeManager",
             f"Received inputsForDepositTxRequest from {PEER_ONION}.onion:9999 with tradeId {TRADE_ID} and uid 4b8f2c1e-7a6d-4e5f-9c3b-2a1d0e9f8c7b"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.t.p.TradeProtocol",
             f"Received InputsForDepositTxResponse as MailboxMessage from {PEER_ONION}.onion:9999 with tradeId {TRADE_ID} and uid 9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.t.TaskRunner", "Run task: TakerVerifyAndSignContract"),
        line(clock, rng, "JavaFX Application Thread", "WARN", "b.c.t.m.b.Contract", f"Diff of both contracts: \n{cj}\nContract as json\n{cj}"),
        line(clock, rng, "JavaFX Application Thread", "ERROR", "b.c.a.w.AccountAgeWitnessService",
             f"verifyPeersTradeLimit failed: peersPaymentAccountPayload {payload}"),
        line(clock, rng, "JavaFX Application Thread", "ERROR", "b.c.t.TaskRunner",
             "Task failed: ApplyFilter / errorMessage: Other trader is banned by their trading account data.\n"
             f"paymentAccountPayload=SEPA - Account owner full name: {PEER['holderName']}, IBAN: DE89 3704 0044 0532 0130 00, "
             f"BIC: {PEER['bic']}, Country of bank: DE"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.b.w.TxBroadcaster",
             f"Broadcast transaction with ID: {TXIDS['deposit']}"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.t.p.TradeProtocol",
             f"TaskRunner successfully completed. Triggered from BuyerAsTakerSignsDepositTx, tradeId={TRADE_ID}"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.t.TradeManager",
             f"Trade {TRADE_ID}: deposit tx {TXIDS['deposit']} published, delayed payout tx {TXIDS['delayed_payout']}"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.s.d.DisputeManager",
             f"Send OpenNewDisputeMessage to peer {MEDIATOR_ONION}.onion:9999. tradeId={TRADE_ID}, "
             "openNewDisputeMessage.uid=1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d, chatMessage.uid=6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"),
        line(clock, rng, "JavaFX Application Thread", "WARN", "b.c.f.FileUtil",
             f"make dir failed.\nBackupDir={HOME}/.local/share/Bisq/btc_mainnet/db/backup"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.o.OpenOfferManager",
             f"OfferId={OTHER_TRADE_ID}, txId={h('other-offer-fee')} is unconfirmed"),
        line(clock, rng, "JavaFX Application Thread", "ERROR", "b.d.u.GUIUtil", "Exception at openMail\n"
             "java.io.IOException: Cannot run program \"xdg-open\": error=2, No such file or directory\n"
             "\tat java.base/java.lang.ProcessBuilder.start(ProcessBuilder.java:1143)\n"
             f"\tat bisq.common.util.DesktopUtil.open(DesktopUtil.java:76) file={HOME}/Downloads/receipt.pdf"),
    ]


def write_logs() -> None:
    rng = random.Random(1104)
    clock = Clock()
    files = {"bisq_2.log": startup(clock, rng) + noise(clock, rng, 120),
             "bisq_1.log": noise(clock, rng, 80) + trade_lines(clock, rng) + noise(clock, rng, 80)}
    files["bisq.log"] = startup(clock, rng) + noise(clock, rng, 60) + [
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.t.TradeManager",
             f"Trade {TRADE_ID} payout tx {h('payout')} not yet seen; peer {PEER_ONION}.onion:9999"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.c.s.t.TraderChatManager",
             f"Peer sent a chat message for trade {TRADE_ID}; mail me at satoshi.n@example.com or call +49 151 23456789"),
    ] + noise(clock, rng, 40)
    for name, lines in files.items():
        (DATA / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_secrets() -> None:
    secrets = {
        "btc_mainnet/wallet/bisq_BTC.wallet": "wallet",
        "btc_mainnet/wallet/bisq_BSQ.wallet": "bsq-wallet",
        "btc_mainnet/keys/sig.key": "sig-key",
        "btc_mainnet/keys/enc.key": "enc-key",
        "btc_mainnet/tor/hiddenservice/private_key": "onion-key",
        "bisq.properties": "properties",
        "bisq_backup_2026-11-01-120000/bisq.log": "backup-log",
    }
    for rel, tag in secrets.items():
        path = DATA / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CANARY.format(tag) + "\n", encoding="utf-8")


# The trader's own account (the contract's taker payload) and, in the chat only, the peer's second name form.
ME = {"holderName": "Satoshi O'Brien", "iban": "GB82WEST12345698765432", "bic": "WESTGB2L"}
CHAT_ONLY_NAME = "Grzegorz Brzęczyszczykiewicz"  # appears in no log: only Bisq's db knows it


def write_db() -> None:
    """btc_mainnet/db/UserPayload and PendingTrades as Bisq 1 writes them (protobuf, field numbers of pb.proto):
    the values the app reads to check its redaction. The account IDs hold canaries: fields the app never
    collects, so a test can prove no db byte is copied."""
    import sys

    sys.path.insert(0, str(ROOT.parent.parent))
    from redactor.bisq.stores import encode

    mine = encode.bisq1_payload(("CountryBased", "Sepa"), {**ME, "acceptedCountryCodes": ["GB"]},
                                method_id="SEPA", account_id=CANARY.format("own-payload-id"), country="GB",
                                exclude={"holderName": ME["holderName"], "salt": h("my-salt")})
    own = encode.bisq1_account(mine, account_id=CANARY.format("own-account-id"), name="SEPA GB")
    peer = encode.bisq1_payload(("CountryBased", "Sepa"), {k: PEER[k] for k in ("holderName", "iban", "bic")},
                                method_id="SEPA", account_id=CANARY.format("peer-payload-id"), country="DE",
                                exclude={"holderName": PEER["holderName"], "salt": PEER["salt"]})
    chat = [f"Hi, the transfer will come from my partner's account, Account owner full name: {CHAT_ONLY_NAME}"]
    db = DATA / "btc_mainnet" / "db"
    db.mkdir(parents=True, exist_ok=True)
    (db / "UserPayload").write_bytes(encode.bisq1_user_payload([own]))
    (db / "PendingTrades").write_bytes(encode.bisq1_tradable_list(
        [encode.bisq1_trade(TRADE_ID, peer_payload=peer, own_account=own, chat=chat)]))


def write_case_inputs() -> None:
    contract = {
        "offerPayload": {
            "id": TRADE_ID, "date": 1763450000000,
            "ownerNodeAddress": {"hostName": f"{PEER_ONION}.onion", "port": 9999},
            "direction": "SELL", "price": 0, "marketPriceMargin": 0.01, "useMarketBasedPrice": True,
            "amount": 1000000, "minAmount": 1000000, "baseCurrencyCode": "BTC", "counterCurrencyCode": "EUR",
            "paymentMethodId": "SEPA", "makerPaymentAccountId": "7e1c5a7b-55e1-4a40-9d6e-0b1c2d3e4f50",
            "offerFeePaymentTxId": TXIDS["maker_fee"], "versionNr": "1.6.5",
            "extraDataMap": {"accountAgeWitnessHash": h("witness")[:40], "capabilities": "0, 1, 2, 5, 6"},
            "protocolVersion": 2,
        },
        "tradeAmount": 1000000,
        "tradePrice": 920000000,
        "takerFeeTxID": TXIDS["taker_fee"],
        "buyerNodeAddress": {"hostName": f"{MY_ONION}.onion", "port": 9999},
        "sellerNodeAddress": {"hostName": f"{PEER_ONION}.onion", "port": 9999},
        "mediatorNodeAddress": {"hostName": f"{MEDIATOR_ONION}.onion", "port": 9999},
        "isBuyerMakerAndSellerTaker": False,
        "makerAccountId": "1180472835",
        "takerAccountId": "2093847561",
        "makerPaymentAccountPayload": {
            "holderName": PEER["holderName"], "iban": PEER["iban"], "bic": PEER["bic"], "email": "",
            "acceptedCountryCodes": ["AT", "BE", "DE", "FR"], "countryCode": "DE", "paymentMethodId": "SEPA",
            "id": "7e1c5a7b-55e1-4a40-9d6e-0b1c2d3e4f50", "maxTradePeriod": 518400000,
        },
        "takerPaymentAccountPayload": {
            "holderName": "Satoshi O\u0027Brien", "iban": "GB82WEST12345698765432", "bic": "WESTGB2L", "email": "",
            "acceptedCountryCodes": ["GB"], "countryCode": "GB", "paymentMethodId": "SEPA",
            "id": "0f1e2d3c-4b5a-4978-8675-a4b3c2d1e0f9", "maxTradePeriod": 518400000,
        },
        "makerPayoutAddressString": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
        "takerPayoutAddressString": "bc1q9h7garjgmd2u0qxfe8m6vj9qkstd4c2hj2fg8y",
        "lockTime": 870000,
        "refundAgentNodeAddress": {"hostName": f"{onion('refund')}.onion", "port": 9999},
        "makerPaymentMethodId": "SEPA",
        "takerPaymentMethodId": "SEPA",
    }
    (ROOT / "contract.json").write_text(json.dumps(contract, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (ROOT / "description.txt").write_text(
        "I am the BTC buyer (taker) of a SEPA trade.\n"
        "What happened: I sent the EUR on 18 November; the seller says nothing arrived and the trade timed out.\n"
        "When: 18 November 2026, about 09:00 CET.\n"
        "Anything non-standard: I clicked 'Payment started' twice after a restart.\n"
        "Past issues: none.\n", encoding="utf-8")
    (ROOT / "txids.txt").write_text(TXIDS["deposit"] + "\n", encoding="utf-8")
    facts = {"trade_id": TRADE_ID, "other_trade_id": OTHER_TRADE_ID, "txids": TXIDS, "payout_txid": h("payout"),
             "onions": {"me": MY_ONION, "peer": PEER_ONION, "mediator": MEDIATOR_ONION},
             "personal": [PEER["holderName"], PEER["iban"], PEER["bic"], PEER["email"], PEER["salt"], "satoshi",
                          "satoshi.n@example.com", "+49 151 23456789", "192.0.2.44", "203.0.113.17", "198.51.100.23",
                          "Satoshi O'Brien", "GB82WEST12345698765432"],
             "db_only": [CHAT_ONLY_NAME], "canary_prefix": "CANARY-"}
    (ROOT / "demo-facts.json").write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    write_logs()
    write_secrets()
    write_db()
    write_case_inputs()
    (DATA / "version").write_text("1.10.4\n", encoding="utf-8")


if __name__ == "__main__":
    main()
