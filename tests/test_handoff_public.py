"""The public-issue profile: IDs become consistent placeholders in every member, screenshots lose them too."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from gui_support import render_trade_details
from test_bundle_build import FACTS, TID, demo_case

from redactor.bundle.verify import verify_bundle
from redactor.bundle.writer import build_bundle
from redactor.cli import main
from redactor.errors import UnsafeOutput
from redactor.handoff.public import PublicValues, learn, replace

ONION = "hemrmvt5tkyqz54lk3hq5qluts44cmsahemrmvt5tkyqz54lk3hq5qld"
PROFILE = "3f1e9a7c2b4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f"
COMMIT = "9b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a2b3c"
UUID = "5e0f3a1c-9d2b-3c4e-8f6a-1b2c3d4e5f6a"
TX = "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63"
BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
NYM = "Unstoppable-Rainy-Sleepwalker-453"

FILE_A = f"""Nov-18 08:22:34.047 [main] INFO  b.a.Version: Version: v2.1.7 / Commit hash: {COMMIT}
Nov-18 08:22:46.916 [main] INFO  b.n.TorNode: published {ONION}.onion:9999 for <email-1>
Nov-18 08:23:01.001 [main] INFO  b.u.UserProfile: UserProfile{{nickName='SatoshiFan', nym={NYM}, id={PROFILE}}}
Nov-18 08:23:02.002 [main] INFO  b.t.Trade: trade {TID} (short {TID.split('-')[0]}) offer {UUID}
"""
FILE_B = f"""Nov-18 09:00:00.000 [main] INFO  b.c.Chat: SatoshiFan [{NYM}] wrote; peer {ONION[:7]}..{ONION[-7:]}
Nov-18 09:00:01.000 [main] INFO  b.w.Wallet: deposit {TX.upper()} to {BTC}; again {TX}
"""


def test_text_pass_replaces_every_id_consistently_across_files() -> None:
    learnt = PublicValues()
    for text in (FILE_A, FILE_B):
        learn(text, learnt)
    a, b = replace(FILE_A, learnt), replace(FILE_B, learnt)
    for value in (ONION, PROFILE, UUID, TX, TX.upper(), BTC, NYM, "SatoshiFan", TID, TID.split("-")[0],
                  f"{ONION[:7]}..{ONION[-7:]}"):
        assert value not in a + b, value
    assert COMMIT in a  # the release's commit hash says nothing about the user
    assert "<email-1>" in a  # the sanitizer's placeholders pass through untouched
    assert "published <onion-1>:9999" in a and "peer <onion-1>" in b  # shortened onion: same placeholder
    assert "trade <trade-1> (short <trade-1>) offer <trade-2>" in a
    assert "deposit <tx-1> to <btc-1>; again <tx-1>" in b  # upper- and lower-case tx ID: one placeholder
    assert "nickName='<nick-1>', nym=<nym-1>, id=<profile-1>" in a
    assert "<nick-1> [<nym-1>] wrote" in b  # the nickname learnt in file A is replaced in file B too


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _ids() -> list[str]:
    values = [TID, TID.split("-")[0], FACTS["other_trade_id"], FACTS["payout_txid"], *FACTS["txids"].values(),
              *FACTS["onions"].values()]
    return values + [v.upper() for v in values]


def test_public_bundle_has_no_ids_and_no_trade_name(demo_data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UnsafeOutput, match="must not contain the trade ID"):
        build_bundle(demo_case(demo_data_dir), out / f"{TID}.zip", audience="public")
    with pytest.raises(UnsafeOutput, match="'Xk3pQ'"):
        build_bundle(demo_case(demo_data_dir), out / "Xk3pQ-issue.zip", audience="public")
    assert list(out.iterdir()) == []
    res = build_bundle(demo_case(demo_data_dir), out / "bisq-issue.zip", audience="public")
    assert verify_bundle(res.path).ok
    members = _members(res.path)
    assert all(n.startswith("public-case/") for n in members)
    for name, data in members.items():
        for value in _ids():
            assert value.encode() not in data, f"{value} in {name}"
        for value in FACTS["personal"]:  # the sanitizer's work is kept
            assert value.encode() not in data, f"{value} in {name}"
    manifest = json.loads(members["public-case/manifest.json"])
    assert manifest["audience"] == "public" and manifest["trade_id"] == "public-case"
    txids = members["public-case/txids.txt"].decode()
    deposit = next(line.split()[0] for line in txids.splitlines() if line.endswith("deposit"))
    assert deposit.startswith("<tx-")
    logs = b"".join(d for n, d in members.items() if n.endswith(".log")).decode()
    assert deposit in logs  # the same tx ID has the same placeholder in the logs: a developer can follow it
    assert "Trade ID: <trade-1>" in members["public-case/description.txt"].decode()
    report = json.loads(members["public-case/redaction-report.json"])
    assert report["public"]["replaced_ids"]["tx"] >= 5 and report["trade_id"] == "<trade-1>"
    local = out / "bisq-issue.public-placeholders.json"
    assert stat.S_IMODE(local.stat().st_mode) == 0o600
    assert TID in local.read_text()  # the trader's own key to the placeholders stays on their computer
    assert not any(TID in n for n in members) and TID not in res.path.name


def test_agent_bundle_records_its_audience_and_keeps_ids(demo_data_dir: Path, tmp_path: Path) -> None:
    res = build_bundle(demo_case(demo_data_dir), tmp_path / f"{TID}.zip")
    members = _members(res.path)
    assert json.loads(members[f"{TID}/manifest.json"])["audience"] == "agent"
    assert TID.encode() in members[f"{TID}/description.txt"]


@pytest.mark.ocr
def test_public_screenshot_loses_its_ids_with_real_ocr(demo_data_dir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from redactor.image.ocr import TesseractOcr
    from redactor.image.redact import load_image_bytes

    shot = tmp_path / "trade-details.png"
    drawn = render_trade_details(shot)
    desc = tmp_path / "d.txt"
    desc.write_text("It went wrong.\n", encoding="utf-8")
    out = tmp_path / "issue.zip"
    assert main(["bundle", "--data-dir", str(demo_data_dir), "--role", "buyer", "--trade-id", TID,
                 "--description-file", str(desc), "--screenshot", f"{shot}:trade-details", "--for", "public",
                 "-o", str(out)]) == 0
    capsys.readouterr()
    png = _members(out)["public-case/buyer/screenshots/trade-details.png"]
    ocr = TesseractOcr()
    try:
        words = [w.text for w in ocr.words(load_image_bytes(png, "x.png"))]
    finally:
        ocr.close()
    text = " ".join(words)
    for value in (drawn["trade_id"], "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63"):
        for i in range(0, len(value) - 8):
            assert value[i:i + 8] not in text, f"a piece of {value} is still readable"
    assert "Trade ID" in text and "Nov 18, 2026" in text  # labels and other values stay readable
    import numpy as np

    pixels = np.asarray(load_image_bytes(png, "x.png").convert("RGB"))
    assert not (pixels[70:, :280] == 0).all(axis=2).any()  # no fill reaches into the label column (grey text)
    assert main(["verify", str(out)]) == 0
    assert "for a public issue (IDs replaced)" in capsys.readouterr().out


def test_public_bundles_are_not_merged(demo_data_dir: Path, tmp_path: Path) -> None:
    """Every public bundle's folder is public-case/: merge must not take that for one trade."""
    from redactor.bundle.merge import merge_bundles
    from redactor.errors import BadInput

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    buyer = build_bundle(demo_case(demo_data_dir), tmp_path / "a" / "issue.zip", audience="public").path
    seller = build_bundle(demo_case(demo_data_dir, role="seller"), tmp_path / "b" / "issue.zip",
                          audience="public").path
    with pytest.raises(BadInput, match="made for a public issue"):
        merge_bundles(buyer, seller, tmp_path / "case.zip")
    assert not (tmp_path / "case.zip").exists()


def test_cancel_during_the_public_pass_leaves_nothing(demo_data_dir: Path, tmp_path: Path) -> None:
    from redactor.bundle.zipio import Cancelled

    seen: list[str] = []
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        build_bundle(demo_case(demo_data_dir), out / "issue.zip", audience="public",
                     progress=lambda stage, _f: seen.append(stage),
                     cancel=lambda: "replacing IDs for a public issue" in seen)
    assert seen[-1] == "replacing IDs for a public issue"  # stopped inside the pass, not before it
    assert list(out.iterdir()) == []
