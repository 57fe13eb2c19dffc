"""The hand-off in the window: the agent makes a key and a request, the trader's export encrypts to it, the agent
view opens the .zip.age with the key."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from gui_support import temp_settings

from redactor.bisq.datadir import locate
from redactor.gui.main_window import MainWindow
from redactor.gui.pages.export_page import ExportPage
from redactor.gui.state import FlowState
from redactor.handoff import request

pytestmark = pytest.mark.gui

TRADE_ID = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
OTHER_TRADE = "84721-5c0d9e2a-1b7f-4e6a-8c3d-0f9e8d7c6b5a-1103"
PASS = "a long agent passphrase"
WAIT = 60_000


@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = MainWindow(temp_settings(tmp_path))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def test_agent_key_request_trader_export_and_agent_opens(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         demo_data_dir: Path) -> None:
    # Agent: a key (passphrase-protected), then a request for one trade
    window.show_agent()
    keys_tab = window.agent.keys_tab
    asked: list[str] = []
    keys_tab.ask_key_path = lambda new: tmp_path / "agent" / "support.key"
    keys_tab.ask_passphrase = lambda prompt, new: asked.append(prompt) or PASS
    job = keys_tab.create_key()
    assert job is not None
    qtbot.waitUntil(lambda: keys_tab.public.text().startswith("age1"), timeout=WAIT)
    assert (tmp_path / "agent" / "support.key").read_bytes().startswith(b"age-encryption.org/v1\n")
    keys_tab.trade_id.setText(TRADE_ID)
    for short in ("description", "txids", "dispute-details", "chat-first-message", "error-popup"):
        keys_tab.need[short].setChecked(False)
    keys_tab.make_request()
    line = keys_tab.request_line.text()
    req = request.parse_request(line)
    assert req.trade_id == TRADE_ID and req.public_key == keys_tab.public.text()
    assert req.need == ("logs", "contract", "screenshot:trade-details")
    keys_tab.ask_request_path = lambda: tmp_path / "case.bisq-request"
    keys_tab.save_request()
    assert request.load_request(tmp_path / "case.bisq-request") == req

    # Trader: the export step takes the request; a request for another trade is refused
    state = FlowState(data_dir=locate([demo_data_dir]).found[0], trade_id=TRADE_ID, role="buyer",
                      description="The seller did not confirm.\n")
    page = ExportPage(state, temp_settings(tmp_path / "trader"))
    qtbot.addWidget(page)
    page.enter()
    wrong = request.format_request(request.new_request(req.public_key, OTHER_TRADE, ["logs"]))
    page.handoff.text.setText(wrong)
    assert f"This request is for trade {OTHER_TRADE}" in page.handoff.message.text()
    assert page.handoff.bundle_options() == {} and state.trade_id == TRADE_ID
    page.handoff.text.setText("bisq-support-request:v1;garbage")
    assert "malformed" in page.handoff.message.text() and page.handoff.bundle_options() == {}
    import dataclasses
    from datetime import UTC, datetime, timedelta

    page.handoff.open_file(tmp_path / "case.bisq-request")
    valid = page.handoff.request
    page.handoff.request = dataclasses.replace(valid, expires=datetime.now(UTC) - timedelta(days=1))
    page.output.setText(str(tmp_path / "expired.zip"))
    page.export()  # the request expired while the trader was busy: refused, nothing written
    assert "request expired on" in page.message.text() and not page.busy()
    assert not (tmp_path / "expired.zip.age").exists()
    page.handoff.request = valid
    assert "The agent asked for: the Bisq log files" in page.handoff.summary.text()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    page.output.setText(str(out_dir / "bundle.zip"))
    page.export()
    qtbot.waitUntil(lambda: not page.busy(), timeout=WAIT)
    assert state.bundle is not None, page.message.text()
    enc = Path(state.bundle.path)
    assert enc.name == "bundle.zip.age" and not (out_dir / "bundle.zip").exists()
    text = page.message.text()
    assert "only the agent whose key you gave can open it" in text
    assert "The agent asked for these and the bundle does not hold them: the contract JSON" in text

    # Agent: opening the .zip.age unlocks the key, decrypts privately and verifies
    before = set(Path(tempfile.gettempdir()).glob("bisq-redactor-open-*"))
    keys_tab.identities = None
    asked.clear()
    tab = window.agent.bundle_tab
    tab.open(enc)
    qtbot.waitUntil(lambda: tab.result is not None and tab.files.count() > 0, timeout=WAIT)
    assert asked == ["Passphrase for support.key:"]
    assert tab.result.ok, tab.result.problems
    assert "intact" in tab.verdict.text()
    assert tab.path_label.text().startswith("bundle.zip.age (encrypted")
    opened = set(Path(tempfile.gettempdir()).glob("bisq-redactor-open-*")) - before
    assert len(opened) == 1
    folder = opened.pop()
    assert (folder.stat().st_mode & 0o777) == 0o700
    log_row = next(i for i in range(tab.files.count()) if tab.files.item(i).text().endswith(".log"))
    tab.files.setCurrentRow(log_row)
    qtbot.waitUntil(lambda: tab.text.toPlainText() != "", timeout=WAIT)
    # Opening a plain bundle next removes the decrypted copy
    plain = tmp_path / "plain.zip"
    plain.write_bytes(b"not a zip")
    tab.open(plain)
    assert not folder.exists()


def test_agent_sees_a_clear_sentence_for_a_wrong_key(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     demo_data_dir: Path) -> None:
    from pyrage import x25519

    from redactor.bundle.case import Case
    from redactor.bundle.writer import build_bundle

    out = tmp_path / "o"
    out.mkdir()
    stranger = str(x25519.Identity.generate().to_public())
    enc = build_bundle(Case(trade_id=TRADE_ID, role="buyer", description="x", txids=[], screenshots=[],
                            data_dir=demo_data_dir), out / "b.zip", encrypt_to=[stranger]).path
    window.show_agent()
    keys_tab = window.agent.keys_tab
    plain_key = tmp_path / "mine.key"
    mine = x25519.Identity.generate()
    plain_key.write_text(f"# public key: {mine.to_public()}\n{mine}\n", encoding="ascii")
    keys_tab.ask_key_path = lambda new: plain_key
    keys_tab.choose_key()
    assert keys_tab.public.text() == str(mine.to_public())
    tab = window.agent.bundle_tab
    tab.open(enc)
    qtbot.waitUntil(lambda: "Your key cannot open b.zip.age" in tab.message.text(), timeout=WAIT)
    assert keys_tab._private is None and tab.path_label.text() == "No bundle open."
    keys_tab.key_path.setText("")
    keys_tab.identities = None
    tab.open(enc)
    assert "create your agent key or choose its file first" in tab.message.text()


def test_export_for_a_public_issue_and_the_agent_view_says_so(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                              demo_data_dir: Path) -> None:
    state = FlowState(data_dir=locate([demo_data_dir]).found[0], trade_id=TRADE_ID, role="buyer",
                      description="The seller did not confirm.\n")
    page = ExportPage(state, temp_settings(tmp_path / "trader"))
    qtbot.addWidget(page)
    page.enter()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    page.output.setText(str(out_dir / f"{TRADE_ID}-buyer.zip"))
    page.audience.public.setChecked(True)  # the step's first question
    assert Path(page.output.text()).name == "bisq-issue.zip" and not page.handoff.isEnabled()
    page.export()
    qtbot.waitUntil(lambda: not page.busy(), timeout=WAIT)
    assert state.bundle is not None, page.message.text()
    assert state.bundle.manifest["audience"] == "public" and state.bundle.manifest["trade_id"] == "public-case"
    page.audience.agent.setChecked(True)
    assert Path(page.output.text()).name == f"{TRADE_ID}-buyer.zip" and page.handoff.isEnabled()
    window.show_agent()
    tab = window.agent.bundle_tab
    tab.open(Path(state.bundle.path))
    qtbot.waitUntil(lambda: tab.result is not None, timeout=WAIT)
    assert tab.result.ok and "Made for a public issue" in tab.verdict.text()


def test_file_open_request_fills_the_trade_id_and_refuses_another_trade(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    from pyrage import x25519

    public = str(x25519.Identity.generate().to_public())
    req_file = tmp_path / "r.bisq-request"
    request.write_request_file(req_file, request.new_request(public, TRADE_ID, ["logs"]))
    assert window.open_request(req_file)
    assert window.flow.trade.trade_id.text() == TRADE_ID
    assert window.flow.export.handoff.bundle_options()["encrypt_to"] == [public]
    assert "Request for trade" in window._request_box.text()
    other = tmp_path / "o.bisq-request"
    request.write_request_file(other, request.new_request(public, OTHER_TRADE, ["logs"]))
    assert not window.open_request(other)
    assert f"This request is for trade {OTHER_TRADE}" in window._request_box.text()
    assert window.flow.trade.trade_id.text() == TRADE_ID
    bad = tmp_path / "bad.bisq-request"
    bad.write_text("bisq-support-request:v1;nonsense\n", encoding="ascii")
    assert not window.open_request(bad) and "malformed" in window._request_box.text()
