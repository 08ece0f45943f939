"""Rows for the register tables of the window: plain tuples read with one Core query each.

The register pages show up to 100,000 rows, so these functions skip the ORM objects and the
dataclasses of ``services/register.py`` and return tuples in a fixed column order (documented
by the ``*_COLUMNS`` names). The first element of every row is the record's id. 身份证号 are
masked here, before they leave the service layer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from importlib.util import find_spec

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from kjdesk.bank_accounts import mask_account
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.register import (
    PersonInput,
    PersonRow,
    PlatformInput,
    UnitRow,
    get_unit,
    update_person,
)
from kjdesk.store.bulk import plain_rows
from kjdesk.store.models import Person, Platform, Recognition, Unit
from kjdesk.validation import mask_id_number

UNIT_COLUMNS = (
    "id",
    "name",
    "credit_code",
    "district",
    "kind",
    "size_class",
    "industry",
    "contact",
    "phone",
    "bank_account_masked",
)
PLATFORM_COLUMNS = ("id", "name", "type_name", "level", "host_name", "host_credit_code", "district", "note")
PERSON_COLUMNS = (
    "id",
    "name",
    "id_masked",
    "employer_name",
    "district",
    "role",
    "phone",
    "bank_account_masked",
)
CHOICE_COLUMNS = ("id", "name", "credit_code")


def _type_namer():  # noqa: ANN202 - a str -> str function
    """The Chinese name of a recognition-type id, once policy/titles.py exists."""
    if find_spec("kjdesk.policy.titles") is None:
        return lambda type_id: type_id
    from kjdesk.policy.titles import type_name

    return type_name


def unit_table(app: App, limit: int | None = None) -> list[tuple]:
    """Every unit in id order; only the first ``limit`` of them when given (a page's first screen)."""
    q = select(
        Unit.id,
        Unit.name,
        Unit.credit_code,
        Unit.district,
        Unit.kind,
        Unit.size_class,
        Unit.industry,
        Unit.contact,
        Unit.phone,
        Unit.bank_account,
    ).order_by(Unit.id)
    if limit is not None:
        q = q.limit(limit)
    # the 银行账号 only by its last four digits on screen
    return [(*r[:-1], mask_account(r[-1])) for r in _plain_rows(app, q)]


def _plain_rows(app: App, query: Select) -> list[tuple]:
    """``store.bulk.plain_rows`` in a session of its own (not for dates: the driver's text)."""
    with app.db.session() as s:
        return plain_rows(s, query)


def unit_choices(app: App) -> list[tuple[int, str, str]]:
    """(id, name, credit code) of every unit, for the unit pickers of the forms."""
    with app.db.session() as s:
        return [tuple(r) for r in s.execute(select(Unit.id, Unit.name, Unit.credit_code).order_by(Unit.name))]


def platform_table(app: App, host_unit_id: int | None = None, limit: int | None = None) -> list[tuple]:
    """Platforms in id order (of one host unit when given); the first ``limit`` when given."""
    namer = _type_namer()
    q = (
        select(
            Platform.id,
            Platform.name,
            Platform.type_id,
            Platform.level,
            Unit.name,
            Unit.credit_code,
            Unit.district,
            Platform.note,
        )
        .join(Unit, Platform.host_unit_id == Unit.id)
        .order_by(Platform.id)
    )
    if host_unit_id is not None:
        q = q.where(Platform.host_unit_id == host_unit_id)
    if limit is not None:
        q = q.limit(limit)
    with app.db.session() as s:
        return [(r[0], r[1], namer(r[2]), *r[3:]) for r in s.execute(q)]


def platform_choices(app: App) -> list[tuple[int, str, str]]:
    """(id, platform name, host unit name) of every platform, for the recognition form."""
    q = select(Platform.id, Platform.name, Unit.name).join(Unit, Platform.host_unit_id == Unit.id)
    with app.db.session() as s:
        return [tuple(r) for r in s.execute(q.order_by(Platform.name))]


def person_table(app: App, employer_unit_id: int | None = None, limit: int | None = None) -> list[tuple]:
    """People in id order (of one employer when given); the first ``limit`` when given."""
    employer = aliased(Unit)
    q = (
        select(
            Person.id,
            Person.name,
            Person.id_number,
            employer.name,
            employer.district,
            Person.role,
            Person.phone,
            Person.bank_account,
        )
        .outerjoin(employer, Person.employer_unit_id == employer.id)
        .order_by(Person.id)
    )
    if employer_unit_id is not None:
        q = q.where(Person.employer_unit_id == employer_unit_id)
    if limit is not None:
        q = q.limit(limit)
    with app.db.session() as s:
        return [
            (r[0], r[1], mask_id_number(r[2]), r[3] or "", r[4] or "", r[5], r[6], mask_account(r[7]))
            for r in s.execute(q)
        ]


def person_choices(app: App) -> list[tuple[int, str, str]]:
    """(id, name, masked ID number) of every person, for the recognition form."""
    with app.db.session() as s:
        rows = s.execute(select(Person.id, Person.name, Person.id_number).order_by(Person.name))
        return [(r[0], r[1], mask_id_number(r[2])) for r in rows]


RECOGNITION_COLUMNS = (
    "id",
    "subject_kind",  # 单位 / 平台 / 人员
    "subject_name",
    "subject_code",  # credit code of the unit (or of the platform's host); masked ID of a person
    "title",  # type name + level + stage
    "date",
    "doc_number",
    "valid_until",
    "status",
    "district",
    "cert_number",  # 证书编号 / 入库登记编号
)


LEVEL_PREFIXES = {"国家": "国家", "自治区": "自治区", "市级": "市级"}


def recognition_title(type_name: str, level: str, stage: str) -> str:
    """国家 + 高新技术企业 → 国家高新技术企业; a name that already says its level keeps it once."""
    prefix = LEVEL_PREFIXES.get(level, level)
    if prefix and type_name.startswith(prefix):
        prefix = ""
    return f"{prefix}{type_name}" + (f"（{stage}）" if stage else "")


def recognition_table(app: App, unit_id: int | None = None, limit: int | None = None) -> list[tuple]:
    """Every recognition, newest first (by date, then id); with ``unit_id``, those of the unit,
    its platforms and its people; only the first ``limit`` of them when given (a page's first
    screen: the start of the whole list, in the same order)."""
    namer = _type_namer()
    unit, host, employer = aliased(Unit), aliased(Unit), aliased(Unit)
    newest_first = (Recognition.date.desc(), Recognition.id.desc())
    q = (
        select(
            Recognition.id,
            Recognition.unit_id,
            Recognition.platform_id,
            unit.name,
            unit.credit_code,
            unit.district,
            Platform.name,
            host.credit_code,
            host.district,
            Person.name,
            Person.id_number,
            employer.district,
            Recognition.type_id,
            Recognition.level,
            Recognition.stage,
            Recognition.title,
            Recognition.date,
            Recognition.doc_number,
            Recognition.valid_until,
            Recognition.status,
            Recognition.cert_number,
            Recognition.evidence,
        )
        .outerjoin(unit, Recognition.unit_id == unit.id)
        .outerjoin(Platform, Recognition.platform_id == Platform.id)
        .outerjoin(host, Platform.host_unit_id == host.id)
        .outerjoin(Person, Recognition.person_id == Person.id)
        .outerjoin(employer, Person.employer_unit_id == employer.id)
        .order_by(*newest_first)
    )
    if unit_id is not None:
        q = q.where(
            (Recognition.unit_id == unit_id)
            | (Platform.host_unit_id == unit_id)
            | (Person.employer_unit_id == unit_id)
        )
    if limit is not None:
        if unit_id is None:
            # Pick the ids on the recognitions table alone, then join only those: there is no
            # index on the date, and joining every row before the sort takes four times as long.
            first = select(Recognition.id).order_by(*newest_first).limit(limit)
            q = q.where(Recognition.id.in_(first.scalar_subquery()))
        q = q.limit(limit)
    rows = []
    with app.db.session() as s:
        for r in s.execute(q):
            if r[1] is not None:
                kind, name, code, district = "单位", r[3], r[4], r[5]
            elif r[2] is not None:
                kind, name, code, district = "平台", r[6], r[7], r[8]
            else:
                kind, name, code, district = "人员", r[9], mask_id_number(r[10] or ""), r[11] or ""
            title = recognition_title(namer(r[12]), r[13], r[14])
            rows.append(
                (r[0], kind, name, code, title, r[16], r[17], r[18], r[19], district, r[20], r[21] or "")
            )
    return rows


@dataclass(frozen=True)
class UnitDetail:
    unit: UnitRow
    platforms: list[tuple]  # PLATFORM_COLUMNS
    people: list[tuple]  # PERSON_COLUMNS
    recognitions: list[tuple]  # RECOGNITION_COLUMNS


def unit_detail(app: App, unit_id: int) -> UnitDetail:
    """A unit with its platforms, people and recognitions, for the detail panel."""
    return UnitDetail(
        get_unit(app, unit_id),
        platform_table(app, host_unit_id=unit_id),
        person_table(app, employer_unit_id=unit_id),
        recognition_table(app, unit_id=unit_id),
    )


def platform_record(app: App, platform_id: int) -> PlatformInput:
    """The stored values of a platform, to fill its form."""
    with app.db.session() as s:
        p = s.get(Platform, platform_id)
        if p is None:
            raise ServiceError(f"平台（编号 {platform_id}）不存在，可能已被删除")
        return PlatformInput(p.name, p.type_id, p.level, p.host_unit_id, p.note)


@dataclass(frozen=True)
class PersonRecord:
    """A person's values for the form: the ID number only masked; the form keeps it unless retyped."""

    id: int
    name: str
    id_masked: str
    employer_unit_id: int | None
    role: str
    phone: str
    note: str
    bank_name: str = ""
    bank_account: str = ""


def person_record(app: App, person_id: int) -> PersonRecord:
    with app.db.session() as s:
        p = s.get(Person, person_id)
        if p is None:
            raise ServiceError(f"人员（编号 {person_id}）不存在，可能已被删除")
        return PersonRecord(
            p.id,
            p.name,
            mask_id_number(p.id_number),
            p.employer_unit_id,
            p.role,
            p.phone,
            p.note,
            p.bank_name,
            p.bank_account,
        )


def update_person_keeping_id(app: App, person_id: int, data: PersonInput) -> PersonRow:
    """Update a person; an empty ``id_number`` keeps the stored one (the form never shows it whole)."""
    if not data.id_number.strip():
        with app.db.session() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise ServiceError(f"人员（编号 {person_id}）不存在，可能已被删除")
            data = replace(data, id_number=p.id_number)
    return update_person(app, person_id, data)


@dataclass(frozen=True)
class RecognitionFormValues:
    """A recognition's stored values for its form, with the subject's label for the picker."""

    id: int
    subject_kind: str  # unit / platform / person
    subject_id: int
    type_id: str
    level: str
    stage: str
    title: str
    date: date
    doc_number: str
    valid_until: date | None
    status: str
    status_date: date | None
    evidence: str
    first_year: int | None
    note: str
    conditions: str = ""  # D14: recorded conditions, JSON (services/register/conditions.py)
    cert_number: str = ""


def recognition_record(app: App, rec_id: int) -> RecognitionFormValues:
    with app.db.session() as s:
        r = s.get(Recognition, rec_id)
        if r is None:
            raise ServiceError(f"认定记录（编号 {rec_id}）不存在，可能已被删除")
        if r.unit_id is not None:
            kind, subject_id = "unit", r.unit_id
        elif r.platform_id is not None:
            kind, subject_id = "platform", r.platform_id
        else:
            kind, subject_id = "person", r.person_id or 0
        return RecognitionFormValues(
            r.id,
            kind,
            subject_id,
            r.type_id,
            r.level,
            r.stage,
            r.title,
            r.date,
            r.doc_number,
            r.valid_until,
            r.status,
            r.status_date,
            r.evidence,
            r.first_year,
            r.note,
            r.conditions or "",
            r.cert_number,
        )
