"""What the officer must confirm before an item can be approved (D14 conditions, D6 figures).

``with_conditions`` applies a clause's recorded conditions (``conditions.judge``) to an
entitlement the form builders made: met, the lines are added; not met, the item becomes
“不符合条件” with the reason; unknown, it becomes “须核实”. ``with_facts`` does the same for
the yearly figures an entitlement was computed from that are marked 须核实 (a fact renamed
by the D6 migration keeps its value but waits for the officer's confirmation).

A 须核实 item carries no instalment and a zero total (nothing can be planned or approved
from it); its explanation says what it will be once confirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kjdesk.policy import explain
from kjdesk.policy.conditions import Judgement, Outcome, judge
from kjdesk.policy.model import Clause, Entitlement, EntitlementStatus, FactRecord, RecognitionRecord
from kjdesk.policy.scope import Context

PENDING = (EntitlementStatus.DUE, EntitlementStatus.AWAITING_AMOUNT)


def _insert(
    ent: Entitlement, clause: Clause, ctx: Context, lines: Sequence[str], concluded: bool = False
) -> tuple[str, ...]:
    """The explanation with ``lines`` put before its conclusion and the clause's readings (which
    stay last); ``concluded``: ``lines`` end with a new conclusion, which replaces the old one."""
    n = len(ctx.prepared.readings(clause))
    body, tail = (ent.explanation[:-n], ent.explanation[-n:]) if n else (ent.explanation, ())
    old = [line for line in body if line.startswith("结论：")]
    body = tuple(line for line in body if not line.startswith("结论："))
    return (*body, *lines, *([] if concluded else old), *tail)


def _held_back(ctx: Context, clause: Clause, ent: Entitlement, lines: list[str], reason: str) -> Entitlement:
    live = [i for i in ent.instalments if not i.cancelled_reason]
    if ent.status == EntitlementStatus.DUE and live:
        years = "、".join(str(i.year) for i in live)
        lines.append(f"核实后应享：{explain.yuan(sum(i.amount_fen for i in live))}（{years} 年拨付）")
    lines.append(f"结论：{reason}；核实前不列入拨付计划，不能审批")
    return replace(
        ent,
        status=EntitlementStatus.TO_VERIFY,
        total_fen=0,
        instalments=(),
        explanation=_insert(ent, clause, ctx, lines, concluded=True),
    )


def apply(ctx: Context, clause: Clause, ent: Entitlement, verdict: Judgement) -> Entitlement:
    """An entitlement after its clause's conditions were judged (see the module docstring)."""
    if ent.status not in PENDING:
        return ent
    lines = list(verdict.lines)
    if verdict.outcome == Outcome.MET:
        return replace(ent, explanation=_insert(ent, clause, ctx, lines))
    if verdict.outcome == Outcome.NOT_MET:
        lines.append(f"结论：{EntitlementStatus.NOT_ELIGIBLE.value}——{verdict.reason}")
        return replace(
            ent,
            status=EntitlementStatus.NOT_ELIGIBLE,
            total_fen=0,
            instalments=(),
            explanation=_insert(ent, clause, ctx, lines, concluded=True),
        )
    return _held_back(ctx, clause, ent, lines, verdict.reason)


def with_conditions(
    ctx: Context, clause: Clause, ent: Entitlement, rec: RecognitionRecord | None = None
) -> Entitlement:
    if not clause.conditions:
        return ent
    return apply(ctx, clause, ent, judge(clause, ctx.subject, rec))


def with_facts(ctx: Context, clause: Clause, ent: Entitlement, used: Sequence[FactRecord]) -> Entitlement:
    """D6 migration: a figure marked 须核实 holds its entitlement back until it is confirmed."""
    marked = [f for f in used if f.to_verify]
    if not marked or ent.status not in PENDING:
        return ent
    lines = [f"须核实：{f.year} 年{f.indicator}（记录号 {f.id}）——{f.to_verify}" for f in marked]
    return _held_back(ctx, clause, ent, lines, "须核实：所用年度数据待经办人核实")
