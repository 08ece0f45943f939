"""The entitlement engine: what one subject is owed (and refused) under one policy.

Pure functions of plain dataclasses (no Qt, no database, no files):

- ``compute_entitlements(policy, subject, as_of=None) -> list[Entitlement]``
- ``eligibility(policy, subject, as_of=None) -> list[ClauseStatus]`` for the “可享政策” view.

Each clause is computed by the module of its form (``forms`` for fixed amounts and
schedules, ``rates`` for rates and steps, ``entered`` for officer-entered amounts); then
the exclusion groups of D1 are applied across the clauses (``exclusion``). ``as_of`` (the
day of the computation, today by default) only bounds open-ended schedules (D4). What
depends on the policy alone (which clauses a record can touch, the settings, the header and
reading lines) is prepared once per policy (``prepared``), so a subject costs only its own.

Where each decision of clauses.md Part I lives (every reading is a catalog setting or a
clause field; the engine holds no city's numbers):

- D1 exclusion groups: ``exclusion.apply_groups`` (same year highest, later higher pays the
  difference off the earliest instalments, later equal/lower nothing).
- D2 repeats (``clause.repeat``), D3 consecutive 入库, D10 policy in force and subject in
  the city, ``requires_valid``: ``forms.by_recognition`` / ``forms.qualify``.
- D4 schedules, first year, 每年 without N, cancellation: ``forms.schedule_years``,
  ``scope.cancel_after``. D5 floors: ``forms.build_fixed``.
- D6 rates and caps, D7 steps: ``rates``. D8 entered amounts, matching, yearly standards,
  D9 cash OTHER: ``entered``; non-cash rows never pay (``is_cash``).
- D11 is the services' (the records keep 文号 and evidence); D12 is data (stage 续签,
  years = 0); D13: amounts are exact Decimal 分 rounded half-up once (``money.round_fen``).
- D14 conditions the text attaches (recorded attributes, never assumed): ``conditions``
  judges them, ``verify`` turns an item into 不符合条件 or 须核实; a figure still marked 须核实
  (D6 migration) holds its item back the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kjdesk.policy import entered, exclusion, explain, forms, rates
from kjdesk.policy.conditions import BY_KEY as ATTRIBUTES_BY_KEY
from kjdesk.policy.conditions import Outcome, judge
from kjdesk.policy.model import (
    Clause,
    Entitlement,
    EntitlementStatus,
    Form,
    Policy,
    RecognitionRecord,
    SubjectFacts,
)
from kjdesk.policy.prepared import NON_CASH_FORMS, is_cash, prepare
from kjdesk.policy.scope import Context

FIXED_FORMS = (Form.ONE_TIME, Form.ONE_TIME_STAR, Form.ANNUAL_N_YEARS)
NON_CASH_LABELS = {
    Form.TAX: "税收优惠，由税务部门按规定办理，不从本政策资金拨付",
    Form.PRIORITY: "优先支持，不涉及本政策资金",
    Form.OTHER: "非资金政策措施，不从本政策资金拨付",
}


Computation = Callable[[Context, Clause], list[Entitlement]]


def _nothing(ctx: Context, clause: Clause) -> list[Entitlement]:
    return []  # a fixed amount needs a recognition to hang on


def _fixed(ctx: Context, clause: Clause) -> list[Entitlement]:
    out = forms.by_recognition(ctx, clause, forms.build_fixed)
    if clause.id in ctx.entered_clauses:  # ``entered.orphans`` has nothing to say otherwise
        out = out + entered.orphans(ctx, clause)
    return out


def _entered(ctx: Context, clause: Clause) -> list[Entitlement]:
    out = forms.by_recognition(ctx, clause, entered.build_entered)
    if clause.id in ctx.entered_clauses:
        out = out + entered.orphans(ctx, clause)
    return out


def _computation(clause: Clause) -> Computation:
    """How a cash clause is computed: by the module of its form (D1 comes after, across clauses)."""
    if clause.form in (Form.RATE_WITH_CAP, Form.TIERED_RATE):
        return rates.rate_entitlements
    if clause.form == Form.STEP_INCREMENT:
        return rates.step_entitlements
    fixed = clause.form in FIXED_FORMS and clause.amount_fen is not None
    if clause.trigger is not None and clause.trigger.recognition:
        return _fixed if fixed else _entered
    return _nothing if fixed else entered.unattached


def compute_entitlements(
    policy: Policy, subject: SubjectFacts, as_of: date | None = None
) -> list[Entitlement]:
    """Everything the subject is owed (and refused) under the policy, in catalog order."""
    prepared = prepare(policy)
    ctx = Context(policy, subject, as_of or date.today(), prepared)
    plan = prepared.computations
    if plan is None:
        plan = prepared.computations = [_computation(c) for c in policy.clauses]
    out: list[Entitlement] = []
    clauses = policy.clauses
    # Only the cash clauses the subject has a record, fact or entered amount for can give
    # anything; they are computed in catalog order, as when every clause is visited.
    positions = prepared.positions(ctx.types, ctx.indicators, ctx.entered_clauses)
    for pos in positions:
        out.extend(plan[pos](ctx, clauses[pos]))
    if not prepared.in_groups(positions):
        return out  # D1 has nothing to weigh: no clause computed here is in an exclusion group
    return exclusion.apply_groups(ctx, out, prepared.by_id)


# --- 可享政策 ---------------------------------------------------------------------------


class Availability(StrEnum):
    OWED = "应享"
    AWAITING = "待录入金额"
    REFUSED = "不予支持"
    OPEN = "尚未满足条件"
    NON_CASH = "非资金政策"
    VERIFY = "须核实"  # D14: a condition the text attaches is not recorded yet (D6: a figure to confirm)


@dataclass(frozen=True)
class ClauseStatus:
    """One clause in a subject's “可享政策” view."""

    clause_id: str
    article: str
    title: str
    form: Form
    availability: Availability
    amount_fen: int = 0  # the total owed (DUE entitlements)
    reasons: tuple[str, ...] = ()  # why refused / what a non-cash clause gives (Chinese)
    missing: tuple[str, ...] = ()  # what the subject still lacks to qualify (Chinese)
    entitlement_keys: tuple[str, ...] = ()


def _latest(subject: SubjectFacts, type_id: str) -> RecognitionRecord | None:
    recs = [r for r in subject.recognitions if r.type_id == type_id]
    return max(recs, key=lambda r: (r.date, r.id)) if recs else None


def _conclusion(ent: Entitlement) -> str:
    for line in reversed(ent.explanation):
        if line.startswith("结论："):
            return line.removeprefix("结论：")
    return ent.status.value


def requirements(policy: Policy, clause: Clause) -> list[str]:
    """What a subject needs for the clause, in words (for the 可享政策 view)."""
    out: list[str] = []
    t = clause.trigger
    if t is not None and t.recognition:
        levels = "/".join(explain.level_label(lv) for lv in t.levels)
        stage = f"（{t.stage}）" if t.stage else ""
        what = f"{levels + ' ' if levels else ''}{explain.type_label(policy, t.recognition)}{stage}"
        since = policy.document.effective.isoformat()
        if t.consecutive > 1:
            out.append(f"连续 {t.consecutive} 年{what}，后一次在 {since} 及以后")
        else:
            out.append(f"取得{what}认定，认定日期在 {since} 及以后")
        if t.requires_valid:
            out.append(f"认定之日持有有效的{explain.type_label(policy, t.requires_valid)}资格")
    if clause.base_fact and clause.form not in FIXED_FORMS:
        when = {0: "当年度", -1: "上年度"}.get(
            clause.base_year_offset, f"第 Y{clause.base_year_offset:+d} 年"
        )
        out.append(f"录入{when}“{clause.base_fact}”")
        if clause.form == Form.STEP_INCREMENT:
            out.append(f"并录入再上一年度的“{clause.base_fact}”以计算增量")
    for tier in clause.tiers:
        if tier.fact:
            out.append(f"录入“{tier.fact}”")
            break
    if clause.condition is not None:
        c = clause.condition
        out.append(f"“{c.fact}” {c.op} {explain.yuan_value(c.value)}")
    if clause.form in (Form.DISCRETIONARY, Form.MATCHING) or (
        clause.entered and clause.form in NON_CASH_FORMS
    ):
        out.append("经办人录入金额及依据（文号或会议纪要）")
    for cond in clause.conditions:  # D14: recorded, never assumed
        label = (
            ATTRIBUTES_BY_KEY[cond.attribute].label if cond.attribute in ATTRIBUTES_BY_KEY else cond.attribute
        )
        source = {"industry": "所属行业写明，或", "title": "认定名称写明，或"}.get(cond.infer_from, "")
        out.append(f"{cond.text}（{source}登记“{label}”：{'、'.join(cond.met)}）")
    return list(dict.fromkeys(out))


def eligibility(policy: Policy, subject: SubjectFacts, as_of: date | None = None) -> list[ClauseStatus]:
    """For every clause (cash and non-cash): owed, awaiting an amount, refused, or still open."""
    ents = compute_entitlements(policy, subject, as_of)
    by_clause: dict[str, list[Entitlement]] = {}
    for e in ents:
        by_clause.setdefault(e.clause_id, []).append(e)
    held = {r.type_id for r in subject.recognitions}
    out: list[ClauseStatus] = []
    for clause in policy.clauses:
        mine = by_clause.get(clause.id, [])
        keys = tuple(e.key for e in mine)
        base = {"clause_id": clause.id, "article": clause.article, "title": clause.title, "form": clause.form}
        if not is_cash(clause):
            note = [NON_CASH_LABELS.get(clause.form, "非资金政策措施")]
            t = clause.trigger
            availability = Availability.NON_CASH
            if t is not None and t.recognition and t.recognition in held:
                label = explain.type_label(policy, t.recognition)
                verdict = judge(clause, subject, _latest(subject, t.recognition))
                if verdict.outcome == Outcome.MET:
                    note.append(f"已有{label}认定记录，可按本条享受")
                    note.extend(verdict.lines)
                elif verdict.outcome == Outcome.NOT_MET:  # D14: recorded as not met
                    availability = Availability.REFUSED
                    note.append(
                        f"已有{label}认定记录，但{EntitlementStatus.NOT_ELIGIBLE.value}：{verdict.reason}"
                    )
                else:  # D14: not recorded yet
                    availability = Availability.VERIFY
                    note.append(f"已有{label}认定记录；{verdict.reason}")
            out.append(ClauseStatus(**base, availability=availability, reasons=tuple(note)))
            continue
        due = [e for e in mine if e.status == EntitlementStatus.DUE]
        if due:
            total = sum(e.total_fen for e in due)
            out.append(
                ClauseStatus(**base, availability=Availability.OWED, amount_fen=total, entitlement_keys=keys)
            )
        elif any(e.status == EntitlementStatus.TO_VERIFY for e in mine):
            reasons = tuple(
                dict.fromkeys(_conclusion(e) for e in mine if e.status == EntitlementStatus.TO_VERIFY)
            )
            out.append(
                ClauseStatus(**base, availability=Availability.VERIFY, reasons=reasons, entitlement_keys=keys)
            )
        elif any(e.status == EntitlementStatus.AWAITING_AMOUNT for e in mine):
            missing = ("经办人录入金额及依据（文号或会议纪要）",)
            out.append(
                ClauseStatus(
                    **base, availability=Availability.AWAITING, missing=missing, entitlement_keys=keys
                )
            )
        elif mine:
            reasons = tuple(dict.fromkeys(_conclusion(e) for e in mine))
            out.append(
                ClauseStatus(
                    **base,
                    availability=Availability.REFUSED,
                    reasons=reasons,
                    missing=tuple(requirements(policy, clause)),
                    entitlement_keys=keys,
                )
            )
        else:
            missing = tuple(requirements(policy, clause))
            out.append(ClauseStatus(**base, availability=Availability.OPEN, missing=missing))
    return out
