# ruff: noqa: E501  (synthetic Bisq log lines are long by nature)
"""Issue 11, "Tracebacks" (non-UTF-8) and "Sanitizer gaps": one regression test per case, and its siblings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from redactor.bundle.case import Case
from redactor.bundle.writer import build_bundle
from redactor.text.sanitizer import sanitize_bytes, sanitize_logs, sanitize_text

REPO = Path(__file__).resolve().parent.parent
TS = b"Nov-18 08:19:10.028 [JavaFX Application Thread]"
TS_S = TS.decode()
TXID = "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63"
TRADE = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
BTC = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"


def log_clean(text: str, users: tuple[str, ...] = ()) -> str:
    """Exactly what the log pass does (context detectors only on triggered lines)."""
    return sanitize_bytes(text.encode(), users, every_line=False).decode()


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "redactor", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


# --- non-UTF-8 bytes ---------------------------------------------------------------------------------------

LATIN1_LOG = (TS + b" INFO  b.c.s.CommonSetup: Log file at: /home/j\xf6rg/.local/share/Bisq/bisq.log\n"
              + TS + b" INFO  x: C:\\Users\\J\xf6rg M\xfcller\\AppData\\Roaming\\Bisq mail \xe9bob@example.org\n"
              + TS + b" INFO  x: opened by J\xc3\xb6rg and \xff\xfe\n")


def test_non_utf8_user_name_and_email_in_sanitize_log(tmp_path: Path) -> None:
    src = tmp_path / "bisq.log"
    src.write_bytes(LATIN1_LOG)
    out = tmp_path / "clean.log"
    res = run_cli("sanitize-log", src, "-o", out, "--report", tmp_path / "r.json", "--user-name", "caf\xe9")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    clean = out.read_bytes()
    assert clean == (TS + b" INFO  b.c.s.CommonSetup: Log file at: /home/<user>/.local/share/Bisq/bisq.log\n"
                     + TS + b" INFO  x: C:\\Users\\<user>\\AppData\\Roaming\\Bisq mail <email-1>\n"
                     + TS + b" INFO  x: opened by <user> and \xff\xfe\n")  # the Latin-1 name also in UTF-8
    mapping = json.loads((tmp_path / "clean.log.map.json").read_text(encoding="utf-8"))["placeholders"]
    assert "j\\xf6rg" in mapping["<user>"] and mapping["<email-1>"] == ["\\xe9bob@example.org"]


@pytest.mark.parametrize("workers", [1, 2])
def test_non_utf8_bytes_serial_and_parallel(tmp_path: Path, workers: int) -> None:
    srcs = [tmp_path / "bisq.log", tmp_path / "bisq_1.log"]
    srcs[0].write_bytes(LATIN1_LOG)
    srcs[1].write_bytes(TS + b" INFO x: again J\xf6rg at \xe9bob@example.org\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = sanitize_logs(srcs, out_dir, workers=workers, map_path=tmp_path / "map.json")
    assert [f.error for f in report.files] == [None, None]
    assert (out_dir / "bisq_1.log").read_bytes() == TS + b" INFO x: again <user> at <email-1>\n"
    json.loads((tmp_path / "map.json").read_bytes().decode("utf-8"))  # strict UTF-8, valid JSON


def test_sanitize_text_with_undecodable_names_and_lone_surrogates() -> None:
    out = sanitize_text("J\xf6rg wrote \udce9 and bob@example.org", user_names=("j\udcf6rg", "caf\udce9"))
    out.encode("utf-8")  # always encodable
    assert out == "<user> wrote \ufffd and <email-1>"


def test_bundle_with_non_utf8_log(demo_data_dir: Path, tmp_path: Path) -> None:
    log = demo_data_dir / "bisq_2.log"
    log.write_bytes(log.read_bytes() + LATIN1_LOG)
    case = Case(trade_id=json.loads((REPO / "resources/demo/demo-facts.json").read_text())["trade_id"],
                role="buyer", description="My account J\xf6rg M\xfcller, mail \xe9bob@example.org",
                txids=[], screenshots=[], data_dir=demo_data_dir)
    result = build_bundle(case, tmp_path / "case.zip")
    with zipfile.ZipFile(result.path) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist())
    for value in (b"j\xf6rg", b"J\xf6rg", "Jörg".encode(), b"bob@example.org", b"M\xfcller"):
        assert value not in everything


# --- lower-case IBANs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("iban", ["de89 3704 0044 0532 0130 00", "de89370400440532013000", "gb82west12345698765432",
                                  "Nl91 Abna 0417 1643 00", "fr14 2004 1010 0505 0001 3m02 606"])
def test_lower_case_iban_in_logs_and_description(iban: str) -> None:
    line = f"{TS_S} INFO  b.c.s.TraderChatManager: please send to {iban} today, trade {TRADE} "
    for out in (log_clean(line), sanitize_text(f"My IBAN is {iban}.\nThanks")):
        assert iban not in out and iban.replace(" ", "") not in out
        assert "<iban-1>" in out
    assert "today, trade " + TRADE in log_clean(line)


@pytest.mark.parametrize("text", ["de89370400440532013001",  # checksum wrong
                                  "de8937040044053201300",  # one short of Germany's 22
                                  "ab12cdef0123456789abcdef01234567",  # hex, no IBAN country
                                  TXID])
def test_lower_case_non_ibans_stay(text: str) -> None:
    line = f"{TS_S} INFO  x: hash {text} done "
    assert log_clean(line) == line


# --- a protected token never shields a larger personal token -------------------------------------------------

@pytest.mark.parametrize("local", [BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
                                   "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", TXID, TRADE])
def test_identifier_inside_an_email_does_not_keep_it(local: str) -> None:
    line = f"{TS_S} INFO  x: contact {local}@example.org or pay to {BTC} for {TRADE} "
    for out in (log_clean(line), sanitize_text(line)):
        assert f"{local}@example.org" not in out and "example.org" not in out
        assert f"contact <email-1> or pay to {BTC} for {TRADE}" in out


def test_identifiers_alone_still_stay() -> None:
    line = f"{TS_S} INFO  x: {BTC} {TXID} {TRADE} p45gy6y32urlmm7jvqifido6ditvbnpap45gy6y32urlmm7jvqifidod.onion "
    assert log_clean(line) == line


# --- URL-encoded home paths -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, name", [
    ("C%3A%5CUsers%5Cjohnsmith%5CAppData%5CRoaming%5CBisq", "johnsmith"),
    ("C%3a%5cUsers%5cjohnsmith%5cAppData", "johnsmith"),
    ("%2FUsers%2Fjohnsmith%2FLibrary%2FApplication%20Support%2FBisq", "johnsmith"),
    ("%2Fhome%2Fjohnsmith%2F.local%2Fshare%2FBisq", "johnsmith"),
    ("file:///C:/Users/John%20Smith/AppData/Roaming/Bisq/bisq.log", "John%20Smith"),
    ("file:///home/johnsmith/.local/share/Bisq/", "johnsmith"),
    ("file:///Users/J%C3%B6rg/Library/", "J%C3%B6rg"),
    ("c:\\users\\johnsmith\\appdata", "johnsmith"),
])
def test_user_name_in_url_encoded_paths(path: str, name: str) -> None:
    line = f"{TS_S} INFO  b.c.s.CommonSetup: open {path} "
    out = log_clean(line)
    assert out == line.replace(name, "<user>"), out


def test_url_encoded_path_after_the_name_was_learnt(tmp_path: Path) -> None:
    src = tmp_path / "bisq.log"
    src.write_text(f"{TS_S} INFO  x: Log file at: C:\\Users\\John Smith\\AppData\\Roaming\\Bisq\\bisq.log \n"
                   f"{TS_S} INFO  x: url=x%5Cjohn%20smith%5Cy q=John+Smith r=%5CJohn%20Smith \n", encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    sanitize_logs([src], out_dir)
    out = (out_dir / "bisq.log").read_text(encoding="utf-8")
    assert "john" not in out.lower() and "smith" not in out.lower(), out
    assert out.count("<user>") == 4


# --- bridges without the word "bridge" --------------------------------------------------------------------------

FP = "4352E58420E68F5E40BF7C74FADDCCD9D1349413"


@pytest.mark.parametrize("line", [
    f"obfs4 192.0.2.10:443 {FP} cert=ssH+9rP8dG2NLDN2XuFw63hIO/9MNNinLmxQDpVa+7kTOa9/m+tGWT1SmSYpQ9uTBGa6Hw iat-mode=0",
    f"{TS_S} INFO  b.c.n.p.t.TorSetup: obfs4 192.0.2.10:443 {FP} cert=ssH+9rP8dG2NLDN iat-mode=1",
    f"meek_lite 192.0.2.18:80 {FP} url=https://meek.example.net/ front=www.example.com",
    f"snowflake 192.0.2.3:80 {FP} fingerprint={FP} url=https://snowflake.example.net/ ice=stun:stun.example.com:3478",
    f"webtunnel [2001:db8:85a3::8a2e:370:7334]:443 {FP} url=https://example.org/secret-path ver=0.0.1",
    f"192.0.2.10:443 {FP} cert=ssH+9rP8dG2NLDN2XuFw63hIO iat-mode=0",
    f"{TS_S} INFO  x: {FP} cert=ssH+9rP8dG2NLDN2XuFw63hIO iat-mode=0",
    f"{TS_S} WARN  tor: new bridge descriptor 'nick' (fresh): ${FP}~nick [abc] at 192.0.2.10",
])
def test_bridge_lines_without_the_word_bridge(line: str) -> None:
    for out in (log_clean(line + "\n"), sanitize_text(line)):
        for secret in (FP, "ssH+9rP8dG2NLDN", "192.0.2.10", "meek.example.net", "secret-path", "2001:db8"):
            assert secret not in out, out
        assert "<bridge-1>" in out


# --- generic user names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["C:\\Users\\user\\AppData\\Roaming\\Bisq", "/home/admin/.local/share/Bisq",
                                  "C:/Users/Administrator/AppData", "/Users/test/Library/Application Support/Bisq",
                                  "C:\\\\Users\\\\root\\\\AppData", "/home/user/.local/share/Bisq2"])
def test_generic_name_in_a_home_path_goes(path: str) -> None:
    out = log_clean(f"{TS_S} INFO  b.c.s.CommonSetup: Log file at: {path} \n")
    assert "<user>" in out and path.replace("\\\\", "\\").split("\\")[-2:] != out.split("\\")[-2:]
    for generic in ("user", "admin", "Administrator", "test", "root"):
        assert f"/{generic}/" not in out and f"\\{generic}\\" not in out


@pytest.mark.parametrize("path", ["C:\\Users\\Public\\Documents", "/Users/Shared/Bisq", "C:\\Users\\Default\\x",
                                  "C:\\Users\\<user>\\AppData", "/home/<HOME_DIR>/x"])
def test_system_folders_and_placeholders_stay(path: str) -> None:
    line = f"{TS_S} INFO  x: at {path} \n"
    assert log_clean(line) == line


def test_learnt_generic_name_is_not_hunted_as_a_bare_word(tmp_path: Path) -> None:
    src = tmp_path / "bisq.log"
    src.write_text(f"{TS_S} INFO  x: /home/user/.local/share/Bisq\n{TS_S} INFO  x: the user clicked OK\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = sanitize_logs([src], out_dir)
    assert (out_dir / "bisq.log").read_text().splitlines()[1].endswith("the user clicked OK")
    assert "user" not in report.user_names  # the description keeps the word too


def test_explicit_user_name_is_always_honoured(tmp_path: Path) -> None:
    src = tmp_path / "bisq.log"
    src.write_text(f"{TS_S} INFO  x: the user clicked OK as al; opened by User \n")
    out = tmp_path / "clean.log"
    res = run_cli("sanitize-log", src, "-o", out, "--user-name", "user", "--user-name", "al")
    assert res.returncode == 0, res.stderr
    assert out.read_text() == f"{TS_S} INFO  x: the <user> clicked OK as <user>; opened by <user> \n"
    assert sanitize_text("the user and al", user_names=("user", "al")) == "the <user> and <user>"


# --- payment-details labels in ordinary log lines ----------------------------------------------------------------

@pytest.mark.parametrize("line, secrets", [
    (f"{TS_S} INFO  b.c.t.TradeManager: peer data Account owner full name: Olga Mensah, Email or mobile no.: "
     "+44 7700 900123, trade " + TRADE, ["Olga", "Mensah", "7700"]),
    (f"{TS_S} WARN  b.c.p.PaymentAccounts: Account owner full name: Olga Mensah", ["Olga", "Mensah"]),
    (f"{TS_S} INFO  x: Vollständiger Name (vor, zweit, nach): Olga Mensah, IBAN: DE89 3704 0044 0532 0130 00",
     ["Olga", "Mensah", "DE89"]),
    (f"{TS_S} INFO  x: summary UK sort code: 12-34-56, Account number: 31926819", ["12-34-56", "31926819"]),
    (f"{TS_S} INFO  x: Zelle details: Recipients User name: olga_m, Bank name: First Bank", ["olga_m", "First Bank"]),
])
def test_payment_labels_in_any_log_line(line: str, secrets: list[str]) -> None:
    out = log_clean(line + " \n")
    for secret in secrets:
        assert secret not in out, out
    if TRADE in line:
        assert TRADE in out


def test_a_single_common_word_label_needs_payment_context() -> None:
    line = f"{TS_S} INFO  b.c.n.p2p.P2PService: Name: seednode-1, City: unknown \n"
    assert log_clean(line) == line  # "Name:" and "City:" alone are ordinary log words


def test_a_phone_number_that_runs_into_a_trade_id_is_no_phone_number() -> None:
    """Found by the property test: "call me 00 00000-…" read a phone across the trade ID's first part, and the
    ID lost its prefix. A hit crossing an identifier's edge is dropped; one holding whole IDs is not."""
    tid = "00000-00000000-0000-0000-0000-000000000001-1104"
    line = f"Nov-18 08:19:00.123 [JavaFX Application Thread] INFO  b.c.s.t.TraderChatManager: call me 00 {tid} x\n"
    assert tid in sanitize_bytes(line.encode(), []).decode()


def test_contract_with_escaped_lone_surrogates(tmp_path: Path) -> None:
    """A sibling of the non-UTF-8 case: `"\\ud800"` in a contract's JSON must not end in a traceback."""
    src = tmp_path / "contract.json"
    src.write_text('{"tradeAmount": 1, "note": "\\ud800 x", "makerPaymentAccountPayload": {"holderName": "J\\udcf6rg"}}',
                   encoding="utf-8")
    res = run_cli("scrub-contract", src, "-o", tmp_path / "clean.json")
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    out = (tmp_path / "clean.json").read_text(encoding="utf-8")
    assert json.loads(out)["note"] == "\ud800 x" and "holderName" not in out
