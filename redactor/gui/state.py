"""What the trader has chosen so far. Pages fill it in; the export page turns it into a core `Case`.

Plain data only (no Qt widgets), so it is easy to inspect in tests.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Shot:
    """One screenshot: the original file, its kind, and (after OCR) the boxes the user keeps."""

    path: Path
    kind: str = "other"  # recognised by the first reading unless `kind_chosen`
    kind_chosen: bool = False  # the user (or the caller) chose the kind: a reading does not change it
    redaction: Any = None  # redactor.image.redact.Redaction once detection finished
    boxes: list[Any] | None = None  # the boxes shown in the editor; None until detection finished
    preview: Any = None  # QImage of the original, made in the worker
    error: str | None = None
    busy: bool = False
    note: str = ""  # the latest check of what the boxes leave readable, as a sentence
    # (data folder, trade ID, contract) whose known payment details the last reading looked for
    known_for: tuple[object, ...] = ()
    edited: bool = False  # the user changed the boxes by hand

    @property
    def ready(self) -> bool:
        return self.boxes is not None and self.error is None


@dataclass
class FlowState:
    data_dir: Any = None  # redactor.bisq.datadir.DataDir
    trades: list[Any] = field(default_factory=list)  # TradeSeen found in the logs of data_dir
    trade_id: str = ""
    role: str = ""  # "buyer" | "seller"
    description: str = ""
    txids: dict[str, str] = field(default_factory=dict)
    contract: Path | None = None
    extra_user_names: tuple[str, ...] = ()
    shots: list[Shot] = field(default_factory=list)
    sanitize_report: Any = None  # SanitizeReport of the preview pass
    preview_dir: Path | None = None  # where the preview pass wrote sanitized logs
    bundle: Any = None  # BundleResult after export
    _work: Path | None = None

    def work_dir(self) -> Path:
        """A private temp folder for pasted screenshots and the log preview; removed by `cleanup`."""
        if self._work is None or not self._work.is_dir():
            self._work = Path(tempfile.mkdtemp(prefix="bisq-redactor-"))
        return self._work

    def cleanup(self) -> None:
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    @property
    def log_paths(self) -> list[Path]:
        return [f.path for f in self.data_dir.log_files] if self.data_dir is not None else []

    def make_case(self) -> Any:
        from redactor.bundle.case import Case, Screenshot

        shots = [Screenshot(path=s.path, kind=s.kind, boxes=list(s.boxes or [])) for s in self.shots if s.ready]
        return Case(
            trade_id=self.trade_id,
            role=self.role,
            description=self.description,
            txids=dict(self.txids),
            screenshots=shots,
            data_dir=self.data_dir.path if self.data_dir is not None else None,
            log_files=self.log_paths or None,
            contract=self.contract,
            extra_user_names=tuple(self.extra_user_names),
        )
