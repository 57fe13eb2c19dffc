from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "resources" / "demo"
SHARED = REPO.parent / "shared"


@pytest.fixture
def demo_data_dir(tmp_path: Path) -> Path:
    """A private copy of the demo Bisq data directory (tests must not depend on the repo copy staying clean)."""
    dest = tmp_path / "Bisq"
    shutil.copytree(DEMO / "Bisq", dest)
    return dest


@pytest.fixture
def shared_dir() -> Path:
    """../shared exists only beside the developers' checkout; tests that read it are optional."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
