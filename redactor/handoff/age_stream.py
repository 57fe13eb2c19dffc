"""age (X25519) encryption of a bundle while it is written, and decryption for the agent, through pyrage.

Writing: `zipfile` needs a seekable file (it goes back once per entry to put the CRC and sizes into the local
header; without seeking it writes data descriptors, which the canonical bundle form forbids). `ZipWindow` is a
file object that keeps in memory only the entry being written - from its local header on - and hands
everything before it to the encrypting thread as soon as zipfile returns to the end. So the plaintext zip
exists only in memory (at most one compressed entry plus a few MiB in flight) and only ciphertext reaches the
disk, through the same atomic temp-file-then-rename as a plain bundle.

Reading: the ciphertext is decrypted and authenticated completely into a private temporary folder (0700,
removed afterwards) before the existing verify/merge code sees a byte of it; over MAX_BUNDLE_BYTES is refused.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

from redactor.errors import BadInput, OutputError, RedactorError
from redactor.fsutil import atomic_output

log = logging.getLogger(__name__)

AGE_MAGIC = b"age-encryption.org/v1\n"
SUFFIX = ".age"
# A bundle of Bisq's maximum 21 x 10 MB logs plus screenshots is ~40 MB compressed; 1 GiB leaves room for a
# merged case and stops a hostile file from filling the agent's disk.
MAX_BUNDLE_BYTES = 1 << 30
# Pieces handed to the encrypting thread, and how many may wait: bounds the memory in flight to ~8 MiB.
PIECE = 1 << 20
QUEUE_PIECES = 8
POLL_S = 0.1  # how often a blocked side checks whether the other one failed


class EncryptedBundle(BadInput):
    """An encrypted bundle that cannot be opened (wrong key, cut short, altered)."""


def is_age_file(path: Path) -> bool:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(AGE_MAGIC)) == AGE_MAGIC
    except OSError:
        return False


def encrypted_name(out_zip: Path) -> Path:
    """`case.zip` -> `case.zip.age` (the name says what it is and how to open it)."""
    out_zip = Path(out_zip)
    return out_zip if out_zip.name.endswith(SUFFIX) else out_zip.with_name(out_zip.name + SUFFIX)


def plain_name(path: Path) -> Path:
    """`case.zip.age` -> `case.zip`."""
    path = Path(path)
    return path.with_name(path.name[:-len(SUFFIX)]) if path.name.endswith(SUFFIX) else path


def parse_recipients(texts: Sequence[str]) -> list[Any]:
    """age X25519 public keys (`age1...`) as pyrage recipients; BadInput naming the first bad one."""
    from pyrage import RecipientError, x25519

    out = []
    for text in texts:
        key = text.strip()
        try:
            out.append(x25519.Recipient.from_str(key))
        except (RecipientError, ValueError) as exc:
            shown = key if len(key) <= 80 else key[:77] + "..."
            raise BadInput(f"'{shown}' is not an age public key (one word starting with age1, 62 characters); "
                           "copy the agent's key again.") from exc
    if not out:
        raise BadInput("No agent public key was given to encrypt to.")
    return out


# --- writing -------------------------------------------------------------------------------------------------

class _Pipe:
    """Bytes from the zip writer (push) to pyrage's encrypt_io (pull), bounded; either side learns when the
    other failed instead of waiting forever."""

    def __init__(self) -> None:
        self._q: queue.Queue[bytes | None] = queue.Queue(QUEUE_PIECES)
        self._rest = memoryview(b"")  # a view, so handing out 8 KiB reads never copies the rest of a piece
        self._eof = False
        self.failed = threading.Event()
        self.aborted = threading.Event()

    def put(self, data: bytes | None) -> None:
        while True:
            if self.failed.is_set():
                raise OutputError("Encrypting the bundle failed; nothing was written.")
            try:
                self._q.put(data, timeout=POLL_S)
                return
            except queue.Full:
                continue

    def read(self, n: int = -1) -> bytes:
        while not self._rest and not self._eof:
            try:
                item = self._q.get(timeout=POLL_S)
            except queue.Empty:
                if self.aborted.is_set():
                    raise OSError("the bundle was not finished") from None
                continue
            if item is None:
                self._eof = True
            else:
                self._rest = memoryview(item)
        if self.aborted.is_set():
            raise OSError("the bundle was not finished")
        size = len(self._rest) if n is None or n < 0 else n
        out, self._rest = self._rest[:size], self._rest[size:]
        return out.tobytes()


class ZipWindow:
    """A write-only, seekable file object for zipfile that keeps only the bytes after the last point zipfile
    can still seek back to (the current entry's local header) and passes older bytes to `emit`."""

    def __init__(self, emit: Callable[[bytes], None]) -> None:
        self._emit = emit
        self._base = 0  # absolute offset of _buf[0]
        self._buf = bytearray()
        self._pos = 0

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        end = self._base + len(self._buf)
        target = {os.SEEK_SET: offset, os.SEEK_CUR: self._pos + offset, os.SEEK_END: end + offset}[whence]
        if not self._base <= target <= end:
            raise OSError(f"cannot seek to {target}: bytes before {self._base} were already encrypted")
        self._pos = target
        if target == end:
            self._commit()  # zipfile is back at the end: nothing before here is rewritten again
        return target

    def write(self, data: bytes | bytearray | memoryview) -> int:
        start = self._pos - self._base
        view = memoryview(data).cast("B")
        self._buf[start:start + len(view)] = view
        self._pos += len(view)
        return len(view)

    def flush(self) -> None:
        if self._pos == self._base + len(self._buf):
            self._commit()

    def _commit(self) -> None:
        for i in range(0, len(self._buf), PIECE):
            self._emit(bytes(self._buf[i:i + PIECE]))
        self._base += len(self._buf)
        self._buf = bytearray()

    def close_window(self) -> None:
        if self._pos != self._base + len(self._buf):
            raise OSError("the zip was not finished at its end")
        self._commit()


def encrypting_sink(recipients: Sequence[Any]) -> Callable[[Path], AbstractContextManager[BinaryIO]]:
    """A drop-in for `atomic_output`: what is written to the yielded file reaches `out` only as age ciphertext
    to `recipients`, and `out` appears complete or not at all."""

    @contextmanager
    def sink(out: Path) -> Iterator[BinaryIO]:
        from pyrage import encrypt_io

        with atomic_output(out) as raw:
            pipe = _Pipe()
            errors: list[BaseException] = []

            def run() -> None:
                try:
                    encrypt_io(pipe, raw, list(recipients))
                except BaseException as exc:  # noqa: BLE001 - reported by the writing thread below
                    errors.append(exc)
                    pipe.failed.set()

            worker = threading.Thread(target=run, name="age-encrypt", daemon=True)
            worker.start()
            window = ZipWindow(pipe.put)
            try:
                yield cast(BinaryIO, window)
                window.close_window()
                pipe.put(None)
            except BaseException:
                failed_first = pipe.failed.is_set()  # the encrypting side broke, not our cancel or error
                pipe.aborted.set()
                worker.join()
                if failed_first and errors:
                    _raise_failure(errors[0])  # its reason (a full disk), not "the pipe broke"
                raise
            worker.join()
            if errors:
                _raise_failure(errors[0])

    return sink


def _raise_failure(exc: BaseException) -> None:
    if isinstance(exc, OSError) and exc.errno is not None:
        raise exc  # atomic_output turns it into a sentence (a full disk says so)
    raise OutputError(f"Encrypting the bundle failed ({exc}); nothing was written.") from exc


# --- reading -------------------------------------------------------------------------------------------------

class _CountingReader:
    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.at_end = False

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        if not data or (n is not None and 0 <= len(data) < n):
            self.at_end = True
        return data


class _LimitedWriter:
    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self._fh = fh
        self._limit = limit
        self.written = 0
        self.over = False

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.written > self._limit:
            self.over = True
            raise OSError("bundle too large")
        return self._fh.write(data)

    def flush(self) -> None:
        self._fh.flush()


def _reason(exc: BaseException, reader: _CountingReader, name: str, head: bytes) -> str:
    """One sentence for why `name` could not be decrypted (pyrage's messages are terse)."""
    text = str(exc)
    if not head.startswith(AGE_MAGIC):
        return f"{name} is not an age-encrypted bundle (it does not start like one)."
    if "No matching keys" in text:
        return (f"Your key cannot open {name}: it was encrypted to another agent's key, or its beginning was "
                "damaged. Ask the trader to encrypt it to your public key.")
    if "Incomplete header" in text or "fill whole buffer" in text:
        return f"{name} is cut short: it ends inside its header. Ask the trader to send it again."
    if "truncated" in text or reader.at_end:
        return (f"{name} is incomplete or its last part was changed (a cut-short download or copy); ask the "
                "trader to send it again.")
    return f"{name} was altered after it was encrypted (damaged or tampered with); ask the trader to send it again."


def decrypt_to(src: Path, dest: Path, identities: Sequence[Any], *, limit: int = MAX_BUNDLE_BYTES) -> None:
    """Decrypt and authenticate `src` into `dest` (created 0600). On any failure `dest` is removed and
    EncryptedBundle says why in one sentence."""
    from pyrage import decrypt_io

    name = Path(src).name
    try:
        size = Path(src).stat().st_size
        with Path(src).open("rb") as fin:
            head = fin.read(len(AGE_MAGIC))
            fin.seek(0)
            if size > limit + limit // 8:
                raise EncryptedBundle(f"{name} is larger than any bundle ({size / 1e6:.0f} MB); it was not opened.")
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fout:
                reader, writer = _CountingReader(fin), _LimitedWriter(fout, limit)
                try:
                    decrypt_io(reader, writer, list(identities))
                except Exception as exc:  # noqa: BLE001 - pyrage raises DecryptError or OSError
                    if writer.over:
                        raise EncryptedBundle(f"{name} decrypts to more than {limit / 1e6:,.1f} MB, more than "
                                              "any bundle; it was not opened.") from exc
                    raise EncryptedBundle(_reason(exc, reader, name, head)) from exc
    except OSError as exc:
        Path(dest).unlink(missing_ok=True)
        raise BadInput(f"Cannot read {name}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(dest).unlink(missing_ok=True)
        raise


@contextmanager
def opened_bundle(path: Path, identities: Sequence[Any] | None) -> Iterator[Path]:
    """The plain zip behind `path`: `path` itself when it is not encrypted, else its decryption in a private
    temporary folder (0700) that is removed when the block ends, whatever happens."""
    path = Path(path)
    if not is_age_file(path):
        if path.name.endswith(SUFFIX) and path.is_file():
            raise EncryptedBundle(f"{path.name} is not an age-encrypted bundle (it does not start like one).")
        yield path
        return
    if not identities:
        raise RedactorError(f"{path.name} is encrypted; open it with your agent key (--identity KEY_FILE).")
    folder = Path(tempfile.mkdtemp(prefix="bisq-redactor-open-"))  # mkdtemp: 0700, only this user
    try:
        plain = folder / (plain_name(path).name if path.name.endswith(SUFFIX) else path.name + ".zip")
        decrypt_to(path, plain, identities)
        yield plain
    finally:
        shutil.rmtree(folder, ignore_errors=True)
