"""Agents: the key traders encrypt bundles to, requests for a bundle, and opening `.zip.age` bundles.

The key is created once (stored passphrase-encrypted, redactor.handoff.keys) and unlocked once per session; the
unlocked identity lives only in this process's memory. scrypt makes unlocking take a second or two, so it runs
in a worker like everything slow. An encrypted bundle is decrypted into a private temporary folder (0700) that
lives while the bundle is open in the "Open a bundle" tab and is removed when another one is opened or the app
closes.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from redactor.errors import RedactorError
from redactor.gui import workers
from redactor.gui.pages.base import Message, heading
from redactor.gui.settings import Settings

KEY_SETTING = "agent/key_path"


class KeysTab(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.identities: list[Any] | None = None
        self.public_key = ""
        self.open_plain: Callable[[Path, str], Any] | None = None  # set by the agent view: show a decrypted zip
        self.open_failed: Callable[[str], None] | None = None  # and where to say why it could not be opened
        self._private: Path | None = None
        # Dialogs are attributes so tests can answer them.
        self.ask_passphrase: Callable[[str, bool], str | None] = self._ask_passphrase
        self.ask_key_path: Callable[[bool], Path | None] = self._ask_key_path
        self.ask_request_path: Callable[[], Path | None] = self._ask_request_path
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Your key and requests for encrypted bundles"))
        layout.addWidget(self._key_box())
        layout.addWidget(self._request_box())
        self.open_button = QPushButton("Open an encrypted bundle (.zip.&age)…")
        self.open_button.clicked.connect(self.choose_encrypted)
        layout.addWidget(self.open_button)
        layout.addStretch(1)
        self.message = Message()
        layout.addWidget(self.message)
        self._refresh()

    def _key_box(self) -> QGroupBox:
        key_box = QGroupBox("Your agent key")
        kl = QFormLayout(key_box)
        self.key_path = QLineEdit(self.settings.value(KEY_SETTING))
        self.key_path.setReadOnly(True)
        self.key_path.setPlaceholderText("no key yet: create one (once), or choose the file you keep it in")
        buttons = QHBoxLayout()
        self.new_key_button = QPushButton("&Create a key…")
        self.new_key_button.clicked.connect(self.create_key)
        self.choose_key_button = QPushButton("C&hoose key file…")
        self.choose_key_button.clicked.connect(self.choose_key)
        self.unlock_button = QPushButton("&Unlock…")
        self.unlock_button.clicked.connect(lambda: self.unlock())
        for b in (self.new_key_button, self.choose_key_button, self.unlock_button):
            buttons.addWidget(b)
        kl.addRow("Key file:", self.key_path)
        kl.addRow(buttons)
        self.public = QLineEdit()
        self.public.setReadOnly(True)
        self.public.setAccessibleName("Your public key")
        kl.addRow("Public key (safe to share):", self.public)
        return key_box

    def _request_box(self) -> QGroupBox:
        from redactor.bundle.checklist import ITEMS
        from redactor.handoff import request

        req_box = QGroupBox("Ask a trader for a bundle only you can open")
        rl = QGridLayout(req_box)
        trade_label = QLabel("&Trade ID:")
        self.trade_id = QLineEdit()
        trade_label.setBuddy(self.trade_id)
        rl.addWidget(trade_label, 0, 0)
        rl.addWidget(self.trade_id, 0, 1, 1, 3)
        self.need: dict[str, QCheckBox] = {}
        for i, (short, key) in enumerate(request.NEED_ITEMS.items()):
            box = QCheckBox(ITEMS[key][0])
            box.setChecked(True)
            self.need[short] = box
            rl.addWidget(box, 1 + i // 2, i % 2 * 2, 1, 2)
        row = 1 + (len(self.need) + 1) // 2
        days_label = QLabel("&Expires after (days):")
        self.days = QSpinBox()
        self.days.setRange(1, request.MAX_DAYS)
        self.days.setValue(request.DEFAULT_DAYS)
        days_label.setBuddy(self.days)
        rl.addWidget(days_label, row, 0)
        rl.addWidget(self.days, row, 1)
        self.make_button = QPushButton("Create the &request")
        self.make_button.clicked.connect(self.make_request)
        rl.addWidget(self.make_button, row, 3)
        self.request_line = QLineEdit()
        self.request_line.setReadOnly(True)
        self.request_line.setAccessibleName("Request to paste into the Matrix message")
        rl.addWidget(QLabel("Paste into your message:"), row + 1, 0)
        rl.addWidget(self.request_line, row + 1, 1, 1, 3)
        self.copy_button = QPushButton("Co&py")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.request_line.text()))
        self.save_button = QPushButton("&Save as file…")
        self.save_button.clicked.connect(self.save_request)
        rl.addWidget(self.copy_button, row + 2, 1)
        rl.addWidget(self.save_button, row + 2, 3)
        return req_box

    # --- key ----------------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        from redactor.handoff import keys

        path = self.key_path.text()
        try:
            self.public_key = keys.read_public_key(Path(path)) if path else ""
        except RedactorError:
            self.public_key = ""
        self.public.setText(self.public_key)
        self.unlock_button.setEnabled(bool(path) and self.identities is None)
        for w in (self.make_button, self.copy_button, self.save_button):
            w.setEnabled(bool(self.public_key))

    def _set_key_path(self, path: Path) -> None:
        self.key_path.setText(str(path))
        self.settings.set_value(KEY_SETTING, str(path))
        self.identities = None
        self._refresh()

    def create_key(self) -> workers.Job | None:
        from redactor.handoff import keys

        path = self.ask_key_path(True)
        if path is None:
            return None
        phrase = self.ask_passphrase("A passphrase for your new key (at least "
                                     f"{keys.MIN_PASSPHRASE} characters; a few words are best):", True)
        if phrase is None:
            return None

        def done(key: Any) -> None:
            self._set_key_path(key.secret_path)
            self.message.info(f"Key created: {key.secret_path.name}. Back it up: without it and its passphrase "
                              "no bundle encrypted to it can be opened.")

        return workers.run_job(self, "creating the key", lambda _ctl: keys.create_key(path, phrase), on_done=done,
                               on_failed=self.message.error)

    def choose_key(self) -> None:
        path = self.ask_key_path(False)
        if path is not None:
            self._set_key_path(path)

    def _error(self, text: str, opening: bool) -> None:
        self.message.error(text)
        if opening and self.open_failed is not None:
            self.open_failed(text)

    def unlock(self, then: Callable[[], Any] | None = None) -> workers.Job | None:
        from redactor.handoff import keys

        path = Path(self.key_path.text())
        opening = then is not None
        if not self.key_path.text():
            self._error("To open an encrypted bundle, create your agent key or choose its file first (Key and "
                        "requests tab).", opening)
            return None
        try:
            needs = keys.needs_passphrase(path)
        except RedactorError as exc:
            self._error(str(exc), opening)
            return None
        phrase = self.ask_passphrase(f"Passphrase for {path.name}:", False) if needs else None
        if needs and phrase is None:
            return None

        def done(identities: list[Any]) -> None:
            self.identities = identities
            self._refresh()
            self.message.info("Key unlocked for this session.")
            if then is not None:
                then()

        return workers.run_job(self, "unlocking the key", lambda _ctl: keys.load_identities(path, phrase),
                               on_done=done, on_failed=lambda text: self._error(text, opening))

    # --- requests -----------------------------------------------------------------------------------------

    def make_request(self) -> None:
        from redactor.handoff import request

        try:
            req = request.new_request(self.public_key, self.trade_id.text(),
                                      [n for n, box in self.need.items() if box.isChecked()], days=self.days.value())
        except RedactorError as exc:
            self.message.error(str(exc))
            return
        self.request = req
        self.request_line.setText(request.format_request(req))
        self.message.info(f"Request created; it expires {req.expires:%Y-%m-%d %H:%M} UTC.")

    def save_request(self) -> None:
        from redactor.handoff import request

        if not self.request_line.text():
            self.make_request()
        if not self.request_line.text():
            return
        path = self.ask_request_path()
        if path is None:
            return
        try:
            request.write_request_file(path, request.parse_request(self.request_line.text()))
        except RedactorError as exc:
            self.message.error(str(exc))
            return
        self.message.info(f"Request saved as {path}.")

    # --- encrypted bundles --------------------------------------------------------------------------------

    def choose_encrypted(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open an encrypted bundle", self.settings.last_folder("bundles"),
                                              "Encrypted bundle (*.zip.age *.age);;All files (*)")
        if name:
            self.settings.set_last_folder("bundles", Path(name))
            self.open_encrypted(Path(name))

    def open_encrypted(self, path: Path) -> workers.Job | None:
        """Decrypt `path` with the unlocked key (unlocking first if needed), then show it in the bundle tab."""
        if self.identities is None:
            return self.unlock(then=lambda: self.open_encrypted(path))
        from redactor.handoff.age_stream import decrypt_to, plain_name

        self.release()
        folder = Path(tempfile.mkdtemp(prefix="bisq-redactor-open-"))  # 0700
        self._private = folder
        atexit.register(shutil.rmtree, folder, True)  # gone at exit even if the tab is never told
        plain = folder / plain_name(path).name
        identities = list(self.identities)

        def done(_: Any) -> None:
            if self.open_plain is not None:
                self.open_plain(plain, path.name)

        def failed(text: str) -> None:
            self.release()
            self._error(text, True)

        self.message.info(f"Decrypting {path.name}…")
        return workers.run_job(self, f"decrypting {path.name}", lambda _ctl: decrypt_to(path, plain, identities),
                               on_done=done, on_failed=failed)

    def release(self) -> None:
        """Remove the decrypted copy of the bundle opened last."""
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    # --- dialogs ------------------------------------------------------------------------------------------

    def _ask_passphrase(self, prompt: str, new: bool) -> str | None:
        text, ok = QInputDialog.getText(self, "Agent key", prompt, QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if new:
            again, ok = QInputDialog.getText(self, "Agent key", "The same passphrase again:",
                                             QLineEdit.EchoMode.Password)
            if not ok:
                return None
            if again != text:
                self.message.error("The two passphrases differ; no key was created.")
                return None
        return text

    def _ask_key_path(self, new: bool) -> Path | None:
        folder = self.settings.last_folder("keys")
        if new:
            name, _ = QFileDialog.getSaveFileName(self, "Save your new agent key", str(Path(folder) / "support.key"))
        else:
            name, _ = QFileDialog.getOpenFileName(self, "Choose your agent key", folder, "Agent key (*.key);;All (*)")
        if not name:
            return None
        self.settings.set_last_folder("keys", Path(name))
        return Path(name)

    def _ask_request_path(self) -> Path | None:
        from redactor.handoff.request import SUFFIX

        name, _ = QFileDialog.getSaveFileName(self, "Save the request", str(Path(self.settings.last_folder(
            "requests")) / f"request{SUFFIX}"), f"Support request (*{SUFFIX})")
        return Path(name) if name else None


def install(bundle_tab: Any, keys_tab: KeysTab) -> None:
    """Wire the bundle tab to open `.zip.age` files through the keys tab (a few lines in agent_view.py)."""
    from redactor.handoff.age_stream import is_age_file

    plain_open = bundle_tab.open

    def open_any(path: Path) -> Any:
        if is_age_file(Path(path)):
            return keys_tab.open_encrypted(Path(path))
        keys_tab.release()
        return plain_open(path)

    def show_plain(plain: Path, shown_as: str) -> None:
        plain_open(plain)
        bundle_tab.path_label.setText(f"{shown_as} (encrypted; opened with your key, decrypted copy removed when "
                                      "you open another bundle or quit)")

    def failed(text: str) -> None:
        bundle_tab.path_label.setText("No bundle open.")
        bundle_tab.verdict.setText("")
        bundle_tab.message.error(text)

    checked = bundle_tab._checked

    def checked_with_audience(outcome: Any) -> None:
        checked(outcome)
        manifest = getattr(outcome[0], "manifest", None) or {}
        if manifest.get("audience") == "public":
            bundle_tab.verdict.setText(bundle_tab.verdict.text() + "<br><b>Made for a public issue:</b> trade IDs, "
                                       "tx IDs, onions and other IDs are placeholders such as &lt;trade-1&gt;.")
        elif manifest.get("audience") == "agent":
            bundle_tab.verdict.setText(bundle_tab.verdict.text() + "<br>Made for a support agent (IDs readable).")

    bundle_tab.open = open_any
    bundle_tab._checked = checked_with_audience
    keys_tab.open_plain = show_plain
    keys_tab.open_failed = failed
