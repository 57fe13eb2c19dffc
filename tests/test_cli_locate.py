"""`bisq-redactor locate` and the CLI's exit-code contract (0 ok, 1 failure, 2 usage)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redactor.cli import main


def test_locate_json_lists_demo_logs(demo_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["locate", "--json", "--data-dir", str(demo_data_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    mine = [d for d in out["found"] if d["path"] == str(demo_data_dir)]
    assert mine and mine[0]["bisq_version"] == 1
    logs = {f["name"]: f for f in mine[0]["log_files"]}
    assert set(logs) == {"bisq.log", "bisq_1.log", "bisq_2.log"}
    assert logs["bisq_2.log"]["first_timestamp"] == "Nov-18 08:12:01.044"
    assert all(f["bytes"] > 0 for f in logs.values())


def test_locate_nothing_found_exits_1_with_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert main(["locate"]) == 1
    err = capsys.readouterr().err
    assert "No Bisq data directory found" in err and str(tmp_path) in err and "--data-dir" in err


def test_usage_error_exits_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "redactor", "locate", "--no-such-flag"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2 and "usage:" in proc.stderr


def test_version_names_app_and_tesseract() -> None:
    proc = subprocess.run([sys.executable, "-m", "redactor", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("bisq-redactor ") and "Tesseract" in proc.stdout
