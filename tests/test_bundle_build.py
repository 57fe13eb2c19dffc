"""Building a trader's bundle from the demo data: layout, privacy, reproducibility, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from redactor.bundle.case import Case, Screenshot
from redactor.bundle.verify import verify_bundle
from redactor.bundle.writer import build_bundle, placeholders_path
from redactor.bundle.zipio import Cancelled
from redactor.cli import main
from redactor.errors import BadInput, UnsafeOutput

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo"
FACTS = json.loads((DEMO / "demo-facts.json").read_text(encoding="utf-8"))
TID = FACTS["trade_id"]


def tree_state(root: Path) -> dict[str, tuple[int, str]]:
    """Every file and folder with its mtime and content hash: a new folder inside counts as a write too."""
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns,
                                       "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(root.rglob("*"))}


OPENED: list[str] = []
_RECORD = [False]


def _audit(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    if _RECORD[0] and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


def demo_case(data_dir: Path, **kw: object) -> Case:
    args: dict[str, object] = dict(
        trade_id=TID, role="buyer", description=(DEMO / "description.txt").read_text(encoding="utf-8")
        + "Contact me at satoshi.n@example.com or +49 151 23456789. My computer account is satoshi.\n",
        txids=["C3B9FB78A452CE2FC90CFF1608510235503E3B727683B71C7FEFEE54198BAD63", "f" * 64],
        screenshots=[], data_dir=data_dir, contract=DEMO / "contract.json")
    args.update(kw)
    return Case(**args)  # type: ignore[arg-type]


def contents(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_demo_bundle_layout_privacy_and_reproducibility(demo_data_dir: Path, tmp_path: Path) -> None:
    before = tree_state(demo_data_dir)
    stages: list[tuple[str, float]] = []
    res = build_bundle(demo_case(demo_data_dir), tmp_path / "a" / "case.zip",
                       progress=lambda s, f: stages.append((s, f)))
    again = build_bundle(demo_case(demo_data_dir), tmp_path / "b" / "case.zip")
    assert res.path.read_bytes() == again.path.read_bytes()  # same inputs, same bytes
    assert tree_state(demo_data_dir) == before  # nothing written, moved or touched in the data dir
    assert stages[-1] == ("done", 1.0) and all(0.0 <= f <= 1.0 for _, f in stages)

    files = contents(res.path)
    assert sorted(files) == sorted(f"{TID}/{n}" for n in (
        "buyer/bisq.log", "buyer/bisq_1.log", "buyer/bisq_2.log", "contract.json", "description.txt",
        "manifest.json", "redaction-report.json", "txids.txt"))
    raw = res.path.read_bytes()
    for name, data in files.items():
        assert b"CANARY-" not in data, name  # wallet, key and Tor-secret canaries never reach a bundle
        for value in FACTS["personal"]:
            assert value.encode() not in data, (name, value)
    assert b"CANARY-" not in raw

    # The placeholder map stays local: beside the zip, never inside.
    assert res.map_path == placeholders_path(res.path) and res.map_path.is_file()
    assert not any("placeholder" in n for n in files)

    desc = files[f"{TID}/description.txt"].decode()
    assert "Role: BTC buyer" in desc and "Bisq version: 1.10.4" in desc and "Linux" in desc
    assert "Payment started" in desc  # the trader's own words survive
    txids = files[f"{TID}/txids.txt"].decode()
    tx = FACTS["txids"]
    assert f"{tx['deposit']}  deposit" in txids and f"{FACTS['payout_txid']}  payout" in txids
    assert f"{tx['delayed_payout']}  delayed payout" in txids and f"{tx['taker_fee']}  taker fee" in txids
    assert f"{'f' * 64}  given" in txids
    for log_name in ("bisq.log", "bisq_1.log"):
        assert TID.encode() in files[f"{TID}/buyer/{log_name}"]  # IDs stay readable

    man = res.manifest
    assert json.loads(files[f"{TID}/manifest.json"]) == man
    assert {f["path"] for f in man["files"]} == set(files) - {f"{TID}/manifest.json"}
    assert man["checklist"]["logs"] and man["checklist"]["contract"]
    assert not man["checklist"]["screenshot:trade-details"]
    assert "a screenshot of the trade details window" in res.missing
    assert verify_bundle(res.path).ok


def test_only_log_files_are_opened_in_the_data_dir(demo_data_dir: Path, tmp_path: Path) -> None:
    OPENED.clear()
    _RECORD[0] = True
    try:
        build_bundle(demo_case(demo_data_dir), tmp_path / "out" / "case.zip")
    finally:
        _RECORD[0] = False
    root = demo_data_dir.resolve()
    inside = {Path(p).resolve().relative_to(root).as_posix() for p in OPENED
              if Path(p).is_absolute() and Path(p).resolve().is_relative_to(root)}
    # Logs are opened relative to the data dir's handle (openat, no link followed): the audit sees the name only.
    tree_names = {q.name for q in demo_data_dir.rglob("*")}
    relative = {p for p in OPENED if not Path(p).is_absolute() and Path(p).name in tree_names}
    # The allow-listed db files are read in memory for their known values; never a wallet, key, Tor key,
    # another db file or a backup.
    assert inside == {".", "btc_mainnet/db/UserPayload", "btc_mainnet/db/PendingTrades"}
    assert relative == {"bisq.log", "bisq_1.log", "bisq_2.log"}


def test_created_is_reproducible_not_wall_clock(demo_data_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    newest = max(f.stat().st_mtime for f in demo_data_dir.glob("bisq*.log"))
    case = demo_case(demo_data_dir, contract=None)
    res = build_bundle(case, tmp_path / "a.zip")
    assert res.manifest["created"] == datetime.fromtimestamp(int(newest), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763456789")
    assert build_bundle(case, tmp_path / "b.zip").manifest["created"] == "2025-11-18T09:06:29Z"
    explicit = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert build_bundle(case, tmp_path / "c.zip", created=explicit).manifest["created"] == "2026-01-02T03:04:05Z"


def test_refuses_output_in_data_dir_and_bad_input(demo_data_dir: Path, tmp_path: Path) -> None:
    before = tree_state(demo_data_dir)
    with pytest.raises(UnsafeOutput):
        build_bundle(demo_case(demo_data_dir), demo_data_dir / "case.zip")
    with pytest.raises(BadInput, match="not a Bisq trade ID"):
        build_bundle(demo_case(demo_data_dir, trade_id="12345"), tmp_path / "x.zip")
    with pytest.raises(BadInput, match="not a transaction ID"):
        build_bundle(demo_case(demo_data_dir, txids=["deadbeef"]), tmp_path / "x.zip")
    with pytest.raises(BadInput, match="Screenshot not found"):
        build_bundle(demo_case(demo_data_dir, screenshots=[Screenshot(tmp_path / "no.png", "other")]),
                     tmp_path / "x.zip")
    wallet = demo_data_dir / "btc_mainnet" / "wallet" / "bisq_BTC.wallet"
    with pytest.raises(BadInput, match="not a Bisq log file"):
        build_bundle(demo_case(demo_data_dir, log_files=[demo_data_dir / "bisq.log", wallet]), tmp_path / "x.zip")
    assert tree_state(demo_data_dir) == before
    assert not list(tmp_path.glob("*.zip")) and not list(tmp_path.glob(".*part"))


def test_cancel_leaves_no_partial_zip(demo_data_dir: Path, tmp_path: Path) -> None:
    calls = {"n": 0}

    def cancel_late() -> bool:
        calls["n"] += 1
        return calls["n"] > 6

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        build_bundle(demo_case(demo_data_dir), out / "case.zip", cancel=cancel_late)
    assert calls["n"] > 6  # it really got as far as the cancel
    assert list(out.iterdir()) == []


def test_cli_bundle_exit_codes(demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desc = tmp_path / "desc.txt"
    desc.write_text("It went wrong.\n", encoding="utf-8")
    base = ["bundle", "--data-dir", str(demo_data_dir), "--role", "seller", "--description-file", str(desc)]
    out = tmp_path / "s.zip"
    assert main(base + ["--trade-id", TID, "--txid", "a" * 64, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Missing" in printed and "trade details window" in printed and out.is_file()
    assert f"{TID}/seller/bisq.log" in contents(out)
    assert main(base + ["--trade-id", "nonsense", "-o", str(tmp_path / "t.zip")]) == 1
    assert "not a Bisq trade ID" in capsys.readouterr().err
    assert main(["bundle", "--data-dir", str(demo_data_dir), "--role", "buyer", "--trade-id", TID,
                 "--description-file", str(tmp_path / "none.txt"), "-o", str(tmp_path / "u.zip")]) == 1
    assert main(["trades", "--data-dir", str(demo_data_dir), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["trades"][0]["trade_id"] == TID
    assert main(["trades", "--data-dir", str(tmp_path / "nowhere")]) == 1


def test_demo_command_builds_a_verified_bundle(tmp_path: Path) -> None:
    from redactor.bundle.demo import run_demo

    res = run_demo(tmp_path / "out", screenshots=False)
    assert res.path == tmp_path / "out" / f"{TID}.zip" and verify_bundle(res.path).ok
    assert not (DEMO / "Bisq" / f"{TID}.zip").exists()


# --- screenshots (the image redactor, issue 3) ---------------------------------------------------------------

def test_screenshot_with_reviewed_boxes_is_rendered_without_ocr(demo_data_dir: Path, tmp_path: Path) -> None:
    from PIL import Image

    from redactor.image import redact

    shot = tmp_path / "popup.png"
    Image.new("RGB", (200, 100), "white").save(shot)
    box = redact.Box(10, 10, 50, 20, "payment-details")
    case = demo_case(demo_data_dir, screenshots=[Screenshot(shot, "error-popup", boxes=[box]),
                                                 Screenshot(shot, "error-popup", boxes=[])])
    res = build_bundle(case, tmp_path / "case.zip")
    assert build_bundle(case, tmp_path / "again.zip").path.read_bytes() == res.path.read_bytes()
    files = contents(res.path)
    first = f"{TID}/buyer/screenshots/error-popup.png"
    assert first in files and f"{TID}/buyer/screenshots/error-popup-2.png" in files
    import io
    img = Image.open(io.BytesIO(files[first])).convert("RGB")
    assert img.getpixel((30, 20)) != (255, 255, 255)  # inside the box: filled
    assert img.getpixel((150, 80)) == (255, 255, 255)
    assert res.manifest["checklist"]["screenshot:error-popup"]
    report = json.loads(files[f"{TID}/redaction-report.json"])
    assert report["screenshots"]["buyer/screenshots/error-popup.png"]["reviewed_by_user"] is True
    assert verify_bundle(res.path).ok


def test_bad_screenshot_names_the_file_and_writes_nothing(demo_data_dir: Path, tmp_path: Path) -> None:
    from redactor.errors import RedactorError

    bad = tmp_path / "broken-shot.png"
    bad.write_bytes(b"not a png at all")
    out = tmp_path / "out"
    with pytest.raises(RedactorError, match="broken-shot.png"):
        build_bundle(demo_case(demo_data_dir, screenshots=[Screenshot(bad, "other")]), out / "case.zip")
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.ocr
def test_screenshot_auto_redacted_with_real_ocr(demo_data_dir: Path, tmp_path: Path) -> None:
    shot = DEMO / "screenshots" / "trade-details.png"
    if not shot.is_file():
        pytest.skip("resources/demo/screenshots/trade-details.png is not here yet")
    res = build_bundle(demo_case(demo_data_dir, screenshots=[Screenshot(shot, "trade-details")]), tmp_path / "c.zip")
    files = contents(res.path)
    png = files[f"{TID}/buyer/screenshots/trade-details.png"]
    assert png != shot.read_bytes()
    report = json.loads(files[f"{TID}/redaction-report.json"])["screenshots"]["buyer/screenshots/trade-details.png"]
    assert report["boxes"] > 0 and report["verified"] is True
    assert res.manifest["checklist"]["screenshot:trade-details"] and verify_bundle(res.path).ok


def test_cli_demo_prints_path_and_checklist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    zip_path = tmp_path / "out" / f"{TID}.zip"
    assert str(zip_path) in out and "Checklist:" in out and "[x] the Bisq log files" in out
    assert main(["verify", str(zip_path)]) == 0
    shots = sorted((DEMO / "screenshots").glob("*.png")) if (DEMO / "screenshots").is_dir() else []
    try:
        import redactor.image.redact  # noqa: F401
    except ImportError:
        shots = []
    with zipfile.ZipFile(zip_path) as zf:  # the demo screenshots are used once they (and the redactor) exist
        assert len([n for n in zf.namelist() if "/screenshots/" in n]) == len(shots)


def test_bisq_version_and_os_from_bisq1_and_bisq2_logs(tmp_path: Path) -> None:
    from redactor.bundle.writer import bisq_facts

    b2 = tmp_path / "bisq.log"
    b2.write_text("Aug-04 11:19:30.123 [main] INFO  b.a.ApplicationService: Version: v2.1.7 / Commit hash: ab12 \n")
    assert bisq_facts([b2]) == {"version": "2.1.7"}
    assert bisq_facts([tmp_path / "missing.log", DEMO / "Bisq" / "bisq_2.log"]) == {
        "version": "1.10.4", "os": "Linux 6.1.0-27-amd64 (amd64)"}


def test_description_and_logs_share_placeholders(demo_data_dir: Path, tmp_path: Path) -> None:
    import json
    import re

    logged = "alice.mueller@example.org"  # in the demo's bisq_1.log, after another address in bisq.log
    new = "only.here@example.net"
    case = demo_case(demo_data_dir, description=f"Seller {logged.upper()} asked me to write to {new}.")
    result = build_bundle(case, tmp_path / "case.zip")
    files = contents(result.path)
    desc = next(v for k, v in files.items() if k.endswith("description.txt")).decode()
    log1 = next(v for k, v in files.items() if k.endswith("buyer/bisq_1.log")).decode()
    assert logged not in desc.lower() and new not in desc and logged not in log1
    in_desc = re.findall(r"<email-\d+>", desc)
    assert len(in_desc) == 2 and in_desc[0] in log1 and in_desc[1] not in log1
    assert result.map_path is not None
    mapping = json.loads(result.map_path.read_text())["placeholders"]
    assert logged in mapping[in_desc[0]] and new in mapping[in_desc[1]]


@pytest.mark.ocr
def test_contract_values_are_hidden_in_a_chat_screenshot(demo_data_dir: Path, tmp_path: Path) -> None:
    """The bundle looks for the contract's payment data in every screenshot: a name in a chat message."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(DEMO.parent / "fonts" / "IBMPlexSans-Regular.ttf"), 15)
    im = Image.new("RGB", (640, 60), "white")
    ImageDraw.Draw(im).text((16, 18), "Hello, Satoshi O'Brien here, I paid yesterday.", font=font, fill=(20, 20, 20))
    shot = tmp_path / "chat.png"
    im.save(shot)
    case = demo_case(demo_data_dir, screenshots=[Screenshot(shot, "chat-first-message")])
    res = build_bundle(case, tmp_path / "c.zip")
    report = json.loads(contents(res.path)[f"{TID}/redaction-report.json"])["screenshots"]
    entry = report["buyer/screenshots/chat-first-message.png"]
    assert set(entry["reasons"]) == {"known-personal"} and entry["verified"] is True
    import io

    from redactor.image.ocr import TesseractOcr

    png = contents(res.path)[f"{TID}/buyer/screenshots/chat-first-message.png"]
    read = " ".join(w.text for w in TesseractOcr().words(Image.open(io.BytesIO(png)).convert("RGB")))
    assert "Hello" in read and "yesterday" in read and "Satoshi" not in read and "Brien" not in read
    no_contract = build_bundle(demo_case(demo_data_dir, screenshots=[Screenshot(shot, "chat-first-message")],
                                         contract=None), tmp_path / "d.zip")
    full = json.loads(contents(no_contract.path)[f"{TID}/redaction-report.json"])
    # Without the contract, Bisq's own UserPayload still names the trader's account holder: hidden all the same.
    assert full["screenshots"]["buyer/screenshots/chat-first-message.png"]["reasons"] == {"known-personal": 1}
    assert set(full["known_values"]["sources"]) == {"UserPayload", "PendingTrades"}


def test_a_bad_contract_fails_before_the_logs_are_read(demo_data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "contract.json"
    bad.write_text("not json at all")
    shot = DEMO / "screenshots" / "chat.png"
    stages: list[str] = []
    with pytest.raises(BadInput, match="not a contract JSON"):
        build_bundle(demo_case(demo_data_dir, contract=bad, screenshots=[Screenshot(shot, "chat-first-message")]),
                     tmp_path / "c.zip", progress=lambda stage, _f: stages.append(stage))
    assert "sanitizing logs" not in stages and not (tmp_path / "c.zip").exists()
