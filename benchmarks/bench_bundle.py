"""Bundle benchmark (issue 4, "Must reach"): run `make bench-bundle` or `python benchmarks/bench_bundle.py`.

A full bundle as Bisq keeps it at worst: 21 logs x 10 MB (the log benchmark's seeded corpus, cached in
benchmarks/_work/logs/) plus the 4 demo screenshots (real Tesseract), the demo contract and a description.
Times `build_bundle` end to end with its stages, then `find_trades` alone and `verify_bundle` on the result.
Target: full bundle <= 30 s on the 2-core development machine.

Memory (issue 11): `bisq-redactor bundle` on data directories of growing size (the demo's; + the 21 x 10 MB logs;
+ a 2 GB and a 20 GB sparse bisq.log), each in a fresh process; peak RSS of that process and of its largest
child (the sanitizer's workers), from getrusage. `--rss-only` runs just this part.

Encrypted row (issue 15): the same bundle with `encrypt_to` (age, X25519), plain and encrypted builds alternated
ENCRYPT_PAIRS times so machine load hits both alike; target: encryption adds <= 10 %.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))


def main() -> int:
    import bench_logs

    from redactor.bisq.trades import find_trades
    from redactor.bundle.case import Case
    from redactor.bundle.demo import demo_screenshots
    from redactor.bundle.verify import verify_bundle
    from redactor.bundle.writer import build_bundle

    logs = bench_logs.corpus()
    demo = REPO / "resources" / "demo"
    try:
        import redactor.image.redact  # noqa: F401
        shots = demo_screenshots(demo)
    except ImportError:
        shots = []
    if not shots:
        print("NOTE: no screenshot redactor or no demo screenshots: timing logs only", file=sys.stderr)

    t = time.perf_counter()
    trades = find_trades(logs)
    t_trades = time.perf_counter() - t
    trade = max(trades, key=lambda tr: len(tr.txids))

    case = Case(trade_id=trade.trade_id, role="buyer", description=(demo / "description.txt").read_text(),
                txids=[], screenshots=shots, data_dir=None, log_files=logs, contract=demo / "contract.json")
    out = WORK / "bundle" / "case.zip"
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(stage: str, _frac: float) -> None:
        marks.setdefault(stage, time.perf_counter() - t0)

    result = build_bundle(case, out, progress=progress)
    total = time.perf_counter() - t0
    encrypted = _encrypted_rows(case, out)
    encrypted["zip_alone"] = _zip_alone(logs, out.parent)
    t = time.perf_counter()
    verified = verify_bundle(out)
    t_verify = time.perf_counter() - t

    t_shots = None
    if shots:
        import tempfile

        from redactor.bundle.writer import _redact_screenshots
        from redactor.text.contract import personal_values_file
        known = personal_values_file(Path(case.contract)) if case.contract is not None else []
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            _redact_screenshots(case, Path(tmp), "buyer", known)
            t_shots = time.perf_counter() - t

    in_mb = sum(p.stat().st_size for p in logs) / 1e6
    figures = {
        "logs": len(logs), "log_mb": round(in_mb, 1), "screenshots": len(shots), "cpus": os.cpu_count(),
        "bundle_s": round(total, 2), "target_s": 30, "zip_mb": round(out.stat().st_size / 1e6, 1),
        "stage_start_s": {k: round(v, 2) for k, v in marks.items()},
        "screenshots_alone_s": round(t_shots, 2) if t_shots is not None else None,
        "find_trades_s": round(t_trades, 2), "trades_found": len(trades),
        "verify_s": round(t_verify, 2), "verify_ok": verified.ok,
        "missing": result.missing,
        "encrypted": encrypted,
    }
    (WORK / "bench_bundle.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    print(f"\nfull bundle: {len(logs)} logs ({in_mb:.0f} MB) + {len(shots)} screenshots in {total:.1f} s "
          f"(target <= 30 s); zip {figures['zip_mb']} MB; verify {t_verify:.1f} s; find_trades {t_trades:.1f} s")
    print(f"encrypted (age): median {encrypted['encrypted_s']} s vs plain {encrypted['plain_s']} s = "
          f"+{encrypted['overhead_pct']} % (target <= 10 %); zip-writing stage {encrypted['zip_stage_encrypted_s']} s "
          f"vs {encrypted['zip_stage_plain_s']} s; write_zip alone (220 MB of logs): {encrypted['zip_alone']}")
    return 0 if total <= 30 and verified.ok and encrypted["overhead_pct"] <= 10 else 1


def _zip_alone(logs: list[Path], folder: Path) -> dict[str, object]:
    """write_zip of the raw logs alone, plain vs through the age sink (alternated): the encryption's own cost,
    without the sanitizer and OCR whose timing dominates (and drifts with load) in the full bundle."""
    import statistics

    from pyrage import x25519

    from redactor.bundle.zipio import MIN_DATE, write_zip
    from redactor.handoff.age_stream import encrypting_sink

    entries = [(f"t/{p.name}", p) for p in logs]
    sink = encrypting_sink([x25519.Identity.generate().to_public()])
    times: dict[str, list[float]] = {"plain": [], "encrypted": []}
    for _ in range(ENCRYPT_PAIRS):
        for kind in ("plain", "encrypted"):
            t = time.perf_counter()
            if kind == "plain":
                write_zip(folder / "alone.zip", entries, MIN_DATE)
            else:
                write_zip(folder / "alone.zip.age", entries, MIN_DATE, sink=sink)
            times[kind].append(time.perf_counter() - t)
    plain, enc = statistics.median(times["plain"]), statistics.median(times["encrypted"])
    return {"plain_s": round(plain, 2), "encrypted_s": round(enc, 2),
            "overhead_pct": round(100 * (enc - plain) / plain, 1),
            "min_plain_s": round(min(times["plain"]), 2), "min_encrypted_s": round(min(times["encrypted"]), 2)}


ENCRYPT_PAIRS = 3  # alternate plain/encrypted builds: on a shared machine load drifts between runs


def _encrypted_rows(case: object, out: Path) -> dict[str, object]:
    """Median full-bundle time plain vs encrypted, and the zip-writing stage (where encryption happens)."""
    import statistics

    from pyrage import x25519

    from redactor.bundle.writer import build_bundle
    from redactor.handoff.age_stream import decrypt_to

    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    runs: dict[str, list[tuple[float, float]]] = {"plain": [], "encrypted": []}
    for _ in range(ENCRYPT_PAIRS):
        for kind in ("plain", "encrypted"):
            marks: dict[str, float] = {}
            t0 = time.perf_counter()

            def progress(stage: str, _frac: float, marks: dict[str, float] = marks, t0: float = t0) -> None:
                marks.setdefault(stage, time.perf_counter() - t0)

            build_bundle(case, out, progress=progress,  # type: ignore[arg-type]
                         encrypt_to=[public] if kind == "encrypted" else ())
            total = time.perf_counter() - t0
            runs[kind].append((total, total - marks.get("writing the zip", total)))
    enc = Path(str(out) + ".age")
    check = out.with_name("decrypted.zip")
    check.unlink(missing_ok=True)
    decrypt_to(enc, check, [identity])
    same = check.read_bytes() == out.read_bytes()
    check.unlink()
    plain = statistics.median(t for t, _ in runs["plain"])
    encrypted = statistics.median(t for t, _ in runs["encrypted"])
    return {
        "pairs": ENCRYPT_PAIRS, "plain_s": round(plain, 2), "encrypted_s": round(encrypted, 2),
        "overhead_pct": round(100 * (encrypted - plain) / plain, 1),
        "zip_stage_plain_s": round(statistics.median(z for _, z in runs["plain"]), 2),
        "zip_stage_encrypted_s": round(statistics.median(z for _, z in runs["encrypted"]), 2),
        "age_mb": round(enc.stat().st_size / 1e6, 1), "decrypts_to_the_plain_zip": same,
    }


# Runs one CLI command in this fresh process and prints its peak RSS (KiB on Linux) and its largest child's.
_RSS_RUNNER = """
import resource, sys
from redactor import cli
code = cli.main(sys.argv[1:])
me, kids = (resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print("RSS", code, me, kids, file=sys.stderr)
"""
GB = 1 << 30


def _data_dir(name: str, logs: list[Path], sparse: int | None) -> Path:
    """The demo data dir plus `logs` (as bisq_N.log) and, with `sparse`, a bisq.log of that size: the demo's
    bisq.log, a hole, then a real 10 MB log at its end (the newest part, which is what is collected)."""
    demo = REPO / "resources" / "demo" / "Bisq"
    root = WORK / "rss" / name / "Bisq"
    if root.parent.exists():
        shutil.rmtree(root.parent)  # our own scratch folder under benchmarks/_work
    shutil.copytree(demo, root)
    for i, p in enumerate(logs[1:], start=3):
        shutil.copyfile(p, root / f"bisq_{i}.log")
    if sparse:
        with (root / "bisq.log").open("r+b") as fh:
            fh.seek(sparse)
            fh.write(b"\n" + logs[0].read_bytes())
    return root


def rss_rows(logs: list[Path]) -> list[dict[str, object]]:
    facts = json.loads((REPO / "resources" / "demo" / "demo-facts.json").read_text(encoding="utf-8"))
    desc = REPO / "resources" / "demo" / "description.txt"
    rows = []
    for name, extra, sparse in (("demo", [], None), ("220MB", logs, None), ("2GB-sparse", logs, 2 * GB),
                                ("20GB-sparse", logs, 20 * GB)):
        root = _data_dir(name, extra, sparse)
        size = sum(p.stat().st_size for p in root.iterdir() if p.is_file() and p.name.endswith(".log"))
        out = root.parent / "case.zip"
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _RSS_RUNNER, "bundle", "--data-dir", str(root), "--trade-id", facts["trade_id"],
             "--role", "buyer", "--description-file", str(desc), "-o", str(out)],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
        seconds = time.perf_counter() - t
        line = [ln for ln in proc.stderr.splitlines() if ln.startswith("RSS ")]
        if not line or line[-1].split()[1] != "0":
            raise SystemExit(f"bundle failed on {name}: {proc.stderr[-2000:]}")
        _, _, me, kids = line[-1].split()
        rows.append({"input": name, "log_bytes": size, "seconds": round(seconds, 1),
                     "rss_mb": round(int(me) / 1024), "largest_child_rss_mb": round(int(kids) / 1024),
                     "zip_mb": round(out.stat().st_size / 1e6, 1)})
        print(json.dumps(rows[-1]), file=sys.stderr)
        shutil.rmtree(root.parent)
    return rows


def rss_main() -> int:
    import bench_logs

    rows = rss_rows(bench_logs.corpus())
    (WORK / "bench_bundle_rss.json").write_text(json.dumps(rows, indent=2))
    print("| `bundle` input (logs in the data dir) | time | peak RSS: process / largest worker | zip |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['input']} ({int(r['log_bytes']) / 1e6:,.0f} MB) | {r['seconds']} s | "  # type: ignore[call-overload]
              f"{r['rss_mb']} / {r['largest_child_rss_mb']} MB | {r['zip_mb']} MB |")
    return 0


if __name__ == "__main__":
    if "--rss-only" in sys.argv:
        raise SystemExit(rss_main())
    code = main()
    raise SystemExit(rss_main() or code)
