# ruff: noqa: E501  (synthetic Bisq log lines are long by nature)
"""Per-detector true and false positives on real Bisq 1 log line formats (facts.md sections 3 and 5)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from redactor.text.sanitizer import sanitize_bytes, sanitize_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import logcorpus  # noqa: E402

TS = "Nov-18 08:19:10.028 [JavaFX Application Thread]"
TRADE = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
TXID = "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63"
ONION = "p45gy6y32urlmm7jvqifido6ditvbnpap45gy6y32urlmm7jvqifidod.onion"


def log_clean(text: str, users: tuple[str, ...] = ()) -> str:
    """Exactly what the log pass does (context detectors only on triggered lines)."""
    return sanitize_bytes(text.encode(), users, every_line=False).decode()


def assert_removed(out: str, *values: str) -> None:
    for v in values:
        assert v not in out, f"{v!r} survived in {out!r}"


# --- payment data ------------------------------------------------------------------------------------------

def test_payload_tostring_dump() -> None:
    line = (f"{TS} ERROR b.c.a.w.AccountAgeWitnessService: verifyPeersTradeLimit failed: peersPaymentAccountPayload "
            "SepaAccountPayload(holderName=Alice Müller, iban=DE89370400440532013000, bic=COBADEFFXXX, email=, "
            "acceptedCountryCodes=[AT, BE, DE, FR], countryCode=DE) PaymentAccountPayload(paymentMethodId=SEPA, "
            "id=7e1c5a7b-55e1-4a40-9d6e-0b1c2d3e4f50, maxTradePeriod=518400000, excludeFromJsonDataMap="
            "PaymentAccountPayloadExcludeFromJsonMap{map={holderName=Alice Müller, salt="
            "63479ad69a090b258277ec8fba6f99419a2ffb248981510657c944ccd1148e97}}) ")
    out = log_clean(line)
    assert_removed(out, "Alice", "Müller", "DE89370400440532013000", "COBADEFFXXX", "63479ad69a09")
    assert "holderName=<name-1>, iban=<iban-1>, bic=<account-1>, email=," in out
    assert "map={holderName=<name-1>, salt=<salt-1>}})" in out
    assert "paymentMethodId=SEPA, id=7e1c5a7b-55e1-4a40-9d6e-0b1c2d3e4f50" in out


@pytest.mark.parametrize("details, secrets", [
    ("SEPA - Account owner full name: Alice Müller, IBAN: DE89 3704 0044 0532 0130 00, BIC: COBADEFFXXX, "
     "Country of bank: DE", ["Alice Müller", "DE89 3704", "COBADEFFXXX"]),
    ("Zelle - Account owner full name: Bob Smith, Email or mobile no.: +1 (555) 123-4567",
     ["Bob Smith", "555"]),
    ("Faster Payment System (UK) - Account owner full name: Carol Jones, UK Sort code: 12-34-56, "
     "Account number: 12345678", ["Carol Jones", "12-34-56", "12345678"]),
    ("India/NEFT - Account owner full name: Ravi Kumar, Account no.: 123456789012IFS Code: SBIN0001234",
     ["Ravi Kumar", "123456789012", "SBIN0001234"]),
    ("Cash By Mail - Account owner full name: Dan Brown, Postal address: 1 Main St, Springfield, "
     "Additional information: ring twice", ["Dan Brown", "Main St", "Springfield", "ring twice"]),
    ("Interac e-Transfer - Account owner full name: Eve Adams, Email eve@example.ca, Secret question: pet?, "
     "Answer: Rex", ["Eve Adams", "eve@example.ca", "pet?", "Rex"]),
    ("Domestic Wire Transfer - Account owner full name: Zoë Krüger, Bank name: First Bank, Routing Number: "
     "021000021, Account number: 9876543210", ["Zoë Krüger", "First Bank", "021000021", "9876543210"]),
])
def test_one_line_payment_details(details: str, secrets: list[str]) -> None:
    text = (f"{TS} ERROR b.c.t.TaskRunner: Task failed: ApplyFilter / errorMessage: Other trader is banned by "
            f"their trading account data.\npaymentAccountPayload={details} \n")
    out = log_clean(text)
    assert_removed(out, *secrets)
    assert out.count("\n") == text.count("\n")
    assert "Task failed: ApplyFilter" in out


def test_country_of_bank_is_kept() -> None:
    out = log_clean("paymentAccountPayload=SEPA - Account owner full name: A B, IBAN: DE89370400440532013000, "
                    "BIC: COBADEFFXXX, Country of bank: DE")
    assert out.endswith("Country of bank: DE")


def test_contract_json_in_log_spans_lines() -> None:
    text = (f"{TS} WARN  b.c.t.m.b.Contract: Diff of both contracts: \n{{\n  \"offerPayload\": {{\n"
            f"    \"id\": \"{TRADE}\",\n    \"extraDataMap\": {{\n      \"f2fCity\": \"Berlin\",\n"
            "      \"f2fExtraInfo\": \"call me on 0151 2345678\"\n    }\n  },\n"
            f"  \"takerFeeTxID\": \"{TXID}\",\n  \"makerPaymentAccountPayload\": {{\n"
            "    \"holderName\": \"Satoshi O\\u0027Brien\",\n    \"iban\": \"GB82WEST12345698765432\",\n"
            "    \"email\": \"s.obrien@example.com\",\n    \"postalAddress\": \"1 Road\\nDublin\",\n"
            "    \"paymentMethodId\": \"SEPA\"\n  }\n}\n")
    out = log_clean(text)
    assert_removed(out, "Berlin", "0151", "O\\u0027Brien", "Satoshi", "GB82WEST", "s.obrien", "Dublin")
    assert out.count("\n") == text.count("\n")
    assert TRADE in out and TXID in out and '"paymentMethodId": "SEPA"' in out
    assert '"holderName": "<name-1>"' in out


def test_json_and_tostring_share_a_placeholder() -> None:
    """Gson's `\\u0027` escape and the toString form are the same value: one placeholder."""
    out = log_clean('    "holderName": "Satoshi O\\u0027Brien",\n'
                    "peersPaymentAccountPayload SepaAccountPayload(holderName=Satoshi O'Brien, iban=x)\n")
    assert out.count("<name-1>") == 2


# --- e-mail, IBAN, phone -----------------------------------------------------------------------------------

def test_email_true_and_false_positives() -> None:
    out = log_clean(f"{TS} INFO  b.c.s.t.TraderChatManager: Peer sent a chat message for trade {TRADE}; mail me "
                    "at satoshi.n@example.com. Thanks to (@emzy) and @leo:matrix.org, obj java.lang.Object@6d06d69c")
    assert_removed(out, "satoshi.n@example.com")
    assert "<email-1>." in out
    assert "(@emzy)" in out and "@leo:matrix.org" in out and "Object@6d06d69c" in out and TRADE in out


def test_iban_checksum_and_spacing() -> None:
    out = log_clean("IBAN DE89370400440532013000 and de-spaced DE89 3704 0044 0532 0130 00; bad DE89370400440532013001 "
                    "GB82 WEST 1234 5698 7654 32")
    assert out.count("<iban-1>") == 2, out  # same account, two spellings
    assert "<iban-2>" in out
    assert "DE89370400440532013001" in out  # checksum fails: not an IBAN


def test_phone_numbers() -> None:
    out = log_clean(f"{TS} INFO  b.c.s.t.TraderChatManager: mail me or call +49 151 23456789 or 0151 2345 6789 \n"
                    f"{TS} INFO  b.n.p.n.Connection: Socket creation to peersNodeAddress {ONION}:9999 took 7591 ms \n"
                    f"{TS} INFO  b.c.u.Utilities: System info: JRE=21.0.5 (Azul Systems, Inc.); JVM=21.0.5+11-LTS \n"
                    f"{TS} INFO  b.c.p.MarketPriceFeedService: Received new price: EUR 84318.61 \n")
    assert_removed(out, "23456789", "2345 6789")
    assert "took 7591 ms" in out and "JVM=21.0.5+11-LTS" in out and "EUR 84318.61" in out and ONION in out


# --- user name, IPs, bridges, keys -------------------------------------------------------------------------

@pytest.mark.parametrize("path_line, name", [
    ("Log file at: C:\\Users\\João Pedro\\AppData\\Roaming\\Bisq\\bisq.log", "João Pedro"),
    ("Log file at: /Users/hal.finney/Library/Application Support/Bisq/bisq.log", "hal.finney"),
    ("Log file at: /home/satoshi/.local/share/Bisq/bisq.log", "satoshi"),
    ("Created config file 'C:\\\\Users\\\\mwilliams\\\\AppData\\\\Roaming\\\\Bisq\\\\bisq.properties'", "mwilliams"),
    ("user.home=C:/Users/Zoë Krüger/ user.name=Zoë Krüger", "Zoë Krüger"),
])
def test_os_user_name_in_paths_and_elsewhere(path_line: str, name: str) -> None:
    text = (f"{TS} INFO  b.c.s.CommonSetup: {path_line} \n"
            f"{TS} INFO  b.c.u.Utilities: Trying to exec: cmd = open by {name.upper()} and {name} \n")
    out = log_clean(text)
    assert_removed(out, name, name.upper())
    assert "<user>" in out
    assert "CommonSetup: " in out and "Trying to exec: cmd = open by <user> and <user>" in out


def test_user_name_from_caller_and_not_inside_words() -> None:
    out = log_clean(f"{TS} INFO  x: bob said hi to bobby; trade {TRADE} \n", users=("bob",))
    assert "<user> said hi to bobby" in out


def test_ip_addresses() -> None:
    text = (f"{TS} INFO  o.b.c.PeerGroup: Peer connected: [203.0.113.17]:8333, version 70016 \n"
            f"{TS} INFO  b.c.b.n.BtcNetworkConfig: You connect with peerAddresses: [198.51.100.23:8333, "
            "[2a01:4f8:c17:1234::1]:8333] \n"
            f"{TS} INFO  o.b.n.tor.Tor: Tor 0.4.8.13 running; control port 127.0.0.1:39051 \n"
            f"{TS} INFO  b.n.p.n.TorNetworkNode: Socket=ServerSocket[addr=/127.0.0.1,localport=9999] [::1]:9050 \n"
            f"{TS} INFO  b.c.a.Version: Version{{VERSION=1.10.4, P2P_NETWORK_VERSION=A}} build 1.10.4.2 \n")
    out = log_clean(text)
    assert_removed(out, "203.0.113.17", "198.51.100.23", "2a01:4f8")
    assert "[<ip-1>]:8333" in out and "[<ip-3>]:8333" in out
    for kept in ("Tor 0.4.8.13", "127.0.0.1:39051", "addr=/127.0.0.1", "[::1]:9050", "VERSION=1.10.4",
                 "build 1.10.4.2"):
        assert kept in out


def test_bridge_lines() -> None:
    line = ("Nov-18 08:22:43.468 [TorControlParser] INFO  b.n.p2p.NewTor: Using bridges: obfs4 192.0.2.44:443 "
            "8DFCD8FB3285E855F5A55EDDA35696C743ABFC4E cert=p9L6+25s8bnfkye1ZxFeAE4mAGY7DH4Gaj7dxngIIzP9BtqrHHwZXdjMK0RVIQ"
            "34C7aqZw iat-mode=0 ")
    out = log_clean(line)
    assert out.endswith("Using bridges: <bridge-1> ")
    out = log_clean("Bridge webtunnel [2001:db8::5]:443 0123456789ABCDEF0123456789ABCDEF01234567 url=https://x.example\n")
    assert "0123456789ABCDEF" not in out and "x.example" not in out


def test_extended_and_private_keys() -> None:
    rng = random.Random(7)
    xpub, wif = logcorpus.make_xpub(rng), logcorpus.make_wif(rng)
    tpub = logcorpus.make_xpub(rng, bytes.fromhex("043587cf"))
    out = log_clean(f"{TS} WARN  x: xpub={xpub} tpub {tpub} key {wif} onion {ONION} tx {TXID}")
    assert_removed(out, xpub, wif, tpub)
    assert ONION in out and TXID in out
    assert "<xkey-1>" in out and "<xkey-2>" in out and "<privkey-1>" in out
    assert log_clean(f"{wif}\n{wif}") == "<privkey-1>\n<privkey-1>"  # at the very start and end of a block


# --- what must stay ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    f"{TS} INFO  b.c.t.p.TradeProtocol: Received DepositTxAndDelayedPayoutTxMessage as MailboxMessage from {ONION}:9999 "
    f"with tradeId {TRADE} and uid 9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a ",
    f"{TS} INFO  b.c.o.OpenOfferManager: OfferId=84721-5c0d9e2a-1b7f-4e6a-8c3d-0f9e8d7c6b5a-1103, txId={TXID} is unconfirmed ",
    f"{TS} INFO  b.c.b.w.TxBroadcaster: Broadcast transaction with ID: {TXID} ",
    f"{TS} INFO  b.c.b.w.BtcWalletService: getOrCreateAddressEntry: new AddressEntry=AddressEntry{{address="
    "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh, context=TRADE_PAYOUT, offerId=Xk3pQ}} 1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    "Nov-18 08:22:33.544 [main] INFO  b.c.u.Utilities: System info: os.name=Windows 10; os.version=10.0; os.arch=amd64; "
    "sun.arch.data.model=64; JRE=21.0.5 (Azul Systems, Inc.); JVM=21.0.5+11-LTS (OpenJDK 64-Bit Server VM) ",
    "\tat bisq.core.trade.protocol.bisq_v1.tasks.TradeTask.run(TradeTask.java:55)",
    f"{TS} INFO  b.c.t.TradeManager: cleared sensitive data from Xk3pQ of trade abcdefg..uvwxyzd contract hash {TXID}",
    "Nov-18 08:22:47.309 [JavaFX Application Thread] INFO  b.d.m.s.SupportView: Thanks to (@emzy) and (@m52go) ",
    "Nov-18 08:22:34.047 [main] INFO  b.c.a.Version: Version{VERSION=1.10.4, P2P_NETWORK_VERSION=A, LOCAL_DB_VERSION=1, "
    "TRADE_PROTOCOL_VERSION=5, BASE_CURRENCY_NETWORK=BTC_MAINNET, getP2PNetworkId()=0} ",
])
def test_support_data_is_untouched(line: str) -> None:
    assert log_clean(line + "\n") == line + "\n"
    assert sanitize_text(line) == line


def test_sanitize_text_checks_every_line() -> None:
    """Free text (a trade description) gets the labelled detectors without log triggers."""
    out = sanitize_text("I paid to\nName: Alice Müller\nMobile no.: 0151 2345678\nIBAN: DE89370400440532013000")
    assert_removed(out, "Alice", "2345678", "DE89")
    assert out.count("\n") == 3


def test_translated_labels() -> None:
    """Bisq builds the one-line details with the user's UI language (labels from resources/bisq/labels.json)."""
    out = log_clean("paymentAccountPayload=Zelle - Account owner full name: Jürgen Weiß, E-Mail oder Telefonnummer: "
                    "0171 1234567\n"
                    "paymentAccountPayload=Cash By Mail - Nombre completo: María López, Postanschrift: Hauptstr. 1, Köln\n")
    assert_removed(out, "Jürgen", "0171", "María", "López", "Hauptstr", "Köln")


def test_international_email_and_huge_line() -> None:
    out = log_clean("Kontakt: jürgen@müller.de und josé.garcía@correo.es\n")
    assert_removed(out, "jürgen", "müller.de", "josé")
    big = ("x" * 5_000_000 + " mail bob@example.org " + "y" * 100).encode()
    assert b"bob@example.org" not in sanitize_bytes(big, every_line=False)


def test_values_with_line_breaks_in_a_log_entry() -> None:
    """Lombok's toString and getPaymentDetails print a postal address with its line breaks."""
    text = (f"{TS} ERROR b.c.a.w.AccountAgeWitnessService: verifyPeersTradeLimit failed: peersPaymentAccountPayload "
            "USPostalMoneyOrderAccountPayload(postalAddress=12 Elm Street\nApt 4\nSpringfield IL 62704, holderName=Homer J, "
            "paymentMethodId=US_POSTAL_MONEY_ORDER)\n"
            f"{TS} ERROR b.c.t.TaskRunner: Task failed: ApplyFilter / errorMessage: banned.\n"
            "paymentAccountPayload=US Postal Money Order - Account owner full name: Marge B, Postal address: 742 Evergreen\n"
            "Terrace, Springfield\n"
            f"{TS} INFO  b.c.t.TradeManager: next entry stays: Springfield fans {TRADE} \n")
    out = log_clean(text)
    assert_removed(out, "Elm", "Apt 4", "62704", "Homer", "Marge", "Evergreen", "Terrace")
    assert out.count("\n") == text.count("\n")
    assert "paymentMethodId=US_POSTAL_MONEY_ORDER)" in out
    assert out.endswith(f"next entry stays: Springfield fans {TRADE} \n")
