"""导入对照: the answers an officer gave while importing, remembered for the next list.

Two kinds: ``unit_name`` — a unit's name as a published list writes it is that registered
unit; ``title`` — a wording of a recognition type means that type (and level). An import
looks them up before asking (``remembered_units``, ``remembered_titles``); the 导入对照
page and ``kjdesk answers`` list, change and delete them. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kjdesk.policy.model import Level
from kjdesk.policy.titles import builtin_titles, normalize, type_name
from kjdesk.services.core.app import App, Changes, ServiceError, require_writable
from kjdesk.services.imports.names import name_key
from kjdesk.store import audit
from kjdesk.store.models import ImportAnswer, Unit

UNIT_NAME, TITLE = "unit_name", "title"
KIND_LABELS = {UNIT_NAME: "单位名称", TITLE: "认定类型措辞"}
ENTITY = "import_answers"
ANSWER_CHANGES = Changes(units=True)  # what a page showing answers refreshes on


@dataclass(frozen=True)
class AnswerRow:
    id: int
    kind: str
    kind_label: str
    shown: str  # the wording as the list wrote it
    meaning: str  # the unit's name and code, or the type and level
    unit_id: int | None
    type_id: str
    level: str
    source: str
    answered_by: str
    updated_at: datetime


def _meaning(a: ImportAnswer, unit: Unit | None) -> str:
    if a.kind == UNIT_NAME:
        return f"{unit.name}（{unit.credit_code}）" if unit is not None else "（单位已删除）"
    from kjdesk.services.register.tables import recognition_title

    return recognition_title(type_name(a.type_id), a.level, "")


def list_answers(app: App, kind: str | None = None) -> list[AnswerRow]:
    """Every remembered answer, newest change first."""
    with app.db.session() as s:
        q = select(ImportAnswer, Unit).outerjoin(Unit, ImportAnswer.unit_id == Unit.id)
        if kind is not None:
            q = q.where(ImportAnswer.kind == kind)
        q = q.order_by(ImportAnswer.updated_at.desc(), ImportAnswer.id.desc())
        return [
            AnswerRow(
                a.id,
                a.kind,
                KIND_LABELS.get(a.kind, a.kind),
                a.shown,
                _meaning(a, u),
                a.unit_id,
                a.type_id,
                a.level,
                a.source,
                a.answered_by,
                a.updated_at,
            )
            for a, u in s.execute(q)
        ]


def remembered_units(session: Session) -> dict[str, int]:
    """name_key → unit id of every remembered unit name."""
    q = select(ImportAnswer.wording, ImportAnswer.unit_id).where(
        ImportAnswer.kind == UNIT_NAME, ImportAnswer.unit_id.is_not(None)
    )
    return {w: u for w, u in session.execute(q)}


def title_key(text: str) -> str:
    return normalize(text)


def remembered_titles(session: Session) -> dict[str, tuple[str, str]]:
    """normalized wording → (type_id, level) of every remembered type wording."""
    q = select(ImportAnswer.wording, ImportAnswer.type_id, ImportAnswer.level).where(
        ImportAnswer.kind == TITLE
    )
    return {w: (t, lv) for w, t, lv in session.execute(q)}


def _snapshot(a: ImportAnswer) -> dict[str, object]:
    return {
        "kind": a.kind,
        "wording": a.wording,
        "shown": a.shown,
        "unit_id": a.unit_id,
        "type_id": a.type_id,
        "level": a.level,
        "source": a.source,
    }


def remember_names(session: Session, actor: str, names: list[tuple[str, int]], source: str) -> list[int]:
    """Store (name as written, unit id) pairs inside the caller's transaction; audited. A name
    answered before is pointed at the new unit."""
    ids = []
    for shown, unit_id in names:
        key = name_key(shown)
        a = session.scalar(
            select(ImportAnswer).where(ImportAnswer.kind == UNIT_NAME, ImportAnswer.wording == key)
        )
        before = _snapshot(a) if a is not None else None
        if a is None:
            a = ImportAnswer(kind=UNIT_NAME, wording=key, type_id="", level="")
            session.add(a)
        a.shown, a.unit_id, a.source, a.answered_by = shown, unit_id, source, actor
        session.flush()
        audit.record(session, actor, "记住对照", ENTITY, a.id, before, _snapshot(a))
        ids.append(a.id)
    return ids


def remember_titles(
    session: Session, actor: str, wordings: dict[str, tuple[str, str]], source: str
) -> list[int]:
    """Store (wording → type_id, level) answers inside the caller's transaction; audited."""
    ids = []
    for shown, (type_id, level) in wordings.items():
        key = title_key(shown)
        a = session.scalar(
            select(ImportAnswer).where(ImportAnswer.kind == TITLE, ImportAnswer.wording == key)
        )
        before = _snapshot(a) if a is not None else None
        if a is None:
            a = ImportAnswer(kind=TITLE, wording=key, unit_id=None)
            session.add(a)
        a.shown, a.type_id, a.level, a.source, a.answered_by = shown, type_id, level, source, actor
        session.flush()
        audit.record(session, actor, "记住对照", ENTITY, a.id, before, _snapshot(a))
        ids.append(a.id)
    return ids


def _unit_exists(s: Session, unit_id: int) -> Unit:
    unit = s.get(Unit, unit_id)
    if unit is None:
        raise ServiceError(f"单位（编号 {unit_id}）不存在，可能已被删除")
    return unit


def check_title_answer(type_id: str, level: str) -> None:
    """A type answer names a known type and one of its levels (ServiceError otherwise)."""
    rtype = builtin_titles().types.get(type_id)
    if rtype is None:
        raise ServiceError(f"未知认定类型“{type_id}”")
    try:
        lv = Level(level)
    except ValueError:
        raise ServiceError(f"未知级别“{level}”（应为 国家、自治区、市级 或 空）") from None
    if level and lv not in rtype.levels:
        raise ServiceError(f"{rtype.name}没有“{level}”这一级别")


def add_title_answer(app: App, wording: str, type_id: str, level: str = "") -> int:
    """Remember that ``wording`` (as a list writes a type) means ``type_id`` at ``level``."""
    require_writable(app)
    key = title_key(wording)
    if not key:
        raise ServiceError("措辞不能为空")
    check_title_answer(type_id, level)
    with app.db.session() as s:
        a = s.scalar(select(ImportAnswer).where(ImportAnswer.kind == TITLE, ImportAnswer.wording == key))
        before = _snapshot(a) if a is not None else None
        if a is None:
            a = ImportAnswer(kind=TITLE, wording=key, unit_id=None, source="")
            s.add(a)
        a.shown, a.type_id, a.level, a.answered_by = wording.strip(), type_id, level, app.actor
        s.flush()
        audit.record(
            s, app.actor, "记住对照" if before is None else "修改对照", ENTITY, a.id, before, _snapshot(a)
        )
        return a.id


def add_name_answer(app: App, name: str, credit_code: str) -> int:
    """Remember that a list's ``name`` is the registered unit with ``credit_code``."""
    require_writable(app)
    if not name_key(name):
        raise ServiceError("名称不能为空")
    code = credit_code.strip().upper()
    with app.db.session() as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.credit_code == code))
        if unit_id is None:
            raise ServiceError(f"统一社会信用代码 {code} 的单位未登记")
        return remember_names(s, app.actor, [(name.strip(), unit_id)], "")[0]


def change_answer(
    app: App,
    answer_id: int,
    *,
    unit_id: int | None = None,
    type_id: str | None = None,
    level: str | None = None,
) -> None:
    """Point a remembered name at another unit, or a wording at another type/level."""
    require_writable(app)
    with app.db.session() as s:
        a = s.get(ImportAnswer, answer_id)
        if a is None:
            raise ServiceError(f"对照（编号 {answer_id}）不存在，可能已被删除")
        before = _snapshot(a)
        if a.kind == UNIT_NAME:
            if unit_id is None:
                raise ServiceError("请选择单位")
            _unit_exists(s, unit_id)
            a.unit_id = unit_id
        else:
            new_type = type_id if type_id is not None else a.type_id
            new_level = level if level is not None else a.level
            check_title_answer(new_type, new_level)
            a.type_id, a.level = new_type, new_level
        a.answered_by = app.actor
        s.flush()
        audit.record(s, app.actor, "修改对照", ENTITY, a.id, before, _snapshot(a))


def delete_answer(app: App, answer_id: int) -> None:
    """Forget an answer: the next list with that wording asks again."""
    require_writable(app)
    with app.db.session() as s:
        a = s.get(ImportAnswer, answer_id)
        if a is None:
            raise ServiceError(f"对照（编号 {answer_id}）不存在，可能已被删除")
        before = _snapshot(a)
        s.execute(delete(ImportAnswer).where(ImportAnswer.id == answer_id))
        audit.record(s, app.actor, "删除对照", ENTITY, answer_id, before, None)
