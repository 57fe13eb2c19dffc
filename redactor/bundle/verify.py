"""(Agents) Check a bundle before opening it: safe names, canonical zip, every hash, nothing unlisted.

Bounded: the zip's directory is checked against the limits (limits.py) before any content is inflated, the
manifest is inflated only when its declared size is one the app writes, and every member is inflated in 1 MiB
steps that stop at its declared size. A hostile zip costs at most MAX_TOTAL_BYTES of inflating, never memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redactor.bundle import checklist as checklist_mod
from redactor.bundle import limits
from redactor.bundle import manifest as manifest_mod
from redactor.bundle.zipio import Entry, Layout, expected_dos_time, iter_content, parse_iso, read_layout, sha256_of
from redactor.errors import BadInput

log = logging.getLogger(__name__)

# What "OK" means, said wherever a bundle is reported OK (CLI and agent view): a self-consistent bundle can be
# made by anyone who has this app or reads its source.
OK_PROVES = "not changed since it was made, and laid out as the app makes bundles"
OK_DOES_NOT_PROVE = "it does not prove who made it"


@dataclass
class VerifyResult:
    ok: bool
    problems: list[str]
    manifest: dict[str, Any] | None
    checklist: dict[str, Any] = field(default_factory=dict)
    entries: list[str] = field(default_factory=list)  # the zip's entry names (at most MAX_ENTRIES + 1)


def roles_of(manifest: dict[str, Any]) -> list[str]:
    """The traders whose parts the bundle holds (the manifest's shape was checked: role is buyer/seller/case)."""
    return list(manifest_mod.CASE_ROLES) if manifest.get("role") == "case" else [str(manifest["role"])]


def checklist_from_paths(inner_paths: list[str], manifest: dict[str, Any]) -> dict[str, Any]:
    """Recompute the checklist from what the zip really holds (not what the manifest claims)."""
    roles = roles_of(manifest)
    recorded = manifest.get("checklist")
    app = checklist_mod.version_of(recorded) if isinstance(recorded, dict) else 1  # Bisq 2's items differ
    if manifest.get("role") == "case":
        return {r: checklist_mod.checklist_for(inner_paths, r, app) for r in roles}
    return checklist_mod.checklist_for(inner_paths, roles[0], app)


def _read_manifest(zip_path: Path, entry: Entry) -> dict[str, Any]:
    if entry.usize > limits.MAX_MANIFEST_BYTES:
        raise manifest_mod.ManifestError(f"it claims {limits.human(entry.usize)}; the app writes at most "
                                         f"{limits.human(limits.MAX_MANIFEST_BYTES)}")
    return manifest_mod.load(b"".join(iter_content(zip_path, entry)))


def _header_problems(manifest: dict[str, Any], top: str, entries: dict[str, Entry]) -> list[str]:
    problems = []
    if manifest["trade_id"] != top:
        problems.append(f"the folder '{top}' is not the manifest's trade ID '{manifest['trade_id'][:80]}'")
    try:
        stamp = expected_dos_time(parse_iso(manifest["created"]))
        if any(e.dos_time != stamp for e in entries.values()):
            problems.append("entry timestamps do not match the manifest's 'created' (edited or re-packed)")
    except ValueError:
        problems.append("the manifest's 'created' is not a UTC time like 2026-11-18T08:24:46Z")
    return problems


def _content_problems(zip_path: Path, manifest: dict[str, Any], entries: dict[str, Entry],
                      man_name: str) -> list[str]:
    problems = []
    listed = {f["path"]: f for f in manifest["files"]}
    if len(listed) != len(manifest["files"]):
        problems.append("the manifest lists a file twice")
    for name in sorted(set(entries) - set(listed) - {man_name}):
        problems.append(f"entry '{name}' is not listed in the manifest")
    for name in sorted(set(listed) - set(entries)):
        problems.append(f"'{name[:200]}' is listed in the manifest but missing from the zip")
    for name in sorted(set(listed) & set(entries)):
        if entries[name].usize != listed[name]["bytes"]:  # refused before inflating a byte of it
            problems.append(f"entry '{name}' was changed (its size differs from the manifest)")
            continue
        try:
            digest, size = sha256_of(iter_content(zip_path, entries[name]))
        except BadInput as exc:
            problems.append(str(exc))
            continue
        if digest != listed[name]["sha256"] or size != listed[name]["bytes"]:
            problems.append(f"entry '{name}' was changed (SHA-256 or size differs from the manifest)")
    return problems


def verify_bundle(zip_path: Path) -> VerifyResult:
    """ok only when the zip is exactly what this tool writes: one `<tradeId>/` folder, safe names, no links,
    every entry listed in manifest.json with a matching SHA-256 and size, and no byte changed anywhere.
    OK proves OK_PROVES; OK_DOES_NOT_PROVE."""
    zip_path = Path(zip_path)
    try:
        layout = read_layout(zip_path)
    except OSError as exc:
        return VerifyResult(False, [f"cannot read {zip_path.name}: {exc.strerror or exc}"], None)
    problems = list(layout.problems)
    if not layout.entries and not problems:
        problems.append("a bundle holds exactly one folder named after the trade ID (the zip is empty)")
    if (problems and not layout.entries) or sum(e.usize for e in layout.entries) > limits.MAX_TOTAL_BYTES:
        # nothing to check, or more to inflate than a bundle holds
        return VerifyResult(False, problems, None, entries=[e.name for e in layout.entries])
    result = _verify_layout(zip_path, layout, problems)
    result.entries = [e.name for e in layout.entries]
    return result


def _verify_layout(zip_path: Path, layout: Layout, problems: list[str]) -> VerifyResult:
    entries = {e.name: e for e in layout.entries}
    tops = {name.split("/", 1)[0] for name in entries}
    if len(tops) != 1:
        problems.append("a bundle holds exactly one folder named after the trade ID (found: "
                        f"{', '.join(sorted(tops)[:10])}{', …' if len(tops) > 10 else ''})")
        return VerifyResult(False, problems, None)
    top = tops.pop()
    man_name = f"{top}/{manifest_mod.MANIFEST}"
    if man_name not in entries:
        problems.append(f"{man_name} is missing")
        return VerifyResult(False, problems, None)
    try:
        manifest = _read_manifest(zip_path, entries[man_name])
    except BadInput as exc:
        problems.append(f"manifest.json is not one this app writes: {exc}")
        return VerifyResult(False, problems, None)
    problems += _header_problems(manifest, top, entries)
    problems += _content_problems(zip_path, manifest, entries, man_name)
    inner = [n[len(top) + 1:] for n in entries if n != man_name]
    checks = checklist_from_paths(inner, manifest)
    if checks != manifest["checklist"]:
        problems.append("the manifest's checklist does not match the files in the zip")
    return VerifyResult(not problems, problems, manifest, checks)


def ok_sentence() -> str:
    """What an OK verdict means, in one sentence (CLI and agent view)."""
    return f"OK means: {OK_PROVES}; {OK_DOES_NOT_PROVE}."
