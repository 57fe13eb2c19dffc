# ruff: noqa: E501
"""Bisq 2 logs: one ~10 MB desktop log and one ~10 MB trusted-node (`Bisq2_api`) log from the seeded corpus
(benchmarks/bisq2logcorpus.py: 8 % of lines leak account data, account names or home paths, the trusted node's
3 % private keys), sanitized in one process, against one `grep -E` pass over the same file (bench_logs.py's
pattern and locale); and the accuracy at that size: planted values and keys surviving, identifiers lost.
Run: python benchmarks/bench_bisq2_logs.py"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_logs  # noqa: E402
import bisq2logcorpus  # noqa: E402

from redactor.text.bisq2logs import private_key_in  # noqa: E402
from redactor.text.sanitizer import sanitize_logs  # noqa: E402

LINES = 62_000  # about 10 MB of the corpus's lines


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for api in (False, True):
            src = Path(tmp) / ("api.log" if api else "desktop.log")
            planted = bisq2logcorpus.generate(src, LINES, seed=11, api=api)
            grep = bench_logs.grep_seconds(src, "C.UTF-8")
            best = None
            for _ in range(3):
                out = Path(tmp) / f"out-{api}-{time.perf_counter_ns()}"
                out.mkdir()
                t = time.perf_counter()
                sanitize_logs([src], out, workers=1)
                dt = time.perf_counter() - t
                best = dt if best is None or dt < best else best
            data = (out / src.name).read_bytes()
            survived = sum(v.encode() in data for v in planted.personal)
            keys = sum(k.encode() in data for k in planted.keys) + int(private_key_in(data))
            lost = sum(k.encode() not in data for k in planted.kept)
            print(f"{'trusted node' if api else 'desktop':12s} {src.stat().st_size / 1e6:5.1f} MB  sanitize {best:.2f} s"
                  f"  grep -E {grep:.3f} s  ratio {best / grep:.1f}x  planted {len(planted.personal)} survived {survived}"
                  f"  keys {len(planted.keys)} left {keys}  identifiers {len(planted.kept)} lost {lost}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
