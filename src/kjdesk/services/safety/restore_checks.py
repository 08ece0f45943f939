"""What a backup must prove before it replaces the database: the same bureau, an intact trail.

* A backup of another city or bureau is refused, naming both (the 包头 bureau never silently
  becomes 乌海).
* A backup whose audit chain (or money seals) fails verification is refused unless a 管理员
  overrides with a written reason; the override is recorded in the database replaced and in
  the restored one.

The backup is only read (opened read-only, never migrated).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.settings import CITIES
from kjdesk.store.audit import event_hash


@dataclass(frozen=True)
class BackupTrail:
    city: str
    bureau_name: str
    problems: tuple[str, ...]  # the audit chain and money seals: empty when intact

    @property
    def label(self) -> str:
        city = CITIES.get(self.city, {}).get("name", self.city or "未初始化")
        return f"{self.bureau_name or '（未填写科技局名称）'}（{city}）"


def _ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def read_trail(path: Path) -> BackupTrail:
    """The bureau of a backup and what its verification finds (the file is only read)."""
    con = _ro(path)
    try:
        settings = dict(con.execute("SELECT key, value FROM settings").fetchall())
        columns = {r[1] for r in con.execute("PRAGMA table_info(audit_events)")}
        problems = list(_chain_problems(con, "seal" in columns))
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = (con.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0]
    finally:
        con.close()
    if "money_seals" in tables and not problems:
        problems.extend(_seal_problems(path, revision))
    city = settings.get("city", "")
    default = str(CITIES.get(city, {}).get("bureau", ""))
    return BackupTrail(city, settings.get("bureau_name") or default, tuple(problems))


def _chain_problems(con: sqlite3.Connection, has_seal: bool):  # noqa: ANN202 - an iterator of str
    seal = ", seal" if has_seal else ""
    prev, expected = "", None
    q = f"SELECT id, at, actor, action, entity, entity_id, before, after, prev_hash, hash{seal} FROM audit_events ORDER BY id"
    for row in con.execute(q):
        eid, at, actor, action, entity, entity_id, before, after, prev_hash, h = row[:10]
        if expected is not None and eid != expected:
            yield f"审计事件 #{expected} 缺失（被删除）"
            return
        if prev_hash != prev:
            yield f"审计事件 #{eid} 的前序哈希不符：之前的事件被改动或删除"
            return
        when = datetime.fromisoformat(str(at))
        args = (prev_hash, when, actor, action, entity, str(entity_id), before or "", after or "")
        if event_hash(*args, (row[10] or "") if has_seal else "") != h:
            yield f"审计事件 #{eid} 的内容被改动（哈希不符）"
            return
        prev, expected = h, eid + 1


def _seal_problems(path: Path, revision: str | None) -> list[str]:
    """The money rows against their seals, when the backup has this program's schema."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from kjdesk.services.safety.audit_money import describe
    from kjdesk.store import seal
    from kjdesk.store.db import head_revision

    if revision != head_revision():
        return []  # an older schema: its chain is checked above; its seals are made when migrated
    engine = create_engine(f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true")
    try:
        with engine.connect() as conn, Session(conn) as s:
            return [describe(s, p).text for p in seal.check(conn)]
    finally:
        engine.dispose()


def check_same_bureau(current_city: str, current_name: str, trail: BackupTrail) -> None:
    """Refuse a backup of another city or bureau, naming both."""
    if not current_city:
        return  # the database being replaced was never initialised: nothing to compare
    same_name = "".join(trail.bureau_name.split()) == "".join(current_name.split())
    if trail.city != current_city or (trail.bureau_name and not same_name):
        here = f"{current_name}（{CITIES.get(current_city, {}).get('name', current_city)}）"
        raise ServiceError(
            f"该备份属于{trail.label}，当前数据库属于{here}：不能用另一个市或科技局的备份恢复，当前数据库未改动"
        )


def check_trail(trail: BackupTrail, override_reason: str) -> str:
    """Refuse a backup whose trail fails verification unless ``override_reason`` is given; returns it."""
    reason = (override_reason or "").strip()
    if trail.problems and not reason:
        shown = "；".join(trail.problems[:5]) + ("……" if len(trail.problems) > 5 else "")
        raise ServiceError(
            f"备份文件的审计记录校验未通过（{shown}），已拒绝恢复，当前数据库未改动。"
            "如确需恢复，须由管理员写明原因强制恢复（命令行 --override-reason 原因）"
        )
    return reason if trail.problems else ""
