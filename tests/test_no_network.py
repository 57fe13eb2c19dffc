"""No network, ever: the CLI commands of the log/contract/locate areas work with every socket API blocked,
in this process (monkeypatched) and in a fresh interpreter (audit hook + patched socket module)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from redactor.cli import main

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "resources" / "demo"


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("network access attempted")


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, _refuse)


def _commands(data_dir: Path, out: Path) -> list[list[str]]:
    return [
        ["sanitize-log", str(data_dir / "bisq_1.log"), "-o", str(out / "bisq_1.clean.log"),
         "--report", str(out / "report.json")],
        ["scrub-contract", str(DEMO / "contract.json"), "-o", str(out / "contract.clean.json")],
        ["locate", "--json", "--data-dir", str(data_dir)],
    ]


def test_cli_in_process_with_sockets_blocked(no_sockets: None, demo_data_dir: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _commands(demo_data_dir, tmp_path):
        assert main(argv) == 0, argv
    assert b"Alice" not in (tmp_path / "bisq_1.clean.log").read_bytes()
    assert json.loads((tmp_path / "report.json").read_text())["totals"]["iban"] > 0
    assert "bisq_1.log" in capsys.readouterr().out


def test_parallel_sanitizer_in_process_with_sockets_blocked(no_sockets: None, tmp_path: Path) -> None:
    from redactor.text.sanitizer import sanitize_logs

    srcs = sorted((DEMO / "Bisq").glob("bisq*.log"))
    report = sanitize_logs(srcs, tmp_path, workers=2)
    assert len(report.files) == 3 and all(f.error is None for f in report.files)


GUARD = """
import socket, sys
def refuse(*a, **k):
    raise SystemExit("network access attempted")
for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
    setattr(socket, name, refuse)
def hook(event, args):
    if event.startswith("socket.") or event in ("urllib.Request",):
        raise SystemExit("network access attempted: " + event)
sys.addaudithook(hook)
from redactor.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_cli_in_subprocess_with_sockets_blocked(demo_data_dir: Path, tmp_path: Path) -> None:
    for argv in _commands(demo_data_dir, tmp_path):
        proc = subprocess.run([sys.executable, "-c", GUARD, *argv], capture_output=True, text=True, timeout=120,
                              cwd=tmp_path)
        assert proc.returncode == 0, (argv, proc.stderr)
    assert (tmp_path / "contract.clean.json").exists() and (tmp_path / "bisq_1.clean.log.map.json").exists()
