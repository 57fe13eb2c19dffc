"""What every OCR back-end shares: the `Runner` interface `TesseractOcr` reads strips through, how the back-end
is chosen (BISQ_REDACTOR_OCR_BACKEND), and the TSV header both back-ends' output starts with."""

from __future__ import annotations

import os
from typing import Literal, Protocol

from PIL import Image

BACKEND_ENV = "BISQ_REDACTOR_OCR_BACKEND"
Backend = Literal["library", "process"]
BACKENDS: tuple[Backend, ...] = ("library", "process")
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


class Runner(Protocol):
    """A Tesseract back-end: reads prepared strips, TSV out, in order."""

    name: Backend

    def usable(self) -> bool:
        """False when it was made in a parent process before a fork: the engine then makes a new one."""

    def warm(self, count: int) -> None: ...

    def read(self, strips: list[Image.Image]) -> list[str]: ...

    def close(self) -> None: ...


def env_choice() -> Backend | None:
    """The back-end BISQ_REDACTOR_OCR_BACKEND asks for, or None (in process when it can)."""
    value = os.environ.get(BACKEND_ENV, "").strip().lower()
    if value == "process":
        return "process"
    if value == "library":
        return "library"
    return None
