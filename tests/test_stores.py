"""Known values from Bisq's own db files: real framing, every payment method's payload encoded from its field
numbers (facts.md §5), Bisq 2 stores, files that cannot be read, and the allow-list (canaries)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from redactor.bisq.stores import RULES_ONLY, bisq1, known_values
from redactor.bisq.stores import encode as enc
from redactor.bisq.stores.files import MAX_BYTES, allowed
from redactor.bisq.stores.schema import BISQ1
from redactor.bisq.stores.wire import WireError, field, message, write_delimited
from redactor.matching import Views, hits, needles

STORES = Path(__file__).resolve().parents[2] / "shared" / "bisq" / "stores"
REAL = {"TempProposalStore_BTC_MAINNET": 17, "AccountAgeWitnessStore_1.6.5_BTC_MAINNET": 13,
        "TradeStatistics3Store_1.5.0_BTC_MAINNET": 31}

# Every method of facts.md §5b: (method ID, message chain, personal values by field, its one-line text).
# The one-line text is how Bisq shows the values (Trade details, logs): each value must be found in it.
CB = "CountryBased"
XMR_ADDRESS = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
METHODS: list[tuple[str, tuple[str, ...], dict[str, str], str]] = [
    ("SEPA", (CB, "Sepa"), {"holderName": "Alice Müller", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
     "SEPA - Account owner full name: Alice Müller, IBAN: DE89 3704 0044 0532 0130 00, BIC: COBADEFFXXX"),
    ("SEPA_INSTANT", (CB, "SepaInstant"), {"holderName": "Jürgen Weiß", "iban": "AT611904300234573201",
                                           "bic": "BKAUATWW"},
     "SEPA Instant Payments - Account owner full name: Jürgen Weiß, IBAN: AT61 1904 3002 3457 3201, BIC: BKAUATWW"),
    ("CLEAR_X_CHANGE", ("ClearXchange",), {"holderName": "Carol Danvers", "emailOrMobileNr": "carol@example.net"},
     "Zelle - Account owner full name: Carol Danvers, Email or mobile no.: carol@example.net"),
    ("REVOLUT", ("Revolut",), {"userName": "dannyrevolut77", "accountId": "+44 7700 900123"},
     "Revolut - User name/Phone number: dannyrevolut77/+44 7700 900123"),
    ("TRANSFERWISE", ("Transferwise",), {"email": "erin.wise@example.com"},
     "Wise - Email: erin.wise@example.com, Account owner full name: [Ask trader to provide account name if needed]"),
    ("TRANSFERWISE_USD", (CB, "TransferwiseUsd"), {"email": "frank@example.com", "holderName": "Frank Castle",
                                                   "beneficiaryAddress": "77 Hell's Kitchen Avenue, New York"},
     "Wise-USD - User name: Frank Castle"),
    ("F2F", (CB, "F2F"), {"contact": "Gina Torres +1 555 0100 2233", "city": "Pasadena",
                          "extraInfo": "Meet at the Rosebowl gate 7"},
     "Face to face (in person) - Contact info: Gina Torres +1 555 0100 2233, City for 'Face to face' meeting: "
     "Pasadena, Additional information: Meet at the Rosebowl gate 7"),
    ("CASH_BY_MAIL", ("CashByMail",), {"postalAddress": "Hannah Arendt, 12 Elm Road, Oxford OX1 2JD",
                                       "contact": "Hannah Arendt", "extraInfo": "Registered mail only"},
     "Cash By Mail - Account owner full name: Hannah Arendt, Postal address: Hannah Arendt, 12 Elm Road, "
     "Oxford OX1 2JD, Additional information: Registered mail only"),
    ("INTERAC_E_TRANSFER", ("InteracETransfer",), {"email": "ivan@example.ca", "holderName": "Ivan Drago",
                                                   "question": "Pet name", "answer": "Rocky1985"},
     "Interac e-Transfer - Account owner full name: Ivan Drago, Email ivan@example.ca, Secret question: Pet name, "
     "Answer: Rocky1985"),
    ("US_POSTAL_MONEY_ORDER", ("USPostalMoneyOrder",), {"postalAddress": "PO Box 4412, Tulsa OK 74101",
                                                        "holderName": "Jack Reacher"},
     "US Postal Money Order - Account owner full name: Jack Reacher, Postal address: PO Box 4412, Tulsa OK 74101"),
    ("NATIONAL_BANK", (CB, "Bank", "Empty"), {"holderName": "Karla Souza", "bankName": "Banco Azteca",
                                              "branchId": "0123", "accountNr": "001234567890",
                                              "holderTaxId": "123.456.789-09"},
     "National bank transfer - Account owner full name: Karla Souza, Bank name: Banco Azteca, Branch no.: 0123, "
     "Account number: 001234567890, CPF: 123.456.789-09, Country of bank: Brazil"),
    ("SPECIFIC_BANKS", (CB, "Bank", "SpecificBanks"), {"holderName": "Lars Ulrich", "accountNr": "86011117947",
                                                       "acceptedBanks": "Nordea"},
     "Transfers with specific banks - Account owner full name: Lars Ulrich, Kontonummer: 86011117947, "
     "Accepted banks (ID): Nordea"),
    ("CASH_DEPOSIT", (CB, "CashDeposit"), {"holderName": "Maria Hill", "holderEmail": "maria.hill@example.com",
                                           "bankName": "Chase", "accountNr": "4455667788",
                                           "requirements": "Photo of receipt"},
     "Cash deposit - Account owner full name: Maria Hill, Email: maria.hill@example.com, Bank name: Chase, "
     "Account number: 4455667788, Extra requirements: Photo of receipt"),
    ("ACH_TRANSFER", (CB, "Bank", "HolderAddress"), {"holderName": "Nick Fury", "bankName": "Wells Fargo",
                                                     "branchId": "121000248", "accountNr": "3344556677"},
     "ACH Transfer - Account owner full name: Nick Fury, Bank name: Wells Fargo, Routing Number: 121000248, "
     "Account number: 3344556677, Account type: Checking, Country of bank: United States"),
    ("FASTER_PAYMENTS", ("FasterPayments",), {"sortCode": "20-00-00", "accountNr": "55779911"},
     "Faster Payment System (UK) - Account owner full name: Olga Kurylenko, UK Sort code: 20-00-00, "
     "Account number: 55779911"),
    ("PIX", (CB, "Pix"), {"pixKey": "pedro.pascal@example.com.br"},
     "Pix - Pix Key (CPF, CNPJ, Email, Phone number or UUID): pedro.pascal@example.com.br"),
    ("UPI", (CB, "Upi"), {"virtualPaymentAddress": "quasar@okaxis"},
     "India/UPI - Virtual Payment Address: quasar@okaxis"),
    ("PAYTM", (CB, "Paytm"), {"emailOrMobileNr": "+91 98765 43210"},
     "India/PayTM - Email or mobile no.: +91 98765 43210"),
    ("NEFT", (CB, "IfscBased", "Empty"), {"holderName": "Ravi Shankar", "accountNr": "50100123456789",
                                          "ifsc": "HDFC0001234"},
     "India/NEFT - Account owner full name: Ravi Shankar, Account no.: 50100123456789IFS Code: HDFC0001234"),
    ("STRIKE", (CB, "Strike"), {"holderName": "Sonia Braga"}, "Strike - User name: Sonia Braga"),
    ("AMAZON_GIFT_CARD", ("AmazonGiftCard",), {"emailOrMobileNr": "tom.gift@example.com"},
     "Amazon eGift Card - Email or mobile no.: tom.gift@example.com"),
    ("SWISH", ("Swish",), {"mobileNr": "+46 70 123 45 67", "holderName": "Ulla Jacobsson"},
     "Swish - Account owner full name: Ulla Jacobsson, Mobile no.: +46 70 123 45 67"),
    ("PERFECT_MONEY", ("PerfectMoney",), {"accountNr": "U1234567"}, "Perfect Money - Account no.: U1234567"),
    ("ADVANCED_CASH", ("AdvancedCash",), {"accountNr": "U 1234 5678 9012"},
     "Advanced Cash - Wallet ID: U 1234 5678 9012"),
    ("HAL_CASH", ("HalCash",), {"mobileNr": "+34 612 345 678"}, "HalCash - Mobile no.: +34 612 345 678"),
    ("BIZUM", (CB, "Bizum"), {"mobileNr": "+34 699 111 222"}, "Bizum - Mobile no.: +34 699 111 222"),
    ("NEQUI", (CB, "Nequi"), {"mobileNr": "+57 300 123 4567"}, "Nequi - Mobile no.: +57 300 123 4567"),
    ("SATISPAY", (CB, "Satispay"), {"holderName": "Valentina Rossi", "mobileNr": "+39 333 123 4567"},
     "Satispay - User name: Valentina Rossi"),
    ("MONESE", ("Monese",), {"holderName": "Walter White", "mobileNr": "+44 7911 123456"},
     "Monese - User name: Walter White"),
    ("SBP", ("Sbp",), {"holderName": "Xenia Onatopp", "mobileNumber": "+7 912 345 67 89", "bankName": "Tinkoff"},
     "Faster Payments System (SBP) - Account owner name: Xenia Onatopp, Mobile no.: +7 912 345 67 89, "
     "Bank name: Tinkoff"),
    ("MONEY_GRAM", ("MoneyGram",), {"holderName": "Yusuf Islam", "state": "Ontario", "email": "yusuf@example.org"},
     "MoneyGram - Full name (first, middle, last): Yusuf Islam, State/Province/Region: Ontario, Country of bank: "
     "Canada, Email: yusuf@example.org"),
    ("WESTERN_UNION", (CB, "WesternUnion"), {"holderName": "Zora Neale", "city": "Eatonville",
                                             "email": "zora@example.org"},
     "Western Union - Full name (first, middle, last): Zora Neale, City: Eatonville, Country: United States, "
     "Email: zora@example.org"),
    ("JAPAN_BANK", ("JapanBank",), {"bankName": "Mizuho", "bankCode": "0001", "bankBranchName": "Shinjuku",
                                    "bankBranchCode": "123", "bankAccountName": "Yamada Taro",
                                    "bankAccountNumber": "1234567"},
     "Bank: Mizuho(0001)\nBranch: Shinjuku(123)\nAccount: Futsu 1234567\nName: Yamada Taro"),
    ("AUSTRALIA_PAYID", ("AustraliaPayid",), {"bankAccountName": "Bruce Wayne", "payid": "bruce@example.com.au"},
     "Australian PayID - PayID: bruce@example.com.au, Account owner full name: Bruce Wayne"),
    ("MERCADO_PAGO", (CB, "MercadoPago"), {"holderName": "Diego Luna", "holderId": "0000003100012345678901"},
     "MercadoPago - UserID linked to financial institution. Like phone number or email or CVU.: "
     "0000003100012345678901, Account owner full name: Diego Luna"),
    ("UPHOLD", ("Uphold",), {"accountId": "upholder_42", "accountOwner": "Elena Ferrante"},
     "Uphold - Account: upholder_42, Account owner full name: Elena Ferrante"),
    ("MONEY_BEAM", ("MoneyBeam",), {"accountId": "felix.n26@example.de"},
     "MoneyBeam (N26) - Account: felix.n26@example.de, Account owner full name: [Ask trader to provide account name "
     "if needed]"),
    ("POPMONEY", ("Popmoney",), {"accountId": "gwen@example.com", "holderName": "Gwen Stacy"},
     "Popmoney - Account owner full name: Gwen Stacy, Email or phone no.: gwen@example.com"),
    ("CHASE_QUICK_PAY", ("ChaseQuickPay",), {"email": "harvey@example.com", "holderName": "Harvey Dent"},
     "Chase QuickPay - Account owner full name: Harvey Dent, Email harvey@example.com"),
    ("VENMO", ("Venmo",), {"venmoUserName": "isabel_venmo", "holderName": "Isabel Allende"},
     "Venmo - Account owner full name: Isabel Allende, Venmo username: isabel_venmo"),
    ("CASH_APP", ("CashApp",), {"cashTag": "$JamesCash99"}, "Cash App - Account: $JamesCash99"),
    ("PAXUM", ("Paxum",), {"email": "kim.paxum@example.com"}, "Paxum - Email: kim.paxum@example.com"),
    ("PAYSERA", ("Paysera",), {"email": "leo.paysera@example.lt"}, "Paysera - Email: leo.paysera@example.lt"),
    ("CELPAY", ("CelPay",), {"email": "mia.celpay@example.com"}, "CelPay - Email: mia.celpay@example.com"),
    ("ALI_PAY", ("AliPay",), {"accountNr": "2088123412341234"}, "AliPay - Account no.: 2088123412341234"),
    ("WECHAT_PAY", ("WeChatPay",), {"accountNr": "wxid_nora2024"}, "WeChat Pay - Account no.: wxid_nora2024"),
    ("OK_PAY", ("OKPay",), {"accountNr": "OK123456789"}, "OKPay - Account no.: OK123456789"),
    ("CAPITUAL", ("Capitual",), {"accountNr": "CAP-OSCAR-7781"}, "Capitual - CAP Code: CAP-OSCAR-7781"),
    ("TIKKIE", (CB, "Tikkie"), {"iban": "NL91ABNA0417164300"}, "Tikkie - IBAN: NL91 ABNA 0417 1643 00"),
    ("VERSE", ("Verse",), {"holderName": "Pablo Neruda"}, "Verse - User name: Pablo Neruda"),
    ("PROMPT_PAY", ("PromptPay",), {"promptPayId": "1234567890123"}, "Citizen ID/Tax ID or phone no.: 1234567890123"),
    ("SWIFT", ("Swift",), {"beneficiaryName": "Quentin Blake", "beneficiaryAccountNr": "CH9300762011623852957",
                           "beneficiaryAddress": "Rue du Rhône 1, Genève", "beneficiaryCity": "Geneva",
                           "beneficiaryPhone": "+41 22 123 45 67", "bankSwiftCode": "UBSWCHZH80A",
                           "bankName": "UBS Switzerland", "bankAddress": "Bahnhofstrasse 45, Zürich",
                           "specialInstructions": "Ref QB-2026-11"},
     "SWIFT International Wire Transfer - Quentin Blake"),
    ("BLOCK_CHAINS", ("Crypto",), {"address": XMR_ADDRESS}, f"Receiver's altcoin address: {XMR_ADDRESS}"),
    ("BLOCK_CHAINS_INSTANT", ("InstantCrypto",), {"address": "LM2WMpR1Rp6j3Sa59cMXMs1SPzj9eXpGc1"},
     "Receiver's altcoin address: LM2WMpR1Rp6j3Sa59cMXMs1SPzj9eXpGc1"),
]
# The owner name of these lives only in the exclude map (facts.md §5a); the table's text names it.
EXCLUDED_NAME = {"FASTER_PAYMENTS": "Olga Kurylenko", "TRANSFERWISE": "Erin Wise", "MONEY_BEAM": "Felix Neumann",
                 "PIX": "Pedro Pascal"}


def _encode(method: str, path: tuple[str, ...], values: dict[str, str]) -> bytes:
    exclude = {"salt": "ab" * 32}
    if method in EXCLUDED_NAME:
        exclude["holderName"] = EXCLUDED_NAME[method]
    inner = None
    if len(path) == 3:  # a bank or IFSC payload: its own fields, then the sub-type's
        leaf = set(BISQ1[path[-1]].values())
        inner = {k: v for k, v in values.items() if k in leaf}
        values = {k: v for k, v in values.items() if k not in leaf}
        if path[-1] == "HolderAddress":
            inner["holderAddress"] = "1 Infinite Loop, Cupertino"
    return enc.bisq1_payload(path, values, method_id=method, account_id="acct-uuid-1", country="US",
                             exclude=exclude, inner=inner)


@pytest.mark.parametrize(("method", "path", "values", "one_line"), METHODS, ids=[m[0] for m in METHODS])
def test_every_method_payload_is_read_from_its_field_numbers(method: str, path: tuple[str, ...],
                                                              values: dict[str, str], one_line: str) -> None:
    data = enc.bisq1_tradable_list([enc.bisq1_trade("TID-1", peer_payload=_encode(method, path, values))])
    found = bisq1.read_store("PendingTrades", data)
    got = {(v.kind, v.value) for v in found}
    for kind, value in values.items():
        assert (kind, value) in got, kind  # every personal field, under its own name
    assert all(v.trade_id == "TID-1" for v in found)
    assert not any(v.kind in ("id", "paymentMethodId", "countryCode") for v in found)  # never an ID or country
    if method in EXCLUDED_NAME:
        assert ("holderName", EXCLUDED_NAME[method]) in got
    # Every value is found again in the one-line text Bisq shows (Trade details window, filter error in logs).
    views = Views(one_line)
    shown = [(k, v) for k, v in values.items() if k in ("holderName", "iban", "email", "accountNr", "bic")
             or v in one_line]
    for kind, value in shown:
        found_by = needles(value, kind)
        # Names, IBANs, e-mails and long numbers always give a needle; label words ("Pet name", the bank "Chase",
        # also a method name) and short codes ("0001") may not.
        if kind in ("holderName", "iban", "email", "beneficiaryName", "bankAccountName") or len(value) >= 10:
            assert found_by, (kind, value)
        if found_by and (value in one_line or kind == "iban"):
            assert hits(views, found_by), (kind, value)


def test_an_ach_payload_keeps_its_bank_fields_and_the_holder_address() -> None:
    payload = _encode("ACH_TRANSFER", (CB, "Bank", "HolderAddress"), {"holderName": "Nick Fury", "accountNr": "1"})
    got = {(v.kind, v.value) for v in bisq1.payload_values(memoryview(payload), "t", None)}
    assert ("holderAddress", "1 Infinite Loop, Cupertino") in got and ("holderName", "Nick Fury") in got


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_bisq_store_framing(name: str) -> None:
    path = STORES / name
    if not path.is_file():
        pytest.skip("../shared/bisq/stores is not beside this checkout")
    number, msg = bisq1.envelope(path.read_bytes())
    assert number == REAL[name]
    raw = path.read_bytes()
    assert bytes(msg) == raw[len(raw) - len(msg):] and len(raw) - len(msg) <= 8  # lengths and the envelope's tag
    with pytest.raises(WireError, match="not the expected store"):
        bisq1.read_store("UserPayload", path.read_bytes())


def test_a_real_store_under_a_payload_name_gives_a_note_not_a_crash(tmp_path: Path) -> None:
    src = STORES / "TradeStatistics3Store_1.5.0_BTC_MAINNET"
    if not src.is_file():
        pytest.skip("../shared/bisq/stores is not beside this checkout")
    db = tmp_path / "btc_mainnet" / "db"
    db.mkdir(parents=True)
    shutil.copy(src, db / "ClosedTrades")
    kv = known_values(tmp_path)
    assert not kv and kv.files_read == [] and "ClosedTrades could not be decoded" in kv.notes[0]
    assert "rules alone" in kv.notes[0]


def _sepa_user_payload(name: str = "Alice Müller") -> bytes:
    p = enc.bisq1_payload((CB, "Sepa"), {"holderName": name, "iban": "DE89370400440532013000"},
                          method_id="SEPA", account_id="a1", country="DE")
    return enc.bisq1_user_payload([enc.bisq1_account(p, account_id="a1", name="Main")])


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "unknown-fields", "older", "directory",
                                    "symlink", "fifo"])
def test_unreadable_or_changed_files(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "btc_mainnet" / "db"
    db.mkdir(parents=True)
    good = _sepa_user_payload()
    target = db / "UserPayload"
    if damage == "truncated":
        target.write_bytes(good[: len(good) // 2])
    elif damage == "garbage":
        target.write_bytes(b"\xff" * 40)
    elif damage == "empty":
        target.write_bytes(b"")
    elif damage == "unknown-fields":  # a newer Bisq: new fields at every level still read
        p = enc.bisq1_payload((CB, "Sepa"), {"holderName": "Alice Müller"}, method_id="SEPA", account_id="a",
                              country="DE") + field(99, "future") + field(98, 7)
        acc = enc.bisq1_account(p, account_id="a", name="Main") + field(77, b"\x08\x01")
        target.write_bytes(write_delimited(field(10, field(2, acc) + field(120, "new top field"))))
    elif damage == "older":  # an older Bisq: no exclude map, no name
        p = message((1, "a"), (2, "SEPA"), (7, field(4, field(2, "DE89370400440532013000"))))
        target.write_bytes(write_delimited(field(10, field(2, message((7, p))))))
    elif damage == "directory":
        target.mkdir()
    elif damage == "fifo":  # opening it for reading would wait for a writer forever
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this OS")
        os.mkfifo(target)
    else:
        (tmp_path / "elsewhere").write_bytes(good)
        target.symlink_to(tmp_path / "elsewhere")
    kv = known_values(tmp_path)
    if damage in ("unknown-fields", "older", "empty"):
        assert kv.notes == [] and kv.files_read == ["UserPayload"]
        expected = {"empty": set(), "older": {"DE89370400440532013000"}, "unknown-fields": {"Alice Müller", "Main"}}
        assert set(kv.texts()) == expected[damage]
    else:
        assert kv.texts() == [] and len(kv.notes) == 1 and "rules alone" in kv.notes[0]
        assert "Alice" not in kv.notes[0]  # a note never holds a value


def test_a_file_bisq_has_locked_gives_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "btc_mainnet" / "db"
    db.mkdir(parents=True)
    (db / "UserPayload").write_bytes(_sepa_user_payload())
    (db / "PendingTrades").write_bytes(enc.bisq1_tradable_list([enc.bisq1_trade("T9", peer_payload=_encode(
        "VERSE", ("Verse",), {"holderName": "Pablo Neruda"}))]))
    real_open = os.open

    def locked(path: str | os.PathLike[str], flags: int, *a: int) -> int:
        if os.fspath(path).endswith("UserPayload"):
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real_open(path, flags, *a)

    monkeypatch.setattr(os, "open", locked)
    kv = known_values(tmp_path)
    assert kv.files_read == ["PendingTrades"] and "Pablo Neruda" in kv.texts()
    assert "UserPayload could not be opened" in kv.notes[0] and "Bisq running" in kv.notes[0]


def test_too_large_a_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from redactor.bisq.stores import files

    db = tmp_path / "btc_mainnet" / "db"
    db.mkdir(parents=True)
    (db / "UserPayload").write_bytes(_sepa_user_payload())
    monkeypatch.setattr(files, "MAX_BYTES", 10)
    assert MAX_BYTES > 10 and "too large" in known_values(tmp_path).notes[0]


def test_values_per_trade_and_own_accounts(tmp_path: Path) -> None:
    db = tmp_path / "btc_testnet" / "db"  # any network's folder
    db.mkdir(parents=True)
    (db / "UserPayload").write_bytes(_sepa_user_payload("Satoshi Nakamoto"))
    trades = [enc.bisq1_trade("AAAAA-1-1104", peer_payload=_encode("VERSE", ("Verse",), {"holderName": "Pablo N"}),
                              chat=["pay to Account owner full name: Chat Only Name, IBAN: FR7630006000011234567890189",
                                    "thanks, see you"]),
              enc.bisq1_trade("BBBBB-2-1104", peer_payload=_encode("STRIKE", (CB, "Strike"), {"holderName": "Other"}))]
    (db / "ClosedTrades").write_bytes(enc.bisq1_tradable_list(trades, wrapper=4))
    (db / "MediationDisputeList").write_bytes(enc.bisq1_dispute_list(
        [("AAAAA-1-1104", ["System message: ...", "My name is Name: Dispute Person"])]))
    kv = known_values(tmp_path)
    assert kv.counts() == {"ClosedTrades": 5, "MediationDisputeList": 1, "UserPayload": 3}
    mine = kv.for_trade("AAAAA")  # a short ID works too
    assert {"Satoshi Nakamoto", "Pablo N", "Chat Only Name", "FR7630006000011234567890189", "Dispute Person"} \
        <= set(mine.texts())
    assert "Other" not in mine.texts() and "thanks, see you" not in mine.texts()
    assert "Satoshi Nakamoto" in kv.for_trade("unknown").texts()  # own accounts always
    assert "Nakamoto" not in repr(kv)  # values stay out of a repr (and so of logs)


def test_bisq2_account_and_trade_stores(tmp_path: Path) -> None:
    private = tmp_path / "db" / "private"
    private.mkdir(parents=True)
    (private / "account_store.protobuf").write_bytes(enc.bisq2_account_store({
        "My SEPA": enc.bisq2_payload((CB, "Sepa"), {"holderName": "Dana Scully", "iban": "DE89370400440532013000"},
                                     country="DE"),
        "Zelle": enc.bisq2_payload((CB, "Zelle"), {"holderName": "Fox Mulder", "emailOrMobileNr": "fox@example.org"}),
        "Legacy": enc.bisq2_payload(("UserDefinedFiat",),
                                    {"accountData": "Walter Skinner\nIBAN: GB82WEST12345698765432"}),
        "XMR": enc.bisq2_payload(("CryptoAsset", "Monero"),
                                 {"mainAddress": "4AbcMoneroMain", "privateViewKey": "f00d" * 16}),
    }))
    (private / "bisq_easy_trade_store.protobuf").write_bytes(enc.bisq2_trade_store(
        {"3f2e1d0c-1111-3222-8333-444455556666": "Name: Peer Person\nRevolut: @peerrev\nthanks"}))
    for secret in ("key", "tor", "identity_store.protobuf", "key_bundle_store.protobuf"):
        (private / secret).write_text("CANARY-bisq2-secret")
    kv = known_values(tmp_path)
    texts = set(kv.texts())
    assert {"Dana Scully", "DE89370400440532013000", "Fox Mulder", "fox@example.org", "Walter Skinner",
            "GB82WEST12345698765432", "f00d" * 16, "Peer Person"} <= texts
    assert not any("CANARY" in t for t in texts)  # the account's key pair and the trade's identity: never decoded
    assert kv.for_trade("3f2e1d0c").texts() != kv.for_trade(None).texts()


def test_only_allow_listed_files_are_opened(tmp_path: Path) -> None:
    """Canaries in every secret file; known_values opens only the allow-listed db files, never follows them."""
    opened: list[str] = []

    def audit(event: str, args: tuple) -> None:  # type: ignore[type-arg]
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            opened.append(os.fsdecode(args[0]))

    secrets = ["btc_mainnet/wallet/bisq_BTC.wallet", "btc_mainnet/keys/sig.key", "btc_mainnet/keys/enc.key",
               "btc_mainnet/tor/hiddenservice/private_key", "bisq.properties", "btc_mainnet/db/PreferencesPayload",
               "btc_mainnet/db/AddressEntryList", "btc_mainnet/db/backup/backups_UserPayload/UserPayload_1",
               "db/private/key", "db/private/tor/private_key", "db/private/identity_store.protobuf",
               "db/private/key_bundle_store.protobuf", "bisq.conf", "backups/account_store.protobuf"]
    for rel in secrets:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"CANARY-{rel}")
    (tmp_path / "btc_mainnet" / "db" / "UserPayload").write_bytes(_sepa_user_payload())
    active = [True]
    sys.addaudithook(lambda e, a: audit(e, a) if active[0] else None)
    try:
        kv = known_values(tmp_path)
    finally:
        active[0] = False
    inside = {Path(p).resolve().relative_to(tmp_path.resolve()).as_posix() for p in opened
              if Path(p).resolve().is_relative_to(tmp_path.resolve())}
    assert inside == {"btc_mainnet/db/UserPayload"}
    assert [f.name for f in allowed(tmp_path)] == ["UserPayload"]
    assert not any("CANARY" in t for t in kv.texts())


# The same methods with their field numbers typed from Bisq's pb.proto, independent of schema.py: the oneof
# numbers from PaymentAccountPayload down, and each value as depth * 100 + field number (depth 1: the message the
# first oneof number leads to). A wrong number in schema.py fails here.
WIRE: dict[str, tuple[tuple[int, ...], dict[str, int]]] = {
    "SEPA": ((7, 4), {"holderName": 201, "iban": 202, "bic": 203}),
    "SEPA_INSTANT": ((7, 6), {"holderName": 201, "iban": 202, "bic": 203}),
    "CLEAR_X_CHANGE": ((6,), {"holderName": 101, "emailOrMobileNr": 102}),
    "REVOLUT": ((21,), {"userName": 102, "accountId": 101}),
    "TRANSFERWISE": ((29,), {"email": 101}),
    "TRANSFERWISE_USD": ((7, 18), {"email": 201, "holderName": 202, "beneficiaryAddress": 203}),
    "F2F": ((7, 7), {"contact": 201, "city": 202, "extraInfo": 203}),
    "CASH_BY_MAIL": ((32,), {"postalAddress": 101, "contact": 102, "extraInfo": 103}),
    "INTERAC_E_TRANSFER": ((10,), {"email": 101, "holderName": 102, "question": 103, "answer": 104}),
    "US_POSTAL_MONEY_ORDER": ((14,), {"postalAddress": 101, "holderName": 102}),
    "NATIONAL_BANK": ((7, 2, 9), {"holderName": 201, "bankName": 202, "branchId": 204, "accountNr": 205,
        "holderTaxId": 207}),
    "SPECIFIC_BANKS": ((7, 2, 11), {"holderName": 201, "accountNr": 205, "acceptedBanks": 301}),
    "CASH_DEPOSIT": ((7, 3), {"holderName": 201, "holderEmail": 202, "bankName": 203, "accountNr": 206,
        "requirements": 208}),
    "ACH_TRANSFER": ((7, 2, 13), {"holderName": 201, "bankName": 202, "branchId": 204, "accountNr": 205}),
    "FASTER_PAYMENTS": ((9,), {"sortCode": 101, "accountNr": 102}),
    "PIX": ((7, 14), {"pixKey": 201}),
    "UPI": ((7, 9), {"virtualPaymentAddress": 201}),
    "PAYTM": ((7, 10), {"emailOrMobileNr": 201}),
    "NEFT": ((7, 11, 4), {"holderName": 201, "accountNr": 202, "ifsc": 203}),
    "STRIKE": ((7, 16), {"holderName": 201}),
    "AMAZON_GIFT_CARD": ((31,), {"emailOrMobileNr": 101}),
    "SWISH": ((13,), {"mobileNr": 101, "holderName": 102}),
    "PERFECT_MONEY": ((12,), {"accountNr": 101}),
    "ADVANCED_CASH": ((26,), {"accountNr": 101}),
    "HAL_CASH": ((24,), {"mobileNr": 101}),
    "BIZUM": ((7, 13), {"mobileNr": 201}),
    "NEQUI": ((7, 12), {"mobileNr": 201}),
    "SATISPAY": ((7, 15), {"holderName": 202, "mobileNr": 201}),
    "MONESE": ((38,), {"holderName": 102, "mobileNr": 101}),
    "SBP": ((41,), {"holderName": 101, "mobileNumber": 102, "bankName": 103}),
    "MONEY_GRAM": ((23,), {"holderName": 101, "state": 103, "email": 104}),
    "WESTERN_UNION": ((7, 5), {"holderName": 201, "city": 202, "email": 204}),
    "JAPAN_BANK": ((28,), {"bankName": 101, "bankCode": 102, "bankBranchName": 103, "bankBranchCode": 104,
        "bankAccountName": 106, "bankAccountNumber": 107}),
    "AUSTRALIA_PAYID": ((30,), {"bankAccountName": 101, "payid": 102}),
    "MERCADO_PAGO": ((7, 19), {"holderName": 201, "holderId": 202}),
    "UPHOLD": ((16,), {"accountId": 101, "accountOwner": 102}),
    "MONEY_BEAM": ((18,), {"accountId": 101}),
    "POPMONEY": ((20,), {"accountId": 101, "holderName": 102}),
    "CHASE_QUICK_PAY": ((5,), {"email": 101, "holderName": 102}),
    "VENMO": ((19,), {"venmoUserName": 101, "holderName": 102}),
    "CASH_APP": ((17,), {"cashTag": 101}),
    "PAXUM": ((35,), {"email": 101}),
    "PAYSERA": ((34,), {"email": 101}),
    "CELPAY": ((37,), {"email": 101}),
    "ALI_PAY": ((4,), {"accountNr": 101}),
    "WECHAT_PAY": ((22,), {"accountNr": 101}),
    "OK_PAY": ((11,), {"accountNr": 101}),
    "CAPITUAL": ((33,), {"accountNr": 101}),
    "TIKKIE": ((7, 17), {"iban": 201}),
    "VERSE": ((39,), {"holderName": 101}),
    "PROMPT_PAY": ((25,), {"promptPayId": 101}),
    "SWIFT": ((36,), {"beneficiaryName": 101, "beneficiaryAccountNr": 102, "beneficiaryAddress": 103,
        "beneficiaryCity": 104, "beneficiaryPhone": 105, "bankSwiftCode": 107, "bankName": 109, "bankAddress": 111,
        "specialInstructions": 106}),
    "BLOCK_CHAINS": ((8,), {"address": 101}),
    "BLOCK_CHAINS_INSTANT": ((27,), {"address": 101}),
}


def _wire_payload(chain: tuple[int, ...], at: dict[str, int], values: dict[str, str]) -> bytes:
    levels: list[bytes] = [b"" for _ in range(len(chain) + 1)]
    for name, where in at.items():
        depth, number = divmod(where, 100)
        levels[depth] += field(number, values[name])
    if chain[0] == 7:  # CountryBasedPaymentAccountPayload.countryCode = 1
        levels[1] = field(1, "US") + levels[1]
    body = levels[-1]
    for depth in range(len(chain), 0, -1):
        body = levels[depth - 1] + field(chain[depth - 1], body)
    return message((1, "acct"), (2, "METHOD")) + body


def test_every_method_matches_the_literal_field_numbers() -> None:
    assert set(WIRE) == {m for m, *_ in METHODS}
    for method, _path, values, _line in METHODS:
        chain, at = WIRE[method]
        got = {(v.kind, v.value) for v in bisq1.payload_values(memoryview(_wire_payload(chain, at, values)), "t", None)}
        assert got == {(k, v) for k, v in values.items()}, method


def test_bisq2_payloads_from_literal_field_numbers() -> None:
    """account.proto numbers typed here: AccountPayload.countryBasedAccountPayload 32 -> sepa 37 / zelle 46 /
    bank 22 (holderName 2, accountNr 7, achTransfer 20 -> holderAddress 1); userDefinedFiat 20 -> accountData 2;
    wise 40 (holderName 2, email 3)."""
    from redactor.bisq.stores import bisq2

    def payload(*parts: tuple[int, bytes | str]) -> memoryview:
        return memoryview(message((1, "id"), (2, b"salt"), *parts))

    cases = {
        payload((32, message((1, "DE"), (37, message((1, "Dana Scully"), (2, "DE89370400440532013000"),
                                                     (3, "COBADEFFXXX"), (4, "DE")))))):
            {("holderName", "Dana Scully"), ("iban", "DE89370400440532013000"), ("bic", "COBADEFFXXX")},
        payload((32, field(46, message((1, "Fox Mulder"), (2, "fox@example.org"))))):
            {("holderName", "Fox Mulder"), ("emailOrMobileNr", "fox@example.org")},
        payload((32, field(22, message((1, "USD"), (2, "Walter Skinner"), (7, "123456789"),
                                       (20, field(1, "1 FBI Way")))))):
            {("holderName", "Walter Skinner"), ("accountNr", "123456789"), ("holderAddress", "1 FBI Way")},
        payload((20, field(2, "Name: Peer Person"))): {("name", "Peer Person")},
        payload((40, message((1, "EUR"), (2, "John Doggett"), (3, "jd@example.org")))):
            {("holderName", "John Doggett"), ("email", "jd@example.org")},
    }
    for data, expected in cases.items():
        assert {(v.kind, v.value) for v in bisq2.payload_values(data, "t", None)} == expected


def test_any_failure_inside_a_reader_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "btc_mainnet" / "db"
    db.mkdir(parents=True)
    (db / "UserPayload").write_bytes(_sepa_user_payload())

    def broken(name: str, data: bytes) -> list[object]:
        raise MemoryError

    monkeypatch.setattr(bisq1, "read_store", broken)
    kv = known_values(tmp_path)
    assert kv.texts() == [] and kv.notes == [f"UserPayload could not be read (MemoryError); {RULES_ONLY}."]
