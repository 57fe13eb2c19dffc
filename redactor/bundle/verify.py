"""(Agents) Check a bundle before opening it: safe names, canonical zip, every hash, nothing unlisted."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redactor.bundle import checklist as checklist_mod
from redactor.bundle import manifest as manifest_mod
from redactor.bundle.zipio import expected_dos_time, iter_content, parse_iso, read_layout, sha256_of
from redactor.errors import BadInput

log = logging.getLogger(__name__)


@dataclass
class VerifyResult:
    ok: bool
    problems: list[str]
    manifest: dict[str, Any] | None
    checklist: dict[str, Any] = field(default_factory=dict)


def roles_of(manifest: dict[str, Any]) -> list[str]:
    roles = manifest.get("roles")
    return list(roles) if isinstance(roles, list) else [manifest["role"]]


def checklist_from_paths(inner_paths: list[str], manifest: dict[str, Any]) -> dict[str, Any]:
    """Recompute the checklist from what the zip really holds (not what the manifest claims)."""
    roles = roles_of(manifest)
    if manifest.get("role") == "case":
        return {r: checklist_mod.checklist_for(inner_paths, r) for r in roles}
    return checklist_mod.checklist_for(inner_paths, roles[0])


def verify_bundle(zip_path: Path) -> VerifyResult:
    """ok only when the zip is exactly what this tool writes: one `<tradeId>/` folder, safe names, no links,
    every entry listed in manifest.json with a matching SHA-256 and size, and no byte changed anywhere."""
    zip_path = Path(zip_path)
    try:
        layout = read_layout(zip_path)
    except OSError as exc:
        return VerifyResult(False, [f"cannot read {zip_path.name}: {exc.strerror or exc}"], None)
    problems = list(layout.problems)
    entries = {e.name: e for e in layout.entries}
    tops = {name.split("/", 1)[0] for name in entries}
    if len(tops) != 1:
        problems.append("a bundle holds exactly one folder named after the trade ID" +
                        (f" (found: {', '.join(sorted(tops))})" if tops else " (the zip is empty)"))
        return VerifyResult(False, problems, None)
    top = tops.pop()
    man_name = f"{top}/{manifest_mod.MANIFEST}"
    if man_name not in entries:
        problems.append(f"{man_name} is missing")
        return VerifyResult(False, problems, None)
    try:
        manifest = manifest_mod.load(b"".join(iter_content(zip_path, entries[man_name])))
    except (BadInput, ValueError, UnicodeDecodeError) as exc:
        problems.append(f"manifest.json is unreadable: {exc}")
        return VerifyResult(False, problems, None)
    if manifest["trade_id"] != top:
        problems.append(f"the folder '{top}' is not the manifest's trade ID '{manifest['trade_id']}'")
    try:
        stamp = expected_dos_time(parse_iso(manifest["created"]))
        if any(e.dos_time != stamp for e in entries.values()):
            problems.append("entry timestamps do not match the manifest's 'created' (edited or re-packed)")
    except ValueError:
        problems.append("the manifest's 'created' is not a UTC time like 2026-11-18T08:24:46Z")
    listed = {f["path"]: f for f in manifest["files"]}
    if len(listed) != len(manifest["files"]):
        problems.append("the manifest lists a file twice")
    for name in sorted(set(entries) - set(listed) - {man_name}):
        problems.append(f"entry '{name}' is not listed in the manifest")
    for name in sorted(set(listed) - set(entries)):
        problems.append(f"'{name}' is listed in the manifest but missing from the zip")
    for name in sorted(set(listed) & set(entries)):
        try:
            digest, size = sha256_of(iter_content(zip_path, entries[name]))
        except BadInput as exc:
            problems.append(str(exc))
            continue
        if digest != listed[name]["sha256"] or size != listed[name]["bytes"]:
            problems.append(f"entry '{name}' was changed (SHA-256 or size differs from the manifest)")
    inner = [n[len(top) + 1:] for n in entries if n != man_name]
    checks = checklist_from_paths(inner, manifest)
    if checks != manifest["checklist"]:
        problems.append("the manifest's checklist does not match the files in the zip")
    return VerifyResult(not problems, problems, manifest, checks)
