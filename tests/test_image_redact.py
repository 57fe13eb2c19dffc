"""Screenshot redaction accuracy with real Tesseract on a fixed sample of synthetic Bisq windows and the demo
screenshots (issue 3 "Must reach"), plus layout rules on hand-made OCR words."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fake_ocr import FakeOcr
from PIL import Image, ImageDraw, ImageFilter

from redactor.image.ocr import TesseractOcr, Word
from redactor.image.redact import Box, _carve, detect, load_image, redact, redact_batch, render, verify

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import bisqwindows  # noqa: E402

pytestmark = pytest.mark.ocr
DEMO_SHOTS = REPO / "resources" / "demo" / "screenshots"


def _check_targets(shot: bisqwindows.Shot) -> None:
    clean, red = redact(shot.image)
    assert red.verified and red.problems == []
    assert red.kind == shot.meta["screen_kind"], f"{shot.name}: recognised as {red.kind}"
    assert clean.size == shot.image.size
    reread = [w.text for w in TesseractOcr().words(clean)]
    sc = bisqwindows.score(shot, red.boxes, reread)
    assert sc["missed"] == [], f"{shot.name}: personal words not destroyed"
    assert sc["read_back"] == [], f"{shot.name}: a second OCR pass still reads personal words"
    assert sc["touched"] == [], f"{shot.name}: keep fields (IDs, tx IDs, labels) were touched"
    assert sc["outside_frac"] <= 0.02, f"{shot.name}: {sc['outside_frac']:.2%} changed outside payment fields"
    # Only the boxes changed, and they are flat: no original pixel survives inside a box.
    for b in red.boxes:
        region = clean.crop((b.x, b.y, b.x + b.w, b.y + b.h))
        assert region.getextrema() == ((0, 0), (0, 0), (0, 0))


@pytest.mark.parametrize("spec", bisqwindows.fixed_sample(), ids=lambda s: f"{s['kind']}-{s['lang']}-{s['theme']}")
def test_fixed_sample_meets_targets(spec: dict) -> None:
    _check_targets(bisqwindows.render(**spec))


@pytest.mark.parametrize("name", sorted(bisqwindows.DEMO))
def test_demo_screenshots_meet_targets(name: str) -> None:
    shot = bisqwindows.render(**bisqwindows.DEMO[name])
    on_disk = Image.open(DEMO_SHOTS / f"{name}.png").convert("RGB")
    assert on_disk.tobytes() == shot.image.tobytes(), "demo file no longer matches its generator"
    _check_targets(shot)


def test_pre_blurred_and_pixelated_areas_do_not_crash() -> None:
    shot = bisqwindows.render("dispute-details", lang="en", seed=5)
    im = shot.image.copy()
    x0, y0, x1, y1 = 250, 180, 900, 260
    im.paste(im.crop((x0, y0, x1, y1)).filter(ImageFilter.GaussianBlur(5)), (x0, y0))
    small = im.crop((x0, 300, x1, 340)).resize(((x1 - x0) // 12, 4), Image.Resampling.NEAREST)
    im.paste(small.resize((x1 - x0, 40), Image.Resampling.NEAREST), (x0, 300))
    red = detect(im)
    assert all(0 <= b.x and b.x + b.w <= im.width and 0 <= b.y and b.y + b.h <= im.height for b in red.boxes)


def test_batch_uses_a_pool_and_keeps_order(tmp_path: Path) -> None:
    srcs = [DEMO_SHOTS / "error-popup.png", DEMO_SHOTS / "chat.png"]
    results = redact_batch(srcs, tmp_path / "out", workers=2)
    assert [r.src for r in results] == srcs
    assert all(r.error is None and r.dst is not None and r.dst.is_file() for r in results)
    assert all(r.redaction is not None and r.redaction.boxes for r in results)


# --- layout rules on hand-made OCR words (no Tesseract) --------------------------------------------------

def _row(y: int, x: int, text: str, h: int = 10, gap: int = 5) -> list[Word]:
    out = []
    for part in text.split(" "):
        w = 7 * len(part)
        out.append(Word(part, x, y, w, h, 95.0))
        x += w + gap
    return out


def _covered(word: Word, boxes: list[Box]) -> bool:
    return any(b.x <= word.x and word.x1 <= b.x + b.w and b.y <= word.y and word.y1 <= b.y + b.h for b in boxes)


def _touched(word: Word, boxes: list[Box]) -> bool:
    return any(b.x < word.x1 and word.x < b.x + b.w and b.y < word.y1 and word.y < b.y + b.h for b in boxes)


def test_label_left_rows_redact_payment_details_only() -> None:
    trade_id = _row(40, 300, "Ab3dE-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104")
    pay = _row(67, 300, "SEPA - Account owner full name: Alice Müller, IBAN: DE89370400440532013000")
    txid = _row(94, 300, "c3b9fb78a452ce2fc90cff1608510235503e3b727683b71c7fefee54198bad63")
    labels = (_row(40, 20, "Trade ID") + _row(67, 20, "BTC buyer payment details")
              + _row(94, 20, "Deposit transaction ID"))
    words = labels + trade_id + pay + txid
    image = Image.new("RGB", (1000, 140), "white")
    red = detect(image, ocr=FakeOcr(words))
    assert all(_covered(w, red.boxes) for w in pay)
    assert not any(_touched(w, red.boxes) for w in labels + trade_id + txid)
    assert {b.reason for b in red.boxes} == {"payment-details"}
    # To the end of the value cell (hides the value's length): up to the image edge on a blank window.
    assert max(b.x + b.w for b in red.boxes) >= 990


def test_label_above_field_and_colon_labels_in_any_language() -> None:
    words = (_row(20, 20, "Nombre completo") + _row(20, 400, "Zu überweisender Betrag")
             + _row(45, 26, "Jürgen Schneider") + _row(45, 406, "250.00 EUR")
             + _row(90, 20, "E-Mail oder Telefonnummer: jschneider@web.de")
             + _row(120, 20, "Sender's name, per trade contract: Jürgen Schneider"))
    image = Image.new("RGB", (800, 150), "white")
    red = detect(image, ocr=FakeOcr(words))
    name = [w for w in words if w.y == 45 and w.x < 300]
    amount = [w for w in words if w.y == 45 and w.x > 300]
    assert all(_covered(w, red.boxes) for w in name)
    assert not any(_touched(w, red.boxes) for w in amount)
    email = [w for w in words if "@" in w.text]
    assert all(_covered(w, red.boxes) for w in email)
    sender = [w for w in words if w.y == 120 and w.text in ("Jürgen", "Schneider")]
    assert all(_covered(w, red.boxes) for w in sender)
    labels = [w for w in words if w.y == 120 and w.text not in ("Jürgen", "Schneider")]
    assert not any(_touched(w, red.boxes) for w in labels)


def test_fuzzy_label_survives_ocr_errors() -> None:
    words = _row(20, 20, "BTC buyer payrnent detai1s") + _row(20, 300, "Zelle - Account owner full name: Bob Smith")
    red = detect(Image.new("RGB", (900, 60), "white"), ocr=FakeOcr(words))
    assert all(_covered(w, red.boxes) for w in words if w.x >= 300)


def test_account_name_with_method_prefix_is_redacted_anywhere() -> None:
    words = _row(20, 20, "Zelle (ClearXchange): mfiver satoshi")
    red = detect(Image.new("RGB", (600, 60), "white"), ocr=FakeOcr(words))
    assert all(_covered(w, red.boxes) for w in words if w.text in ("mfiver", "satoshi"))
    assert not any(_touched(w, red.boxes) for w in words if w.text.startswith(("Zelle", "(Clear")))


def test_render_is_a_flat_opaque_fill_of_exactly_the_boxes() -> None:
    im = Image.effect_noise((200, 100), 80).convert("RGB")
    out = render(im, [Box(10, 20, 30, 15, "email")])
    assert out.crop((10, 20, 40, 35)).getextrema() == ((0, 0), (0, 0), (0, 0))
    diff = [(x, y) for x in range(200) for y in range(100) if out.getpixel((x, y)) != im.getpixel((x, y))]
    assert all(10 <= x < 40 and 20 <= y < 35 for x, y in diff)


def test_verify_flags_a_detected_box_the_user_removed() -> None:
    shot = bisqwindows.render(**bisqwindows.DEMO["trade-details"])
    clean, red = redact(shot.image)
    assert verify(clean, red) == []
    without_first = render(shot.image, red.boxes[1:])
    problems = verify(without_first, red)
    assert problems and all("@" not in p and not any(ch.isdigit() for ch in p) for p in problems)


# The benchmark's popup-over-form JPEGs: a BIC and an e-mail on the dimmed form behind the popup were missed once
# (with one OCR process per image instead of two strips), and the fixed sample above did not notice.
POPUP_OVER_FORM_JPEGS = [s for s in bisqwindows.benchmark_set()
                         if s["kind"] == "popup-over-form" and s["fmt"] == "jpeg"]


@pytest.mark.parametrize("spec", POPUP_OVER_FORM_JPEGS, ids=lambda s: f"{s['lang']}-{s['scale']}x-{s['seed']}")
def test_benchmark_popup_over_form_jpegs_meet_targets(spec: dict) -> None:
    import io

    shot = bisqwindows.render(**{**spec, "fmt": "png"})
    buf = io.BytesIO()
    shot.image.save(buf, "JPEG", quality=88)  # as the benchmark stores them
    shot.image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    _check_targets(shot)


# --- regressions from the real screenshots in ../shared/real-screens, rebuilt as small synthetic cases ------

def _pixelate(draw: ImageDraw.ImageDraw, x0: int, y0: int, x1: int, y1: int, block: int = 12) -> None:
    """Grey blocks of varying shade with lighter seams, as an author's pixelation of a value leaves them."""
    shades = [229, 203, 221, 211, 234, 206]
    for i, x in enumerate(range(x0, x1, block)):
        draw.rectangle((x, y0, min(x1, x + block - 1), y1 - 1), fill=(shades[i % 6],) * 3)
        if i % 5 == 4:
            draw.rectangle((x, y0, x + 1, y1 - 1), fill=(240, 240, 240))


def _inside(rect: tuple[int, int, int, int], boxes: list[Box]) -> bool:
    """Every pixel of rect (x0, y0, x1, y1) under some box."""
    x0, y0, x1, y1 = rect
    return all(any(b.x <= x < b.x + b.w and b.y <= y < b.y + b.h for b in boxes)
               for x in range(x0, x1) for y in range(y0, y1))


def test_payment_details_row_with_an_unreadable_pixelated_value_is_filled() -> None:
    # Real image 11 (Dispute details, values pre-pixelated): OCR reads the row labels and nothing right of them.
    image = Image.new("RGB", (900, 90), (242, 242, 242))
    draw = ImageDraw.Draw(image)
    _pixelate(draw, 230, 18, 760, 35)
    _pixelate(draw, 230, 50, 700, 67)
    words = _row(20, 20, "BTC buyer payment details:", h=13) + _row(52, 20, "BTC seller payment details:", h=13)
    red = detect(image, ocr=FakeOcr(words))
    assert _inside((230, 18, 760, 35), red.boxes) and _inside((230, 50, 700, 67), red.boxes)
    assert not any(_touched(w, red.boxes) for w in words)
    assert {b.reason for b in red.boxes} == {"payment-details"}


def test_blurred_field_under_its_label_is_filled_to_the_field_border_and_bottom() -> None:
    # Real image 18 (account form, e-mail pre-blurred): the blur runs past the label's end and below 3 text
    # heights; its own edge is no field border, the field's underline is.
    image = Image.new("RGB", (800, 130), (244, 244, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((21, 42, 770, 79), fill="white")
    draw.rectangle((21, 80, 770, 81), fill=(150, 150, 150))  # the field's underline
    _pixelate(draw, 24, 51, 170, 71, block=10)
    words = _row(30, 23, "Email or mobile no.", h=10) + _row(100, 23, "Currency", h=10)
    red = detect(image, ocr=FakeOcr(words))
    assert _inside((24, 51, 170, 71), red.boxes)
    assert _inside((24, 45, 760, 78), red.boxes)  # the whole field: the value's length is hidden too
    assert not any(_touched(w, red.boxes) for w in words)


def _popup_over_window(size: tuple[int, int], edge_x: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A grey window with a white popup laid over it from edge_x on, its border a tall dark line."""
    image = Image.new("RGB", size, (242, 242, 242))
    draw = ImageDraw.Draw(image)
    draw.rectangle((edge_x, 0, size[0] - 1, size[1] - 1), fill="white")
    draw.rectangle((edge_x, 0, edge_x + 1, size[1] - 1), fill=(116, 116, 116))
    return image, draw


def test_row_label_behind_a_popup_does_not_take_the_popups_words() -> None:
    # Real image 12: "BTC buyer payment det…" of the window behind a contract popup shares a line with the
    # popup's "holderName": key; the row rule took the key too, and the fill merged with the line above was
    # carved around the e-mail key over both lines, leaving part of the name unfilled.
    image, draw = _popup_over_window((900, 120), 330)
    _pixelate(draw, 484, 28, 690, 42)  # e-mail value, pre-pixelated: OCR reads a speck only
    _pixelate(draw, 446, 48, 600, 62)  # holder name value, pre-pixelated
    behind = _row(50, 20, "BTC buyer payment deté", h=12)
    email_key = _row(30, 350, '"emailOrMobileNr":', h=11)
    speck = [Word('"ee', 486, 33, 150, 6, 28.0)]
    name_key = _row(50, 350, '"holderName":', h=11)
    name_junk = [Word('"\\itensm:', 447, 51, 46, 10, 0.0), Word('liensmammmesties",', 498, 51, 99, 12, 0.0)]
    red = detect(image, ocr=FakeOcr(behind + email_key + speck + name_key + name_junk))
    assert _inside((484, 28, 690, 42), red.boxes) and _inside((446, 50, 600, 62), red.boxes)
    assert not any(_touched(w, red.boxes) for w in behind + email_key + name_key)


def test_a_grid_line_right_of_a_payment_details_label_is_no_popup_edge() -> None:
    # Review find: a thin grey divider between the label and the value column looked like a popup's edge, so
    # the whole value was dropped (no box at all). The backgrounds either side of it are the same.
    image = Image.new("RGB", (700, 140), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(260, 0), (260, 139)], fill=(200, 200, 200), width=1)
    label = _row(60, 20, "BTC buyer payment details:")
    value = _row(60, 280, "Holder Alice Smith, Acct 12345678")
    for w in label + value:
        draw.rectangle([w.x, w.y + 2, w.x1, w.y1 - 2], fill="black")  # ink where the words are
    red = detect(image, ocr=FakeOcr(label + value))
    assert all(_covered(w, red.boxes) for w in value)
    assert not any(_touched(w, red.boxes) for w in label)


def test_label_with_colon_takes_the_next_cell_whatever_the_line_holds() -> None:
    # Real image 12, maker e-mail: the popup's line merges with a label of the window behind (3 cells); the
    # next line's JSON key is no reason to give up on the value right of "emailOrMobileNr":.
    image, draw = _popup_over_window((900, 90), 330)
    _pixelate(draw, 484, 20, 600, 34)
    words = (_row(25, 20, "Security depo", h=12) + _row(20, 350, '"emailOrMobileNr":', h=11)
             + [Word("=", 540, 27, 6, 6, 93.0)] + _row(40, 350, '"holderName":', h=11))
    red = detect(image, ocr=FakeOcr(words))
    assert _inside((484, 20, 600, 34), red.boxes)
    assert not any(_touched(w, red.boxes) for w in words if w.text != "=")


def test_label_with_colon_and_nothing_read_right_of_it_fills_right_not_below() -> None:
    # Real image 12 read without its alpha channel: nothing at all is read right of "emailOrMobileNr":, and
    # the next JSON key sits close under it (which means "stacked labels, no field" for a small label).
    image, draw = _popup_over_window((900, 90), 330)
    _pixelate(draw, 484, 20, 600, 34)
    words = (_row(25, 20, "Security depo", h=12) + _row(20, 350, '"emailOrMobileNr":', h=11)
             + _row(38, 350, '"holderName":', h=11) + _row(38, 446, '"Alice', h=11))
    red = detect(image, ocr=FakeOcr(words))
    assert _inside((484, 20, 600, 34), red.boxes)
    assert not any(_touched(w, red.boxes) for w in words if w.text != '"Alice')


def test_carving_around_a_label_keeps_the_other_line_of_a_merged_fill() -> None:
    label = Word('"emailOrMobileNr":', 352, 415, 117, 11, 90.0)
    pieces = _carve([Box(443, 411, 600, 37, "account-field")], [label])
    assert _inside((443, 430, 1043, 448), pieces)  # the line below, also left of the label's end
    assert not any(_touched(label, [p]) for p in pieces)


def test_garbled_labels_of_an_unknown_language_and_a_blurred_tail_after_the_first_letter() -> None:
    # Real image 24 (Spanish trade details, dark, cropped): OCR reads "Dirección" as "Direccién"/"Direccidén",
    # so no label is read exactly and the language is unknown; the author blurred each address after its 'B'
    # (OCR reads only specks there), so filling the words read would leave the blurred address.
    image = Image.new("RGB", (590, 100), (40, 40, 40))
    draw = ImageDraw.Draw(image)
    for y in (20, 47):
        draw.rectangle((349, y, 589, y + 12), fill=(70, 110, 70))
    words = (_row(20, 73, "Direccién altcoin del receptor: B", h=11)
             + _row(47, 73, "Direccidén altcoin del receptor: B", h=11)
             + [Word("ot", 374, 55, 16, 4, 30.0), Word("2", 501, 57, 4, 3, 61.0)])
    red = detect(image, ocr=FakeOcr(words))
    assert _inside((341, 20, 589, 32), red.boxes) and _inside((341, 47, 589, 59), red.boxes)
    assert not any(_touched(w, red.boxes) for w in words if w.text not in ("B", "ot", "2"))


# A crop of a Spanish Trade details window whose labels OCR reads as garble (README, known limits).
KIND_NOT_RECOGNISED = {"24_v1_trade-details-crop_es_dark.png"}


def _real_with_personal() -> list[str]:
    import json

    notes = json.loads((REPO / "benchmarks" / "real_screens.json").read_text())
    return sorted(name for name, ann in notes["images"].items() if ann.get("personal"))


@pytest.mark.parametrize("name", _real_with_personal())
def test_real_screenshots_with_personal_data_meet_targets(name: str, shared_dir: Path) -> None:
    # The real screenshots themselves (optional: ../shared is only beside the developers' checkout).
    import json

    src = shared_dir / "real-screens" / name
    if not src.is_file():
        pytest.skip(f"{name} not present")
    ann = json.loads((REPO / "benchmarks" / "real_screens.json").read_text())["images"][name]
    image = load_image(src)  # as the CLI and the benchmark read it
    _, red = redact(image)
    if name not in KIND_NOT_RECOGNISED:
        assert red.kind == ann["kind"]
    shot = bisqwindows.Shot(name, image)
    shot.personal = [bisqwindows.GtWord(p["what"], tuple(p["box"]), "personal") for p in ann["personal"]]
    shot.keep = [bisqwindows.GtWord(k["what"], tuple(k["box"]), "keep") for k in ann.get("keep", [])]
    sc = bisqwindows.score(shot, red.boxes, None)
    assert sc["missed"] == [] and sc["touched"] == []


def test_junk_read_in_a_pixelated_value_does_not_extend_the_label_before_it() -> None:
    # Real image 8 at 1.5x: "Account owner full name: | Hier: eed lee", the pixelated name read as junk
    # with a colon; "Account owner full name: | Hier:" fuzzy-matched a longer label and the fill started
    # after "Hier:", leaving the start of the name.
    image = Image.new("RGB", (800, 60), "white")
    draw = ImageDraw.Draw(image)
    _pixelate(draw, 190, 18, 420, 36)
    draw.rectangle((262, 18, 269, 35), fill="white")  # a seam as light as the field
    words = (_row(20, 20, "Account owner full name:", h=12)
             + [Word("|", 190, 16, 6, 22, 79.0), Word("Hier:", 200, 18, 60, 20, 3.0),
                Word("eed", 270, 18, 50, 20, 41.0), Word("lee", 330, 18, 45, 20, 31.0)])
    red = detect(image, ocr=FakeOcr(words))
    assert _inside((190, 18, 420, 36), red.boxes)
    assert not any(_touched(w, red.boxes) for w in words[:4])


def test_fill_grows_over_a_blur_taller_than_the_words_read_in_it() -> None:
    # Real image 18 at 1.5x: OCR reads a short word in the middle of a tall blurred name under its label.
    image = Image.new("RGB", (800, 110), (244, 244, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((21, 30, 770, 85), fill="white")
    _pixelate(draw, 36, 42, 255, 72, block=15)
    words = _row(10, 34, "Account owner full name", h=15) + [Word("hE", 46, 57, 59, 14, 30.0)]
    red = detect(image, ocr=FakeOcr(words))
    assert _inside((36, 42, 255, 72), red.boxes)
    assert not any(_touched(w, red.boxes) for w in words[:4])


def _chat_message() -> Image.Image:
    from PIL import ImageFont

    font = ImageFont.truetype(str(REPO / "resources" / "fonts" / "IBMPlexSans-Regular.ttf"), 15)
    im = Image.new("RGB", (760, 120), (244, 244, 244))
    draw = ImageDraw.Draw(im)
    draw.rounded_rectangle((12, 12, 700, 100), radius=8, fill=(255, 255, 255))
    draw.text((24, 24), "Hi, this is Alice Müller. I sent the 250.00 EUR yesterday evening.", font=font,
              fill=(20, 20, 20))
    draw.text((24, 60), "Trade Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104, please check.", font=font,
              fill=(20, 20, 20))
    return im


def test_known_contract_values_are_hidden_in_free_text() -> None:
    """A name in a chat message has no label and no pattern: found only as one of the contract's values."""
    from redactor.text.contract import personal_values

    im = _chat_message()
    words = TesseractOcr().words(im)
    name = [w for w in words if w.text.startswith(("Alice", "Müller", "Miller"))]  # OCR may lose the accent
    keep = [w for w in words if w.text.strip(",.") in ("250.00", "EUR", "yesterday", "Trade") or "Xk3pQ" in w.text]
    assert len(name) == 2 and len(keep) == 5, [w.text for w in words]
    _, plain = redact(im)
    assert not any(_touched(w, plain.boxes) for w in name)  # without the contract: not found

    known = personal_values((REPO / "resources" / "demo" / "contract.json").read_text(encoding="utf-8"))
    clean, red = redact(im, known=known)
    assert red.verified and {b.reason for b in red.boxes} == {"known-personal"}
    assert all(_covered(w, red.boxes) for w in name)
    assert not any(_touched(w, red.boxes) for w in keep)
    assert not [w.text for w in TesseractOcr().words(clean) if w.text.startswith(("Alice", "Müller", "Miller"))]


def test_cli_redact_image_with_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from redactor import cli

    _chat_message().save(tmp_path / "chat.png")
    contract = str(REPO / "resources" / "demo" / "contract.json")
    args = ["redact-image", str(tmp_path / "chat.png"), "-o", str(tmp_path / "out.png")]
    assert cli.main([*args, "--boxes", str(tmp_path / "b.json"), "--contract", contract]) == 0
    assert {b["reason"] for b in json.loads((tmp_path / "b.json").read_text())["boxes"]} == {"known-personal"}
    said = capsys.readouterr().out
    assert "known-personal" in said and "payment details known for this trade can be read" in said
    # A contract without payment data (made since Bisq v1.7.0) is said to add nothing, and the verdict says the
    # app knew none of the trade's values.
    (tmp_path / "new.json").write_text('{"tradeAmount": 100000, "offerPayload": {"id": "x"}}')
    assert cli.main([*args, "--contract", str(tmp_path / "new.json")]) == 0
    out, err = capsys.readouterr()
    assert "holds no payment data" in err and "look at the picture yourself" in out
    # A contract that cannot be read is a clear error and nothing is written.
    assert cli.main([*args[:2], "-o", str(tmp_path / "out2.png"), "--contract", str(tmp_path / "none.json")]) == 1
    assert "Cannot read" in capsys.readouterr().err and not (tmp_path / "out2.png").exists()


def test_a_long_all_digit_account_number_is_no_id() -> None:
    """A run of 12+ digits looked like a piece of a hash and was protected: a CLABE after its label stayed."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(REPO / "resources" / "fonts" / "IBMPlexSans-Regular.ttf"), 15)
    im = Image.new("RGB", (700, 50), "white")
    ImageDraw.Draw(im).text((16, 14), "Account no.: 002180000123456789, Bank name: Chase", font=font, fill=(20, 20, 20))
    words = TesseractOcr().words(im)
    number = [w for w in words if "0021800001" in w.text]
    assert len(number) == 1, [w.text for w in words]
    clean, red = redact(im)
    assert red.verified and _covered(number[0], red.boxes)
    assert not [w for w in TesseractOcr().words(clean) if "2180000" in w.text]


def test_known_values_match_names_and_codes_but_not_common_words_or_amounts() -> None:
    from redactor.image.values import is_known as _is_known
    from redactor.image.values import known_tokens

    known = known_tokens(["James Baker", "200000", "Ann Moore", "Alice Müller", "alice.m@example.com",
                          "Call 0170 1234567 or Signal: alice_m", "nothing else, only meet at the cafe"])

    def hit(text: str) -> bool:
        return _is_known(Word(text, 0, 0, 10, 10, 90.0), known)

    assert all(hit(t) for t in ["James", "Baker,", "Moore", "Müller", "Miller.", "200000", "alice_m", "alice.m",
                                "1234567"])
    assert not any(hit(t) for t in ["taker", "maker", "names", "more", "0.02000000", "2000000", "200,000.00",
                                    "nothing", "only", "cafe", "Payment", "Account", "12:30"])
    # A Bisq label or payment-method word is never looked for, even when it is part of a value.
    assert not {"sepa", "iban", "account"} & known_tokens(["SEPA Account IBAN holder"])


def test_a_known_value_read_as_several_words_is_found() -> None:
    from redactor.image.detect import find_spans
    from redactor.image.values import known_tokens

    words = _row(10, 10, "Send to 1234 5678 9012 today, order 1234")
    found = find_spans(words, None, known_tokens(["123456789012"]))
    hidden = [w.text for sp in found.spans for w in sp.words]
    assert hidden == ["1234", "5678", "9012"]  # not the order number that shares the first piece
