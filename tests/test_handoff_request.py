"""Agent keys (passphrase-protected) and requests: created by the agent, opened by the trader's app."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519
from test_bundle_build import DEMO, TID

from redactor.cli import main
from redactor.errors import BadInput, OutputError
from redactor.handoff import keys, request
from redactor.handoff.request import BadRequest, format_request, load_request, new_request, parse_request

PASS = "correct horse battery staple"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PUB = str(x25519.Identity.generate().to_public())


@pytest.fixture(scope="module")
def agent_key(tmp_path_factory: pytest.TempPathFactory) -> keys.AgentKey:
    return keys.create_key(tmp_path_factory.mktemp("agent") / "support.key", PASS)


def test_agent_key_is_passphrase_protected_and_private(agent_key: keys.AgentKey) -> None:
    data = agent_key.secret_path.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n-> scrypt ")  # age's own passphrase format
    assert b"AGE-SECRET-KEY" not in data
    assert stat.S_IMODE(agent_key.secret_path.stat().st_mode) == 0o600
    assert agent_key.public_path.read_text().strip() == agent_key.public_key
    assert keys.read_public_key(agent_key.secret_path) == agent_key.public_key
    with pytest.raises(keys.WrongPassphrase, match="Wrong passphrase for support.key"):
        keys.load_identities(agent_key.secret_path, "not the passphrase")
    with pytest.raises(keys.WrongPassphrase, match="protected by a passphrase"):
        keys.load_identities(agent_key.secret_path)
    (identity,) = keys.load_identities(agent_key.secret_path, PASS)
    assert str(identity.to_public()) == agent_key.public_key
    with pytest.raises(OutputError, match="already exists"):
        keys.create_key(agent_key.secret_path, PASS)
    with pytest.raises(BadInput, match="at least 10 characters"):
        keys.create_key(agent_key.secret_path.with_name("other.key"), "short")
    assert not agent_key.secret_path.with_name("other.key").exists()


def test_request_round_trip_and_line_shape() -> None:
    req = new_request(PUB, TID, ["logs", "contract", "trade-details"], days=7, now=NOW)
    line = format_request(req)
    assert line.startswith(f"bisq-support-request:v1;key={PUB};trade={TID};need=logs,contract,trade-details;"
                           "expires=2026-12-08T12:00Z;check=")
    assert len(line) < 300 and " " not in line
    back = parse_request(f"Hi, please send your bundle: {line}\nThanks!", now=NOW)  # pasted inside a message
    assert back == req and back.need == ("logs", "contract", "screenshot:trade-details")
    everything = new_request(PUB, TID, now=NOW)
    assert len(everything.need) == 8


def _resigned(body: str) -> str:
    """A line with a valid check, so the test reaches the check it means to make."""
    return f"{body};check={request._check(body)}"


def test_malformed_oversized_and_expired_requests_are_refused_with_a_reason(tmp_path: Path) -> None:
    good = format_request(new_request(PUB, TID, ["logs"], now=NOW))
    body = good.rsplit(";check=", 1)[0]
    cases = {
        "not a support request": "hello, please send logs",
        "malformed (fields missing": _resigned(body.replace(";need=logs", "")),
        "malformed (fields missing, extra": _resigned(body + ";role=seller"),
        "changed or cut": body + ";check=00000000",
        "cut while being copied": good[:-3] + "abc",
        "version this app does not know": good.replace(":v1;", ":v9;"),
        "key is not an age public key": _resigned(body.replace(PUB, "age1" + "q" * 58)),
        "trade ID is not a Bisq trade ID": _resigned(body.replace(TID, "not-a-trade")),
        "list of what is needed is malformed": _resigned(body.replace("need=logs", "need=logs,wallet")),
        "expiry is not a date": _resigned(body.replace("2026-12-08T12:00Z", "soon")),
        "longer than 1024 characters": "bisq-support-request:v1;" + "x" * 2000,
        "too long to be a support request": "x" * 5000,
    }
    for reason, text in cases.items():
        with pytest.raises(BadRequest, match=reason.replace("(", r"\(")):
            parse_request(text, now=NOW)
    with pytest.raises(BadRequest, match="expired on 2026-12-08 12:00 UTC"):
        parse_request(good, now=NOW + timedelta(days=8))
    far = format_request(request.Request(PUB, TID, ("logs",), NOW + timedelta(days=90)))
    with pytest.raises(BadRequest, match="more than 30 days"):
        parse_request(far, now=NOW)
    big = tmp_path / "big.bisq-request"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(BadRequest, match="too large to be a support request"):
        load_request(big, now=NOW)
    binary = tmp_path / "bin.bisq-request"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BadRequest, match="not plain text"):
        load_request(binary, now=NOW)
    with pytest.raises(BadRequest, match="neither a support request nor a file"):
        load_request(tmp_path / "missing", now=NOW)
    with pytest.raises(BadInput, match="1 to 30 days"):
        new_request(PUB, TID, days=31)


def _decrypted(path: Path, identity: object) -> dict[str, bytes]:
    out = io.BytesIO()
    pyrage.decrypt_io(io.BytesIO(path.read_bytes()), out, [identity])
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_agent_and_trader_flow_through_the_cli(agent_key: keys.AgentKey, demo_data_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """agent: request new -> trader: bundle --request -> agent: verify --identity (passphrase)."""
    req_file = tmp_path / "case.bisq-request"
    assert main(["request", "new", "--key", str(agent_key.secret_path), "--trade-id", TID, "--need", "logs",
                 "--need", "trade-details", "-o", str(req_file)]) == 0
    line = capsys.readouterr().out.strip()
    assert req_file.read_text().strip() == line and line.startswith("bisq-support-request:v1;")
    assert main(["request", "show", line]) == 0
    assert "a screenshot of the trade details window" in capsys.readouterr().out
    desc = tmp_path / "desc.txt"
    desc.write_text("The seller did not confirm.\n", encoding="utf-8")
    base = ["bundle", "--data-dir", str(demo_data_dir), "--role", "buyer", "--description-file", str(desc)]
    assert main(base + ["--request", str(req_file), "-o", str(tmp_path / "a" / "case.zip")]) == 0
    out = capsys.readouterr()
    assert "encrypted to the agent's key" in out.out and f"Support request for trade {TID}" in out.err
    assert "The agent asked for these and the bundle does not hold them:" in out.out
    enc = tmp_path / "a" / "case.zip.age"
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASS)
    assert main(["verify", str(enc), "--identity", str(agent_key.secret_path)]) == 0
    assert f"OK: case.zip.age — trade {TID}, buyer" in capsys.readouterr().out
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "wrong passphrase!")
    assert main(["verify", str(enc), "--identity", str(agent_key.secret_path)]) == 1
    assert capsys.readouterr().err.strip() == "bisq-redactor: Wrong passphrase for support.key."


def test_a_request_changes_only_the_prefilled_fields(demo_data_dir: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    line = format_request(new_request(public, TID, ["logs", "contract"]))
    desc = tmp_path / "desc.txt"
    desc.write_text("Nothing arrived.\n", encoding="utf-8")
    base = ["bundle", "--data-dir", str(demo_data_dir), "--role", "seller", "--description-file", str(desc),
            "--contract", str(DEMO / "contract.json")]
    assert main(base + ["--request", line, "-o", str(tmp_path / "r" / "case.zip")]) == 0
    assert main(base + ["--trade-id", TID, "--encrypt-to", public, "-o", str(tmp_path / "e" / "case.zip")]) == 0
    capsys.readouterr()
    via_request = _decrypted(tmp_path / "r" / "case.zip.age", identity)
    explicit = _decrypted(tmp_path / "e" / "case.zip.age", identity)
    man = f"{TID}/manifest.json"
    assert {k: v for k, v in via_request.items() if k != man} == {k: v for k, v in explicit.items() if k != man}
    m_req, m_exp = json.loads(via_request[man]), json.loads(explicit[man])
    assert m_req.pop("requested") == ["logs", "contract"]
    assert m_req == m_exp  # the role, files, names and everything else are the trader's own choice
    other_tid = "84721-5c0d9e2a-1b7f-4e6a-8c3d-0f9e8d7c6b5a-1103"
    assert main(base + ["--request", line, "--trade-id", other_tid, "-o", str(tmp_path / "x.zip")]) == 1
    assert f"The request is for trade {TID}, not {other_tid}" in capsys.readouterr().err
    assert main(base + ["--request", line, "--encrypt-to", PUB, "-o", str(tmp_path / "y.zip")]) == 1
    assert "another key than the request's" in capsys.readouterr().err
    assert main(base + ["-o", str(tmp_path / "z.zip")]) == 1
    assert "Give the trade ID (--trade-id) or the agent's request" in capsys.readouterr().err
    assert not any((tmp_path / n).exists() for n in ("x.zip.age", "y.zip.age", "z.zip", "x.zip", "y.zip"))


def test_cli_agent_key_new_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASS)
    key = tmp_path / "me.key"
    assert main(["agent-key", "new", "-o", str(key)]) == 0
    printed = capsys.readouterr().out
    public = (tmp_path / "me.key.pub").read_text().strip()
    assert public in printed and "passphrase-protected" in printed
    assert main(["agent-key", "show", str(key)]) == 0
    assert capsys.readouterr().out.strip() == public
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "short")
    assert main(["agent-key", "new", "-o", str(tmp_path / "weak.key")]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["agent-key", "new", "-o", str(tmp_path / "none.key")]) == 1
    assert "run this in a terminal" in capsys.readouterr().err
