# ruff: noqa: E501  (synthetic Bisq 2 log lines are long by nature)
"""Write the embedded demo Bisq 2 data directory (resources/demo/Bisq2) and its case inputs (resources/demo/bisq2-case/).

Everything is synthetic. A Bisq Easy trade (version-3 trade ID) where the trader is the BTC buyer: the seller's
free-text payment account data arrives in the trade chat, Bisq 2 logs it in a message dump and in a chat
message, the trade store holds it (a known value), and the trader's own account name is logged. Secret files
(identity and key-bundle stores, Tor keys), `tor/debug_for_zip.log` and a backup folder beside the data dir hold
canaries (`CANARY-...`) that tests assert never appear in any output. Run: python tools/make_demo_bisq2.py
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from redactor.bisq.stores import encode  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "resources" / "demo"
DATA = ROOT / "Bisq2"
CASE = ROOT / "bisq2-case"  # not "bisq2": beside "Bisq2" that collides on case-insensitive file systems
BACKUP = ROOT / "Bisq2_backup_2026-11-01-120000"

TRADE_ID = "8f14e45f-ceea-367a-9a36-dedd4bea2543"  # a version-3 UUID, as Bisq 2 makes them
OTHER_TRADE_ID = "c9f0f895-fb98-3b91-99f5-1fd0297e236d"
OFFER_ID = "2b1a9c4e-7d3f-4e2a-b6c8-0d9e8f7a6b5c"  # offers are random (v4) UUIDs
HOME = "/home/hal"
PEER_ACCOUNT_DATA = "Name: Bożena Wiśniewska-Kowalczyk\nIBAN: PL61109010140000071219812874\nBank: mBank Łódź, please add the trade ID as reference"
OWN_ACCOUNT = "My mBank PLN"
OWN_ACCOUNT_DATA = "Hal Finneyson\nPL27114020040000300201355387"
CANARY = "CANARY-{}-do-not-leak-2b9e"


def h(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def onion(seed: str) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digest = hashlib.sha256(seed.encode()).digest() * 2
    return "".join(alphabet[b % 32] for b in digest[:55]) + "d"


MY_ONION, PEER_ONION, MEDIATOR_ONION = onion("b2-me"), onion("b2-peer"), onion("b2-mediator")
MY_PROFILE, PEER_PROFILE = h("b2-my-profile")[:40], h("b2-peer-profile")[:40]
MY_NYM, PEER_NYM = "Tenderly-Brisk-Lantern-412", "Quietly-Amber-Coordinate-877"
MY_NICK, PEER_NICK, MEDIATOR_NICK = "HalOnTheRun", "Sprocket", "mediator-luis"
PREIMAGE = h("b2-preimage")
BTC_TXID = h("b2-btc-tx")


class Clock:
    def __init__(self, day: int) -> None:
        self.t, self.day = 9 * 3600 * 1000, day

    def stamp(self, step_ms: int) -> str:
        self.t += step_ms
        s, ms = divmod(self.t, 1000)
        m, s = divmod(s, 60)
        hh, m = divmod(m, 60)
        return f"Nov-{self.day + hh // 24:02d} {hh % 24:02d}:{m:02d}:{s:02d}.{ms:03d}"


def line(clock: Clock, rng: random.Random, thread: str, level: str, logger: str, msg: str) -> str:
    return f"{clock.stamp(rng.randint(20, 4000))} [{thread}] {level:<5} {logger}: {msg} "


def startup(clock: Clock, rng: random.Random) -> list[str]:
    return [
        line(clock, rng, "main", "INFO", "b.a.ApplicationService", "Version: v2.1.7 / Commit hash: 4f2c1ab"),
        line(clock, rng, "main", "INFO", "b.a.ApplicationService", "Tor Version: v14.5.4"),
        line(clock, rng, "main", "INFO", "b.c.p.PlatformUtils", "Using data directory <HOME_DIR>/.local/share/Bisq2"),
        line(clock, rng, "main", "INFO", "b.n.t.TorService", f"Published onion service {MY_ONION}.onion:1000"),
        line(clock, rng, "JavaFX Application Thread", "INFO", "b.u.UserIdentityService", f"Selected user identity {MY_NYM} / {MY_NICK} id={MY_PROFILE}"),
    ]


def noise(clock: Clock, rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        peer = onion(f"noise-{rng.randint(0, 40)}")
        out.append(rng.choice([
            line(clock, rng, "Node.default.pool-2", "INFO", "b.n.p.n.n.Node", f"Connection to {peer}.onion:1000 established"),
            line(clock, rng, "DataService.pool", "DEBUG", "b.n.p.s.d.DataService", f"Received AddAuthenticatedDataRequest from {peer}.onion:1000"),
            line(clock, rng, "MarketPriceService", "INFO", "b.b.p.MarketPriceService", "Market price updated for 12 currencies"),
        ]))
    return out


def trade_lines(clock: Clock, rng: random.Random) -> list[str]:
    t = TRADE_ID
    return [
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.t.b.BisqEasyTradeService", f"Trade {t} created for offer {OFFER_ID}: tradeRole=BUYER_AS_TAKER, baseSideAmount=250000, quoteSideCurrencyCode=PLN, paymentMethodName=SEPA, tradeState=TAKER_SENT_TAKE_OFFER_REQUEST"),
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.c.b.BisqEasyOpenTradeChannelService", f"Trade channel for {t} with {PEER_NICK} ({PEER_NYM}, {PEER_PROFILE}) at {PEER_ONION}.onion:1000"),
        line(clock, rng, "BisqEasyTradeService", "WARN", "b.t.b.BisqEasyTradeService", "message=BisqEasyAccountDataMessage(super=BisqEasyTradeMessage(super=TradeMessage(id=" + h("m1")[:36] + f", tradeId={t}, protocolVersion=1, sender=NetworkId(addressByTransportTypeMap={{TOR={PEER_ONION}.onion:1000}}))), paymentAccountData={PEER_ACCOUNT_DATA}, bisqEasyOffer=BisqEasyOffer(super=Offer(id={OFFER_ID})))"),
        line(clock, rng, "BisqEasyOpenTradeChannelService", "INFO", "b.c.b.BisqEasyOpenTradeChannelService", f"Removing message from pendingMessages. message=BisqEasyOpenTradeMessage(tradeId={t}, text=Optional[{PEER_NICK} has sent the payment account data:"),
        *[f"{x} " for x in PEER_ACCOUNT_DATA.split("\n")[:-1]],
        f"{PEER_ACCOUNT_DATA.split(chr(10))[-1]}], senderUserProfile={PEER_NYM})",
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.a.r.UserDefinedPaymentAccountsRestApi", f"Set selected payment account: {OWN_ACCOUNT}"),
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.t.b.BisqEasyTradeService", f"Trade {t}: tradeState=BUYER_SENT_FIAT_SENT_CONFIRMATION"),
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.t.b.BisqEasyTradeService", f"Trade {t}: seller confirmed BTC sent, paymentProof (preimage) {PREIMAGE}"),
        line(clock, rng, "pool-6", "ERROR", "b.p.Persistence", "Could not persist bisq_easy_trade_store"),
        f"java.nio.file.AccessDeniedException: {HOME}/.local/share/Bisq2/db/private/bisq_easy_trade_store.protobuf",
        "\tat java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:90)",
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.t.b.BisqEasyTradeService", f"Trade {t}: tradeState=BTC_CONFIRMED"),
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.c.b.BisqEasyOpenTradeChannelService", f"Mediator {MEDIATOR_NICK} ({MEDIATOR_ONION}.onion:1000) joined trade channel {t}"),
    ]


def old_trade_lines(clock: Clock, rng: random.Random) -> list[str]:
    return [
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.t.b.BisqEasyTradeService", f"Trade {OTHER_TRADE_ID} created: tradeRole=SELLER_AS_MAKER, baseSideAmount=120000, quoteSideCurrencyCode=EUR, paymentMethodName=REVOLUT, tradeState=MAKER_SENT_TAKE_OFFER_RESPONSE"),
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.t.b.BisqEasyTradeService", f"Trade {OTHER_TRADE_ID}: BTC sent, paymentProof txId {BTC_TXID}"),
        line(clock, rng, "BisqEasyTradeService", "INFO", "b.t.b.BisqEasyTradeService", f"Trade {OTHER_TRADE_ID}: tradeState=BTC_CONFIRMED"),
    ]


def write_logs() -> None:
    rng = random.Random(21)
    old = Clock(20)
    (DATA / "bisq_1.log").write_text("\n".join(startup(old, rng) + noise(old, rng, 40) + old_trade_lines(old, rng)
                                               + noise(old, rng, 20)) + "\n", encoding="utf-8")
    cur = Clock(24)
    (DATA / "bisq.log").write_text("\n".join(startup(cur, rng) + noise(cur, rng, 30) + trade_lines(cur, rng)
                                             + noise(cur, rng, 30)) + "\n", encoding="utf-8")
    tor = DATA / "tor"
    tor.mkdir(parents=True, exist_ok=True)
    (tor / "debug.log").write_text("Nov 24 09:00:01.000 [notice] Tor 0.4.8.16 running on Linux.\n"
                                   f"Nov 24 09:00:02.000 [notice] Read configuration file \"{HOME}/.local/share/Bisq2/tor/torrc\".\n"
                                   "Nov 24 09:00:09.000 [notice] Bootstrapped 100% (done): Done\n", encoding="utf-8")
    (tor / "debug_for_zip.log").write_text(CANARY.format("debug-for-zip") + "\n", encoding="utf-8")
    BACKUP.mkdir(parents=True, exist_ok=True)
    (BACKUP / "bisq.log").write_text(CANARY.format("backup-log") + "\n", encoding="utf-8")


def write_db() -> None:
    private = DATA / "db" / "private"
    private.mkdir(parents=True, exist_ok=True)
    (private / "account_store.protobuf").write_bytes(encode.bisq2_account_store({
        OWN_ACCOUNT: encode.bisq2_payload(("UserDefinedFiat",), {"accountData": OWN_ACCOUNT_DATA}),
    }))
    (private / "bisq_easy_trade_store.protobuf").write_bytes(encode.bisq2_trade_store({TRADE_ID: PEER_ACCOUNT_DATA}))
    for name in ("identity_store.protobuf", "key_bundle_store.protobuf"):
        (private / name).write_text(CANARY.format(name) + "\n", encoding="utf-8")
    hs = DATA / "tor" / "hiddenservice" / "default"
    hs.mkdir(parents=True, exist_ok=True)
    (hs / "private_key").write_text(CANARY.format("tor-private-key") + "\n", encoding="utf-8")
    settings = DATA / "db" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "settings_store.protobuf").write_text(CANARY.format("settings") + "\n", encoding="utf-8")


def write_case_inputs() -> None:
    CASE.mkdir(parents=True, exist_ok=True)
    (CASE / "description.txt").write_text(
        "I took the offer, paid via SEPA on Nov 24 and confirmed it in the trade chat. The seller confirmed the\n"
        "BTC sent over Lightning but my wallet shows nothing. I paid Bożena Wiśniewska-Kowalczyk as her\n"
        "message asked.\n", encoding="utf-8")
    (CASE / "txids.txt").write_text(f"preimage: {PREIMAGE}\n", encoding="utf-8")
    personal = ["Bożena", "Wiśniewska-Kowalczyk", "PL61109010140000071219812874", "mBank Łódź", OWN_ACCOUNT,
                "Hal Finneyson", "PL27114020040000300201355387", "/home/hal"]
    facts = {"trade_id": TRADE_ID, "other_trade_id": OTHER_TRADE_ID, "role": "buyer", "preimage": PREIMAGE,
             "btc_txid": BTC_TXID, "kept": [MY_ONION, PEER_ONION, MEDIATOR_ONION, MY_PROFILE, PEER_PROFILE, MY_NYM,
                                            PEER_NYM, MY_NICK, PEER_NICK, MEDIATOR_NICK, OFFER_ID],
             "personal": personal, "canary_prefix": "CANARY-"}
    (CASE / "demo-facts.json").write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_screenshots() -> None:
    sys.path.insert(0, str(ROOT.parent.parent / "benchmarks"))
    import bisq2windows

    bisq2windows.write_demo(CASE / "screenshots", TRADE_ID)


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    write_logs()
    write_db()
    write_case_inputs()
    write_screenshots()


if __name__ == "__main__":
    main()
