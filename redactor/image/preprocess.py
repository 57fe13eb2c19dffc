"""Preprocessing before OCR, only where it pays (NumPy and Pillow only: README, Design decisions, "No OpenCV").

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

import numpy as np
from PIL import Image

# Median height (px) of text-like connected components below which the image is upscaled 2x.
SMALL_TEXT_PX = 10
UPSCALE = 2
# Never upscale beyond this many pixels (keeps OCR time bounded on big screenshots).
MAX_UPSCALED_PIXELS = 6_000_000
# Side (px) of the square closing that estimates the local background: wider than any glyph stroke.
BACKGROUND_WINDOW = 25
# Contrast gain on the background-flattened image.
STRETCH = 2.5


@dataclass(frozen=True)
class Prepared:
    image: Image.Image  # mode "L"
    scale: float  # prepared = original * scale
    inverted: bool


def to_gray(image: Image.Image) -> np.ndarray:
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    return np.asarray(image.convert("L") if image.mode == "RGB" else image)  # ITU-R 601 luma


def normalise_polarity(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Dark text on light background everywhere: invert tiles whose background is dark."""
    h, w = gray.shape
    # The background of a UI region is its most common luminance; the mean of a 64 px tile estimates it.
    tile = 64
    small = np.asarray(Image.fromarray(gray).resize((max(1, w // tile), max(1, h // tile)), Image.Resampling.BOX))
    dark = small < 110
    if not dark.any():
        return gray, False
    if dark.all():
        return 255 - gray, True
    # Nearest tile for every pixel (tile index = floor(pixel * tiles / size)).
    rows = np.arange(h) * dark.shape[0] // h
    cols = np.arange(w) * dark.shape[1] // w
    mask = dark[rows[:, None], cols[None, :]]
    out = gray.copy()
    out[mask] = 255 - out[mask]
    return out, True


def otsu_threshold(gray: np.ndarray) -> int:
    """Otsu's threshold: the grey level that best splits the histogram into two classes."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    w0 = np.cumsum(hist)
    s0 = np.cumsum(levels * hist)
    w1 = gray.size - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = w0 * w1 * (s0 / w0 - (s0[-1] - s0) / w1) ** 2
    return int(np.argmax(np.nan_to_num(between)))


def component_boxes(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heights and widths of the 8-connected components of a boolean image.

    Works on horizontal runs: runs on consecutive rows that touch are joined, labels settle by repeated
    min-propagation with pointer jumping (a handful of NumPy passes, no per-pixel Python)."""
    h, w = ink.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    edges = np.diff(padded, axis=1)
    rows_s, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # exclusive; same row order as starts
    n = len(starts)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    stride = w + 4
    start_key = rows_s.astype(np.int64) * stride + starts
    end_key = rows_s.astype(np.int64) * stride + ends
    # Runs on the next row touching run i (8-connectivity): start_j <= end_i and end_j >= start_i.
    nxt = (rows_s.astype(np.int64) + 1) * stride
    lo = np.searchsorted(end_key, nxt + starts, side="left")
    hi = np.searchsorted(start_key, nxt + ends, side="right")
    counts = np.maximum(hi - lo, 0)
    a = np.repeat(np.arange(n), counts)
    b = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    labels = np.arange(n)
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, labels):
            break
        labels = new
    top = np.full(n, h, dtype=np.int64)
    bottom = np.zeros(n, dtype=np.int64)
    left = np.full(n, w, dtype=np.int64)
    right = np.zeros(n, dtype=np.int64)
    np.minimum.at(top, labels, rows_s)
    np.maximum.at(bottom, labels, rows_s + 1)
    np.minimum.at(left, labels, starts)
    np.maximum.at(right, labels, ends)
    roots = np.unique(labels)
    return bottom[roots] - top[roots], right[roots] - left[roots]


def text_height(gray: np.ndarray) -> float:
    """Median height of character-like blobs (after making text dark on light)."""
    hs, ws = component_boxes(gray <= otsu_threshold(gray))
    ok = (hs >= 4) & (hs <= 60) & (ws <= 3 * hs) & (ws >= 2)
    if ok.sum() < 20:
        return 99.0
    return float(np.median(hs[ok]))


def _sliding(arr: np.ndarray, size: int, op: np.ufunc) -> np.ndarray:
    """Max or min over a centred window of `size` along axis 0, edges replicated (O(log size) passes)."""
    before = size // 2
    acc = np.pad(arr, [(before, size - 1 - before), (0, 0)], mode="edge")
    n, span = arr.shape[0], 1  # acc[i] = op over padded[i : i + span]
    while span * 2 <= size:
        acc = op(acc[:-span], acc[span:])
        span *= 2
    rest = size - span
    return op(acc[:n], acc[rest:rest + n]) if rest else acc[:n]


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide by the local background (a closing wider than any glyph stroke): dimmed forms behind a popup,
    coloured fields and gradients all become dark text on white, which Tesseract's layout analysis needs
    (it skips a dimmed form behind a bright popup entirely otherwise)."""
    k = BACKGROUND_WINDOW
    dilated = _sliding(_sliding(gray, k, np.maximum).T, k, np.maximum)  # transposed: rows, then columns
    bg = _sliding(_sliding(dilated, k, np.minimum).T, k, np.minimum).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        flat = np.where(bg > 0, np.rint(gray.astype(np.float32) * 255 / bg), 0)
    # Stretch: faint ink (a dimmed label behind a popup: ~200 on 255) must survive Tesseract's global Otsu
    # threshold, which the popup's black text would otherwise set far below it.
    return _STRETCH[np.clip(flat, 0, 255).astype(np.uint8)]


_STRETCH = np.array([255 - min(255, int((255 - v) * STRETCH)) for v in range(256)], dtype=np.uint8)


def _cubic_weights(t: float, a: float = -0.75) -> np.ndarray:
    """Keys' cubic convolution weights for the 4 neighbours of a sample at fraction t (a = -0.75, as OpenCV)."""
    def k(x: float) -> float:
        x = abs(x)
        if x <= 1:
            return (a + 2) * x**3 - (a + 3) * x**2 + 1
        return a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a if x < 2 else 0.0
    return np.array([k(1 + t), k(t), k(1 - t), k(2 - t)], dtype=np.float32)


# Output pixel 2i samples the input at i - 0.25, pixel 2i + 1 at i + 0.25 (pixel centres aligned).
_EVEN = _cubic_weights(0.75)  # neighbours i-2 .. i+1
_ODD = _cubic_weights(0.25)  # neighbours i-1 .. i+2


def _upscale2_rows(arr: np.ndarray) -> np.ndarray:
    n = arr.shape[0]
    p = np.pad(arr, [(2, 2), (0, 0)], mode="edge")  # p[i + 2] is input row i
    out = np.empty((2 * n, arr.shape[1]), dtype=np.float32)
    out[0::2] = _EVEN[0] * p[0:n] + _EVEN[1] * p[1:n + 1] + _EVEN[2] * p[2:n + 2] + _EVEN[3] * p[3:n + 3]
    out[1::2] = _ODD[0] * p[1:n + 1] + _ODD[1] * p[2:n + 2] + _ODD[2] * p[3:n + 3] + _ODD[3] * p[4:n + 4]
    return out


def upscale2(gray: np.ndarray) -> np.ndarray:
    """2x bicubic upscale (sharper than Pillow's a = -0.5 kernel; the accuracy figures were measured with it)."""
    up = _upscale2_rows(_upscale2_rows(gray.astype(np.float32)).T).T
    return np.clip(np.rint(up), 0, 255).astype(np.uint8)


def prepare(image: Image.Image) -> Prepared:
    gray = to_gray(image)
    if gray.size == 0:
        return Prepared(Image.fromarray(gray), 1.0, False)
    gray, inverted = normalise_polarity(gray)
    scale = 1
    h, w = gray.shape
    if text_height(gray) < SMALL_TEXT_PX and UPSCALE * UPSCALE * h * w <= MAX_UPSCALED_PIXELS:
        scale = UPSCALE
        gray = upscale2(gray)
    gray = flatten_background(gray)  # after upscaling: the closing must be wider than the (bigger) strokes
    return Prepared(Image.fromarray(gray), float(scale), inverted)
