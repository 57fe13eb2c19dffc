"""(Agents) close and purge never delete what the app did not make (issue 11: `close ..`, `close ~`, stray
markers, links), and always say what they deleted and what they left."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_bundle_verify import FILES, TID, small_bundle

from redactor.bundle.retention import close_case, marker_path, purge_cases
from redactor.cli import main
from redactor.errors import BadInput

T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=31)
OTHER_TID = "84721-5c0d9e2a-1b7f-4e6a-8c3d-0f9e8d7c6b5a-1103"


def unpacked(folder: Path, bundle: Path) -> Path:
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(folder)
    return folder


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """<tmp>/cases with a bundle zip and a case folder in it, and a bystander file."""
    root = tmp_path / "cases"
    root.mkdir()
    small_bundle(root / "a.zip", FILES)
    unpacked(root / "folder-case", small_bundle(tmp_path / "b.zip", FILES))
    (root / "notes.txt").write_text("an agent's own notes")
    return root


def write_marker(path: Path, **fields: object) -> Path:
    data = {"case": "x", "trade_id": TID, "kind": "zip", "closed": "2020-01-01T00:00:00Z"} | fields
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("target", ["..", ".", "/", "~", "notes.txt", "empty-dir"])
def test_close_refuses_anything_that_is_not_a_case(cases: Path, target: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    home = cases / "home"
    (home / "Documents").mkdir(parents=True)
    (cases / "empty-dir").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cases / "folder-case")  # `close .` / `close ..` typed inside a folder: . is a case's inner
    path = {"~": str(home), "notes.txt": str(cases / "notes.txt"), "empty-dir": str(cases / "empty-dir"),
            ".": str(cases / "folder-case" / TID)}.get(target, target)
    before = tree(cases.parent)
    assert main(["close", path]) == 1
    err = capsys.readouterr().err
    assert "is not a case" in err or "top of a disk" in err, err
    assert "Traceback" not in err and "ValueError" not in err
    assert tree(cases.parent) == before  # no marker anywhere


def test_close_dot_inside_a_case_folder_closes_that_folder(cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(cases / "folder-case")
    marker = close_case(Path("."), now=T0)
    assert marker == cases / "folder-case.case-closed"
    assert json.loads(marker.read_text())["case"] == "folder-case"


def test_dotdot_marker_and_parent_pointing_markers_never_delete_the_parent(cases: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue: a marker written as `...case-closed` made purge delete `..`, the whole folder of cases."""
    inner = cases / "folder-case"
    write_marker(inner / "...case-closed", case="..", kind="folder")
    write_marker(inner / "..case-closed", case=".", kind="folder")
    write_marker(inner / ".case-closed", case="", kind="folder")
    write_marker(cases / "up.case-closed", case="../cases", kind="folder")
    before = tree(cases.parent)
    monkeypatch.chdir(inner)
    for root in (".", str(inner), str(cases)):
        result = purge_cases(Path(root), after_days=0, dry_run=False, now=LATER)
        assert result.deleted == []
        assert result.left and all("does not name a case" in why for _p, why in result.left)
    assert main(["purge", ".", "--after", "0", "--yes"]) == 0
    assert tree(cases.parent) == before


def test_stray_and_hostile_markers_are_reported_and_never_block(cases: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (cases / "bad-json.zip.case-closed").write_text("{not json")
    (cases / "huge.zip.case-closed").write_bytes(b" " * 10_000)
    write_marker(cases / "notes.txt.case-closed", case="notes.txt")  # names a file the app did not make
    write_marker(cases / "gone.zip.case-closed", case="gone.zip")
    write_marker(cases / "mismatch.zip.case-closed", case="a.zip")  # records another case's name
    (cases / "dir.case-closed").mkdir()
    close_case(cases / "a.zip", now=T0)
    assert main(["purge", str(cases), "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"Deleted: {cases / 'a.zip'}" in out and "Deleted 1 case(s); left 6 item(s)" in out
    assert not (cases / "a.zip").exists() and not marker_path(cases / "a.zip").exists()
    assert (cases / "notes.txt").read_text() == "an agent's own notes"
    for reason in ("not valid JSON", "larger than the app writes", "is not a case", "is gone",
                   "does not name a case", "not a regular file"):
        assert reason in out, (reason, out)


def test_a_replaced_case_is_left(cases: Path, tmp_path: Path) -> None:
    """The marker recorded a trade ID; a different bundle under the same name is not the closed case."""
    close_case(cases / "a.zip", now=T0)
    small_bundle(cases / "a.zip", FILES, trade_id=OTHER_TID)
    result = purge_cases(cases, dry_run=False, now=LATER)
    assert result.deleted == [] and (cases / "a.zip").exists()
    assert "not the one that was closed" in result.left[0][1]
    (cases / "a.zip").write_bytes(b"the agent's own zip")  # no longer a bundle at all
    result = purge_cases(cases, dry_run=False, now=LATER)
    assert result.deleted == [] and (cases / "a.zip").read_bytes() == b"the agent's own zip"


def test_links_are_never_closed_or_followed(cases: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    real = small_bundle(outside / "real.zip", FILES)
    (cases / "link.zip").symlink_to(real)
    with pytest.raises(BadInput, match="is a link"):
        close_case(cases / "link.zip")
    write_marker(cases / "link.zip.case-closed", case="link.zip")
    (cases / "link-dir").symlink_to(outside, target_is_directory=True)
    write_marker(cases / "link-dir.case-closed", case="link-dir", kind="folder")
    result = purge_cases(cases, after_days=0, dry_run=False, now=LATER)
    assert result.deleted == [] and len(result.left) == 2
    assert real.exists() and (cases / "link.zip").is_symlink()
    (tmp_path / "root-link").symlink_to(cases, target_is_directory=True)
    with pytest.raises(BadInput, match="is a link"):
        purge_cases(tmp_path / "root-link", after_days=0)


def test_folder_purge_deletes_only_listed_files_and_never_follows_a_link_inside(cases: Path,
                                                                                  tmp_path: Path) -> None:
    folder = cases / "folder-case"
    close_case(folder, now=T0)
    secret = tmp_path / "secret.log"
    secret.write_text("not the app's")
    listed = folder / TID / "buyer" / "bisq.log"
    listed.unlink()
    listed.symlink_to(secret)  # a listed name that is now a link to a file outside
    (folder / TID / "agent-notes.txt").write_text("mine")
    result = purge_cases(cases, dry_run=False, now=LATER)
    assert result.deleted == [folder]
    assert secret.read_text() == "not the app's"
    assert sorted(tree(folder)) == sorted([TID, f"{TID}/agent-notes.txt", f"{TID}/buyer", f"{TID}/buyer/bisq.log"])
    assert {p for p, _why in result.left} == {folder / TID / "agent-notes.txt", listed}
    assert all("not made by the app" in why for _p, why in result.left)
    assert not marker_path(folder).exists()


def test_folder_purge_through_a_swapped_subfolder_link(cases: Path, tmp_path: Path) -> None:
    folder = cases / "folder-case"
    close_case(folder, now=T0)
    outside = tmp_path / "victim"
    (outside / "buyer").mkdir(parents=True)
    (outside / "buyer" / "bisq.log").write_text("victim")
    import shutil

    shutil.rmtree(folder / TID / "buyer")
    (folder / TID / "buyer").symlink_to(outside / "buyer", target_is_directory=True)
    result = purge_cases(cases, dry_run=False, now=LATER)
    assert result.deleted == [folder]
    assert (outside / "buyer" / "bisq.log").read_text() == "victim"


def test_home_folder_is_never_purged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue: `close ~` then `purge --yes` on its parent deleted the home folder."""
    home = tmp_path / "satoshi"
    (home / ".local").mkdir(parents=True)
    (home / "wallet.dat").write_text("keys")
    monkeypatch.setenv("HOME", str(home))
    assert main(["close", "~"]) == 1 and main(["close", str(home)]) == 1
    write_marker(tmp_path / "satoshi.case-closed", case="satoshi", kind="folder")
    assert main(["purge", str(tmp_path), "--after", "0", "--yes"]) == 0
    assert (home / "wallet.dat").read_text() == "keys"


def test_purge_dry_run_lists_and_a_failed_delete_is_reported(cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    close_case(cases / "a.zip", now=T0)
    close_case(cases / "folder-case", now=T0)
    assert purge_cases(cases, now=LATER).deleted == [cases / "a.zip", cases / "folder-case"]
    real_unlink = os.unlink

    def refuse(path: object, *args: object, **kw: object) -> None:
        if str(path).endswith("a.zip"):
            raise PermissionError(13, "Permission denied")
        real_unlink(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", refuse)
    result = purge_cases(cases, dry_run=False, now=LATER)
    assert result.deleted == [cases / "folder-case"]
    assert result.left == [(cases / "a.zip", "could not delete it: Permission denied")]
    assert (cases / "a.zip").exists() and marker_path(cases / "a.zip").exists()


def test_windows_reparse_points_count_as_links() -> None:
    from types import SimpleNamespace

    from redactor.bundle.caseid import is_link

    junction = SimpleNamespace(st_mode=0o040755, st_file_attributes=0x400)  # a directory junction
    assert is_link(junction)  # type: ignore[arg-type]
    assert not is_link(SimpleNamespace(st_mode=0o040755, st_file_attributes=0x10))  # type: ignore[arg-type]


def test_an_unreadable_folder_is_a_sentence(cases: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def denied(self: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", denied)
    assert main(["purge", str(cases)]) == 1
    assert "Cannot read the folder" in capsys.readouterr().err


# --- fuzzing: random markers beside cases and bystanders ---------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NAMES = ["a.zip", "f", "notes.txt", "d", "missing", "..", ".", "", "../x", "a.zip/..", "f/" + TID, "link"]
marker_docs = st.fixed_dictionaries({
    "case": st.sampled_from(NAMES) | st.text(max_size=6),
    "trade_id": st.sampled_from([TID, OTHER_TID, ""]),
    "kind": st.sampled_from(["zip", "folder", "x"]),
    "closed": st.sampled_from(["2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "yesterday"]),
}, optional={"extra": st.integers()})
markers = st.lists(st.tuples(st.sampled_from(NAMES) | st.text(max_size=6),
                             st.one_of(marker_docs.map(lambda d: json.dumps(d).encode()), st.binary(max_size=40))),
                   max_size=6)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(found=markers, close_a=st.booleans(), close_f=st.booleans())
def test_random_markers_never_delete_what_the_app_did_not_make(tmp_path_factory: pytest.TempPathFactory,
                                                               found: list[tuple[str, bytes]], close_a: bool,
                                                               close_f: bool) -> None:
    top = tmp_path_factory.mktemp("fuzz")
    root = top / "cases"
    root.mkdir()
    (top / "sibling.txt").write_text("outside")
    small_bundle(root / "a.zip", FILES)
    unpacked(root / "f", small_bundle(top / "f.zip", FILES))
    (root / "f" / "mine.txt").write_text("agent")
    (root / "notes.txt").write_text("notes")
    (root / "d").mkdir()
    (root / "d" / "x.txt").write_text("x")
    (root / "link").symlink_to(top / "sibling.txt")
    for case, wanted in ((root / "a.zip", close_a), (root / "f", close_f)):
        if wanted:
            close_case(case, now=T0)
    for name, data in found:  # random markers may overwrite the real ones
        try:
            (root / (name + ".case-closed")).write_bytes(data)
        except (OSError, ValueError):
            pass  # a name the filesystem refuses
    keep = snapshot(top)
    listed = {f"cases/f/{TID}/{n}" for n in [*FILES, "manifest.json"]}
    result = purge_cases(root, after_days=0, dry_run=False, now=datetime(2100, 1, 1, tzinfo=UTC))
    after = snapshot(top)
    gone = set(keep) - set(after)
    assert gone <= {"cases/a.zip"} | listed | {k for k in keep if k.endswith(".case-closed")}
    assert all(after[k] == keep[k] for k in after if k in keep)
    assert {"sibling.txt", "cases/notes.txt", "cases/d/x.txt", "cases/f/mine.txt"} <= set(after)
    assert (root / "link").is_symlink()
    assert set(result.deleted) <= {root / "a.zip", root / "f"}
    for case, name, kind in ((root / "a.zip", "a.zip", "zip"), (root / "f", "f", "folder")):
        marker = keep.get(f"cases/{name}.case-closed")
        proper = marker is not None and marker.startswith(b"{") and json.loads(marker) | {"closed": "x"} == {
            "case": name, "trade_id": TID, "kind": kind, "closed": "x"} and b"yesterday" not in marker
        assert (case in result.deleted) == proper, (name, marker, result)
    if root / "f" in result.deleted:
        assert not (listed & set(after)) and (root / "f" / "mine.txt").exists()


def test_cases_not_yet_due_are_reported_with_their_date(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    close_case(cases / "a.zip", now=T0)
    result = purge_cases(cases, dry_run=False, now=T0 + timedelta(days=10))
    assert result.deleted == [] and result.left == []
    assert result.waiting == [(cases / "a.zip", T0 + timedelta(days=30))]
    close_case(cases / "folder-case")  # now: due in 30 days
    assert main(["purge", str(cases), "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"Not yet due: {cases / 'folder-case'} (purged from " in out
    assert (cases / "folder-case").exists()


def test_closing_again_keeps_the_time_unless_the_case_was_replaced(cases: Path) -> None:
    marker = close_case(cases / "a.zip", now=T0)
    close_case(cases / "a.zip", now=LATER)
    assert json.loads(marker.read_text())["closed"] == "2026-10-01T12:00:00Z"
    small_bundle(cases / "a.zip", FILES, trade_id=OTHER_TID)  # another case under the same name
    close_case(cases / "a.zip", now=LATER)
    assert json.loads(marker.read_text())["trade_id"] == OTHER_TID
    assert purge_cases(cases, now=LATER + timedelta(days=30), dry_run=False).deleted == [cases / "a.zip"]
    small_bundle(cases / "a.zip", FILES)
    marker.write_text("the agent's own note")
    with pytest.raises(BadInput, match="is not a marker the app wrote"):
        close_case(cases / "a.zip")
    assert marker.read_text() == "the agent's own note"
