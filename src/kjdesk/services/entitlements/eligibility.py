"""可享政策 of a unit: what it and its platforms and people are owed, refused, and could still get.

``unit_eligibility(app, unit_id)`` runs the engine's ``eligibility`` over the register of the
unit, each platform it hosts and each person it employs, and sorts every clause into one of
three groups an officer reads at a glance:

- 已享受: owed money (amount), awaiting an officer's amount, or a non-cash measure whose
  recognition the subject already holds;
- 不符合: the engine refused it (not eligible, no policy in force, 不重复享受, cancelled), with why;
- 可争取: clauses the subject could still qualify for, cash or non-cash, with what it lacks.

可争取 lists only clauses meant for that kind of subject: a unit sees the recognitions held by
units and the fact-based clauses for its kind (企业, 高校院所, 园区); a platform sees the
clauses of its own type (a 重点实验室 may go up a level, it cannot become an incubator); a
person sees the clauses for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kjdesk.policy.engine import Availability, ClauseStatus, eligibility, is_cash
from kjdesk.policy.model import FORM_LABELS, Clause, Policy, SubjectKind, SubjectRef
from kjdesk.policy.titles import builtin_titles
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements import policy_for
from kjdesk.services.entitlements.subject_inputs import load_subject_facts
from kjdesk.store.models import Unit


class Group(StrEnum):
    HELD = "已享受"
    REFUSED = "不符合"
    OPEN = "可争取"


GROUP_ORDER = {Group.HELD: 0, Group.REFUSED: 1, Group.OPEN: 2}

# The beneficiaries of fact-based clauses (no recognition trigger) per kind of subject.
UNIT_KIND_BENEFICIARIES = {
    "企业": ("enterprise", "project", "registry"),
    "高校院所": ("institution", "project", "registry"),
    "园区": ("park", "project", "registry"),
    "服务机构": ("enterprise", "institution", "project", "registry"),
    "其他": ("enterprise", "institution", "park", "project", "registry"),
}
PERSON_BENEFICIARIES = ("person", "broker")


@dataclass(frozen=True)
class EligibilityRow:
    group: str  # 已享受 / 不符合 / 可争取
    subject_kind: str  # unit / platform / person
    subject_id: int
    subject_label: str  # 本单位 / 平台：… / 人员：…
    clause_id: str
    article: str
    title: str
    form_label: str
    availability: str  # 应享 / 待录入金额 / 须核实 / 不予支持 / 尚未满足条件 / 非资金政策
    cash: bool
    amount_fen: int  # the total owed (0 unless 应享)
    reasons: tuple[str, ...]  # why refused, or what a non-cash clause gives
    missing: tuple[str, ...]  # what is still needed to qualify
    payment_wording: str

    @property
    def note(self) -> str:
        """The one line of words the table shows beside the clause."""
        if self.availability == Availability.AWAITING:
            return "待经办人录入金额及依据"
        parts = list(self.reasons)
        if self.missing and self.group != Group.HELD:
            parts.append("需要：" + "；".join(self.missing))
        return "；".join(parts)


def _group(status: ClauseStatus) -> Group:
    if status.availability in (Availability.OWED, Availability.AWAITING, Availability.VERIFY):
        return Group.HELD
    if status.availability == Availability.REFUSED:
        return Group.REFUSED
    if status.availability == Availability.NON_CASH and any("可按本条享受" in r for r in status.reasons):
        return Group.HELD
    return Group.OPEN


def _recognition_subject(type_id: str) -> SubjectKind | None:
    t = builtin_titles().types.get(type_id)
    return t.subject if t is not None else None


def _worth_striving(clause: Clause, kind: SubjectKind, unit_kind: str, platform_type: str) -> bool:
    """Whether an open clause is meant for this kind of subject at all."""
    t = clause.trigger
    triggered = t is not None and bool(t.recognition)
    if kind == SubjectKind.PLATFORM:
        return triggered and t.recognition == platform_type
    if triggered and _recognition_subject(t.recognition) != kind:
        return False
    if kind == SubjectKind.UNIT:
        return clause.beneficiary in UNIT_KIND_BENEFICIARIES.get(unit_kind, UNIT_KIND_BENEFICIARIES["其他"])
    return triggered or clause.beneficiary in PERSON_BENEFICIARIES


def _rows(
    policy: Policy,
    statuses: list[ClauseStatus],
    ref: SubjectRef,
    label: str,
    unit_kind: str,
    platform_type: str,
) -> list[EligibilityRow]:
    clauses = {c.id: c for c in policy.clauses}
    out: list[EligibilityRow] = []
    for st in statuses:
        clause = clauses[st.clause_id]
        group = _group(st)
        if group == Group.OPEN and not _worth_striving(clause, ref.kind, unit_kind, platform_type):
            continue
        out.append(
            EligibilityRow(
                group=group.value,
                subject_kind=ref.kind.value,
                subject_id=ref.id,
                subject_label=label,
                clause_id=st.clause_id,
                article=st.article,
                title=st.title,
                form_label=FORM_LABELS.get(st.form, str(st.form)),
                availability=st.availability.value,
                cash=is_cash(clause),  # a non-cash measure stays non-cash while 须核实 (D14)
                amount_fen=st.amount_fen if st.availability == Availability.OWED else 0,
                reasons=st.reasons,
                missing=st.missing,
                payment_wording=clause.payment_wording,
            )
        )
    return out


def unit_eligibility(app: App, unit_id: int) -> list[EligibilityRow]:
    """Every clause of the city's policy as it stands for the unit, its platforms and its people."""
    city = require_bureau(app).city
    with app.db.session() as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise ServiceError(f"没有编号为 {unit_id} 的单位（可能已被删除）")
        policy = policy_for(s, city)
        labels: dict[SubjectRef, tuple[str, str]] = {SubjectRef(SubjectKind.UNIT, unit.id): ("本单位", "")}
        for p in sorted(unit.platforms, key=lambda p: p.id):
            labels[SubjectRef(SubjectKind.PLATFORM, p.id)] = (f"平台：{p.name}", p.type_id)
        for person in sorted(unit.people, key=lambda p: p.id):
            labels[SubjectRef(SubjectKind.PERSON, person.id)] = (f"人员：{person.name}", "")
        facts = load_subject_facts(s, city, set(labels))
        unit_kind = unit.kind or "企业"
    order = list(labels)
    rows: list[EligibilityRow] = []
    for subject in sorted(facts, key=lambda f: order.index(f.subject)):
        label, platform_type = labels[subject.subject]
        statuses = eligibility(policy, subject)
        rows.extend(_rows(policy, statuses, subject.subject, label, unit_kind, platform_type))
    rows.sort(key=lambda r: GROUP_ORDER[Group(r.group)])  # stable: subject, then catalog order
    return rows
