"""Agent view with hostile input (issue 11): opening a manifest with 500,000 or 20,000 records, or a zip with
thousands of problems, never stalls the window, and the lists shown are bounded; the Cases tab refuses what is
not a case and says what a purge left."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import zipcraft
from gui_support import temp_settings
from PySide6.QtCore import QTimer
from test_bundle_verify import FILES, TID, small_bundle

from redactor.bundle import limits
from redactor.bundle.retention import close_case
from redactor.gui.agent.bundle_tab import MAX_PROBLEMS_SHOWN, BundleTab
from redactor.gui.agent.cases_tab import CasesTab

pytestmark = pytest.mark.gui

MAX_STALL = 0.100  # s; the window must answer input within a tenth of a second
WAIT = 30_000


def many_records(tmp_path: Path, n: int) -> Path:
    return zipcraft.write(tmp_path / f"records-{n}.zip",
                          [zipcraft.member(f"{TID}/manifest.json", zipcraft.many_records_manifest(n))])


def many_entries(tmp_path: Path) -> Path:
    """MAX_ENTRIES entries none of which the manifest lists: one problem each."""
    members = [zipcraft.member(f"{TID}/buyer/f{i:05d}.log", b"x") for i in range(limits.MAX_ENTRIES)]
    members.append(zipcraft.member(f"{TID}/manifest.json", zipcraft.many_records_manifest(0)))
    return zipcraft.write(tmp_path / "entries.zip", members)


@pytest.mark.parametrize("make, many", [(lambda p: many_records(p, 500_000), False),
                                        (lambda p: many_records(p, 20_000), False), (many_entries, True)],
                         ids=["500k-records", "20k-records", "2048-unlisted"])
def test_opening_a_hostile_manifest_keeps_the_window_responsive(qtbot, tmp_path: Path, make, many) -> None:  # type: ignore[no-untyped-def]
    bundle = make(tmp_path)
    tab = BundleTab(temp_settings(tmp_path))
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    qtbot.wait(50)
    tab.open(bundle)
    qtbot.waitUntil(lambda: tab.result is not None, timeout=WAIT)
    qtbot.wait(100)  # the verdict and the lists have painted
    timer.stop()
    assert not tab.result.ok
    text = tab.verdict.text()
    assert "Do not trust this bundle" in text
    assert text.count("<li>") <= MAX_PROBLEMS_SHOWN + 1
    assert (len(tab.result.problems) > MAX_PROBLEMS_SHOWN) == many
    if many:
        assert f"and {len(tab.result.problems) - MAX_PROBLEMS_SHOWN:,} more" in text
    assert tab.files.count() <= limits.MAX_ENTRIES + 1
    gaps = [b - a for a, b in zip(beats, beats[1:], strict=False)]
    assert max(gaps) <= MAX_STALL, f"event loop stalled {max(gaps) * 1000:.0f} ms"


def test_an_ok_verdict_says_what_it_proves_and_what_not(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tab = BundleTab(temp_settings(tmp_path))
    qtbot.addWidget(tab)
    tab.open(small_bundle(tmp_path / "ok.zip", FILES))
    qtbot.waitUntil(lambda: tab.result is not None, timeout=WAIT)
    text = tab.verdict.text()
    assert "not changed since it was made, and laid out as the app makes bundles" in text
    assert "it does not prove who made it" in text


def test_cases_tab_refuses_a_non_case_and_reports_what_purge_left(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cases_dir = tmp_path / "cases"
    cases_dir.mkdir()
    home = cases_dir / "home"
    home.mkdir()
    (home / "wallet.dat").write_text("keys")
    tab = CasesTab(temp_settings(tmp_path))
    qtbot.addWidget(tab)
    tab.case.set_path(home)
    tab.close_case()
    qtbot.waitUntil(lambda: "is not a case" in tab.message.text(), timeout=WAIT)
    assert not (cases_dir / "home.case-closed").exists()

    case = small_bundle(cases_dir / "a.zip", FILES)
    from datetime import UTC, datetime

    close_case(case, now=datetime(2020, 1, 1, tzinfo=UTC))
    (cases_dir / "...case-closed").write_text(json.dumps(
        {"case": "..", "trade_id": TID, "kind": "folder", "closed": "2020-01-01T00:00:00Z"}))
    (cases_dir / "home.case-closed").write_text("{broken")
    tab.root.set_path(cases_dir)
    tab.confirm = lambda _text: True
    tab.purge(dry_run=False)
    qtbot.waitUntil(lambda: tab.message.text().startswith("Deleted"), timeout=WAIT)
    assert tab.message.text() == "Deleted 1 case. Left 2 items (see the list)."
    rows = [tab.purge_list.item(i).text() for i in range(tab.purge_list.count())]
    assert rows[0] == str(case) and all(r.startswith("Left: ") for r in rows[1:]) and len(rows) == 3
    assert not case.exists() and (home / "wallet.dat").exists() and cases_dir.exists()
