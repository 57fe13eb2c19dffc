"""verify / merge benchmark (issue 11, "Must reach"): `python benchmarks/bench_verify.py`.

Peak memory (ru_maxrss of a fresh process per run) and time of `verify_bundle` and `merge_bundles` on honest
bundles of growing size, up to the largest member the app accepts (limits.MAX_MEMBER_BYTES), and on the
hostile zips of issue 11 (a 2 MB zip whose manifest inflates to 1.9 GB, a 10 GB zip bomb). The members are
zeros (made without compressing them: one full-flushed deflate block repeated), so the zips are small on
disk; memory does not depend on the content, and time here is inflate + SHA-256 of the bytes.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work" / "verify"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

SIZES_MIB = (16, 256, 1024, 2000)  # 2000 MiB: just below MAX_MEMBER_BYTES (2 GiB)
RUN = """
import json, resource, sys, time
from pathlib import Path
t = time.perf_counter()
ok, why = True, ""
try:
    if sys.argv[1] == "verify":
        from redactor.bundle.verify import verify_bundle
        r = verify_bundle(Path(sys.argv[2]))
        ok, why = r.ok, (r.problems or [""])[0]
    else:
        from redactor.bundle.merge import merge_bundles
        merge_bundles(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
except Exception as exc:
    ok, why = False, str(exc)
print(json.dumps({"s": time.perf_counter() - t, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "ok": ok, "why": why[:90]}))
"""


def zeros_sha(n_mib: int) -> str:
    h = hashlib.sha256()
    chunk = bytes(1 << 20)
    for _ in range(n_mib):
        h.update(chunk)
    return h.hexdigest()


def honest_bundle(path: Path, role: str, n_mib: int) -> Path:
    """A bundle exactly as the app lays it out: description, txids and one n_mib MiB log of zeros."""
    import zipcraft

    from redactor.bundle import manifest as manifest_mod
    from redactor.bundle.checklist import checklist_for
    from redactor.bundle.zipio import iso

    tid = zipcraft.TID
    small = {"description.txt": f"Role: BTC {role}\n".encode(), "txids.txt": b"a" * 64 + b"  deposit\n"}
    log_name = f"{tid}/{role}/bisq.log"
    recs = [zipcraft.record(f"{tid}/{n}", b) for n, b in small.items()]
    recs.append({"path": log_name, "sha256": zeros_sha(n_mib), "bytes": n_mib << 20})
    man = manifest_mod.make_manifest(trade_id=tid, role=role, created=iso(zipcraft.WHEN),
                                     checklist=checklist_for([*small, f"{role}/bisq.log"], role), files=recs)
    chunks, csize, crc = zipcraft.zeros_stream(n_mib)
    members = [(log_name, chunks, csize, n_mib << 20, crc)]
    members += [zipcraft.member(f"{tid}/{n}", b) for n, b in small.items()]
    members.append(zipcraft.member(f"{tid}/manifest.json", manifest_mod.dump(man)))
    return zipcraft.write(path, sorted(members, key=lambda m: m[0]))


def hostile() -> dict[str, Path]:
    import zipcraft

    tid = zipcraft.TID
    chunks, csize, crc = zipcraft.zeros_stream(1900)
    manifest_bomb = zipcraft.write(WORK / "manifest-bomb.zip", [(f"{tid}/manifest.json", chunks, csize,
                                                                  1900 << 20, crc)])
    members = []
    for i in range(5):
        chunks, csize, crc = zipcraft.zeros_stream(2000)
        members.append((f"{tid}/buyer/bisq_{i + 1}.log", chunks, csize, 2000 << 20, crc))
    members.append(zipcraft.member(f"{tid}/manifest.json", b"{}"))
    return {"manifest inflating to 1.9 GB": manifest_bomb,
            "10 GB zip bomb (5 honest 2000 MiB members)": zipcraft.write(WORK / "bomb.zip", members)}


def run(*args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=True,
                         cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in SIZES_MIB:
        b = honest_bundle(WORK / f"buyer-{n}.zip", "buyer", n)
        r = run("verify", str(b))
        rows.append((f"verify, {n} MiB log ({b.stat().st_size / 1e6:.1f} MB zip)", r))
        s = honest_bundle(WORK / f"seller-{n}.zip", "seller", min(n, 1000))
        out = WORK / f"case-{n}.zip"
        out.unlink(missing_ok=True)
        r = run("merge", str(b), str(s), str(out))
        rows.append((f"merge, {n} + {min(n, 1000)} MiB logs", r))
        for p in (b, s, out):
            p.unlink(missing_ok=True)
    for what, path in hostile().items():
        r = run("verify", str(path))
        rows.append((f"verify, {what} ({path.stat().st_size / 1e6:.1f} MB zip)", r))
        r = run("merge", str(path), str(path.with_name("x.zip")), str(WORK / "never.zip"))
        rows.append((f"merge, {what}", r))
        path.unlink()
    print("| run (fresh process each) | result | time | peak RSS |")
    print("| --- | --- | --- | --- |")
    for what, r in rows:
        verdict = "OK" if r["ok"] else f"refused: {r['why']}"
        print(f"| {what} | {verdict} | {float(r['s']):.2f} s | {float(r['rss_mb']):.0f} MB |")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    t = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - t:.0f} s in all)", file=sys.stderr)
    sys.exit(code)
