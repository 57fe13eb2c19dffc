"""Writing results safely: temp file in the destination folder, fsync, rename. A failure leaves nothing partial
and reads as a sentence (a full disk says so)."""

from __future__ import annotations

import errno
import os
import secrets
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from redactor.errors import OutputError, UnsafeOutput


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
