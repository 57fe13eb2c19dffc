"""Step 5: support's checklist, where to save the bundle, and how to send it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from redactor.bundle.case import ROLE_TITLES
from redactor.errors import RedactorError
from redactor.gui import workers
from redactor.gui.pages.base import Message, Page, heading
from redactor.gui.settings import Settings
from redactor.gui.state import FlowState

SEND_NOTE = (
    "<b>Sending it:</b> give this file only to the support agent who asked for it, in a private message "
    "(a direct message on Matrix, or the way the agent named in the Bisq support chat). Never post it in a "
    "public room or forum. The agent can check that the file was not changed."
)
OK, MISSING, OPTIONAL = "✔", "✘", "–"


def checklist(state: FlowState) -> list[tuple[str, str]]:
    """(mark, sentence) for support's checklist (the core's items) against what the trader has given so far."""
    from redactor.bundle.checklist import BISQ2_SHOT, items_for

    kinds = {s.kind for s in state.shots if s.ready}
    version = getattr(state.data_dir, "bisq_version", 1)
    have = {
        "description": bool(state.description.strip()),
        "txids": bool(state.txids),
        "logs": bool(state.log_paths),
        "contract": state.contract is not None,
    }
    items = [
        (OK if state.trade_id else MISSING, f"the trade ID: {state.trade_id or 'missing'}"),
        (OK if state.role else MISSING, f"your role: {ROLE_TITLES.get(state.role, 'missing')}"),
    ]
    for key, (sentence, required) in items_for(version).items():
        ok = have.get(key, BISQ2_SHOT.get(key, key.split(":", 1)[-1]) in kinds)
        items.append((OK if ok else MISSING if required else OPTIONAL, sentence))
    return items


def default_bundle_name(trade_id: str, role: str) -> str:
    try:
        from redactor.bundle import writer

        name_fn = getattr(writer, "bundle_name", None)
        if callable(name_fn):
            return str(name_fn(trade_id, role))
    except ImportError:
        pass
    return f"{trade_id}-{role}.zip" if role else f"{trade_id}.zip"


class ExportPage(Page):
    title = "Export"

    def __init__(self, state: FlowState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(state, settings, parent)
        self._job: workers.Job | None = None
        self.open_folder = QDesktopServices.openUrl  # replaced in tests: no file manager offscreen
        self.confirm_overwrite = self._ask_overwrite  # replaced in tests
        self._replace_ok: Path | None = None  # the save dialog already asked about this file
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Check and save the bundle"))
        from redactor.gui.pages.handoff_box import AudienceChoice, HandoffBox  # hand-off (issue 15)

        self.audience = AudienceChoice()
        self.audience.public.toggled.connect(self._audience_changed)
        layout.addWidget(self.audience)
        list_label = QLabel("What support asks for (&checklist):")
        self.checklist = QListWidget()
        self.checklist.setAccessibleName("Support checklist")
        list_label.setBuddy(self.checklist)
        layout.addWidget(list_label)
        layout.addWidget(self.checklist, 1)
        row = QHBoxLayout()
        out_label = QLabel("&Save as:")
        self.output = QLineEdit()
        out_label.setBuddy(self.output)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(out_label)
        row.addWidget(self.output, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.handoff = HandoffBox(state)
        layout.addWidget(self.handoff)
        actions = QHBoxLayout()
        self.create_button = QPushButton("Create the &bundle")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.export)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.show_button = QPushButton("Show in &folder")
        self.show_button.clicked.connect(self.show_in_folder)
        self.progress = QProgressBar()
        actions.addWidget(self.create_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.show_button)
        layout.addLayout(actions)
        self.message = Message()
        layout.addWidget(self.message)
        note = QLabel(SEND_NOTE)
        note.setWordWrap(True)
        layout.addWidget(note)
        self._set_running(False)
        self.show_button.setEnabled(False)

    def enter(self) -> None:
        self.checklist.clear()
        for mark, text in checklist(self.state):
            self.checklist.addItem(QListWidgetItem(f"{mark}  {text}"))
        name = (self.audience.PUBLIC_NAME if self.audience.audience == "public"
                else default_bundle_name(self.state.trade_id, self.state.role))
        current = Path(self.output.text()) if self.output.text() else None
        folder = current.parent if current else Path(self.settings.last_folder("export"))
        self.output.setText(str(folder / name))

    def _audience_changed(self) -> None:
        """A public bundle is not encrypted to anyone and gets a name without the trade ID."""
        public = self.audience.audience == "public"
        self.handoff.setEnabled(not public)
        if self.output.text():
            folder = Path(self.output.text()).parent
            name = self.audience.PUBLIC_NAME if public else default_bundle_name(self.state.trade_id, self.state.role)
            self.output.setText(str(folder / name))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the support bundle", self.output.text(),
                                              "Support bundle (*.zip)")
        if name:
            self.output.setText(name if name.endswith(".zip") else name + ".zip")
            self._replace_ok = Path(self.output.text())

    def export(self) -> None:
        if self._job is not None:
            return
        out = Path(self.output.text().strip()).expanduser()
        if not self.output.text().strip():
            self.message.error("Choose where to save the bundle.")
            return
        if not out.parent.is_dir():
            self.message.error(f"The folder {out.parent} does not exist. Choose another place to save the bundle.")
            return
        data_dir = self.state.data_dir.path.resolve() if self.state.data_dir is not None else None
        if data_dir is not None and data_dir in out.resolve().parents:
            self.message.error("Save the bundle outside the Bisq data folder: the app never writes into it.")
            return
        try:
            case = self.state.make_case()
            case.validate()
        except RedactorError as exc:  # the core's checks are written for traders
            self.message.error(str(exc))
            return
        if out.exists() and out != self._replace_ok and not self.confirm_overwrite(out):
            return
        if self.audience.audience == "agent" and self.handoff.problem():
            self.message.error(self.handoff.problem() or "")
            return
        self.settings.set_last_folder("export", out.parent)
        options = self.handoff.bundle_options() if self.audience.audience == "agent" else {"audience": "public"}

        def work(ctl: workers.Control) -> Any:
            from redactor.bundle.writer import build_bundle

            return build_bundle(case, out, progress=lambda text, f: ctl.progress(text, f), cancel=ctl.cancelled,
                                **options)

        self._job = workers.run_job(self, "creating the bundle", work, on_done=self._done, on_failed=self._failed,
                                    on_progress=self._progress,
                                    on_finished=lambda: self._set_running(False))
        self._set_running(True)
        self.message.info("Creating the bundle…")

    def _ask_overwrite(self, out: Path) -> bool:
        answer = QMessageBox.question(self, "Replace the bundle?", f"{out.name} already exists. Replace it?")
        return answer == QMessageBox.StandardButton.Yes

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.message.info("Cancelled. Nothing was saved.")

    def _set_running(self, running: bool) -> None:
        if not running:
            self._job = None
            self.changed.emit()
        self.create_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.progress.setVisible(running)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)

    def _progress(self, text: str, fraction: float) -> None:
        if fraction >= 0:
            self.progress.setValue(int(fraction * 1000))
        self.message.info(text[:1].upper() + text[1:] + ("…" if fraction < 1 else ""))

    def _failed(self, text: str) -> None:
        self.message.error(text)

    def _done(self, result: Any) -> None:
        from redactor.bundle.checklist import ALL_ITEMS, ITEMS_BISQ2

        self.state.bundle = result
        self.show_button.setEnabled(True)
        optional = {sentence for sentence, required in [*ALL_ITEMS.values(), *ITEMS_BISQ2.values()] if not required}
        missing = [str(m) for m in result.missing or [] if m not in optional]
        text = f"Saved {result.path}."
        if self.audience.audience == "agent" and "encrypt_to" in self.handoff.bundle_options():
            text += " It is encrypted: only the agent whose key you gave can open it."
        asked = self.handoff.missing_requested(result.manifest.get("checklist", {}))
        if asked:
            text += " The agent asked for these and the bundle does not hold them: " + "; ".join(asked) + "."
        elif missing:
            text += " Support may still ask you for: " + "; ".join(missing) + "."
        self.message.info(text)

    def show_in_folder(self) -> None:
        result = self.state.bundle
        if result is not None:
            self.open_folder(QUrl.fromLocalFile(str(Path(result.path).parent)))

    def busy(self) -> bool:
        return self._job is not None
