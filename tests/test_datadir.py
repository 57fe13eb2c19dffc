"""Locating Bisq data directories on every OS, with fake homes and environments."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest

from redactor.bisq.datadir import detect_version, locate, not_found_message, user_data_dir
from redactor.errors import DataDirNotFound


def make_bisq1(path: Path, logs: int = 2) -> Path:
    (path / "btc_mainnet" / "wallet").mkdir(parents=True)
    (path / "bisq.log").write_text("Nov-18 08:12:01.044 [main] INFO  b.c.s.CommonSetup: start \n")
    for n in range(1, logs):
        (path / f"bisq_{n}.log").write_text(f"Nov-1{n} 08:00:00.000 [main] INFO  x: old \n")
    return path


def make_bisq2(path: Path) -> Path:
    (path / "db" / "private").mkdir(parents=True)
    (path / "tor").mkdir()
    (path / "tor" / "debug.log").write_text("Nov 18 08:00:00.000 [notice] Bootstrapped 100%\n")
    (path / "bisq.log").write_text(
        "Nov-18 08:12:01.044 [main] INFO  b.a.ApplicationService: Data directory: <HOME_DIR>/x \n")
    return path


@pytest.mark.parametrize(
    ("platform", "base_parts"),
    [("linux", (".local", "share")), ("darwin", ("Library", "Application Support")),
     ("win32", ("AppData", "Roaming"))],
)
def test_default_locations_per_os(tmp_path: Path, platform: str, base_parts: tuple[str, ...]) -> None:
    home = tmp_path / "home" / "João Pedro"
    base = home.joinpath(*base_parts)
    make_bisq1(base / "Bisq")
    make_bisq2(base / "Bisq2")
    env = {"APPDATA": str(base)} if platform == "win32" else {}
    result = locate(platform=platform, env=env, home=home)
    found = {d.path.name: d for d in result.found}
    assert found["Bisq"].bisq_version == 1 and found["Bisq"].how_found == "default"
    assert [f.name for f in found["Bisq"].log_files] == ["bisq.log", "bisq_1.log"]
    assert found["Bisq2"].bisq_version == 2
    assert [f.name for f in found["Bisq2"].log_files] == ["bisq.log", "debug.log"]


def test_windows_uses_appdata_even_when_elsewhere(tmp_path: Path) -> None:
    appdata = tmp_path / "D" / "Roaming Profile"
    make_bisq1(appdata / "Bisq")
    result = locate(platform="win32", env={"APPDATA": str(appdata)}, home=tmp_path / "nohome")
    assert [d.path for d in result.found] == [appdata / "Bisq"]


def test_windows_path_without_appdata() -> None:
    assert user_data_dir("win32", {}, PureWindowsPath(r"C:\Users\Ana")) == PureWindowsPath(
        r"C:\Users\Ana\AppData\Roaming")


def test_renamed_app_and_ignores_non_bisq(tmp_path: Path) -> None:
    base = tmp_path / ".local" / "share"
    make_bisq1(base / "Bisq-testing", logs=3)
    (base / "bisq-notes").mkdir(parents=True)  # has "bisq" in the name but no Bisq content
    (base / "Other").mkdir()
    result = locate(platform="linux", env={}, home=tmp_path)
    assert [(d.path.name, d.how_found, len(d.log_files)) for d in result.found] == [("Bisq-testing", "renamed app", 3)]


def test_given_dir_with_only_logs_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "copied logs"
    folder.mkdir()
    (folder / "bisq.log").write_text("x\n")
    (folder / "notes.txt").write_text("x\n")
    result = locate([folder], platform="linux", env={}, home=tmp_path / "empty")
    assert len(result.found) == 1 and result.found[0].how_found == "given"
    assert [f.name for f in result.found[0].log_files] == ["bisq.log"]


def test_log_order_and_timestamps(tmp_path: Path) -> None:
    d = make_bisq1(tmp_path / "Bisq", logs=12)
    (d / "bisq_backup.log.bak").write_text("no")
    (d / "bisq_x.log").write_text("no")
    result = locate([d], platform="linux", env={}, home=tmp_path)
    names = [f.name for f in result.found[0].log_files]
    assert names == ["bisq.log"] + [f"bisq_{n}.log" for n in range(1, 12)]
    assert result.found[0].log_files[0].first_timestamp == "Nov-18 08:12:01.044"


def test_nothing_found_message_lists_places(tmp_path: Path) -> None:
    result = locate(platform="darwin", env={}, home=tmp_path)
    assert result.found == ()
    with pytest.raises(DataDirNotFound) as exc:
        result.best()
    msg = str(exc.value)
    assert str(tmp_path / "Library" / "Application Support" / "Bisq") in msg
    assert "--data-dir" in msg
    assert msg == not_found_message(result.searched)


def test_detect_version_does_not_open_files(tmp_path: Path) -> None:
    assert detect_version(make_bisq2(tmp_path / "B2")) == 2
    assert detect_version(tmp_path / "missing") is None
