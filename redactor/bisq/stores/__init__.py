"""Read the exact personal values from Bisq's own db files, read-only and in memory (issue 13).

`known_values(data_dir)` reads only the allow-listed files (`files.py`) and returns the payment data of the
trader's own accounts and of each trade (both traders'), with notes for every file it could not read: then
the flow goes on with the rules alone and says so. Nothing read here is written anywhere or logged.
"""

from __future__ import annotations

import logging
from pathlib import Path

from redactor.bisq.stores import bisq1, bisq2
from redactor.bisq.stores.files import DbFile, Unreadable, allowed, read
from redactor.bisq.stores.model import KnownValue, KnownValues
from redactor.bisq.stores.wire import WireError

__all__ = ["KnownValue", "KnownValues", "known_values", "RULES_ONLY"]

log = logging.getLogger(__name__)

RULES_ONLY = "the redaction relies on its rules alone for what that file holds"


def _read_one(f: DbFile) -> list[KnownValue]:
    data = read(f)
    if not data:
        return []  # Bisq writes an empty file for an empty store now and then
    reader = bisq1.read_store if f.bisq == 1 else bisq2.read_store
    try:
        return reader(f.name, data)
    except (WireError, RecursionError) as exc:
        raise Unreadable(f"{f.name} could not be decoded ({exc}): it may be cut off or from another Bisq "
                         "version") from exc


def known_values(data_dir: Path | None) -> KnownValues:
    """Values of every allow-listed db file under `data_dir`; never raises for a file (a note instead)."""
    out = KnownValues()
    if data_dir is None:
        return out
    files = allowed(Path(data_dir))
    if not files:
        out.notes.append("No Bisq account or trade files were found in this data folder; "
                         "the redaction relies on its rules alone.")
        return out
    for f in files:
        try:
            found = _read_one(f)
        except Unreadable as exc:
            log.warning("db file not used: %s", exc)
            out.notes.append(f"{exc}; {RULES_ONLY}.")
            continue
        except Exception as exc:  # noqa: BLE001 - a file we cannot understand must never stop the bundle
            log.warning("db file not used: %s: %s", f.name, type(exc).__name__)  # the type only: no value
            out.notes.append(f"{f.name} could not be read ({type(exc).__name__}); {RULES_ONLY}.")
            continue
        out.files_read.append(f.name)
        seen = {(v.value, v.kind, v.trade_id) for v in out.values}
        out.values += [v for v in found if (v.value, v.kind, v.trade_id) not in seen]
    log.info("known values: %s from %d files", out.counts(), len(out.files_read))
    return out
