"""The canonical zip: reproducible, atomic, and `verify` refuses anything altered, unlisted or unsafe."""

from __future__ import annotations

import errno
import io
import json
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from redactor import fsutil
from redactor.bundle import manifest as manifest_mod
from redactor.bundle import zipio
from redactor.bundle.checklist import checklist_for
from redactor.bundle.verify import verify_bundle
from redactor.bundle.zipio import Cancelled, iso, write_zip
from redactor.cli import main
from redactor.errors import OutputError

TID = "Xk3pQ-2b6e1f0c-8a4d-4c1e-9f3a-7d5b2e8c1a90-1104"
WHEN = datetime(2026, 11, 18, 8, 24, 47, tzinfo=UTC)


def small_bundle(path: Path, files: dict[str, bytes], *, trade_id: str = TID, role: str = "buyer",
                 when: datetime = WHEN) -> Path:
    """A bundle written by the same manifest and zip code as build_bundle, from ready-made content."""
    import hashlib

    recs = [{"path": f"{trade_id}/{n}", "sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)}
            for n, b in files.items()]
    man = manifest_mod.make_manifest(trade_id=trade_id, role=role, created=iso(when),
                                     checklist=checklist_for(list(files), role), files=recs)
    entries: list[tuple[str, zipio.Source]] = [(f"{trade_id}/{n}", b) for n, b in files.items()]
    entries.append((f"{trade_id}/manifest.json", manifest_mod.dump(man)))
    write_zip(path, entries, when)
    return path


FILES = {"description.txt": b"Role: BTC buyer\n\nIt went wrong.\n", "txids.txt": b"a" * 64 + b"  deposit\n",
         "buyer/bisq.log": b"Nov-18 08:12:01.044 [main] INFO  x: hello \n" * 3}


def test_same_input_same_bytes_and_fixed_timestamps(tmp_path: Path) -> None:
    a = small_bundle(tmp_path / "a.zip", FILES)
    b = small_bundle(tmp_path / "b.zip", dict(reversed(list(FILES.items()))))
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in zf.infolist()} == {(2026, 11, 18, 8, 24, 46)}
    assert verify_bundle(a).ok


def test_every_single_byte_change_is_refused(tmp_path: Path) -> None:
    good = small_bundle(tmp_path / "good.zip", FILES).read_bytes()
    bad = tmp_path / "bad.zip"
    undetected = []
    for i in range(len(good)):
        for flip in (0x01, 0x80):
            data = bytearray(good)
            data[i] ^= flip
            bad.write_bytes(data)
            if verify_bundle(bad).ok:
                undetected.append((i, flip))
    assert undetected == []
    bad.write_bytes(good + b"\0")
    assert not verify_bundle(bad).ok  # appended byte
    bad.write_bytes(good[:-1])
    assert not verify_bundle(bad).ok  # truncated


def _raw_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]], listed: list[str]) -> Path:
    """A zip made by hand (as an attacker would), whose manifest lists `listed` with correct hashes."""
    import hashlib

    contents = {(e.filename if isinstance(e, zipfile.ZipInfo) else e): b for e, b in entries}
    recs = [{"path": n, "sha256": hashlib.sha256(contents.get(n, b"")).hexdigest(), "bytes": len(contents.get(n, b""))}
            for n in listed]
    man = manifest_mod.make_manifest(trade_id=TID, role="buyer", created=iso(WHEN), checklist={}, files=recs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for e, b in entries:
            zf.writestr(e, b)
        zf.writestr(f"{TID}/manifest.json", manifest_mod.dump(man))
    return path


@pytest.mark.parametrize("name, reason", [
    (f"{TID}/../evil.txt", "escapes"),
    ("/etc/evil.txt", "absolute"),
    (f"{TID}\\..\\evil.txt", "absolute or Windows"),
    ("C:/evil.txt", "absolute or Windows"),
])
def test_zip_slip_names_refused(tmp_path: Path, name: str, reason: str) -> None:
    z = _raw_zip(tmp_path / "z.zip", [(name, b"x")], [name])
    result = verify_bundle(z)
    assert not result.ok
    assert any(reason in p for p in result.problems), result.problems


def test_symlink_entry_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo(f"{TID}/buyer/bisq.log", (2026, 11, 18, 8, 24, 46))
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    z = _raw_zip(tmp_path / "z.zip", [(link, b"/home/satoshi/.local/share/Bisq/btc_mainnet/wallet")],
                 [link.filename])
    result = verify_bundle(z)
    assert not result.ok and any("symbolic link" in p for p in result.problems)


def test_unlisted_and_missing_entries_refused(tmp_path: Path) -> None:
    z = _raw_zip(tmp_path / "z.zip", [(f"{TID}/description.txt", b"d"), (f"{TID}/extra.txt", b"e")],
                 [f"{TID}/description.txt", f"{TID}/txids.txt"])
    problems = verify_bundle(z).problems
    assert any("extra.txt' is not listed" in p for p in problems)
    assert any("txids.txt' is listed in the manifest but missing" in p for p in problems)


def test_two_folders_refused(tmp_path: Path) -> None:
    z = _raw_zip(tmp_path / "z.zip", [("other/description.txt", b"d")], ["other/description.txt"])
    assert any("exactly one folder" in p for p in verify_bundle(z).problems)


class FullDisk(io.BufferedRandom):
    """A file whose disk fills up after 200 bytes."""

    def write(self, data):  # type: ignore[no-untyped-def, override]
        if self.tell() + len(data) > 200:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_disk_full_gives_clear_error_and_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsutil, "_open_fd", lambda fd: FullDisk(io.FileIO(fd, "r+b")))
    with pytest.raises(OutputError, match="disk is full"):
        small_bundle(tmp_path / "out.zip", FILES)
    assert list(tmp_path.iterdir()) == []


def test_cancel_and_crash_leave_nothing_and_keep_an_older_zip(tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    out.write_bytes(b"previous bundle")
    with pytest.raises(Cancelled):
        write_zip(out, [("T/a.txt", b"x" * 10)], WHEN, cancel=lambda: True)

    def boom() -> zipfile.ZipExtFile:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_zip(out, [("T/a.txt", b"x"), ("T/b.txt", boom)], WHEN)  # type: ignore[list-item]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.zip"]
    assert out.read_bytes() == b"previous bundle"


def test_cli_verify_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = small_bundle(tmp_path / "good.zip", FILES)
    assert main(["verify", str(good)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out
    assert ("OK means: not changed since it was made, and laid out as the app makes bundles; it does not prove "
            "who made it.") in out
    assert main(["verify", str(good), "--json"]) == 0
    assert "does not prove who made it" in json.loads(capsys.readouterr().out)["ok_means"]
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x20
    bad = tmp_path / "bad.zip"
    bad.write_bytes(data)
    assert main(["verify", str(bad)]) == 1
    assert "REFUSED" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "nothing.zip")]) == 1


def test_zip_bomb_is_read_in_bounded_chunks(tmp_path: Path) -> None:
    """64 MB of zeros compress to ~64 KB; an entry that claims less than it inflates to is refused early,
    and reading the honest one never yields more than 1 MiB at once."""
    bomb = small_bundle(tmp_path / "bomb.zip", {"buyer/bisq.log": bytes(64 << 20)})
    layout = zipio.read_layout(bomb)
    entry = next(e for e in layout.entries if e.name.endswith("bisq.log"))
    assert entry.csize < 200_000
    assert max(len(c) for c in zipio.iter_content(bomb, entry)) <= 1 << 20
    liar = zipio.Entry(entry.name, entry.crc, entry.csize, 1000, entry.data_offset, entry.external_attr,
                       entry.dos_time)
    with pytest.raises(zipio.BadInput, match="longer than its header"):
        for _ in zipio.iter_content(bomb, liar):
            pass
