"""Tesseract as a program: one single-threaded process per image (strip), the image on its stdin as uncompressed PNM
(no temp file, no PNG encoding), TSV word boxes on its stdout.

The fallback back-end (`tesserocr_engine` runs Tesseract in this process wherever tesserocr loads): each
process loads its model before it reads, so `ProcessRunner` starts them ahead of need.
"""

from __future__ import annotations

import io
import os
import subprocess
import weakref
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from redactor.errors import RedactorError, TesseractMissing
from redactor.image.engines.base import Backend
from redactor.image.tesseract_bin import INSTALL_HINT, OCR_TIMEOUT_S, find_tesseract


def tesseract_command(lang: str = "eng", psm: int = 3) -> list[str]:
    return [str(find_tesseract().command), "stdin", "stdout", "-l", lang, "--psm", str(psm), "tsv"]


def start_tesseract(cmd: list[str]) -> subprocess.Popen[bytes]:
    """One single-threaded Tesseract waiting for an image on stdin. It loads its model (about 60 ms) before
    reading stdin, so a process started ahead of need is ready by the time the image is."""
    try:
        return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=find_tesseract().env())
    except (FileNotFoundError, PermissionError) as exc:
        raise TesseractMissing(INSTALL_HINT) from exc


def stop_processes(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        with proc:  # closes its pipes and waits for it
            pass
    procs.clear()


def run_tesseract_many(images: list[Image.Image], *, lang: str = "eng", psm: int = 3,
                       ready: list[subprocess.Popen[bytes]] | None = None, refill: int = 0) -> list[str]:
    """Tesseract on several images at once, one single-threaded process each, all running in parallel, TSV out
    (in order). Processes in `ready` (started with the same command) are used first and removed from it; then
    it is topped up to `refill` processes, which load their model while these images are read."""
    if not images:
        return []
    cmd = tesseract_command(lang, psm)
    procs: list[subprocess.Popen[bytes]] = []
    inputs: list[bytes] = []
    try:
        for gray in images:
            buf = io.BytesIO()
            gray.save(buf, "PPM")  # PGM for mode "L": Leptonica reads it without decoding cost
            inputs.append(buf.getvalue())
            while ready and ready[0].poll() is not None:  # a spare that died is of no use
                ready.pop(0)
            procs.append(ready.pop(0) if ready else start_tesseract(cmd))
        while ready is not None and len(ready) < refill:
            ready.append(start_tesseract(cmd))
        if len(procs) == 1:
            return [_collect(procs[0], inputs[0])]
        # communicate() feeds one process and waits for it: one thread each, or the second process would sit
        # waiting for its stdin until the first one is done.
        pool = ThreadPoolExecutor(len(procs))
        try:
            return list(pool.map(_collect, procs, inputs))
        except BaseException:
            stop_processes(procs)  # a failed strip: stop the others now rather than wait for them
            raise
        finally:
            pool.shutdown(wait=True)
    finally:
        stop_processes(procs)


def _collect(proc: subprocess.Popen[bytes], data: bytes) -> str:
    try:
        stdout, stderr = proc.communicate(data, timeout=OCR_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise RedactorError(f"Tesseract took longer than {OCR_TIMEOUT_S} s on one image; try a smaller crop.") from exc
    if proc.returncode != 0:
        err = stderr.decode("utf-8", "replace").strip().splitlines()
        raise RedactorError("Tesseract failed on this image: " + (err[-1] if err else f"exit {proc.returncode}"))
    return stdout.decode("utf-8", "replace")


class ProcessRunner:
    """Reads strips with Tesseract processes, each started ahead of need (see `warm`)."""

    name: Backend = "process"

    def __init__(self, lang: str, psm: int) -> None:
        find_tesseract()  # TesseractMissing now, as the library back-end says it
        self.lang, self.psm = lang, psm
        self._pid = os.getpid()
        self._ready: list[subprocess.Popen[bytes]] = []
        self._prefetch = 0  # after warm(): the next read starts one process for the read after it
        # Processes warm() started and nobody used die with the runner (they would exit on EOF anyway).
        self._finalizer = weakref.finalize(self, stop_processes, self._ready)

    def usable(self) -> bool:
        # A forked child must not use its parent's warm processes (it would also hold their stdin open).
        return self._pid == os.getpid()

    def warm(self, count: int) -> None:
        """Start processes now, up to `count` waiting: each loads its model while the caller decodes and
        prepares the image; the next read also starts one for the read after it (the verification pass)."""
        self._prefetch = 1
        self._ready[:] = [p for p in self._ready if p.poll() is None]
        if len(self._ready) < count:
            cmd = tesseract_command(self.lang, self.psm)
            self._ready.extend(start_tesseract(cmd) for _ in range(count - len(self._ready)))

    def read(self, strips: list[Image.Image]) -> list[str]:
        refill, self._prefetch = self._prefetch, 0  # once: the verification pass needs no successor
        return run_tesseract_many(strips, lang=self.lang, psm=self.psm, ready=self._ready, refill=refill)

    def close(self) -> None:
        self._prefetch = 0
        stop_processes(self._ready)
