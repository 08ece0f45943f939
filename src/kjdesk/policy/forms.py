"""Recognition-triggered forms: ONE_TIME, ONE_TIME*, ANNUAL_N_YEARS and floors.

``by_recognition`` walks the subject's recognitions that match a clause's trigger, applies
the checks every such clause shares (D10 policy in force and subject in the city, the
``requires_valid`` precondition, D3 consecutive 入库, D2 repeat rules, D14 recorded
conditions through :mod:`kjdesk.policy.verify`) and hands each
qualifying recognition to a builder: ``build_fixed`` here, or the entered-amount builders
of :mod:`kjdesk.policy.entered`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from kjdesk.policy import explain, verify
from kjdesk.policy.model import (
    Clause,
    EnteredAmount,
    Entitlement,
    EntitlementStatus,
    Form,
    PlannedInstalment,
    RecognitionRecord,
    RecognitionStatus,
)
from kjdesk.policy.scope import Context, add_years, cancel_after

Builder = Callable[[Context, Clause, RecognitionRecord, Sequence[str]], Entitlement | None]

LIVE = (EntitlementStatus.DUE, EntitlementStatus.AWAITING_AMOUNT)


def rec_key(clause: Clause, rec: RecognitionRecord) -> str:
    return f"{clause.id}|rec:{rec.id}"


def matching(ctx: Context, clause: Clause) -> list[RecognitionRecord]:
    """The subject's recognitions that match the clause's trigger (any stage if the catalog says so)."""
    assert clause.trigger is not None
    return ctx.matching(clause.trigger, any_stage=clause.id in ctx.prepared.any_stage)


def _candidates(ctx: Context, clause: Clause) -> list[tuple[RecognitionRecord, Sequence[str], str]]:
    """(recognition, extra lines, a refusal of the chain or "") for each qualifying event."""
    trigger = clause.trigger
    assert trigger is not None
    recs = ctx.matching(trigger, any_stage=clause.id in ctx.prepared.any_stage)  # ``matching``
    if trigger.consecutive <= 1:
        return [(r, (), "") for r in recs]
    first_may_precede = ctx.prepared.first_may_precede
    effective = ctx.policy.document.effective
    # D3: N 评价入库 in consecutive calendar years; the chain ends at the later record.
    n = trigger.consecutive
    kept = [r for r in recs if r.status != RecognitionStatus.REVOKED]
    by_year: dict[int, RecognitionRecord] = {}
    for r in kept:
        by_year.setdefault(r.date.year, r)
    out: list[tuple[RecognitionRecord, Sequence[str], str]] = []
    for year, last in sorted(by_year.items()):
        chain = [by_year.get(year - k) for k in range(n - 1, -1, -1)]
        if any(c is None for c in chain):
            continue
        lines = [
            f"连续 {n} 年入库：" + "；".join(f"{c.date.isoformat()}（记录号 {c.id}）" for c in chain if c),
            f"以第 {n} 次入库（{last.date.isoformat()}）为认定日期判断适用政策",
        ]
        early = not first_may_precede and any(c.date < effective for c in chain if c)
        out.append((last, lines, "无适用政策（连续入库中有早于施行日期的入库）" if early else ""))
    return out


def is_new_only(ctx: Context, clause: Clause) -> bool:
    """A “新认定/新获批” clause under ``new_means_first_recognition``: only a first recognition pays."""
    return (
        ctx.prepared.new_means_first
        and clause.repeat == "once_per_subject"
        and ("新认定" in clause.title or "新获批" in clause.title)
    )


def status_support(ctx: Context, clause: Clause) -> bool:
    """A clause that supports an existing status (BT-01, BT-10-n-agri-park), not a new recognition."""
    return clause.id in ctx.prepared.status_support


def deciding_date(ctx: Context, clause: Clause, rec: RecognitionRecord) -> date:
    effective = ctx.policy.document.effective
    if rec.date < effective and status_support(ctx, clause) and ctx.valid_on(rec, effective):
        return effective
    return rec.date


def qualify(ctx: Context, clause: Clause, rec: RecognitionRecord) -> tuple[EntitlementStatus, str] | None:
    """The refusal of a recognition under a clause (D10, requires_valid), or None."""
    day = rec.date
    if day < ctx.policy.document.effective:  # only then can the deciding date be another
        day = deciding_date(ctx, clause, rec)
    gap = ctx.policy_gap(day)
    if gap:
        return EntitlementStatus.NO_POLICY, gap
    gap = ctx.city_gap(day)
    if gap:
        return EntitlementStatus.NOT_ELIGIBLE, gap
    trigger = clause.trigger
    if (
        trigger is not None
        and trigger.requires_valid
        and ctx.holding(trigger.requires_valid, rec.date) is None
    ):
        label = ctx.prepared.type_label(trigger.requires_valid)
        return EntitlementStatus.NOT_ELIGIBLE, f"认定之日未持有有效的{label}资格"
    return None


def by_recognition(ctx: Context, clause: Clause, build: Builder) -> list[Entitlement]:
    if clause.trigger is None or not clause.trigger.recognition:
        return []
    candidates = _candidates(ctx, clause)
    if not candidates:
        return []
    out: list[Entitlement] = []
    paid_subject = False
    paid_years: set[int] = set()
    pre_policy_counts = ctx.prepared.once_counts_pre_policy
    first_only = is_new_only(ctx, clause)
    held_before: RecognitionRecord | None = None  # a recognition before the policy (新认定 readings)
    for rec, extra, chain_gap in candidates:
        key = f"{clause.id}|rec:{rec.id}"  # ``rec_key``
        refusal = (EntitlementStatus.NO_POLICY, chain_gap) if chain_gap else qualify(ctx, clause, rec)
        if refusal is not None:
            status, reason = refusal
            if pre_policy_counts and status == EntitlementStatus.NO_POLICY:
                paid_subject = True
                paid_years.add(rec.date.year)
            if first_only and status == EntitlementStatus.NO_POLICY and held_before is None:
                held_before = rec
            lines = [ctx.recognition_line(rec), *extra]
            out.append(ctx.refused(clause, key, status, reason, lines, rec))
            continue
        if first_only and held_before is not None:
            lines = [ctx.recognition_line(rec), *extra]
            reason = (
                f"此前已有该认定（{held_before.date.isoformat()}，记录号 {held_before.id}）的主体重新认定，"
                "不视为新认定，本条不予支持"
            )
            out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines, rec))
            continue
        if clause.repeat == "once_per_subject" and paid_subject:
            lines = [ctx.recognition_line(rec), *extra]
            reason = "已享受过本条款支持（每个主体仅支持一次，重新认定不再支持）"
            out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines, rec))
            continue
        if clause.repeat == "once_per_assessment_year" and rec.date.year in paid_years:
            lines = [ctx.recognition_line(rec), *extra]
            reason = f"{rec.date.year} 考核年度已享受过本条款支持（每个考核年度支持一次）"
            out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines, rec))
            continue
        ent = build(ctx, clause, rec, extra)
        if ent is None:
            continue
        if clause.conditions:  # D14: conditions the text attaches, as recorded
            ent = verify.with_conditions(ctx, clause, ent, rec)
        if ent.status in LIVE or ent.status == EntitlementStatus.TO_VERIFY:
            paid_subject = True
            paid_years.add(rec.date.year)
        out.append(ent)
    return out


def start_year(ctx: Context, clause: Clause, rec: RecognitionRecord, lines: list[str]) -> int:
    prepared = ctx.prepared
    year = rec.date.year
    day = rec.date if rec.date >= ctx.policy.document.effective else deciding_date(ctx, clause, rec)
    if day != rec.date and prepared.support_in_effective_year:
        year = day.year
        lines.append(f"本条支持已有的建设状态：认定早于施行日期且施行日仍有效，首期在施行年度 {year} 年")
    if prepared.first_year_next:
        year += 1
        lines.append(f"首期在认定次年 {year} 年")
    if rec.first_year is not None and rec.first_year > year and prepared.may_defer_first_year:
        lines.append(f"首期年度经办人调整为 {rec.first_year} 年（原为 {year} 年），期数和每期金额不变")
        return rec.first_year
    return year


def schedule_years(ctx: Context, clause: Clause, rec: RecognitionRecord, lines: list[str]) -> list[int]:
    start = start_year(ctx, clause, rec, lines)
    if clause.form != Form.ANNUAL_N_YEARS:
        return [start]
    if clause.years:
        return [start + k for k in range(clause.years)]
    # 每年 with no N (D4, D12): one a year while the recognition / appointment is valid.
    until = ctx.valid_until(rec)
    if until is not None:
        count = 0
        while add_years(rec.date, count) < until:
            count += 1
        lines.append(
            f"每年支持、未写年限：在有效期（至 {until.isoformat()}）内每开始一个年度拨付一期，共 {count} 期"
        )
        return [start + k for k in range(max(count, 1))]
    end = max(start, ctx.as_of.year)
    lines.append(f"每年支持、未写年限且未录入有效期：暂排至当前年度 {ctx.as_of.year} 年，以后年度逐年续排")
    return list(range(start, end + 1))


def _entered_for(ctx: Context, clause: Clause, rec: RecognitionRecord, year: int) -> EnteredAmount | None:
    hits = [
        e
        for e in ctx.entered(clause.id)
        if e.year == year and (e.recognition_id is None or e.recognition_id == rec.id)
    ]
    ctx.used_entries.update(e.id for e in hits)
    return hits[-1] if hits else None


def build_fixed(ctx: Context, clause: Clause, rec: RecognitionRecord, extra: Sequence[str]) -> Entitlement:
    """A fixed amount (or a floor, D5) paid once or per year of a schedule (D4)."""
    key = f"{clause.id}|rec:{rec.id}"  # ``rec_key``
    lines = [ctx.recognition_line(rec), *extra]
    amount = clause.amount_fen or 0
    years = schedule_years(ctx, clause, rec, lines)
    instalments: list[PlannedInstalment] = []
    if clause.is_floor:
        for y in years:  # every entry of the schedule is judged with it, even after a refusal
            _entered_for(ctx, clause, rec, y)
        lines.append(f"下限：每期不低于 {explain.yuan(amount)}")
        for y in years:
            e = _entered_for(ctx, clause, rec, y)
            if e is None and not ctx.flag("floor_default_is_floor", True):
                lines.append(f"结论：待录入金额——{y} 年未录入批准金额（不低于 {explain.yuan(amount)}）")
                return ctx.build(
                    clause, key, EntitlementStatus.AWAITING_AMOUNT, ctx.header(clause) + lines, (), rec
                )
            if e is None:
                lines.append(f"{y} 年：未录入批准金额，按下限 {explain.yuan(amount)}计")
                instalments.append(PlannedInstalment(y, amount))
            elif e.amount_fen < amount and ctx.flag("entered_never_below_floor", True):
                reason = f"{y} 年录入金额 {explain.yuan(e.amount_fen)}（{e.basis}）低于下限 {explain.yuan(amount)}，不予采用，请更正录入金额"
                return ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines, rec)
            else:
                lines.append(f"{y} 年：采用录入金额 {explain.yuan(e.amount_fen)}（依据 {e.basis}）")
                instalments.append(PlannedInstalment(y, e.amount_fen))
    else:
        instalments = [PlannedInstalment(y, amount) for y in years]
    if clause.form == Form.ANNUAL_N_YEARS:
        if clause.years:
            total = sum(i.amount_fen for i in instalments)
            lines.append(
                f"金额：每年{'不低于' if clause.is_floor else ''} {explain.yuan(amount)}，"
                f"连续 {clause.years} 年，合计 {explain.yuan(total)}"
            )
        else:
            lines.append(f"金额：每年 {explain.yuan(amount)}")
        if not clause.is_floor:
            lines.append(explain.instalment_summary([i.year for i in instalments], amount))
        else:
            lines.append(f"拨付计划：{years[0]}—{years[-1]} 年，共 {len(years)} 期")
    elif not clause.is_floor:
        word = "一次性给予" if clause.form == Form.ONE_TIME else "给予"
        lines.append(f"金额：{word} {explain.yuan(amount)}，{years[0]} 年拨付")
        if clause.form == Form.ONE_TIME and clause.repeat == "once_per_assessment_year":
            lines.append(explain.lump_sum_per_assessment(rec.date.year))
    stop = ctx.stop_of(rec)
    if stop is not None:
        instalments, stop_lines = cancel_after(ctx, instalments, stop)
        lines += stop_lines
    return ctx.build(
        clause, key, EntitlementStatus.DUE, [*ctx.prepared.header(clause), *lines], instalments, rec
    )
