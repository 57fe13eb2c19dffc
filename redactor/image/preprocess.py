"""OpenCV preprocessing before OCR, only where it pays.

- Dark themes: Tesseract's LSTM is trained on dark text on light paper; light-on-dark lines are read worse
  (or only after its own slow invert retry), so dark backgrounds are inverted, per region when a light popup
  sits on a dark window.
- Small text: Bisq at 100 % draws 11–13 px text (cap height ~9 px); at that size Tesseract misreads small
  grey labels, so such images are upscaled 2x (costs OCR time; only when the measured text height is small).
- Dimmed forms behind a popup, coloured fields, gradients: divided by the local background so every region is
  dark text on white (Tesseract's own Otsu binarisation then works everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# Median height (px) of text-like connected components below which the image is upscaled 2x.
SMALL_TEXT_PX = 10
UPSCALE = 2.0
# Never upscale beyond this many pixels (keeps OCR time bounded on big screenshots).
MAX_UPSCALED_PIXELS = 6_000_000
# Contrast gain on the background-flattened image.
STRETCH = 2.5


@dataclass(frozen=True)
class Prepared:
    image: Image.Image  # mode "L"
    scale: float  # prepared = original * scale
    inverted: bool


def to_gray(image: Image.Image) -> np.ndarray:
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    arr = np.asarray(image)
    if arr.ndim == 3:
        return cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    return arr


def normalise_polarity(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Dark text on light background everywhere: invert tiles whose background is dark."""
    h, w = gray.shape
    # The background of a UI region is its most common luminance; estimate it on a blurred copy per tile.
    tile = 64
    small = cv2.resize(gray, (max(1, w // tile), max(1, h // tile)), interpolation=cv2.INTER_AREA)
    dark = small < 110
    if not dark.any():
        return gray, False
    if dark.all():
        return 255 - gray, True
    mask = cv2.resize(dark.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
    out = gray.copy()
    out[mask] = 255 - out[mask]
    return out, True


def text_height(gray: np.ndarray) -> float:
    """Median height of character-like blobs (after making text dark on light)."""
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    if n <= 1:
        return 99.0
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    ok = (hs >= 4) & (hs <= 60) & (ws <= 3 * hs) & (ws >= 2)
    if ok.sum() < 20:
        return 99.0
    return float(np.median(hs[ok]))


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide by the local background (a closing wider than any glyph stroke): dimmed forms behind a popup,
    coloured fields and gradients all become dark text on white, which Tesseract's layout analysis needs
    (it skips a dimmed form behind a bright popup entirely otherwise)."""
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25))
    bg = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, k)
    flat = cv2.divide(gray, bg, scale=255)
    # Stretch: faint ink (a dimmed label behind a popup: ~200 on 255) must survive Tesseract's global Otsu
    # threshold, which the popup's black text would otherwise set far below it.
    return cv2.LUT(flat, _STRETCH)


_STRETCH = np.array([255 - min(255, int((255 - v) * STRETCH)) for v in range(256)], dtype=np.uint8)


def prepare(image: Image.Image) -> Prepared:
    gray = to_gray(image)
    gray, inverted = normalise_polarity(gray)
    scale = 1.0
    h, w = gray.shape
    if text_height(gray) < SMALL_TEXT_PX and UPSCALE * UPSCALE * h * w <= MAX_UPSCALED_PIXELS:
        scale = UPSCALE
        gray = cv2.resize(gray, (round(scale * w), round(scale * h)), interpolation=cv2.INTER_CUBIC)
    gray = flatten_background(gray)  # after upscaling: the closing must be wider than the (bigger) strokes
    return Prepared(Image.fromarray(gray), scale, inverted)
