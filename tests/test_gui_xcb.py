"""The desktop app on a real X server (Xvfb) with Qt's xcb platform, as a newcomer opens it after `make demo`:
it starts, draws its window (a screenshot of the X screen is not blank) and quits cleanly. Qt's xcb plugin
needs the X11/xcb libraries `make system-deps` installs; without them it fails with "could not load the Qt
platform plugin xcb". Skipped where Xvfb is not installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SCREEN = (1280, 800)
# Long enough for the window to show on a loaded 2-core machine, short enough for the test to stay quick.
QUIT_AFTER_S = 8.0
# An empty Xvfb screen is one colour; a drawn window has text, borders, buttons: hundreds of colours.
MIN_COLOURS = 50

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("Xvfb") is None,
                                reason="Xvfb is not installed (make system-deps installs it)")


def read_xwd(path: Path) -> Image.Image:
    """Xvfb's -fbdir screen file (XWD, 24-bit TrueColor in 32-bit pixels) as an RGB image."""
    data = path.read_bytes()
    header = np.frombuffer(data[:100], ">u4")
    header_size, depth, width, height = (int(v) for v in (header[0], header[3], header[4], header[5]))
    byte_order, bits_per_pixel, bytes_per_line, ncolors = (int(header[i]) for i in (7, 11, 12, 19))
    assert depth == 24 and bits_per_pixel == 32, (depth, bits_per_pixel)
    start = header_size + ncolors * 12
    rows = np.frombuffer(data[start:start + bytes_per_line * height], np.uint8).reshape(height, bytes_per_line)
    pixels = rows[:, :width * 4].reshape(height, width, 4)
    rgb = pixels[:, :, [2, 1, 0]] if byte_order == 0 else pixels[:, :, [1, 2, 3]]  # LSBFirst: B, G, R, x
    return Image.fromarray(np.ascontiguousarray(rgb), "RGB")


def _start_xvfb(fbdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                             "-fbdir", str(fbdir), "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # Xvfb writes its display number once it accepts clients
    if not number:
        proc.kill()
        proc.wait()
        pytest.fail("Xvfb did not start")
    return proc, f":{number}"


def test_app_opens_a_window_under_xvfb_with_the_xcb_platform(tmp_path: Path) -> None:
    xvfb, display = _start_xvfb(tmp_path)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(REPO),
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_RUNTIME_DIR": str(tmp_path)}
    env.pop("WAYLAND_DISPLAY", None)
    try:
        app = subprocess.Popen([sys.executable, "-m", "redactor", "gui", "--quit-after", str(QUIT_AFTER_S)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        shot = None
        deadline = time.monotonic() + QUIT_AFTER_S
        while time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.5)
            image = read_xwd(tmp_path / "Xvfb_screen0")
            if len(image.getcolors(maxcolors=1 << 16) or range(1 << 16)) >= MIN_COLOURS:
                time.sleep(0.5)  # let the window finish painting
                shot = read_xwd(tmp_path / "Xvfb_screen0")
                break
        _, stderr = app.communicate(timeout=60)
    finally:
        xvfb.kill()
        xvfb.wait()
    err = stderr.decode("utf-8", "replace")
    assert "could not load the Qt platform plugin" not in err, err
    assert app.returncode == 0, err
    assert shot is not None, f"nothing was drawn on the X screen; stderr: {err}"
    shot.save(tmp_path / "gui-xcb.png")
    grey = np.asarray(shot.convert("L"), np.float32)
    assert len(shot.getcolors(maxcolors=1 << 16) or range(1 << 16)) >= MIN_COLOURS
    assert grey.std() > 10  # not one flat colour
    # The window is drawn where the app put it: a large region differs from the empty screen's background.
    background = np.median(grey[:5, :5])
    assert (np.abs(grey - background) > 8).mean() > 0.2
