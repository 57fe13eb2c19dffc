"""Render docs/screenshots/*.png: one picture per step of the desktop app, offscreen, on the demo data.

Run after any UI change: `make screenshots` (or `.venv/bin/python tools/render_screenshots.py`).
It copies the demo Bisq folder to a temp dir, walks the trader flow with real Tesseract, exports a bundle, opens it
in the agent view, and grabs the window at each step. Settings go to the temp dir, never to the user's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "resources" / "demo"
SIZE = (1100, 720)


def wait_until(app, condition: Callable[[], bool], timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.01)


DEMO_SHOTS = (("trade-details.png", "trade-details"), ("dispute-details.png", "dispute-details"),
              ("chat.png", "chat-first-message"), ("error-popup.png", "error-popup"))


def demo_screenshots(work: Path) -> list[tuple[Path, str]]:
    shots = [(DEMO / "screenshots" / name, kind) for name, kind in DEMO_SHOTS]
    if all(path.is_file() for path, _ in shots):
        return shots
    sys.path.insert(0, str(REPO / "tests"))
    from gui_support import render_trade_details

    path = work / "trade-details.png"
    render_trade_details(path)
    return [(path, "trade-details")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings

    from redactor.gui.app import apply_theme, make_app

    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        from redactor.gui.main_window import MainWindow
        from redactor.gui.settings import Settings

        settings = Settings()
        apply_theme(app, "light")
        data_dir = work / "Bisq"
        shutil.copytree(DEMO / "Bisq", data_dir)
        facts = json.loads((DEMO / "demo-facts.json").read_text(encoding="utf-8"))
        window = MainWindow(settings)
        window.resize(*SIZE)
        window.show()
        flow = window.flow

        def grab(name: str) -> None:
            for _ in range(20):
                app.processEvents()
            window.grab().save(str(args.out / name), "PNG")
            print(f"wrote {args.out / name}")

        flow.bisq.choose_folder(data_dir)
        wait_until(app, lambda: flow.state.data_dir is not None and not flow.bisq.busy())
        grab("1-bisq.png")
        flow.next()
        wait_until(app, lambda: not flow.trade.busy())
        flow.trade.select_trade(facts["trade_id"])
        flow.trade.set_role("buyer")
        flow.trade.description.setPlainText((DEMO / "description.txt").read_text(encoding="utf-8"))
        flow.trade.contract.setText(str(DEMO / "contract.json"))
        grab("2-trade.png")
        flow.next()
        for path, kind in demo_screenshots(work):
            flow.screenshots.add_files([path], kind=kind)
        wait_until(app, lambda: not flow.screenshots.busy())
        flow.screenshots.list.setCurrentRow(0)
        grab("3-screenshots.png")
        apply_theme(app, "dark")
        grab("3-screenshots-dark.png")
        apply_theme(app, "light")
        flow.next()
        wait_until(app, lambda: flow.state.sanitize_report is not None and not flow.logs.busy())
        wait_until(app, lambda: flow.logs.preview.toPlainText() != "")
        grab("4-logs.png")
        flow.next()
        (work / "out").mkdir()
        flow.export.output.setText(str(work / "out" / f"{facts['trade_id']}-buyer.zip"))
        flow.export.export()
        wait_until(app, lambda: not flow.export.busy())
        if flow.state.bundle is None:
            print(f"export failed: {flow.export.message.text()}", file=sys.stderr)
            return 1
        # show a typical place instead of this run's temp folder
        shown = Path.home() / "Documents" / Path(flow.state.bundle.path).name
        flow.export.output.setText(str(shown))
        flow.export.message.info(flow.export.message.text().replace(str(flow.state.bundle.path), str(shown)))
        grab("5-export.png")
        window.show_agent()
        tab = window.agent.bundle_tab
        tab.open(Path(flow.state.bundle.path))
        wait_until(app, lambda: tab.result is not None and tab.files.count() > 0)
        rows = [i for i in range(tab.files.count()) if tab.files.item(i).text().endswith(".png")]
        if rows:
            tab.files.setCurrentRow(rows[0])
            wait_until(app, lambda: tab.image.image_size[0] > 0)
        tab.path_label.setText(str(Path.home() / "Downloads" / Path(flow.state.bundle.path).name))
        grab("6-agent.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
