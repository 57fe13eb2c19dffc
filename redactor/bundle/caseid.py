"""(Agents) What counts as a case, and deleting one without touching anything the app did not make.

A case is a bundle or case zip that verifies, or a case folder: `<folder>/<tradeId>/manifest.json` with the
app's manifest shape, its trade ID naming the one subfolder that holds a manifest, every listed path a safe name
inside it. Deleting a folder case removes only the files its manifest lists and the folders that end up empty,
never following a link (on POSIX every step is opened relative to its parent with O_NOFOLLOW).
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from redactor.bundle import limits
from redactor.bundle import manifest as manifest_mod
from redactor.bundle.verify import verify_bundle
from redactor.bundle.zipio import name_problem
from redactor.errors import BadInput

log = logging.getLogger(__name__)

MAX_KEPT_LISTED = 20  # files the app did not make, named one by one in a purge report; the rest are counted
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_AT_SUPPORTED = os.unlink in os.supports_dir_fd and os.rmdir in os.supports_dir_fd and bool(_NOFOLLOW)


@dataclass(frozen=True)
class Found:
    kind: str  # "zip" or "folder"
    trade_id: str
    files: tuple[str, ...] = field(default=())  # folder cases: paths relative to the folder, manifest included


_REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: Windows junctions and symlinks


def is_link(st: os.stat_result) -> bool:
    """A symbolic link, or on Windows any reparse point (junction, mount point): never followed."""
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0) & _REPARSE_POINT)


def plain_name(name: str) -> bool:
    """A name of one directory entry: not empty, not `.`/`..`, no separator (the marker names its case)."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def _not_a_case(path: Path) -> BadInput:
    return BadInput(f"{path.name or path} is not a case: the app closes and purges only bundle zips that "
                    "verify and case folders holding <trade ID>/manifest.json.")


def _folder_manifest(path: Path) -> tuple[str, dict[str, object]]:
    subs = []
    with os.scandir(path) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False) and os.path.lexists(Path(entry.path) / manifest_mod.MANIFEST):
                subs.append(entry.name)
    if len(subs) != 1:
        raise _not_a_case(path)
    man = path / subs[0] / manifest_mod.MANIFEST
    st = os.lstat(man)
    if is_link(st) or not stat.S_ISREG(st.st_mode) or st.st_size > limits.MAX_MANIFEST_BYTES:
        raise _not_a_case(path)
    try:
        manifest = manifest_mod.load(man.read_bytes())
    except BadInput as exc:
        raise BadInput(f"{path.name} is not a case: its manifest is not one the app writes ({exc}).") from exc
    return subs[0], manifest


def recognise(path: Path) -> Found:
    """What kind of case `path` is, or BadInput saying it is none (a home folder, a stray file, a link)."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise BadInput(f"No case at {path}.") from exc
    if is_link(st):
        raise BadInput(f"{path.name} is a link, not a case.")
    if stat.S_ISREG(st.st_mode):
        result = verify_bundle(path)
        if not result.ok or result.manifest is None:
            reason = result.problems[0] if result.problems else "it does not verify"
            raise BadInput(f"{path.name} is not a case the app made ({reason}).")
        return Found("zip", str(result.manifest["trade_id"]))
    if not stat.S_ISDIR(st.st_mode):
        raise _not_a_case(path)
    try:
        top, manifest = _folder_manifest(path)
    except OSError as exc:
        raise _not_a_case(path) from exc
    files = manifest["files"]
    assert isinstance(files, list)  # check_shape made sure
    paths = [str(f["path"]) for f in files]
    if manifest["trade_id"] != top or any(name_problem(p) or not p.startswith(f"{top}/") for p in paths):
        raise _not_a_case(path)
    return Found("folder", top, tuple(paths) + (f"{top}/{manifest_mod.MANIFEST}",))


def delete(case: Path, found: Found) -> list[Path]:
    """Delete the case; returns what stayed because the app did not make it (at most MAX_KEPT_LISTED paths,
    then the folder itself standing for the rest). Raises OSError when a file the app made cannot go."""
    if found.kind == "zip":
        os.unlink(case)
        return []
    for rel in found.files:
        _unlink_inside(case, rel.split("/"))
    _remove_empty_dirs(case)
    if not os.path.lexists(case):
        return []
    kept = [Path(d) / n for d, dirs, names in os.walk(case) for n in names + [x for x in dirs
                                                                              if os.path.islink(Path(d) / x)]]
    return kept[:MAX_KEPT_LISTED] + ([case] if len(kept) > MAX_KEPT_LISTED else [])


@contextmanager
def _dir_fd(path: Path) -> Iterator[int]:
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _DIRECTORY)
    try:
        yield fd
    finally:
        os.close(fd)


def _unlink_inside(case: Path, parts: list[str]) -> None:
    """Remove case/parts[0]/.../parts[-1] if it is a regular file reached through real folders only."""
    if _AT_SUPPORTED:
        with _dir_fd(case) as fd:
            fds = [fd]
            try:
                for part in parts[:-1]:
                    fds.append(os.open(part, os.O_RDONLY | _NOFOLLOW | _DIRECTORY, dir_fd=fds[-1]))
                st = os.stat(parts[-1], dir_fd=fds[-1], follow_symlinks=False)
                if stat.S_ISREG(st.st_mode):
                    os.unlink(parts[-1], dir_fd=fds[-1])
            except (FileNotFoundError, NotADirectoryError):
                return  # gone already, or a link where a folder was: not followed
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link: never followed
                    return
                raise
            finally:
                for extra in fds[1:]:
                    os.close(extra)
        return
    path = case  # Windows: no dir_fd; every step is checked just before it is used
    try:
        for part in parts[:-1]:
            path = path / part
            st = os.lstat(path)
            if is_link(st) or not stat.S_ISDIR(st.st_mode):
                return
        target = path / parts[-1]
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode) and not is_link(st):
        os.unlink(target)


def _remove_empty_dirs(case: Path) -> None:
    for d, dirs, _names in os.walk(case, topdown=False):
        for x in dirs:
            sub = Path(d) / x
            if not is_link(os.lstat(sub)):
                try:
                    os.rmdir(sub)
                except OSError:
                    pass  # not empty: holds something the app did not make
    try:
        os.rmdir(case)
    except OSError:
        pass
