"""End to end on a Bisq 2 data directory (the embedded demo, resources/demo/Bisq2): the bundle holds the Bisq 2
logs without any personal value or canary, keeps trade ID, preimage, onions, profile IDs, nyms and nicknames,
gets Bisq 2's checklist and verifies; a trusted node's log with private keys never leaves with a key in it."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from redactor.bisq.datadir import detect_version
from redactor.bisq.trades import find_trades
from redactor.bundle.case import Case
from redactor.bundle.checklist import ITEMS_BISQ2
from redactor.bundle.demo import run_demo_bisq2
from redactor.bundle.verify import verify_bundle
from redactor.bundle.writer import build_bundle
from redactor.resources import get_resource_path
from redactor.text import bisq2logs

DEMO = get_resource_path("demo")
FACTS = json.loads((DEMO / "bisq2-case" / "demo-facts.json").read_text(encoding="utf-8"))


def _members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_demo_bisq2_bundle(tmp_path: Path) -> None:
    assert detect_version(DEMO / "Bisq2") == 2
    result = run_demo_bisq2(tmp_path, screenshots=False)
    members = _members(result.path)
    tid = FACTS["trade_id"]
    names = {n.split("/", 1)[1] for n in members}
    assert {"buyer/bisq.log", "buyer/bisq_1.log", "buyer/tor-debug.log", "description.txt", "txids.txt"} <= names
    everything = b"\n".join(members.values())
    assert b"CANARY-" not in everything  # debug_for_zip.log, the backup, identity and key stores never read
    leaks = [v for v in FACTS["personal"] if v.encode() in everything]
    assert leaks == []
    log = members[f"{tid}/buyer/bisq.log"]
    for kept in [*FACTS["kept"], tid, FACTS["preimage"]]:
        assert kept.encode() in log, kept
    assert FACTS["preimage"].encode() in members[f"{tid}/txids.txt"]
    assert set(result.manifest["checklist"]) == set(ITEMS_BISQ2)
    assert b"Bisq version: 2.1.7" in members[f"{tid}/description.txt"]
    assert verify_bundle(result.path).ok


def test_demo_bisq2_trades() -> None:
    data = DEMO / "Bisq2"
    trades = {t.trade_id: t for t in find_trades([data / "bisq.log", data / "bisq_1.log"])}
    assert set(trades) == {FACTS["trade_id"], FACTS["other_trade_id"]}
    t = trades[FACTS["trade_id"]]
    assert t.txids == {FACTS["preimage"]: "preimage"}
    assert t.summary() == "0.0025 BTC (PLN) · SEPA · buyer (taker) · BTC_CONFIRMED"
    assert trades[FACTS["other_trade_id"]].txids == {FACTS["btc_txid"]: "btc payment"}


def _api_dir(tmp_path: Path) -> tuple[Path, str]:
    import random
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import bisq2logcorpus

    data = tmp_path / "Bisq2_api"
    shutil.copytree(DEMO / "Bisq2", data)
    key = bisq2logcorpus.ec_private_key_b64(random.Random(3))
    with open(data / "bisq.log", "a", encoding="utf-8") as fh:
        fh.write(f'Nov-24 10:00:00.000 [pool-3] INFO  b.a.w.s.Subscriber: Send json: {{"keyBundle":{{"keyPair":'
                 f'{{"privateKey":{{"encoded":"{key}"}}}}}}}}\n'
                 f"Nov-24 10:00:01.000 [pool-3] INFO  b.a.d.DtoMappings: material={key}\n")
    return data, key


def _case(data: Path) -> Case:
    return Case(trade_id=FACTS["trade_id"], role="buyer", description="BTC not received.", txids=[],
                screenshots=[], data_dir=data)


def test_trusted_node_keys_never_leave(tmp_path: Path) -> None:
    data, key = _api_dir(tmp_path)
    result = build_bundle(_case(data), tmp_path / "out" / "case.zip")
    everything = b"\n".join(_members(result.path).values())
    assert key[:40].encode() not in everything and key[-40:].encode() not in everything
    assert not bisq2logs.private_key_in(everything)


def test_a_key_the_rules_miss_stops_the_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate after the sanitizer: a sanitizer that let the key through (here: one that copies) is caught."""
    from redactor.text import sanitizer

    data, key = _api_dir(tmp_path)

    def copying(inputs, out_dir, *, out_names=None, **_kw):  # type: ignore[no-untyped-def]
        names = out_names or [p.name for p in inputs]
        for src, name in zip(inputs, names, strict=True):
            shutil.copyfile(src, Path(out_dir) / name)
        return sanitizer.SanitizeReport([sanitizer.FileReport(n, 0, {}) for n in names])

    monkeypatch.setattr(sanitizer, "sanitize_logs", copying)
    out = tmp_path / "out" / "case.zip"
    with pytest.raises(bisq2logs.PrivateKeyLeft, match="private key could still be read in .*bisq.log"):
        build_bundle(_case(data), out)
    assert not out.exists()
