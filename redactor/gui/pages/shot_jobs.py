"""Worker bodies for the Screenshots step: each is a sequence of core calls, run off the GUI thread."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from redactor.gui import workers


def redact_job(path: Path, contract: Path | None = None, data_dir: Path | None = None, trade_id: str = "") -> Any:
    """The core finds, fills and re-reads what to black out (`redact`), including the contract's payment data
    wherever it shows; when it cannot make the image safe by itself, its detected boxes are shown with its
    reason so the user finishes by hand. The preview image is made here too: converting a 5K image on the GUI
    thread would freeze the window."""

    def work(ctl: workers.Control) -> Any:
        from redactor.bundle.sweep import case_known_values
        from redactor.gui.imaging import to_qimage
        from redactor.image.redact import UnsafeRedaction, load_image, redact
        from redactor.text.contract import personal_values_file

        # What the bundle's final sweep will look for: the contract's values and Bisq's own db files'.
        contract_values = personal_values_file(contract) if contract is not None else []
        known = case_known_values(data_dir, trade_id, contract_values).texts() if data_dir else contract_values
        ctl.progress(f"Opening {path.name}…")
        image = load_image(path)
        ctl.check()
        preview = to_qimage(image)
        ctl.check()
        ctl.progress(f"Reading the text in {path.name}…")
        try:
            _rendered, redaction = redact(image, known=known)
        except UnsafeRedaction as exc:  # show the widened boxes; the user finishes by hand
            redaction = exc.redaction
            redaction.problems = [str(exc)]
        return redaction, preview

    return work


def recheck_job(path: Path, redaction: Any, boxes: list[Any]) -> Any:
    """Re-read the image as the user's boxes would leave it (the core's `verify`). The regions read are the
    detected boxes and the user's, so a detected box the user removed is read again too."""

    def work(ctl: workers.Control) -> list[str]:
        from redactor.image.redact import load_image, render, verify

        image = load_image(path)
        ctl.check()
        regions = list(redaction.boxes) + [b for b in boxes if b not in redaction.boxes]
        return verify(render(image, boxes), replace(redaction, boxes=regions))

    return work
