"""(Agents) Merge the buyer's and the seller's bundles of one trade into one case zip.

Result: `<tradeId>/buyer/...` and `<tradeId>/seller/...` (each trader's description, tx IDs, contract and
report move into their role folder), a combined `<tradeId>/txids.txt` and one manifest with role "case".
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from redactor.bundle import limits
from redactor.bundle import manifest as manifest_mod
from redactor.bundle.verify import checklist_from_paths, verify_bundle
from redactor.bundle.zipcopy import Copied, Member, write_members
from redactor.bundle.zipio import Entry, iter_content, parse_iso, read_layout, sha256_of
from redactor.errors import BadInput
from redactor.fsutil import check_output_path, output_error


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


def _verified_inputs(buyer_zip: Path, seller_zip: Path) -> list[dict[str, Any]]:
    manifests: list[dict[str, Any]] = []
    for path in (buyer_zip, seller_zip):
        result = verify_bundle(Path(path))
        if not result.ok or result.manifest is None:
            more = f" (and {len(result.problems) - 1} more problems)" if len(result.problems) > 1 else ""
            raise BadInput(f"{Path(path).name} failed verification: {result.problems[0]}{more}")
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
    return manifests


def _read_small(zip_path: Path, entry: Entry) -> bytes:
    if entry.usize > limits.MAX_TEXT_BYTES:
        raise BadInput(f"{entry.name} is larger than the app writes it; the case was not merged.")
    return b"".join(iter_content(zip_path, entry))


def _commit_verified(tmp: Path, out_zip: Path) -> None:
    """The merged zip becomes `out_zip` only if it verifies: merge never writes a case its own verify refuses."""
    result = verify_bundle(tmp)
    if not result.ok:
        raise BadInput(f"The merged case did not verify ({result.problems[0]}); nothing was written.")
    try:
        os.replace(tmp, out_zip)
    except OSError as exc:
        raise output_error(out_zip, exc) from exc


def merge_bundles(buyer_zip: Path, seller_zip: Path, out_zip: Path) -> Path:
    """Verify both inputs, write the merged case to a temp file, verify that, then rename it to `out_zip`.
    Raises BadInput with the reason to refuse; nothing is left behind then."""
    out_zip = Path(out_zip)
    if any(out_zip.resolve() == Path(p).resolve() for p in (buyer_zip, seller_zip)):
        raise BadInput("Write the merged case to a new file, not over one of the bundles.")
    check_output_path(out_zip, [Path(buyer_zip), Path(seller_zip)])  # never into a Bisq data directory
    manifests = _verified_inputs(Path(buyer_zip), Path(seller_zip))
    a, b = manifests
    trade_id = a["trade_id"]
    prefix = f"{trade_id}/"
    entries: dict[str, Member] = {}
    files: list[dict[str, Any]] = []
    txid_texts: list[bytes] = []
    for path, man in sorted(zip((buyer_zip, seller_zip), manifests, strict=True), key=lambda x: x[1]["role"]):
        try:
            layout = {e.name: e for e in read_layout(Path(path)).entries}
        except OSError as exc:
            raise BadInput(f"Cannot read {Path(path).name}: {exc.strerror or exc}") from exc
        if any(f["path"] not in layout for f in man["files"]):
            raise BadInput(f"{Path(path).name} changed while it was merged; nothing was written.")
        role = man["role"]
        for f in man["files"]:
            inner = f["path"][len(prefix):]
            new = f["path"] if inner.startswith(f"{role}/") else f"{prefix}{role}/{inner}"
            if new in entries:
                raise BadInput(f"{Path(path).name} holds both {inner} and {role}/{inner}; the app never "
                               "writes such a bundle, so it was not merged.")
            entries[new] = Copied(Path(path), layout[f["path"]])  # compressed bytes copied, not re-deflated
            files.append({"path": new, "sha256": f["sha256"], "bytes": f["bytes"]})
            if inner == "txids.txt":
                txid_texts.append(_read_small(Path(path), layout[f["path"]]))
    combined = _combined_txids(trade_id, txid_texts)
    if prefix + "txids.txt" in entries:
        raise BadInput("A bundle holds a txids.txt where the merged case puts the combined one; not merged.")
    entries[prefix + "txids.txt"] = combined
    digest, size = sha256_of(iter([combined]))
    files.append({"path": prefix + "txids.txt", "sha256": digest, "bytes": size})
    created = max(a["created"], b["created"])
    draft = {"role": "case", "roles": ["buyer", "seller"], "checklist": a.get("checklist") or {}}  # its Bisq app
    checks = checklist_from_paths([f["path"][len(prefix):] for f in files], draft)
    manifest = manifest_mod.make_manifest(
        trade_id=trade_id, role="case", created=created, checklist=checks, files=files,
        extra={"roles": ["buyer", "seller"],
               "sources": [{"role": m["role"], "created": m["created"], "tool_version": m["tool_version"]}
                           for m in sorted(manifests, key=lambda m: m["role"])]})
    entries[prefix + manifest_mod.MANIFEST] = manifest_mod.dump(manifest)
    tmp = out_zip.with_name(f".{out_zip.name}.{secrets.token_hex(6)}.merge.part")
    try:
        write_members(tmp, list(entries.items()), parse_iso(created))
        _commit_verified(tmp, out_zip)
    except OSError as exc:
        raise output_error(out_zip, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return out_zip
