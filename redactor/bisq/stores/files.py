"""Which of Bisq's db files are read, and how: the allow-list is the privacy boundary for the db side, as the
log allow-list (`redactor.bisq.logfiles`) is for logs.

Read (read-only, into memory, never copied): Bisq 1 `<network>/db/` UserPayload, PendingTrades, ClosedTrades,
FailedTrades, MediationDisputeList, RefundDisputeList, DisputeList; Bisq 2 `db/private/` account_store,
bisq_easy_trade_store and mu_sig_trade_store (`.protobuf`). Never opened: wallets, keys, Tor keys, Bisq 2's
identity and key-bundle stores, bisq.properties / bisq.conf, backups (`db/backup/`, `backups/`), any other db
file. Each file is opened without following a symlink and only when it is a regular file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

# Lower-case BaseCurrencyNetwork names (facts.md §1); mainnet first.
BISQ1_NETWORKS = ("btc_mainnet", "btc_testnet", "btc_regtest", "btc_dao_testnet", "btc_dao_betanet",
                  "btc_dao_regtest")
BISQ1_DB_FILES = ("UserPayload", "PendingTrades", "ClosedTrades", "FailedTrades", "MediationDisputeList",
                  "RefundDisputeList", "DisputeList")
BISQ2_PRIVATE = Path("db") / "private"
BISQ2_DB_FILES = ("account_store.protobuf", "bisq_easy_trade_store.protobuf", "mu_sig_trade_store.protobuf")
# A heavy trader's ClosedTrades is a few MB; far beyond this a file is not one of Bisq's stores.
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class DbFile:
    path: Path
    name: str  # the allow-listed name ("UserPayload", "account_store.protobuf")
    bisq: int  # 1 or 2


class Unreadable(Exception):
    """The file exists but cannot be read; the message is a sentence for the notes."""


def allowed(data_dir: Path) -> list[DbFile]:
    """The allow-listed db files that exist under `data_dir` (as entries: nothing is opened here)."""
    data_dir = Path(data_dir)
    out = []
    for net in BISQ1_NETWORKS:
        db = data_dir / net / "db"
        out += [DbFile(db / n, n, 1) for n in BISQ1_DB_FILES if os.path.lexists(db / n)]
    private = data_dir / BISQ2_PRIVATE
    out += [DbFile(private / n, n, 2) for n in BISQ2_DB_FILES if os.path.lexists(private / n)]
    return out


def read(f: DbFile) -> bytes:
    """The whole file, opened read-only without following a symlink; Unreadable with a reason otherwise."""
    # O_NONBLOCK: a FIFO or device under a store's name must not hang the app before fstat() refuses it.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    if f.path.is_symlink():  # Windows has no O_NOFOLLOW
        raise Unreadable(f"{f.name} is a link; it was not followed")
    try:
        fd = os.open(f.path, flags)
    except OSError as exc:
        raise Unreadable(f"{f.name} could not be opened ({exc.strerror or exc}; is Bisq running?)") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(f"{f.name} is not a regular file")
        if st.st_size > MAX_BYTES:
            raise Unreadable(f"{f.name} is too large to be a Bisq store ({st.st_size // (1024 * 1024)} MB)")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(f"{f.name} could not be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
