"""Find Bisq 1 and Bisq 2 data directories on Windows, macOS and Linux.

Bisq puts its data in `<userDataDir>/<appName>` (facts.md section 1): `%APPDATA%`, `~/Library/Application
Support` or `~/.local/share`, with app name `Bisq` or `Bisq2` unless the user renamed it (`--appName`,
`--app-name`). We look at the defaults, at any folder in the user data dir that looks like a renamed Bisq,
and at folders the user names. Only the allow-listed log files inside are opened (logfiles.open_log).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath

from redactor.bisq.logfiles import LogFile, Skipped, scan_log_files
from redactor.errors import DataDirNotFound

log = logging.getLogger(__name__)

BISQ1_NETWORK_DIRS = ("btc_mainnet", "btc_testnet", "btc_regtest", "btc_dao_testnet", "btc_dao_betanet",
                      "btc_dao_regtest")


@dataclass(frozen=True)
class DataDir:
    path: Path
    bisq_version: int  # 1 or 2
    how_found: str  # "default", "renamed app", "given"
    log_files: tuple[LogFile, ...] = field(default=())
    skipped_logs: tuple[Skipped, ...] = field(default=())  # log names present but not collected, with why

    @property
    def app_name(self) -> str:
        return self.path.name

    @property
    def total_log_bytes(self) -> int:
        return sum(f.size for f in self.log_files)


@dataclass(frozen=True)
class LocateResult:
    found: tuple[DataDir, ...]
    searched: tuple[Path, ...]

    def best(self) -> DataDir:
        """The directory to use when the user did not choose: the one with the newest log."""
        if not self.found:
            raise DataDirNotFound(not_found_message(self.searched))
        return max(self.found, key=lambda d: max((f.mtime for f in d.log_files), default=0.0))


def user_data_dir(platform: str, env: Mapping[str, str], home: PurePath) -> PurePath:
    """Bisq's `Utilities.getUserDataDir()` / Bisq 2's `PlatformUtils.getUserDataDirPath()`."""
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        # Keep the flavour of `home`, so tests can fake a Windows layout on any OS.
        return type(home)(appdata) if appdata else home / "AppData" / "Roaming"
    if platform == "darwin":
        return home / "Library" / "Application Support"
    return home / ".local" / "share"


def default_candidates(platform: str, env: Mapping[str, str], home: PurePath) -> list[PurePath]:
    base = user_data_dir(platform, env, home)
    candidates = [base / "Bisq", base / "Bisq2"]
    # Bisq ignores XDG_DATA_HOME, but distro packages (Flatpak, Snap wrappers) sometimes set it.
    xdg = env.get("XDG_DATA_HOME")
    if not platform.startswith("win") and platform != "darwin" and xdg:
        candidates += [PurePosixPath(xdg) / "Bisq", PurePosixPath(xdg) / "Bisq2"]
    return candidates


def detect_version(path: Path) -> int | None:
    """1 or 2 if `path` looks like a Bisq data directory, else None. Only names are looked at."""
    try:
        names = {p.name for p in path.iterdir()}
    except OSError:
        return None
    if names & set(BISQ1_NETWORK_DIRS) or "bisq.properties" in names:
        return 1
    if "bisq.conf" in names or ("db" in names and ("tor" in names or "i2p" in names)):
        return 2
    if "bisq.log" in names:
        return 2 if "2" in path.name else 1
    return None


def _looks_renamed(name: str) -> bool:
    return "bisq" in name.lower()


def locate(
    given: Iterable[Path] = (),
    *,
    platform: str | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> LocateResult:
    """Every Bisq data directory we can find. `given` folders are checked first and reported even if
    they hold no Bisq marker but do hold log files (a copied log folder is a valid source)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = home or Path.home()

    found: list[DataDir] = []
    searched: list[Path] = []
    seen: set[Path] = set()

    def consider(path: Path, how: str, require_marker: bool) -> None:
        searched.append(path)
        try:
            key = path.resolve()
        except OSError:
            key = path
        if key in seen or not path.is_dir():
            return
        version = detect_version(path)
        scan = scan_log_files(path, bisq_version=version or 1)
        if version is None and (require_marker or not (scan.files or scan.skipped)):
            return
        seen.add(key)
        found.append(DataDir(path=path, bisq_version=version or 1, how_found=how, log_files=scan.files,
                             skipped_logs=scan.skipped))

    for path in given:
        consider(Path(path).expanduser(), "given", require_marker=False)
    for candidate in default_candidates(platform, env, home):
        consider(Path(candidate), "default", require_marker=True)
    base = Path(user_data_dir(platform, env, home))
    try:
        siblings = sorted(p for p in base.iterdir() if p.is_dir() and _looks_renamed(p.name))
    except OSError:
        siblings = []
    for path in siblings:
        consider(path, "renamed app", require_marker=True)
    if base not in searched:
        searched.append(base)
    log.debug("located %d Bisq data dirs", len(found))
    return LocateResult(found=tuple(found), searched=tuple(searched))


_OWN_MARKERS = ("bisq.properties", "bisq.conf") + BISQ1_NETWORK_DIRS


def containing_data_dir(path: Path, *, resolve: bool = True) -> Path | None:
    """The Bisq data directory that `path` would be written into, if any (only names are looked at).
    `resolve=False` for a path that is already real (an opened file's): resolving it again could follow a
    link swapped in since."""
    try:
        resolved = Path(path).resolve() if resolve else Path(os.path.abspath(path))
    except OSError:
        resolved = Path(os.path.abspath(path))
    for folder in resolved.parents:
        try:
            if any((folder / m).exists() for m in _OWN_MARKERS) or (
                    (folder / "db").is_dir() and ((folder / "tor").is_dir() or (folder / "i2p").is_dir())):
                return folder
        except OSError:
            continue
    return None


def not_found_message(searched: Iterable[Path]) -> str:
    where = ", ".join(str(p) for p in searched)
    return (
        f"No Bisq data directory found (looked in: {where}). "
        "If Bisq keeps its data elsewhere, pass the folder with --data-dir "
        "(in Bisq: Account > Backup shows the data directory)."
    )
