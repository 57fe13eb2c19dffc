"""End to end, on a data dir with Bisq's db files: a name that only Bisq's stored trade chat knows appears in free
text of a log, in a chat screenshot and in the description - and none of it may survive (issue 13)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from redactor.bundle.case import Case, Screenshot
from redactor.bundle.sweep import KnownValueFound
from redactor.bundle.writer import build_bundle
from redactor.matching import fold

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
FACTS = json.loads((DEMO / "demo-facts.json").read_text())
TID = FACTS["trade_id"]
NAME = FACTS["db_only"][0]  # "Grzegorz Brzęczyszczykiewicz": in PendingTrades' trade chat, nowhere else
FIRST, LAST = NAME.split()


def _chat_png(path: Path) -> Path:
    font = ImageFont.truetype(str(DEMO.parent / "fonts" / "IBMPlexSans-Regular.ttf"), 16)
    im = Image.new("RGB", (760, 90), "white")
    draw = ImageDraw.Draw(im)
    draw.text((16, 14), "Received Nov 18, 2026 9:02 AM from peer", font=font, fill=(90, 90, 90))
    draw.text((16, 46), f"Hello, {NAME} here, I sent the money yesterday", font=font, fill=(20, 20, 20))
    im.save(path)
    return path


def _with_free_text_log_line(data_dir: Path) -> None:
    """A line of a format no rule knows: the name in plain free text, in lower case, without its accent."""
    log = data_dir / "bisq.log"
    log.write_text(log.read_text(encoding="utf-8") + "Nov-18 09:03:00.000 [JavaFX Application Thread] INFO  "
                   f"b.d.m.p.PendingTradesView: note from peer: ask {fold(NAME)} about the transfer \n",
                   encoding="utf-8")


def _case(data_dir: Path, shot: Path, description: str) -> Case:
    return Case(trade_id=TID, role="buyer", description=description, txids=[], data_dir=data_dir,
                screenshots=[Screenshot(shot, "chat-first-message")], contract=None)


def _readable(png: bytes) -> str:
    from redactor.image.ocr import TesseractOcr

    return fold(" ".join(w.text for w in TesseractOcr().words(Image.open(io.BytesIO(png)).convert("RGB"))))


def test_the_db_name_is_destroyed_in_a_chat_screenshot(demo_data_dir: Path, tmp_path: Path) -> None:
    """The image redactor receives the db's values: the name goes, the rest of the message stays."""
    res = build_bundle(_case(demo_data_dir, _chat_png(tmp_path / "chat.png"), "The seller does not answer."),
                       tmp_path / "a.zip")
    with zipfile.ZipFile(res.path) as z:
        png = z.read(f"{TID}/buyer/screenshots/chat-first-message.png")
    read = _readable(png)
    assert "hello" in read and "yesterday" in read
    assert "grzegorz" not in read and "brzeczyszczykiewicz" not in read
    assert res.report["known_values"]["sources"]["PendingTrades"] >= 1


def test_a_name_the_text_side_misses_stops_the_export(demo_data_dir: Path, tmp_path: Path) -> None:
    """Fail closed: whatever the sanitizer does not yet know, the final sweep finds, and nothing is written."""
    _with_free_text_log_line(demo_data_dir)
    out = tmp_path / "out" / "b.zip"
    case = _case(demo_data_dir, _chat_png(tmp_path / "chat.png"), f"My partner {NAME} paid from his account.")
    try:
        res = build_bundle(case, out)
    except KnownValueFound as exc:
        assert LAST not in str(exc) and fold(LAST) not in str(exc)
        assert not out.exists()
        return
    with zipfile.ZipFile(res.path) as z:  # the text side knew the values: then nothing of them survives
        for name in z.namelist():
            assert fold(LAST).encode() not in fold(z.read(name).decode("utf-8", "replace")).encode(), name


def test_none_of_the_name_survives_in_any_member(demo_data_dir: Path, tmp_path: Path) -> None:
    _with_free_text_log_line(demo_data_dir)
    case = _case(demo_data_dir, _chat_png(tmp_path / "chat.png"), f"My partner {NAME} paid from his account.")
    res = build_bundle(case, tmp_path / "c.zip")
    with zipfile.ZipFile(res.path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    for name, data in members.items():
        text = fold(data.decode("utf-8", "replace")) if not name.endswith(".png") else _readable(data)
        assert fold(FIRST) not in text and fold(LAST) not in text, name
    assert "paid from his account" in members[f"{TID}/description.txt"].decode()


def _bisq2_dir(root: Path, log_line: str) -> Path:
    """A Bisq 2 data dir: logs, Tor's log, the account and trade stores, and canaries in every secret."""
    from redactor.bisq.stores import encode as enc

    d = root / "Bisq2"
    (d / "tor").mkdir(parents=True)
    (d / "bisq.log").write_text("Nov-18 09:00:00.000 [main] INFO  b.a.ApplicationService: Version: v2.1.7 / "
                                f"Commit hash: abc\n{log_line}\n", encoding="utf-8")
    (d / "tor" / "debug.log").write_text("Nov 18 09:00:00.000 [notice] Bootstrapped 100% (done): Done\n")
    private = d / "db" / "private"
    private.mkdir(parents=True)
    (private / "account_store.protobuf").write_bytes(enc.bisq2_account_store({
        "Main": enc.bisq2_payload(("CountryBased", "Sepa"), {"holderName": "Dana Scully",
                                                            "iban": "DE89370400440532013000"}, country="DE")}))
    (private / "bisq_easy_trade_store.protobuf").write_bytes(enc.bisq2_trade_store(
        {B2_TRADE: "Name: Walter Skinner\nIBAN: GB82 WEST 1234 5698 7654 32"}))
    for rel in ("db/private/key/key_bundle_store.protobuf", "db/private/identity_store.protobuf",
                "db/private/tor/private_key", "tor/hiddenservice/private_key", "bisq.conf",
                "backups/db/private/account_store.protobuf", "pairing_qr_code.txt"):
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text(f"CANARY-{rel} Dana Scully")
    return d


B2_TRADE = "0f3b6c2e-1d4a-3e5f-8a7b-9c0d1e2f3a4b"


def test_a_bisq2_bundle_reads_only_its_allow_listed_files(tmp_path: Path) -> None:
    import os
    import sys

    d = _bisq2_dir(tmp_path, "Nov-18 09:01:00.000 [main] INFO  b.t.BisqEasyTradeService: trade taken")
    opened: list[str] = []
    active = [True]
    sys.addaudithook(lambda e, a: opened.append(os.fsdecode(a[0])) if active[0] and e == "open"
                     and isinstance(a[0], str | bytes | os.PathLike) else None)
    try:
        res = build_bundle(Case(trade_id=B2_TRADE, role="seller", description="The buyer did not pay.", txids=[],
                                data_dir=d, screenshots=[], contract=None), tmp_path / "out" / "b2.zip")
    finally:
        active[0] = False
    inside = {Path(p).resolve().relative_to(d.resolve()).as_posix() for p in opened
              if Path(p).is_absolute() and Path(p).resolve().is_relative_to(d.resolve())}
    # Logs are opened relative to a folder's handle (no link followed): the audit sees their names only.
    relative = {p for p in opened if not Path(p).is_absolute() and Path(p).name in {q.name for q in d.rglob("*")}}
    assert inside - {".", "tor"} == {"db/private/account_store.protobuf", "db/private/bisq_easy_trade_store.protobuf"}
    assert relative - {"tor"} == {"bisq.log", "debug.log"}  # "tor": the folder's handle for tor/debug.log
    assert res.report["known_values"]["sources"] == {"account_store.protobuf": 3,
                                                     "bisq_easy_trade_store.protobuf": 2}
    with zipfile.ZipFile(res.path) as z:
        for name in z.namelist():
            assert b"CANARY" not in z.read(name) and b"Scully" not in z.read(name), name


def test_a_bisq2_peer_name_from_the_trade_store_is_hidden_in_a_log(tmp_path: Path) -> None:
    """The Bisq Easy trade store's free-text account data names the peer; a log line names them in lower case."""
    d = _bisq2_dir(tmp_path, "Nov-18 09:01:00.000 [main] INFO  b.c.ChatService: message from walter skinner")
    res = build_bundle(Case(trade_id=B2_TRADE, role="seller", description="Walter Skinner has not paid.",
                            txids=[], data_dir=d, screenshots=[], contract=None), tmp_path / "out" / "b2.zip")
    with zipfile.ZipFile(res.path) as z:
        log = z.read(f"{B2_TRADE}/seller/bisq.log").decode()
        desc = z.read(f"{B2_TRADE}/description.txt").decode()
    assert "message from" in log and "skinner" not in log.lower() and "walter" not in log.lower()
    assert "has not paid" in desc and "Skinner" not in desc
