"""Recognitions (认定记录) and yearly facts (年度申报数据): add, edit, delete, list.

Each write recomputes the entitlements of its subject in the same transaction, so what
an officer sees owed always follows the register.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.io.roster_schema import refused_indicator
from kjdesk.policy.model import RecognitionStatus, SubjectKind, SubjectRef
from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements import recompute_subjects, subject_ref_of
from kjdesk.services.register import conditions
from kjdesk.services.register.subject_names import SubjectNames
from kjdesk.store import audit
from kjdesk.store.models import Fact, Person, Platform, Recognition, Unit
from kjdesk.validation import control_errors, mask_id_number, normalize_text

EARLIEST_DATE = date(2000, 1, 1)
STATUSES = tuple(s.value for s in RecognitionStatus)


@dataclass(frozen=True)
class RecognitionInput:
    subject_kind: SubjectKind
    subject_id: int
    type_id: str
    level: str
    date: date
    doc_number: str = ""
    stage: str = ""
    title: str = ""
    valid_until: date | None = None
    status: str = "有效"
    status_date: date | None = None
    evidence: str = ""
    first_year: int | None = None
    note: str = ""
    conditions: str = ""  # D14: recorded conditions, JSON (services/register/conditions.py)
    cert_number: str = ""  # 证书编号 / 入库登记编号


@dataclass(frozen=True)
class RecognitionRow:
    id: int
    subject_kind: str
    subject_id: int
    subject_name: str
    credit_code: str  # of the unit, or of the platform's host; a person's ID number masked
    district: str
    type_id: str
    type_name: str
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


def validate_recognition(
    data: RecognitionInput, today: date | None = None
) -> tuple[RecognitionInput, dict[str, str]]:
    from kjdesk.policy.titles import builtin_titles

    today = today or date.today()
    errors: dict[str, str] = {}
    kind = builtin_titles().types.get(data.type_id)
    if kind is None:
        errors["type_id"] = "请选择认定类型"
    elif data.level not in kind.levels:
        labels = "、".join(lv or "（无级别）" for lv in kind.levels)
        errors["level"] = f"{kind.name}的级别只能是：{labels}"
    if data.date < EARLIEST_DATE:
        errors["date"] = "认定日期早于 2000 年，请核对"
    elif data.date > today:
        errors["date"] = "认定日期晚于今天，请核对"
    if data.valid_until and data.valid_until < data.date:
        errors["valid_until"] = "有效期截止早于认定日期"
    if data.status not in STATUSES:
        errors["status"] = f"状态只能是：{'、'.join(STATUSES)}"
    elif data.status != "有效" and data.status_date is None:
        errors["status_date"] = f"状态为“{data.status}”时请填写{data.status}日期"
    if data.first_year is not None and data.first_year < data.date.year:
        errors["first_year"] = "首次拨付年度只能推后，不能早于认定年度"
    recorded = conditions.decode(data.conditions)
    problem = conditions.check(recorded, "recognition")
    if problem:
        errors["conditions"] = problem
    valid_until = data.valid_until
    if valid_until is None and kind is not None and kind.valid_years:
        valid_until = _add_years(data.date, kind.valid_years)
    clean = replace(
        data,
        doc_number=normalize_text(data.doc_number),
        title=normalize_text(data.title),
        evidence=normalize_text(data.evidence),
        note=normalize_text(data.note),
        cert_number="".join(normalize_text(data.cert_number).split()).upper(),
        valid_until=valid_until,
        conditions=conditions.encode(recorded),
    )
    errors.update(
        control_errors(data, {"doc_number": "文号", "title": "名称", "evidence": "证明材料", "note": "备注"})
    )
    return clean, errors


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _subject_columns(kind: SubjectKind, subject_id: int) -> dict[str, int | None]:
    return {
        "unit_id": subject_id if kind == SubjectKind.UNIT else None,
        "platform_id": subject_id if kind == SubjectKind.PLATFORM else None,
        "person_id": subject_id if kind == SubjectKind.PERSON else None,
    }


def _check_subject(session: Session, kind: SubjectKind, subject_id: int) -> None:
    model = {SubjectKind.UNIT: Unit, SubjectKind.PLATFORM: Platform, SubjectKind.PERSON: Person}[kind]
    if session.get(model, subject_id) is None:
        raise ValidationFailed({"subject_id": "请选择认定对象（单位、平台或人员）"})


def _recognition_row(
    session: Session, r: Recognition, subject: tuple[str, str, str] | None = None
) -> RecognitionRow:
    """The row of a recognition; ``subject`` is its (name, code, 旗县区) when already read."""
    from kjdesk.policy.titles import builtin_titles

    kind = builtin_titles().types.get(r.type_id)
    ref = subject_ref_of(r)
    name, code, district = subject or describe_subject(session, ref)
    return RecognitionRow(
        r.id,
        ref.kind.value,
        ref.id,
        name,
        code,
        district,
        r.type_id,
        kind.name if kind else r.type_id,
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


def describe_subject(session: Session, ref: SubjectRef) -> tuple[str, str, str]:
    """(name, code, 旗县区) of a subject; a person's ID number is masked."""
    if ref.kind == SubjectKind.UNIT:
        u = session.get(Unit, ref.id)
        return (u.name, u.credit_code, u.district) if u else ("", "", "")
    if ref.kind == SubjectKind.PLATFORM:
        p = session.get(Platform, ref.id)
        return (p.name, p.host.credit_code, p.host.district) if p else ("", "", "")
    person = session.get(Person, ref.id)
    if person is None:
        return ("", "", "")
    district = person.employer.district if person.employer else ""
    return (person.name, mask_id_number(person.id_number), district)


def _save_recognition(app: App, rec_id: int | None, data: RecognitionInput) -> RecognitionRow:
    city = require_bureau(app).city
    clean, errors = validate_recognition(data)
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        _check_subject(s, clean.subject_kind, clean.subject_id)
        values = {k: v for k, v in asdict(clean).items() if k not in ("subject_kind", "subject_id")}
        values.update(_subject_columns(clean.subject_kind, clean.subject_id))
        touched = {SubjectRef(clean.subject_kind, clean.subject_id)}
        if rec_id is None:
            rec = Recognition(**values)
            s.add(rec)
            before = None
        else:
            rec = _get_recognition(s, rec_id)
            touched.add(subject_ref_of(rec))
            before = asdict(_recognition_row(s, rec))
            for key, value in values.items():
                setattr(rec, key, value)
        s.flush()
        row = _recognition_row(s, rec)
        audit.record(
            s, app.actor, "新增" if before is None else "修改", "recognition", rec.id, before, asdict(row)
        )
        recompute_subjects(s, app.actor, city, touched)
    return row


def add_recognition(app: App, data: RecognitionInput) -> RecognitionRow:
    return _save_recognition(app, None, data)


def update_recognition(app: App, rec_id: int, data: RecognitionInput) -> RecognitionRow:
    return _save_recognition(app, rec_id, data)


def _get_recognition(session: Session, rec_id: int) -> Recognition:
    rec = session.get(Recognition, rec_id)
    if rec is None:
        raise ServiceError(f"认定记录（编号 {rec_id}）不存在，可能已被删除")
    return rec


def delete_recognition(app: App, rec_id: int) -> None:
    """Delete a wrongly entered recognition. One with approved or paid money is refused:
    record a 撤销 instead, which cancels what is unpaid (D4)."""
    from kjdesk.store.models import Entitlement, Instalment

    city = require_bureau(app).city
    with app.db.session() as s:
        rec = _get_recognition(s, rec_id)
        locked = s.scalar(
            select(Instalment.id)
            .join(Entitlement)
            .where(
                Entitlement.recognition_id == rec_id, Instalment.state.in_(("proposed", "approved", "paid"))
            )
            .limit(1)
        )
        if locked:
            raise ServiceError(
                "该认定记录已有报批、审批或拨付的资金，不能删除；如认定被撤销，请把状态改为“撤销”"
            )
        ref = subject_ref_of(rec)
        before = asdict(_recognition_row(s, rec))
        for ent in s.scalars(select(Entitlement).where(Entitlement.recognition_id == rec_id)):
            s.delete(ent)
        s.flush()  # the entitlements go first: they reference the recognition
        s.delete(rec)
        audit.record(s, app.actor, "删除", "recognition", rec_id, before, None)
        recompute_subjects(s, app.actor, city, {ref})


def list_recognitions(app: App, unit_id: int | None = None) -> list[RecognitionRow]:
    """All recognitions, or those of one unit including its platforms and people."""
    with app.db.session() as s:
        q = select(Recognition).order_by(Recognition.date.desc(), Recognition.id.desc())
        if unit_id is not None:
            platform_ids = select(Platform.id).where(Platform.host_unit_id == unit_id)
            person_ids = select(Person.id).where(Person.employer_unit_id == unit_id)
            q = q.where(
                (Recognition.unit_id == unit_id)
                | Recognition.platform_id.in_(platform_ids)
                | Recognition.person_id.in_(person_ids)
            )
        recs = list(s.scalars(q))
        names = SubjectNames.read(s, recs)
        rows = []
        for r in recs:
            name, _unit, code, masked, district = names.subject(r)
            rows.append(_recognition_row(s, r, (name, masked if r.person_id is not None else code, district)))
        return rows


# --- Facts ---------------------------------------------------------------------------------

FACT_INDICATORS: dict[str, str] = {
    "加计扣除研发费用": "元",
    "企业规模": "",
    "技术交易额": "元",
    "技术入股作价": "元",
    "项目总投资": "元",
    "年度实际投资": "元",
    "纳税劳动报酬": "元",
    "仪器共享费用": "元",
    "技术合同登记成交额": "元",
    "高新区年度位次": "位",
    "奖金额度": "元",
    "自治区项目资助额": "元",
}


@dataclass(frozen=True)
class FactInput:
    subject_kind: SubjectKind
    subject_id: int
    year: int
    indicator: str
    value: Decimal | None = None
    text: str = ""
    item_ref: str = ""
    reference: str = ""


def validate_fact(data: FactInput, today: date | None = None) -> dict[str, str]:
    today = today or date.today()
    errors: dict[str, str] = {}
    refusal = refused_indicator(data.indicator)
    if refusal:
        errors["indicator"] = refusal
    elif data.indicator not in FACT_INDICATORS:
        errors["indicator"] = f"未知指标“{data.indicator}”（可选：{'、'.join(FACT_INDICATORS)}）"
    if not 2000 <= data.year <= today.year:
        errors["year"] = f"年度 {data.year} 不在 2000—{today.year} 之间"
    if data.indicator == "企业规模":
        if data.text not in ("小微企业", "其他企业"):
            errors["text"] = "企业规模只能是“小微企业”或“其他企业”"
    elif data.indicator in FACT_INDICATORS:
        if data.value is None:
            errors["value"] = "请填写数值"
        elif data.value < 0:
            errors["value"] = "数值不能为负"
    errors.update(control_errors(data, {"text": "内容", "item_ref": "项目编号", "reference": "依据"}))
    return errors


def upsert_fact(app: App, data: FactInput) -> int:
    """Add a yearly figure, or replace the same subject/year/indicator/事项编号 figure."""
    city = require_bureau(app).city
    errors = validate_fact(data)
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        _check_subject(s, data.subject_kind, data.subject_id)
        cols = _subject_columns(data.subject_kind, data.subject_id)
        q = select(Fact).where(
            Fact.year == data.year,
            Fact.indicator == data.indicator,
            Fact.item_ref == data.item_ref,
            *[getattr(Fact, k).is_(None) if v is None else getattr(Fact, k) == v for k, v in cols.items()],
        )
        fact = s.scalar(q)
        new = {
            "value": data.value,
            "text": data.text,
            "reference": data.reference,
            "unit_label": FACT_INDICATORS[data.indicator],
            "to_verify": "",  # entered again by the officer: confirmed (D6)
        }
        if fact is None:
            fact = Fact(year=data.year, indicator=data.indicator, item_ref=data.item_ref, **cols, **new)
            s.add(fact)
            before = None
        else:
            before = {"value": fact.value, "text": fact.text, "reference": fact.reference}
            if fact.to_verify:
                before["to_verify"] = fact.to_verify
            for k, v in new.items():
                setattr(fact, k, v)
        s.flush()
        audit.record(
            s,
            app.actor,
            "新增" if before is None else "修改",
            "fact",
            fact.id,
            before,
            {
                "year": data.year,
                "indicator": data.indicator,
                "value": data.value,
                "text": data.text,
                "item_ref": data.item_ref,
            },
        )
        recompute_subjects(s, app.actor, city, {SubjectRef(data.subject_kind, data.subject_id)})
        return fact.id


# --- 须核实 figures (D6) -------------------------------------------------------------------


@dataclass(frozen=True)
class FactToVerify:
    id: int
    subject_name: str
    code: str  # credit code, or a person's masked ID number
    year: int
    indicator: str
    value: Decimal | None
    text: str
    item_ref: str
    reason: str


def facts_to_verify(app: App) -> list[FactToVerify]:
    """The yearly figures marked 须核实 (the D6 migration marks every renamed figure)."""
    out = []
    with app.db.session() as s:
        for f in s.scalars(select(Fact).where(Fact.to_verify != "").order_by(Fact.id)):
            name, code, _ = describe_subject(s, _fact_ref(f))
            out.append(
                FactToVerify(f.id, name, code, f.year, f.indicator, f.value, f.text, f.item_ref, f.to_verify)
            )
    return out


def _fact_ref(f: Fact) -> SubjectRef:
    if f.unit_id is not None:
        return SubjectRef(SubjectKind.UNIT, f.unit_id)
    if f.platform_id is not None:
        return SubjectRef(SubjectKind.PLATFORM, f.platform_id)
    return SubjectRef(SubjectKind.PERSON, f.person_id)  # type: ignore[arg-type]


def confirm_facts(app: App, fact_ids: list[int]) -> int:
    """The officer confirms figures marked 须核实 as they stand; their items are recomputed. Audited."""
    city = require_bureau(app).city
    with app.db.session() as s:
        facts = list(s.scalars(select(Fact).where(Fact.id.in_(fact_ids))))
        missing = sorted(set(fact_ids) - {f.id for f in facts})
        if missing:
            raise ServiceError(f"年度数据 {'、'.join(map(str, missing))} 不存在")
        marked = [f for f in facts if f.to_verify]
        for f in marked:
            before = {"to_verify": f.to_verify}
            f.to_verify = ""
            audit.record(s, app.actor, "核实", "fact", f.id, before, {"to_verify": "", "value": f.value})
        if marked:
            recompute_subjects(s, app.actor, city, {_fact_ref(f) for f in marked})
        return len(marked)
