"""Group OCR words into lines and cells by geometry.

Tesseract's own reading order is useless on Bisq windows (it reads the whole label column, then the values),
so lines are rebuilt from word boxes: words whose vertical extents overlap enough share a line; a horizontal
gap much wider than a space splits a line into cells (label cell | value cell, or two form columns).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from redactor.image.ocr import Word


def median_height(words: Sequence[Word]) -> int:
    """The middle height of some words (the upper one of two middles): typical text height, robust to a few
    tall or tiny boxes."""
    return sorted(w.h for w in words)[len(words) // 2]


@dataclass
class Line:
    words: list[Word] = field(default_factory=list)

    @property
    def x0(self) -> int:
        return min(w.x for w in self.words)

    @property
    def x1(self) -> int:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> int:
        return min(w.y for w in self.words)

    @property
    def y1(self) -> int:
        return max(w.y1 for w in self.words)

    @property
    def height(self) -> int:
        """Typical glyph height on the line (median of word heights: robust to a stray tall box)."""
        return max(4, int(statistics.median(w.h for w in self.words)))

    @property
    def word_height(self) -> int:
        """Typical height of the line's real words (three or more letters or digits): specks OCR reads in a
        blur or pixelation do not drag it down."""
        real = [w for w in self.words if sum(ch.isalnum() for ch in w.text) >= 3]
        return max(4, median_height(real)) if real else self.height

    def is_speck(self, w: Word) -> bool:
        """What OCR reads in a blur or pixelation: much shorter than the line's words, or a scrap of two or
        three characters it has no confidence in."""
        return w.h < 0.6 * self.word_height or (w.conf < 30 and sum(ch.isalnum() for ch in w.text) <= 3)

    def band(self) -> tuple[int, int]:
        """Top and bottom of the line's text, ignoring boxes Tesseract stretched over two rows (it does that
        for '-', '/' and words next to borders)."""
        h = self.height
        normal = [w for w in self.words if w.h <= 1.6 * h] or self.words
        return min(w.y for w in normal), max(w.y1 for w in normal)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def _is_noise(w: Word) -> bool:
    # Tesseract reports icons, borders and blur as low-confidence junk; keep anything with a letter or digit.
    return not any(ch.isalnum() for ch in w.text) and w.conf < 60


def group_lines(words: list[Word]) -> list[Line]:
    """Words -> lines, top to bottom, each line's words left to right."""
    lines: list[Line] = []
    for w in sorted((w for w in words if not _is_noise(w)), key=lambda w: (w.y + w.h / 2, w.x)):
        cy = w.y + w.h / 2
        best = None
        for line in reversed(lines[-6:]):
            ly0, ly1 = line.band()
            overlap = min(ly1, w.y1) - max(ly0, w.y)
            centre_in = ly0 <= cy <= ly1
            if overlap >= 0.5 * min(w.h, ly1 - ly0) and centre_in:
                best = line
                break
        if best is None:
            lines.append(Line([w]))
        else:
            best.words.append(w)
    for line in lines:
        line.words.sort(key=lambda w: w.x)
    lines.sort(key=lambda ln: (ln.y0, ln.x0))
    return lines


def split_cells(line: Line, gap_factor: float = 1.3) -> list[list[Word]]:
    """A line's words cut at gaps wider than `gap_factor` × the line's text height."""
    limit = gap_factor * line.height
    cells: list[list[Word]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        if w.x - prev.x1 > limit:
            cells.append([w])
        else:
            cells[-1].append(w)
    return cells


def overlay_edge(gray: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> int | None:
    """The first column in x0..x1 that is the edge of a window laid over the one behind (a popup's border or
    side): one level from well above the text band (y0..y1) to well below it, and unlike its neighbours there.
    Words either side of it belong to different windows. Glyphs, a field's own border (about two lines high)
    and gaps between words never span that tall."""
    h = max(1, y1 - y0)
    top, bottom = max(0, y0 - 3 * h), min(gray.shape[0], y1 + 3 * h)
    x0, x1 = max(1, x0), min(gray.shape[1] - 1, x1)
    if x1 <= x0 or bottom - top < 5 * h:
        return None
    strip = gray[top:bottom, x0 - 1:x1 + 1].astype(np.int16)
    col = strip[:, 1:-1]
    step = np.maximum(np.abs(col - strip[:, :-2]), np.abs(col - strip[:, 2:]))
    edge = ((step > 25).mean(axis=0) >= 0.9) & (col.std(axis=0) < 12)
    # Above and below the text band, the backgrounds either side of a popup's edge differ (a dimmed window
    # behind, the popup's own in front); either side of a table's grid line or a column divider they do not,
    # and cutting the row there would leave its payment details unredacted.
    outside = np.r_[0:max(0, y0 - top), min(strip.shape[0], y1 - top):strip.shape[0]]
    reach = 2 * h
    for i in np.flatnonzero(edge):
        x = x0 + int(i)
        left = gray[top:bottom, max(0, x - reach):max(0, x - 1)][outside]
        right = gray[top:bottom, x + 2:x + 2 + reach][outside]
        if left.size and right.size and abs(float(np.median(left)) - float(np.median(right))) >= 8:
            return x
    return None
