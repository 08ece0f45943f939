"""The register: units, platforms, people — list, add, edit, delete, with validation and audit.

Every function opens one transaction, validates with ``kjdesk.validation``, writes an audit
event and returns plain dataclasses. Recognitions and facts live in ``services/register/records.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kjdesk.bank_accounts import check_bank_account, check_bank_name
from kjdesk.policy.model import SubjectKind, SubjectRef
from kjdesk.services.core.app import App, Changes, ServiceError, ValidationFailed
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements import recompute_subjects
from kjdesk.services.register import conditions
from kjdesk.store import audit
from kjdesk.store.models import Person, Platform, Recognition, Unit
from kjdesk.validation import (
    UNIT_KINDS,
    FieldError,
    check_credit_code,
    check_id_number,
    check_name,
    check_phone,
    control_errors,
    mask_id_number,
    normalize_text,
)
from kjdesk.vocab import ROLES, UNIT_KIND_VOCAB, check_district, check_size_class

# --- Units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInput:
    name: str
    credit_code: str
    district: str = ""
    kind: str = "企业"
    size_class: str = ""
    industry: str = ""
    address: str = ""
    contact: str = ""
    phone: str = ""
    registered_from: date | None = None
    moved_out: date | None = None
    note: str = ""
    conditions: str = ""  # D14: recorded conditions, JSON (services/register/conditions.py)
    bank_name: str = ""  # 开户银行
    bank_account: str = ""  # 银行账号


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    credit_code: str
    district: str
    kind: str
    size_class: str
    industry: str
    address: str
    contact: str
    phone: str
    registered_from: date | None
    moved_out: date | None
    former_names: str
    note: str
    conditions: str = ""  # D14: recorded conditions, JSON (services/register/conditions.py)
    size_written: str = ""  # the size as written (中型企业) when it is not the class itself
    bank_name: str = ""
    bank_account: str = ""


UNIT_FIELD_LABELS = {
    "name": "单位名称",
    "credit_code": "统一社会信用代码",
    "district": "旗县区",
    "kind": "单位类型",
    "size_class": "企业规模",
    "industry": "所属行业",
    "address": "地址",
    "contact": "联系人",
    "phone": "电话",
    "registered_from": "落户日期",
    "moved_out": "迁出日期",
    "note": "备注",
    "conditions": "登记条件",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
}


def validate_unit(data: UnitInput, city: str) -> tuple[UnitInput, dict[str, str]]:
    """Normalise every field; return the clean input and the field → reason errors."""
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    checks = {
        "name": lambda v: check_name(v, "单位名称"),
        "credit_code": check_credit_code,
        "district": lambda v: check_district(v, city) if normalize_text(v) else "",
        "size_class": check_size_class,
        "phone": check_phone,
        "bank_name": check_bank_name,
        "bank_account": check_bank_account,
    }
    for f in fields(UnitInput):
        value = getattr(data, f.name)
        if f.name == "conditions":  # D14
            recorded = conditions.decode(value)
            problem = conditions.check(recorded, "unit")
            if problem:
                errors[f.name] = problem
            clean[f.name] = conditions.encode(recorded)
            continue
        check = checks.get(f.name)
        try:
            clean[f.name] = (
                check(value) if check else (normalize_text(value) if isinstance(value, str) else value)
            )
        except FieldError as exc:
            errors[f.name] = str(exc)
            clean[f.name] = value
    if not errors.get("district") and not clean["district"]:
        errors["district"] = "请选择旗县区"
    if clean["kind"]:
        try:  # 民营企业 → 企业, 科研院所 → 高校院所 … (vocab.py)
            clean["kind"] = UNIT_KIND_VOCAB.read(clean["kind"])
        except FieldError:
            errors["kind"] = f"单位类型只能是：{'、'.join(UNIT_KINDS)}"
    if data.moved_out and data.registered_from and data.moved_out < data.registered_from:
        errors["moved_out"] = "迁出日期早于落户日期"
    errors.update(control_errors(data, UNIT_FIELD_LABELS))
    return UnitInput(**clean), errors  # type: ignore[arg-type]


def _unit_row(u: Unit) -> UnitRow:
    return UnitRow(**{f.name: getattr(u, f.name) for f in fields(UnitRow)})


def unit_by_code(session: Session, credit_code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.credit_code == credit_code))


def _refuse_duplicate_code(session: Session, code: str, own_id: int | None) -> None:
    other = unit_by_code(session, code)
    if other is not None and other.id != own_id:
        raise ValidationFailed(
            {"credit_code": f"该统一社会信用代码已登记为“{other.name}”（编号 {other.id}），不能重复登记"}
        )


def add_unit(app: App, data: UnitInput) -> UnitRow:
    city = require_bureau(app).city
    clean, errors = validate_unit(data, city)
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        _refuse_duplicate_code(s, clean.credit_code, None)
        unit = Unit(**asdict(clean))
        s.add(unit)
        s.flush()
        row = _unit_row(unit)
        audit.record(s, app.actor, "新增", "unit", unit.id, None, asdict(row))
    return row


def update_unit(app: App, unit_id: int, data: UnitInput) -> UnitRow:
    city = require_bureau(app).city
    clean, errors = validate_unit(data, city)
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        unit = _get(s, Unit, unit_id, "单位")
        _refuse_duplicate_code(s, clean.credit_code, unit.id)
        before = asdict(_unit_row(unit))
        if clean.name != unit.name:
            names = [n for n in unit.former_names.splitlines() if n]
            if unit.name not in names:
                names.append(unit.name)
            unit.former_names = "\n".join(names)
        if clean.size_class != unit.size_class:
            unit.size_written = ""  # the written size belonged to the class the officer changed
        for key, value in asdict(clean).items():
            setattr(unit, key, value)
        s.flush()
        row = _unit_row(unit)
        audit.record(s, app.actor, "修改", "unit", unit.id, before, asdict(row))
        if (before["conditions"], before["industry"]) != (row.conditions, row.industry):
            _recompute_unit(s, app.actor, city, unit)  # D14: what its items hang on changed
    return row


def _recompute_unit(s: Session, actor: str, city: str, unit: Unit) -> None:
    """Recompute the unit and its platforms and people (their conditions are the unit's)."""
    refs = {SubjectRef(SubjectKind.UNIT, unit.id)}
    refs |= {SubjectRef(SubjectKind.PLATFORM, p.id) for p in unit.platforms}
    refs |= {SubjectRef(SubjectKind.PERSON, p.id) for p in unit.people}
    recompute_subjects(s, actor, city, refs)


def delete_unit(app: App, unit_id: int) -> None:
    with app.db.session() as s:
        unit = _get(s, Unit, unit_id, "单位")
        used = {
            "平台": s.scalar(select(func.count()).where(Platform.host_unit_id == unit_id)),
            "人员": s.scalar(select(func.count()).where(Person.employer_unit_id == unit_id)),
            "认定记录": s.scalar(select(func.count()).where(Recognition.unit_id == unit_id)),
        }
        blockers = [f"{n} 条{k}" for k, n in used.items() if n]
        if blockers:
            raise ServiceError(f"“{unit.name}”下还有{'、'.join(blockers)}，不能删除；请先删除或转移这些记录")
        before = asdict(_unit_row(unit))
        s.delete(unit)
        audit.record(s, app.actor, "删除", "unit", unit_id, before, None)


def list_units(app: App) -> list[UnitRow]:
    with app.db.session() as s:
        return [_unit_row(u) for u in s.scalars(select(Unit).order_by(Unit.id))]


def get_unit(app: App, unit_id: int) -> UnitRow:
    with app.db.session() as s:
        return _unit_row(_get(s, Unit, unit_id, "单位"))


def _upsert(
    session: Session,
    actor: str,
    model: type,
    row_id: int | None,
    clean: object,
    to_row: Callable,
    entity: str,
    label: str,
):  # noqa: ANN202 - the row dataclass
    """Insert (``row_id`` None) or update a register record from clean input, and audit it."""
    if row_id is None:
        obj = model(**asdict(clean))
        session.add(obj)
        before = None
    else:
        obj = _get(session, model, row_id, label)
        before = asdict(to_row(obj))
        for key, value in asdict(clean).items():
            setattr(obj, key, value)
    session.flush()
    session.refresh(obj)
    row = to_row(obj)
    audit.record(session, actor, "新增" if before is None else "修改", entity, obj.id, before, asdict(row))
    return row


def _get(session: Session, model: type, row_id: int, label: str):  # noqa: ANN202 - any model
    obj = session.get(model, row_id)
    if obj is None:
        raise ServiceError(f"{label}（编号 {row_id}）不存在，可能已被删除")
    return obj


# --- Platforms -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformInput:
    name: str
    type_id: str
    level: str
    host_unit_id: int | None
    note: str = ""


@dataclass(frozen=True)
class PlatformRow:
    id: int
    name: str
    type_id: str
    type_name: str
    level: str
    host_unit_id: int
    host_name: str
    host_credit_code: str
    district: str
    note: str


def validate_platform(data: PlatformInput) -> tuple[PlatformInput, dict[str, str]]:
    from kjdesk.policy.model import SubjectKind
    from kjdesk.policy.titles import builtin_titles

    errors: dict[str, str] = {}
    name = normalize_text(data.name)
    if not name:
        errors["name"] = "平台名称不能为空"
    kind = builtin_titles().types.get(data.type_id)
    if kind is None or kind.subject != SubjectKind.PLATFORM:
        errors["type_id"] = "请选择平台类型"
    elif data.level not in kind.levels:
        errors["level"] = f"{kind.name}的级别只能是：{'、'.join(lv or '（无级别）' for lv in kind.levels)}"
    if not data.host_unit_id:
        errors["host_unit_id"] = "请选择依托单位"
    errors.update(control_errors(data, {"name": "平台名称", "note": "备注"}))
    return PlatformInput(name, data.type_id, data.level, data.host_unit_id, normalize_text(data.note)), errors


def _platform_row(p: Platform) -> PlatformRow:
    from kjdesk.policy.titles import type_name

    return PlatformRow(
        p.id,
        p.name,
        p.type_id,
        type_name(p.type_id),
        p.level,
        p.host_unit_id,
        p.host.name,
        p.host.credit_code,
        p.host.district,
        p.note,
    )


def add_platform(app: App, data: PlatformInput) -> PlatformRow:
    return _save_platform(app, None, data)


def update_platform(app: App, platform_id: int, data: PlatformInput) -> PlatformRow:
    return _save_platform(app, platform_id, data)


def _save_platform(app: App, platform_id: int | None, data: PlatformInput) -> PlatformRow:
    clean, errors = validate_platform(data)
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        _get(s, Unit, clean.host_unit_id, "依托单位")
        row = _upsert(s, app.actor, Platform, platform_id, clean, _platform_row, "platform", "平台")
    return row


def delete_platform(app: App, platform_id: int) -> None:
    with app.db.session() as s:
        p = _get(s, Platform, platform_id, "平台")
        n = s.scalar(select(func.count()).where(Recognition.platform_id == platform_id))
        if n:
            raise ServiceError(f"平台“{p.name}”下还有 {n} 条认定记录，不能删除")
        before = asdict(_platform_row(p))
        s.delete(p)
        audit.record(s, app.actor, "删除", "platform", platform_id, before, None)


def list_platforms(app: App, host_unit_id: int | None = None) -> list[PlatformRow]:
    with app.db.session() as s:
        q = select(Platform).join(Platform.host).order_by(Platform.id)
        if host_unit_id is not None:
            q = q.where(Platform.host_unit_id == host_unit_id)
        return [_platform_row(p) for p in s.scalars(q)]


# --- People --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonInput:
    name: str
    id_number: str
    employer_unit_id: int | None = None
    role: str = ""
    phone: str = ""
    note: str = ""
    bank_name: str = ""
    bank_account: str = ""


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    id_masked: str
    employer_unit_id: int | None
    employer_name: str
    district: str
    role: str
    phone: str
    note: str
    bank_name: str = ""
    bank_account: str = ""


def validate_person(data: PersonInput) -> tuple[PersonInput, dict[str, str]]:
    errors: dict[str, str] = {}
    clean = dict(asdict(data))
    for key, check in (
        ("name", lambda v: check_name(v, "姓名", 60)),
        ("id_number", check_id_number),
        ("phone", check_phone),
        ("bank_name", check_bank_name),
        ("bank_account", check_bank_account),
    ):
        try:
            clean[key] = check(clean[key])
        except FieldError as exc:
            errors[key] = str(exc)
    try:  # 柔性引进高端人才 → 人才 … (vocab.py)
        clean["role"] = ROLES.read(clean["role"]) if normalize_text(clean["role"]) else ""
    except FieldError as exc:
        errors["role"] = str(exc)
    clean["note"] = normalize_text(clean["note"])
    errors.update(control_errors(data, {"name": "姓名", "role": "身份", "note": "备注", "phone": "电话"}))
    return PersonInput(**clean), errors


def _person_row(p: Person) -> PersonRow:
    employer = p.employer
    return PersonRow(
        p.id,
        p.name,
        mask_id_number(p.id_number),
        p.employer_unit_id,
        employer.name if employer else "",
        employer.district if employer else "",
        p.role,
        p.phone,
        p.note,
        p.bank_name,
        p.bank_account,
    )


def add_person(app: App, data: PersonInput) -> PersonRow:
    return _save_person(app, None, data)


def update_person(app: App, person_id: int, data: PersonInput) -> PersonRow:
    return _save_person(app, person_id, data)


def _save_person(app: App, person_id: int | None, data: PersonInput) -> PersonRow:
    clean, errors = validate_person(data)
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        other = s.scalar(select(Person).where(Person.id_number == clean.id_number))
        if other is not None and other.id != person_id:
            raise ValidationFailed({"id_number": f"该身份证号已登记为“{other.name}”（编号 {other.id}）"})
        if clean.employer_unit_id:
            _get(s, Unit, clean.employer_unit_id, "工作单位")
        row = _upsert(s, app.actor, Person, person_id, clean, _person_row, "person", "人员")
    return row


def delete_person(app: App, person_id: int) -> None:
    with app.db.session() as s:
        p = _get(s, Person, person_id, "人员")
        n = s.scalar(select(func.count()).where(Recognition.person_id == person_id))
        if n:
            raise ServiceError(f"“{p.name}”还有 {n} 条认定记录，不能删除")
        before = asdict(_person_row(p))
        s.delete(p)
        audit.record(s, app.actor, "删除", "person", person_id, before, None)


def list_people(app: App, employer_unit_id: int | None = None) -> list[PersonRow]:
    with app.db.session() as s:
        q = select(Person).order_by(Person.id)
        if employer_unit_id is not None:
            q = q.where(Person.employer_unit_id == employer_unit_id)
        return [_person_row(p) for p in s.scalars(q)]


def counts(app: App) -> dict[str, int]:
    with app.db.session() as s:
        return {
            "units": s.scalar(select(func.count()).select_from(Unit)) or 0,
            "platforms": s.scalar(select(func.count()).select_from(Platform)) or 0,
            "people": s.scalar(select(func.count()).select_from(Person)) or 0,
            "recognitions": s.scalar(select(func.count()).select_from(Recognition)) or 0,
        }


CHANGED_UNITS = Changes(units=True)
