"""No network, ever: the CLI commands work with every socket API blocked, in this process (monkeypatched), in a
fresh interpreter (audit hook + patched socket module), and in every worker process (sitecustomize audit hook)."""

from __future__ import annotations

import json
import os
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


SITE_GUARD = """
import sys
_NET = {"socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
        "socket.sendto", "socket.sendmsg", "urllib.Request"}
def _hook(event, args):
    if event in _NET:
        import os
        os.write(2, ("network access attempted: " + event + "\\n").encode())
        os._exit(97)
sys.addaudithook(_hook)
"""


def test_bundle_and_redact_image_with_network_blocked_in_every_process(demo_data_dir: Path, tmp_path: Path) -> None:
    """sitecustomize runs in the CLI process and in every worker it spawns (sanitizer pool, OCR pool), so a
    network call anywhere ends the run with code 97."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE_GUARD)
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{REPO}"}
    shot = DEMO / "screenshots" / "error-popup.png"
    facts = json.loads((DEMO / "demo-facts.json").read_text())
    runs = [
        ["redact-image", str(shot), "-o", str(tmp_path / "shot.png")],
        ["bundle", "--data-dir", str(demo_data_dir), "--trade-id", facts["trade_id"], "--role", "buyer",
         "--description-file", str(DEMO / "description.txt"), "--screenshot", f"{shot}:error-popup",
         "--contract", str(DEMO / "contract.json"), "-o", str(tmp_path / "case.zip")],
    ]
    canary = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('localhost', 80)"],
                            env=env, capture_output=True, timeout=60)
    assert canary.returncode == 97, "the guard did not load: this test would not catch anything"
    for argv in runs:
        proc = subprocess.run([sys.executable, "-m", "redactor", *argv], env=env, capture_output=True, text=True,
                              timeout=300, cwd=tmp_path)
        assert proc.returncode == 0, (argv, proc.stderr)
    assert (tmp_path / "shot.png").is_file() and (tmp_path / "case.zip").is_file()
