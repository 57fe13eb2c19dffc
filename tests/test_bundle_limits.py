"""Bounded verify and merge (issue 11): limits from what the app writes, checked before anything is inflated;
the writer refuses beyond the same limits, so it never writes a zip its own verify refuses (no zip64)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zipcraft
from test_bundle_verify import FILES, TID, WHEN, small_bundle

from redactor.bundle import limits, verify, zipio
from redactor.bundle import manifest as manifest_mod
from redactor.bundle.checklist import checklist_for
from redactor.bundle.merge import merge_bundles
from redactor.bundle.verify import verify_bundle
from redactor.bundle.zipio import TooLarge, iso, write_zip
from redactor.cli import main
from redactor.errors import BadInput


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every byte verify inflates."""
    count = [0]
    real = zipio.iter_content

    def counting(path: Path, entry: zipio.Entry) -> Iterator[bytes]:
        for chunk in real(path, entry):
            count[0] += len(chunk)
            yield chunk

    monkeypatch.setattr(verify, "iter_content", counting)
    return count


def seller(tmp_path: Path) -> Path:
    return small_bundle(tmp_path / "seller.zip", {"description.txt": b"s", "seller/bisq.log": b"x\n"},
                        role="seller")


def test_a_2mb_zip_whose_manifest_inflates_to_2gb_is_refused_without_inflating(tmp_path: Path,
                                                                              inflated: list[int]) -> None:
    chunks, csize, crc = zipcraft.zeros_stream(1900)  # under the member limit: the manifest limit refuses it
    bomb = zipcraft.write(tmp_path / "bomb.zip", [(f"{TID}/manifest.json", chunks, csize, 1900 << 20, crc)])
    assert bomb.stat().st_size < 3_000_000
    result = verify_bundle(bomb)
    assert not result.ok and any("manifest.json is not one this app writes" in p and "at most 2.0 MB" in p
                                 for p in result.problems), result.problems
    assert inflated[0] == 0
    with pytest.raises(BadInput, match="bomb.zip failed verification"):
        merge_bundles(bomb, seller(tmp_path), tmp_path / "case.zip")
    assert not (tmp_path / "case.zip").exists()


def test_an_honest_10gb_bomb_is_refused_from_its_headers(tmp_path: Path, inflated: list[int]) -> None:
    members = []
    for i in range(5):  # 5 x 2000 MiB of zeros in ~10 MB, each member honest about its size
        chunks, csize, crc = zipcraft.zeros_stream(2000)
        members.append((f"{TID}/buyer/bisq_{i + 1}.log", chunks, csize, 2000 << 20, crc))
    man = zipcraft.member(f"{TID}/manifest.json", b"{}")
    bomb = zipcraft.write(tmp_path / "bomb.zip", [*members, man])
    result = verify_bundle(bomb)
    assert not result.ok and any("add up to 9.8 GB" in p for p in result.problems), result.problems
    assert inflated[0] == 0


def test_a_member_beyond_the_limit_or_beyond_deflate_is_refused_unread(tmp_path: Path, inflated: list[int]) -> None:
    chunks, csize, crc = zipcraft.zeros_stream(1)
    big = zipcraft.write(tmp_path / "z64.zip", [(f"{TID}/buyer/bisq.log", chunks, csize, 0xFFFFFFFF, crc)])
    assert any("claims 4.0 GB" in p for p in verify_bundle(big).problems)
    liar = zipcraft.write(tmp_path / "ratio.zip", [(f"{TID}/buyer/bisq.log", iter([b"\x03\x00"]), 2, 10 << 20, 0)])
    assert any("more than its compressed data can hold" in p for p in verify_bundle(liar).problems)
    assert inflated[0] == 0


def test_too_many_entries_are_refused_before_the_directory_is_read(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ENTRIES", 3)
    z = zipcraft.write(tmp_path / "many.zip", [zipcraft.member(f"{TID}/f{i}.txt", b"x") for i in range(5)])
    result = verify_bundle(z)
    assert result.problems == ["the zip holds 5 entries; a bundle holds at most 3 files"]


@pytest.mark.parametrize("limit, size, ok", [("MAX_MEMBER_BYTES", 1000, True), ("MAX_MEMBER_BYTES", 1001, False),
                                             ("MAX_TOTAL_BYTES", 1000, True), ("MAX_TOTAL_BYTES", 1001, False)])
def test_writer_and_verifier_agree_at_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str,
                                                 size: int, ok: bool) -> None:
    """The zip32 limit itself is 4 GiB; the same code path is tried with the limits patched small."""
    files = {"buyer/bisq.log": bytes(size)}
    man_size = len(manifest_mod.dump(manifest_mod.make_manifest(
        trade_id=TID, role="buyer", created=iso(WHEN), checklist=checklist_for(files, "buyer"),
        files=[zipcraft.record(f"{TID}/buyer/bisq.log", bytes(size))])))
    monkeypatch.setattr(limits, limit, 1000 + (man_size if limit == "MAX_TOTAL_BYTES" else 0))
    out = tmp_path / "b.zip"
    if ok:
        assert verify_bundle(small_bundle(out, files)).ok
    else:
        with pytest.raises(TooLarge, match="Nothing was written"):
            small_bundle(out, files)
        assert list(tmp_path.iterdir()) == []


def test_writer_stops_a_source_that_grows_past_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 3 << 20)
    import io

    with pytest.raises(TooLarge):  # a callable source of unknown size, longer than a member may be
        write_zip(tmp_path / "g.zip", [("T/a.log", lambda: io.BytesIO(bytes(4 << 20)))], WHEN)
    assert list(tmp_path.iterdir()) == []


def test_merge_refuses_a_result_beyond_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    buyer = small_bundle(tmp_path / "buyer.zip", FILES)
    sell = seller(tmp_path)
    monkeypatch.setattr(limits, "MAX_ENTRIES", 5)  # each input has 3 or 2 files, the case 6 + manifest
    with pytest.raises(TooLarge, match="at most 5 files"):
        merge_bundles(buyer, sell, tmp_path / "case.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buyer.zip", "seller.zip"]


# --- the manifest's shape -------------------------------------------------------------------------------

def hostile(path: Path, change: dict[str, Any], files: dict[str, bytes] | None = None) -> Path:
    """A canonical zip whose manifest (canonical JSON) has `change` applied: only its shape is wrong."""
    files = FILES if files is None else files
    recs = [zipcraft.record(f"{TID}/{n}", b) for n, b in files.items()]
    man = manifest_mod.make_manifest(trade_id=TID, role="buyer", created=iso(WHEN),
                                     checklist=checklist_for(list(files), "buyer"), files=recs)
    man.update(change)
    man = {k: v for k, v in man.items() if v is not DROP}
    entries: list[tuple[str, zipio.Source]] = [(f"{TID}/{n}", b) for n, b in files.items()]
    entries.append((f"{TID}/manifest.json", manifest_mod.dump(man)))
    write_zip(path, entries, WHEN)
    return path


DROP = object()
REC = {"path": f"{TID}/description.txt", "sha256": hashlib.sha256(FILES["description.txt"]).hexdigest(),
       "bytes": len(FILES["description.txt"])}
SHAPES = [
    {"roles": []}, {"roles": [["x"]]}, {"role": "case", "roles": []}, {"role": "case", "roles": [["x"]]},
    {"role": "case", "roles": ["buyer", "seller"], "sources": [1, 2]}, {"role": ["buyer"]}, {"role": None},
    {"trade_id": 5}, {"created": None}, {"files": {}}, {"files": [1]}, {"files": [[REC["path"]]]},
    {"files": [dict(REC, bytes="5")]}, {"files": [dict(REC, bytes=True)]}, {"files": [dict(REC, bytes=-1)]},
    {"files": [dict(REC, sha256=1)]}, {"files": [dict(REC, sha256="ab")]}, {"files": [dict(REC, path=None)]},
    {"files": [dict(REC, extra=1)]}, {"checklist": []}, {"checklist": {"logs": "yes"}}, {"format": "1"},
    {"format": True}, {"format": 2}, {"tool_version": 1}, {"checklist": DROP}, {"extra": {"a": 1}},
]


@pytest.mark.parametrize("change", SHAPES, ids=[json.dumps(c, default=str)[:40] for c in SHAPES])
def test_a_manifest_of_the_wrong_shape_is_refused_by_verify_and_merge(tmp_path: Path, change: dict[str, Any],
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    bad = hostile(tmp_path / "bad.zip", change)
    result = verify_bundle(bad)
    assert not result.ok and result.manifest is None
    assert any("manifest.json is not one this app writes" in p for p in result.problems), result.problems
    with pytest.raises(BadInput, match="failed verification"):
        merge_bundles(bad, seller(tmp_path), tmp_path / "case.zip")
    assert main(["verify", str(bad)]) == 1
    assert main(["merge", str(bad), str(seller(tmp_path)), "-o", str(tmp_path / "c.zip")]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "case.zip").exists() and not (tmp_path / "c.zip").exists()


def test_a_manifest_not_laid_out_as_the_app_writes_it_is_refused(tmp_path: Path) -> None:
    good = small_bundle(tmp_path / "good.zip", FILES)
    import zipfile

    with zipfile.ZipFile(good) as zf:
        text = zf.read(f"{TID}/manifest.json")
    for data in (text.replace(b"\n", b"\r\n"), json.dumps(json.loads(text)).encode(),
                 text.replace(b'  "format": 1,', b'  "format": 1,\n  "format": 1,')):
        entries: list[tuple[str, zipio.Source]] = [(f"{TID}/{n}", b) for n, b in FILES.items()]
        entries.append((f"{TID}/manifest.json", data))
        write_zip(tmp_path / "re.zip", entries, WHEN)
        assert any("not one this app writes" in p for p in verify_bundle(tmp_path / "re.zip").problems)


def test_merge_of_a_bundle_holding_both_description_and_buyer_description(tmp_path: Path) -> None:
    files = dict(FILES) | {"buyer/description.txt": b"a second description"}
    both = small_bundle(tmp_path / "both.zip", files)
    assert verify_bundle(both).ok  # self-consistent, though the app never writes it
    with pytest.raises(BadInput, match="holds both description.txt and buyer/description.txt"):
        merge_bundles(both, seller(tmp_path), tmp_path / "case.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["both.zip", "seller.zip"]


def test_merge_checks_what_it_wrote_before_committing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from redactor.bundle import merge

    buyer = small_bundle(tmp_path / "buyer.zip", FILES)
    sell = seller(tmp_path)
    (tmp_path / "case.zip").write_bytes(b"older case")
    real = merge.verify_bundle
    calls: list[Path] = []

    def refuse_result(path: Path) -> verify.VerifyResult:
        calls.append(Path(path))
        res = real(path)
        if len(calls) == 3:  # the merged temp file
            return verify.VerifyResult(False, ["the manifest lists a file twice"], None)
        return res

    monkeypatch.setattr(merge, "verify_bundle", refuse_result)
    with pytest.raises(BadInput, match="The merged case did not verify .the manifest lists a file twice"):
        merge_bundles(buyer, sell, tmp_path / "case.zip")
    assert calls[2].name.endswith(".part") and calls[2].parent == tmp_path
    assert (tmp_path / "case.zip").read_bytes() == b"older case"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buyer.zip", "case.zip", "seller.zip"]


def test_cli_verify_lists_the_first_problems_and_counts_the_rest(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from redactor.cli.agent import MAX_PROBLEMS_SHOWN

    members = [zipcraft.member(f"{TID}/buyer/f{i:04d}.log", b"x") for i in range(300)]
    members.append(zipcraft.member(f"{TID}/manifest.json", zipcraft.many_records_manifest(0)))
    z = zipcraft.write(tmp_path / "many.zip", members)
    assert main(["verify", str(z)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n  - ") == MAX_PROBLEMS_SHOWN
    n = len(verify_bundle(z).problems)
    assert f"… and {n - MAX_PROBLEMS_SHOWN:,} more (--json lists them all)" in err


def test_the_limits_keep_every_bundle_below_zip64() -> None:
    """Every size and offset of a bundle fits the 32-bit fields (deflate grows incompressible data < 0.1 %)."""
    headers = (limits.MAX_ENTRIES + 1) * 2 * (46 + limits.MAX_NAME_CHARS)
    assert limits.MAX_MEMBER_BYTES < 0xFFFFFFFF
    assert limits.MAX_TOTAL_BYTES * 1.001 + headers + limits.MAX_MANIFEST_BYTES < 0xFFFFFFFF
    assert limits.MAX_ENTRIES + 1 < 0xFFFF


def test_a_member_above_zipfiles_zip64_threshold_is_written_as_zip32(tmp_path: Path) -> None:
    """zipfile writes zip64 records for a member above ~1.9 GiB, which the strict reader refuses (the issue's
    2 GB log); the app's writer keeps zip32 up to its limits. 2040 MiB of zeros, copied as compressed."""
    from redactor.bundle.zipcopy import Copied, write_members

    chunks, csize, crc = zipcraft.zeros_stream(2040)
    name = f"{TID}/buyer/bisq.log"
    src = zipcraft.write(tmp_path / "src.zip", [(name, chunks, csize, 2040 << 20, crc)])
    entry = zipio.read_layout(src).entries[0]
    out = tmp_path / "out.zip"
    write_members(out, [(name, Copied(src, entry)), (f"{TID}/description.txt", b"d")], WHEN)
    layout = zipio.read_layout(out)
    assert layout.problems == [] and [e.usize for e in layout.entries] == [2040 << 20, 1]
    import zipfile

    with zipfile.ZipFile(out) as zf:  # another reader agrees
        assert [i.file_size for i in zf.infolist()] == [2040 << 20, 1] and zf.read(f"{TID}/description.txt") == b"d"
