"""Persistent preferences (QSettings, INI format): last folders per purpose and the theme.

Tests point QSettings at a temp dir with `QSettings.setPath`, so they never touch the user's settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORG = "Bisq"
APP = "Bisq Support Redactor"
THEMES = ("system", "light", "dark")


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)

    def last_folder(self, purpose: str) -> str:
        """Last folder used for `purpose` ("screenshots", "export", "bundles", ...), or the home folder."""
        value = self._s.value(f"folders/{purpose}", "")
        if isinstance(value, str) and value and Path(value).is_dir():
            return value
        return str(Path.home())

    def set_last_folder(self, purpose: str, folder: Path | str) -> None:
        path = Path(folder)
        self._s.setValue(f"folders/{purpose}", str(path if path.is_dir() else path.parent))

    @property
    def theme(self) -> str:
        value = self._s.value("appearance/theme", "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._s.setValue("appearance/theme", value if value in THEMES else "system")

    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, data: QByteArray) -> None:
        self._s.setValue("window/geometry", data)

    def value(self, key: str) -> str:
        """A free-form text preference ("" when unset), e.g. the agent key's file (redactor.gui.agent.keys_tab)."""
        value = self._s.value(key, "")
        return value if isinstance(value, str) else ""

    def set_value(self, key: str, value: str) -> None:
        self._s.setValue(key, value)

    def sync(self) -> None:
        self._s.sync()
