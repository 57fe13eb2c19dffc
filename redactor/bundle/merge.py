"""(Agents) Merge the buyer's and the seller's bundles of one trade into one case zip.

Result: `<tradeId>/buyer/...` and `<tradeId>/seller/...` (each trader's description, tx IDs, contract and
report move into their role folder), a combined `<tradeId>/txids.txt` and one manifest with role "case".
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO

from redactor.bundle import manifest as manifest_mod
from redactor.bundle.verify import checklist_from_paths, verify_bundle
from redactor.bundle.zipio import Source, parse_iso, sha256_of, write_zip
from redactor.errors import BadInput


def _opener(zf: zipfile.ZipFile, name: str) -> Callable[[], BinaryIO]:
    return lambda: zf.open(name)  # type: ignore[return-value]


def _combined_txids(trade_id: str, texts: list[bytes]) -> bytes:
    merged: dict[str, str] = {}
    for text in texts:
        for line in text.decode("utf-8", "replace").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            txid, _, label = line.partition("  ")
            if merged.get(txid) in (None, "given", "unlabelled"):
                merged[txid] = label.strip() or "unlabelled"
    lines = [f"# Transaction IDs of trade {trade_id}, from the buyer's and the seller's bundles"]
    lines += [f"{t}  {label}" for t, label in merged.items()]
    return ("\n".join(lines) + "\n").encode("ascii", "replace")


def merge_bundles(buyer_zip: Path, seller_zip: Path, out_zip: Path) -> Path:
    """Verify both inputs, then write the merged case atomically. Raises BadInput with the reason to refuse."""
    if any(Path(out_zip).resolve() == Path(p).resolve() for p in (buyer_zip, seller_zip)):
        raise BadInput("Write the merged case to a new file, not over one of the bundles.")
    manifests: list[dict[str, Any]] = []
    for path in (buyer_zip, seller_zip):
        result = verify_bundle(Path(path))
        if not result.ok or result.manifest is None:
            raise BadInput(f"{Path(path).name} failed verification: {result.problems[0]}")
        if result.manifest["role"] not in ("buyer", "seller"):
            raise BadInput(f"{Path(path).name} is already a merged case; merge two traders' bundles.")
        if result.manifest.get("audience") == "public":  # its IDs are placeholders: no trade to match on
            raise BadInput(f"{Path(path).name} was made for a public issue (its IDs are placeholders); merge the "
                           "bundles the traders made for support.")
        manifests.append(result.manifest)
    a, b = manifests
    if a["trade_id"] != b["trade_id"]:
        raise BadInput(f"The bundles are for two different trades ({a['trade_id']} and {b['trade_id']}).")
    if a["role"] == b["role"]:
        raise BadInput(f"Both bundles are from the BTC {a['role']}; a case needs the buyer's and the seller's.")
    trade_id = a["trade_id"]
    prefix = f"{trade_id}/"
    entries: dict[str, Source] = {}
    files: list[dict[str, Any]] = []
    txid_texts: list[bytes] = []
    with ExitStack() as stack:
        for path, man in sorted(zip((buyer_zip, seller_zip), manifests, strict=True), key=lambda x: x[1]["role"]):
            zf = stack.enter_context(zipfile.ZipFile(Path(path)))
            role = man["role"]
            for f in man["files"]:
                inner = f["path"][len(prefix):]
                new = f["path"] if inner.startswith(f"{role}/") else f"{prefix}{role}/{inner}"
                entries[new] = _opener(zf, f["path"])
                files.append({"path": new, "sha256": f["sha256"], "bytes": f["bytes"]})
                if inner == "txids.txt":
                    txid_texts.append(zf.read(f["path"]))
        combined = _combined_txids(trade_id, txid_texts)
        entries[prefix + "txids.txt"] = combined
        digest, size = sha256_of(iter([combined]))
        files.append({"path": prefix + "txids.txt", "sha256": digest, "bytes": size})
        created = max(a["created"], b["created"])
        draft = {"role": "case", "roles": ["buyer", "seller"]}
        checks = checklist_from_paths([f["path"][len(prefix):] for f in files], draft)
        manifest = manifest_mod.make_manifest(
            trade_id=trade_id, role="case", created=created, checklist=checks, files=files,
            extra={"roles": ["buyer", "seller"],
                   "sources": [{"role": m["role"], "created": m["created"], "tool_version": m["tool_version"]}
                               for m in sorted(manifests, key=lambda m: m["role"])]})
        entries[prefix + manifest_mod.MANIFEST] = manifest_mod.dump(manifest)
        write_zip(Path(out_zip), list(entries.items()), parse_iso(created))
    return Path(out_zip)
