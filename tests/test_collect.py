"""Collecting logs never opens a secret file and never modifies the data directory."""

from __future__ import annotations

import hashlib
import json
import os
import stat as stat_mod
import sys
import threading
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redactor import fsutil
from redactor.bisq.datadir import locate
from redactor.bisq.logfiles import open_log, scan_log_files, snapshot
from redactor.bisq.secrets import SecretIndex, binary_kind
from redactor.bundle.case import Case
from redactor.bundle.writer import build_bundle
from redactor.fsutil import RefusedInput, open_beneath

OPENED: list[str] = []
_RECORDING = [False]


def _audit(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    if _RECORDING[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        # Files below a folder are opened relative to it (openat, no link followed): then only the name is seen.
        OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)

SECRET_PARTS = ("wallet", "keys", "hiddenservice", "db", "bisq.properties", "bisq_backup")


def tree_state(root: Path) -> dict[str, tuple[int, str]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def recording():  # type: ignore[no-untyped-def]
    OPENED.clear()
    yield OPENED
    _RECORDING[0] = False


def test_locate_and_snapshot_open_only_logs(demo_data_dir: Path, tmp_path: Path, recording: list[str]) -> None:
    before = tree_state(demo_data_dir)
    _RECORDING[0] = True
    found = locate([demo_data_dir], platform="linux", env={}, home=tmp_path / "h").found[0]
    out = tmp_path / "out"
    copies = [snapshot(f.path, out / f.name) for f in found.log_files]
    _RECORDING[0] = False
    root = demo_data_dir.resolve()
    inside = [p for p in recording if not Path(p).is_absolute() or Path(p).resolve().is_relative_to(root)]
    assert inside, "the audit hook saw nothing: the test would not catch a leak"
    names = [Path(p).name for p in inside if Path(p) != demo_data_dir and Path(p).resolve() != root]
    assert names and all(n.startswith("bisq") and n.endswith(".log") for n in names), names
    assert not any(part in n for n in names for part in SECRET_PARTS if part != "bisq.properties")
    for c in copies:
        assert b"CANARY-" not in c.copy.read_bytes()
    assert tree_state(demo_data_dir) == before


def test_snapshot_stops_at_size_seen_when_file_grows(tmp_path: Path) -> None:
    src = tmp_path / "bisq.log"
    src.write_bytes(b"a\n" * 1000)

    snap = snapshot(src, tmp_path / "copy.log")
    with src.open("ab") as fh:
        fh.write(b"appended after\n")
    assert snap.bytes == 2000 and (tmp_path / "copy.log").read_bytes() == b"a\n" * 1000


# --- what is collected is decided on the file actually opened (issue 11) ---------------------------------------

TID = "aB3dE9-11111111-2222-4333-8444-555555555555-1104"
CANARY = b"WALLET-CANARY-7f3a9c"
# Looks like a Bisq log on purpose: only the link and identity checks may stop it, not the binary sniff.
TEXT_SECRET = b"Nov-18 08:00:00.000 [main] INFO  x: " + CANARY + b" seed=abandon ability\n"


def wallet(data_dir: Path) -> Path:
    w = data_dir / "btc_mainnet" / "wallet" / "bisq_BTC.wallet"
    w.parent.mkdir(parents=True, exist_ok=True)
    w.write_bytes(TEXT_SECRET)
    return w


def bundle(data_dir: Path, out: Path, **kw: object):  # type: ignore[no-untyped-def]
    case = Case(trade_id=TID, role="buyer", description="It stopped.", txids=[], screenshots=[],
                data_dir=data_dir, **kw)  # type: ignore[arg-type]
    return build_bundle(case, out)


def zip_bytes(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return b"".join(zf.read(n) for n in zf.namelist())


def skipped(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s["file"]: s["reason"] for s in result.report["skipped"]}


def test_hard_link_to_the_wallet_named_like_a_log_is_not_collected(demo_data_dir: Path, tmp_path: Path) -> None:
    os.link(wallet(demo_data_dir), demo_data_dir / "bisq_3.log")
    res = bundle(demo_data_dir, tmp_path / "case.zip")
    assert CANARY not in zip_bytes(res.path)
    assert "hard link" in skipped(res)["bisq_3.log"] and "bisq_BTC.wallet" in skipped(res)["bisq_3.log"]
    assert any("bisq_3.log" in m for m in res.missing)
    report = json.loads(zipfile.ZipFile(res.path).read(f"{TID}/redaction-report.json"))
    assert report["skipped"] == res.report["skipped"]
    # The same file listed by the GUI (explicit log files) is refused too: the check is made at open time.
    listed = [demo_data_dir / n for n in ("bisq.log", "bisq_3.log")]
    res2 = bundle(demo_data_dir, tmp_path / "case2.zip", log_files=listed)
    assert CANARY not in zip_bytes(res2.path) and "bisq_3.log" in skipped(res2)


def test_hard_link_of_any_other_secret_in_the_data_dir_is_refused(demo_data_dir: Path) -> None:
    for n, secret in enumerate(["bisq.properties", "btc_mainnet/keys/sig.key", "btc_mainnet/db/PendingTrades"]):
        (demo_data_dir / secret).write_bytes(TEXT_SECRET)
        os.link(demo_data_dir / secret, demo_data_dir / f"bisq_{7 + n}.log")
    scan = scan_log_files(demo_data_dir)
    reasons = {s.name: s.reason for s in scan.skipped}
    assert {"bisq_7.log", "bisq_8.log", "bisq_9.log"} <= set(reasons)
    assert all("hard link" in reasons[f"bisq_{7 + n}.log"] for n in range(3))
    assert not any(f.name.startswith("bisq_7") for f in scan.files)


def test_hard_linked_log_that_is_no_secret_is_still_collected(demo_data_dir: Path, tmp_path: Path) -> None:
    """Backup tools (rsync --link-dest, Back In Time) hard-link unchanged files: such logs are not refused."""
    os.link(demo_data_dir / "bisq_1.log", tmp_path / "backup-of-bisq_1.log")
    assert [f.name for f in scan_log_files(demo_data_dir).files] == ["bisq.log", "bisq_1.log", "bisq_2.log"]


def test_index_that_stopped_early_refuses_multi_named_logs(demo_data_dir: Path) -> None:
    os.link(wallet(demo_data_dir), demo_data_dir / "bisq_3.log")
    index = SecretIndex.build(demo_data_dir, limit=1)
    assert not index.complete
    with pytest.raises(RefusedInput, match="could not be checked"):
        open_log(demo_data_dir / "bisq_3.log", demo_data_dir, index)
    open_log(demo_data_dir / "bisq.log", demo_data_dir, index).close()  # one name: fine


def test_symlinked_bisq_log_is_reported_and_logs_are_not_complete(demo_data_dir: Path, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.log"
    (demo_data_dir / "bisq.log").rename(real)
    (demo_data_dir / "bisq.log").symlink_to(real)
    res = bundle(demo_data_dir, tmp_path / "case.zip")
    assert "symbolic link" in skipped(res)["bisq.log"]
    assert res.manifest["checklist"]["logs"] is False  # bisq_1.log and bisq_2.log are there, bisq.log is not
    assert any("bisq.log (not collected: " in m for m in res.missing)
    names = zipfile.ZipFile(res.path).namelist()
    assert f"{TID}/buyer/bisq_1.log" in names and f"{TID}/buyer/bisq.log" not in names
    # locate() lists it too, for the GUI's first step.
    d = locate([demo_data_dir], platform="linux", env={}, home=tmp_path / "h").found[0]
    assert [s.name for s in d.skipped_logs] == ["bisq.log"]


def test_bisq2_tor_folder_linked_outside_is_not_collected(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "debug.log").write_bytes(b"Nov 18 08:00:00.000 [notice] " + CANARY + b"\n")
    data = tmp_path / "Bisq2"
    (data / "db" / "private").mkdir(parents=True)
    (data / "tor").symlink_to(outside, target_is_directory=True)
    (data / "bisq.log").write_bytes(b"Nov-18 08:12:01.044 [main] INFO  b.a.ApplicationService: start\n")
    scan = scan_log_files(data, bisq_version=2)
    assert [f.name for f in scan.files] == ["bisq.log"]
    assert "tor is a symbolic link" in {s.name: s.reason for s in scan.skipped}["tor-debug.log"]
    res = bundle(data, tmp_path / "case.zip")
    assert CANARY not in zip_bytes(res.path) and "tor-debug.log" in skipped(res)
    # Listed explicitly (as the GUI does) it is refused at open time: the folder link is not followed.
    with pytest.raises(RefusedInput, match="folder tor is a symbolic link"):
        open_log(data / "tor" / "debug.log", data)


@pytest.mark.parametrize("portable", [False, True], ids=["openat", "lstat-walk"])
def test_open_beneath_never_follows_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, portable: bool) -> None:
    """Both ways of opening: openat with O_NOFOLLOW (Linux, macOS, BSD), and the lstat walk with an identity and
    final-path check used where there is no openat (Windows), run here on Linux."""
    if portable:
        monkeypatch.setattr(fsutil, "USE_DIR_FD", False)
    root = tmp_path / "root"
    (root / "tor").mkdir(parents=True)
    (root / "tor" / "debug.log").write_bytes(b"ok\n")
    (root / "bisq.log").write_bytes(b"ok\n")
    secret = tmp_path / "secret"
    secret.write_bytes(CANARY)
    (root / "bisq_1.log").symlink_to(secret)
    (root / "linked").symlink_to(root / "tor", target_is_directory=True)
    with open_beneath(root, "bisq.log") as fh, open_beneath(root, "tor/debug.log") as fh2:
        assert fh.read() == b"ok\n" and fh2.read() == b"ok\n"
    with pytest.raises(RefusedInput, match="file bisq_1.log is a symbolic link"):
        open_beneath(root, "bisq_1.log")
    with pytest.raises(RefusedInput, match="folder linked is a symbolic link"):
        open_beneath(root, "linked/debug.log")
    os.mkfifo(root / "bisq_2.log")  # must not hang waiting for a writer
    with pytest.raises(RefusedInput, match="not a regular file"):
        open_beneath(root, "bisq_2.log")
    (root / "bisq_3.log").mkdir()
    with pytest.raises(RefusedInput, match="not a regular file|not a file"):
        open_beneath(root, "bisq_3.log")
    (root / "bisq_4.log").write_bytes(fsutil.ALIAS_MAGIC + b"\x00" * 40 + b"/Users/x/wallet")
    with pytest.raises(RefusedInput, match="macOS alias"):
        open_beneath(root, "bisq_4.log")
    with pytest.raises(FileNotFoundError):
        open_beneath(root, "bisq_5.log")


def test_portable_open_refuses_a_file_swapped_after_its_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsutil, "USE_DIR_FD", False)
    (tmp_path / "bisq.log").write_bytes(b"ok\n")
    (tmp_path / "secret").write_bytes(CANARY)
    real_open = os.open

    def swapping_open(path, flags, *a, **kw):  # type: ignore[no-untyped-def]
        if str(path).endswith("bisq.log"):  # between the lstat and the open, a link replaces the file
            os.replace(tmp_path / "link", tmp_path / "bisq.log")
        return real_open(path, flags, *a, **kw)

    (tmp_path / "link").symlink_to(tmp_path / "secret")
    monkeypatch.setattr(os, "open", swapping_open)
    with pytest.raises(RefusedInput, match="replaced"):
        open_beneath(tmp_path, "bisq.log")


def test_windows_reparse_points_count_as_links() -> None:
    def st(attrs: int, tag: int = 0) -> SimpleNamespace:
        return SimpleNamespace(st_mode=stat_mod.S_IFDIR, st_file_attributes=attrs, st_reparse_tag=tag)

    reparse = stat_mod.FILE_ATTRIBUTE_REPARSE_POINT
    junction, symlink, wsl_link, onedrive = 0xA0000003, 0xA000000C, 0xA000001D, 0x9000001A
    for tag in (junction, symlink, wsl_link, 0):  # 0: tag unknown, fail closed
        assert fsutil.is_link(st(reparse, tag)), hex(tag)  # type: ignore[arg-type]
    assert not fsutil.is_link(st(reparse, onedrive))  # type: ignore[arg-type]  # a cloud placeholder holds the file
    assert not fsutil.is_link(st(stat_mod.FILE_ATTRIBUTE_DIRECTORY))  # type: ignore[arg-type]


def test_binary_files_are_not_logs(demo_data_dir: Path, tmp_path: Path) -> None:
    wallet_bytes = b"\n\x16org.bitcoin.production\x12\x8a\x01\n\x21\x02" + os.urandom(200) + CANARY
    samples = {
        "bisq_3.log": wallet_bytes,  # a copy (not a link) of the wallet, renamed
        "bisq_4.log": b"SQLite format 3\x00" + b"\x00" * 100,
        "bisq_5.log": os.urandom(300),  # a DER key
        "bisq_6.log": b"== ed25519v1-secret: type0 ==\x00\x00\x00" + os.urandom(64),
    }
    for name, data in samples.items():
        (demo_data_dir / name).write_bytes(data)
    res = bundle(demo_data_dir, tmp_path / "case.zip")
    reasons = skipped(res)
    assert all("not a text log" in reasons[n] for n in samples), reasons
    assert CANARY not in zip_bytes(res.path)
    # Text, including a log whose start is a run of NUL bytes (a crash, a sparse file), is text.
    assert binary_kind(b"") is None and binary_kind(b"\x00" * 8192) is None
    assert binary_kind(b"\x00" * 4096 + b"Nov-18 08:00:00.000 [main] INFO x: \x1b[32mok\x1b[0m\n" * 50) is None
    assert binary_kind("Nov-18 08:00:00.000 [main] INFO x: Ümlaut\tJoão\r\n".encode("latin-1") * 50) is None
    assert binary_kind(wallet_bytes) == "a bitcoin wallet"


RACE_BUNDLES = 5  # full bundles (about 1 s each with their sanitizer processes); the copy step alone 400 times


def test_no_wallet_bytes_in_any_bundle_while_a_link_is_swapped_in(demo_data_dir: Path, tmp_path: Path) -> None:
    """The issue's race: bisq_3.log flips between a real log, a symlink to the wallet and a hard link of it, as
    fast as a thread can rename; no bundle may ever hold a wallet byte."""
    secret = wallet(demo_data_dir)
    real = demo_data_dir / "bisq_2.log"
    flips = [tmp_path / "as-log", tmp_path / "as-symlink", tmp_path / "as-hardlink"]
    stop = threading.Event()
    counter = [0]

    def swap() -> None:
        while not stop.is_set():
            for i, src in enumerate(flips):
                src.unlink(missing_ok=True)
                if i == 0:
                    src.write_bytes(real.read_bytes())
                elif i == 1:
                    src.symlink_to(secret)
                else:
                    os.link(secret, src)
                os.replace(src, demo_data_dir / "bisq_3.log")
                counter[0] += 1

    # The hard-link flip needs the temp files on the data dir's file system.
    flips = [demo_data_dir.parent / f.name for f in flips]
    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    try:
        for n in range(RACE_BUNDLES):
            res = bundle(demo_data_dir, tmp_path / f"case{n}.zip")
            assert CANARY not in zip_bytes(res.path), f"run {n}: wallet bytes in the bundle"
        for _ in range(400):  # the copy step alone, many more times
            try:
                with open_log(demo_data_dir / "bisq_3.log", demo_data_dir, SecretIndex.build(demo_data_dir)) as fh:
                    assert CANARY not in fh.read()
            except (RefusedInput, FileNotFoundError):
                pass
    finally:
        stop.set()
        thread.join()
    assert counter[0] > 100, "the swapping thread barely ran: the race was not exercised"


def test_bundle_of_a_2gb_sparse_log_keeps_its_newest_part_and_says_so(demo_data_dir: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from redactor.bisq import logfiles
    from redactor.bundle.verify import verify_bundle

    monkeypatch.setattr(logfiles, "MAX_LOG_BYTES", 1 << 20)  # the real limit is 64 MB; the mechanism is the same
    log_path = demo_data_dir / "bisq.log"
    newest = log_path.read_bytes()
    with log_path.open("r+b") as fh:
        fh.truncate(0)
        fh.write(b"Nov-17 08:00:00.000 [main] INFO x: the oldest line\n")
        fh.seek(2 << 30)  # a 2 GB hole
        fh.write(b"\n" + newest)
    res = bundle(demo_data_dir, tmp_path / "case.zip")
    cut = {c["file"]: c for c in res.report["cut"]}
    assert cut["bisq.log"]["bytes"] > 2 << 30 and cut["bisq.log"]["kept_bytes"] <= 1 << 20
    assert any("start of the log bisq.log" in m for m in res.missing)
    with zipfile.ZipFile(res.path) as zf:
        kept = zf.read(f"{TID}/buyer/bisq.log")
        last_stamp = newest.rstrip().rsplit(b"\n", 1)[-1][:19]  # timestamps survive the sanitizer
        assert b"the oldest line" not in kept and 0 < len(kept) <= 1 << 20 and last_stamp in kept
        assert json.loads(zf.read(f"{TID}/redaction-report.json"))["cut"] == res.report["cut"]
    assert verify_bundle(res.path).ok


def test_log_left_out_of_an_explicit_list_is_still_reported(demo_data_dir: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The GUI passes the logs locate() accepted; a symlinked bisq.log it left out must still be in the report."""
    from redactor import cli

    real = tmp_path / "elsewhere.log"
    (demo_data_dir / "bisq.log").rename(real)
    (demo_data_dir / "bisq.log").symlink_to(real)
    d = locate([demo_data_dir], platform="linux", env={}, home=tmp_path / "h").found[0]
    res = bundle(demo_data_dir, tmp_path / "case.zip", log_files=[f.path for f in d.log_files])
    assert list(skipped(res)) == ["bisq.log"] and res.manifest["checklist"]["logs"] is False
    assert cli.main(["locate", "--data-dir", str(demo_data_dir), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["found"]
    assert found[0]["skipped_logs"] == [{"name": "bisq.log",
                                         "reason": "it is a symbolic link (links are never followed)"}]
    assert cli.main(["locate", "--data-dir", str(demo_data_dir)]) == 0
    assert "bisq.log       not collected: it is a symbolic link" in capsys.readouterr().out


def test_only_the_newest_log_files_up_to_the_limit_are_collected(demo_data_dir: Path) -> None:
    from redactor.bisq.logfiles import MAX_LOG_FILES

    for n in range(3, 41):
        (demo_data_dir / f"bisq_{n}.log").write_bytes(b"Nov-01 08:00:00.000 [main] INFO x: old\n")
    scan = scan_log_files(demo_data_dir)
    assert [f.name for f in scan.files] == ["bisq.log"] + [f"bisq_{n}.log" for n in range(1, MAX_LOG_FILES)]
    assert {s.name for s in scan.skipped} == {f"bisq_{n}.log" for n in range(MAX_LOG_FILES, 41)}
    assert all("20 rolled logs" in s.reason for s in scan.skipped)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=200), max_size=60),
       st.integers(0, 8192))
def test_text_is_never_taken_for_a_binary_file(lines: list[str], nul_run: int) -> None:
    """Any text (any script, tabs, colour codes), even after a run of NUL bytes, is a log; Bisq's logs must
    never be refused for their content."""
    data = b"\x00" * (nul_run if nul_run >= 16 else 0) + "\n".join(lines).replace("\x7f", "").encode("utf-8")
    assert binary_kind(data) is None or data.lstrip(b"\x00").startswith((b"PK\x03\x04", b"\x1f\x8b")), data[:80]


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=96, max_size=4096).filter(lambda d: b"\x00" * 16 not in d))
def test_random_bytes_are_a_binary_file(data: bytes) -> None:
    """Key material (DER, raw key bytes) is random-looking: it is refused unless it happens to hold almost no
    control bytes (runs of 16+ NUL bytes are a sparse or damaged log's, and do not count)."""
    controls = sum(1 for b in data if b < 32 and b not in b"\t\n\r\x0b\x0c\x1b" or b == 0x7f)
    if controls > 0.05 * len(data):
        assert binary_kind(data) is not None
