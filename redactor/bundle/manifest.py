"""manifest.json: what a bundle holds, with a SHA-256 and size per entry, and support's checklist."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from redactor import __version__

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
    return manifest


def dump(manifest: Mapping[str, Any]) -> bytes:
    """Canonical bytes: sorted keys, 2-space indent, UTF-8, final newline; the same manifest always gives the
    same bytes, which keeps the zip reproducible."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def load(data: bytes) -> dict[str, Any]:
    obj = json.loads(data.decode("utf-8"))
    if not isinstance(obj, dict):
        raise ValueError("manifest is not a JSON object")
    for key, kind in (("trade_id", str), ("role", str), ("created", str), ("files", list), ("checklist", dict)):
        if not isinstance(obj.get(key), kind):
            raise ValueError(f"manifest field '{key}' is missing or has the wrong type")
    for f in obj["files"]:
        if not (isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("sha256"), str)
                and isinstance(f.get("bytes"), int)):
            raise ValueError("manifest has a malformed file record")
    return obj
