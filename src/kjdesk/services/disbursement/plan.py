"""The yearly plan (D4): the instalments due in a year, their totals, and the commitments ahead.

Read-only. One ``PlanRow`` per instalment with the unit paid, the clause, the amount, what
finance has paid so far and its state; ``year_plan`` adds totals by clause, 旗县区 and
payment wording; ``commitments`` lists what the schedules promise for the next years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.decisions import basis_of
from kjdesk.services.register.subject_names import SubjectNames, chunks
from kjdesk.store.models import Entitlement, Instalment, Payment, Recognition
from kjdesk.validation import districts_of, mask_id_number

STATE_LABELS = {
    "planned": "计划",
    "proposed": "已报批",
    "approved": "已审批",
    "paid": "已拨付",
    "cancelled": "已取消",
}
PARTLY_PAID = "部分拨付"
# Entitlement statuses whose instalments are money owed (D1, D8, D10 statuses are not).
OWED_STATUSES = ("应享",)


@dataclass(frozen=True)
class ClauseInfo:
    id: str
    article: str
    title: str
    payment_wording: str


def clause_infos(city: str) -> dict[str, ClauseInfo]:
    """Article and title of every clause of the city's catalog (for labels and sheets)."""
    from kjdesk.policy.catalog import load_builtin

    return {c.id: ClauseInfo(c.id, c.article, c.title, c.payment_wording) for c in load_builtin(city).clauses}


def clause_label(info: ClauseInfo | None, clause_id: str) -> str:
    return f"{info.article}{info.title}" if info else clause_id


@dataclass(frozen=True)
class PlanRow:
    instalment_id: int
    entitlement_id: int
    year: int
    unit_name: str  # the unit paid (a platform's host, a person's employer)
    credit_code: str
    district: str
    subject_name: str  # the platform or person when it is not the unit itself
    clause_id: str
    article: str
    clause_title: str
    payment_wording: str
    amount_fen: int
    paid_fen: int  # net paid on this instalment (payments minus reversals)
    open_fen: int
    entitlement_paid_fen: int  # net paid on the whole entitlement, every year (累计已拨)
    state: str
    state_label: str
    batch_id: int | None
    approved_by: str
    pending_amount_fen: int | None
    note: str
    recognition_id: int | None
    doc_number: str
    has_evidence: bool
    basis: str = (
        ""  # 依据: the decision, 年度标准 or allocation the amount rests on, or the text's own amount
    )
    basis_kind: str = ""  # 决定 / 录入依据 / 年度标准 / 配套 / 政策原文
    decision_id: int | None = None
    district_fen: int | None = None  # the 区财政 part of the amount, when recorded


@dataclass(frozen=True)
class Total:
    key: str
    count: int
    amount_fen: int
    paid_fen: int


@dataclass(frozen=True)
class YearPlan:
    year: int
    rows: list[PlanRow]
    total_fen: int
    approved_fen: int  # approved or paid (the money cleared by a 复核人)
    paid_fen: int
    by_clause: list[Total]
    by_district: list[Total]
    by_wording: list[Total]


@dataclass(frozen=True)
class CommitmentRow:
    clause_id: str
    article: str
    clause_title: str
    count: int  # entitlements with money in these years
    by_year_fen: dict[int, int]
    total_fen: int


def _paid_by_instalment(s: Session) -> dict[int, int]:
    q = select(Payment.instalment_id, func.sum(Payment.amount_fen)).group_by(Payment.instalment_id)
    return {i: int(v or 0) for i, v in s.execute(q)}


def _describe(names: SubjectNames, row: Row) -> tuple[str, str, str, str]:
    """(unit name, credit code, 旗县区, subject name) of the unit paid for an instalment's row."""
    payee, subject = names.payee(row)
    if payee is None or payee not in names.units:
        number = names.people.get(row.person_id, ("", None, ""))[2] if row.platform_id is None else ""
        return subject, mask_id_number(number) if number else "", "", subject
    uname, code, district = names.units[payee]
    return uname, code, district, subject


def load_rows(
    s: Session, city: str, years: Iterable[int] | None = None, ids: Iterable[int] | None = None
) -> list[PlanRow]:
    """Plan rows for the instalments of ``years`` (or with ``ids``), in 旗县区 / unit / clause order."""
    infos = clause_infos(city)
    i, e = Instalment, Entitlement
    q = select(
        i.id, i.year, i.amount_fen, i.state, i.pending_amount_fen, i.review_note, i.cancelled_reason,
        i.batch_id, i.approved_by,
        e.id.label("entitlement_id"), e.status, e.clause_id, e.payment_wording, e.recognition_id,
        e.unit_id, e.platform_id, e.person_id, e.payee_unit_id, e.basis, e.entered_amount_id,
    ).join(e, i.entitlement_id == e.id)  # fmt: skip
    if years is not None:
        q = q.where(i.year.in_(list(years)))
    if ids is not None:
        q = q.where(i.id.in_(list(ids)))
    found = s.execute(q).all()  # plain rows: an instalment's columns and its entitlement's
    names = SubjectNames.read(s, found)
    paid = _paid_by_instalment(s)
    by_entitlement = (
        select(i.entitlement_id, func.sum(Payment.amount_fen))
        .join(Payment, Payment.instalment_id == i.id)
        .group_by(i.entitlement_id)
    )
    ent_paid = {ent_id: int(v or 0) for ent_id, v in s.execute(by_entitlement)}
    rec_ids = {f.recognition_id for f in found if f.recognition_id}
    recs = {
        r.id: (r.doc_number, bool(r.evidence.strip()))
        for chunk in chunks(rec_ids)
        for r in s.execute(
            select(Recognition.id, Recognition.doc_number, Recognition.evidence).where(
                Recognition.id.in_(chunk)
            )
        )
    }
    known = {f.entitlement_id: (f.basis, f.entered_amount_id) for f in found}
    bases = basis_of(s, known, known)
    rows: list[PlanRow] = []
    for f in found:
        if f.status not in OWED_STATUSES and f.state in ("planned", "cancelled"):
            continue
        basis = bases.get(f.entitlement_id)
        uname, code, district, subject = _describe(names, f)
        info = infos.get(f.clause_id)
        p = paid.get(f.id, 0)
        label = STATE_LABELS.get(f.state, f.state)
        if f.state == "approved" and p > 0:
            label = PARTLY_PAID
        notes = []
        if f.pending_amount_fen is not None:
            notes.append(f.review_note or f"待复核：重算金额 {format_yuan(f.pending_amount_fen)} 元")
        if f.state == "cancelled" and f.cancelled_reason:
            notes.append(f"取消原因：{f.cancelled_reason}")
        if subject and subject != uname:
            notes.insert(0, subject)
        doc, evidence = recs.get(f.recognition_id or 0, ("", False))
        rows.append(
            PlanRow(
                instalment_id=f.id,
                entitlement_id=f.entitlement_id,
                year=f.year,
                unit_name=uname,
                credit_code=code,
                district=district,
                subject_name=subject,
                clause_id=f.clause_id,
                article=info.article if info else "",
                clause_title=info.title if info else f.clause_id,
                payment_wording=f.payment_wording or (info.payment_wording if info else ""),
                amount_fen=f.amount_fen,
                paid_fen=p,
                open_fen=0 if f.state == "cancelled" else f.amount_fen - p,
                entitlement_paid_fen=ent_paid.get(f.entitlement_id, 0),
                state=f.state,
                state_label=label,
                batch_id=f.batch_id,
                approved_by=f.approved_by,
                pending_amount_fen=f.pending_amount_fen,
                note="；".join(notes),
                recognition_id=f.recognition_id,
                doc_number=doc,
                has_evidence=evidence,
                basis=(f"政策原文{info.article}" if info else basis.text)
                if basis and basis.kind == "政策原文"
                else (basis.text if basis else ""),
                basis_kind=basis.kind if basis else "",
                decision_id=basis.decision.id if basis and basis.decision else None,
                district_fen=basis.district_fen if basis else None,
            )
        )
    order = {d: i for i, d in enumerate(districts_of(city))}
    rows.sort(
        key=lambda r: (
            r.year,
            order.get(r.district, 99),
            r.district,
            r.unit_name,
            _article_order(r.article),
            r.instalment_id,
        )
    )
    return rows


def _totals(rows: list[PlanRow], key, rank) -> list[Total]:  # noqa: ANN001 - row -> str, row -> sort key
    """Totals per key, in the order of ``rank`` (the policy's article order, the city's 旗县区 order)."""
    groups: dict[str, list[PlanRow]] = defaultdict(list)
    ranks: dict[str, object] = {}
    for r in rows:
        groups[key(r)].append(r)
        ranks.setdefault(key(r), rank(r))
    return [
        Total(k, len(v), sum(r.amount_fen for r in v), sum(r.paid_fen for r in v))
        for k, v in sorted(groups.items(), key=lambda kv: (ranks[kv[0]], kv[0]))
    ]


def year_plan(app: App, year: int, include_cancelled: bool = False) -> YearPlan:
    """The instalments due in ``year`` with totals by clause, 旗县区 and payment wording."""
    city = require_bureau(app).city
    with app.db.session() as s:
        rows = load_rows(s, city, [year])
    if not include_cancelled:
        rows = [r for r in rows if r.state != "cancelled"]
    live = [r for r in rows if r.state != "cancelled"]
    order = {d: i for i, d in enumerate(districts_of(city))}
    return YearPlan(
        year=year,
        rows=rows,
        total_fen=sum(r.amount_fen for r in live),
        approved_fen=sum(r.amount_fen for r in live if r.state in ("approved", "paid")),
        paid_fen=sum(r.paid_fen for r in live),
        by_clause=_totals(
            live, lambda r: f"{r.article}{r.clause_title}", lambda r: _article_order(r.article)
        ),
        by_district=_totals(
            live, lambda r: r.district or "（未填旗县区）", lambda r: order.get(r.district, 99)
        ),
        by_wording=_totals(live, lambda r: r.payment_wording or "（未注明）", lambda r: 0),
    )


def commitments(app: App, first_year: int, years: int = 5) -> list[CommitmentRow]:
    """What the schedules already promise for ``first_year`` … ``first_year + years - 1``, by clause.

    Counts every instalment not cancelled, whatever its state, so the table shows the
    whole promise; what is already paid in those years stays in (it is part of the promise).
    """
    city = require_bureau(app).city
    span = list(range(first_year, first_year + years))
    with app.db.session() as s:
        rows = [r for r in load_rows(s, city, span) if r.state != "cancelled"]
    groups: dict[str, list[PlanRow]] = defaultdict(list)
    for r in rows:
        groups[r.clause_id].append(r)
    out = []
    for clause_id, group in groups.items():
        by_year = {y: sum(r.amount_fen for r in group if r.year == y) for y in span}
        first = group[0]
        out.append(
            CommitmentRow(
                clause_id,
                first.article,
                first.clause_title,
                len({r.entitlement_id for r in group}),
                by_year,
                sum(by_year.values()),
            )
        )
    out.sort(key=lambda c: (_article_order(c.article), c.clause_id))
    return out


_NUMERALS = "零一二三四五六七八九"


def _article_order(article: str) -> int:
    """（二十五） → 25, so clauses sort in the order of the policy text."""
    text = article.strip("（）()")
    if not text:
        return 999
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in _NUMERALS:
            current = _NUMERALS.index(ch)
        else:
            return 999
    return total + current


def article_order(article: str) -> int:
    return _article_order(article)
