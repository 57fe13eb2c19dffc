"""Every blocking job runs here, off the GUI thread (like OnionShare's desktop/onionshare/threads.py).

A `Job` wraps one core call. It runs on a QThreadPool thread and reports back through Qt signals, which Qt
delivers on the GUI thread (queued connections), so pages never touch widgets from a worker. Cancelling sets a
flag the core polls through its `cancel` callable; a job that cannot stop early has its result dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from redactor.errors import RedactorError

log = logging.getLogger(__name__)

RELEASE_DELAY_MS = 500  # see Job.forget
PROGRESS_INTERVAL = 0.05  # seconds; the core may report per line, the window needs ~20 updates a second at most


class Cancelled(Exception):
    """Raised inside a job when the user cancelled it."""


class Control:
    """Handed to the job function: report progress, ask whether the user cancelled."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self._last = 0.0

    def progress(self, message: str, fraction: float | None = None) -> None:
        if self._job.is_cancelled():
            return
        now = time.monotonic()
        if fraction is not None and fraction < 1.0 and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        Job._emit(self._job.progress, message, -1.0 if fraction is None else max(0.0, min(1.0, fraction)))

    def cancelled(self) -> bool:
        return self._job.is_cancelled()

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled()


class Job(QObject):
    """One blocking call. Signals: progress(message, fraction or -1), done(result), failed(message),
    finished() after any outcome (also after a cancel)."""

    progress = Signal(str, float)
    done = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, what: str, fn: Callable[[Control], Any]) -> None:
        super().__init__()
        self.what = what  # "reading the screenshot": used in error sentences
        self._fn = fn
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: str | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def on(self, owner: QObject, *, done: Callable[[Any], None] | None = None,
           failed: Callable[[str], None] | None = None, progress: Callable[[str, float], None] | None = None,
           finished: Callable[[], object] | None = None) -> Job:
        """Deliver this job's signals to callbacks for as long as `owner` (a page) exists: when the page is
        deleted first, Qt drops the connection instead of calling into a deleted widget."""
        relay = _Relay(owner, done, failed, progress, finished)
        self.done.connect(relay.on_done)
        self.failed.connect(relay.on_failed)
        self.progress.connect(relay.on_progress)
        self.finished.connect(relay.on_finished)
        return self

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def forget(self) -> None:
        """After `finished` was delivered (GUI thread): stop keeping this job alive, a moment later. The pool
        thread may still be returning from run() with a reference to it; the last reference must be dropped
        here, on the thread its QObject belongs to, not there."""
        QTimer.singleShot(RELEASE_DELAY_MS, lambda: _alive.discard(self))

    def run(self) -> None:
        """Runs on a pool thread."""
        try:
            result = self._fn(Control(self))
        except Cancelled:
            pass
        except RedactorError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure must reach the user as a sentence, not a crash
            log.exception("job failed: %s", self.what)
            self.error = friendly_error(self.what, exc)
        else:
            if not self.is_cancelled():
                self.result = result
                self._emit(self.done, result)
        if self.error is not None and not self.is_cancelled():
            self._emit(self.failed, self.error)
        self._emit(self.finished)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window (and this job's QObject) is gone: the app is quitting
            log.debug("job result dropped: receiver deleted")


def friendly_error(what: str, exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return f"There was not enough memory for {what}. Close other programs and try again."
    if isinstance(exc, PermissionError):
        return f"The app was not allowed to open a file while {what} ({exc.filename}). Check its permissions."
    if isinstance(exc, FileNotFoundError):
        return f"A file disappeared while {what} ({exc.filename}). Choose it again."
    if isinstance(exc, OSError):
        return f"Something on the disk went wrong while {what}: {exc.strerror or exc}."
    return f"Something unexpected went wrong while {what} ({type(exc).__name__}: {exc}). Nothing was sent anywhere."


class _Relay(QObject):
    """A child of the job's owner that receives the job's signals (queued, on the GUI thread)."""

    def __init__(self, owner: QObject, done: Callable[[Any], None] | None, failed: Callable[[str], None] | None,
                 progress: Callable[[str, float], None] | None, finished: Callable[[], object] | None) -> None:
        super().__init__(owner)
        self._done, self._failed, self._progress, self._finished = done, failed, progress, finished

    @Slot(object)
    def on_done(self, result: Any) -> None:
        if self._done:
            self._done(result)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        if self._failed:
            self._failed(message)

    @Slot(str, float)
    def on_progress(self, message: str, fraction: float) -> None:
        if self._progress:
            self._progress(message, fraction)

    @Slot()
    def on_finished(self) -> None:
        if self._finished:
            self._finished()
        # No deleteLater() here: deferring the relay's deletion crashed Qt now and then (in ~QObject, when the
        # page went away around the same time), so it lives as long as its page. It must not keep the job's
        # callbacks, though: they hold the job and its result (a screenshot's unredacted preview).
        self._done = self._failed = self._progress = self._finished = None


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job: Job | None = job
        self.setAutoDelete(True)

    def run(self) -> None:
        # The runnable's Python side may outlive it; it must not keep the job (and its result) alive.
        job, self.job = self.job, None
        if job is not None:
            job.run()


_alive: set[Job] = set()  # keeps Python wrappers alive until their signals have been delivered


def start(job: Job, pool: QThreadPool | None = None) -> Job:
    _alive.add(job)
    job.finished.connect(job.forget)  # a lambda naming the job would be a cycle Python cannot collect
    (pool or QThreadPool.globalInstance()).start(_Runnable(job))
    return job


def run_job(owner: QObject, what: str, fn: Callable[[Control], Any], *,
            on_done: Callable[[Any], None] | None = None, on_failed: Callable[[str], None] | None = None,
            on_progress: Callable[[str, float], None] | None = None,
            on_finished: Callable[[], None] | None = None) -> Job:
    """Create, wire (to `owner`'s lifetime) and start a job in one call; wiring after `start` could miss a
    fast job's signals."""
    job = Job(what, fn).on(owner, done=on_done, failed=on_failed, progress=on_progress, finished=on_finished)
    return start(job)


def running() -> int:
    return len(_alive)


def cancel_all() -> None:
    for job in list(_alive):
        job.cancel()


def shutdown(wait_ms: int = 3000) -> None:
    """Cancel everything and give workers a moment to return before the interpreter goes away."""
    cancel_all()
    QThreadPool.globalInstance().waitForDone(wait_ms)
