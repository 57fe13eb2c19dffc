"""Desktop app: time from launch to a visible window (issue 5: ≤ 2 s), and the longest event-loop stall while a
5K screenshot is redacted (≤ 100 ms).

Start-up: each run starts a fresh Python process (cold imports, like a user double-clicking), builds the main
window the way `bisq-redactor gui` does, and reports the moment the window is exposed.
Stall: a 10 ms QTimer heartbeat on the GUI thread while the Screenshots step redacts the demo trade-details
screenshot scaled to 5120 px wide (real Tesseract); the longest gap between beats is the longest freeze.
Run: `make bench-gui` or `python benchmarks/bench_gui.py` (QT_QPA_PLATFORM=offscreen without a display).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
RUNS = 5
TARGET = 2.0

CHILD = r"""
import sys, time
from PySide6.QtCore import QSettings, QTimer
from redactor.gui.app import make_app
app = make_app()
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
from redactor.gui.main_window import MainWindow
from redactor.gui.settings import Settings
window = MainWindow(Settings())
window.show()
def check():
    handle = window.windowHandle()
    if handle is not None and handle.isExposed():
        print(f"{time.time():.6f}", flush=True)
        app.quit()
    else:
        QTimer.singleShot(1, check)
QTimer.singleShot(0, check)
app.exec()
"""


def one_run(settings_dir: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, settings_dir], env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    return float(out.stdout.strip().splitlines()[-1]) - start


STALL_TARGET = 0.100


def longest_stall(work: Path) -> tuple[float, float]:
    """(longest gap between heartbeats, seconds the redaction took) for one 5K screenshot."""
    from PIL import Image
    from PySide6.QtCore import QSettings, QTimer

    from redactor.gui.app import make_app

    app = make_app()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    from redactor.gui.pages.screenshots_page import ScreenshotsPage
    from redactor.gui.settings import Settings
    from redactor.gui.state import FlowState

    with Image.open(REPO / "resources" / "demo" / "screenshots" / "trade-details.png") as im:
        big = im.convert("RGB").resize((5120, round(im.height * 5120 / im.width)), Image.Resampling.LANCZOS)
    path = work / "5k.png"
    big.save(path)
    page = ScreenshotsPage(FlowState(), Settings())
    page.resize(1200, 800)
    page.show()
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    start = time.perf_counter()
    page.add_files([path])
    while page.busy():
        app.processEvents()
        time.sleep(0.002)
    took = time.perf_counter() - start
    settle = time.perf_counter() + 0.3
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.002)
    timer.stop()
    if not page.state.shots or not page.state.shots[0].ready:
        raise SystemExit("the 5K screenshot was not redacted")
    return max(b - a for a, b in zip(beats, beats[1:], strict=False)), took


def main() -> int:
    with tempfile.TemporaryDirectory() as settings_dir:
        one_run(settings_dir)  # warm the OS file cache once, like any second launch
        times = [one_run(settings_dir) for _ in range(RUNS)]
        stall, took = longest_stall(Path(settings_dir))
    median, worst = statistics.median(times), max(times)
    print(f"GUI start-up to visible window ({RUNS} runs, fresh process each): "
          f"median {median:.2f} s, worst {worst:.2f} s (target ≤ {TARGET:.1f} s)")
    print(f"Longest event-loop stall while a 5K screenshot is redacted ({took:.1f} s): "
          f"{stall * 1000:.0f} ms (target ≤ {STALL_TARGET * 1000:.0f} ms)")
    return 0 if worst <= TARGET and stall <= STALL_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
