"""Single pages: the sentences a trader sees when something is not right, and pasting a screenshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gui_support import render_trade_details, temp_settings
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

from redactor.bisq.datadir import locate
from redactor.gui.pages.bisq_page import BisqPage
from redactor.gui.pages.export_page import ExportPage
from redactor.gui.pages.screenshots_page import ScreenshotsPage
from redactor.gui.pages.trade_page import DESCRIPTION_TEMPLATE, TradePage
from redactor.gui.state import FlowState

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.gui

TRADE_ID = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"


def test_bisq_page_explains_a_folder_without_logs(qtbot, tmp_path: Path, demo_data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    state = FlowState()
    page = BisqPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    empty = tmp_path / "Documents"
    empty.mkdir()
    page.choose_folder(empty)
    qtbot.waitUntil(lambda: not page.busy(), timeout=10_000)
    assert "does not look like a Bisq data folder" in page.message.text()
    assert page.problem() == "Choose the Bisq data folder first."
    page.choose_folder(demo_data_dir)
    qtbot.waitUntil(lambda: state.data_dir is not None, timeout=10_000)
    assert state.data_dir.path == demo_data_dir and page.problem() is None


def test_trade_page_says_what_is_missing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = FlowState()
    page = TradePage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    assert page.problem() == "Pick the trade from the list or type its trade ID."
    page.trade_id.setText("12345")
    assert "does not look like a Bisq trade ID" in (page.problem() or "")
    page.trade_id.setText(TRADE_ID)
    assert "BTC buyer or the BTC seller" in (page.problem() or "")
    page.set_role("seller")
    assert page.description.toPlainText() == DESCRIPTION_TEMPLATE
    assert "Describe what happened" in (page.problem() or "")
    page.description.setPlainText("What happened: the buyer never paid.")
    page.txids.setPlainText("deposit: 123")
    assert (page.problem() or "").startswith("Line 1 of the transaction IDs")
    page.txids.setPlainText("")
    page.contract.setText(str(tmp_path / "nope.json"))
    assert "does not exist" in (page.problem() or "")
    page.contract.setText("")
    assert page.problem() is None
    page.leave()
    assert (state.trade_id, state.role, state.txids, state.contract) == (TRADE_ID, "seller", {}, None)


def test_export_refuses_to_write_into_the_bisq_folder(qtbot, tmp_path: Path, demo_data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    state = FlowState(data_dir=locate([demo_data_dir]).found[0], trade_id=TRADE_ID, role="buyer",
                      description="x\n")
    page = ExportPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    page.enter()
    assert page.output.text().endswith(".zip")
    before = sorted(p.name for p in demo_data_dir.iterdir())
    page.output.setText(str(demo_data_dir / "bundle.zip"))
    page.export()
    assert "outside the Bisq data folder" in page.message.text() and not page.busy()
    page.output.setText(str(tmp_path / "no-such-folder" / "bundle.zip"))
    page.export()
    assert "does not exist" in page.message.text()
    existing = tmp_path / "bundle.zip"
    existing.write_bytes(b"an earlier bundle")
    asked: list[Path] = []
    page.confirm_overwrite = lambda out: asked.append(out) or False
    page.output.setText(str(existing))
    page.export()
    assert asked == [existing] and not page.busy() and existing.read_bytes() == b"an earlier bundle"
    assert sorted(p.name for p in demo_data_dir.iterdir()) == before


@pytest.mark.ocr
def test_paste_a_screenshot_from_the_clipboard(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = FlowState()
    page = ScreenshotsPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    QGuiApplication.clipboard().clear()
    page.paste()
    assert "clipboard holds no picture" in page.message.text() and not state.shots
    shot = tmp_path / "shot.png"
    render_trade_details(shot)
    QGuiApplication.clipboard().setImage(QImage(str(shot)))
    page.paste()
    qtbot.waitUntil(lambda: len(state.shots) == 1 and not page.busy(), timeout=60_000)
    pasted = state.shots[0]
    assert pasted.ready, pasted.error
    assert pasted.path.parent == state.work_dir() and pasted.kind == "trade-details"
    assert pasted.boxes, "the IBAN in the pasted screenshot should be found"
    state.cleanup()
    assert not pasted.path.exists()  # pasted originals never outlive the session


def test_stop_checking_removes_the_screenshots_still_being_read(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = FlowState()
    page = ScreenshotsPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    shot = tmp_path / "shot.png"
    render_trade_details(shot)
    page.add_files([shot])
    assert page.busy() and page.problem() == "Wait until the screenshots have been checked (1 left)."
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert not page.busy() and state.shots == [] and page.list.count() == 0
    assert page.problem() is None and page.message.text().startswith("Stopped.")
    qtbot.wait(300)
    assert page.message.text().startswith("Stopped.")  # a late result is dropped, not shown


@pytest.mark.ocr
def test_uncovering_payment_details_is_noticed_by_the_recheck(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = FlowState()
    page = ScreenshotsPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    shot_path = tmp_path / "shot.png"
    render_trade_details(shot_path)
    page.add_files([shot_path])
    qtbot.waitUntil(lambda: not page.busy(), timeout=60_000)
    shot = state.shots[0]
    assert shot.ready and shot.boxes
    assert page.check_note.text().startswith("✔"), page.check_note.text()
    assert "knows none of this trade's own values" in page.check_note.text()  # no contract, no data dir
    detected = list(shot.boxes)
    for box in detected:
        page.editor.remove_box(box)
    assert page.check_note.text() == "Checking your changes…"
    qtbot.waitUntil(lambda: page.check_note.text().startswith("⚠"), timeout=30_000)
    assert "still read" in page.check_note.text()
    for box in detected:
        page.editor.add_box(box.x, box.y, box.w, box.h)
    qtbot.waitUntil(lambda: page.check_note.text().startswith("✔"), timeout=30_000)


def test_dropped_files_are_added_in_order_with_their_kind_still_unknown(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    state = FlowState()
    page = ScreenshotsPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    files = [tmp_path / "a.png", tmp_path / "b.PNG", tmp_path / "notes.txt"]
    for f in files:
        f.write_bytes(b"")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    page.dropEvent(drop)  # the handler Qt calls on a drop (offscreen Qt has no drag and drop to simulate)
    assert drop.isAccepted()
    assert [(s.path.name, s.kind_chosen) for s in state.shots] == [("a.png", False), ("b.PNG", False)]
    assert "kind not yet known" in page.list.item(0).text()
    qtbot.waitUntil(lambda: not page.busy(), timeout=10_000)
    assert all(s.error for s in state.shots)  # empty files: each gets a sentence, nothing crashes
    assert "could not be read" in page.list.item(0).text() and page.message.text()


@pytest.mark.ocr
def test_screenshots_are_read_with_the_contract_of_the_trade_step(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The contract chosen on the trade step makes its payment data found anywhere: a name in a chat message."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(REPO / "resources" / "fonts" / "IBMPlexSans-Regular.ttf"), 15)
    im = Image.new("RGB", (640, 60), "white")
    ImageDraw.Draw(im).text((16, 18), "Hello, Satoshi O'Brien here, I paid yesterday.", font=font, fill=(20, 20, 20))
    im.save(tmp_path / "chat.png")
    found = {}
    for contract in (None, REPO / "resources" / "demo" / "contract.json"):
        state = FlowState()
        state.contract = contract
        page = ScreenshotsPage(state, temp_settings(tmp_path))
        qtbot.addWidget(page)
        page.add_files([tmp_path / "chat.png"], kind="chat-first-message")
        qtbot.waitUntil(lambda: len(state.shots) == 1 and not page.busy(), timeout=60_000)  # noqa: B023
        assert state.shots[0].ready, state.shots[0].error
        found[contract is not None] = {b.reason for b in state.shots[0].boxes}
    assert found == {False: set(), True: {"known-personal"}}


@pytest.mark.ocr
def test_a_contract_chosen_later_has_the_screenshots_read_again(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(REPO / "resources" / "fonts" / "IBMPlexSans-Regular.ttf"), 15)
    for name in ("a.png", "b.png"):
        im = Image.new("RGB", (640, 60), "white")
        ImageDraw.Draw(im).text((16, 18), "Hello, Satoshi O'Brien here, I paid yesterday.", font=font,
                                fill=(20, 20, 20))
        im.save(tmp_path / name)
    state = FlowState()
    page = ScreenshotsPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    page.add_files([tmp_path / "a.png", tmp_path / "b.png"], kind="chat-first-message")
    qtbot.waitUntil(lambda: len(state.shots) == 2 and not page.busy(), timeout=60_000)
    assert [s.boxes for s in state.shots] == [[], []]
    state.shots[1].edited = True  # the user already worked on this one: left as it is, with a word
    state.contract = REPO / "resources" / "demo" / "contract.json"  # back to the trade step, then forward
    page.enter()
    qtbot.waitUntil(lambda: not page.busy(), timeout=60_000)
    assert {b.reason for b in state.shots[0].boxes} == {"known-personal"}
    assert state.shots[1].boxes == [] and "Checked before this trade or contract was chosen" in state.shots[1].note


@pytest.mark.ocr
def test_a_trade_chosen_later_has_its_db_values_looked_for(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            demo_data_dir: Path) -> None:
    """The trade's payment details come from Bisq's own files once the trade is known: a name only the db
    holds is then hidden, and the verdict says how many details were looked for."""
    import json

    from PIL import Image, ImageDraw, ImageFont

    facts = json.loads((REPO / "resources" / "demo" / "demo-facts.json").read_text())
    name = facts["db_only"][0].split()[0]  # the first name: the English OCR model reads it as written
    font = ImageFont.truetype(str(REPO / "resources" / "fonts" / "IBMPlexSans-Regular.ttf"), 15)
    im = Image.new("RGB", (640, 60), "white")
    ImageDraw.Draw(im).text((16, 18), f"Hello, {name} here, I paid yesterday.", font=font, fill=(20, 20, 20))
    im.save(tmp_path / "chat.png")
    state = FlowState()
    state.data_dir = locate([demo_data_dir]).found[0]
    page = ScreenshotsPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    page.add_files([tmp_path / "chat.png"], kind="chat-first-message")
    qtbot.waitUntil(lambda: not page.busy(), timeout=60_000)
    assert state.shots[0].boxes == []  # no trade chosen yet: the db's trade values are not known
    state.trade_id = facts["trade_id"]
    page.enter()
    qtbot.waitUntil(lambda: not page.busy(), timeout=60_000)
    assert {b.reason for b in state.shots[0].boxes} == {"known-personal"}
    assert "payment details known for this trade" in state.shots[0].note


@pytest.mark.ocr
def test_each_screenshot_gets_the_kind_it_shows_and_the_user_can_change_it(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Kinds come from what the reading found, not from the order the pictures were added in."""
    demo = REPO / "resources" / "demo" / "screenshots"
    order = ["chat.png", "error-popup.png", "dispute-details.png", "trade-details.png"]
    files = []
    for i, name in enumerate(order):  # names that say nothing about the kind
        files.append(tmp_path / f"shot{i}.png")
        shutil.copy(demo / name, files[-1])
    state = FlowState()
    page = ScreenshotsPage(state, temp_settings(tmp_path))
    qtbot.addWidget(page)
    page.add_files(files)
    qtbot.waitUntil(lambda: not page.busy(), timeout=120_000)
    assert [s.kind for s in state.shots] == ["chat-first-message", "error-popup", "dispute-details", "trade-details"]
    assert "(recognised)" in page.list.item(0).text() and "First chat message" in page.list.item(0).text()
    page.list.setCurrentRow(0)
    page.kind.setCurrentIndex(page.kind.findData("other"))
    assert state.shots[0].kind == "other" and state.shots[0].kind_chosen
    assert "(recognised)" not in page.list.item(0).text()
    assert [s.kind for s in state.make_case().screenshots] == ["other", "error-popup", "dispute-details",
                                                               "trade-details"]
