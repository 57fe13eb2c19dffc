"""(Agents) merge, close and purge."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_bundle_verify import FILES, TID, small_bundle

from redactor.bundle.merge import merge_bundles
from redactor.bundle.retention import close_case, closed_at, marker_path, purge_cases
from redactor.bundle.verify import verify_bundle
from redactor.cli import main
from redactor.errors import BadInput

SELLER_FILES = {"description.txt": b"Role: BTC seller\n\nNothing arrived.\n",
                "txids.txt": b"a" * 64 + b"  given\n" + b"b" * 64 + b"  payout\n",
                "seller/bisq.log": b"Nov-18 08:12:01.044 [main] INFO  x: seller \n",
                "seller/screenshots/chat-first-message.png": b"\x89PNG fake but hashed\n"}


def test_merge_two_traders_into_one_verified_case(tmp_path: Path) -> None:
    buyer = small_bundle(tmp_path / "buyer.zip", FILES, role="buyer")
    seller = small_bundle(tmp_path / "seller.zip", SELLER_FILES, role="seller",
                          when=datetime(2026, 11, 19, tzinfo=UTC))
    out = merge_bundles(seller, buyer, tmp_path / "case.zip")  # order of arguments does not matter
    result = verify_bundle(out)
    assert result.ok, result.problems
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        txids = zf.read(f"{TID}/txids.txt").decode()
    assert names == {f"{TID}/{n}" for n in (
        "manifest.json", "txids.txt", "buyer/description.txt", "buyer/txids.txt", "buyer/bisq.log",
        "seller/description.txt", "seller/txids.txt", "seller/bisq.log", "seller/screenshots/chat-first-message.png")}
    assert f"{'a' * 64}  deposit" in txids and f"{'b' * 64}  payout" in txids  # the labelled one wins over "given"
    m = result.manifest
    assert m is not None and m["role"] == "case" and m["roles"] == ["buyer", "seller"]
    assert m["created"] == "2026-11-19T00:00:00Z"
    assert m["checklist"]["seller"]["screenshot:chat-first-message"] and not m["checklist"]["buyer"]["contract"]
    assert merge_bundles(buyer, seller, tmp_path / "again.zip").read_bytes() == out.read_bytes()


def test_merge_refusals(tmp_path: Path) -> None:
    buyer = small_bundle(tmp_path / "buyer.zip", FILES, role="buyer")
    other_tid = "84721-5c0d9e2a-1b7f-4e6a-8c3d-0f9e8d7c6b5a-1103"
    other = small_bundle(tmp_path / "other.zip", SELLER_FILES, role="seller", trade_id=other_tid)
    buyer2 = small_bundle(tmp_path / "buyer2.zip", {"description.txt": b"again"}, role="buyer")
    with pytest.raises(BadInput, match="two different trades"):
        merge_bundles(buyer, other, tmp_path / "x.zip")
    with pytest.raises(BadInput, match="Both bundles are from the BTC buyer"):
        merge_bundles(buyer, buyer2, tmp_path / "x.zip")
    seller = small_bundle(tmp_path / "seller.zip", SELLER_FILES, role="seller")
    data = bytearray(seller.read_bytes())
    data[100] ^= 1
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(data)
    with pytest.raises(BadInput, match="failed verification"):
        merge_bundles(buyer, tampered, tmp_path / "x.zip")
    case = merge_bundles(buyer, seller, tmp_path / "case.zip")
    with pytest.raises(BadInput, match="already a merged case"):
        merge_bundles(case, seller, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
    assert main(["merge", str(buyer), str(other), "-o", str(tmp_path / "x.zip")]) == 1
    assert main(["merge", str(buyer), str(seller), "-o", str(tmp_path / "y.zip")]) == 0


def unpacked_case(folder: Path, bundle: Path) -> Path:
    """A case folder as an agent gets it by unpacking a bundle: <folder>/<tradeId>/..."""
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(folder)
    return folder


def test_close_then_purge_dry_run_and_yes(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    old = small_bundle(cases / "old.zip", FILES)
    recent = small_bundle(cases / "recent.zip", FILES)
    folder = unpacked_case(cases / "folder-case", small_bundle(tmp_path / "f.zip", FILES))
    open_case = small_bundle(cases / "open.zip", FILES)
    t0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    close_case(old, now=t0)
    close_case(folder, now=t0)
    close_case(recent, now=t0 + timedelta(days=20))
    close_case(old, now=t0 + timedelta(days=10))  # closing again keeps the first time
    assert closed_at(old) == t0 and closed_at(open_case) is None

    now = t0 + timedelta(days=30, seconds=1)
    assert purge_cases(cases, now=now).deleted == [folder, old]  # dry run by default: nothing deleted
    assert old.exists() and folder.exists()
    assert purge_cases(cases, now=t0 + timedelta(days=29)).deleted == []
    assert purge_cases(cases, after_days=10, now=now).deleted == [folder, old, recent]
    result = purge_cases(cases, now=now, dry_run=False)
    assert result.deleted == [folder, old] and result.left == []
    assert not old.exists() and not folder.exists() and not marker_path(old).exists()
    assert recent.exists() and open_case.exists() and marker_path(recent).exists()


def test_cli_close_and_purge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = small_bundle(tmp_path / "case.zip", FILES)
    assert main(["close", str(case)]) == 0
    assert main(["purge", str(tmp_path), "--after", "0d"]) == 0
    assert "Would delete" in capsys.readouterr().out and case.exists()
    assert main(["purge", str(tmp_path), "--after", "0d", "--yes"]) == 0
    assert not case.exists()
    assert main(["close", str(tmp_path / "nothing.zip")]) == 1
    assert main(["purge", str(tmp_path / "nowhere")]) == 1
    with pytest.raises(SystemExit):
        main(["purge", str(tmp_path), "--after", "thirty"])


def test_merge_never_writes_into_a_bisq_data_dir(tmp_path: Path, demo_data_dir: Path) -> None:
    from redactor.errors import UnsafeOutput

    buyer = small_bundle(tmp_path / "buyer.zip", FILES, role="buyer")
    seller = small_bundle(tmp_path / "seller.zip", SELLER_FILES, role="seller")
    with pytest.raises(UnsafeOutput):
        merge_bundles(buyer, seller, demo_data_dir / "case.zip")
    assert not (demo_data_dir / "case.zip").exists()
