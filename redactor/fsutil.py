"""Files, safely. Writing: temp file in the destination folder, fsync, rename; a failure leaves nothing partial
and reads as a sentence (a full disk says so). Reading from a folder the user does not control the contents of
(a Bisq data directory): `open_beneath` follows no link, opens only regular files, and hands back the handle it
checked, so a file swapped in between a check and the read is never read."""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import BinaryIO

from redactor.errors import BadInput, OutputError, UnsafeOutput


def check_output_path(output: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse an output that would replace an input or land inside a Bisq data directory (privacy invariant 1)."""
    from redactor.bisq.datadir import containing_data_dir

    def resolved(p: Path) -> Path:
        try:
            return Path(p).resolve()
        except OSError:
            return Path(os.path.abspath(p))

    out = resolved(Path(output))
    if any(out == resolved(Path(i)) for i in inputs):
        raise UnsafeOutput(f"Refusing to overwrite the input {output}; choose another output file.")
    data_dir = containing_data_dir(out)
    if data_dir is not None:
        raise UnsafeOutput(f"Refusing to write into the Bisq data directory {data_dir}; choose a folder outside it.")


def output_error(out: Path, exc: OSError) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"The disk is full: could not write {out.name}. Nothing was written; free some space "
                           "or choose another folder.")
    return OutputError(f"Could not write {out}: {exc.strerror or exc}. Nothing was written.")


def _open_fd(fd: int) -> BinaryIO:
    """The temp file's handle (a seam: tests replace it to simulate a full disk)."""
    return os.fdopen(fd, "w+b")


@contextmanager
def atomic_output(out: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A writable, seekable temp file in `out`'s folder that becomes `out` (fsync, rename) only if the block ends
    normally; on any error or interrupt it is removed. `mode` (e.g. 0o600 for private files) is applied before
    the file gets its final name, so it is never readable by others even for a moment."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as exc:
        raise output_error(out, exc) from exc
    tmp = Path(tmp_name)
    try:
        with _open_fd(fd) as fh:
            if mode is not None:
                os.chmod(tmp, mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(out, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(out: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` to `out` all at once or not at all."""
    with atomic_output(out, mode=mode) as fh:
        fh.write(data)


# --- reading inputs without following links ------------------------------------------------------------------

# A macOS Finder alias is a regular file (a bookmark) that Finder follows like a link; its first bytes say so.
ALIAS_MAGIC = b"book\x00\x00\x00\x00mark"
_REPARSE_POINT = stat.FILE_ATTRIBUTE_REPARSE_POINT  # Windows symlinks and junctions (st_file_attributes)
_NAME_SURROGATE = 0x20000000  # IsReparseTagNameSurrogate(): the reparse point stands for another named file
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
# O_NONBLOCK: a FIFO named like a log must not hang the open; it is refused right after as "not a regular file".
READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0))
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | getattr(os, "O_CLOEXEC", 0)
# Open component by component (openat) where the OS can: then no link anywhere below the root is followed.
USE_DIR_FD = bool(_NOFOLLOW and _DIRECTORY) and os.open in os.supports_dir_fd
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK, errno.ENOTDIR}  # O_NOFOLLOW on a link: ELOOP (FreeBSD: EMLINK)


class RefusedInput(BadInput):
    """A file the app will not read. `reason` is a short clause for reports ("it is a symbolic link")."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Not reading {self.path.name}: {reason}.")


def is_link(st: os.stat_result) -> bool:
    """A symlink, or on Windows a reparse point that names another file (symlink, junction, WSL link: its tag
    is a "name surrogate"), from an lstat. OneDrive placeholders are reparse points too, but hold the file
    itself; a reparse point whose tag is unknown counts as a link (fail closed)."""
    if stat.S_ISLNK(st.st_mode):
        return True
    if not getattr(st, "st_file_attributes", 0) & _REPARSE_POINT:
        return False
    tag = getattr(st, "st_reparse_tag", 0)
    return not tag or bool(tag & _NAME_SURROGATE)


def open_beneath(root: Path, rel: str | PurePath) -> BinaryIO:
    """Open `root/rel` for reading without following any link at or below `root` (the root itself may be reached
    through one: the user chose it). The file opened must be a regular file and not a macOS alias; the handle
    returned is what the caller reads, so what was checked is what is read. Raises RefusedInput for a link, a
    special file or an alias, OSError when it cannot be opened (missing, no permission)."""
    parts = PurePath(rel).parts
    if not parts or PurePath(rel).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a relative path below the root: {rel}")
    path = Path(root).joinpath(*parts)
    fd = _open_at(Path(root), parts) if USE_DIR_FD else _open_checked(Path(root), parts)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RefusedInput(path, "it is not a regular file")
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    try:
        if fh.read(len(ALIAS_MAGIC)) == ALIAS_MAGIC:
            raise RefusedInput(path, "it is a macOS alias (links are never followed)")
        fh.seek(0)
    except BaseException:
        fh.close()
        raise
    return fh


def _link_refusal(path: Path, exc: OSError, folder: bool) -> BaseException:
    """The sentence for an open that O_NOFOLLOW stopped, or the OSError itself for anything else."""
    if exc.errno not in _LINK_ERRNOS:
        return exc
    try:
        st = os.lstat(path)
    except OSError:
        return exc
    kind = "folder" if folder else "file"
    if is_link(st):
        return RefusedInput(path, f"the {kind} {path.name} is a symbolic link (links are never followed)")
    return RefusedInput(path, f"{path.name} is not a {kind}")


def _open_at(root: Path, parts: tuple[str, ...]) -> int:
    dfd = os.open(root, _DIR_FLAGS)
    try:
        for i, part in enumerate(parts[:-1]):
            try:
                nfd = os.open(part, _DIR_FLAGS | _NOFOLLOW, dir_fd=dfd)
            except OSError as exc:
                raise _link_refusal(root.joinpath(*parts[:i + 1]), exc, folder=True) from exc
            os.close(dfd)
            dfd = nfd
        try:
            return os.open(parts[-1], READ_FLAGS | _NOFOLLOW, dir_fd=dfd)
        except OSError as exc:
            raise _link_refusal(root.joinpath(*parts), exc, folder=False) from exc
    finally:
        os.close(dfd)


def _open_checked(root: Path, parts: tuple[str, ...]) -> int:
    """Where there is no openat/O_NOFOLLOW (Windows): lstat every component (no link, no reparse point), open,
    then make sure the handle is the file that was checked and that it really lies below the root."""
    real_root = Path(os.path.realpath(root))
    path = real_root
    st: os.stat_result | None = None
    for i, part in enumerate(parts):
        path = path / part
        st = os.lstat(path)
        folder = i < len(parts) - 1
        if is_link(st):
            kind = "folder" if folder else "file"
            raise RefusedInput(path, f"the {kind} {part} is a symbolic link (links are never followed)")
        if folder and not stat.S_ISDIR(st.st_mode):
            raise RefusedInput(path, f"{part} is not a folder")
    assert st is not None
    fd = os.open(path, READ_FLAGS)
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino):
            raise RefusedInput(path, "it was replaced while it was being opened")
        final = fd_path(fd)
        if final is not None and not _below(final, real_root):
            raise RefusedInput(path, "it lies outside the folder it was listed in")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _below(path: str, root: Path) -> bool:
    norm = os.path.normcase(path.removeprefix("\\\\?\\"))
    return Path(norm).is_relative_to(Path(os.path.normcase(str(root))))


def fd_path(fd: int) -> str | None:
    """The path the OS has for an open file (Linux /proc, macOS F_GETPATH, Windows GetFinalPathNameByHandleW),
    or None where it cannot tell."""
    if sys.platform.startswith("linux"):
        try:
            return os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return None
    if sys.platform == "darwin":
        import fcntl

        try:
            raw = fcntl.fcntl(fd, getattr(fcntl, "F_GETPATH", 50), bytes(1024))
        except OSError:
            return None
        return os.fsdecode(raw.split(b"\x00", 1)[0])
    if sys.platform == "win32":
        return _final_path_windows(fd)
    return None


def _final_path_windows(fd: int) -> str | None:
    import ctypes
    import msvcrt

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = msvcrt.get_osfhandle(fd)  # type: ignore[attr-defined]
    buf = ctypes.create_unicode_buffer(32768)
    n = kernel32.GetFinalPathNameByHandleW(ctypes.c_void_p(handle), buf, len(buf), 0)
    return buf.value if 0 < n < len(buf) else None


@contextmanager
def staged_outputs(outs: Sequence[Path]) -> Iterator[list[Path]]:
    """Several outputs of one command, committed together: the block writes each to its temp path (beside its
    output); only when every one is complete are they renamed into place, in order. A failure while writing
    (a full disk) removes every temp, so nothing was written. If a rename fails after others succeeded, the
    OutputError says exactly which outputs exist and which do not."""
    outs = [Path(o) for o in outs]
    token = secrets.token_hex(6)  # two runs writing the same outputs never share a temp
    temps = [o.with_name(f".{o.name}.{token}.staged") for o in outs]
    try:
        try:
            yield temps
        except OutputError as exc:  # say the output's name, not its temp's
            text = str(exc)
            for tmp, out in zip(temps, outs, strict=True):
                text = text.replace(tmp.name, out.name).replace(str(tmp), str(out))
            raise OutputError(text) from exc
        for i, (tmp, out) in enumerate(zip(temps, outs, strict=True)):
            try:
                os.replace(tmp, out)
            except OSError as exc:
                done = ", ".join(str(o) for o in outs[:i])
                missing = ", ".join(o.name for o in outs[i:])
                raise OutputError(f"Could not write {out.name}: {exc.strerror or exc}. "
                                  + (f"Written: {done}; not written: {missing}." if done else
                                     "Nothing was written.")) from exc
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
