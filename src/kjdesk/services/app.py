"""The application context that every service receives: the database and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from kjdesk.store.db import Database


def default_data_dir() -> Path:
    return Path(user_data_dir("kjdesk", appauthor=False))


def default_db_path() -> Path:
    return default_data_dir() / "kjdesk.sqlite"


class ServiceError(Exception):
    """A user error a service reports in Chinese (bad argument, refused action)."""


class ValidationFailed(ServiceError):
    """Field-by-field problems: ``errors`` maps a field name to its Chinese reason."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Changes:
    """What a service changed, so open pages refresh only what they show."""

    units: bool = False
    platforms: bool = False
    people: bool = False
    recognitions: bool = False
    facts: bool = False
    entitlements: bool = False
    instalments: bool = False
    letters: bool = False
    settings: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{k: getattr(self, k) or getattr(other, k) for k in self.__dataclass_fields__})


@dataclass
class App:
    db: Database
    actor: str = "系统"
    role: str = "管理员"
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def open(cls, db: str | Path | None = None, *, actor: str = "系统") -> App:
        return cls(Database.open(db or default_db_path()), actor=actor)

    def close(self) -> None:
        self.db.close()
