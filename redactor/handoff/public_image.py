"""Public profile, screenshots: black out the identifiers the text pass replaced (on top of the normal redaction).

The normal redactor deliberately keeps trade IDs, tx IDs, onions and BTC addresses readable (carved out of every
fill). For a public issue they go too: the already-redacted PNG is read once more with Tesseract, every word that
is an identifier - by its format, or as a piece of one the text pass learnt (a tx ID shown shortened, a short
trade ID, a nickname) - gets a flat black box, and a second reading must find none left, else the screenshot is
refused (fails closed, like the redactor).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from redactor.errors import UnsafeOutput
from redactor.handoff.public import NICK, PublicValues

log = logging.getLogger(__name__)

MIN_PIECE = 6  # a word this long that is part of a known ID is that ID, shortened (Bisq shows 8+ characters)
MARGIN = 3  # px around a word's box, so anti-aliased edges of its letters go too
SIDE_PAD = 0.3  # x word height, left and right: half a character, so a cut-off first or last letter goes too
UP_DOWN_PAD = 0.25  # x word height, above and below
ADJACENT = 1.0  # x word height: a piece with a digit this close to an ID on its line is part of it
ROUNDS = 2  # read again and widen at most this often before refusing
_FORMATS = (
    re.compile(r"[a-z2-7]{16,}(?:\.onion)?"),  # onion hosts, or most of one
    re.compile(r"[a-z2-7]{7}\.\.[a-z2-7]{7}"),  # Bisq's shortened onion
    re.compile(r"[0-9a-fA-F]{12,}"),  # tx IDs, hashes, profile IDs, whole or shortened
    re.compile(r"[A-Za-z0-9]{5,8}-[0-9a-f]{4,}"),  # Bisq 1 trade/offer IDs (OCR may cut them after a dash)
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-"),  # UUIDs
    re.compile(r"(?:bc1|tb1|bcrt1)[02-9ac-hj-np-z]{8,}|[13][1-9A-HJ-NP-Za-km-z]{25,34}"),  # bitcoin addresses
    re.compile(r"[A-Z][a-z]+-[A-Z][a-z]+-[A-Z][a-z]+-\d{3}"),  # nyms
)
_STRIP = ".,;:()[]{}'\"<>"


def is_public_id(word: str, learnt: PublicValues) -> bool:
    token = word.strip(_STRIP)
    if len(token) < 3:
        return False
    if any(p.search(token) for p in _FORMATS):
        return True
    if token in learnt.trades:
        return True  # a short trade ID ("Xk3pQ")
    low = token.casefold()
    for value, kind in learnt.values.items():
        if kind == NICK:
            if low == value.casefold() or (len(token) >= MIN_NICK_PART and low in value.casefold().split()):
                return True
        elif len(token) >= MIN_PIECE and low in value.casefold():
            return True
    return False


MIN_NICK_PART = 3


def _glued(w: Any, ids: list[Any]) -> bool:
    """A short alphanumeric word OCR split off an ID ("1f5" + "8c0e..."): on its line, right beside one."""
    token = w.text.strip(_STRIP)
    if not token.isalnum() or not any(ch.isdigit() for ch in token):
        return False  # ordinary words ("Trade" before an ID) stay
    for d in ids:
        same_line = min(w.y + w.h, d.y + d.h) - max(w.y, d.y) > 0.5 * min(w.h, d.h)
        gap = max(d.x - (w.x + w.w), w.x - (d.x + d.w))
        if same_line and gap < ADJACENT * max(w.h, d.h):
            return True
    return False


def _boxes(words: list[Any], learnt: PublicValues, width: int, height: int, pad: int) -> list[Any]:
    from redactor.image.redact import Box

    ids = [w for w in words if is_public_id(w.text, learnt)]
    ids += [w for w in words if w not in ids and _glued(w, ids)]
    out = []
    for w in ids:
        side = pad + w.h * SIDE_PAD  # OCR boxes often start a letter late on dark or small text
        up = pad + w.h * UP_DOWN_PAD  # OCR boxes can stop short of ascenders and descenders
        x0, y0 = max(0, int(w.x - side)), max(0, int(w.y - up))
        x1, y1 = min(width, int(w.x + w.w + side)), min(height, int(w.y + w.h + up))
        out.append(Box(x0, y0, x1 - x0, y1 - y0, "public-id"))
    return out


def blackout_ids(png: bytes, name: str, learnt: PublicValues, ocr: Any = None) -> tuple[bytes, int]:
    """The PNG with every identifier blacked out, and how many boxes that took. UnsafeOutput when one can
    still be read after ROUNDS widenings."""
    from redactor.image.ocr import TesseractOcr
    from redactor.image.redact import clean_png_bytes, load_image_bytes, render

    engine = ocr if ocr is not None else TesseractOcr()
    try:
        image = load_image_bytes(png, name)
        boxes = _boxes(engine.words(image), learnt, image.width, image.height, MARGIN)
        if not boxes:
            return png, 0
        for rounds in range(1, ROUNDS + 1):
            rendered = render(image, boxes)
            left = _boxes(engine.words(rendered), learnt, image.width, image.height, MARGIN * (rounds + 1))
            if not left:
                return clean_png_bytes(rendered), len(boxes)
            log.info("%s: %d identifiers still readable; widening", name, len(left))
            boxes += left
    finally:
        if ocr is None:
            engine.close()
    raise UnsafeOutput(f"{name}: an ID could still be read after blacking it out for a public issue; crop that "
                       "part of the screenshot or leave the screenshot out.")
