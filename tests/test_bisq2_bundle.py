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


HEADER = ("TRADE ID,DATE,MAKER/TAKER,OFFER TYPE,FIAT AMOUNT,FIAT CURRENCY,BTC AMOUNT,PRICE,MARKET,PRICE %,"
          "PRICE MODALITY,PAYMENT METHOD,RECEIVER ADDRESS OR INVOICE,TX ID OR PREIMAGE\n")


def test_trade_history_export_bundled_without_the_receiving_address(tmp_path: Path) -> None:
    data = tmp_path / "Bisq2"
    shutil.copytree(DEMO / "Bisq2", data)
    btc = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    export = tmp_path / "BisqEasy-trade-8f14e45f.csv"
    export.write_text(HEADER + f'{FACTS["trade_id"]},"Nov 24, 2026, 09:03",Taker,Buy Bitcoin,150.00,PLN,0.0025,'
                      f'"60,000.00 BTC/PLN",BTC/PLN,0.00%,Market price,SEPA / Lightning,{btc},{FACTS["preimage"]}\n',
                      encoding="utf-8")
    case = _case(data)
    case.trade_history = export
    result = build_bundle(case, tmp_path / "out" / "case.zip")
    members = _members(result.path)
    csv_member = members[f"{FACTS['trade_id']}/buyer/trade-history.csv"].decode()
    assert btc not in csv_member and "<btc-address>" in csv_member
    assert FACTS["trade_id"] in csv_member and FACTS["preimage"] in csv_member and "SEPA / Lightning" in csv_member
    assert result.manifest["checklist"]["bisq2:trade-history"] is True
    assert verify_bundle(result.path).ok


def test_a_csv_that_is_not_the_export_is_refused(tmp_path: Path) -> None:
    from redactor.bundle.tradecsv import clean_trade_csv
    from redactor.errors import BadInput

    other = tmp_path / "x.csv"
    other.write_text("name,iban\nAlice,DE89370400440532013000\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not a Bisq Easy trade export"):
        clean_trade_csv(other)


@pytest.mark.ocr
def test_demo_bisq2_with_its_screenshots_meets_the_checklist(tmp_path: Path) -> None:
    result = run_demo_bisq2(tmp_path)  # the trade chat and trade details, redacted with real Tesseract
    checks = result.manifest["checklist"]
    assert checks["bisq2:trade-chat"] and checks["bisq2:trade-details"]
    assert [k for k, ok in checks.items() if not ok] == ["screenshot:error-popup", "bisq2:trade-history"]
    assert verify_bundle(result.path).ok
