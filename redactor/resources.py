"""One place that knows where the app's read-only resources live (source tree or PyInstaller bundle)."""

from __future__ import annotations

import sys
from pathlib import Path


def get_resource_path(*parts: str) -> Path:
    """Path of a file under `resources/`, in a checkout or inside a frozen (PyInstaller) app."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        base = Path(frozen_root) / "resources"
    else:
        base = Path(__file__).resolve().parent.parent / "resources"
    return base.joinpath(*parts)
