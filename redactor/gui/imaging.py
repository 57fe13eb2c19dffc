"""PIL → QImage for display. Runs in workers: converting a 5K screenshot on the GUI thread would freeze it."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtGui import QImage

PREVIEW_MAX = 2560  # longest side of the image shown in the editor; boxes stay in original pixels


def to_qimage(image: Any, max_side: int = PREVIEW_MAX) -> QImage:
    """A deep-copied QImage of a PIL image, scaled down so its longest side is at most `max_side`."""
    from PIL import Image

    im = image
    if max(im.size) > max_side:
        ratio = max_side / max(im.size)
        im = im.resize((max(1, round(im.width * ratio)), max(1, round(im.height * ratio))),
                       Image.Resampling.LANCZOS)
    im = im.convert("RGBA")
    data = im.tobytes("raw", "BGRA")  # = QImage's ARGB32 byte order on little-endian machines
    fmt = QImage.Format.Format_ARGB32 if sys.byteorder == "little" else QImage.Format.Format_RGBA8888
    if sys.byteorder != "little":
        data = im.tobytes("raw", "RGBA")
    # Premultiplied is what QPixmap uses on the raster engine: converting here keeps fromImage() on the GUI
    # thread a plain copy.
    return QImage(data, im.width, im.height, im.width * 4, fmt).convertToFormat(
        QImage.Format.Format_ARGB32_Premultiplied)


def load_preview(path: Any, max_side: int = PREVIEW_MAX) -> tuple[QImage, tuple[int, int]]:
    """Open an image file read-only through the core loader and return (preview, original size)."""
    from redactor.image.redact import load_image

    image = load_image(path)
    return to_qimage(image, max_side), image.size
