"""The single-file commands (sanitize-log, scrub-contract, redact-image) and the bundle's own inputs refuse a
secret file, decided on the file opened: by name, by location in a data dir, by hard link, by content (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from redactor import cli
from redactor.bisq import logfiles
from redactor.errors import BadInput
from redactor.fsutil import RefusedInput
from redactor.inputs import LOG, TEXT, open_user_file

CANARY = b"SECRET-CANARY-91c2"
WALLET = b"\n\x16org.bitcoin.production\x12\x8a\x01\n\x21\x02" + bytes(range(256)) + CANARY
PROPERTIES = b"rpcUser=bisq\nrpcPassword=" + CANARY + b"\n"
TID = "aB3dE9-11111111-2222-4333-8444-555555555555-1104"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(demo_data_dir: Path) -> Path:
    (demo_data_dir / "btc_mainnet" / "wallet" / "bisq_BTC.wallet").write_bytes(WALLET)
    (demo_data_dir / "bisq.properties").write_bytes(PROPERTIES)
    hs = demo_data_dir / "btc_mainnet" / "tor" / "hiddenservice"
    hs.mkdir(parents=True, exist_ok=True)
    (hs / "private_key").write_bytes(b"ED25519-V3:" + CANARY + b"\n")
    return demo_data_dir


@pytest.mark.parametrize("secret", ["btc_mainnet/wallet/bisq_BTC.wallet", "bisq.properties",
                                    "btc_mainnet/tor/hiddenservice/private_key", "btc_mainnet/keys/sig.key",
                                    "btc_mainnet/db/PendingTrades", "bisq_backup_2026-11-01-120000/bisq.log"])
@pytest.mark.parametrize("command", ["sanitize-log", "scrub-contract", "redact-image"])
def test_single_file_commands_refuse_files_of_the_data_dir(data_dir: Path, tmp_path: Path, secret: str,
                                                           command: str, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run([command, str(data_dir / secret), "-o", str(out_dir / "result")], capsys)
    assert code == 1 and err.startswith("bisq-redactor: Not reading ") and err.count("\n") == 1, err
    assert "Traceback" not in err and CANARY.decode() not in err
    assert not any(out_dir.iterdir())


def test_secret_copied_out_or_linked_is_refused_by_name_content_or_target(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.log"
    elsewhere = tmp_path / "copies"
    elsewhere.mkdir()
    (tmp_path / "props").mkdir()
    (tmp_path / "props" / "bisq.properties").write_bytes(PROPERTIES)  # a copy: its name says what it is
    (elsewhere / "wallet-copy.log").write_bytes(WALLET)  # a renamed copy: its content says what it is
    (elsewhere / "link.log").symlink_to(data_dir / "btc_mainnet" / "db" / "PendingTrades")  # target in the data dir
    (elsewhere / "random.log").write_bytes(os.urandom(4096))  # a key, or any binary file
    for name, why in [("../props/bisq.properties", "its name says"), ("wallet-copy.log", "a bitcoin wallet"),
                      ("link.log", "inside the Bisq data directory"), ("random.log", "not a text log")]:
        code, _, err = run(["sanitize-log", str(elsewhere / name), "-o", str(out)], capsys)
        assert code == 1 and why in err, (name, err)
    assert not out.exists() and not (tmp_path / "out.log.map.json").exists()


def test_hard_link_of_a_secret_outside_the_data_dir_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    bisq = home / ".local" / "share" / "Bisq"
    (bisq / "btc_mainnet" / "wallet").mkdir(parents=True)
    (bisq / "bisq.log").write_bytes(b"Nov-18 08:00:00.000 [main] INFO x: start\n")
    (bisq / "bisq.properties").write_bytes(PROPERTIES)
    os.link(bisq / "bisq.properties", tmp_path / "notes.log")  # text, harmless name, outside the data dir
    monkeypatch.setenv("HOME", str(home))
    code, _, err = run(["sanitize-log", str(tmp_path / "notes.log"), "-o", str(tmp_path / "out.log")], capsys)
    assert code == 1 and "hard link" in err and "bisq.properties" in err, err
    assert not (tmp_path / "out.log").exists()


def test_a_real_log_is_still_sanitized_from_inside_and_outside(data_dir: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["sanitize-log", str(data_dir / "bisq.log"), "-o", str(tmp_path / "a.log")], capsys)
    assert code == 0, err
    assert (tmp_path / "a.log").read_bytes().count(b"\n") == (data_dir / "bisq.log").read_bytes().count(b"\n")
    (tmp_path / "copy.log").write_bytes((data_dir / "bisq_1.log").read_bytes())
    assert run(["sanitize-log", str(tmp_path / "copy.log"), "-o", str(tmp_path / "b.log")], capsys)[0] == 0
    # Bisq 2's Tor log is on the allow-list too; Bisq 1's tor folder is not.
    assert open_user_file(data_dir / "bisq_2.log", LOG).read(3)


def test_fifo_and_folder_are_refused_without_hanging(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "pipe.log")
    (tmp_path / "dir.log").mkdir()
    for name in ("pipe.log", "dir.log"):
        code, _, err = run(["sanitize-log", str(tmp_path / name), "-o", str(tmp_path / "o.log")], capsys)
        assert code == 1 and ("not a regular file" in err or "Cannot read" in err), err


def test_huge_log_is_cut_to_its_newest_part_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(logfiles, "MAX_LOG_BYTES", 1 << 20)
    big = tmp_path / "bisq.log"
    with big.open("wb") as fh:
        fh.write(b"Nov-18 08:00:00.000 [main] INFO x: first line\n")
        fh.truncate(200 << 20)  # sparse
        fh.seek(200 << 20)
        fh.write(b"\nNov-18 09:00:00.000 [main] INFO x: newest line mail me at ana@example.com\n")
    code, _, err = run(["sanitize-log", str(big), "-o", str(tmp_path / "o.log")], capsys)
    assert code == 0 and "only the newest part" in err, err
    clean = (tmp_path / "o.log").read_bytes()
    assert len(clean) <= (1 << 20) + 100 and b"newest line" in clean and b"ana@example.com" not in clean


def test_bundle_refuses_secret_description_contract_and_screenshot(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desc = tmp_path / "desc.txt"
    desc.write_text("It stopped.\n", encoding="utf-8")
    base = ["bundle", "--data-dir", str(data_dir), "--trade-id", TID, "--role", "buyer"]
    cases = [
        ["--description-file", str(data_dir / "bisq.properties")],
        ["--description-file", str(desc), "--contract", str(data_dir / "btc_mainnet" / "wallet" / "bisq_BTC.wallet")],
        ["--description-file", str(desc), "--screenshot", str(data_dir / "btc_mainnet" / "keys" / "sig.key")],
    ]
    for extra in cases:
        code, _, err = run(base + extra + ["-o", str(tmp_path / "case.zip")], capsys)
        assert code == 1 and "Not reading" in err and "Traceback" not in err, err
        assert not (tmp_path / "case.zip").exists()


def test_binary_description_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_bytes(WALLET)
    with pytest.raises(RefusedInput, match="not a text file"):
        open_user_file(tmp_path / "d.txt", TEXT)


def test_input_swapped_for_a_link_to_a_secret_is_never_copied(data_dir: Path, tmp_path: Path) -> None:
    """The decision is made on the opened handle, so a link swapped in between any check and the read loses."""
    import threading

    from redactor.inputs import checked_copy

    target = tmp_path / "in.log"
    real = b"Nov-18 08:00:00.000 [main] INFO x: a plain log line\n"
    stop = threading.Event()
    swaps = [0]

    def swap() -> None:
        while not stop.is_set():
            (tmp_path / "plain").write_bytes(real)
            os.replace(tmp_path / "plain", target)
            (tmp_path / "link").unlink(missing_ok=True)
            (tmp_path / "link").symlink_to(data_dir / "bisq.properties")
            os.replace(tmp_path / "link", target)
            swaps[0] += 1

    (tmp_path / "plain").write_bytes(real)
    os.replace(tmp_path / "plain", target)
    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    copied = refused = 0
    try:
        for _ in range(400):
            try:
                with checked_copy(target, LOG) as (copy, _left_out):
                    assert CANARY not in copy.read_bytes()
                    copied += 1
            except (RefusedInput, BadInput):
                refused += 1
    finally:
        stop.set()
        thread.join()
    assert swaps[0] > 10 and copied and refused, (swaps, copied, refused)  # both outcomes were exercised
