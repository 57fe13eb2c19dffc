"""The bundle's zip written through a stream that cannot seek (encryption on the way out) is the same zip."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pytest

from redactor.bundle import zipcopy
from redactor.bundle.zipio import write_zip

MOMENT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


class _ForwardOnly(io.RawIOBase):
    """What an encrypting writer offers: write, and nothing else."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _entries(tmp_path: Path) -> list[tuple[str, object]]:
    log = tmp_path / "bisq.log"
    log.write_bytes(b"".join(f"line {i} of a sanitized log\n".encode() for i in range(20000)))
    return [("T/buyer/bisq.log", log), ("T/description.txt", b"what happened\n"), ("T/empty.txt", b"")]


def _streamed(tmp_path: Path) -> bytes:
    sink_out = _ForwardOnly()

    @contextmanager
    def sink(_out: Path) -> Iterator[BinaryIO]:
        yield sink_out  # type: ignore[misc]

    write_zip(tmp_path / "never-written.zip", _entries(tmp_path), MOMENT, sink=sink)  # type: ignore[arg-type]
    assert not (tmp_path / "never-written.zip").exists()
    return bytes(sink_out.data)


def test_a_forward_only_stream_gets_the_very_zip_a_file_gets(tmp_path: Path) -> None:
    write_zip(tmp_path / "file.zip", _entries(tmp_path), MOMENT)  # type: ignore[arg-type]
    assert _streamed(tmp_path) == (tmp_path / "file.zip").read_bytes()


def test_a_member_too_large_to_hold_is_compressed_twice_with_the_same_result(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write_zip(tmp_path / "file.zip", _entries(tmp_path), MOMENT)  # type: ignore[arg-type]
    monkeypatch.setattr(zipcopy, "MAX_HELD_COMPRESSED", 1024)  # the log's compressed data is larger than this
    assert _streamed(tmp_path) == (tmp_path / "file.zip").read_bytes()
