"""OCR behind a small interface, so the redactor can swap engines (real Tesseract, or a fake in GUI tests).

`TesseractOcr` prepares the image (`preprocess`), cuts it into strips read side by side, and parses
Tesseract's TSV word boxes. Tesseract itself runs single-threaded (OMP_THREAD_LIMIT=1: on a 2-core machine
OpenMP makes one call several times slower and fights our own parallelism) behind a `Runner`
(`redactor/image/engines`): in this process through tesserocr, or as a program where tesserocr cannot run.
Words are always returned in the coordinates of the image passed in, whatever preprocessing happened.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image, ImageOps

from redactor.errors import RedactorError
from redactor.image import preprocess
from redactor.image.engines import Backend, Runner, make_runner

# Below this many pixels (after preprocessing) one image is not cut into strips (200_000 was tried: no faster).
SPLIT_MIN_PIXELS = 600_000
# Second look: a short word read with less than this confidence is often a misread label (Tesseract 5.5 reads
# a dimmed "BIC" beside a field border as "fe" at 28 %); read alone, 2x larger, as one line, it is "BIC" at 92 %.
SECOND_LOOK_BELOW_CONF = 40.0
SECOND_LOOK_MAX_CHARS = 6  # labels are short; long low-confidence words are hashes and noise
SECOND_LOOK_MAX_WORDS = 8  # bounds the extra time per image (each is one small Tesseract read)
SECOND_LOOK_GAIN = 20.0  # the re-read replaces the word only when Tesseract is this much surer of it
SECOND_LOOK_PSM = 7  # one text line
SECOND_LOOK_PAD = 4  # pixels of context kept around the word's box
SECOND_LOOK_BORDER = 10  # white margin around the enlarged crop (Tesseract reads badly at an image edge)


class RectEdges:
    """Right and bottom edges for any dataclass with x, y, w, h (words, boxes)."""

    x: int
    y: int
    w: int
    h: int

    @property
    def x1(self) -> int:
        return self.x + self.w

    @property
    def y1(self) -> int:
        return self.y + self.h


@dataclass(frozen=True)
class Word(RectEdges):
    text: str
    x: int
    y: int
    w: int
    h: int
    conf: float

    def read_surely(self, min_conf: float, min_chars: int) -> bool:
        """Real text rather than what OCR makes of a blur, a border or noise: at least `min_chars` letters or
        digits, read with at least `min_conf` confidence (the bar differs by what is at stake)."""
        return self.conf >= min_conf and sum(ch.isalnum() for ch in self.text) >= min_chars


Region = tuple[int, int, int, int]  # x0, y0, x1, y1


class OcrEngine(Protocol):
    def words(self, image: Image.Image) -> list[Word]: ...

    def read_regions(self, image: Image.Image, regions: Sequence[Region]) -> list[Word]:
        """The words inside `regions` of `image`, in image coordinates (verification re-reads only these; an
        engine may read them however is cheapest for it)."""

    def warm(self, count: int) -> None:
        """Have `count` OCR workers ready before the next words() call (a hint; may do nothing)."""

    def close(self) -> None:
        """Release what warm() started."""


def parse_tsv(tsv: str, scale: float = 1.0, dx: int = 0, dy: int = 0) -> list[Word]:
    """Tesseract TSV (level 5 rows are words) -> Words mapped back by 1/scale and offset (dx, dy)."""
    out: list[Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        try:
            x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
            # "96,39" when a decimal-comma locale was active in Tesseract's C library.
            conf = float(row["conf"].replace(",", "."))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # A word we cannot place is a word we cannot check: fail closed rather than miss it.
            raise RedactorError("Tesseract's word list could not be read (malformed row); nothing was written.") \
                from exc
        out.append(Word(text, dx + int(x / scale), dy + int(y / scale), max(1, round(w / scale)),
                        max(1, round(h / scale)), conf))
    return out


def blank_split_rows(gray: np.ndarray, parts: int) -> list[int]:
    """Rows where a band of blank rows lets the image be cut without cutting text, each near where 1/parts of
    the text lies above it (Tesseract's time follows the text more than the pixels: strips cut at equal
    heights took 60 and 120 ms on a form whose fields sit in its lower half)."""
    # Window borders and shadows put a few ink pixels in every row; text puts many more.
    counts = (gray < 160).sum(axis=1)
    ink = counts > max(8, gray.shape[1] // 150)
    h = len(ink)
    if h < 16:
        return []
    text = np.cumsum(np.where(ink, counts, 0))
    cuts: list[int] = []
    for k in range(1, parts):
        target = int(np.searchsorted(text, text[-1] * k / parts)) if text[-1] else h * k // parts
        best = None
        for d in range(0, h // (2 * parts)):
            for y in (target - d, target + d):
                if 4 <= y < h - 4 and not ink[y - 4:y + 4].any():
                    best = y
                    break
            if best is not None:
                break
        if best is not None and (not cuts or best > cuts[-1]):  # never a strip of no rows
            cuts.append(best)
    return cuts


class TesseractOcr:
    """Tesseract with preprocessing (dark theme -> inverted, small text -> upscaled 2x).

    Back-end: Tesseract inside this process through tesserocr when it loads (each model loads once per
    process), else Tesseract processes started ahead of need; `backend="process"` forces the latter,
    `backend="library"` the former (an error where it cannot run)."""

    def __init__(self, lang: str = "eng", *, preprocess_image: bool = True, psm: int = 3,
                 jobs: int | None = None, backend: Backend | None = None) -> None:
        self.lang = lang
        self.preprocess_image = preprocess_image
        self.psm = psm
        # One screenshot at a time (GUI, CLI): cut it at blank rows and OCR up to two strips in parallel. The
        # accuracy figures in README were measured this way (a single pass misses a few popup-over-form values).
        self.jobs = jobs or min(2, os.cpu_count() or 1)
        if backend not in ("library", "process", None):
            raise ValueError(f"unknown OCR back-end {backend!r}")
        self.backend = backend  # None: BISQ_REDACTOR_OCR_BACKEND, else in process when it can, else processes
        self._runner: Runner | None = None
        self._line_runner: Runner | None = None

    def runner(self) -> Runner:
        """The back-end, chosen on first use. Raises TesseractMissing when there is no Tesseract."""
        if self._runner is not None and not self._runner.usable():  # made in a parent process before a fork
            self._runner = None
        if self._runner is None:
            self._runner = make_runner(self.lang, self.psm, self.backend)
        return self._runner

    def warm(self, count: int) -> None:
        """Have `count` Tesseract models ready before the next words() call: each loads while the caller
        decodes and prepares the image. Raises TesseractMissing early when there is none."""
        self.runner().warm(count)

    def close(self) -> None:
        """Stop the processes warm() started (loaded library models stay for the next screenshot)."""
        for runner in (self._runner, self._line_runner):
            if runner is not None:
                runner.close()

    def words(self, image: Image.Image) -> list[Word]:
        if self.preprocess_image:
            prepared = preprocess.prepare(image)
            gray, scale = prepared.image, prepared.scale
        else:
            gray, scale = image.convert("L"), 1.0
        arr = np.asarray(gray)
        cuts = blank_split_rows(arr, self.jobs) if self.jobs > 1 and arr.size >= SPLIT_MIN_PIXELS else []
        bounds = [0, *cuts, arr.shape[0]]
        strips = [gray.crop((0, a, gray.width, b)) for a, b in zip(bounds, bounds[1:], strict=False)]
        words: list[Word] = []
        for top, tsv in zip(bounds, self.runner().read(strips), strict=False):
            words.extend(parse_tsv(tsv, dy=top))
        words = self._second_look(gray, words)
        return [scale_word(w, scale) for w in tighten(words, arr)]

    def read_regions(self, image: Image.Image, regions: Sequence[Region]) -> list[Word]:
        """The regions stacked into one image, read in one call, the words mapped back: one Tesseract call
        instead of one per region."""
        return read_stacked(self, image, regions)

    def _second_look(self, gray: Image.Image, words: list[Word]) -> list[Word]:
        """Read the least sure short words again, each alone and enlarged (see SECOND_LOOK_*)."""
        unsure = [i for i, w in enumerate(words) if w.conf < SECOND_LOOK_BELOW_CONF and w.h >= 6
                  and len(w.text) <= SECOND_LOOK_MAX_CHARS and any(ch.isalnum() for ch in w.text)]
        unsure = sorted(unsure, key=lambda i: words[i].conf)[:SECOND_LOOK_MAX_WORDS]
        if not unsure:
            return words
        if self._line_runner is None or not self._line_runner.usable():
            self._line_runner = make_runner(self.lang, SECOND_LOOK_PSM, self._runner.name if self._runner else None)
        crops = [_enlarged(gray, words[i]) for i in unsure]
        out = list(words)
        for i, tsv in zip(unsure, self._line_runner.read(crops), strict=True):
            again = parse_tsv(tsv)
            if len(again) == 1 and again[0].conf >= words[i].conf + SECOND_LOOK_GAIN:
                out[i] = Word(again[0].text, words[i].x, words[i].y, words[i].w, words[i].h, again[0].conf)
        return out


def _enlarged(gray: Image.Image, w: Word) -> Image.Image:
    box = (max(0, w.x - SECOND_LOOK_PAD), max(0, w.y - SECOND_LOOK_PAD), min(gray.width, w.x1 + SECOND_LOOK_PAD),
           min(gray.height, w.y1 + SECOND_LOOK_PAD))
    crop = gray.crop(box)
    crop = crop.resize((crop.width * 2, crop.height * 2), Image.Resampling.LANCZOS)
    return ImageOps.expand(crop, SECOND_LOOK_BORDER, fill=255)


def scale_word(w: Word, scale: float) -> Word:
    if scale == 1.0:
        return w
    return Word(w.text, int(w.x / scale), int(w.y / scale), max(1, round(w.w / scale)), max(1, round(w.h / scale)),
                w.conf)


def tighten(words: list[Word], gray: np.ndarray) -> list[Word]:
    """Shrink word boxes Tesseract stretched over two rows (it does for '-', '/', and words next to a border
    or a dimmed row): keep the band of rows holding most of the word's ink. Otherwise one tall box makes a
    fill cover the row below, where a trade ID may be."""
    if not words:
        return words
    typical = float(np.median([w.h for w in words]))
    out = []
    for w in words:
        if w.h <= 1.7 * typical or w.w < 2:
            out.append(w)
            continue
        sub = gray[w.y:w.y1, w.x:w.x1]
        if sub.size == 0:
            out.append(w)
            continue
        ink = (sub < min(160, int(sub.mean()) - 10)).sum(axis=1) > 0
        runs, start = [], None
        for i, v in enumerate([*ink, False]):
            if v and start is None:
                start = i
            elif not v and start is not None:
                runs.append((start, i))
                start = None
        if not runs:
            out.append(w)
            continue
        # Merge runs split by small gaps (i, j dots, accents), then keep the one with the most ink rows.
        merged = [list(runs[0])]
        for a, b in runs[1:]:
            if a - merged[-1][1] <= max(2, typical * 0.25):
                merged[-1][1] = b
            else:
                merged.append([a, b])
        a, b = max(merged, key=lambda r: int(ink[r[0]:r[1]].sum()) * 1000 - r[0])
        out.append(Word(w.text, w.x, w.y + a, w.w, max(1, b - a), w.conf))
    return out


STACK_GAP = 24  # blank rows between stacked regions: Tesseract does not join text across them


def read_stacked(engine: OcrEngine, image: Image.Image, regions: Sequence[Region]) -> list[Word]:
    """`regions` of `image` read by `engine` as one stacked image, each word mapped back to where it is."""
    if not regions:
        return []
    crops = [preprocess.normalise_polarity(preprocess.to_gray(image.crop(r)))[0] for r in regions]
    width = max(c.shape[1] for c in crops)
    total = sum(c.shape[0] for c in crops) + STACK_GAP * (len(crops) + 1)
    canvas = np.full((total, width), 255, dtype=np.uint8)
    offsets = []
    y = STACK_GAP
    for c in crops:
        canvas[y:y + c.shape[0], :c.shape[1]] = c
        offsets.append(y)
        y += c.shape[0] + STACK_GAP
    mapped = []
    for w in engine.words(Image.fromarray(canvas)):
        cy = w.y + w.h // 2
        for (x0, y0, _x1, _y1), off, c in zip(regions, offsets, crops, strict=True):
            if off <= cy < off + c.shape[0]:
                mapped.append(Word(w.text, w.x + x0, w.y - off + y0, w.w, w.h, w.conf))
                break
    return mapped
