"""Outputs of one command are committed together (issue 11): the bundle zip and its placeholder map, and
redact-image's image and --boxes file. A full disk at the last output leaves nothing; a late rename failure
says exactly what exists."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from redactor import fsutil
from redactor.bundle.case import Case
from redactor.bundle.verify import verify_bundle
from redactor.bundle.writer import build_bundle, placeholders_path
from redactor.cli import main
from redactor.errors import OutputError

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo"
FACTS = json.loads((DEMO / "demo-facts.json").read_text())


def fd_name(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


class FullDisk(io.BufferedRandom):
    def write(self, data):  # type: ignore[no-untyped-def, override]
        raise OSError(errno.ENOSPC, "No space left on device")


def full_for(monkeypatch: pytest.MonkeyPatch, fragment: str) -> None:
    """The disk is full for files whose temp name holds `fragment` (every other write succeeds)."""
    real = fsutil._open_fd

    def open_fd(fd: int):  # type: ignore[no-untyped-def]
        return FullDisk(io.FileIO(fd, "r+b")) if fragment in fd_name(fd) else real(fd)

    monkeypatch.setattr(fsutil, "_open_fd", open_fd)


def demo_case(demo_data_dir: Path) -> Case:
    return Case(trade_id=FACTS["trade_id"], role="buyer", description="It went wrong; mail me at a@b.example\n",
                txids=[], screenshots=[], data_dir=demo_data_dir)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name a temp file")
def test_full_disk_at_the_placeholder_map_leaves_neither(tmp_path: Path, demo_data_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "case.zip"
    out.parent.mkdir()
    out.write_bytes(b"an older bundle")
    full_for(monkeypatch, "case.placeholders.json")
    with pytest.raises(OutputError) as info:
        build_bundle(demo_case(demo_data_dir), out)
    assert "The disk is full: could not write case.placeholders.json. Nothing was written" in str(info.value)
    assert ".staged" not in str(info.value) and ".part" not in str(info.value)
    assert sorted(p.name for p in out.parent.iterdir()) == ["case.zip"]
    assert out.read_bytes() == b"an older bundle"


def test_a_failed_late_rename_says_exactly_what_exists(tmp_path: Path, demo_data_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "case.zip"
    real = os.replace

    def replace(src: object, dst: object) -> None:
        if Path(str(dst)) == tmp_path / "case.placeholders.json":
            raise PermissionError(errno.EACCES, "Permission denied")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as info:
        build_bundle(demo_case(demo_data_dir), out)
    assert str(info.value) == (f"Could not write case.placeholders.json: Permission denied. Written: {out}; "
                               "not written: case.placeholders.json.")
    assert verify_bundle(out).ok and not placeholders_path(out).exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_dir()) == ["case.zip"]


def test_both_outputs_when_all_goes_well(tmp_path: Path, demo_data_dir: Path) -> None:
    result = build_bundle(demo_case(demo_data_dir), tmp_path / "case.zip")
    assert result.map_path == placeholders_path(tmp_path / "case.zip") and result.map_path.is_file()
    assert oct(result.map_path.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_dir()) == ["case.placeholders.json", "case.zip"]


@pytest.mark.ocr
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name a temp file")
def test_redact_image_with_boxes_commits_both_or_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed")
    shot = DEMO / "screenshots" / "chat.png"
    out, boxes = tmp_path / "out.png", tmp_path / "boxes.json"
    full_for(monkeypatch, "boxes.json")
    assert main(["redact-image", str(shot), "-o", str(out), "--boxes", str(boxes)]) == 1
    err = capsys.readouterr().err
    assert "The disk is full: could not write boxes.json. Nothing was written" in err, err
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert main(["redact-image", str(shot), "-o", str(out), "--boxes", str(boxes)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boxes.json", "out.png"]
    assert main(["redact-image", str(shot), "-o", str(out), "--boxes", str(out)]) == 1


def test_a_bundle_beyond_the_limits_is_refused_before_writing(tmp_path: Path, demo_data_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer refuses what its verify would refuse (here: a log beyond a patched member limit; the real
    limit keeps a bundle below zip64's 4 GiB)."""
    from redactor.bundle import limits
    from redactor.bundle.zipio import TooLarge

    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(TooLarge, match=r"a bundle file may hold at most 1000 bytes\. Nothing was written\."):
        build_bundle(demo_case(demo_data_dir), tmp_path / "case.zip")
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name a temp file")
def test_sanitize_log_commits_log_map_and_report_together(tmp_path: Path, demo_data_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "out"
    where.mkdir()
    out, report = where / "clean.log", where / "report.json"
    args = ["sanitize-log", str(demo_data_dir / "bisq.log"), "-o", str(out), "--report", str(report)]
    full_for(monkeypatch, "report.json")
    assert main(args) == 1
    assert sorted(p.name for p in where.iterdir()) == []  # no clean log, no map, no report, no temp
    monkeypatch.undo()
    assert main(args) == 0
    assert sorted(p.name for p in where.iterdir()) == ["clean.log", "clean.log.map.json", "report.json"]
    assert [f["name"] for f in json.loads(report.read_text())["files"]] == ["clean.log"]
    assert main([*args[:4], "--report", str(out)]) == 1  # the report cannot replace the clean log
