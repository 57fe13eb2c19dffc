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
