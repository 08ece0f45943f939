"""The chain head kept outside the database file, so that cutting off the newest events shows.

Two copies of the anchor (the newest audit event: id, hash, time) are kept: beside the
backups (``backups/audit-anchor.json``) and in the user's settings folder
(``audit-anchors.json``, keyed by the database). The anchor moves only forward along the
same chain: it is replaced after a commit only while the event it names is still in the
database with the same hash; a restore (the 管理员's deliberate act) resets it. The short
form of the head (``chain_head``) is printed on the finance sheet and the letter batch, so
a paper copy anchors the trail too.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from platformdirs import user_config_dir
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kjdesk.store.backup import backups_dir
from kjdesk.store.db import Database
from kjdesk.store.models import AuditEvent, utcnow

ANCHOR_FILE = "audit-anchor.json"
SETTINGS_FILE = "audit-anchors.json"
_HEAD = "kjdesk_audit_head"  # Session.info: the newest event this transaction recorded
_NEXT = "kjdesk_anchor_next"


def settings_dir() -> Path:
    """The user's settings folder (``KJDESK_SETTINGS_DIR`` overrides it, for tests and portable use)."""
    return Path(os.environ.get("KJDESK_SETTINGS_DIR") or user_config_dir("kjdesk", appauthor=False))


@dataclass(frozen=True)
class Anchor:
    event_id: int
    hash: str
    at: str  # UTC, ISO
    where: str  # 备份文件夹 / 本机设置
    genesis: str = ""  # the hash of the chain's first event: which database's chain this is


@dataclass(frozen=True)
class ChainHead:
    event_id: int
    hash: str

    @property
    def short(self) -> str:
        """The head as printed on paper: ``#1234-3fa9c2e1b07d``."""
        return f"#{self.event_id}-{self.hash[:12]}" if self.event_id else "#0"


def db_key(db: Database) -> str:
    return (
        str(db.path.resolve()) if db.path is not None else db.engine.url.render_as_string(hide_password=True)
    )


def _files(db: Database) -> list[tuple[Path, str | None, str]]:
    """(file, key inside it or None, label) of each place the anchor of ``db`` is kept."""
    out: list[tuple[Path, str | None, str]] = []
    if db.path is not None:
        out.append((backups_dir(db.path) / ANCHOR_FILE, None, "备份文件夹"))
    out.append((settings_dir() / SETTINGS_FILE, db_key(db), "本机设置"))
    return out


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_anchors(db: Database) -> list[Anchor]:
    found = []
    for path, key, label in _files(db):
        data = _load(path)
        if key is not None:
            data = data.get(key) or {}
        with contextlib.suppress(KeyError, TypeError, ValueError):
            found.append(
                Anchor(
                    int(data["event_id"]),
                    str(data["hash"]),
                    str(data.get("at", "")),
                    label,
                    str(data.get("genesis", "")),
                )
            )
    return found


def write_anchor(db: Database, head: ChainHead, genesis: str = "") -> None:
    """Keep ``head`` as the anchor in both places (a place that cannot be written is skipped)."""
    if not genesis:
        with db.session() as s:
            genesis = genesis_of(s)
    value = {"event_id": head.event_id, "hash": head.hash, "at": utcnow().isoformat(), "genesis": genesis}
    for path, key, _label in _files(db):
        data = value
        if key is not None:
            data = _load(path)
            data[key] = value
        with contextlib.suppress(OSError):
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the backups folder: owner only
            part = path.with_name(path.name + ".part")
            part.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(part, path)


def head_of(session: Session) -> ChainHead:
    row = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return ChainHead(row.id, row.hash) if row else ChainHead(0, "")


def genesis_of(session: Session) -> str:
    return session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id).limit(1)) or ""


def anchor_problems(session: Session, db: Database) -> list[tuple[int, str]]:
    """(event id, Chinese reason) for each anchor whose event is gone or different.

    An anchor of another chain (a new database made where an old one was) does not apply;
    an empty chain where an anchor was kept is a chain cut to nothing."""
    problems = []
    genesis = genesis_of(session)
    restored = session.scalar(
        select(AuditEvent.at).where(AuditEvent.action == "恢复备份").order_by(AuditEvent.id.desc()).limit(1)
    )
    for a in read_anchors(db):
        if restored is not None and a.at and a.at < restored.isoformat():
            continue  # kept before the database was restored from a backup (its chain is the backup's)
        if a.genesis and genesis and a.genesis != genesis:
            continue  # another database's chain (this file was made anew)
        here = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == a.event_id))
        when = a.at[:19].replace("T", " ")
        if here is None:
            problems.append(
                (
                    a.event_id,
                    f"审计事件 #{a.event_id} 缺失（被删除）：{a.where}中保存的链头是该事件（{when} UTC 记录），"
                    "审计链被截断",
                )
            )
        elif here != a.hash:
            problems.append(
                (
                    a.event_id,
                    f"审计事件 #{a.event_id} 与{a.where}中保存的链头不同（哈希 {a.hash[:12]}，现为 {here[:12]}）：事件被改写",
                )
            )
    return problems


def _before_commit(db: Database):  # noqa: ANN202 - a listener
    def listener(session: Session) -> None:
        head = session.info.pop(_HEAD, None)
        if head is None or session.get_transaction() is None:
            return
        if not anchor_problems(session, db):  # only forward along the same chain
            session.info[_NEXT] = (ChainHead(head.id, head.hash), genesis_of(session))

    return listener


def _after_commit(db: Database):  # noqa: ANN202 - a listener
    def listener(session: Session) -> None:
        nxt = session.info.pop(_NEXT, None)
        if nxt is not None:
            write_anchor(db, *nxt)

    return listener


def _forget(session: Session) -> None:
    session.info.pop(_HEAD, None)
    session.info.pop(_NEXT, None)


def install(db: Database) -> None:
    """Move the anchor forward after each commit that recorded audit events."""
    if getattr(db, "_anchor_installed", False):
        return
    db._anchor_installed = True  # type: ignore[attr-defined]
    event.listen(db.factory, "before_commit", _before_commit(db))
    event.listen(db.factory, "after_commit", _after_commit(db))
    event.listen(db.factory, "after_rollback", _forget)


def note_head(session: Session, ev: AuditEvent) -> None:
    session.info[_HEAD] = ev


def chain_head(app) -> ChainHead:  # noqa: ANN001 - App (services.app imports this module)
    """The newest audit event (``.short`` is what the sheets and letter batches print)."""
    with app.db.session() as s:
        return head_of(s)


def reset_anchor(db: Database) -> ChainHead:
    """After a restore: the restored chain's head becomes the anchor."""
    with db.session() as s:
        head = head_of(s)
    write_anchor(db, head)
    return head


def anchor_time(a: Anchor) -> datetime | None:
    try:
        return datetime.fromisoformat(a.at)
    except ValueError:
        return None
