"""Which logs go into a bundle and how they are read: the data dir's allow-listed logs (or the ones the GUI
lists), each copied from the handle that passed logfiles.open_log's checks into a private folder, every one
left out reported with its reason; and the Bisq version and OS from their startup lines, read in bounded blocks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redactor.bisq import logfiles
from redactor.bisq.datadir import detect_version
from redactor.bisq.logfiles import Skipped, Snapshot, iter_line_blocks, output_name, scan_log_files, snapshot
from redactor.bisq.secrets import SecretIndex
from redactor.bundle.case import Case
from redactor.errors import BadInput
from redactor.fsutil import RefusedInput

log = logging.getLogger(__name__)

# Bisq 1 `Version{VERSION=1.10.4, ...}`; Bisq 2 `Version: v2.1.7 / Commit hash: ...` (facts.md section 2).
_VERSION = re.compile(rb"Version\{VERSION=([0-9][0-9A-Za-z.\-]{0,20})|(?<!Tor )Version: v([0-9][0-9A-Za-z.\-]{0,20})")
_SYSINFO = re.compile(rb"System info: os\.name=([^;\r\n]{1,60}); os\.version=([^;\r\n]{1,60}); "
                      rb"os\.arch=([^;\r\n]{1,30})")


@dataclass(frozen=True)
class LogSource:
    path: Path
    root: Path  # the folder it was listed in: no link below it is followed
    name: str  # its name in the bundle


def log_sources(case: Case) -> tuple[list[LogSource], list[Skipped]]:
    """Every log to include, and the allow-listed ones found in the data dir that cannot be (with why)."""
    data_dir = Path(case.data_dir) if case.data_dir is not None else None
    skipped: list[Skipped] = []
    files: list[Path] = []
    if data_dir is not None:  # also when the GUI lists the files: what it left out is reported all the same
        scan = scan_log_files(data_dir, detect_version(data_dir) or 1)
        files = [f.path for f in scan.files]
        skipped = list(scan.skipped)
    if case.log_files is not None:
        files = [Path(p) for p in case.log_files]
        given = {output_name(f, f.parent) for f in files}
        skipped = [s for s in skipped if s.name not in given]  # those are decided when they are copied
    out = []
    seen: set[str] = set()
    for f in files:
        root = data_dir if data_dir is not None and f.is_relative_to(data_dir) and f != data_dir else f.parent
        name = output_name(f, root)
        if name in seen:
            raise BadInput(f"Two log files are both named {name}; choose logs from one Bisq data directory.")
        seen.add(name)
        out.append(LogSource(f, root, name))
    return out, skipped


def snapshot_logs(sources: Sequence[LogSource], dest: Path, report: dict[str, Any],
                   step: Callable[[str, float], None]) -> list[Snapshot]:
    """Copy each log from the handle that passed the checks (logfiles.open_log) into `dest`; a refused or
    unreadable one goes to report["skipped"], a cut one (over MAX_LOG_BYTES) to report["cut"]."""
    indexes: dict[Path, SecretIndex] = {}  # one walk per folder, for the hard-link check
    snaps: list[Snapshot] = []
    for i, src in enumerate(sources):
        step("copying logs", 0.1 * i / max(1, len(sources)))
        index = indexes.get(src.root) or indexes.setdefault(src.root, SecretIndex.build(src.root))
        try:
            snap = snapshot(src.path, dest / src.name, root=src.root, index=index)
        except RefusedInput as exc:
            log.warning("not collecting %s: %s", src.name, exc.reason)
            report["skipped"].append({"file": src.name, "reason": exc.reason})
            continue
        except OSError as exc:
            log.warning("cannot read %s: %s", src.path, exc)
            report["skipped"].append({"file": src.name, "reason": exc.strerror or type(exc).__name__})
            continue
        if snap.cut:
            report.setdefault("cut", []).append({
                "file": src.name, "bytes": snap.size, "kept_bytes": snap.bytes,
                "reason": f"only its newest {logfiles.MAX_LOG_BYTES >> 20} MB were collected: Bisq rolls its logs "
                          "at 10 MB, so a bigger file is not one Bisq wrote"})
        snaps.append(snap)
    return snaps


def collection_notes(report: dict[str, Any]) -> list[str]:
    """Sentences for the trader (and the CLI/GUI "missing" list): every log not collected, or only in part."""
    notes = [f"the log {s['file']} (not collected: {s['reason']})" for s in report.get("skipped", [])]
    notes += [f"the start of the log {c['file']} ({c['reason']})" for c in report.get("cut", [])]
    return notes


# Bisq writes its startup lines (version, OS) once per start, so a version line is one short line.
_FACTS_BLOCK = 4 << 20


def bisq_facts(raw_logs: Sequence[Path]) -> dict[str, str]:
    """Bisq version and OS from the startup lines (the last start in the newest log that has them; facts.md
    section 2), read in line-bounded blocks: memory stays flat in the size of a log."""
    facts: dict[str, str] = {}
    for p in raw_logs:
        version: tuple[bytes, bytes] | None = None
        sysinfo: tuple[bytes, bytes, bytes] | None = None
        try:
            with Path(p).open("rb") as fh:
                for block in iter_line_blocks(fh, _FACTS_BLOCK):
                    if "version" not in facts:
                        version = (_VERSION.findall(block) or [version])[-1]
                    if "os" not in facts:
                        sysinfo = (_SYSINFO.findall(block) or [sysinfo])[-1]
        except OSError:
            continue
        if version is not None:
            facts["version"] = (version[0] or version[1]).decode("ascii", "replace")
        if sysinfo is not None:
            name, ver, arch = (x.decode("utf-8", "replace").strip() for x in sysinfo)
            facts["os"] = f"{name} {ver} ({arch})"
        if len(facts) == 2:
            break
    return facts
