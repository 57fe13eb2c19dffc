"""(Agents) The 30-day retention: `close` records when a case was closed, `purge` deletes cases closed long ago.

A case is only something this app made and can recognise: a bundle or case zip whose manifest verifies, or a
case folder (`<folder>/<tradeId>/manifest.json`, e.g. an unpacked case) whose manifest has the app's shape and
whose trade ID names its one subfolder. `close` refuses anything else (a home folder, `/`, `..`).

A closed case gets a marker beside it, `<case name>.case-closed` (JSON: case name, trade ID, kind, closing
time in UTC). Beside, not inside: a zip cannot change without breaking its hashes. `purge` reads the markers in
one folder and deletes a case only when the marker is well formed, names a direct child of that folder by a
plain name, the child is no link, is still a case and its trade ID is the one the marker recorded. Of a case
folder it deletes only the files its manifest lists (and folders left empty); anything else stays, and the
report says so. Nothing without a marker is ever purged; `purge` is a dry run unless told otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redactor.bundle import caseid
from redactor.bundle.zipio import iso, parse_iso
from redactor.errors import BadInput
from redactor.fsutil import write_bytes_atomic

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".case-closed"
MAX_MARKER_BYTES = 4096  # the app writes ~150 bytes; a larger "marker" is not one of ours


@dataclass
class PurgeResult:
    """`deleted`: the cases deleted (or, in a dry run, that would be). `left`: (path, why) for every marker or
    case that was not deleted, and for files the app did not make that stayed in a purged case folder."""
    deleted: list[Path] = field(default_factory=list)
    left: list[tuple[Path, str]] = field(default_factory=list)
    waiting: list[tuple[Path, datetime]] = field(default_factory=list)  # closed, not yet due: (case, due date)


def marker_path(case_path: Path) -> Path:
    return case_path.with_name(case_path.name + MARKER_SUFFIX)


def _real_case(case_path: Path) -> Path:
    """The case's real path (its name, not `.`/`..`), refusing links, missing paths and filesystem roots."""
    case_path = Path(case_path)
    try:
        st = os.lstat(case_path)
    except OSError as exc:
        raise BadInput(f"No case at {case_path}.") from exc
    if caseid.is_link(st):
        raise BadInput(f"{case_path} is a link; close the case itself, not a link to it.")
    real = case_path.resolve()
    if real.parent == real or not real.name:
        raise BadInput(f"{case_path} is the top of a disk, not a case.")
    return real


def _read_marker(marker: Path) -> dict[str, str]:
    """The marker's fields, or BadInput saying why it is not a marker this app wrote."""
    st = os.lstat(marker)
    if caseid.is_link(st) or not stat.S_ISREG(st.st_mode):
        raise BadInput("the marker is not a regular file")
    if st.st_size > MAX_MARKER_BYTES:
        raise BadInput("the marker is larger than the app writes one")
    try:
        data = json.loads(marker.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadInput("the marker is not valid JSON") from exc
    keys = {"case", "trade_id", "kind", "closed"}
    if not (isinstance(data, dict) and set(data) == keys and all(isinstance(data[k], str) for k in keys)):
        raise BadInput("the marker does not hold the fields the app writes")
    try:
        parse_iso(data["closed"])
    except ValueError as exc:
        raise BadInput("the marker's closing time is not a UTC time") from exc
    return data


def closed_at(case_path: Path) -> datetime | None:
    """When the case was closed, or None when it is open (or its marker is not one the app wrote)."""
    marker = marker_path(Path(case_path))
    try:
        data = _read_marker(marker)
    except FileNotFoundError:
        return None
    except (OSError, BadInput) as exc:
        log.warning("ignoring marker %s: %s", marker.name, exc)
        return None
    return parse_iso(data["closed"]) if data["case"] == Path(case_path).name else None


def close_case(case_path: Path, *, now: datetime | None = None) -> Path:
    """Mark the case (a bundle zip or a case folder the app recognises) closed now; returns the marker.
    Closing twice keeps the first closing time, so the 30 days cannot be restarted by accident."""
    real = _real_case(Path(case_path))
    found = caseid.recognise(real)
    marker = marker_path(real)
    if os.path.lexists(marker):
        try:
            old = _read_marker(marker)
        except (OSError, BadInput) as exc:
            raise BadInput(f"{marker.name} exists but is not a marker the app wrote ({exc}); move it away and "
                           "close the case again.") from exc
        if (old["case"], old["trade_id"], old["kind"]) == (real.name, found.trade_id, found.kind):
            log.info("%s was already closed", real.name)
            return marker
        log.info("%s: the marker was for another case of that name; closing this one now", real.name)
    moment = now or datetime.now(UTC)
    data = {"case": real.name, "trade_id": found.trade_id, "kind": found.kind, "closed": iso(moment)}
    write_bytes_atomic(marker, (json.dumps(data, indent=2) + "\n").encode())
    return marker


def _due_case(root: Path, marker: Path, moment: datetime,
              after_days: int) -> tuple[Path, caseid.Found] | tuple[Path, datetime]:
    """(case, what it is) when due; (case, due date) when not yet; BadInput with the reason to leave it."""
    data = _read_marker(marker)
    name = marker.name[:-len(MARKER_SUFFIX)]
    if data["case"] != name or not caseid.plain_name(name):
        raise BadInput("the marker does not name a case beside it")
    case = root / name
    due = parse_iso(data["closed"]) + timedelta(days=after_days)
    if moment < due:
        return case, due
    if case.resolve().parent != root or (os.path.lexists(case) and caseid.is_link(os.lstat(case))):
        raise BadInput("the case is a link or lies outside the folder; not deleted")
    if not os.path.lexists(case):
        raise BadInput("the case is gone (the marker stays; delete it by hand if you like)")
    found = caseid.recognise(case)
    if found.kind != data["kind"] or found.trade_id != data["trade_id"]:
        raise BadInput("the case is not the one that was closed (its trade ID or kind changed)")
    return case, found


def purge_cases(root: Path, *, after_days: int = 30, dry_run: bool = True,
                now: datetime | None = None) -> PurgeResult:
    """Cases in `root` closed at least `after_days` ago: listed, and deleted (with their marker) unless
    `dry_run`, one at a time. A marker or case that cannot be deleted is reported in `left`, never raised."""
    given = Path(root)
    if os.path.lexists(given) and caseid.is_link(os.lstat(given)):
        raise BadInput(f"{given} is a link; give the folder that holds the cases.")
    if not given.is_dir():
        raise BadInput(f"No folder at {given}.")
    root = given.resolve()
    try:
        names = sorted(p.name for p in root.iterdir() if p.name.endswith(MARKER_SUFFIX))
    except OSError as exc:
        raise BadInput(f"Cannot read the folder {given}: {exc.strerror or exc}.") from exc
    moment = now or datetime.now(UTC)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    result = PurgeResult()
    for name in names:
        marker = root / name
        try:
            due = _due_case(root, marker, moment, after_days)
        except (OSError, BadInput) as exc:
            result.left.append((marker, str(exc) if isinstance(exc, BadInput) else exc.strerror or str(exc)))
            continue
        if isinstance(due[1], datetime):
            result.waiting.append((due[0], due[1]))
            continue
        case, found = due
        if dry_run:
            result.deleted.append(case)
            continue
        try:
            kept = caseid.delete(case, found)
            marker.unlink()
        except OSError as exc:
            result.left.append((case, f"could not delete it: {exc.strerror or exc}"))
            continue
        result.deleted.append(case)
        result.left += [(p, "not made by the app, so it stayed") for p in kept]
    return result
