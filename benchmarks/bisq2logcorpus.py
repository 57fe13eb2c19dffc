# ruff: noqa: E501  (synthetic Bisq log lines are long by nature)
"""Seeded generator of Bisq 2 logs (desktop `Bisq2` and trusted node `Bisq2_api`) with planted personal data.

Line forms follow Bisq 2's sources (bisq-network/bisq2) and ../shared/bisq/bisq2.md: network noise with onions,
profile IDs, nyms and nicknames (kept), Bisq Easy trade lines with version-3 trade IDs, tx IDs and Lightning
preimages (kept), and the leaks: `BisqEasyAccountDataMessage` / `BisqEasyTrade` Lombok dumps with the seller's
free-text `paymentAccountData` (several lines), the trusted node's JSON (`Send json: ...`, also escaped inside a
request body), payment account names, home paths the `<HOME_DIR>` mask misses (stack traces, `/media/<user>`),
and - in `Bisq2_api` logs of v2.1.2 to v2.1.13 - the `keyBundle` private keys (PKCS#8 EC key, Tor key, I2P
identity) in JSON, escaped JSON and record `toString` form.

`generate(path, lines, seed, api=...)` returns a `Planted` record: the personal values written (none may
survive), the private keys written (none may survive in any form) and the identifiers written (all must).
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

B32 = "abcdefghijklmnopqrstuvwxyz234567"
HEX = "0123456789abcdef"
FIRST = ["Hannelore", "Joaquín", "Wojciech", "Ingrid", "Thandiwe", "Radomir", "Yevgenia", "Bartholomew"]
LAST = ["Vanderbilt", "Quispe", "Brzęczyszczykiewicz", "Oyelaran", "Lindqvist", "Haversham"]
BANKS = ["Raiffeisenkasse Oberwil", "Caixa Geral Depositos", "Bunq Amsterdam", "Revolut Vilnius"]
CITIES = ["Wolfratshausen", "Ponferrada", "Zielona Gora"]
USERS = ["hannelore", "jquispe", "ingrid.l"]
# Nyms and nicknames are public and support reads them: the generator draws them from words no planted value uses.
NYM_WORDS = ["Ravenously", "Poignant", "Coordinate", "Tenderly", "Brisk", "Lantern", "Quietly", "Amber"]
NICKS = ["satoshi_fan", "BitBeaver", "NodeRunner42", "FiatFree"]
METHODS = ["SEPA", "REVOLUT", "WISE", "ZELLE", "CUSTOM"]
MONTHS = ["Nov", "Dec"]
SEC1_HEAD = bytes.fromhex("30740201010420")
PKCS8_HEAD = bytes.fromhex("30818d020100301006072a8648ce3d020106052b8104000a0476")
SEC1_TAIL = bytes.fromhex("a00706052b8104000aa144034200")


@dataclass
class Planted:
    personal: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    kept: set[str] = field(default_factory=set)
    trades: dict[str, list[str]] = field(default_factory=dict)  # trade ID -> tx IDs / preimages


def iban(rng: random.Random) -> str:
    bban = "".join(rng.choice("0123456789") for _ in range(18))
    digits = "".join(str(int(c, 36)) for c in bban + "DE00")
    return f"DE{98 - int(digits) % 97:02d}{bban}"


def ec_private_key_b64(rng: random.Random) -> str:
    """A PKCS#8 secp256k1 private key as Java's `PrivateKey.getEncoded()` writes it, Base64 (random scalar)."""
    sec1 = SEC1_HEAD + rng.randbytes(32) + SEC1_TAIL + b"\x04" + rng.randbytes(64)
    return base64.b64encode(PKCS8_HEAD + sec1).decode()


def v3_uuid(rng: random.Random) -> str:
    return str(uuid.uuid3(uuid.NAMESPACE_OID, rng.randbytes(16).hex()))


class _Gen:
    def __init__(self, rng: random.Random, api: bool) -> None:
        self.rng, self.api, self.p = rng, api, Planted()
        self.user = rng.choice(USERS)
        self.onions = ["".join(rng.choice(B32) for _ in range(56)) + ".onion" for _ in range(6)]
        self.profiles = ["".join(rng.choice(HEX) for _ in range(40)) for _ in range(4)]
        self.nyms = [f"{rng.choice(NYM_WORDS)}-{rng.choice(NYM_WORDS)}-{rng.choice(NYM_WORDS)}-{rng.randint(100, 999)}" for _ in range(4)]
        self.trades = [v3_uuid(rng) for _ in range(3)]
        self.p.kept.update(self.onions, self.profiles, self.nyms, self.trades, NICKS)
        self.t = 0

    def ts(self) -> str:
        self.t += self.rng.randint(1, 900)
        s = self.t // 1000
        return f"{MONTHS[s // 86400 % 2]}-{1 + s // 3600 % 28:02d} {s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{self.t % 1000:03d}"

    def line(self, thread: str, level: str, logger: str, msg: str) -> str:
        return f"{self.ts()} [{thread}] {level:<5} {logger}: {msg}\n"

    def noise(self) -> str:
        r = self.rng
        choices = [
            lambda: self.line("pool-2", "INFO", "b.n.p.n.n.Node", f"Connection to {r.choice(self.onions)}:1000 established"),
            lambda: self.line("JavaFX", "INFO", "b.u.UserProfileService", f"Selected user profile {r.choice(self.nyms)} / {r.choice(NICKS)} id={r.choice(self.profiles)}"),
            lambda: self.line("pool-5", "DEBUG", "b.n.p.s.d.DataService", f"Received AddAuthenticatedDataRequest from {r.choice(self.onions)}"),
            lambda: self.line("main", "INFO", "b.c.BisqEasyOpenTradeChannel", f"Peer {r.choice(NICKS)} ({r.choice(self.nyms)}) joined trade channel"),
        ]
        return r.choice(choices)()

    def trade(self) -> str:
        r = self.rng
        tid = r.choice(self.trades)
        proof = "".join(r.choice(HEX) for _ in range(64))
        self.p.kept.add(proof)
        self.p.trades.setdefault(tid, []).append(proof)
        kind = r.choice(["txId", "preimage"])
        return self.line("pool-4", "INFO", "b.t.b.BisqEasyTradeService", f"Trade ID: {tid} paymentProof ({kind}) {proof} from {r.choice(self.profiles)}")

    def account_text(self) -> tuple[str, list[str]]:
        r = self.rng
        name = f"{r.choice(FIRST)} {r.choice(LAST)}"
        ib = iban(r)
        phone = f"+49 17{r.randint(0, 9)} {r.randint(1000000, 9999999)}"
        mail = f"{name.split()[0].lower()}.{r.randint(10, 99)}@posteo.de"
        handle = f"@{name.split()[0].lower()}_{r.randint(1000, 9999)}"
        bank, city = r.choice(BANKS), r.choice(CITIES)
        text = f"Name: {name}\nIBAN {ib} ({bank}, {city})\nRevolut {handle}, call {phone} or mail {mail}"
        values = [name, ib, phone, mail, handle, bank, city]
        self.p.personal.update(values)
        return text, values

    def leak(self) -> str:
        r = self.rng
        text, _ = self.account_text()
        tid = r.choice(self.trades)
        form = r.randrange(6)
        if form == 0:
            return self.line("pool-4", "WARN", "b.t.b.BisqEasyTradeService",
                             f"message=BisqEasyAccountDataMessage(super=BisqEasyTradeMessage(super=TradeMessage(id={uuid.UUID(int=r.getrandbits(128))}, tradeId={tid}, protocolVersion=1, sender=NetworkId(addressByTransportTypeMap={{TOR={r.choice(self.onions)}:1000}}))), paymentAccountData={text}, bisqEasyOffer=BisqEasyOffer(super=Offer(id={uuid.UUID(int=r.getrandbits(128))})))")
        if form == 1:
            btc = "bc1q" + "".join(r.choice("qpzry9x8gf2tvdw0s3jn54khce6mua7l") for _ in range(38))
            self.p.personal.add(btc)
            return self.line("pool-4", "ERROR", "b.t.b.BisqEasyTradeService",
                             f"trade=BisqEasyTrade(super=Trade(id={tid}), paymentAccountData=Observable{{value=Optional[{text}]}}, bitcoinPaymentData=Observable{{value=Optional[{btc}]}}, paymentProof=Observable{{value=Optional.empty}})")
        if form == 2:
            return self.line("pool-3", "INFO", "b.a.w.s.Subscriber", "Send json: " + json.dumps(
                {"topic": "TRADES", "payload": [{"tradeId": tid, "paymentAccountData": text, "peer": r.choice(self.nyms)}]}, ensure_ascii=False, separators=(",", ":")))
        if form == 3:
            name = f"My {r.choice(LAST)} {r.choice(METHODS).title()}"
            self.p.personal.add(name)
            return self.line("pool-4", "INFO", "b.a.r.e.p.UserDefinedPaymentAccountsRestApi", f"Set selected payment account: {name}")
        if form == 4:
            path = r.choice([f"/home/{self.user}/.local/share/Bisq2", f"C:\\Users\\{self.user}\\AppData\\Roaming\\Bisq2",
                             f"/media/{self.user}/USB/Bisq2"])
            self.p.personal.add(self.user)
            return (self.line("pool-6", "ERROR", "b.p.Persistence", "Could not persist store")
                    + f"java.nio.file.AccessDeniedException: {path}/db/private/settings_store.protobuf\n"
                    + "\tat java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:90)\n")
        body = json.dumps({"tradeId": tid, "accountData": text, "accountName": "Main Account"}, ensure_ascii=False, separators=(",", ":"))
        return self.line("pool-3", "WARN", "b.a.w.r.WebSocketRestApiService", "REST API call failed for request: " + json.dumps(
            {"requestId": str(r.randint(1, 99)), "body": body}, ensure_ascii=False, separators=(",", ":")))

    def key_leak(self) -> str:
        r = self.rng
        ec, tor = ec_private_key_b64(r), base64.b64encode(r.randbytes(64)).decode()
        i2p = base64.b64encode(r.randbytes(391)).decode()
        self.p.keys.update((ec, tor, i2p))
        onion, profile = r.choice(self.onions), r.choice(self.profiles)
        bundle = {"keyId": profile, "keyPair": {"publicKey": {"encoded": "MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE" + "A" * 40}, "privateKey": {"encoded": ec}},
                  "torKeyPair": {"privateKeyEncoded": tor, "publicKeyEncoded": "cHVibGlj", "onionAddress": onion},
                  "i2pKeyPair": {"identityBytes": i2p, "destinationBytes": "ZGVzdA=="}}
        form = r.randrange(4)
        if form == 0:
            return self.line("pool-3", "INFO", "b.a.w.s.Subscriber", "Send json: " + json.dumps({"payload": {"identity": {"tag": "default", "keyBundle": bundle}}}, separators=(",", ":")))
        if form == 1:
            inner = json.dumps({"keyMaterialResponse": {"keyPair": bundle["keyPair"], "id": profile, "nym": r.choice(self.nyms)}, "nickName": r.choice(NICKS)}, separators=(",", ":"))
            return self.line("pool-3", "INFO", "b.a.w.WebSocketConnectionHandler", "Received message " + json.dumps({"path": "/api/v1/user-identities", "body": inner}, separators=(",", ":")))
        if form == 2:
            return self.line("pool-3", "INFO", "b.a.w.s.SubscriptionService",
                             f"Send SubscriptionResponse json: IdentityDto[tag=default, networkId=NetworkIdDto[addressByTransportTypeMap=AddressByTransportTypeMapDto[map={{TOR={onion}:1000}}]], keyBundle=KeyBundleDto[keyId={profile}, keyPair=KeyPairDto[publicKey=PublicKeyDto[encoded=MFYw], privateKey=PrivateKeyDto[encoded={ec}]], torKeyPair=TorKeyPairDto[privateKeyEncoded={tor}, publicKeyEncoded=cHVi, onionAddress={onion}], i2pKeyPair=I2PKeyPairDto[identityBytes={i2p}, destinationBytes=ZGVzdA==]]]")
        # a key under a name no rule knows: found by its DER shape alone
        return self.line("pool-3", "DEBUG", "b.a.d.DtoMappings", f"mapped {profile} material={ec}")


def generate(path: Path, lines: int = 4000, seed: int = 1, api: bool = False, version: str = "2.1.7") -> Planted:
    rng = random.Random(seed)
    g = _Gen(rng, api)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(g.line("main", "INFO", "b.a.ApplicationService", f"Version: v{version} / Commit hash: 4f2c1ab"))
        for _ in range(lines):
            x = rng.random()
            if api and x < 0.03:
                fh.write(g.key_leak())
            elif x < 0.08:
                fh.write(g.leak())
            elif x < 0.16:
                fh.write(g.trade())
            else:
                fh.write(g.noise())
    return g.p
