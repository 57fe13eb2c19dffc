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
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

from redactor.bisq.datadir import containing_data_dir
from redactor.errors import BadInput, OutputError, UnsafeOutput
from redactor.text.detectors import Scanner
from redactor.text.known import PROPAGATED, Item, KnownValues, matcher_for
from redactor.text.logsteps import (
    BLOCK,
    SanitizeCancelled,
    _apply_worker,
    _learn_worker,
    _Learned,
    _learnt_blocks,
    _Limited,
    _Reader,
    _ReadError,
    _reason,
    _sanitize_stream,
    _scan_worker,
    _Scanned,
    _splice,
    _unlink,
    iter_blocks,
)
from redactor.text.placeholders import PlaceholderTable, write_map
from redactor.text.spans import enc
from redactor.text.userpaths import bare_usable, user_prop_names

__all__ = ["BLOCK", "FileReport", "SanitizeCancelled", "SanitizeReport", "iter_blocks", "sanitize_bytes",
           "sanitize_logs", "sanitize_text"]

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_WORKERS = 2


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
    out_dir = Path(out_dir)
    dsts = _check_paths(inputs, names, out_dir, map_path)

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


def _check_paths(inputs: list[Path], names: list[str], out_dir: Path, map_path: Path | None) -> list[Path]:
    """The output paths, after refusing what would overwrite an input or write into a Bisq data directory."""
    if len(names) != len(inputs):
        raise BadInput("Internal error: one output name is needed per log file.")
    if len(set(names)) != len(names):
        raise BadInput("Two log files would get the same output name; give distinct names.")
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
    return dsts


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
