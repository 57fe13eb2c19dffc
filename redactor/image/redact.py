"""Screenshot redaction: load safely, OCR once, find personal data, flat-fill it, verify, write a clean PNG.

The fill is opaque and flat (never blur or pixelation: those are reversible when the font is known), covers the
full line height with a margin, and runs to the end of the value cell so the length of the value is hidden too.
Verification OCRs only the redacted regions and their neighbourhood once more; if personal data can still be
read, the boxes are widened and the image redone; if it still can, nothing is written (fail closed).
"""

from __future__ import annotations

import io
import logging
import os
import struct
import warnings
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from redactor.errors import BadInput, OutputError, RedactorError, UnsafeOutput
from redactor.fsutil import check_output_path, write_bytes_atomic
from redactor.image import kinds, preprocess
from redactor.image.detect import EMAIL, IBAN, PHONE, Span, find_spans, is_protected
from redactor.image.fieldlabels import label_vocabulary, normalise
from redactor.image.layout import Line
from redactor.image.ocr import OcrEngine, RectEdges, TesseractOcr, Word
from redactor.image.values import is_plain_value, known_tokens

log = logging.getLogger(__name__)

# Largest image accepted, in pixels. A 6K HiDPI screen is 20 MP; beyond 40 MP the input is not a screenshot
# (or is a decompression bomb) and is refused with a clear message rather than OCR'd for minutes.
MAX_PIXELS = 40_000_000
FORMATS = ("PNG", "JPEG", "WEBP", "BMP")
FILL = (0, 0, 0)
PNG_SIG = b"\x89PNG\r\n\x1a\n"
ALLOWED_CHUNKS = (b"IHDR", b"PLTE", b"IDAT", b"IEND")
VERIFY_ROUNDS = 2  # widen-and-redo attempts after the first verification


@dataclass(frozen=True)
class Box(RectEdges):
    x: int
    y: int
    w: int
    h: int
    reason: str  # a category ("payment-details", "email", …), never the redacted text


@dataclass
class Redaction:
    width: int
    height: int
    boxes: list[Box]
    verified: bool
    problems: list[str]
    # What was hidden, normalised, so verification can check it is gone. In memory only; never serialised.
    secrets: list[str] = field(default_factory=list, repr=False, compare=False)
    kind: str = kinds.OTHER  # what the screenshot shows, recognised from the same OCR pass (kinds.recognise)
    known_checked: int = 0  # how many known personal values (`known=`) were looked for (verdict.py's words)


# --- input ---------------------------------------------------------------------------------------------

def load_image(path: Path) -> Image.Image:
    """Open a PNG/JPEG/WebP/BMP screenshot as RGB with EXIF orientation applied; BadInput for anything else."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path.name}: no such file.")
    return _open_checked(path, path.name)


def load_image_bytes(data: bytes, name: str) -> Image.Image:
    """`load_image` for a picture held in memory (e.g. a member of a bundle), with the same limits."""
    return _open_checked(io.BytesIO(data), name)


def _open_checked(source: Path | io.BytesIO, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=FORMATS) as im:
                w, h = im.size
                if w * h > MAX_PIXELS:
                    raise BadInput(f"{name}: {w}×{h} pixels is larger than the {MAX_PIXELS // 1_000_000} "
                                   "megapixel limit for a screenshot; crop it to the Bisq window and try again.")
                im.load()
                return _to_rgb(ImageOps.exif_transpose(im))
    except BadInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadInput(f"{name}: the image claims to be enormous (a decompression bomb?); refused.") from exc
    except UnidentifiedImageError as exc:
        raise BadInput(f"{name}: not a PNG, JPEG, WebP or BMP image.") from exc
    except (OSError, ValueError, SyntaxError, struct.error, zlib.error, MemoryError) as exc:
        raise BadInput(f"{name}: the image file is damaged or cut off ({type(exc).__name__}).") from exc


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im.copy()
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, rgba).convert("RGB")
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = arr.max() or 1.0
        return Image.fromarray((arr * (255.0 / top)).astype(np.uint8)).convert("RGB")
    return im.convert("RGB")


# --- detection -------------------------------------------------------------------------------------------

def _default_ocr(ocr: OcrEngine | None) -> OcrEngine:
    return ocr if ocr is not None else TesseractOcr()


@contextmanager
def _ocr_session(ocr: OcrEngine | None) -> Iterator[OcrEngine]:
    """The given engine, or a Tesseract one for this call. Two Tesseract models (about 60 ms each) start
    loading now, while the image is decoded and prepared, unless they are loaded already (in process they stay
    loaded between screenshots). An engine made here is closed at the end."""
    engine = _default_ocr(ocr)
    try:
        engine.warm(2)
        yield engine
    finally:
        if ocr is None:
            engine.close()


def _band(line: Line, words: list[Word]) -> tuple[int, int, int]:
    h = line.height
    pad = round(0.4 * h) + 1
    y0, y1 = line.band()
    return y0 - pad, y1 + pad, h


def _cell_end(gray: np.ndarray, y0: int, y1: int, x: int, limit: int) -> int:
    """From x to the right, the first column that is an edge across the whole band (field or window border),
    or `limit`. Glyphs never cover 85 % of a band that includes the line's margins."""
    band = gray[max(0, y0):max(0, y1), :]
    if band.size == 0 or x >= limit:
        return x
    bg = float(np.median(band[:, x:min(limit, x + 4)])) if x < band.shape[1] else 255.0
    cols = np.abs(band[:, x:limit].astype(np.int16) - int(bg)) > 8  # field vs window: e9 vs f4 in light theme
    full = cols.mean(axis=0) >= 0.85
    hits = np.flatnonzero(full)
    return x + int(hits[0]) if hits.size else limit


def _ink_left(gray: np.ndarray, y0: int, y1: int, x: int, stop: int, h: int) -> tuple[int, int]:
    """(leftmost ink column of the glyphs touching column x, last ink column before the space in front of
    them), walking left until a blank gap of ~a third of the text height, or `stop`."""
    band = gray[max(0, y0):max(0, y1), :]
    if band.size == 0 or x <= stop:
        return x, stop
    bg = float(np.median(band[:, max(stop, x - 3 * h):x + 1])) if x > stop else 255.0
    ink: np.ndarray = np.asarray((np.abs(band[:, stop:x + 1].astype(np.int16) - int(bg)) > 40).any(axis=0))
    gap_needed = max(2, h // 3)
    leftmost, blank, i = x, 0, len(ink) - 1
    while i >= 0:
        if ink[i]:
            leftmost, blank = stop + i, 0
        else:
            blank += 1
            if blank >= gap_needed:
                break
        i -= 1
    while i >= 0 and not ink[i]:  # across the space to the previous word's ink (a label's colon)
        i -= 1
    return leftmost, stop + max(i, 0)


def _span_box(sp: Span, gray: np.ndarray, width: int, height: int, lines: Sequence[Line] = ()) -> Box:
    y0, y1, h = _band(sp.line, sp.words)
    padx = round(0.3 * h) + 2
    first, last = sp.words[0], max(sp.words, key=lambda w: w.x1)
    before = [w.x1 for w in sp.line.words if w.x1 <= first.x and w not in sp.words]
    # Specks and scraps OCR reads (with little confidence) in a blur or pixelation right of the value are no
    # next cell to stop at.
    after = [w.x for w in sp.line.words if w.x >= last.x1 and w not in sp.words
             and not sp.line.is_speck(w) and w.conf >= 30]
    # Tesseract's word boxes can miss a glyph's edge ('+', 'f'): start at the ink actually there.
    prev_x1 = max(before) if before else 0
    left = sp.left if sp.left is not None else first.x
    if sp.label_end is not None:  # a row's value: OCR can miss its pixelated or blurred start entirely
        left = min(left, _ink_start(gray, y0, y1, sp.label_end + 2, left, h))
    start, prev_ink = _ink_left(gray, y0, y1, left, max(0, prev_x1 - h), h)
    if before:
        start = max(start, prev_x1 + 1)  # glyphs run together with the label: never start inside it
    x0 = start - padx
    if before:  # never past the middle of the space (measured on the ink: OCR boxes can drop a colon)
        x0 = max(x0, (max(prev_x1, prev_ink) + start + 2) // 2)
    x1 = last.x1 + padx
    limit = (min(after) + last.x1) // 2 if after else width  # never into the next cell of the line
    x1 = min(x1, limit)
    if sp.to_cell_end:
        # From past the ink: a blurred or pixelated tail OCR did not read has edges of its own.
        past = min(limit, _ink_end(gray, y0, y1, x1, limit, h)[0])
        x1 = max(x1, _cell_end(gray, y0, y1, past, limit) - 1)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(width, x1), min(height, y1)
    # Neither the margin nor the growth reaches into words read with confidence on the lines above and below
    # over the same columns (a popup's JSON key is no label, yet must stay untouched).
    t0, t1 = sp.line.band()
    near = [w for ln in lines if ln is not sp.line for w in ln.words
            if w.x < x1 and w.x1 > x0 and w.read_surely(50, 2)]
    above = [w.y1 for w in near if w.y1 <= t0]
    below = [w.y for w in near if w.y >= t1]
    g0, g1 = _grow_band(gray, x0, x1, y0, y1, h)
    y0 = min(max([y0] + [b + 1 for b in above]), max([g0] + [b + 1 for b in above]), t0 - 1)
    y1 = max(min([y1] + [t - 1 for t in below]), min([g1] + [t - 1 for t in below]), t1 + 1)
    return Box(x0, y0, max(1, x1 - x0), max(1, y1 - y0), sp.reason)


def _even_lines(rows: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Per row: an even horizontal line (a field's border), off the background almost everywhere and flat (a
    long pixelation is off the background too, but not flat)."""
    return (off.mean(axis=1) >= 0.9) & (rows.std(axis=1) < 6)


def _grow_band(gray: np.ndarray, x0: int, x1: int, y0: int, y1: int, h: int) -> tuple[int, int]:
    """Rows y0..y1 grown up and down while the rows just outside still hold ink over x0..x1 (a blur or
    pixelation is taller than the words OCR read in it), by at most most of a text height each way. Stops at
    the first blank row (the gap to the next line) and at an even horizontal line (a field's border)."""
    top, bottom = max(0, y0 - h), min(gray.shape[0], y1 + h)
    region = gray[top:bottom, x0:x1].astype(np.int16)
    if region.size == 0:
        return y0, y1
    bg = int(np.bincount(region.ravel().clip(0, 255)).argmax())

    def inked(y: int) -> bool:
        row = region[y - top:y - top + 1]
        off = np.abs(row - bg) > 12
        return int(off.sum()) >= 2 and not bool(_even_lines(row, off)[0])

    cap = round(0.8 * h)
    n0 = 0
    while n0 < cap and y0 - n0 - 1 >= top and inked(y0 - n0 - 1):
        n0 += 1
    n1 = 0
    while n1 < cap and y1 + n1 < bottom and inked(y1 + n1):
        n1 += 1
    return y0 - n0 - (1 if n0 else 0), y1 + n1 + (1 if n1 else 0)


def _overlaps(a: Box, b: Box) -> bool:
    return a.x < b.x1 and b.x < a.x1 and a.y < b.y1 and b.y < a.y1


def _merge(boxes: list[Box]) -> list[Box]:
    """Union boxes that overlap on the same band (one flat area instead of slivers between them)."""
    out: list[Box] = []
    for b in sorted(boxes, key=lambda b: (b.y, b.x)):
        for i, o in enumerate(out):
            vert = min(o.y1, b.y1) - max(o.y, b.y)
            if _overlaps(o, b) and vert >= 0.5 * min(o.h, b.h):
                x0, y0 = min(o.x, b.x), min(o.y, b.y)
                out[i] = Box(x0, y0, max(o.x1, b.x1) - x0, max(o.y1, b.y1) - y0, o.reason)
                break
        else:
            out.append(b)
    return out


def _carve(boxes: list[Box], protect: list[Word]) -> list[Box]:
    """Split boxes around protected words (IDs, labels) they would otherwise cover."""
    result: list[Box] = []
    for b in boxes:
        pieces = [b]
        for w in protect:
            nxt = []
            for p in pieces:
                wy0, wy1 = w.y, w.y1
                if not (p.x < w.x1 and w.x < p.x1 and p.y < wy1 and wy0 < p.y1):
                    nxt.append(p)
                    continue
                iy = min(p.y1, wy1) - max(p.y, wy0)
                if iy < 0.5 * w.h:  # the word is on the next/previous row: trim the box's margin instead
                    if wy0 >= p.y + p.h / 2:
                        nxt.append(Box(p.x, p.y, p.w, max(1, wy0 - 1 - p.y), p.reason))
                    else:
                        nxt.append(Box(p.x, wy1 + 1, p.w, max(1, p.y1 - wy1 - 1), p.reason))
                    continue
                # Vertically the word occupies the band: cut horizontally, keep 2 px of air around it (a word
                # box can be a pixel tight on a glyph's soft edge). A box merged over several lines is cut only
                # within the word's own line: the rest stays filled.
                c0, c1 = p.y, p.y1
                if p.y < wy0 - w.h or p.y1 > wy1 + w.h:
                    m = max(1, w.h // 4)
                    c0, c1 = max(p.y, wy0 - m), min(p.y1, wy1 + m)
                    if c0 > p.y:
                        nxt.append(Box(p.x, p.y, p.w, c0 - p.y, p.reason))
                    if c1 < p.y1:
                        nxt.append(Box(p.x, c1, p.w, p.y1 - c1, p.reason))
                if w.x - 2 > p.x:
                    nxt.append(Box(p.x, c0, w.x - 2 - p.x, c1 - c0, p.reason))
                if w.x1 + 2 < p.x1:
                    nxt.append(Box(w.x1 + 2, c0, p.x1 - w.x1 - 2, c1 - c0, p.reason))
            pieces = nxt
        result.extend(p for p in pieces if p.w >= 2)
    return result


def _secrets(spans: list[Span], lines: list[Line]) -> list[str]:
    """Normalised texts of the redacted words, less any text also shown unredacted elsewhere (a method name
    both in an account name and in the "Payment method" row is no secret, and must not fail verification)."""
    hidden = {id(w) for sp in spans for w in sp.words}
    shown = {normalise(w.text).replace(" ", "") for ln in lines for w in ln.words if id(w) not in hidden}
    vocabulary = label_vocabulary()
    out = set()
    for sp in spans:
        for w in sp.words:
            n = normalise(w.text).replace(" ", "")
            if len(n) >= 4 and n not in shown and n not in vocabulary:
                out.add(n)
    return sorted(out)


def _boxes_from_words(image: Image.Image, words: list[Word],
                      known: frozenset[str] = frozenset()) -> tuple[list[Box], list[str]]:
    width, height = image.size
    gray = preprocess.to_gray(image)
    found = find_spans(words, gray, known)
    lines, spans = found.lines, found.spans
    raw = [_span_box(sp, gray, width, height, lines) for sp in spans]
    raw += _unread_field_boxes(found, gray, width, height)
    span_ids = {id(w) for sp in spans for w in sp.words}
    # Amounts and times are kept when a fill passes over them, but not a speck OCR read as a digit in a blur.
    protect = [w for ln in lines for w in ln.words if id(w) not in span_ids and
               (is_protected(w) or (is_plain_value(w) and not ln.is_speck(w)) or id(w) in found.label_ids)]
    return _carve(_merge(raw), protect), _secrets(spans, lines)


def _ink_columns(gray: np.ndarray, y0: int, y1: int, x: int, limit: int,
                 h: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Per column from x to limit: (has ink, is a border), and the background level. Ink is anything off the
    commonest level of the band's margin rows near x (a pixelation can fill most of the text rows; far right of
    a field the window's own background can be commoner). Rows that are an even horizontal line (a field's
    border) are ignored; a column off across nearly the whole band is a border: no glyph or pixel block fills a band."""
    band = gray[max(0, y0):max(0, y1), x:limit].astype(np.int16)
    if band.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool), 255.0
    near = band[:, :40 * h]
    margin = np.concatenate([near[:2].ravel(), near[-2:].ravel()])
    bg = int(np.bincount(margin.clip(0, 255)).argmax())
    off = np.abs(band - bg) > 12
    line_rows = _even_lines(band, off)
    off[line_rows, :] = False
    ink = off.sum(axis=0) >= 2  # one odd pixel is JPEG noise
    text_rows = off[~line_rows] if (~line_rows).any() else off
    return ink, text_rows.mean(axis=0) >= 0.85, float(bg)


def _ink_end(gray: np.ndarray, y0: int, y1: int, x: int, limit: int, h: int) -> tuple[int, float]:
    """(first column past the ink that starts at x, the background level). Gaps narrower than twice the text
    height (word spaces, the seams of a pixelation) do not end the ink; a border does."""
    ink, border, bg = _ink_columns(gray, y0, y1, x, limit, h)
    last, blank = -1, 0
    for i, v in enumerate(ink):
        if border[i]:
            break
        if v:
            last, blank = i, 0
        else:
            blank += 1
            if blank > 2 * h:
                break
    return x + last + 1, bg


def _ink_start(gray: np.ndarray, y0: int, y1: int, x: int, limit: int, h: int) -> int:
    """The first column of ink (not a border) from x on, or `limit`."""
    ink, border, _ = _ink_columns(gray, y0, y1, x, limit, h)
    hits = np.flatnonzero(ink & ~border)
    return x + int(hits[0]) if hits.size else limit


def _field_bottom(gray: np.ndarray, x0: int, x1: int, y: int, y_max: int, bg: float) -> int | None:
    """The first row from y down to y_max that crosses a blank stretch of the field (x0..x1) from border to
    border: the field's bottom border or underline (or where the field's colour ends)."""
    for yy in range(max(0, y), min(gray.shape[0], y_max + 1)):
        seg = gray[yy, x0:x1].astype(np.int16)
        if seg.size and float((np.abs(seg - int(bg)) > 8).mean()) >= 0.8:
            return yy
    return None


def _unread_field_boxes(found: Any, gray: np.ndarray, width: int, height: int) -> list[Box]:
    """A label whose value OCR could not read (pre-blurred, pixelated, odd font): fill the field area right
    of it (payment-details rows, "Label:") or under it (small label above a field) when it holds any ink,
    to the field's own border: the search for that border starts past the ink (a blur's edge is no border)."""
    out = []
    for un in found.unread:
        label, beside = un.label, un.beside
        h = max(w.h for w in label)
        y_lab = max(w.y1 for w in label)
        if un.reason == "payment-details":  # one-line value on the label's own line
            y0, y1, _ = _band(found.lines[un.line], label)
        else:
            # "Label:" (older Bisq, popups): right of the label, maybe on several lines; a small label: under it.
            y0 = (min(w.y for w in label) - max(1, h // 3)) if beside else y_lab + max(1, h // 4)
            y1 = y_lab + 3 * h
        y0, y1 = max(0, y0), min(height, y1)
        next_top = height
        for ln in found.lines[un.line + 1:]:
            # The next label or text read with confidence below (junk read from a blur is no limit; nor is
            # a label entirely left of this one: that is the window behind a popup).
            tops = [w.y for w in ln.words if w.y > y_lab and w.x < label[-1].x1 + 4 * h and w.x1 > label[0].x
                    and (id(w) in found.label_ids or w.read_surely(80, 3))]
            if tops:
                next_top = min(tops) - 1
                break
        y1 = min(y1, next_top)
        x0 = max(0, label[-1].x1 + max(2, h // 2)) if beside else max(0, label[0].x - 2)
        if y1 - y0 < h:
            continue
        region = gray[y0:y1, x0:min(width, x0 + 10 * h)]
        if region.size == 0 or float(region.std()) < 6.0:
            continue  # an empty field: nothing to hide
        bg = float(np.median(region))
        inked_rows = int((np.abs(region.astype(np.int16) - int(bg)) > 20).any(axis=1).sum())
        if inked_rows < 0.4 * h:
            continue  # only a heading's underline or a border line
        ink_end, field_bg = _ink_end(gray, y0, y1, x0, width, h)
        start = max(ink_end, x0 + h if beside else label[-1].x1)
        x1 = _cell_end(gray, y0, y1, start, width) - 1  # past the field's border
        if not beside:  # the field's own bottom (its underline), when it is a little lower than 3 lines
            bottom = _field_bottom(gray, ink_end + 2, min(x1, ink_end + 2 + 2 * h), y1 - h, y_lab + 4 * h,
                                   field_bg)
            if bottom is not None:
                y1 = min(max(y1, bottom), next_top)
        out.append(Box(x0, y0, max(1, x1 - x0), y1 - y0, un.reason))
    return out


def detect(image: Image.Image, *, ocr: OcrEngine | None = None, known: Sequence[str] = ()) -> Redaction:
    """OCR the image once and return the boxes to fill (not yet verified). `known`: values known to be
    personal (`contract.personal_values`), hidden wherever they are read."""
    words = _default_ocr(ocr).words(image)
    tokens = known_tokens(known)
    boxes, secrets = _boxes_from_words(image, words, tokens)
    # Verification also looks for every known value, not only those detection read: one it misread is
    # caught if the second pass reads it (all-digit ones only when too long to be an amount).
    secrets = sorted(set(secrets) | {t for t in tokens if not t.isdigit() or len(t) >= 10})
    return Redaction(image.width, image.height, boxes, verified=False, problems=[], secrets=secrets,
                     kind=kinds.recognise_words(words).kind, known_checked=len({k for k in known if k.strip()}))


# --- rendering -------------------------------------------------------------------------------------------

def render(image: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    """A copy of the image with exactly these boxes filled flat and opaque."""
    out = _to_rgb(image) if image.mode != "RGB" else image.copy()
    draw = ImageDraw.Draw(out)
    for b in boxes:
        if b.w > 0 and b.h > 0:
            draw.rectangle((b.x, b.y, b.x + b.w - 1, b.y + b.h - 1), fill=FILL)
    return out


# --- verification ----------------------------------------------------------------------------------------

def _regions(boxes: Sequence[Box], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Each box plus half a line above/below and two line heights either side, merged."""
    regs: list[list[int]] = []
    for b in sorted(boxes, key=lambda b: (b.y, b.x)):
        # Half a line above and below catches slivers of the value's own ascenders and descenders; whole
        # neighbouring lines only cost OCR time (verification reads them, it does not redact them).
        r = [max(0, b.x - 2 * b.h), max(0, b.y - b.h // 2), min(width, b.x1 + 2 * b.h), min(height, b.y1 + b.h // 2)]
        for o in regs:
            if r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3]:
                o[:] = [min(o[0], r[0]), min(o[1], r[1]), max(o[2], r[2]), max(o[3], r[3])]
                break
        else:
            regs.append(r)
    return [(a, b, c, d) for a, b, c, d in regs]


def _problems(words: list[Word], redaction: Redaction, boxes: Sequence[Box]) -> tuple[list[str], list[Word]]:
    problems: set[str] = set()
    leaks: list[Word] = []
    # Layout rules are not re-run on crops (they lack the label column); secrets, patterns and text inside
    # the boxes are what must not be readable.
    secrets = set(redaction.secrets)
    for w in words:
        n = normalise(w.text).replace(" ", "")
        if len(n) >= 4 and not is_protected(w) and (n in secrets or any(len(s) >= 6 and s in n for s in secrets)):
            problems.add("redacted text still readable")
            leaks.append(w)
            continue
        if w.read_surely(60, 3):
            for b in boxes:
                ix = min(b.x1, w.x1) - max(b.x, w.x)
                iy = min(b.y1, w.y1) - max(b.y, w.y)
                if ix > 0 and iy > 0 and ix * iy >= 0.4 * w.w * w.h and not is_protected(w):
                    problems.add("text inside a redacted box still readable")
                    leaks.append(w)
                    break
    for pat, name in ((EMAIL, "email"), (IBAN, "iban"), (PHONE, "phone")):
        hits = [w for w in words if not is_protected(w) and pat.search(w.text)]
        if hits:
            problems.add(f"{name} still readable")
            leaks.extend(hits)
    return sorted(problems), leaks


def verify(rendered: Image.Image, redaction: Redaction, *, ocr: OcrEngine | None = None) -> list[str]:
    """Re-OCR what was redacted (and around it); the problems found (categories only), [] when safe."""
    problems, _ = _verify(rendered, redaction, redaction.boxes, _default_ocr(ocr))
    return problems


def _verify(rendered: Image.Image, redaction: Redaction, boxes: Sequence[Box],
            ocr: OcrEngine) -> tuple[list[str], list[Word]]:
    if not boxes:
        return [], []
    # Only the redacted regions and their neighbourhood are read again, as the engine reads regions best.
    return _problems(ocr.read_regions(rendered, _regions(boxes, rendered.width, rendered.height)), redaction, boxes)


def _widen(boxes: list[Box], leaks: list[Word], width: int, height: int) -> list[Box]:
    out = []
    for b in boxes:
        dx, dy = max(2, b.h // 2), max(1, b.h // 5)
        x0, y0 = max(0, b.x - dx), max(0, b.y - dy)
        out.append(Box(x0, y0, min(width, b.x1 + dx) - x0, min(height, b.y1 + dy) - y0, b.reason))
    for w in leaks:
        pad = max(2, w.h // 2)
        x0, y0 = max(0, w.x - pad), max(0, w.y - pad)
        out.append(Box(x0, y0, min(width, w.x1 + pad) - x0, min(height, w.y1 + pad) - y0, "leak-fix"))
    return _merge(out)


class UnsafeRedaction(UnsafeOutput):
    """Verification still read personal data. Carries the (widened, unverified) boxes, so a caller that lets a
    person finish the job by hand starts from them instead of running OCR again."""

    def __init__(self, message: str, redaction: Redaction) -> None:
        super().__init__(message)
        self.redaction = redaction


def redact(image: Image.Image, *, ocr: OcrEngine | None = None,
           known: Sequence[str] = ()) -> tuple[Image.Image, Redaction]:
    """Detect, fill, verify; widen and redo while verification still reads personal data; raise UnsafeOutput
    when it still does after that (nothing may be written then). `known`: as for `detect`."""
    rendered, result, _ = _redact(image, ocr, known, encode=False)
    return rendered, result


def redact_to_png(image: Image.Image, *, ocr: OcrEngine | None = None,
                  known: Sequence[str] = ()) -> tuple[bytes, Redaction]:
    """redact(), and the result as clean PNG bytes (`clean_png_bytes`). The PNG is encoded while the
    verification pass reads (zlib and Tesseract both run outside the GIL), so writing costs no extra time."""
    _, result, png = _redact(image, ocr, known, encode=True)
    return png, result


def _redact(image: Image.Image, ocr: OcrEngine | None, known: Sequence[str], *,
            encode: bool) -> tuple[Image.Image, Redaction, bytes]:
    with _ocr_session(ocr) as engine, ThreadPoolExecutor(1, thread_name_prefix="png") as side:
        red = detect(image, ocr=engine, known=known)
        boxes = list(red.boxes)
        png = None
        for rounds in range(VERIFY_ROUNDS + 1):
            rendered = render(image, boxes)
            if png is not None:
                png.cancel()  # superseded (a no-op once it has started)
            png = side.submit(clean_png_bytes, rendered) if encode else None
            problems, leaks = _verify(rendered, red, boxes, engine)
            if not problems or rounds == VERIFY_ROUNDS:
                break
            log.info("verification round %d: %s; widening", rounds + 1, ", ".join(problems))
            boxes = _widen(boxes, leaks, image.width, image.height)
    result = Redaction(image.width, image.height, boxes, verified=not problems, problems=problems,
                       secrets=red.secrets, kind=red.kind, known_checked=red.known_checked)
    if problems:
        raise UnsafeRedaction("Personal data could still be read after redacting this screenshot ("
                              + "; ".join(problems) + "); it was not saved. Crop it or mark the areas by hand.",
                              result)
    return rendered, result, png.result() if png is not None else b""


# --- output ----------------------------------------------------------------------------------------------

def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIG):
        raise OutputError("internal error: the PNG encoder produced no PNG")
    pos, out = len(PNG_SIG), []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        out.append((ctype, data[pos:pos + 12 + length]))
        pos += 12 + length
        if ctype == b"IEND":
            break
    return out


def clean_png_bytes(image: Image.Image) -> bytes:
    """A PNG built from the raw pixels only: IHDR, PLTE, IDAT, IEND (no EXIF, text, ICC, time, trailing data)."""
    rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
    fresh = Image.frombytes(rgb.mode, rgb.size, rgb.tobytes())  # drops every bit of metadata the source had
    import io

    buf = io.BytesIO()
    fresh.save(buf, "PNG", compress_level=6)
    chunks = _png_chunks(buf.getvalue())
    return PNG_SIG + b"".join(raw for ctype, raw in chunks if ctype in ALLOWED_CHUNKS)


def boxes_to_json(redaction: Redaction) -> dict[str, Any]:
    return {"image": {"width": redaction.width, "height": redaction.height},
            "boxes": [{"x": b.x, "y": b.y, "w": b.w, "h": b.h, "reason": b.reason} for b in redaction.boxes]}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def redact_image_file(src: Path, dst: Path, *, boxes_json: Path | None = None, ocr: OcrEngine | None = None,
                      known: Sequence[str] = ()) -> Redaction:
    """Redact one screenshot file into a new clean PNG (and optionally the boxes as JSON); `known` as for
    `detect`. Raises UnsafeOutput, writing nothing, when personal data would still be readable."""
    import json

    src, dst = Path(src), Path(dst)
    for target in (dst, boxes_json):
        if target is not None and _same_file(src, Path(target)):
            raise BadInput(f"Refusing to overwrite the original screenshot {src.name}; choose another output name.")
        if target is not None:
            check_output_path(Path(target))
    with _ocr_session(ocr) as engine:  # Tesseract loads its models while the file is decoded
        image = load_image(src)
        png, redaction = redact_to_png(image, ocr=engine, known=known)
    write_bytes_atomic(dst, png)
    if boxes_json is not None:
        write_bytes_atomic(Path(boxes_json), (json.dumps(boxes_to_json(redaction), indent=2) + "\n").encode())
    return redaction


@dataclass
class BatchResult:
    src: Path
    dst: Path | None
    redaction: Redaction | None
    error: str | None


def _batch_one(args: tuple[Path, Path, Sequence[str]]) -> BatchResult:
    src, dst, known = args
    try:
        return BatchResult(src, dst, redact_image_file(src, dst, known=known), None)
    except RedactorError as exc:
        return BatchResult(src, None, None, str(exc))


def redact_batch(paths: Sequence[Path], out_dir: Path, *, workers: int | None = None,
                 known: Sequence[str] = ()) -> list[BatchResult]:
    """Redact many screenshots in a process pool (one single-threaded Tesseract per core), results in order;
    `known` as for `detect`. Each output is `<out_dir>/<stem>.png` (`-2`, `-3`… when stems repeat)."""
    out_dir = Path(out_dir)
    used: set[str] = set()
    jobs: list[tuple[Path, Path, Sequence[str]]] = []
    for p in paths:
        stem, n = Path(p).stem, 1
        name = f"{stem}.png"
        while name in used:
            n += 1
            name = f"{stem}-{n}.png"
        used.add(name)
        jobs.append((Path(p), out_dir / name, tuple(known)))
    # One worker per core although each screenshot OCRs its strips in parallel: the workers fill the gaps one
    # leaves (decoding, rules, PNG writing); bench_images.py measures both (README, batch row).
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) <= 1:
        return [_batch_one(j) for j in jobs]
    # Spawned, not forked: the caller may hold loaded OCR models and their threads (the GUI, a previous call).
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=get_context("spawn")) as pool:
        return list(pool.map(_batch_one, jobs))
