"""The whole trader flow in the window, on a copy of the demo data dir, with real Tesseract; then the agent view
opens and verifies the bundle; and the agent's merge flow."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from gui_support import click, drag, render_trade_details, scene_to_view, temp_settings
from PIL import Image
from PySide6.QtCore import Qt

from redactor.gui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.ocr]

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "resources" / "demo"
FACTS = json.loads((DEMO / "demo-facts.json").read_text(encoding="utf-8"))
WAIT = 60_000


def demo_screenshot(tmp_path: Path) -> Path:
    """The image helper's trade-details demo screenshot, or one rendered here when it is not there yet."""
    shots = sorted((DEMO / "screenshots").glob("*trade*details*.png")) if (DEMO / "screenshots").is_dir() else []
    if shots:
        return shots[0]
    path = tmp_path / "trade-details.png"
    render_trade_details(path)
    return path


@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = MainWindow(temp_settings(tmp_path))
    qtbot.addWidget(win)
    win.resize(1100, 760)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def next_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    before = window.flow.index()
    qtbot.mouseClick(window.flow.next_button, Qt.MouseButton.LeftButton)
    assert window.flow.index() == before + 1, window.flow.hint.text()


def test_trader_flow_end_to_end_then_agent_verifies(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    demo_data_dir: Path) -> None:
    flow = window.flow
    untouched = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in demo_data_dir.rglob("*")}
    # 1. Bisq: the folder the user chose, with its logs
    flow.bisq.choose_folder(demo_data_dir)
    qtbot.waitUntil(lambda: flow.state.data_dir is not None and flow.state.data_dir.path == demo_data_dir, timeout=WAIT)
    assert "Bisq 1" in flow.bisq.list.currentItem().text()
    assert f"{len(flow.state.data_dir.log_files)} log files" in flow.bisq.list.currentItem().text()
    next_step(qtbot, window)

    # 2. Trade: picked from the logs, tx IDs prefilled; Next refuses until the role is chosen
    qtbot.waitUntil(lambda: flow.trade.trades.topLevelItemCount() > 0, timeout=WAIT)
    flow.trade.select_trade(FACTS["trade_id"])
    assert flow.trade.trade_id.text() == FACTS["trade_id"]
    assert FACTS["txids"]["deposit"] in flow.trade.txids.toPlainText()
    flow.trade.description.setPlainText((DEMO / "description.txt").read_text(encoding="utf-8"))
    qtbot.mouseClick(flow.next_button, Qt.MouseButton.LeftButton)
    assert flow.index() == 1 and "buyer or the BTC seller" in flow.hint.text()
    qtbot.mouseClick(flow.trade.buyer, Qt.MouseButton.LeftButton)
    flow.trade.contract.setText(str(DEMO / "contract.json"))
    next_step(qtbot, window)

    # 3. Screenshots: real OCR in the background, then one box added and one removed in the editor
    shot_path = demo_screenshot(tmp_path)
    flow.screenshots.add_files([shot_path])
    qtbot.waitUntil(lambda: not flow.screenshots.busy(), timeout=WAIT)
    shot = flow.state.shots[0]
    assert shot.ready, shot.error
    detected = list(shot.boxes or [])
    assert detected, "the payment details should have been found"
    editor = flow.screenshots.editor
    width, height = editor.image_size
    keep = (width - 120, height - 60, 80, 40)  # bottom-right corner: empty in every demo screenshot
    gone = (width - 120, height - 130, 80, 40)
    for x, y, w, h in (keep, gone):
        drag(editor, scene_to_view(editor, x, y), scene_to_view(editor, x + w, y + h))
    assert len(shot.boxes or []) == len(detected) + 2
    click(editor, scene_to_view(editor, gone[0] + 40, gone[1] + 20))
    assert len(shot.boxes or []) == len(detected) + 1
    assert "black box" in flow.screenshots.list.item(0).text()
    next_step(qtbot, window)

    # 4. Logs: counts per category and file, and a preview with placeholders and no personal data
    qtbot.waitUntil(lambda: flow.state.sanitize_report is not None and not flow.logs.busy(), timeout=WAIT)
    assert flow.logs.table.rowCount() > 0 and flow.logs.table.columnCount() >= 2
    qtbot.waitUntil(lambda: flow.logs.preview.toPlainText() != "", timeout=WAIT)
    preview = flow.logs.preview.toPlainText()
    assert flow.logs.highlighter is not None and flow.logs.highlighter.pattern.search(preview)
    for value in FACTS["personal"]:
        assert value not in preview
    next_step(qtbot, window)

    # 5. Export: checklist, save, "Show in folder"
    assert flow.export.checklist.count() >= 6
    opened: list[str] = []
    flow.export.open_folder = lambda url: opened.append(url.toLocalFile()) or True
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    flow.export.output.setText(str(out_dir / "bundle.zip"))
    qtbot.mouseClick(flow.export.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.state.bundle is not None or "Saved" in flow.export.message.text()
                    or not flow.export.busy(), timeout=WAIT)
    assert flow.state.bundle is not None, flow.export.message.text()
    bundle = Path(flow.state.bundle.path)
    assert bundle.is_file() and "Saved" in flow.export.message.text()
    qtbot.mouseClick(flow.export.show_button, Qt.MouseButton.LeftButton)
    assert opened == [str(bundle.parent)]

    with zipfile.ZipFile(bundle) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    for name, data in members.items():
        for value in FACTS["personal"]:
            assert value.encode() not in data, f"{value!r} leaked into {name}"
    pngs = [data for name, data in members.items() if name.endswith(".png")]
    assert len(pngs) == 1
    with Image.open(io.BytesIO(pngs[0])) as im:
        pixels = im.convert("RGB")
        assert pixels.size == (width, height)
        # the kept manual box is black; the removed one was never drawn
        assert pixels.getpixel((keep[0] + 40, keep[1] + 20)) == (0, 0, 0)
        assert pixels.getpixel((gone[0] + 40, gone[1] + 20)) != (0, 0, 0)

    # nothing was written, changed or left behind in the Bisq data folder
    assert {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in demo_data_dir.rglob("*")} == untouched

    # Agent view: the same bundle opens, verifies, and its screenshot can be viewed
    window.show_agent()
    tab = window.agent.bundle_tab
    tab.open(bundle)
    qtbot.waitUntil(lambda: tab.result is not None and tab.files.count() > 0, timeout=WAIT)
    assert tab.result.ok, tab.result.problems
    assert "intact" in tab.verdict.text()
    assert any(tab.checklist.item(i).text().startswith("✔") for i in range(tab.checklist.count()))
    png_row = next(i for i in range(tab.files.count()) if tab.files.item(i).text().endswith(".png"))
    tab.files.setCurrentRow(png_row)
    qtbot.waitUntil(lambda: tab.viewer.currentWidget() is tab.image and tab.image.image_size[0] > 0, timeout=WAIT)
    assert tab.image.image_size == (width, height)


def test_agent_merges_closes_and_purges(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                        demo_data_dir: Path) -> None:
    from redactor.bundle.case import Case
    from redactor.bundle.writer import build_bundle

    zips = {}
    for role in ("buyer", "seller"):
        case = Case(trade_id=FACTS["trade_id"], role=role, description=f"I am the {role}.\n",
                    txids=[FACTS["txids"]["deposit"]], screenshots=[], data_dir=demo_data_dir)
        zips[role] = Path(build_bundle(case, tmp_path / f"{role}.zip").path)

    window.show_agent()
    cases = window.agent.cases_tab
    qtbot.mouseClick(cases.merge_button, Qt.MouseButton.LeftButton)
    assert "Choose the buyer's bundle first." in cases.message.text()
    cases.buyer.set_path(zips["buyer"])
    cases.seller.set_path(zips["seller"])
    merged = tmp_path / "cases" / "case.zip"
    merged.parent.mkdir()
    cases.merged.set_path(merged)
    qtbot.mouseClick(cases.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cases.message.text().startswith(("Merged", "The", "Something")), timeout=WAIT)
    assert cases.message.text().startswith("Merged"), cases.message.text()
    assert merged.is_file()

    tab = window.agent.bundle_tab
    tab.open(merged)
    qtbot.waitUntil(lambda: tab.result is not None, timeout=WAIT)
    assert tab.result.ok, tab.result.problems
    lines = [tab.checklist.item(i).text() for i in range(tab.checklist.count())]
    assert any("BTC buyer" in line for line in lines) and any("BTC seller" in line for line in lines)

    cases.case.set_path(merged)
    qtbot.mouseClick(cases.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cases.message.text().startswith(("Closed", "The", "Something")), timeout=WAIT)
    assert cases.message.text().startswith("Closed"), cases.message.text()

    cases.root.set_path(merged.parent)
    qtbot.mouseClick(cases.list_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "retention" in cases.message.text() or "would be" in cases.message.text(),
                    timeout=WAIT)
    assert cases.message.text() == "No case is past its retention period."  # closed just now
    cases.days.setValue(0)  # every closed case is due now
    qtbot.mouseClick(cases.list_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "would be deleted" in cases.message.text(), timeout=WAIT)
    assert cases.purge_list.count() == 1 and cases.purge_list.item(0).text() == str(merged)
    asked: list[str] = []
    cases.confirm = lambda text: asked.append(text) or False
    qtbot.mouseClick(cases.purge_button, Qt.MouseButton.LeftButton)  # refused at the confirmation
    assert asked and merged.is_file()
    cases.confirm = lambda _text: True
    qtbot.mouseClick(cases.purge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cases.message.text().startswith("Deleted"), timeout=WAIT)
    assert cases.message.text() == "Deleted 1 case." and not merged.exists()
    assert zips["buyer"].is_file()  # never closed, never purged


def test_agent_is_warned_about_a_tampered_bundle(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 demo_data_dir: Path) -> None:
    from redactor.bundle.case import Case
    from redactor.bundle.writer import build_bundle

    case = Case(trade_id=FACTS["trade_id"], role="buyer", description="What happened: nothing arrived.\n",
                txids=[FACTS["txids"]["deposit"]], screenshots=[], data_dir=demo_data_dir)
    good = Path(build_bundle(case, tmp_path / "good.zip").path)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("description.txt"):
                data = data.replace(b"nothing arrived", b"all was paid!!!")
            dst.writestr(info, data)
    window.show_agent()
    tab = window.agent.bundle_tab
    tab.open(bad)
    qtbot.waitUntil(lambda: tab.result is not None, timeout=WAIT)
    assert not tab.result.ok and tab.result.problems
    assert "Do not trust this bundle" in tab.verdict.text()
    row = next(i for i in range(tab.files.count()) if tab.files.item(i).text() == "description.txt")
    tab.files.setCurrentRow(row)  # the agent can still look at what was sent
    qtbot.waitUntil(lambda: "all was paid" in tab.text.toPlainText(), timeout=WAIT)
