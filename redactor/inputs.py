"""Files the user names (sanitize-log, scrub-contract, redact-image, the bundle's contract, screenshots and
description): refused when they are a secret, decided on the file actually opened, then read from that handle.

A secret is refused by name anywhere (a wallet, a key, bisq.properties, a Tor key: bisq/secrets.py), by location
(inside a Bisq data directory only its log files are ever read), by identity (a hard link of a file in a Bisq
data directory found on this computer) and by content where that is cheap (a log, a contract, a description
must be text; nothing may be a wallet, a database, a key store or a macOS alias). Links the user gave are
followed (the user chose them), but the checks apply to what they point at.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from redactor.bisq.secrets import SNIFF_BYTES, SecretIndex, binary_kind, is_log_location, secret_name
from redactor.errors import BadInput
from redactor.fsutil import READ_FLAGS, RefusedInput, fd_path

log = logging.getLogger(__name__)

LOG, CONTRACT, IMAGE, TEXT = "log", "contract", "image", "text"
_WHAT = {LOG: "a text log", CONTRACT: "a contract JSON file", IMAGE: "a screenshot", TEXT: "a text file"}
# Content kinds that are never a screenshot (images are binary, so only these signatures are looked for).
_NEVER_AN_IMAGE = frozenset({"an SQLite database", "a macOS alias", "a Tor key", "a Java key store",
                             "a bitcoin wallet"})
# What is read of each kind at most. Logs: logfiles.MAX_LOG_BYTES (newest part). A 40-megapixel screenshot as
# an uncompressed BMP is 160 MB; a contract JSON is a few KB (contract.MAX_BYTES is 20 MB); a description is typed.
MAX_IMAGE_BYTES = 256 << 20
MAX_CONTRACT_BYTES = 20 << 20
MAX_TEXT_BYTES = 4 << 20


def _real_path(fd: int, given: Path, opened: os.stat_result) -> Path:
    """Where the opened file really is: the OS's own name for the handle, else the resolved path, accepted only
    if it names the same file (so a swap between resolving and opening is caught)."""
    name = fd_path(fd)
    if name is not None and not name.startswith(("pipe:", "socket:", "anon_inode:")):
        return Path(name.removeprefix("\\\\?\\"))
    real = Path(os.path.realpath(given))
    try:
        st = os.stat(real)
    except OSError as exc:
        raise RefusedInput(given, "it was moved while it was being opened") from exc
    if (st.st_dev, st.st_ino) != (opened.st_dev, opened.st_ino):
        raise RefusedInput(given, "it was replaced while it was being opened")
    return real


def _data_dirs_for(real: Path) -> list[Path]:
    """The data directory holding `real` (if any) and every Bisq data directory found on this computer."""
    from redactor.bisq.datadir import containing_data_dir, locate

    dirs = [d for d in [containing_data_dir(real, resolve=False)] if d is not None]
    try:
        dirs += [d.path for d in locate().found]
    except OSError:
        pass
    return list(dict.fromkeys(dirs))


def _refusal(given: Path, real: Path, st: os.stat_result, kind: str) -> str | None:
    from redactor.bisq.datadir import containing_data_dir

    if secret_name(real.name) or secret_name(given.name):
        return "its name says it holds keys, passwords or a wallet, which the app never reads"
    data_dir = containing_data_dir(real, resolve=False)
    if data_dir is not None and not (kind == LOG and is_log_location(real.relative_to(data_dir))):
        return f"it is inside the Bisq data directory {data_dir}, where the app reads only the log files"
    if st.st_nlink > 1:  # a second name: is it one of a secret file's?
        for d in _data_dirs_for(real):
            reason = SecretIndex.build(d).refusal(st)
            if reason is not None:
                return f"{reason} in {d}"
    return None


def open_user_file(path: Path, kind: str) -> BinaryIO:
    """Open `path` (a LOG, CONTRACT, IMAGE or TEXT the user named) and check the opened file; the handle is
    what the caller reads. Raises RefusedInput for a secret or an unsuitable file, BadInput when unreadable."""
    path = Path(path)
    try:
        fd = os.open(path, READ_FLAGS)
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RefusedInput(path, "it is not a regular file")
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    try:
        reason = _refusal(path, _real_path(fd, path, st), st, kind)
        if reason is None:
            found = binary_kind(fh.read(SNIFF_BYTES))
            fh.seek(0)
            if found is not None and (kind != IMAGE or found in _NEVER_AN_IMAGE):
                reason = f"it is not {_WHAT[kind]} (it looks like {found})"
        if reason is not None:
            raise RefusedInput(path, reason)
    except BaseException:
        fh.close()
        raise
    return fh


def read_user_text(path: Path, limit: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of a file the user named (a description), through `open_user_file`."""
    with open_user_file(path, TEXT) as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            raise BadInput(f"{Path(path).name} is larger than {limit >> 20} MB; a description is a few lines.")
        data = fh.read(limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{Path(path).name} is not UTF-8 text; save it as UTF-8 and try again.") from exc


@contextmanager
def checked_copy(path: Path, kind: str) -> Iterator[tuple[Path, int]]:
    """A private copy (same name, same modification time) of a file the user named, made from the handle
    `open_user_file` checked; yields (copy, bytes left out). A log over logfiles.MAX_LOG_BYTES keeps its newest
    part (the second value says how much was left out); an image or contract over its limit is refused."""
    from redactor.bisq import logfiles

    path = Path(path)
    with open_user_file(path, kind) as src, tempfile.TemporaryDirectory(prefix="bisq-redactor-in-") as tmp:
        st = os.fstat(src.fileno())
        limit = {IMAGE: MAX_IMAGE_BYTES, CONTRACT: MAX_CONTRACT_BYTES}.get(kind)
        if limit is not None and st.st_size > limit:
            raise BadInput(f"{path.name} is {st.st_size / 1e6:,.0f} MB, too large to be {_WHAT[kind]}.")
        start = logfiles.tail_start(src, st.st_size) if kind == LOG else 0
        copy = Path(tmp) / path.name
        with copy.open("wb") as dst:
            while chunk := src.read(min(logfiles.COPY_CHUNK, max(0, st.st_size - src.tell()))):
                dst.write(chunk)
        os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
        yield copy, start
