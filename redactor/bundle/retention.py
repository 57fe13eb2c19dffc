"""(Agents) The 30-day retention: `close` records when a case was closed, `purge` deletes cases closed long ago.

A closed case gets a marker file beside it, `<case name>.case-closed` (JSON: case name and closing time, UTC).
Beside, not inside: a zip cannot change without breaking its hashes, and the same rule then works for case
folders. Cases without a marker are never purged; `purge` is a dry run unless told otherwise.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redactor.bundle.zipio import iso, parse_iso
from redactor.errors import BadInput, OutputError
from redactor.fsutil import write_bytes_atomic

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".case-closed"


def marker_path(case_path: Path) -> Path:
    return case_path.with_name(case_path.name + MARKER_SUFFIX)


def closed_at(case_path: Path) -> datetime | None:
    """When the case was closed, or None when it is open (or its marker is unreadable: then keep it)."""
    marker = marker_path(case_path)
    try:
        return parse_iso(json.loads(marker.read_text(encoding="utf-8"))["closed"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable marker %s: %s", marker, exc)
        return None


def close_case(case_path: Path, *, now: datetime | None = None) -> Path:
    """Mark the case (a bundle zip or a case folder) closed now; returns the marker. Closing twice keeps the
    first closing time, so the 30 days cannot be restarted by accident."""
    case_path = Path(case_path)
    if not case_path.exists():
        raise BadInput(f"No case at {case_path}.")
    marker = marker_path(case_path)
    if closed_at(case_path) is not None:
        log.info("%s was already closed", case_path.name)
        return marker
    moment = now or datetime.now(UTC)
    data = json.dumps({"case": case_path.name, "closed": iso(moment)}, indent=2) + "\n"
    write_bytes_atomic(marker, data.encode())
    return marker


def purge_cases(root: Path, *, after_days: int = 30, dry_run: bool = True,
                now: datetime | None = None) -> list[Path]:
    """Cases in `root` closed at least `after_days` ago: listed, and deleted (with their marker) unless
    `dry_run`. Returns those cases."""
    root = Path(root)
    if not root.is_dir():
        raise BadInput(f"No folder at {root}.")
    moment = now or datetime.now(UTC)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    due: list[Path] = []
    for marker in sorted(root.glob("*" + MARKER_SUFFIX)):
        case = marker.with_name(marker.name[:-len(MARKER_SUFFIX)])
        when = closed_at(case)
        if when is None or moment - when < timedelta(days=after_days):
            continue
        due.append(case)
        if dry_run:
            continue
        try:
            if case.is_dir() and not case.is_symlink():
                shutil.rmtree(case)
            else:
                case.unlink(missing_ok=True)
            marker.unlink()
        except OSError as exc:
            raise OutputError(f"Could not delete {case.name}: {exc.strerror or exc}") from exc
    return due
