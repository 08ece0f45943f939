"""D1 从新从高不重复 inside the policy: exclusion groups of one subject.

Clauses that pay for the same kind of recognition at different levels share an
``exclusion_group``. Among the subject's DUE entitlements of one group, taken in the
calendar years of their recognitions:

- in one year only the highest is paid; the others become EXCLUDED with the winner;
- a later, higher one pays the difference: its total minus what the group already granted,
  taken off its earliest instalments first (``deducted_fen``); where its instalments are
  floors (不低于, D5) only what an instalment holds above its floor is taken off, and what
  cannot be taken off is not (D1 as amended: 自治区 500 → 国家 不低于 3000 × 5 pays 500 + 15,000);
- a later, equal or lower one pays nothing ("已享受同等或更高支持").

A group whose clauses repeat once per assessment year (新型研发机构 优秀/良好) is judged per
assessment year. Settings: ``upgrade_pays_difference`` (default True; False pays a later
higher recognition in full).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from kjdesk.policy import explain
from kjdesk.policy.model import Clause, Entitlement, EntitlementStatus, PlannedInstalment
from kjdesk.policy.scope import Context


def _add(ent: Entitlement, clause: Clause, lines: list[str]) -> tuple[str, ...]:
    """The explanation with ``lines`` put before the clause's readings (which stay last)."""
    n = len(clause.readings)
    body, tail = (ent.explanation[:-n], ent.explanation[-n:]) if n else (ent.explanation, ())
    return (*body, *lines, *tail)


def _excluded(ent: Entitlement, clause: Clause, winner: Entitlement, why: str) -> Entitlement:
    lines = [
        f"本条款核定 {explain.yuan(ent.total_fen)}；同组 {winner.clause_id} {why}",
        f"结论：{EntitlementStatus.EXCLUDED.value}——{why}",
    ]
    return replace(
        ent,
        status=EntitlementStatus.EXCLUDED,
        total_fen=0,
        instalments=(),
        explanation=_add(ent, clause, lines),
        winner_clause_id=winner.clause_id,
    )


def _deduct(
    ent: Entitlement, clause: Clause, granted: int, previous: Entitlement, latest_first: bool = False
) -> Entitlement:
    """Take ``granted`` off the earliest live instalments first (or the latest, by setting).

    D1 as amended: where the clause's instalments are floors (不低于, D5), only what an
    instalment holds above its floor can be taken off; what cannot be taken off is not.
    """
    floor = (clause.amount_fen or 0) if clause.is_floor else 0
    left = granted
    instalments: list[PlannedInstalment] = []
    order = reversed(ent.instalments) if latest_first else iter(ent.instalments)
    for inst in order:
        if inst.cancelled_reason or left == 0:
            instalments.append(inst)
            continue
        cut = min(left, max(inst.amount_fen - floor, 0))
        left -= cut
        instalments.append(replace(inst, amount_fen=inst.amount_fen - cut))
    if latest_first:
        instalments.reverse()
    deducted = granted - left
    total = sum(i.amount_fen for i in instalments if not i.cancelled_reason)
    per_year = "，".join(
        f"{i.year} 年 {explain.yuan(i.amount_fen)}" for i in instalments if not i.cancelled_reason
    )
    where = "最晚" if latest_first else "最早"
    lines = [
        f"同组此前已享受 {explain.yuan(granted)}（{previous.clause_id}），本次补差："
        f"{explain.yuan(ent.total_fen)} − {explain.yuan(deducted)} = {explain.yuan(total)}",
    ]
    if clause.is_floor:
        lines.append(
            f"补差规则：本条每期金额“不低于 {explain.yuan(floor)}”是下限（D5），只能扣减各期超出下限的部分，"
            f"不足扣减的不再扣减，下限足额拨付（D1）"
        )
        if left:
            lines.append(
                f"可扣减 {explain.yuan(deducted)}，其余 {explain.yuan(left)} 不扣减："
                f"此前已享受的支持照常保留，本条各期不低于下限"
            )
        lines.append(f"扣减后：{per_year}")
    else:
        lines.append(
            f"补差规则：本条为固定金额，不是下限，已享受金额从{where}的拨付期起扣减（D1）；扣减后：{per_year}"
        )
    return replace(
        ent,
        instalments=tuple(instalments),
        total_fen=total,
        explanation=_add(ent, clause, lines),
        deducted_fen=deducted,
    )


def _assessment_only(clauses: dict[str, Clause], group: str) -> bool:
    """A group whose clauses all repeat per assessment year is judged per assessment year."""
    members = [c for c in clauses.values() if c.exclusion_group == group]
    return all(c.repeat == "once_per_assessment_year" for c in members)


def apply_groups(
    ctx: Context, entitlements: list[Entitlement], clauses: dict[str, Clause]
) -> list[Entitlement]:
    if not ctx.prepared.exclusion:  # settings["exclusion_within_policy"]
        return list(entitlements)
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    dates: dict[int, date] = {}
    prepared = ctx.prepared
    per_year_groups = dict(prepared.assessment_groups) if clauses is prepared.by_id else {}
    due = EntitlementStatus.DUE
    for idx, ent in enumerate(entitlements):
        group = clauses[ent.clause_id].exclusion_group
        if ent.status != due or not group:
            continue
        rec = ctx.recognition(ent.recognition_id)
        if rec is None:
            continue
        dates[idx] = rec.date
        assessment = per_year_groups.get(group)
        if assessment is None:
            assessment = per_year_groups[group] = _assessment_only(clauses, group)
        per_year = rec.date.year if assessment else 0
        groups[(group, per_year)].append(idx)
    if not groups:
        return list(entitlements)
    pays_difference = ctx.flag("upgrade_pays_difference", True)
    lower_pays_nothing = ctx.flag("equal_or_lower_pays_nothing", True)
    same_year_one = ctx.flag("same_year_highest_only", True)
    latest_first = ctx.setting("deduct_from", "earliest") == "latest"
    result = list(entitlements)
    order = prepared.order if clauses is prepared.by_id else {cid: i for i, cid in enumerate(clauses)}
    for members in groups.values():
        by_year: dict[int, list[int]] = defaultdict(list)
        for idx in members:
            by_year[dates[idx].year].append(idx)
        granted = 0
        best: Entitlement | None = None
        seen: set[str] = set()
        for year in sorted(by_year):
            batch = sorted(
                by_year[year],
                key=lambda i: (-entitlements[i].total_fen, order[entitlements[i].clause_id], dates[i], i),
            )
            top = entitlements[batch[0]]
            clause = clauses[top.clause_id]
            repeat = clause.repeat == "once_per_assessment_year" and top.clause_id in seen
            if best is None:
                result[batch[0]], winner = top, top
                granted, best = top.total_fen, top
            elif repeat and top.total_fen <= granted:
                # D2: a new assessment year of the same result pays again; D1 compares levels only.
                note = f"{year} 考核年度的考核结果，按考核年度支持，不与同组此前支持比较"
                result[batch[0]] = replace(top, explanation=_add(top, clause, [note]))
                winner = top  # the level granted in the group stays what it was
            elif top.total_fen > granted:
                if pays_difference:
                    result[batch[0]] = _deduct(top, clause, granted, best, latest_first)
                else:
                    note = f"同组此前已享受 {explain.yuan(granted)}（{best.clause_id}），本次全额支持，不扣减"
                    result[batch[0]] = replace(top, explanation=_add(top, clause, [note]))
                winner, granted, best = top, top.total_fen, top
            elif not lower_pays_nothing:
                note = (
                    f"同组此前已享受 {explain.yuan(granted)}（{best.clause_id}），本次同级或较低级别仍予支持"
                )
                result[batch[0]] = replace(top, explanation=_add(top, clause, [note]))
                winner = top
            else:
                why = f"已享受同等或更高支持（{explain.yuan(granted)}）"
                result[batch[0]] = _excluded(top, clause, best, why)
                winner = best
            seen.add(top.clause_id)
            for idx in batch[1:] if same_year_one else ():
                why = f"同一年度（{year} 年）已按较高金额支持，不重复享受"
                if winner is not top:
                    why = f"已享受同等或更高支持（{explain.yuan(granted)}）"
                loser = entitlements[idx]
                result[idx] = _excluded(loser, clauses[loser.clause_id], winner, why)
    return result
