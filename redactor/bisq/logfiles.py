"""Bisq log files: which files they are, their time span, and a read-only snapshot copy.

Only these names are ever opened (facts.md section 2): `bisq.log`, `bisq_<n>.log` in the data dir root, and for
Bisq 2 `tor/debug.log`. The allow-list is the privacy boundary: wallets, keys, Tor keys, db/, config files and
backups are never opened, so they cannot leak.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

LOG_NAME = re.compile(r"^bisq(?:_(\d{1,4}))?\.log$")
BISQ2_TOR_LOG = Path("tor") / "debug.log"
# `MMM-dd HH:mm:ss.SSS`; the month follows the JVM locale, so accept any short word.
TIMESTAMP = re.compile(rb"^(\S{2,12}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) ")
# Tor's own format in Bisq 2's tor/debug.log: `Aug 04 11:19:30.000 [notice]`.
TOR_TIMESTAMP = re.compile(rb"^(\w{3} \d{2} \d{2}:\d{2}:\d{2}\.\d{3}) \[")
_EDGE_BYTES = 64 * 1024
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class LogFile:
    path: Path
    size: int
    mtime: float
    first_timestamp: str | None
    last_timestamp: str | None

    @property
    def name(self) -> str:
        return self.path.name


def is_log_name(name: str) -> bool:
    return LOG_NAME.match(name) is not None


def _order(path: Path) -> int:
    """Newest first: bisq.log, bisq_1.log (newest rolled), ..., bisq_20.log (oldest)."""
    m = LOG_NAME.match(path.name)
    return int(m.group(1)) if m and m.group(1) else 0


def list_log_files(data_dir: Path, bisq_version: int = 1) -> list[LogFile]:
    paths = []
    try:
        entries = list(os.scandir(data_dir))
    except OSError as exc:
        log.warning("cannot list %s: %s", data_dir, exc)
        return []
    for entry in entries:
        if is_log_name(entry.name) and entry.is_file(follow_symlinks=False):
            paths.append(Path(entry.path))
    paths.sort(key=_order)
    if bisq_version == 2:
        tor_log = data_dir / BISQ2_TOR_LOG
        if tor_log.is_file() and not tor_log.is_symlink():
            paths.append(tor_log)
    return [describe(p) for p in paths]


def describe(path: Path) -> LogFile:
    st = path.stat()
    first = last = None
    try:
        with path.open("rb") as fh:
            head = fh.read(_EDGE_BYTES)
            if st.st_size > _EDGE_BYTES:
                fh.seek(max(0, st.st_size - _EDGE_BYTES))
            tail = fh.read(_EDGE_BYTES) if st.st_size > _EDGE_BYTES else head
        first = _first_timestamp(head.splitlines())
        last = _first_timestamp(reversed(tail.splitlines()))
    except OSError as exc:
        log.warning("cannot read %s: %s", path, exc)
    return LogFile(path=path, size=st.st_size, mtime=st.st_mtime, first_timestamp=first, last_timestamp=last)


def _first_timestamp(lines) -> str | None:  # type: ignore[no-untyped-def]
    for line in lines:
        m = TIMESTAMP.match(line) or TOR_TIMESTAMP.match(line)
        if m:
            return m.group(1).decode("utf-8", "replace")
    return None


def output_name(log_file: Path, data_dir: Path) -> str:
    """Name of the collected copy: the original name, `tor-debug.log` for Bisq 2's Tor log."""
    return "tor-debug.log" if log_file.name == "debug.log" and log_file.parent.name == "tor" else log_file.name


@dataclass(frozen=True)
class Snapshot:
    source: Path
    copy: Path
    bytes: int


def snapshot(log_file: Path, dest: Path) -> Snapshot:
    """Copy a log while Bisq may still append to it: read up to the size seen at the start, so the copy
    ends on what existed when the user pressed the button, and never lock or modify the source.
    Raises OSError when the file cannot be read; the caller reports it and goes on."""
    size = log_file.stat().st_size
    dest.parent.mkdir(parents=True, exist_ok=True)
    copied = 0
    with log_file.open("rb") as src, dest.open("wb") as dst:
        while copied < size:
            chunk = src.read(min(COPY_CHUNK, size - copied))
            if not chunk:  # truncated or rotated under us: keep what we have
                break
            dst.write(chunk)
            copied += len(chunk)
    shutil.copystat(log_file, dest, follow_symlinks=False)
    return Snapshot(source=log_file, copy=dest, bytes=copied)
