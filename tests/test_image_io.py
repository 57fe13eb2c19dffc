"""Screenshot input and output safety: clean PNG (chunk allow-list, same size, no trailing data), never in
place, bad input refused with a clear error and nothing written, Tesseract missing, fail closed, CLI exit codes."""

from __future__ import annotations

import io
import json
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from fake_ocr import FakeOcr
from PIL import Image, PngImagePlugin

from redactor import cli
from redactor.errors import BadInput, TesseractMissing, UnsafeOutput
from redactor.image import redact as redact_mod
from redactor.image import tesseract_bin
from redactor.image.ocr import Word
from redactor.image.redact import ALLOWED_CHUNKS, load_image, redact, redact_image_file

REPO = Path(__file__).resolve().parent.parent
DEMO_SHOT = REPO / "resources" / "demo" / "screenshots" / "trade-details.png"


def _chunks(data: bytes) -> tuple[list[bytes], bytes]:
    """Chunk types of a PNG and whatever follows IEND."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, types = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        types.append(ctype)
        pos += 12 + length
        if ctype == b"IEND":
            break
    return types, data[pos:]


def _leaky_png(path: Path) -> None:
    """A PNG with every kind of metadata a screenshot tool may add, plus trailing bytes (aCropalypse)."""
    im = Image.new("RGB", (320, 120), (240, 240, 240))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Alice Example")
    info.add_itxt("Comment", "alice@example.com")
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    buf = io.BytesIO()
    im.save(buf, "PNG", pnginfo=info, exif=exif, icc_profile=b"\0" * 200, dpi=(144, 144))
    path.write_bytes(buf.getvalue() + b"TRAILING-ORIGINAL-PIXELS" * 50)


def test_clean_png_has_only_allowed_chunks_same_size_no_trailing_data(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.png", tmp_path / "out.png"
    _leaky_png(src)
    src_types, _ = _chunks(src.read_bytes())
    assert {b"tEXt", b"iTXt", b"eXIf", b"iCCP"} <= set(src_types)
    red = redact_image_file(src, dst, ocr=FakeOcr([]))
    types, trailing = _chunks(dst.read_bytes())
    assert set(types) <= set(ALLOWED_CHUNKS) and types[0] == b"IHDR" and types[-1] == b"IEND"
    assert trailing == b""
    assert Image.open(dst).size == (320, 120) == (red.width, red.height)
    assert b"Alice" not in dst.read_bytes() and b"alice@" not in dst.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".part")] == []


def test_never_written_in_place(tmp_path: Path) -> None:
    src = tmp_path / "shot.png"
    shutil.copy(DEMO_SHOT, src)
    before = src.read_bytes()
    for dst in (src, tmp_path / "." / "shot.png"):
        with pytest.raises(BadInput, match="overwrite the original"):
            redact_image_file(src, dst, ocr=FakeOcr([]))
    with pytest.raises(BadInput):
        redact_image_file(src, tmp_path / "out.png", boxes_json=src, ocr=FakeOcr([]))
    assert src.read_bytes() == before
    assert not (tmp_path / "out.png").exists()


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims a huge size, with a tiny compressed body: a decompression bomb."""
    def chunk(ctype: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\0" * 1000)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b""))


@pytest.mark.parametrize("kind", ["truncated", "garbage", "bomb", "100mp", "empty", "text"])
def test_bad_input_is_refused_clearly_and_nothing_is_written(tmp_path: Path, kind: str) -> None:
    src, dst = tmp_path / f"{kind}.png", tmp_path / "out" / "clean.png"
    if kind == "truncated":
        src.write_bytes(DEMO_SHOT.read_bytes()[:3000])
    elif kind == "garbage":
        src.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x13" * 500)
    elif kind == "bomb":
        _png_header_only(src, 200_000, 200_000)
    elif kind == "100mp":
        Image.new("1", (10_000, 10_000)).save(src)  # a real, valid 100-megapixel image
    elif kind == "empty":
        src.write_bytes(b"")
    else:
        src.write_text("not an image")
    with pytest.raises(BadInput) as err:
        redact_image_file(src, dst, ocr=FakeOcr([]))
    msg = str(err.value)
    assert src.name in msg and "\n" not in msg
    if kind in ("bomb", "100mp"):
        assert "megapixel" in msg or "bomb" in msg
    assert not dst.exists() and not dst.parent.exists()


def test_formats_and_exif_orientation(tmp_path: Path) -> None:
    im = Image.new("RGB", (60, 30), "white")
    for fmt, ext in (("JPEG", "jpg"), ("WEBP", "webp"), ("BMP", "bmp"), ("PNG", "png")):
        p = tmp_path / f"a.{ext}"
        im.save(p, fmt)
        assert load_image(p).size == (60, 30)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when displayed
    im.save(tmp_path / "rot.jpg", "JPEG", exif=exif)
    assert load_image(tmp_path / "rot.jpg").size == (30, 60)
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(tmp_path / "alpha.png")
    assert load_image(tmp_path / "alpha.png").getpixel((0, 0)) == (255, 255, 255)


def test_tesseract_missing_gives_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The program back-end (tesserocr in process would not need the program; tests/test_ocr.py covers both gone).
    monkeypatch.setenv("BISQ_REDACTOR_OCR_BACKEND", "process")
    monkeypatch.setenv("BISQ_REDACTOR_TESSERACT", str(tmp_path / "no-such-tesseract"))
    tesseract_bin.find_tesseract.cache_clear()
    try:
        with pytest.raises(TesseractMissing, match="apt install tesseract-ocr"):
            redact_image_file(DEMO_SHOT, tmp_path / "out.png")
        assert not (tmp_path / "out.png").exists()
        assert cli.main(["redact-image", str(DEMO_SHOT), "-o", str(tmp_path / "out.png")]) == 1
    finally:
        monkeypatch.delenv("BISQ_REDACTOR_TESSERACT")
        tesseract_bin.find_tesseract.cache_clear()


def _leaking_ocr() -> FakeOcr:
    # The same e-mail is "read" before and after redaction: verification must refuse the output.
    return FakeOcr([Word("Email:", 10, 10, 40, 10, 95.0), Word("alice@example.com", 55, 10, 120, 10, 95.0)])


def test_fail_closed_when_verification_still_reads_personal_data(tmp_path: Path) -> None:
    with pytest.raises(UnsafeOutput, match="still be read") as exc:
        redact(Image.new("RGB", (300, 40), "white"), ocr=_leaking_ocr())
    # The refusal carries the widened boxes, so the GUI lets the user finish without a second OCR run.
    unverified = exc.value.redaction  # type: ignore[attr-defined]
    assert unverified.boxes and not unverified.verified and unverified.problems
    src = tmp_path / "in.png"
    Image.new("RGB", (300, 40), "white").save(src)
    with pytest.raises(UnsafeOutput):
        redact_image_file(src, tmp_path / "out.png", boxes_json=tmp_path / "b.json", ocr=_leaking_ocr())
    assert not (tmp_path / "out.png").exists() and not (tmp_path / "b.json").exists()


@pytest.mark.ocr
def test_cli_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out, boxes = tmp_path / "clean.png", tmp_path / "boxes.json"
    assert cli.main(["redact-image", str(DEMO_SHOT), "-o", str(out), "--boxes", str(boxes)]) == 0
    data = json.loads(boxes.read_text())
    assert data["image"] == {"width": 1040, "height": 660}
    assert data["boxes"] and {b["reason"] for b in data["boxes"]} == {"payment-details"}
    assert set(data["boxes"][0]) == {"x", "y", "w", "h", "reason"}
    assert "areas blacked out" in capsys.readouterr().out
    assert cli.main(["redact-image", str(tmp_path / "missing.png"), "-o", str(tmp_path / "x.png")]) == 1
    assert cli.main(["redact-image", str(out), "-o", str(out)]) == 1
    monkeypatch.setattr(redact_mod, "_default_ocr", lambda ocr: _leaking_ocr())
    assert cli.main(["redact-image", str(DEMO_SHOT), "-o", str(tmp_path / "unsafe.png")]) == 1
    assert not (tmp_path / "unsafe.png").exists()
    assert "not saved" in capsys.readouterr().err


def test_redact_image_refuses_output_inside_bisq_data_dir(demo_data_dir: Path, tmp_path: Path) -> None:
    from redactor.errors import UnsafeOutput
    from redactor.image.redact import redact_image_file
    from redactor.resources import get_resource_path

    shot = get_resource_path("demo", "screenshots", "error-popup.png")
    with pytest.raises(UnsafeOutput, match="Bisq data directory"):
        redact_image_file(shot, demo_data_dir / "shot.png")
    with pytest.raises(UnsafeOutput, match="Bisq data directory"):
        redact_image_file(shot, tmp_path / "ok.png", boxes_json=demo_data_dir / "boxes.json")
    assert not (demo_data_dir / "shot.png").exists() and not (tmp_path / "ok.png").exists()
