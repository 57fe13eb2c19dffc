"""Collecting logs never opens a secret file and never modifies the data directory."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from redactor.bisq.datadir import locate
from redactor.bisq.logfiles import snapshot

OPENED: list[str] = []
_RECORDING = [False]


def _audit(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    if _RECORDING[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        # Files below a folder are opened relative to it (openat, no link followed): then only the name is seen.
        OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)

SECRET_PARTS = ("wallet", "keys", "hiddenservice", "db", "bisq.properties", "bisq_backup")


def tree_state(root: Path) -> dict[str, tuple[int, str]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def recording():  # type: ignore[no-untyped-def]
    OPENED.clear()
    yield OPENED
    _RECORDING[0] = False


def test_locate_and_snapshot_open_only_logs(demo_data_dir: Path, tmp_path: Path, recording: list[str]) -> None:
    before = tree_state(demo_data_dir)
    _RECORDING[0] = True
    found = locate([demo_data_dir], platform="linux", env={}, home=tmp_path / "h").found[0]
    out = tmp_path / "out"
    copies = [snapshot(f.path, out / f.name) for f in found.log_files]
    _RECORDING[0] = False
    root = demo_data_dir.resolve()
    inside = [p for p in recording if not Path(p).is_absolute() or Path(p).resolve().is_relative_to(root)]
    assert inside, "the audit hook saw nothing: the test would not catch a leak"
    names = [Path(p).name for p in inside if Path(p) != demo_data_dir and Path(p).resolve() != root]
    assert names and all(n.startswith("bisq") and n.endswith(".log") for n in names), names
    assert not any(part in n for n in names for part in SECRET_PARTS if part != "bisq.properties")
    for c in copies:
        assert b"CANARY-" not in c.copy.read_bytes()
    assert tree_state(demo_data_dir) == before


def test_snapshot_stops_at_size_seen_when_file_grows(tmp_path: Path) -> None:
    src = tmp_path / "bisq.log"
    src.write_bytes(b"a\n" * 1000)

    snap = snapshot(src, tmp_path / "copy.log")
    with src.open("ab") as fh:
        fh.write(b"appended after\n")
    assert snap.bytes == 2000 and (tmp_path / "copy.log").read_bytes() == b"a\n" * 1000
