"""The agent's bundle viewer applies the redactor's image limits to members of an untrusted zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from redactor.errors import BadInput
from redactor.gui.agent.bundle_tab import read_member


def test_huge_image_in_a_bundle_is_refused_not_decoded(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("L", (9000, 9000)).save(buf, "PNG")  # 81 megapixels in a few kB
    zpath = tmp_path / "hostile.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("T/buyer/screenshots/other.png", buf.getvalue())
        zf.writestr("T/notes.txt", "x" * 10)
    with pytest.raises(BadInput, match="megapixel"):
        read_member(zpath, "T/buyer/screenshots/other.png")
    assert read_member(zpath, "T/notes.txt") == ("text", "x" * 10)
