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
import pickle
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from redactor.bisq.datadir import containing_data_dir
from redactor.errors import BadInput, OutputError, RedactorError, UnsafeOutput
from redactor.text.detectors import Hit, Scanner, entry_boundary
from redactor.text.known import PROPAGATED, Item, KnownValues, matcher_for
from redactor.text.placeholders import PlaceholderTable, write_map
from redactor.text.spans import Raw, enc
from redactor.text.userpaths import bare_usable, user_prop_names

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
                     after_block: Callable[[], None] | None = None,
                     learnt: Iterator[tuple[int, list[Raw]]] | None = None) -> tuple[int, Counter[str]]:
    """`learnt`: per block, its length and what the detectors found in the learn step (a block whose length
    differs, the file having changed in between, is detected afresh)."""
    counts: Counter[str] = Counter()
    lines = 0
    out_pos = 0
    last = b""
    for block in iter_blocks(src):
        if cancel is not None and cancel():
            raise SanitizeCancelled("Cancelled; no sanitized logs were written.")
        lines += block.count(b"\n")
        last = block
        raw = None
        if learnt is not None:
            blen, found = next(learnt, (-1, []))
            if blen == len(block):
                raw = found
            else:
                learnt = None  # the file changed since: every later block is detected afresh
        hits = scanner.scan(block, raw)
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


class _Limited:
    """Reads at most `size` bytes: the scan step sees exactly what the learn step saw, even when Bisq appends
    to the log meanwhile."""

    def __init__(self, fh: _Readable, size: int) -> None:
        self._fh, self._left = fh, size

    def read(self, n: int) -> bytes:
        data = self._fh.read(min(n, self._left)) if self._left > 0 else b""
        self._left -= len(data)
        return data


@dataclass
class _Learned:
    names: set[str]  # OS user names from home paths and `user.name=`
    values: list[Item]  # personal values found, in order of first appearance
    size: int  # bytes read
    error: str | None = None


def _learn_worker(src: str, spill: str) -> _Learned:
    """Step 0: run every detector over the file once; what they found is spilled per block for the scan step
    (which then only adds the case's known values), and the values and user names are returned."""
    scanner = Scanner()
    names: set[str] = set()
    values: dict[Item, None] = {}
    size = 0
    try:
        with open(src, "rb") as fin, open(spill, "wb") as fsp:
            for block in iter_blocks(_Reader(fin)):
                size += len(block)
                raw = scanner.detect(block)
                pickle.dump((len(block), raw), fsp, protocol=pickle.HIGHEST_PROTOCOL)
                names |= user_prop_names(block)
                for h in raw:
                    if h[2] == "user":
                        names.add(h[3])
                    elif h[2] in PROPAGATED:
                        values.setdefault((h[2], h[3]), None)
    except (OSError, _ReadError) as exc:
        _unlink(spill)
        return _Learned(set(), [], 0, error=str(exc) if isinstance(exc, _ReadError) else _reason(exc))
    return _Learned(names, list(values), size)


def _learnt_blocks(spill: str) -> Iterator[tuple[int, list[Raw]]]:
    with open(spill, "rb") as fsp:
        while True:
            try:
                yield pickle.load(fsp)
            except EOFError:
                return


def _known_items(known_values: Iterable[str], explicit: Sequence[str], learnt: Sequence[_Learned],
                 table: PlaceholderTable) -> tuple[Item, ...]:
    """The case's known values: from outside first (exact), then the user names, then what the detectors
    found in each file, in file order (the order decides which value a shared spelling stands for)."""
    known = KnownValues()
    known.add_texts(known_values)
    known.add_users(explicit)
    known.add_users(sorted({n for r in learnt for n in r.names if bare_usable(n)}))
    known.update(table.items())
    for r in learnt:
        known.update(r.values)
    return tuple(known.items())


# --- parallel steps (top-level functions: they run in worker processes) ------------------------------------

@dataclass
class _Scanned:
    lines: int
    counts: dict[str, int]
    values: list[tuple[str, str]]  # local value index -> (kind, canonical value)
    inserts: int
    error: str | None = None


def _scan_worker(src: str, part: str, spill: str, learnt_spill: str, size: int, items: tuple[Item, ...]) -> _Scanned:
    scanner = Scanner(matcher_for(items) if items else None)
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

            lines, counts = _sanitize_stream(_Limited(_Reader(fin), size), fout, scanner, emit,
                                             after_block=flush, learnt=_learnt_blocks(learnt_spill))
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
                  table: PlaceholderTable | None = None,
                  known_values: Iterable[str] = ()) -> SanitizeReport:
    """Sanitize `inputs` into `out_dir/<out_names[i] or inputs[i].name>`.

    `user_names`: OS user names to remove besides those learnt from home paths in the logs. `workers`: processes
    (default: up to DEFAULT_WORKERS; 1 = in this process). `map_path`: where
    to write the private value -> placeholder map (only there; never into a bundle). `progress(done, total)`
    counts steps, three per file (learn, scan, write). An unreadable input is reported in its FileReport and skipped;
    a failure to write (out_dir missing or read-only, disk full) raises OutputError, and cancelling raises
    SanitizeCancelled - both leave no output file behind. `table`: share placeholders with later
    `sanitize_text` calls (the bundle's description), so `<email-1>` means one value everywhere; the values
    in it are also looked for (known.py). `known_values`: values known to be personal from outside (the
    trade's payment data read from Bisq's files), looked for in every spelling in every file.

    Every value a detector finds in any file is looked for in every line of every file (known.py), with
    the placeholder it got where it was found.
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

    total_steps = 3 * len(inputs)
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
    run = _Run(inputs, dsts, names, user_names, list(known_values), table, written, step, check_cancel)
    try:
        report = _run_serial(run, cancel) if n_workers <= 1 else _run_parallel(run, n_workers)
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


@dataclass
class _Run:
    """One sanitize_logs call: its files and what every step shares."""
    inputs: list[Path]
    dsts: list[Path]
    names: list[str]
    user_names: Sequence[str]
    known_values: Sequence[str]
    table: PlaceholderTable
    written: list[Path]
    step: Callable[[], None]
    check_cancel: Callable[[], None]

    def learnt_spill(self, i: int) -> Path:
        return self.dsts[i].with_name(f".{self.dsts[i].name}.learn")

    def error(self, i: int, reason: str) -> FileReport:
        return FileReport(self.names[i], 0, {}, error=f"cannot read {self.inputs[i].name}: {reason}")


def _learn_all(run: _Run, results: Iterable[_Learned]) -> tuple[list[_Learned], tuple[Item, ...]]:
    learnt = []
    for res in results:
        learnt.append(res)
        run.step()
        run.check_cancel()
    return learnt, _known_items(run.known_values, run.user_names, learnt, run.table)


def _run_serial(run: _Run, cancel: Callable[[], bool] | None) -> SanitizeReport:
    spills = [run.learnt_spill(i) for i in range(len(run.inputs))]
    run.written.extend(spills)
    learnt, items = _learn_all(run, (_learn_worker(str(src), str(sp)) for src, sp in zip(run.inputs, spills,
                                                                                         strict=True)))
    scanner = Scanner(matcher_for(items) if items else None)
    cache: dict[tuple[str, str], bytes] = {}

    def emit(kind: str, canon: str, _pos: int) -> bytes:
        ph = cache.get((kind, canon))
        if ph is None:
            ph = cache[(kind, canon)] = run.table.get(kind, canon).encode()
        return ph

    report = SanitizeReport(user_names=_report_names(set().union(*(r.names for r in learnt)), run.user_names))
    for i, (src, dst, name) in enumerate(zip(run.inputs, run.dsts, run.names, strict=True)):
        run.check_cancel()
        part, _spill = _part_paths(dst)
        if learnt[i].error is not None:
            report.files.append(run.error(i, str(learnt[i].error)))
            run.step()
            run.step()
            continue
        try:
            fin = open(src, "rb")  # noqa: SIM115
        except OSError as exc:
            report.files.append(run.error(i, _reason(exc)))
            run.step()
            run.step()
            continue
        run.written.append(part)
        try:
            with fin, open(part, "wb") as fout:
                lines, counts = _sanitize_stream(_Limited(_Reader(fin), learnt[i].size), fout, scanner, emit,
                                                 cancel, learnt=_learnt_blocks(str(spills[i])))
        except _ReadError as exc:
            _unlink(part)
            report.files.append(run.error(i, str(exc)))
            run.step()
            run.step()
            continue
        except OSError as exc:
            raise _write_error(dst, exc) from exc
        _unlink(spills[i])
        run.step()
        try:
            os.replace(part, dst)
        except OSError as exc:
            raise _write_error(dst, exc) from exc
        run.written.append(dst)
        report.files.append(FileReport(name, lines, dict(counts)))
        run.step()
    return report


def _run_parallel(run: _Run, n_workers: int) -> SanitizeReport:
    ctx = get_context("spawn")  # no fork: safe under Qt and in frozen apps
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx)
    try:
        spills = [run.learnt_spill(i) for i in range(len(run.inputs))]
        run.written.extend(spills)
        learn_futs = [pool.submit(_learn_worker, str(src), str(sp)) for src, sp in zip(run.inputs, spills,
                                                                                       strict=True)]
        learnt, items = _learn_all(run, (_wait(f, d, run.check_cancel) for f, d in zip(learn_futs, run.dsts,
                                                                                          strict=True)))
        parts = [_part_paths(d) for d in run.dsts]
        for part, spill in parts:
            run.written.extend((part, spill))
        futures = [pool.submit(_scan_worker, str(src), str(part), str(spill), str(sp), lrn.size, items)
                   if lrn.error is None else None
                   for src, (part, spill), sp, lrn in zip(run.inputs, parts, spills, learnt, strict=True)]
        scanned: list[_Scanned] = []
        for fut, dst, lrn in zip(futures, run.dsts, learnt, strict=True):
            scanned.append(_Scanned(0, {}, [], 0, error=lrn.error) if fut is None
                           else _wait(fut, dst, run.check_cancel))
            run.step()
        # Number the values in file order, then order of first appearance: the same as a serial run.
        applies: list[tuple[Future[None], Path]] = []
        for res, dst, (part, spill) in zip(scanned, run.dsts, parts, strict=True):
            if res.error is not None:
                run.step()
                continue
            placeholders = [p.encode() for p in run.table.add_all(res.values)]
            run.written.append(dst)
            applies.append((pool.submit(_apply_worker, str(part), str(spill), str(dst), placeholders,
                                        res.inserts), dst))
        for done_fut, dst in applies:
            _wait(done_fut, dst, run.check_cancel)
            run.step()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    _unlink(*spills)
    report = SanitizeReport(user_names=_report_names(set().union(*(r.names for r in learnt)), run.user_names))
    for i, res in enumerate(scanned):
        report.files.append(run.error(i, res.error) if res.error is not None
                            else FileReport(run.names[i], res.lines, res.counts))
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
                   counts: Counter[str] | None = None, *, every_line: bool = True,
                   known_values: Iterable[str] = ()) -> bytes:
    """Sanitize one in-memory text. `user_names` are always removed (as given by the user, or learnt from the
    case's logs); home paths in `data` are found as in a log. Known values: `known_values` (from outside),
    every value already in `table` (the case's logs) and every value a detector finds in `data` itself, each
    looked for in all its spellings. `every_line=False` behaves exactly like the log pass (context detectors
    only on triggered lines); the default checks every line, for free-form text."""
    table = table if table is not None else PlaceholderTable()
    raw = Scanner(every_line=every_line).detect(data)
    found = _Learned({h[3] for h in raw if h[2] == "user"} | user_prop_names(data),
                     [(h[2], h[3]) for h in raw if h[2] in PROPAGATED], len(data))
    items = _known_items(known_values, user_names, [found], table)
    hits = Scanner(matcher_for(items) if items else None, every_line=every_line).scan(data, raw)
    return _splice(data, hits, lambda k, c, _p: table.get(k, c).encode(), 0,
                   counts if counts is not None else Counter())


def sanitize_text(text: str, user_names: Sequence[str] = (), table: PlaceholderTable | None = None,
                  counts: Counter[str] | None = None, known_values: Iterable[str] = ()) -> str:
    """Sanitize one string (a trade description, a tx list, OCR text). Pass one `table` to several calls to
    share placeholders with them (and to have every value they found looked for here); `counts` (a Counter)
    receives what was replaced, per category; `known_values`: as for `sanitize_bytes`.

    The result always encodes as UTF-8: characters that are not text (lone surrogates, e.g. bytes a caller
    decoded with `surrogateescape`) become U+FFFD; everything else outside the replacements is kept."""
    out = sanitize_bytes(enc(text), user_names, table, counts, known_values=known_values)
    return out.decode("utf-8", "replace")
