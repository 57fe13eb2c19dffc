"""What is secret in and around a Bisq data directory, and the checks a file the app opened must pass.

The log allow-list (logfiles.py) decides which names are opened; these checks decide on the file that was
actually opened: not a second name (hard link) of a wallet, key, Tor, db or config file (`SecretIndex`), not a
binary file (`binary_kind`: a wallet, a key, a database is never a text log), and, for files the user names on
the command line, not a secret by name or by location inside a data directory (`secret_location`).
Facts: facts.md section 1 (wallet/, keys/, tor/hiddenservice/, db/, bisq.properties; Bisq 2 db/private/, tor/,
i2p/, bisq.conf, pairing_qr_code.txt, <tag>_onionAddress.txt).
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from redactor.fsutil import ALIAS_MAGIC, is_link

log = logging.getLogger(__name__)

LOG_NAME = re.compile(r"^bisq(?:_(\d{1,4}))?\.log$")  # Bisq's logback names (facts.md section 2)
# Files that hold keys, passwords or wallets, wherever they are (a copy outside the data dir is still one).
SECRET_NAMES = frozenset({
    "bisq.properties", "bisq.conf", "sig.key", "enc.key", "private_key", "hs_ed25519_secret_key",
    "hs_ed25519_public_key", "hostname", "tls_keystore.p12", "pairing_qr_code.txt", "torrc",
})
SECRET_SUFFIXES = (".wallet", ".wallet.backup", ".spvchain", ".key", ".p12", ".keystore", "_onionAddress.txt")
# A data dir's folders that hold nothing but secrets and stores (Bisq 1 under <network>/, Bisq 2 at the root).
SECRET_DIRS = frozenset({"wallet", "keys", "tor", "db", "i2p", "backups", "backup", "hiddenservice"})
# Walking the data dir for hard links: a Bisq data dir holds a few hundred files; a home folder given by
# mistake could hold millions, so stop here and treat any multi-named log as unchecked.
MAX_INDEX_ENTRIES = 20_000
SNIFF_BYTES = 8192  # the head looked at for a binary signature
# Control bytes (other than tab, newlines, form feed, ESC) in a text log are ~0; in a wallet, key or database
# (protobuf, DER, random key bytes) they are ~10 %. Runs of NUL (a sparse or crash-damaged log) do not count.
MAX_CONTROL_RATIO = 0.02
_NUL_RUN = 16
_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"SQLite format 3\x00", "an SQLite database"),
    (ALIAS_MAGIC, "a macOS alias"),
    (b"== ed25519v1-", "a Tor key"),
    (b"\xfe\xed\xfe\xed", "a Java key store"),
    (b"PK\x03\x04", "a zip file"),
    (b"\x1f\x8b", "a compressed file"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"


def binary_kind(head: bytes) -> str | None:
    """What `head` (the first bytes of a file) is when it is not text: "a bitcoin wallet", "an SQLite
    database", ... or "a binary file"; None for text (also for an empty file or one that is only NUL bytes)."""
    for magic, kind in _MAGICS:
        if head.startswith(magic):
            return kind
    if head[:1] == b"\n" and head[2:14] == b"org.bitcoin.":  # bitcoinj wallet protobuf: network id first
        return "a bitcoin wallet"
    sample = head[:SNIFF_BYTES]
    while (run := sample.find(b"\x00" * _NUL_RUN)) >= 0:  # drop NUL runs: sparse regions are not content
        end = run
        while end < len(sample) and sample[end] == 0:
            end += 1
        sample = sample[:run] + sample[end:]
    if not sample:
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return "a binary file" if controls > MAX_CONTROL_RATIO * len(sample) else None


def secret_name(name: str) -> bool:
    return name in SECRET_NAMES or name.endswith(SECRET_SUFFIXES)


def is_log_location(rel: PurePath) -> bool:
    """A data-dir-relative path the log allow-list names: `bisq[_n].log` at the root, `tor/debug.log`."""
    parts = rel.parts
    if len(parts) == 1:
        return LOG_NAME.match(parts[0]) is not None
    return parts == ("tor", "debug.log")


def secret_location(rel: PurePath) -> bool:
    """True for a path inside a data dir that lies in a secret folder or has a secret name."""
    return secret_name(rel.name) or any(p in SECRET_DIRS for p in rel.parts[:-1])


@dataclass
class SecretIndex:
    """Identity (st_dev, st_ino) of every file in a data dir that is not an allow-listed log, to refuse a log
    that is another name of one of them. `complete` is False when the walk stopped at MAX_INDEX_ENTRIES."""

    root: Path
    ids: dict[tuple[int, int], str] = field(default_factory=dict)
    complete: bool = True

    @classmethod
    def build(cls, root: Path, limit: int = MAX_INDEX_ENTRIES) -> SecretIndex:
        index = cls(Path(root))
        pending: list[PurePath] = [PurePath()]
        seen = 0
        while pending:
            rel_dir = pending.pop()
            try:
                entries = list(os.scandir(index.root / rel_dir))
            except OSError as exc:
                log.debug("cannot list %s: %s", rel_dir, exc)
                continue
            for entry in entries:
                seen += 1
                if seen > limit:
                    index.complete = False
                    return index
                rel = rel_dir / entry.name
                try:
                    st = os.lstat(entry.path)  # DirEntry.stat has no inode on Windows
                except OSError:
                    continue
                if is_link(st):
                    continue  # a link is never followed, so what it points at is never read either
                if stat.S_ISDIR(st.st_mode):
                    pending.append(rel)
                elif stat.S_ISREG(st.st_mode) and not is_log_location(rel):
                    index.ids[(st.st_dev, st.st_ino)] = rel.as_posix()
        return index

    def refusal(self, opened: os.stat_result) -> str | None:
        """Why the opened file must not be collected, or None."""
        twin = self.ids.get((opened.st_dev, opened.st_ino))
        if twin is not None:
            return f"it is another name (a hard link) of {twin}, which is never collected"
        if opened.st_nlink > 1 and not self.complete:
            return "it has another name (a hard link) that could not be checked"
        return None
