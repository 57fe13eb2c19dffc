"""Bundles encrypted to the agent's age key: round trips with the `age` tool, clear refusals, nothing plain on disk."""

from __future__ import annotations

import io
import shutil
import stat
import subprocess
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519
from test_bundle_build import TID, demo_case

from redactor.bundle.verify import verify_bundle
from redactor.bundle.writer import build_bundle
from redactor.bundle.zipio import Cancelled
from redactor.cli import main
from redactor.errors import BadInput, RedactorError
from redactor.handoff import age_stream
from redactor.handoff.age_stream import EncryptedBundle, ZipWindow, decrypt_to, opened_bundle

AGE = shutil.which("age")
needs_age = pytest.mark.skipif(AGE is None, reason="the age tool is not installed (apt-get install age)")
WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
CANARY = "zebra-canary-quokka-4471"


@pytest.fixture
def agent(tmp_path: Path) -> tuple[x25519.Identity, str, Path]:
    """(identity, its public key, an age-keygen style identity file)."""
    identity = x25519.Identity.generate()
    key_file = tmp_path / "agent-identity.txt"
    key_file.write_text(f"# public key: {identity.to_public()}\n{identity}\n", encoding="ascii")
    return identity, str(identity.to_public()), key_file


def encrypted_bundle(demo_data_dir: Path, folder: Path, public: str, **kw: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return build_bundle(demo_case(demo_data_dir, **kw), folder / "case.zip", encrypt_to=[public],
                        created=WHEN).path


def decrypt_bytes(data: bytes, identity: x25519.Identity) -> bytes:
    out = io.BytesIO()
    pyrage.decrypt_io(io.BytesIO(data), out, [identity])
    return out.getvalue()


@needs_age
def test_app_to_age_tool_to_verify(demo_data_dir: Path, tmp_path: Path, agent: tuple) -> None:
    identity, public, key_file = agent
    enc = encrypted_bundle(demo_data_dir, tmp_path / "out", public)
    assert enc.name == "case.zip.age" and enc.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert not (tmp_path / "out" / "case.zip").exists()
    assert (tmp_path / "out" / "case.placeholders.json").is_file()  # the local map keeps its plain name
    plain = tmp_path / "from-age.zip"
    subprocess.run([AGE, "-d", "-i", str(key_file), "-o", str(plain), str(enc)], check=True, timeout=60)
    result = verify_bundle(plain)
    assert result.ok, result.problems
    assert result.manifest is not None and result.manifest["trade_id"] == TID


def test_encrypted_bundle_is_the_plain_bundle_byte_for_byte(demo_data_dir: Path, tmp_path: Path,
                                                             agent: tuple) -> None:
    """The streaming window changes nothing in the zip: same canonical bytes as the unencrypted writer."""
    identity, public, _ = agent
    (tmp_path / "plain").mkdir()
    plain = build_bundle(demo_case(demo_data_dir), tmp_path / "plain" / "case.zip", created=WHEN).path
    enc = encrypted_bundle(demo_data_dir, tmp_path / "enc", public)
    assert decrypt_bytes(enc.read_bytes(), identity) == plain.read_bytes()


@needs_age
def test_age_tool_to_app_verify_and_merge(demo_data_dir: Path, tmp_path: Path, agent: tuple,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _, public, key_file = agent
    (tmp_path / "p").mkdir()
    buyer = build_bundle(demo_case(demo_data_dir), tmp_path / "p" / "buyer.zip", created=WHEN).path
    seller = build_bundle(demo_case(demo_data_dir, role="seller"), tmp_path / "p" / "seller.zip", created=WHEN).path
    for p in (buyer, seller):
        subprocess.run([AGE, "-r", public, "-o", str(p) + ".age", str(p)], check=True, timeout=60)
    before = set(Path(tempfile.gettempdir()).glob("bisq-redactor-open-*"))  # /tmp is shared: only ours
    assert main(["verify", str(buyer) + ".age", "--identity", str(key_file)]) == 0
    assert f"OK: buyer.zip.age — trade {TID}, buyer" in capsys.readouterr().out
    case = tmp_path / "case.zip"
    assert main(["merge", str(buyer) + ".age", str(seller) + ".age", "--identity", str(key_file), "-o",
                 str(case)]) == 0
    merged = verify_bundle(case)
    assert merged.ok and merged.manifest is not None and merged.manifest["role"] == "case"
    assert set(Path(tempfile.gettempdir()).glob("bisq-redactor-open-*")) == before  # decryption folders gone


def _cli_error(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    return err


def test_wrong_key_truncated_and_altered_each_say_so(demo_data_dir: Path, tmp_path: Path, agent: tuple,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _, public, key_file = agent
    # Enough content for several 64 KiB age chunks, so "altered in the middle" is not "the end".
    big = demo_case(demo_data_dir).description + "".join(f"line {i} {i * 7919 % 10007}\n" for i in range(40000))
    enc = encrypted_bundle(demo_data_dir, tmp_path / "out", public, description=big)
    data = enc.read_bytes()
    assert len(data) > 3 * 65536
    other = tmp_path / "other.txt"
    other.write_text(f"{x25519.Identity.generate()}\n", encoding="ascii")
    err = _cli_error(capsys, ["verify", str(enc), "--identity", str(other)])
    assert err == ("bisq-redactor: Your key cannot open case.zip.age: it was encrypted to another agent's key, or "
                   "its beginning was damaged. Ask the trader to encrypt it to your public key.")
    cut = tmp_path / "cut.zip.age"
    cut.write_bytes(data[: len(data) - 5000])
    assert "cut.zip.age is incomplete" in _cli_error(capsys, ["verify", str(cut), "--identity", str(key_file)])
    header_cut = tmp_path / "hcut.zip.age"
    header_cut.write_bytes(data[:60])
    assert "ends inside its header" in _cli_error(capsys, ["verify", str(header_cut), "--identity", str(key_file)])
    altered = tmp_path / "alt.zip.age"
    mid = len(data) // 2
    altered.write_bytes(data[:mid] + bytes([data[mid] ^ 0x01]) + data[mid + 1:])
    assert "alt.zip.age was altered after it was encrypted" in _cli_error(
        capsys, ["verify", str(altered), "--identity", str(key_file)])
    not_age = tmp_path / "fake.zip.age"
    not_age.write_bytes(b"PK\x03\x04 not age at all")
    assert "fake.zip.age is not an age-encrypted bundle" in _cli_error(
        capsys, ["verify", str(not_age), "--identity", str(key_file)])
    assert "is encrypted; open it with your agent key" in _cli_error(capsys, ["verify", str(enc)])


def test_decryption_is_bounded_and_leaves_nothing_on_failure(tmp_path: Path, agent: tuple) -> None:
    identity, public, _ = agent
    src = tmp_path / "big.zip.age"
    src.write_bytes(pyrage.encrypt(b"x" * 300_000, [x25519.Recipient.from_str(public)]))
    dest = tmp_path / "plain.zip"
    with pytest.raises(EncryptedBundle, match="decrypts to more than 0.3 MB, more than any bundle"):
        decrypt_to(src, dest, [identity], limit=280_000)
    assert not dest.exists()
    with pytest.raises(EncryptedBundle, match="larger than any bundle"):
        decrypt_to(src, dest, [identity], limit=100_000)
    assert not dest.exists()
    decrypt_to(src, dest, [identity])
    assert dest.read_bytes() == b"x" * 300_000 and stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_private_folder_is_0700_and_removed(tmp_path: Path, agent: tuple) -> None:
    identity, public, _ = agent
    src = tmp_path / "b.zip.age"
    src.write_bytes(pyrage.encrypt(b"zip bytes", [x25519.Recipient.from_str(public)]))
    with opened_bundle(src, [identity]) as plain:
        assert plain.name == "b.zip" and plain.read_bytes() == b"zip bytes"
        assert stat.S_IMODE(plain.parent.stat().st_mode) == 0o700
        folder = plain.parent
    assert not folder.exists()
    with pytest.raises(EncryptedBundle), opened_bundle(src, [x25519.Identity.generate()]):
        pass
    plain_zip = tmp_path / "plain.zip"
    plain_zip.write_bytes(b"PK")
    with opened_bundle(plain_zip, None) as same:  # an unencrypted bundle is used as it is
        assert same == plain_zip


def _scan(folders: list[Path], needles: list[bytes]) -> list[str]:
    hits = []
    for folder in folders:
        for p in folder.rglob("*"):
            try:
                data = p.read_bytes() if p.is_file() else b""
            except OSError:
                continue  # removed while we looked
            hits += [f"{p.name}: {n!r}" for n in needles if n in data]
    return hits


def test_no_plaintext_bundle_bytes_touch_the_disk(demo_data_dir: Path, tmp_path: Path, agent: tuple,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The output folder and the temp folder are scanned while the zip is written and afterwards: neither the
    zip's structure (entry names, which a zip keeps in plain) nor the description (only ever in memory) shows
    up; the same scan finds them in a plain bundle, so it can fail."""
    identity, public, _ = agent
    tmp_root = tmp_path / "tmp"
    tmp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_root))
    needles = [f"{TID}/manifest.json".encode(), f"{TID}/description.txt".encode(), CANARY.encode()]
    description = demo_case(demo_data_dir).description + f"\nReference word: {CANARY}\n" * 3000
    out = tmp_path / "out"
    out.mkdir()
    hits: list[str] = []
    seen_part: list[str] = []

    def watch(stage: str, _frac: float) -> None:
        if stage == "writing the zip":
            hits.extend(_scan([out, tmp_root], needles))
            seen_part.extend(p.name for p in out.iterdir() if p.name.endswith(".part"))

    case = demo_case(demo_data_dir, description=description)
    enc = build_bundle(case, out / "case.zip", encrypt_to=[public], progress=watch).path
    hits += _scan([out, tmp_root], needles)
    assert seen_part and not hits
    assert list(tmp_root.iterdir()) == []
    with zipfile.ZipFile(io.BytesIO(decrypt_bytes(enc.read_bytes(), identity))) as zf:
        assert CANARY in zf.read(f"{TID}/description.txt").decode()  # the canary really is in the bundle
    control = tmp_path / "control"
    control.mkdir()
    build_bundle(case, control / "case.zip")
    assert _scan([control], needles[:2])  # the plain bundle is caught by the same scan


def test_bad_key_is_refused_before_any_work_and_cancel_leaves_nothing(demo_data_dir: Path, tmp_path: Path,
                                                                       agent: tuple) -> None:
    _, public, _ = agent
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BadInput, match="is not an age public key"):
        build_bundle(demo_case(demo_data_dir), out / "case.zip", encrypt_to=["age1notakey"])
    writing = {"chunks": 0}

    def progress(stage: str, _frac: float) -> None:
        if stage == "writing the zip":
            writing["chunks"] += 1

    def cancel_while_encrypting() -> bool:
        return writing["chunks"] >= 2  # some entries already went through the encrypting thread

    with pytest.raises(Cancelled):
        build_bundle(demo_case(demo_data_dir), out / "case.zip", encrypt_to=[public], progress=progress,
                     cancel=cancel_while_encrypting)
    assert writing["chunks"] >= 2
    assert list(out.iterdir()) == []


def test_zip_window_refuses_to_seek_into_what_was_already_encrypted() -> None:
    sent: list[bytes] = []
    window = ZipWindow(sent.append)
    window.write(b"header")
    window.seek(0)
    window.write(b"HEADER")
    window.seek(0, 2)  # back at the end: everything so far is handed on
    assert b"".join(sent) == b"HEADER" and window.tell() == 6
    window.write(b"more")
    with pytest.raises(OSError):
        window.seek(2)
    window.close_window()
    assert b"".join(sent) == b"HEADERmore"


def test_encrypt_failure_is_one_sentence_and_writes_nothing(demo_data_dir: Path, tmp_path: Path, agent: tuple,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _, public, _ = agent

    def broken(reader: object, writer: object, recipients: object) -> None:
        raise pyrage.EncryptError("boom")

    monkeypatch.setattr(pyrage, "encrypt_io", broken)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RedactorError, match="Encrypting the bundle failed"):
        build_bundle(demo_case(demo_data_dir), out / "case.zip", encrypt_to=[public])
    assert list(out.iterdir()) == []


def test_cli_bundle_encrypt_to(demo_data_dir: Path, tmp_path: Path, agent: tuple,
                               capsys: pytest.CaptureFixture[str]) -> None:
    identity, public, key_file = agent
    desc = tmp_path / "desc.txt"
    desc.write_text("It went wrong.\n", encoding="utf-8")
    out = tmp_path / "s.zip"
    assert main(["bundle", "--data-dir", str(demo_data_dir), "--role", "seller", "--trade-id", TID,
                 "--description-file", str(desc), "-o", str(out), "--encrypt-to", public]) == 0
    assert "s.zip.age (encrypted to the agent's key)" in capsys.readouterr().out
    assert not out.exists() and age_stream.is_age_file(Path(str(out) + ".age"))
    assert main(["verify", str(out) + ".age", "--identity", str(key_file), "--json"]) == 0
    assert '"ok": true' in capsys.readouterr().out


def test_encrypt_and_open_with_every_socket_blocked(demo_data_dir: Path, tmp_path: Path, agent: tuple,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("network access attempted")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse)
    _, public, key_file = agent
    desc = tmp_path / "d.txt"
    desc.write_text("x\n", encoding="utf-8")
    out = tmp_path / "n.zip"
    assert main(["bundle", "--data-dir", str(demo_data_dir), "--role", "buyer", "--trade-id", TID,
                 "--description-file", str(desc), "-o", str(out), "--encrypt-to", public]) == 0
    assert main(["verify", str(out) + ".age", "--identity", str(key_file)]) == 0
    capsys.readouterr()


def test_full_disk_while_encrypting_says_so_and_leaves_nothing(demo_data_dir: Path, tmp_path: Path, agent: tuple,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from test_bundle_verify import FullDisk

    from redactor import fsutil
    from redactor.errors import OutputError

    _, public, _ = agent
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(fsutil, "_open_fd", lambda fd: FullDisk(io.FileIO(fd, "r+b")))
    with pytest.raises(OutputError, match="disk is full"):
        build_bundle(demo_case(demo_data_dir), out / "case.zip", encrypt_to=[public])
    assert list(out.iterdir()) == []
