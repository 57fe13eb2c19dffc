"""A deterministic OCR engine for tests (it lives with the tests, not in the app): returns the words it was
given, a different list per call when given several."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from redactor.image.ocr import Region, Word


class FakeOcr:
    def __init__(self, words: list[Word], *later: list[Word]) -> None:
        self._calls = [list(words), *[list(w) for w in later]]
        self.calls = 0

    def warm(self, count: int) -> None:
        pass

    def close(self) -> None:
        pass

    def words(self, image: Image.Image) -> list[Word]:
        result = self._calls[min(self.calls, len(self._calls) - 1)]
        self.calls += 1
        return list(result)

    def read_regions(self, image: Image.Image, regions: Sequence[Region]) -> list[Word]:
        return self.words(image) if regions else []  # the fake's words are in image coordinates already
