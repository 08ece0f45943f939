"""Per-PC settings of the window, declared once (after Picard's ``options.py``).

Bureau-level settings (city, bureau name, letter pattern) live in the database and are read
through ``services.settings``; only what belongs to this PC lives here, in ``QSettings``:
window and dialog geometry, splitter positions, the last folder, the last page.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "kjdesk"
APPLICATION = "kjdesk"


@dataclass(frozen=True)
class Option:
    key: str
    default: object
    kind: type


LAST_FOLDER = Option("paths/last_folder", "", str)
LAST_PAGE = Option("window/last_page", "units", str)
MAIN_GEOMETRY = Option("window/geometry", QByteArray(), QByteArray)
MAIN_STATE = Option("window/state", QByteArray(), QByteArray)


def _store() -> QSettings:
    # An INI file in the user's configuration folder on every OS (tests point it elsewhere
    # with QSettings.setPath), never the Windows registry.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def get(option: Option) -> object:
    value = _store().value(option.key, option.default)
    if option.kind is QByteArray:
        return value if isinstance(value, QByteArray) else QByteArray()
    try:
        return option.kind(value) if value is not None else option.default
    except (TypeError, ValueError):
        return option.default


def put(option: Option, value: object) -> None:
    _store().setValue(option.key, value)


def geometry_key(name: str) -> Option:
    """The geometry of one dialog or splitter, remembered under its class name."""
    return Option(f"geometry/{name}", QByteArray(), QByteArray)
