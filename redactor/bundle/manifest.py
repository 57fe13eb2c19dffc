"""manifest.json: what a bundle holds, with a SHA-256 and size per entry, and support's checklist."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from redactor import __version__
from redactor.bundle import limits
from redactor.errors import BadInput

MANIFEST = "manifest.json"
FORMAT = 1


def make_manifest(*, trade_id: str, role: str, created: str, checklist: Mapping[str, Any],
                  files: Sequence[Mapping[str, Any]], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`files`: {"path", "sha256", "bytes"} for every other entry, paths relative to the zip root."""
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "trade_id": trade_id,
        "role": role,
        "created": created,
        "tool_version": __version__,
        "checklist": dict(checklist),
        "files": sorted((dict(f) for f in files), key=lambda f: f["path"]),
    }
    manifest.update(extra or {})
    if role != "case":
        manifest.setdefault("audience", "agent")  # whom a trader's bundle is for; support, unless said otherwise
    return manifest


def dump(manifest: Mapping[str, Any]) -> bytes:
    """Canonical bytes: sorted keys, 2-space indent, UTF-8, final newline; the same manifest always gives the
    same bytes, which keeps the zip reproducible."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


class ManifestError(BadInput):
    """manifest.json is not one this app writes: wrong JSON, a missing field, a field of the wrong type."""


_HEX64 = re.compile(r"[0-9a-f]{64}")
_COMMON_KEYS = {"format", "trade_id", "role", "created", "tool_version", "checklist", "files"}
# A trader's bundle says whom it is for (redactor.handoff: "agent", or "public" with IDs as placeholders), and,
# when an agent's request filled it in, the checklist items that request asked for.
_TRADER_KEYS = _COMMON_KEYS | {"audience"}
_TRADER_OPTIONAL = {"requested"}
_CASE_KEYS = _COMMON_KEYS | {"roles", "sources"}
AUDIENCES = ("agent", "public")
CASE_ROLES = ["buyer", "seller"]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_flags(value: object, where: str) -> None:
    if not (isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, bool) for k, v in value.items())):
        raise ManifestError(f"its {where} is not a list of items with yes/no values")


def _check_files(files: object) -> None:
    if not isinstance(files, list):
        raise ManifestError("its 'files' is not a list")
    if len(files) > limits.MAX_ENTRIES:
        raise ManifestError(f"it lists {len(files):,} files; a bundle holds at most {limits.MAX_ENTRIES:,}")
    total = 0
    for i, f in enumerate(files):
        if not (isinstance(f, dict) and set(f) == {"path", "sha256", "bytes"} and isinstance(f["path"], str)
                and isinstance(f["sha256"], str) and _HEX64.fullmatch(f["sha256"]) and _is_int(f["bytes"])):
            raise ManifestError(f"file record {i + 1} is not a path, a SHA-256 and a size")
        if not 0 <= f["bytes"] <= limits.MAX_MEMBER_BYTES:
            raise ManifestError(f"file record {i + 1} claims {f['bytes']:,} bytes; a bundle file holds at most "
                                f"{limits.human(limits.MAX_MEMBER_BYTES)}")
        total += f["bytes"]
    if total > limits.MAX_TOTAL_BYTES:
        raise ManifestError(f"its files add up to {limits.human(total)}; a bundle holds at most "
                            f"{limits.human(limits.MAX_TOTAL_BYTES)}")


def _check_case(obj: dict[str, Any]) -> None:
    if obj["roles"] != CASE_ROLES:
        raise ManifestError("its 'roles' is not [\"buyer\", \"seller\"]")
    sources = obj["sources"]
    if not (isinstance(sources, list) and len(sources) == 2 and all(
            isinstance(s, dict) and set(s) == {"role", "created", "tool_version"}
            and all(isinstance(v, str) for v in s.values()) for s in sources)
            and [s["role"] for s in sources] == CASE_ROLES):
        raise ManifestError("its 'sources' is not one record per trader")
    checklist = obj["checklist"]
    if not (isinstance(checklist, dict) and sorted(checklist) == CASE_ROLES):
        raise ManifestError("its checklist is not one per trader")
    for role in CASE_ROLES:
        _check_flags(checklist[role], f"{role}'s checklist")


def check_shape(obj: object) -> dict[str, Any]:
    """`obj` when it has exactly the fields this app writes, each of its type; else ManifestError saying what
    is wrong. Every later use of the manifest relies on this (no KeyError, IndexError or TypeError)."""
    if not isinstance(obj, dict):
        raise ManifestError("it is not a JSON object")
    role = obj.get("role")
    if role not in ("buyer", "seller", "case"):
        raise ManifestError("its 'role' is not buyer, seller or case")
    expected = _CASE_KEYS if role == "case" else _TRADER_KEYS
    optional = set() if role == "case" else _TRADER_OPTIONAL
    if not expected <= set(obj) <= expected | optional:
        extra, absent = sorted(set(obj) - expected - optional), sorted(expected - set(obj))
        raise ManifestError("its fields are not the ones this app writes (" + "; ".join(
            ([f"unexpected: {', '.join(extra)[:200]}"] if extra else []) +
            ([f"missing: {', '.join(absent)}"] if absent else [])) + ")")
    if obj["format"] != FORMAT or not _is_int(obj["format"]):
        raise ManifestError(f"its format is not {FORMAT}")
    for key in ("trade_id", "created", "tool_version"):
        if not isinstance(obj[key], str):
            raise ManifestError(f"its '{key}' is not text")
    _check_files(obj["files"])
    if role == "case":
        _check_case(obj)
    else:
        _check_flags(obj["checklist"], "checklist")
        _check_trader_extras(obj)
    return obj


def _check_trader_extras(obj: dict[str, Any]) -> None:
    if obj["audience"] not in AUDIENCES:
        raise ManifestError("its 'audience' is not agent or public")
    requested = obj.get("requested", [])
    if not (isinstance(requested, list) and len(requested) <= len(obj["checklist"])
            and all(isinstance(k, str) and k in obj["checklist"] for k in requested)):
        raise ManifestError("its 'requested' is not a list of its checklist's items")


def load(data: bytes) -> dict[str, Any]:
    """Parse and check manifest bytes; ManifestError unless they are exactly what `dump` writes for a manifest
    of the right shape (canonical bytes also rule out duplicate keys and other encodings)."""
    if len(data) > limits.MAX_MANIFEST_BYTES:
        raise ManifestError(f"it is {limits.human(len(data))}; the app writes at most "
                            f"{limits.human(limits.MAX_MANIFEST_BYTES)}")
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ManifestError(f"it is not valid JSON ({type(exc).__name__})") from exc
    manifest = check_shape(obj)
    if dump(manifest) != data:
        raise ManifestError("it is not laid out as this app writes it (edited or re-encoded)")
    return manifest
