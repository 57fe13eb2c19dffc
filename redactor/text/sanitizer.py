"""Streaming, line-preserving log sanitizer over bytes.

A log is read in blocks of whole lines (about 1 MB), each block goes through `Scanner` (detectors.py) and is
written out with every hit replaced by a placeholder; all other bytes - invalid UTF-8 included - are copied as
they are, and no hit spans a newline, so the line count never changes. Memory stays flat whatever the size.

Several files run in parallel processes and still share one numbering (`<email-1>` is the same address in
every file of a run), in three steps:
  0. learn: every file is searched for home paths, so an OS user name seen in one file is removed in all;
  1. scan (parallel): each file is sanitized into a private part file in which placeholders are left out; the
     worker returns its values in order of first appearance and spills the insertion offsets to disk;
  2. number and write (parallel): the parent numbers the values in file order, then each part file gets its
     placeholders inserted and is renamed into place.
A single-process run numbers the same way directly, so parallel and serial output are byte-identical.
"""

from __future__ import annotations

import logging
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from redactor.bisq.datadir import containing_data_dir
from redactor.errors import BadInput, OutputError, RedactorError, UnsafeOutput
from redactor.text.detectors import Hit, Scanner, entry_boundary
from redactor.text.placeholders import PlaceholderTable, write_map
from redactor.text.spans import enc
from redactor.text.userpaths import bare_usable, user_names_in

log = logging.getLogger(__name__)
T = TypeVar("T")

BLOCK = 1 << 20
MAX_BLOCK = 4 << 20  # a "line" longer than this is cut (memory stays bounded on garbage input)
COPY = 4 << 20
DEFAULT_WORKERS = 2


class SanitizeCancelled(RedactorError):
    """The user cancelled; nothing was written."""


@dataclass
class FileReport:
    name: str
    lines: int
    counts: dict[str, int]
    error: str | None = None


@dataclass
class SanitizeReport:
    files: list[FileReport] = field(default_factory=list)
    # OS user names removed (given + learnt from home paths): in memory only, for sanitizing other text of the
    # same case (the bundle's description). Personal data: never in to_json().
    user_names: set[str] = field(default_factory=set, repr=False)

    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.counts)
        return dict(sorted(total.items()))

    def to_json(self) -> dict:  # type: ignore[type-arg]
        """Counts per category and file - never a removed value."""
        return {
            "files": [{"name": f.name, "lines": f.lines, "counts": dict(sorted(f.counts.items())), "error": f.error}
                      for f in self.files],
            "totals": self.totals(),
        }


# --- one block / one file ----------------------------------------------------------------------------------

class _Readable(Protocol):
    def read(self, n: int, /) -> bytes: ...


def iter_blocks(fh: _Readable, size: int = BLOCK) -> Iterator[bytes]:
    """Blocks of whole lines (the last one may lack its newline)."""
    carry = b""
    while True:
        chunk = fh.read(size)
        if not chunk:
            if carry:
                yield carry
            return
        data = carry + chunk if carry else chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0 and len(data) < MAX_BLOCK:
            carry = data
            continue
        if cut == 0:
            cut = len(data)
        elif cut < len(data) or len(data) >= size:
            cut = entry_boundary(data, cut)
        yield data[:cut]
        carry = data[cut:]


Emit = Callable[[str, str, int], bytes]  # (kind, canonical value, output offset) -> placeholder bytes


def _splice(block: bytes, hits: list[Hit], emit: Emit, out_pos: int, counts: Counter[str]) -> bytes:
    parts = []
    pos = 0
    for h in hits:
        parts.append(block[pos:h.start])
        out_pos += h.start - pos
        ph = emit(h.kind, h.canon, out_pos)
        parts.append(ph)
        out_pos += len(ph)
        pos = h.end
        counts[h.kind] += 1
    parts.append(block[pos:])
    return b"".join(parts)


def _sanitize_stream(src: _Readable, dst: BinaryIO, scanner: Scanner, emit: Emit,
                     cancel: Callable[[], bool] | None = None,
                     after_block: Callable[[], None] | None = None) -> tuple[int, Counter[str]]:
    counts: Counter[str] = Counter()
    lines = 0
    out_pos = 0
    last = b""
    for block in iter_blocks(src):
        if cancel is not None and cancel():
            raise SanitizeCancelled("Cancelled; no sanitized logs were written.")
        lines += block.count(b"\n")
        last = block
        hits = scanner.scan(block)
        out = _splice(block, hits, emit, out_pos, counts) if hits else block
        dst.write(out)
        out_pos += len(out)
        if after_block is not None:
            after_block()
    if last and not last.endswith(b"\n"):
        lines += 1
    return lines, counts


class _ReadError(Exception):
    pass


class _Reader:
    """Wraps an input so that its read errors surface as _ReadError (reported, not fatal), unlike write
    errors (fatal)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def read(self, n: int) -> bytes:
        try:
            return self._fh.read(n)
        except OSError as exc:
            raise _ReadError(_reason(exc)) from exc


def learn_user_names(path: Path) -> set[str]:
    names: set[str] = set()
    try:
        with open(path, "rb") as fh:
            for block in iter_blocks(fh):
                names |= user_names_in(block)
    except OSError:
        pass  # reported by the scan step
    return names


# --- parallel steps (top-level functions: they run in worker processes) ------------------------------------

@dataclass
class _Scanned:
    lines: int
    counts: dict[str, int]
    values: list[tuple[str, str]]  # local value index -> (kind, canonical value)
    inserts: int
    error: str | None = None


def _scan_worker(src: str, part: str, spill: str, user_names: list[str], explicit: list[str]) -> _Scanned:
    scanner = Scanner(user_names, explicit=explicit)
    local: dict[tuple[str, str], int] = {}
    values: list[tuple[str, str]] = []
    pending = array("q")
    inserts = 0

    def emit(kind: str, canon: str, out_pos: int) -> bytes:
        key = (kind, canon)
        idx = local.get(key)
        if idx is None:
            idx = local[key] = len(values)
            values.append(key)
        pending.append(out_pos)
        pending.append(idx)
        return b""

    try:
        fin = open(src, "rb")  # noqa: SIM115 - closed below; an unreadable input is reported, not fatal
    except OSError as exc:
        return _Scanned(0, {}, [], 0, error=_reason(exc))
    try:
        with fin, open(part, "wb") as fout, open(spill, "wb") as fspill:
            def flush() -> None:
                nonlocal inserts
                if pending:
                    inserts += len(pending) // 2
                    pending.tofile(fspill)
                    del pending[:]

            lines, counts = _sanitize_stream(_Reader(fin), fout, scanner, emit, after_block=flush)
    except _ReadError as exc:
        _unlink(part, spill)
        return _Scanned(0, {}, [], 0, error=str(exc))
    return _Scanned(lines, dict(counts), values, inserts)


def _apply_worker(part: str, spill: str, dst: str, placeholders: list[bytes], inserts: int) -> None:
    """Insert the numbered placeholders into a part file and move it into place."""
    if inserts == 0:
        os.replace(part, dst)
        os.unlink(spill)
        return
    tmp = dst + ".numbered"
    try:
        with open(part, "rb") as fin, open(spill, "rb") as fsp, open(tmp, "wb") as fout:
            pos = 0
            while True:
                chunk = array("q")
                try:
                    chunk.fromfile(fsp, 1 << 16)
                except EOFError:
                    pass
                if not chunk:
                    break
                for i in range(0, len(chunk), 2):
                    at, idx = chunk[i], chunk[i + 1]
                    _copy(fin, fout, at - pos)
                    pos = at
                    fout.write(placeholders[idx])
            _copy(fin, fout, -1)
        os.replace(tmp, dst)
    finally:
        _unlink(tmp, part, spill)


def _copy(fin: BinaryIO, fout: BinaryIO, n: int) -> None:
    """Copy n bytes (all that is left if n < 0)."""
    while n != 0:
        data = fin.read(COPY if n < 0 else min(n, COPY))
        if not data:
            return
        fout.write(data)
        if n > 0:
            n -= len(data)


def _unlink(*paths: str | Path) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


# --- public API -------------------------------------------------------------------------------------------

def sanitize_logs(inputs: Sequence[Path], out_dir: Path, *, out_names: Sequence[str] | None = None,
                  user_names: Sequence[str] = (), workers: int | None = None,
                  map_path: Path | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None,
                  table: PlaceholderTable | None = None) -> SanitizeReport:
    """Sanitize `inputs` into `out_dir/<out_names[i] or inputs[i].name>`.

    `user_names`: OS user names to remove besides those learnt from home paths in the logs. `workers`: processes
    (default: up to DEFAULT_WORKERS; 1 = in this process). `map_path`: where
    to write the private value -> placeholder map (only there; never into a bundle). `progress(done, total)`
    counts steps, two per file (scan, write). An unreadable input is reported in its FileReport and skipped;
    a failure to write (out_dir missing or read-only, disk full) raises OutputError, and cancelling raises
    SanitizeCancelled - both leave no output file behind. `table`: share placeholders with later
    `sanitize_text` calls (the bundle's description), so `<email-1>` means one value everywhere.
    """
    inputs = [Path(p) for p in inputs]
    names = list(out_names) if out_names is not None else [p.name for p in inputs]
    if len(names) != len(inputs):
        raise BadInput("Internal error: one output name is needed per log file.")
    if len(set(names)) != len(names):
        raise BadInput("Two log files would get the same output name; give distinct names.")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise OutputError(f"The output folder {out_dir} does not exist.")
    dsts = [out_dir / n for n in names]
    data_dir = containing_data_dir(out_dir / "x")
    if data_dir is not None:
        raise UnsafeOutput(f"Refusing to write into the Bisq data directory {data_dir}; choose a folder outside it.")
    resolved_inputs = {_resolve(p) for p in inputs}
    for d in dsts:
        if _resolve(d) in resolved_inputs:
            raise UnsafeOutput(f"Refusing to overwrite the original log {d}; choose another output folder.")
    if map_path is not None and _resolve(map_path) in resolved_inputs | {_resolve(d) for d in dsts}:
        raise UnsafeOutput("The placeholder map must not replace a log file.")

    total_steps = 2 * len(inputs)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total_steps)

    def check_cancel() -> None:
        if cancel is not None and cancel():
            raise SanitizeCancelled("Cancelled; no sanitized logs were written.")

    # Two workers by default: enough to overlap I/O and detection, and parent + workers stay under ~150 MB.
    n_workers = min(workers or min(os.cpu_count() or 1, DEFAULT_WORKERS), len(inputs))
    table = table if table is not None else PlaceholderTable()
    written: list[Path] = []
    try:
        if n_workers <= 1:
            report = _run_serial(inputs, dsts, names, user_names, table, written, step, check_cancel, cancel)
        else:
            report = _run_parallel(inputs, dsts, names, user_names, table, written, step, check_cancel,
                                   n_workers)
        if map_path is not None:
            write_map(Path(map_path), table)
    except BaseException:
        _unlink(*written)
        raise
    return report


def _resolve(p: Path) -> Path:
    try:
        return Path(p).resolve()
    except OSError:
        return Path(os.path.abspath(p))


def _part_paths(dst: Path) -> tuple[Path, Path]:
    return dst.with_name(f".{dst.name}.part"), dst.with_name(f".{dst.name}.spill")


def _write_error(dst: Path, exc: OSError) -> OutputError:
    return OutputError(f"Could not write {dst}: {_reason(exc)}. Nothing was kept; free some space or choose "
                       "another folder.")


def _run_serial(inputs: list[Path], dsts: list[Path], names: list[str], user_names: Sequence[str],
                table: PlaceholderTable, written: list[Path], step: Callable[[], None],
                check_cancel: Callable[[], None], cancel: Callable[[], bool] | None) -> SanitizeReport:
    learnt: set[str] = set()
    for p in inputs:
        learnt |= learn_user_names(p)
    scanner = Scanner(learnt, explicit=user_names)
    cache: dict[tuple[str, str], bytes] = {}

    def emit(kind: str, canon: str, _pos: int) -> bytes:
        ph = cache.get((kind, canon))
        if ph is None:
            ph = cache[(kind, canon)] = table.get(kind, canon).encode()
        return ph

    report = SanitizeReport(user_names=_report_names(learnt, user_names))
    for src, dst, name in zip(inputs, dsts, names, strict=True):
        check_cancel()
        part, _spill = _part_paths(dst)
        try:
            fin = open(src, "rb")  # noqa: SIM115
        except OSError as exc:
            report.files.append(FileReport(name, 0, {}, error=f"cannot read {src.name}: {_reason(exc)}"))
            step()
            step()
            continue
        written.append(part)
        try:
            with fin, open(part, "wb") as fout:
                lines, counts = _sanitize_stream(_Reader(fin), fout, scanner, emit, cancel)
        except _ReadError as exc:
            _unlink(part)
            report.files.append(FileReport(name, 0, {}, error=f"cannot read {src.name}: {exc}"))
            step()
            step()
            continue
        except OSError as exc:
            raise _write_error(dst, exc) from exc
        step()
        try:
            os.replace(part, dst)
        except OSError as exc:
            raise _write_error(dst, exc) from exc
        written.append(dst)
        report.files.append(FileReport(name, lines, dict(counts)))
        step()
    return report


def _run_parallel(inputs: list[Path], dsts: list[Path], names: list[str], user_names: Sequence[str],
                  table: PlaceholderTable, written: list[Path], step: Callable[[], None],
                  check_cancel: Callable[[], None], n_workers: int) -> SanitizeReport:
    ctx = get_context("spawn")  # no fork: safe under Qt and in frozen apps
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx)
    try:
        learnt: set[str] = set()
        for found in pool.map(learn_user_names, inputs):
            learnt |= found
        check_cancel()
        parts = [_part_paths(d) for d in dsts]
        for part, spill in parts:
            written.extend((part, spill))
        futures = [pool.submit(_scan_worker, str(src), str(part), str(spill), sorted(learnt), list(user_names))
                   for src, (part, spill) in zip(inputs, parts, strict=True)]
        scanned: list[_Scanned] = []
        for fut, dst in zip(futures, dsts, strict=True):
            scanned.append(_wait(fut, dst, check_cancel))
            step()
        # Number the values in file order, then order of first appearance: the same as a serial run.
        applies: list[tuple[Future[None], Path]] = []
        for res, dst, (part, spill) in zip(scanned, dsts, parts, strict=True):
            if res.error is not None:
                step()
                continue
            placeholders = [p.encode() for p in table.add_all(res.values)]
            written.append(dst)
            applies.append((pool.submit(_apply_worker, str(part), str(spill), str(dst), placeholders,
                                        res.inserts), dst))
        for done_fut, dst in applies:
            _wait(done_fut, dst, check_cancel)
            step()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    report = SanitizeReport(user_names=_report_names(learnt, user_names))
    for res, name, src in zip(scanned, names, inputs, strict=True):
        if res.error is not None:
            report.files.append(FileReport(name, 0, {}, error=f"cannot read {src.name}: {res.error}"))
        else:
            report.files.append(FileReport(name, res.lines, res.counts))
    return report


def _report_names(learnt: set[str], explicit: Sequence[str]) -> set[str]:
    """The names later text of the case loses as bare words: the given ones and the specific learnt ones."""
    return {n.strip() for n in explicit if n.strip()} | {n for n in learnt if bare_usable(n)}


def _wait(fut: Future[T], dst: Path, check_cancel: Callable[[], None]) -> T:
    check_cancel()
    while True:
        try:
            return fut.result(timeout=0.2)
        except TimeoutError:
            check_cancel()
        except OSError as exc:
            raise _write_error(dst, exc) from exc


def sanitize_bytes(data: bytes, user_names: Sequence[str] = (), table: PlaceholderTable | None = None,
                   counts: Counter[str] | None = None, *, every_line: bool = True) -> bytes:
    """Sanitize one in-memory text. `user_names` are always removed (as given by the user, or learnt from the
    case's logs); home paths in `data` are found as in a log. `every_line=False` behaves exactly like the log
    pass (context detectors only on triggered lines); the default checks every line, for free-form text."""
    table = table if table is not None else PlaceholderTable()
    scanner = Scanner(user_names_in(data), explicit=user_names, every_line=every_line)
    hits = scanner.scan(data)
    return _splice(data, hits, lambda k, c, _p: table.get(k, c).encode(), 0,
                   counts if counts is not None else Counter())


def sanitize_text(text: str, user_names: Sequence[str] = (), table: PlaceholderTable | None = None,
                  counts: Counter[str] | None = None) -> str:
    """Sanitize one string (a trade description, a tx list, OCR text). Pass one `table` to several calls to
    share placeholders with them; `counts` (a Counter) receives what was replaced, per category.

    The result always encodes as UTF-8: characters that are not text (lone surrogates, e.g. bytes a caller
    decoded with `surrogateescape`) become U+FFFD; everything else outside the replacements is kept."""
    out = sanitize_bytes(enc(text), user_names, table, counts)
    return out.decode("utf-8", "replace")
