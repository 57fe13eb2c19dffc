"""Bisq log files: which files they are, their time span, and a read-only snapshot copy.

Only these names are ever opened (facts.md section 2): `bisq.log`, `bisq_<n>.log` in the data dir root, and for
Bisq 2 `tor/debug.log`. The allow-list is the privacy boundary: wallets, keys, Tor keys, db/, config files and
backups are never opened, so they cannot leak. What is read is decided on the file actually opened
(`open_log`): no link is followed (a symlinked log or a symlinked `tor/` folder is skipped), it must be a regular
text file and not another name of a secret file. Every log that is not collected is listed with its reason.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import BinaryIO

from redactor.bisq.secrets import LOG_NAME, SNIFF_BYTES, SecretIndex, binary_kind
from redactor.fsutil import RefusedInput, is_link, open_beneath

log = logging.getLogger(__name__)

BISQ2_TOR_LOG = Path("tor") / "debug.log"
# `MMM-dd HH:mm:ss.SSS`; the month follows the JVM locale, so accept any short word.
TIMESTAMP = re.compile(rb"^(\S{2,12}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) ")
# Tor's own format in Bisq 2's tor/debug.log: `Aug 04 11:19:30.000 [notice]`.
TOR_TIMESTAMP = re.compile(rb"^(\w{3} \d{2} \d{2}:\d{2}:\d{2}\.\d{3}) \[")
_EDGE_BYTES = 64 * 1024
COPY_CHUNK = 1 << 20
# Bisq's logback rolls a log at 10 MB (facts.md section 2), so a bigger file is not one Bisq wrote as it is;
# room for a late roll, and of a bigger file only its newest MAX_LOG_BYTES are read (time and memory bounded).
MAX_LOG_BYTES = 64 << 20
# Bisq keeps bisq.log and bisq_1..bisq_20 (facts.md section 2); room to spare. With MAX_LOG_BYTES it bounds a
# bundle's logs to about 2 GiB, so no log member needs zip64.
MAX_LOG_FILES = 32
_MAX_LINE_SKIP = 1 << 20  # where a cut file's kept part starts: after the first newline within this many bytes


@dataclass(frozen=True)
class LogFile:
    path: Path
    size: int
    mtime: float
    first_timestamp: str | None
    last_timestamp: str | None
    root: Path | None = None  # the folder it was listed in (links below it are never followed)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Skipped:
    """A log file that is not collected: its name in the bundle and why (a sentence clause)."""

    name: str
    reason: str


@dataclass(frozen=True)
class LogScan:
    files: tuple[LogFile, ...]
    skipped: tuple[Skipped, ...] = field(default=())


def is_log_name(name: str) -> bool:
    return LOG_NAME.match(name) is not None


def _order(path: Path) -> int:
    """Newest first: bisq.log, bisq_1.log (newest rolled), ..., bisq_20.log (oldest)."""
    m = LOG_NAME.match(path.name)
    return int(m.group(1)) if m and m.group(1) else 0


def _candidates(data_dir: Path, bisq_version: int) -> tuple[list[Path], list[Skipped]]:
    """Allow-listed names present in `data_dir` (lstat only, nothing opened), and the ones that are links."""
    paths: list[Path] = []
    skipped: list[Skipped] = []
    for entry in os.scandir(data_dir):
        if not is_log_name(entry.name):
            continue
        try:
            st = os.lstat(entry.path)
        except OSError as exc:
            skipped.append(Skipped(entry.name, exc.strerror or type(exc).__name__))
            continue
        if is_link(st):
            skipped.append(Skipped(entry.name, "it is a symbolic link (links are never followed)"))
        else:
            paths.append(Path(entry.path))  # a folder or FIFO is refused when opened, with its reason
    paths.sort(key=_order)
    for extra in paths[MAX_LOG_FILES:]:
        skipped.append(Skipped(extra.name, f"Bisq keeps bisq.log and 20 rolled logs, so only the {MAX_LOG_FILES} "
                                           "newest are collected"))
    del paths[MAX_LOG_FILES:]
    if bisq_version == 2:
        tor = data_dir / BISQ2_TOR_LOG.parent
        try:
            if is_link(os.lstat(tor)):
                skipped.append(Skipped(output_name(data_dir / BISQ2_TOR_LOG, data_dir),
                                       "the folder tor is a symbolic link (links are never followed)"))
            elif os.path.lexists(data_dir / BISQ2_TOR_LOG):
                paths.append(data_dir / BISQ2_TOR_LOG)
        except OSError:
            pass  # no tor/ folder: nothing to collect
    return paths, skipped


def scan_log_files(data_dir: Path, bisq_version: int = 1, index: SecretIndex | None = None) -> LogScan:
    """The collectable logs of `data_dir`, newest first, and every allow-listed name that is not collectable
    with its reason."""
    data_dir = Path(data_dir)
    try:
        paths, skipped = _candidates(data_dir, bisq_version)
    except OSError as exc:
        log.warning("cannot list %s: %s", data_dir, exc)
        return LogScan(())
    if paths and index is None:
        index = SecretIndex.build(data_dir)
    files = []
    for p in paths:
        try:
            files.append(describe(p, data_dir, index))
        except RefusedInput as exc:
            skipped.append(Skipped(output_name(p, data_dir), exc.reason))
        except OSError as exc:
            skipped.append(Skipped(output_name(p, data_dir), exc.strerror or type(exc).__name__))
    return LogScan(tuple(files), tuple(skipped))


def list_log_files(data_dir: Path, bisq_version: int = 1) -> list[LogFile]:
    return list(scan_log_files(data_dir, bisq_version).files)


def open_log(path: Path, root: Path | None = None, index: SecretIndex | None = None) -> BinaryIO:
    """Open a log for reading after the checks that decide on the opened file itself: no link at or below
    `root` (default: the log's folder), a regular text file, not another name of a secret file in `index`.
    Raises RefusedInput (with `.reason`) or OSError."""
    path = Path(path)
    if root is None or not path.is_relative_to(root) or path == root:
        root = path.parent
    fh = open_beneath(root, PurePath(path.relative_to(root)))
    try:
        reason = index.refusal(os.fstat(fh.fileno())) if index is not None else None
        if reason is None:
            kind = binary_kind(fh.read(SNIFF_BYTES))
            fh.seek(0)
            if kind is not None:
                reason = f"it is not a text log (it looks like {kind})"
        if reason is not None:
            raise RefusedInput(path, reason)
    except BaseException:
        fh.close()
        raise
    return fh


def describe(path: Path, root: Path | None = None, index: SecretIndex | None = None) -> LogFile:
    """Size, time and first/last timestamp of a log, read through `open_log` (so RefusedInput or OSError)."""
    with open_log(path, root, index) as fh:
        st = os.fstat(fh.fileno())
        first = last = None
        try:
            head = fh.read(_EDGE_BYTES)
            if st.st_size > _EDGE_BYTES:
                fh.seek(max(0, st.st_size - _EDGE_BYTES))
            tail = fh.read(_EDGE_BYTES) if st.st_size > _EDGE_BYTES else head
            first = _first_timestamp(head.splitlines())
            last = _first_timestamp(reversed(tail.splitlines()))
        except OSError as exc:
            log.warning("cannot read %s: %s", path, exc)
    return LogFile(path=path, size=st.st_size, mtime=st.st_mtime, first_timestamp=first, last_timestamp=last,
                   root=root)


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
    size: int = 0  # the source's size when it was opened
    start: int = 0  # where the copy starts in the source: > 0 when only the newest MAX_LOG_BYTES were kept

    @property
    def cut(self) -> bool:
        return self.start > 0


def tail_start(fh: BinaryIO, size: int, limit: int | None = None) -> int:
    """Where to start reading a log so that at most `limit` (default MAX_LOG_BYTES) bytes are read: 0, or just
    after the first newline past `size - limit` (so the kept part starts on a whole line). Leaves `fh` there."""
    limit = MAX_LOG_BYTES if limit is None else limit
    if size <= limit:
        fh.seek(0)
        return 0
    start = size - limit
    fh.seek(start)
    probe = fh.read(min(_MAX_LINE_SKIP, limit))
    nl = probe.find(b"\n")
    start += nl + 1 if nl >= 0 else 0
    fh.seek(start)
    return start


def iter_line_blocks(fh: BinaryIO, block: int = COPY_CHUNK * 4, max_carry: int = _MAX_LINE_SKIP) -> Iterator[bytes]:
    """`fh`'s bytes from where it stands, in blocks of about `block` that end after a newline; a line longer
    than `max_carry` is cut (bounded memory on any input)."""
    carry = b""
    while chunk := fh.read(block):
        data = carry + chunk
        cut = data.rfind(b"\n") + 1
        if len(data) - cut > max_carry:
            cut = len(data)
        if cut:
            yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def snapshot(log_file: Path, dest: Path, *, root: Path | None = None, index: SecretIndex | None = None,
             limit: int | None = None) -> Snapshot:
    """Copy a log while Bisq may still append to it: read, from the handle `open_log` checked, up to the size
    seen at the start, so the copy ends on what existed when the user pressed the button, and never lock or
    modify the source. Of a log over `limit` (default MAX_LOG_BYTES) only the newest part is copied
    (`Snapshot.cut`).
    Raises RefusedInput or OSError when it is not collected; the caller reports it and goes on."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open_log(log_file, root, index) as src:
        st = os.fstat(src.fileno())
        start = tail_start(src, st.st_size, limit)
        copied = 0
        with dest.open("wb") as dst:
            while start + copied < st.st_size:
                chunk = src.read(min(COPY_CHUNK, st.st_size - start - copied))
                if not chunk:  # truncated or rotated under us: keep what we have
                    break
                dst.write(chunk)
                copied += len(chunk)
    os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))  # the bundle's time is "inputs as of"
    return Snapshot(source=log_file, copy=dest, bytes=copied, size=st.st_size, start=start)
