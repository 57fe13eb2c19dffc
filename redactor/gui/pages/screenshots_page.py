"""Step 3: screenshots. Each is redacted in the background, then shown before/after for the user to correct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from redactor.gui import workers
from redactor.gui.pages.base import Message, Page, heading
from redactor.gui.pages.shot_jobs import recheck_job, redact_job
from redactor.gui.settings import Settings
from redactor.gui.state import FlowState, Shot
from redactor.gui.widgets.image_editor import KEYBOARD_HELP, ImageEditor
from redactor.image.kinds import KIND_TITLES
from redactor.image.verdict import screenshot_verdict

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp);;All files (*)"  # what the core's load_image reads
RECHECK_DELAY_MS = 600  # re-read the image this long after the last box edit
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
NOTHING_TO_PASTE = "The clipboard holds no picture. Take the screenshot again, or save it and add the file."
NOTHING_DROPPED = "That is not a picture the app can read: drop PNG, JPEG, WebP or BMP files."


class ScreenshotsPage(Page):
    title = "Screenshots"

    def __init__(self, state: FlowState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(state, settings, parent)
        self._jobs: dict[int, workers.Job] = {}
        self._pasted = 0
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Screenshots support asked for"))
        intro = QLabel("Add the screenshots (drop them here, paste with Ctrl+V, or choose files). The app blacks "
                       "out payment details; check each one, drag over anything else to hide, click a black box "
                       "to uncover it. The final image uses exactly the boxes you see.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        split = QSplitter()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add files…")
        self.add_button.clicked.connect(self._pick_files)
        self.paste_button = QPushButton("&Paste")
        self.paste_button.setToolTip("Paste a screenshot from the clipboard (Ctrl+V)")
        self.paste_button.clicked.connect(self.paste)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.paste_button)
        lv.addLayout(buttons)
        list_label = QLabel("Screensh&ots:")
        self.list = QListWidget()
        self.list.setAccessibleName("Screenshots")
        list_label.setBuddy(self.list)
        self.list.currentRowChanged.connect(self._show)
        lv.addWidget(list_label)
        lv.addWidget(self.list, 1)
        kind_row = QHBoxLayout()
        kind_label = QLabel("&Kind:")
        self.kind = QComboBox()
        for key, text in KIND_TITLES.items():
            self.kind.addItem(text, key)
        kind_label.setBuddy(self.kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        kind_row.addWidget(kind_label)
        kind_row.addWidget(self.kind, 1)
        lv.addLayout(kind_row)
        self.remove_button = QPushButton("Re&move screenshot")
        self.remove_button.clicked.connect(self.remove_current)
        lv.addWidget(self.remove_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("&Stop checking")
        self.cancel_button.setToolTip("Stop reading the screenshots still being checked and remove them")
        self.cancel_button.clicked.connect(self.cancel_all)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        lv.addLayout(progress_row)
        split.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        self.original = QCheckBox("Show o&riginal")
        self.original.setToolTip("Before: outline the boxes instead of filling them")
        self.editor = ImageEditor()
        self.original.toggled.connect(self.editor.set_show_original)
        zoom_out = QPushButton("−")
        zoom_out.setToolTip("Zoom out (Ctrl+-)")
        zoom_out.setAccessibleName("Zoom out")
        fit = QPushButton("&Fit")
        fit.setToolTip("Fit the screenshot in the window (Ctrl+0)")
        zoom_in = QPushButton("+")
        zoom_in.setToolTip("Zoom in (Ctrl++)")
        zoom_in.setAccessibleName("Zoom in")
        self.box_count = QLabel("")
        tools.addWidget(self.original)
        tools.addStretch(1)
        tools.addWidget(self.box_count)
        tools.addWidget(zoom_out)
        tools.addWidget(fit)
        tools.addWidget(zoom_in)
        rv.addLayout(tools)
        self.editor.boxesChanged.connect(self._boxes_changed)
        self.check_note = QLabel("")
        self.check_note.setTextFormat(Qt.TextFormat.PlainText)
        self.check_note.setWordWrap(True)
        self._recheck_timer = QTimer(self)
        self._recheck_timer.setSingleShot(True)
        self._recheck_timer.setInterval(RECHECK_DELAY_MS)
        self._recheck_timer.timeout.connect(self.recheck)
        self._rechecks: dict[int, workers.Job] = {}
        zoom_out.clicked.connect(self.editor.zoom_out)
        zoom_in.clicked.connect(self.editor.zoom_in)
        fit.clicked.connect(self.editor.fit)
        rv.addWidget(self.editor, 1)
        rv.addWidget(self.check_note)
        key_help = QLabel(KEYBOARD_HELP + " Ctrl+wheel or Ctrl+± zooms.")
        key_help.setWordWrap(True)
        rv.addWidget(key_help)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)
        self.message = Message()
        layout.addWidget(self.message)

        for keys, slot in ((QKeySequence.StandardKey.Paste, self.paste), (QKeySequence.StandardKey.ZoomIn,
                           self.editor.zoom_in), (QKeySequence.StandardKey.ZoomOut, self.editor.zoom_out),
                           (QKeySequence("Ctrl+0"), self.editor.fit)):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.remove_current,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self._sync_controls()

    # --- adding ---

    def add_files(self, paths: list[Path], kind: str | None = None) -> None:
        for path in paths:
            self.settings.set_last_folder("screenshots", path)
            shot = Shot(path=Path(path), kind=kind or "other", kind_chosen=kind is not None)
            self.state.shots.append(shot)
            self.list.addItem("")
            self._start(shot)
        self.list.setCurrentRow(self.list.count() - 1)
        self._sync_controls()

    def _pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Choose screenshots", self.settings.last_folder("screenshots"),
                                                IMAGE_FILTER)
        if names:
            self.add_files([Path(n) for n in names])

    def paste(self) -> None:
        self.add_mime(QGuiApplication.clipboard().mimeData(), NOTHING_TO_PASTE)

    def add_mime(self, mime: QMimeData | None, nothing: str = NOTHING_DROPPED) -> bool:
        """Files (drag and drop, copied in a file manager) or raw image data (a screenshot tool's clipboard)."""
        if mime is None or not mime.formats():
            self.message.error(nothing)
            return False
        files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        files = [f for f in files if f.suffix.lower() in IMAGE_SUFFIXES]
        if files:
            self.add_files(files)
            return True
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self._pasted += 1
                key = -self._pasted
                target = self.state.work_dir() / f"pasted-{self._pasted}.png"
                job = workers.run_job(self, "saving the pasted screenshot", lambda _ctl: image.save(str(target)),
                                      on_done=lambda ok: self._pasted_saved(key, target, ok),
                                      on_failed=self.message.error,
                                      on_finished=lambda: self._forget(key))
                self._jobs[key] = job
                self._sync_controls()
                return True
        self.message.error(nothing)
        return False

    def _forget(self, key: int) -> None:
        self._jobs.pop(key, None)
        self._sync_controls()

    def _pasted_saved(self, key: int, target: Path, ok: bool) -> None:
        self._jobs.pop(key, None)
        if ok:
            self.add_files([target])
        else:
            self.message.error("The pasted picture could not be stored. Save it as a file and add that instead.")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        if self.add_mime(event.mimeData()):
            event.acceptProposedAction()

    # --- redaction in the background ---

    def enter(self) -> None:
        """A contract or trade chosen (or changed) on the trade step after a screenshot was read: read it again,
        so that trade's known payment details are looked for in it; one the user already edited is left as it
        is, with a word."""
        stale = [s for s in self.state.shots if not s.busy and s.known_for != self._known_for()]
        for shot in stale:
            if shot.edited:
                shot.note = ("⚠ Checked before this trade or contract was chosen: remove it and add it again to "
                             "have the trade's payment details looked for in it, or look for them yourself.")
                self.message.info(f"{shot.path.name}: {shot.note[2:]}")
                self._refresh_item(shot)
            else:
                self._start(shot)

    def _known_for(self) -> tuple[object, ...]:
        """What the known values of a reading come from: the data folder, the trade and the contract."""
        data_dir = self.state.data_dir.path if self.state.data_dir is not None else None
        return data_dir, self.state.trade_id.strip(), self.state.contract

    def _start(self, shot: Shot) -> None:
        shot.busy, shot.error, shot.known_for = True, None, self._known_for()
        data_dir = self.state.data_dir.path if self.state.data_dir is not None else None
        job = workers.Job(f"reading {shot.path.name}", redact_job(shot.path, self.state.contract, data_dir,
                                                                  self.state.trade_id))
        job.on(self, progress=lambda text, _f: self.message.info(text) if self._jobs.get(id(shot)) is job else None,
               done=lambda result: self._redacted(shot, result), failed=lambda text: self._failed(shot, text),
               finished=lambda: self._finished(shot, job))
        self._jobs[id(shot)] = job
        self._refresh_item(shot)
        workers.start(job)

    def _redacted(self, shot: Shot, result: Any) -> None:
        redaction, preview = result
        shot.redaction, shot.preview, shot.boxes = redaction, preview, list(redaction.boxes)
        if not shot.kind_chosen:  # what the core recognised; the Kind box changes it
            shot.kind = redaction.kind
        shot.note = screenshot_verdict(redaction.verified, redaction.problems, redaction.known_checked)
        if shot in self.state.shots and self.list.currentRow() == self.state.shots.index(shot):
            self._show(self.list.currentRow())
        if redaction.problems:
            self.message.error(f"{shot.path.name}: " + " ".join(redaction.problems))

    def _failed(self, shot: Shot, text: str) -> None:
        shot.error = text
        self.message.error(text)

    def _finished(self, shot: Shot, job: workers.Job) -> None:
        shot.busy = False
        if self._jobs.get(id(shot)) is job:
            del self._jobs[id(shot)]
        if shot not in self.state.shots:  # removed or stopped meanwhile
            self._sync_controls()
            return
        self._refresh_item(shot)
        if not self._jobs and not self.message.text().startswith(shot.path.name):
            self.message.info("All screenshots are checked. Look at each one before you go on.")
        self._sync_controls()
        self.changed.emit()

    def cancel_all(self) -> None:
        """Stop every running check; screenshots not yet checked are removed (they cannot be exported)."""
        for key, job in list(self._jobs.items()):
            job.cancel()
            self._jobs.pop(key, None)
        for shot in [s for s in self.state.shots if s.busy]:
            row = self.state.shots.index(shot)
            self.state.shots.pop(row)
            self.list.takeItem(row)
        self._show(self.list.currentRow())
        self.message.info("Stopped. Add the screenshots again when you are ready.")
        self.changed.emit()

    # --- list and editor ---

    def _refresh_item(self, shot: Shot) -> None:
        if shot not in self.state.shots:
            return
        row = self.state.shots.index(shot)
        status = ("checking…" if shot.busy else "could not be read" if shot.error
                  else f"{len(shot.boxes or [])} black box{'' if len(shot.boxes or []) == 1 else 'es'}")
        kind = ("kind not yet known" if shot.busy and not shot.kind_chosen
                else KIND_TITLES.get(shot.kind, shot.kind) + ("" if shot.kind_chosen else " (recognised)"))
        self.list.item(row).setText(f"{shot.path.name}\n{kind} — {status}")

    def current(self) -> Shot | None:
        row = self.list.currentRow()
        return self.state.shots[row] if 0 <= row < len(self.state.shots) else None

    def _show(self, row: int) -> None:
        shot = self.current()
        self.editor.clear()
        if shot is not None:
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(max(0, self.kind.findData(shot.kind)))
            self.kind.blockSignals(False)
            if shot.preview is not None and shot.redaction is not None:
                size = (shot.redaction.width, shot.redaction.height)
                self.editor.set_image(shot.preview, size, list(shot.boxes or []))
        self.check_note.setText(shot.note if shot is not None else "")
        self._sync_controls()

    def _kind_changed(self, _index: int) -> None:
        shot = self.current()
        if shot is not None:
            shot.kind, shot.kind_chosen = self.kind.currentData(), True
            self._refresh_item(shot)

    def _boxes_changed(self) -> None:
        shot = self.current()
        if shot is not None and shot.boxes is not None:
            shot.boxes, shot.edited = self.editor.boxes(), True
            shot.note = "Checking your changes…"
            self.check_note.setText(shot.note)
            self._recheck_timer.start()
            self._refresh_item(shot)
            self._sync_controls()

    def recheck(self) -> None:
        """Re-read the current screenshot with the user's boxes; a newer edit replaces a running check."""
        shot = self.current()
        if shot is None or not shot.ready:
            return
        old = self._rechecks.pop(id(shot), None)
        if old is not None:
            old.cancel()
        job = workers.Job(f"checking {shot.path.name} again", recheck_job(shot.path, shot.redaction,
                                                                          list(shot.boxes or [])))
        job.on(self, done=lambda problems: self._rechecked(shot, job, problems),
               failed=lambda text: self._rechecked(shot, job, None, text),
               finished=lambda: self._rechecks.pop(id(shot), None) if self._rechecks.get(id(shot)) is job else None)
        self._rechecks[id(shot)] = workers.start(job)

    def _rechecked(self, shot: Shot, job: workers.Job, problems: list[str] | None, error: str = "") -> None:
        if self._rechecks.get(id(shot)) is not job:
            return
        if error:
            shot.note = f"⚠ {error}"
        elif problems:
            shot.note = ("⚠ With your boxes the app can still read: " + "; ".join(problems) +
                         ". Black it out, unless you uncovered it on purpose.")
        else:
            shot.note = screenshot_verdict(True, [], shot.redaction.known_checked if shot.redaction else 0)
        if shot is self.current():
            self.check_note.setText(shot.note)

    def remove_current(self) -> None:
        shot = self.current()
        if shot is None:
            return
        job = self._jobs.pop(id(shot), None)
        if job is not None:
            job.cancel()
        row = self.state.shots.index(shot)
        self.state.shots.pop(row)
        self.list.takeItem(row)
        self._show(self.list.currentRow())
        self.changed.emit()

    def _sync_controls(self) -> None:
        shot = self.current()
        self.kind.setEnabled(shot is not None)
        self.remove_button.setEnabled(shot is not None)
        self.progress.setVisible(bool(self._jobs))
        self.cancel_button.setVisible(bool(self._jobs))
        n = len(shot.boxes or []) if shot is not None else 0
        self.box_count.setText(f"{n} black box{'es' if n != 1 else ''}" if shot is not None and shot.ready else "")

    def busy(self) -> bool:
        return bool(self._jobs)

    def problem(self) -> str | None:
        if self._jobs:
            return f"Wait until the screenshots have been checked ({len(self._jobs)} left)."
        return None
