"""Persistent settings (QSettings): recent models and files, geometry, splitters, last options.

The organisation and application names are "SemVec" / "SemVec Studio". Tests and the
``--screenshots`` mode point :data:`SETTINGS_ENV` at a temporary INI file so they never read or
write the user's settings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

ORGANISATION = "SemVec"
APPLICATION = "SemVec Studio"
SETTINGS_ENV = "SEMVEC_STUDIO_SETTINGS"
RECENT_LIMIT = 8
RECENT_MODELS = "recent/models"
RECENT_FILES = "recent/files"


def open_settings() -> QSettings:
    """The user's settings, or the INI file named by ``$SEMVEC_STUDIO_SETTINGS``."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def app_data_folder() -> Path:
    """Where the app keeps its own files (untitled workspaces): beside ``$SEMVEC_STUDIO_SETTINGS``
    when it is set, else the platform's application data folder."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return Path(path).absolute().parent
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(found) if found else Path.home() / ".semvec-studio"


def read_json(settings: QSettings, key: str, default):
    """A JSON value (lists and dicts survive every QSettings backend this way)."""
    raw = settings.value(key)
    if not isinstance(raw, str):
        return default
    try:
        value = json.loads(raw)
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def write_json(settings: QSettings, key: str, value) -> None:
    settings.setValue(key, json.dumps(value))


def recent(settings: QSettings, key: str) -> list[str]:
    return [str(v) for v in read_json(settings, key, [])][:RECENT_LIMIT]


def push_recent(settings: QSettings, key: str, value: str) -> list[str]:
    """Put ``value`` first in the recent list ``key``; returns the new list."""
    items = [value] + [v for v in recent(settings, key) if v != value]
    items = items[:RECENT_LIMIT]
    write_json(settings, key, items)
    return items
