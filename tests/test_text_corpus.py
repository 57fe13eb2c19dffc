"""Seeded corpus of Bisq-format logs with planted personal data: nothing planted survives, every planted ID
does. Also the embedded demo data directory, against the personal values listed in demo-facts.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from redactor.text.sanitizer import sanitize_logs

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import logcorpus  # noqa: E402


def test_seeded_corpus_nothing_planted_survives(tmp_path: Path) -> None:
    srcs, planted = [], []
    for seed in range(5):  # every user-name shape and OS path style, in 5 files
        src = tmp_path / f"bisq_{seed}.log"
        planted.append(logcorpus.generate(src, 250_000, seed=seed, leak_every=25))
        srcs.append(src)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = sanitize_logs(srcs, out_dir, workers=2, map_path=tmp_path / "map.json")
    assert all(f.error is None for f in report.files)
    outputs = [(out_dir / s.name).read_bytes() for s in srcs]
    everything = b"\n".join(outputs)
    personal = set().union(*(p.personal for p in planted))
    assert len(personal) > 300
    leaks = sorted(v for v in personal if v.encode() in everything)
    assert leaks == []
    for src, out, p in zip(srcs, outputs, planted, strict=True):
        text = src.read_bytes()
        assert out.count(b"\n") == text.count(b"\n")
        for ident in p.keep:
            assert ident.encode() in out
    totals = report.totals()
    for kind in ("name", "email", "iban", "phone", "account", "salt", "ip", "bridge", "xkey", "privkey", "user",
                 "address"):
        assert totals.get(kind, 0) > 0, kind
    # The private map knows the values; the report does not.
    assert json.dumps(report.to_json()).find("@") < 0
    assert "placeholders" in json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))


def test_demo_logs(tmp_path: Path) -> None:
    demo = REPO / "resources" / "demo"
    facts = json.loads((demo / "demo-facts.json").read_text(encoding="utf-8"))
    srcs = sorted((demo / "Bisq").glob("bisq*.log"))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    sanitize_logs(srcs, out_dir)
    original = b"".join(s.read_bytes() for s in srcs)
    cleaned = b"".join((out_dir / s.name).read_bytes() for s in srcs)
    for value in facts["personal"]:
        assert value.encode() not in cleaned, value
    ids = [facts["trade_id"], facts["other_trade_id"], facts["payout_txid"], *facts["txids"].values(),
           *facts["onions"].values()]
    present = [i for i in ids if i.encode() in original]
    assert len(present) >= 5
    for ident in present:
        assert original.count(ident.encode()) == cleaned.count(ident.encode()), ident
    assert b"Tor 0.4.8.13" in cleaned and b"(@emzy)" in cleaned and b"127.0.0.1:39051" in cleaned
