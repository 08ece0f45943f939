"""Reading entitlements: one line per instalment for tables, sheets and ``kjdesk entitlements``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.policy.model import SubjectKind
from kjdesk.services.app import App
from kjdesk.services.entitlements import STATE_LABELS
from kjdesk.store.models import Entitlement, Instalment, Person, Platform, Unit
from kjdesk.validation import mask_id_number


@dataclass(frozen=True)
class EntitlementLine:
    entitlement_id: int
    instalment_id: int | None
    subject_kind: str
    subject_name: str
    unit_name: str  # the unit paid (the platform's host, the person's employer)
    credit_code: str
    person_id_masked: str
    district: str
    clause_id: str
    clause_title: str
    article: str
    year: int | None
    amount_fen: int
    total_fen: int
    status: str  # 应享 / 不重复享受 / …
    state: str  # 计划 / 已审批 / … (instalment)
    payment_wording: str
    pending_amount_fen: int | None
    review_note: str
    explanation: str


SubjectInfo = tuple[str, str, str, str, str]
UNIT, PLATFORM, PERSON = 0, 1, 2


# Subjects are read in chunks of ids, well under every database's limit on bound parameters.
CHUNK = 500


def _chunks(ids: set[int]):  # noqa: ANN202 - generator of id lists
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def _units(session: Session, ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """(name, credit code, district) of each unit."""
    out: dict[int, tuple[str, str, str]] = {}
    for chunk in _chunks(ids):
        q = select(Unit.id, Unit.name, Unit.credit_code, Unit.district).where(Unit.id.in_(chunk))
        out.update((uid, (name, code, dist)) for uid, name, code, dist in session.execute(q))
    return out


def _subjects(session: Session, refs: set[tuple[int, int]]) -> dict[tuple[int, int], SubjectInfo]:
    """(subject name, unit name, credit code, masked ID, district) of each subject, by (kind, id)."""
    by_kind: dict[int, set[int]] = {UNIT: set(), PLATFORM: set(), PERSON: set()}
    for kind, sid in refs:
        by_kind[kind].add(sid)
    platforms: dict[int, tuple[str, int]] = {}
    for chunk in _chunks(by_kind[PLATFORM]):
        q = select(Platform.id, Platform.name, Platform.host_unit_id).where(Platform.id.in_(chunk))
        platforms.update((pid, (name, host)) for pid, name, host in session.execute(q))
    people: dict[int, tuple[str, str, int | None]] = {}
    for chunk in _chunks(by_kind[PERSON]):
        q = select(Person.id, Person.name, Person.id_number, Person.employer_unit_id).where(
            Person.id.in_(chunk)
        )
        people.update((pid, (name, number, emp)) for pid, name, number, emp in session.execute(q))
    unit_ids = by_kind[UNIT] | {host for _n, host in platforms.values()}
    unit_ids |= {emp for _n, _i, emp in people.values() if emp is not None}
    units = _units(session, unit_ids)
    out: dict[tuple[int, int], SubjectInfo] = {}
    for uid in by_kind[UNIT]:
        name, code, dist = units[uid]
        out[UNIT, uid] = (name, name, code, "", dist)
    for pid, (name, host) in platforms.items():
        host_name, code, dist = units[host]
        out[PLATFORM, pid] = (name, host_name, code, "", dist)
    for pid, (name, number, emp) in people.items():
        emp_name, code, dist = units[emp] if emp is not None else ("", "", "")
        out[PERSON, pid] = (name, emp_name, code, mask_id_number(number), dist)
    return out


def _ref_key(unit_id: int | None, platform_id: int | None, person_id: int | None) -> tuple[int, int]:
    if unit_id is not None:
        return UNIT, unit_id
    if platform_id is not None:
        return PLATFORM, platform_id
    assert person_id is not None
    return PERSON, person_id


def list_entitlements(
    app: App,
    year: int | None = None,
    clause_id: str | None = None,
    district: str | None = None,
    status: str | None = None,
    unit_id: int | None = None,
) -> list[EntitlementLine]:
    """One line per instalment (one line for an entitlement without any), by entitlement and year.

    Read as plain rows in one joined query (the page shows every line of every year, 80,000
    and more at a city's scale), with each subject's names read once."""
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.services.settings import require_bureau

    policy = load_builtin(require_bureau(app).city)
    clauses = {c.id: c for c in policy.clauses}
    e, i = Entitlement, Instalment
    q = (
        select(
            e.id, e.unit_id, e.platform_id, e.person_id, e.clause_id, e.total_fen, e.status,
            e.payment_wording, e.explanation,
            i.id, i.year, i.amount_fen, i.state, i.pending_amount_fen, i.review_note, i.cancelled_reason,
        )
        .select_from(e)
        .outerjoin(i, i.entitlement_id == e.id)
        .order_by(e.id, i.year, i.id)
    )  # fmt: skip
    if clause_id:
        q = q.where(e.clause_id == clause_id)
    if status:
        q = q.where(e.status == status)
    if unit_id is not None:
        q = q.where(e.payee_unit_id == unit_id)
    if year is not None:
        q = q.where(i.year == year)
    with app.db.session() as s:
        rows = s.execute(q).all()
        subjects = _subjects(s, {_ref_key(r[1], r[2], r[3]) for r in rows})
    kinds = {
        UNIT: SubjectKind.UNIT.value,
        PLATFORM: SubjectKind.PLATFORM.value,
        PERSON: SubjectKind.PERSON.value,
    }
    lines: list[EntitlementLine] = []
    for r in rows:
        (ent_id, u, pf, pe, cid, total, ent_status, wording, explanation) = r[:9]
        (inst_id, inst_year, amount, state, pending, review, cancelled) = r[9:]
        ref = _ref_key(u, pf, pe)
        name, unit_name, code, masked, dist = subjects[ref]
        if district and dist != district:
            continue
        clause = clauses.get(cid)
        lines.append(
            EntitlementLine(
                entitlement_id=ent_id,
                instalment_id=inst_id,
                subject_kind=kinds[ref[0]],
                subject_name=name,
                unit_name=unit_name,
                credit_code=code,
                person_id_masked=masked,
                district=dist,
                clause_id=cid,
                clause_title=clause.title if clause else "",
                article=clause.article if clause else "",
                year=inst_year,
                amount_fen=amount if inst_id is not None else 0,
                total_fen=total,
                status=ent_status,
                state=STATE_LABELS.get(state, state) if inst_id is not None else "",
                payment_wording=wording,
                pending_amount_fen=pending,
                review_note=(review or cancelled) if inst_id is not None else "",
                explanation=explanation,
            )
        )
    return lines
