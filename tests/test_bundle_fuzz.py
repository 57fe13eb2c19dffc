"""Structure-aware fuzzing of verify and merge (issue 11): random bundles, with manifests of random types,
names, sizes and duplicates, zip-slip names and damaged bytes. Never a traceback (only RedactorError), never OK
for a bundle whose files do not match its manifest (an independent oracle reads it with Python's zipfile)."""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bundle_verify import TID, WHEN, small_bundle

from redactor.bundle import manifest as manifest_mod
from redactor.bundle.checklist import checklist_for
from redactor.bundle.merge import merge_bundles
from redactor.bundle.verify import verify_bundle
from redactor.bundle.zipio import iso, write_zip
from redactor.errors import RedactorError

SAFE = ["description.txt", "txids.txt", "contract.json", "redaction-report.json", "buyer/bisq.log",
        "buyer/bisq_1.log", "buyer/screenshots/trade-details.png", "seller/bisq.log", "buyer/description.txt"]
HOSTILE = ["../evil.txt", "/etc/passwd", "C:/x.txt", "a\\b.txt", "", ".", "x//y", "é.txt", "a" * 300,
           "manifest.json", "buyer/", "buyer/../../x"]
json_values = st.recursive(st.none() | st.booleans() | st.integers(-2, 2 ** 40) | st.text(max_size=8),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
                           max_leaves=6)
FIELDS = ["format", "trade_id", "role", "created", "tool_version", "checklist", "files", "roles", "sources",
          "audience", "requested"]


@st.composite
def bundles(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(SAFE), min_size=1, max_size=5, unique=True))
    if draw(st.integers(0, 3)) == 0:  # a hostile name or a duplicate now and then
        names.append(draw(st.sampled_from(HOSTILE + SAFE)))
    files = [(n, draw(st.binary(max_size=64))) for n in names]
    role = draw(st.sampled_from(["buyer", "seller", "case"]))
    single = role if role != "case" else "buyer"
    recs = [{"path": f"{TID}/{n}", "sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)} for n, b in files]
    man: dict[str, Any] = manifest_mod.make_manifest(
        trade_id=TID, role=single, created=iso(WHEN), checklist=checklist_for([n for n, _ in files], single),
        files=recs)
    if role == "case":
        man.update(role="case", roles=["buyer", "seller"],
                   checklist={r: checklist_for([n for n, _ in files], r) for r in ("buyer", "seller")},
                   sources=[{"role": r, "created": iso(WHEN), "tool_version": "0"} for r in ("buyer", "seller")])
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
        kind = draw(st.sampled_from(["field", "drop", "record", "dup", "extra"]))
        if kind == "field":
            man[draw(st.sampled_from(FIELDS))] = draw(json_values)
        elif kind == "drop":
            man.pop(draw(st.sampled_from(FIELDS)), None)
        elif kind == "record" and isinstance(man.get("files"), list) and man["files"]:
            rec = dict(man["files"][0]) if isinstance(man["files"][0], dict) else {}
            rec[draw(st.sampled_from(["path", "sha256", "bytes", "x"]))] = draw(
                json_values | st.integers(0, 2 ** 33) | st.sampled_from([f"{TID}/{n}" for n in SAFE]))
            man["files"][0] = rec
        elif kind == "dup" and isinstance(man.get("files"), list) and man["files"]:
            man["files"].append(man["files"][0])
        elif kind == "extra":
            man[draw(st.text(max_size=5))] = draw(json_values)
    return {"files": files, "manifest": man, "canonical": draw(st.sampled_from([True, True, True, False])),
            "flip": draw(st.sampled_from([None, None, None, "flip"]).flatmap(
                lambda f: st.just(None) if f is None else st.tuples(st.integers(0, 10 ** 6), st.integers(1, 255))))}


def write(path: Path, case: dict[str, Any]) -> Path:
    entries = [(f"{TID}/{n}", b) for n, b in case["files"]]
    entries.append((f"{TID}/manifest.json", manifest_mod.dump(case["manifest"])))
    names = [n for n, _ in entries]
    if case["canonical"] and len(set(names)) == len(names):
        try:
            write_zip(path, entries, WHEN)  # type: ignore[arg-type]
        except RedactorError:  # a name or size the writer refuses
            case["canonical"] = False
    if not case["canonical"] or not path.exists():
        with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            warnings.simplefilter("ignore")  # duplicate names are the point
            for n, b in entries:
                zf.writestr(n, b)
    if case["flip"] is not None:
        data = bytearray(path.read_bytes())
        i, x = case["flip"]
        data[i % len(data)] ^= x
        path.write_bytes(bytes(data))
    return path


def consistent(path: Path) -> bool:
    """The oracle: Python's zipfile reads the same zip; every listed file present with its SHA-256 and size,
    nothing else but the manifest, no name twice, the manifest as the app writes it."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            man = zf.read(f"{TID}/manifest.json")
            data = {n: zf.read(n) for n in names}
        obj = manifest_mod.load(man)
    except Exception:  # noqa: BLE001 - anything the oracle cannot read is not consistent
        return False
    listed = {f["path"]: f for f in obj["files"]}
    if len(names) != len(set(names)) or set(names) != set(listed) | {f"{TID}/manifest.json"}:
        return False
    return all(hashlib.sha256(data[p]).hexdigest() == f["sha256"] and len(data[p]) == f["bytes"]
               for p, f in listed.items())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=bundles())
def test_verify_never_raises_and_never_says_ok_for_a_mismatch(tmp_path_factory: pytest.TempPathFactory,
                                                             case: dict[str, Any]) -> None:
    path = write(tmp_path_factory.mktemp("fuzz") / "b.zip", case)
    result = verify_bundle(path)
    assert isinstance(result.ok, bool) and all(isinstance(p, str) for p in result.problems)
    if result.ok:
        assert consistent(path), "verify said OK for a bundle whose files do not match its manifest"
        assert result.manifest is not None
        json.dumps(result.checklist)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=bundles())
def test_merge_never_raises_and_only_writes_a_case_that_verifies(tmp_path_factory: pytest.TempPathFactory,
                                                                 case: dict[str, Any]) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = write(folder / "b.zip", case)
    seller = small_bundle(folder / "seller.zip", {"description.txt": b"s", "seller/bisq.log": b"x\n"},
                          role="seller")
    out = folder / "case.zip"
    try:
        merge_bundles(path, seller, out)
    except RedactorError:
        assert not out.exists()
        assert sorted(p.name for p in folder.iterdir()) == ["b.zip", "seller.zip"]  # no temp left
        return
    assert verify_bundle(out).ok and consistent(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), usize=st.integers(0, 2 ** 32 - 1), csize_delta=st.integers(-3, 3),
       crc=st.integers(0, 2 ** 32 - 1), real=st.booleans())
def test_lying_headers_never_raise_never_pass_and_stay_small(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                             usize: int, csize_delta: int, crc: int,
                                                             real: bool) -> None:
    """Random declared sizes and CRCs over real or random deflate data: refused, with bounded memory."""
    import tracemalloc
    import zlib

    import zipcraft

    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    stream = comp.compress(data) + comp.flush() if real else data
    csize = max(0, len(stream) + csize_delta)
    man = zipcraft.member(f"{TID}/manifest.json", zipcraft.many_records_manifest(0))
    path = zipcraft.write(tmp_path_factory.mktemp("lie") / "l.zip",
                          [(f"{TID}/buyer/bisq.log", iter([stream]), csize, usize, crc), man])
    tracemalloc.start()
    try:
        result = verify_bundle(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not result.ok
    assert peak < 8 << 20, f"verify used {peak / 1e6:.1f} MB"
