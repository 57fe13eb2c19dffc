# ruff: noqa: E501  (synthetic Bisq log lines are long by nature)
"""Seeded generator of realistic Bisq 1 logs with planted personal data (benchmarks and tests).

Line formats follow ../shared/bisq/facts.md section 3 (and the demo logs): mostly P2P/price/storage noise,
trade-protocol lines with trade IDs, tx IDs and onions, stack traces, and - at a low rate - the ways personal
data leaks: payload toString dumps, one-line payment details, contract JSON (multi-line), e-mails and phone
numbers in chat text, home paths with the OS user name, clearnet peer IPs, Tor bridge lines, xpubs, WIF keys.

`generate(path, size, seed)` returns a `Planted` record: every personal value written (must not survive
sanitizing) and every identifier written (must survive).
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

B32 = "abcdefghijklmnopqrstuvwxyz234567"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
FIRST = ["Alice", "Bob", "Carol", "João", "Zoë", "Émile", "Günther", "Siobhán", "Mei", "Olu", "Ana", "Lukas"]
LAST = ["Müller", "O'Brien", "Smith", "Nakamoto", "Dvořák", "García", "Nguyen", "Kowalski", "Rossi", "Silva"]
USERS = ["satoshi", "João Pedro", "hal.finney", "mwilliams", "Zoë Krüger"]
# Country -> (length of BBAN, alphabet); enough to build checksum-valid IBANs of several shapes.
IBAN_SHAPES = {"DE": (18, string.digits), "GB": (18, string.digits + "WESTABC"), "FR": (23, string.digits),
               "NL": (14, string.digits + "ABNR"), "ES": (20, string.digits), "AT": (16, string.digits)}
MONTH = "Nov"


def iban_checksum(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in (bban + country + "00"))
    return f"{98 - int(digits) % 97:02d}"


def make_iban(rng: random.Random) -> str:
    country = rng.choice(sorted(IBAN_SHAPES))
    n, alphabet = IBAN_SHAPES[country]
    if country == "GB":
        bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + "".join(
            rng.choice(string.digits) for _ in range(14))
    else:
        bban = "".join(rng.choice(string.digits) for _ in range(n))
    return country + iban_checksum(country, bban) + bban


def spaced(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58check(payload: bytes) -> str:
    return b58encode(payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4])


def make_wif(rng: random.Random) -> str:
    return b58check(b"\x80" + rng.randbytes(32) + b"\x01")


def make_xpub(rng: random.Random, prefix: bytes = bytes.fromhex("0488b21e")) -> str:
    return b58check(prefix + rng.randbytes(74))


def onion(rng: random.Random) -> str:
    return "".join(rng.choice(B32) for _ in range(55)) + "d"


def hex64(rng: random.Random) -> str:
    return rng.randbytes(32).hex()


def uuid(rng: random.Random) -> str:
    h = rng.randbytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def trade_id(rng: random.Random) -> str:
    prefix = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(5, 8)))
    return f"{prefix}-{uuid(rng)}-{rng.choice(['1104', '1923', '1103'])}"


def public_ipv4(rng: random.Random) -> str:
    while True:
        a = rng.randint(11, 223)
        if a not in (127, 10, 172, 192, 100):
            return f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def public_ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 0xffff):x}" for _ in range(4)]
    return f"2a01:{groups[0]}:{groups[1]}::{groups[2]}:{groups[3]}"


def phone(rng: random.Random) -> str:
    return rng.choice([f"+49 151 {rng.randint(1000000, 99999999)}", f"+44 7700 {rng.randint(100000, 999999)}",
                       f"+1 (555) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"])


@dataclass
class Planted:
    personal: set[str] = field(default_factory=set)
    keep: set[str] = field(default_factory=set)
    user_names: set[str] = field(default_factory=set)


class _Writer:
    def __init__(self, rng: random.Random, planted: Planted, user: str, os_kind: str) -> None:
        self.rng = rng
        self.p = planted
        self.t = rng.randint(0, 20 * 3600 * 1000)
        self.user = user
        self.os_kind = os_kind
        self.trades = [trade_id(rng) for _ in range(6)]
        self.onions = [onion(rng) for _ in range(40)]
        self.p.keep.update(self.trades)
        self.p.keep.update(self.onions[:6])
        # Values already written where a rule finds them (payload dumps, labels): written again later in
        # formats no rule knows, which only the case's known values catch (issue 13).
        self.seen: list[tuple[str, str, str]] = []  # (name, iban, e-mail)

    def stamp(self) -> str:
        self.t += self.rng.randint(1, 3000)
        s, ms = divmod(self.t, 1000)
        m, s = divmod(s, 60)
        hh, m = divmod(m, 60)
        return f"{MONTH}-{10 + (hh // 24) % 18:02d} {hh % 24:02d}:{m:02d}:{s:02d}.{ms:03d}"

    def line(self, thread: str, level: str, logger: str, msg: str) -> str:
        return f"{self.stamp()} [{thread}] {level:<5} {logger}: {msg} \n"

    def home(self) -> str:
        self.p.user_names.add(self.user)
        self.p.personal.add(self.user)
        if self.os_kind == "win":
            return f"C:\\Users\\{self.user}\\AppData\\Roaming\\Bisq"
        if self.os_kind == "mac":
            return f"/Users/{self.user}/Library/Application Support/Bisq"
        return f"/home/{self.user}/.local/share/Bisq"

    # --- ordinary traffic --------------------------------------------------------------------------------
    def noise(self) -> str:
        r = self.rng
        k = r.randrange(100)
        if k < 22:
            return self.line("JavaFX Application Thread", "INFO", "b.c.p.MarketPriceFeedService",
                             f"Received new price: EUR {r.randint(80000, 99000)}.{r.randint(0, 99):02d}")
        if k < 36:
            return self.line("UserThread", "INFO", "b.n.p.p.GetDataRequestHandler",
                             f"\n\n>> We send a GetUpdatedDataRequest to peer {r.choice(self.onions)}.onion:9999\n")
        if k < 50:
            return self.line("UserThread", "DEBUG", "b.n.p.s.P2PDataStorage", "Storage refreshed; 0 items removed")
        if k < 60:
            return self.line("Connection", "INFO", "b.n.p.n.Connection",
                             f"Socket creation to peersNodeAddress {r.choice(self.onions)}.onion:9999 took "
                             f"{r.randint(300, 9000)} ms")
        if k < 66:
            ip = public_ipv4(r)
            self.p.personal.add(ip)
            return self.line("PeerGroup Thread", "INFO", "o.b.c.PeerGroup", f"Peer connected: [{ip}]:8333")
        if k < 76:
            tid = r.choice(self.trades)
            return self.line("JavaFX Application Thread", "INFO", "b.c.t.p.TradeProtocol",
                             f"Received {r.choice(['DepositTxAndDelayedPayoutTxMessage', 'CounterCurrencyTransferStartedMessage'])}"
                             f" as MailboxMessage from {r.choice(self.onions)}.onion:9999 with tradeId {tid} and uid "
                             f"{uuid(r)}")
        if k < 80:
            tx = hex64(r)
            self.p.keep.add(tx)
            return self.line("JavaFX Application Thread", "INFO", "b.c.b.w.TxBroadcaster",
                             f"Broadcast transaction with ID: {tx}")
        if k < 83:
            return self.line("JavaFX Application Thread", "ERROR", "b.c.t.TaskRunner",
                             "Exception at task ProcessPeerPublishedDelayedPayoutTxMessage\n"
                             "java.lang.NullPointerException: Cannot invoke \"bisq.core.btc.model.AddressEntry.getAddressString()\"\n"
                             "\tat bisq.core.trade.protocol.bisq_v1.tasks.TradeTask.run(TradeTask.java:55)\n"
                             "\tat bisq.common.taskrunner.TaskRunner.next(TaskRunner.java:71)\n"
                             "\tat java.base/java.lang.Thread.run(Thread.java:1583)")
        if k < 88:
            return self.line("JavaFX Application Thread", "INFO", "b.c.t.p.TradeProtocol",
                             f"TaskRunner successfully completed. Triggered from BuyerAsTakerSignsDepositTx, "
                             f"tradeId={r.choice(self.trades)}")
        if k < 92:
            return self.line("Timer-1", "INFO", "o.b.n.tor.Tor",
                             f"Tor 0.4.8.{r.randint(9, 13)} running; control port 127.0.0.1:{r.randint(30000, 40000)}")
        if k < 96:
            return self.line("JavaFX Application Thread", "INFO", "b.c.o.OpenOfferManager",
                             f"OfferId={r.choice(self.trades)}, txId={hex64(r)} is unconfirmed")
        return self.line("BtcWalletService", "INFO", "b.c.b.w.BtcWalletService",
                         f"getOrCreateAddressEntry: new AddressEntry=AddressEntry{{address=bc1q{''.join(r.choice('023456789acdefghjklmnpqrstuvwxyz') for _ in range(38))}, "
                         f"context=TRADE_PAYOUT, offerId={r.choice(self.trades)}}}")

    # --- the ways personal data leaks ----------------------------------------------------------------------
    def leak(self) -> str:
        r = self.rng
        p = self.p
        name = f"{r.choice(FIRST)} {r.choice(LAST)}"
        iban = make_iban(r)
        email = f"{r.choice(['alice', 'bob.x', 'trader_7'])}{r.randint(1, 999)}@{r.choice(['example.org', 'mail.example.com'])}"
        salt = hex64(r)
        k = r.randrange(14)
        if k in (0, 4):
            self.seen.append((name, iban, email))
        if k >= 12 and self.seen:
            return self.known_only(*r.choice(self.seen))
        if k == 0:
            p.personal.update({name, iban, email, salt})
            return self.line("JavaFX Application Thread", "ERROR", "b.c.a.w.AccountAgeWitnessService",
                             f"verifyPeersTradeLimit failed: peersPaymentAccountPayload SepaAccountPayload(holderName={name}, "
                             f"iban={iban}, bic=COBADEFFXXX, email={email}, acceptedCountryCodes=[AT, BE, DE, FR], "
                             f"countryCode=DE) PaymentAccountPayload(paymentMethodId=SEPA, id={uuid(r)}, "
                             f"maxTradePeriod=518400000, excludeFromJsonDataMap=PaymentAccountPayloadExcludeFromJsonMap"
                             f"{{map={{holderName={name}, salt={salt}}}}})")
        if k == 1:
            p.personal.update({name, iban, spaced(iban)})
            return self.line("JavaFX Application Thread", "ERROR", "b.c.t.TaskRunner",
                             "Task failed: ApplyFilter / errorMessage: Other trader is banned by their trading account "
                             f"data.\npaymentAccountPayload=SEPA - Account owner full name: {name}, IBAN: {spaced(iban)}, "
                             "BIC: COBADEFFXXX, Country of bank: DE")
        if k == 2:
            ph = phone(r)
            p.personal.update({name, ph})
            return self.line("JavaFX Application Thread", "ERROR", "b.c.t.TaskRunner",
                             "Task failed: ApplyFilter / errorMessage: Other trader is banned by their trading account "
                             f"data.\npaymentAccountPayload=Zelle - Account owner full name: {name}, Email or mobile no.: {ph}")
        if k == 3:
            acct = str(r.randint(10_000_000, 99_999_999))
            sort = f"{r.randint(10, 99)}-{r.randint(10, 99)}-{r.randint(10, 99)}"
            p.personal.update({name, acct, sort})
            return self.line("JavaFX Application Thread", "WARN", "b.c.t.TradeManager",
                             f"Trade {r.choice(self.trades)} failed. paymentAccountPayload=Faster Payment System (UK) - "
                             f"Account owner full name: {name}, UK Sort code: {sort}, Account number: {acct}")
        if k == 4:
            tid = r.choice(self.trades)
            contract = {
                "offerPayload": {"id": tid, "ownerNodeAddress": {"hostName": f"{self.onions[0]}.onion", "port": 9999},
                                 "paymentMethodId": "SEPA", "offerFeePaymentTxId": hex64(r),
                                 "extraDataMap": {"f2fCity": "Springfield", "capabilities": "0, 1, 2"}},
                "takerFeeTxID": hex64(r),
                "makerPaymentAccountPayload": {"holderName": name, "iban": iban, "bic": "COBADEFFXXX",
                                               "email": email, "paymentMethodId": "SEPA"},
            }
            p.personal.update({name, iban, email, "Springfield"})
            p.keep.add(contract["takerFeeTxID"])  # type: ignore[arg-type]
            cj = json.dumps(contract, indent=2, ensure_ascii=False).replace("'", "\\u0027")
            return self.line("JavaFX Application Thread", "WARN", "b.c.t.m.b.Contract",
                             f"Diff of both contracts: \n{cj}\nContract as json\n{cj}\nPeers contract as json\n{cj}")
        if k == 5:
            ph = phone(r)
            p.personal.update({email, ph})
            return self.line("JavaFX Application Thread", "INFO", "b.c.s.t.TraderChatManager",
                             f"Peer sent a chat message for trade {r.choice(self.trades)}; mail me at {email} or call {ph}")
        if k == 6:
            return self.line("main", "INFO", "b.c.s.CommonSetup", f"Log file at: {self.home()}{self.sep()}bisq.log")
        if k == 7:
            ip = public_ipv4(r)
            fp = r.randbytes(20).hex().upper()
            cert = "".join(r.choice(string.ascii_letters + string.digits + "+/") for _ in range(70))
            p.personal.update({ip, fp, cert})
            return self.line("TorControlParser", "INFO", "b.n.p2p.NewTor",
                             f"Using bridges: obfs4 {ip}:443 {fp} cert={cert} iat-mode=0")
        if k == 8:
            ip4, ip6 = public_ipv4(r), public_ipv6(r)
            p.personal.update({ip4, ip6})
            return self.line("JavaFX Application Thread", "INFO", "b.c.b.n.BtcNetworkConfig",
                             f"You connect with peerAddresses: [{ip4}:8333, [{ip6}]:8333]")
        if k == 9:
            x = make_xpub(r)
            w = make_wif(r)
            p.personal.update({x, w})
            return self.line("JavaFX Application Thread", "WARN", "b.c.b.w.WalletsManager",
                             f"Unexpected wallet dump: xpub={x} key={w}")
        if k == 10:
            return self.line("JavaFX Application Thread", "ERROR", "b.d.u.GUIUtil",
                             "Exception at openMail\njava.io.IOException: Cannot run program \"xdg-open\": error=2\n"
                             f"\tat bisq.common.util.DesktopUtil.open(DesktopUtil.java:76) file={self.home()}"
                             f"{self.sep()}receipt.pdf")
        user_word = self.user
        p.personal.add(user_word)
        return self.line("JavaFX Application Thread", "INFO", "b.c.u.Utilities",
                         f"Trying to exec: cmd = open file = receipt.pdf by {user_word} ")

    def known_only(self, name: str, iban: str, email: str) -> str:
        """A chat line with values from an earlier payload dump in other spellings: the name in capitals, a
        part of it alone (4+ letters) or transliterated, the IBAN in lower case with dashes, the e-mail's local
        part."""
        r = self.rng
        part = max(name.split(), key=len)
        german = part.translate(str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae"}))
        translit = "".join(c for c in unicodedata.normalize("NFKD", german) if not unicodedata.combining(c))
        dashed = "-".join(iban[i:i + 4] for i in range(0, len(iban), 4)).lower()
        local = email.split("@")[0]
        forms = [name.upper(), part if len(part) >= 4 else name, translit if len(translit) >= 4 else name, dashed,
                 local]
        self.p.personal.update(forms)
        return self.line("JavaFX Application Thread", "INFO", "b.c.s.t.TraderChatManager",
                         f"Received chat message for trade {r.choice(self.trades)}: this is {forms[0]}, yes {forms[1]} "
                         f"({forms[2]}); pay {forms[3]} and mail {forms[4]} at the usual provider")

    def sep(self) -> str:
        return "\\" if self.os_kind == "win" else "/"


def generate(path: Path, size: int, seed: int, leak_every: int = 400) -> Planted:
    """Write about `size` bytes of Bisq log to `path`; one leaking entry per `leak_every` entries on average."""
    rng = random.Random(seed)
    planted = Planted()
    w = _Writer(rng, planted, user=USERS[seed % len(USERS)], os_kind=("linux", "win", "mac")[seed % 3])
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        first = w.line("main", "INFO", "b.c.s.CommonSetup", f"Log file at: {w.home()}{w.sep()}bisq.log")
        fh.write(first)
        written += len(first)
        buf: list[str] = []
        while written < size:
            entry = w.leak() if rng.randrange(leak_every) == 0 else w.noise()
            buf.append(entry)
            written += len(entry)
            if len(buf) >= 2000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))
    return planted
