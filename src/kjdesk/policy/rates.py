"""Fact-based forms: RATE_WITH_CAP, TIERED_RATE and STEP_INCREMENT (D6, D7).

A yearly fact of year F (optionally one per 事项编号) pays in year Y = F − base_year_offset.
Amounts are computed exactly in Decimal 分 and rounded half-up once (D13); the cap is
applied per ``clause.cap_scope``: per_year (default), per_item (each contract in total),
per_subject_total (across years, BT-18).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from kjdesk.money import FEN_PER_YUAN, round_fen
from kjdesk.policy import explain, verify
from kjdesk.policy.model import (
    Clause,
    Entitlement,
    EntitlementStatus,
    FactCondition,
    FactRecord,
    Form,
    PlannedInstalment,
    RateTier,
)
from kjdesk.policy.scope import Context

_OPS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
}
_OP_TEXT = {">=": "≥", ">": ">", "<": "<", "<=": "≤", "==": "="}


def year_key(clause: Clause, year: int, item_ref: str = "") -> str:
    return f"{clause.id}|item:{item_ref}|{year}" if item_ref else f"{clause.id}|year:{year}"


def _bases(ctx: Context, clause: Clause) -> list[tuple[int, str, Decimal, list[FactRecord]]]:
    """(fact year, 事项编号, base value in 元, the facts used), per item or summed per year."""
    assert clause.base_fact is not None
    table = ctx.facts(clause.base_fact)
    if clause.per_item:
        rows = [(y, ref, f.value, [f]) for (y, ref), f in table.items() if f.value is not None]
        return sorted(rows, key=lambda r: (r[0], r[1]))
    by_year: dict[int, list[FactRecord]] = {}
    for (y, _), f in table.items():
        if f.value is not None:
            found = by_year.get(y)
            if found is None:
                by_year[y] = [f]
            else:
                found.append(f)
    out = []
    for y in sorted(by_year):
        used = by_year[y]
        total = Decimal(0)
        for f in used:
            total = total + f.value  # as sum(..., Decimal(0)) adds them
        out.append((y, "", total, used))
    return out


def condition_holds(ctx: Context, cond: FactCondition, year: int, item_ref: str) -> tuple[bool | None, str]:
    """Check a threshold on the item's fact of the year (else its latest earlier record)."""
    table = ctx.facts(cond.fact)
    rows = sorted(
        ((y, f) for (y, ref), f in table.items() if ref == item_ref and f.value is not None),
        key=lambda r: r[0],
    )
    chosen = [f for y, f in rows if y <= year] or [f for _, f in rows]
    if not chosen:
        return None, f"缺少{cond.fact}"
    fact = chosen[-1]
    assert fact.value is not None
    ok = _OPS[cond.op](fact.value, cond.value)
    text = f"条件：{cond.fact} {explain.yuan_value(fact.value)}（{fact.year} 年）{_OP_TEXT[cond.op]} {explain.yuan_value(cond.value)}"
    return ok, text + ("，满足" if ok else "，不满足")


def _tier(ctx: Context, clause: Clause, year: int) -> tuple[RateTier | None, str]:
    default = None
    for tier in clause.tiers:
        if tier.fact is None:
            if default is None:
                default = tier
            continue
        f = ctx.fact(tier.fact, year)
        if f is not None and f.text.strip() == (tier.equals or ""):
            return tier, f"{tier.fact}（{year} 年）：{f.text.strip()}"
    facts = [t.fact for t in clause.tiers if t.fact]
    if default is not None and ctx.prepared.tier_default:
        recorded = [ctx.fact(n, year) for n in facts]
        shown = "；".join(f"{f.indicator}：{f.text}" for f in recorded if f) or "未录入"
        return default, f"分档依据（{year} 年）：{shown}，按“{default.label or '其他'}”档计"
    return None, f"缺少 {year} 年的{'、'.join(dict.fromkeys(facts))}"


def _cap(
    raw: Decimal, cap_fen: int | None, already_fen: int, scope: str, rounded: int | None = None
) -> tuple[int, str]:
    """Round the raw amount (Decimal 分) once and apply the cap; returns (amount, cap line).

    ``rounded`` is ``round_fen(raw)`` when the caller has it already."""
    if raw <= 0:
        return 0, ""
    if rounded is None:
        rounded = round_fen(raw)
    if cap_fen is None:
        return rounded, ""
    room = max(cap_fen - already_fen, 0) if scope in ("per_subject_total", "per_item") else cap_fen
    if raw > room:
        if room < cap_fen:
            return room, (
                f"{explain.cap_line(cap_fen, scope)}；此前已核定 {explain.yuan(already_fen)}，"
                f"本次按剩余额度 {explain.yuan(room)} 计"
            )
        return room, explain.cap_line(cap_fen, scope)
    return rounded, f"未超过上限 {explain.yuan(cap_fen)}"


def rate_entitlements(ctx: Context, clause: Clause) -> list[Entitlement]:
    base_fact = clause.base_fact
    if not base_fact:
        return []
    out: list[Entitlement] = []
    granted: dict[str, int] = {}  # per item (or "" for the subject) for cumulative caps
    offset = clause.base_year_offset
    tiered = clause.form == Form.TIERED_RATE
    scope = clause.cap_scope or "per_year"
    if scope == "per_item" and clause.repeat == "per_year":
        scope = "per_year"  # each item's year is its own event (BT-15: per project per year)
    cumulative = scope in ("per_subject_total", "per_item")
    prepared = ctx.prepared
    header = prepared.header(clause)
    cid, condition, cap_fen = clause.id, clause.condition, clause.cap_fen
    fact_line, yuan, yuan_value = explain.fact_line, explain.yuan, explain.yuan_value
    for fact_year, item, base, used in _bases(ctx, clause):
        pay_year = fact_year - offset
        key = f"{cid}|item:{item}|{pay_year}" if item else f"{cid}|year:{pay_year}"  # ``year_key``
        lines = [fact_line(f) for f in used]
        gap = ctx.year_gap(pay_year)
        if gap is not None:
            out.append(ctx.refused(clause, key, gap[0], gap[1], lines))
            continue
        if condition is not None:
            ok, text = condition_holds(ctx, condition, fact_year, item)
            if not ok:
                continue  # the other tier of the pair pays this item (BT-15)
            lines.append(text)
        if tiered:
            tier, text = _tier(ctx, clause, fact_year)
            lines.append(text)
            if tier is None:
                out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, text, lines))
                continue
            rate, label = tier.rate, f"（{tier.label}）" if tier.label else ""
        else:
            if clause.rate is None:
                continue
            rate, label = clause.rate, ""
        raw = base * FEN_PER_YUAN * rate
        rounded = round_fen(raw)
        bucket = item if scope == "per_item" else ""
        already = granted.get(bucket, 0) if cumulative else 0
        amount, cap_text = _cap(raw, cap_fen, already, scope, rounded)
        lines.append(
            f"计算：{base_fact} {fact_year} 年 {yuan_value(base)} × {prepared.percent(rate)}{label}"
            f"= {yuan(rounded)}"
        )
        if cap_text:
            lines.append(cap_text)
        if offset:
            lines.append(f"以 {fact_year} 年数据核定，{pay_year} 年拨付")
        lines.append(f"应享：{yuan(amount)}")
        granted[bucket] = already + amount
        status = EntitlementStatus.DUE if amount > 0 else EntitlementStatus.NOT_ELIGIBLE
        if amount == 0:
            lines.append("结论：不符合条件——核定金额为零" + ("（累计已达上限）" if already else ""))
        instalments = [PlannedInstalment(pay_year, amount)] if amount else ()
        ent = ctx.build(clause, key, status, [*header, *lines], instalments)
        if clause.conditions:
            ent = verify.with_conditions(ctx, clause, ent)  # D14 (BT-12: 纳税所在地在我市)
        for f in used:
            if f.to_verify:
                ent = verify.with_facts(ctx, clause, ent, used)  # D6: a figure still 须核实
                break
        out.append(ent)
    return out


def step_entitlements(ctx: Context, clause: Clause) -> list[Entitlement]:
    """D7: floor(gain / step) × amount per step, capped per year; nothing when gain ≤ 0."""
    if not clause.base_fact or not clause.step_size or clause.step_amount_fen is None:
        return []
    out: list[Entitlement] = []
    table = ctx.facts(clause.base_fact)
    years = sorted({y for (y, _) in table})
    for fact_year in years:
        cur = ctx.fact(clause.base_fact, fact_year)
        if cur is None or cur.value is None:
            continue
        pay_year = fact_year - clause.base_year_offset
        key = year_key(clause, pay_year)
        prev = ctx.fact(clause.base_fact, fact_year - 1)
        lines = [explain.fact_line(cur)]
        if prev is None or prev.value is None:
            if ctx.flag("step_requires_previous_year", True):
                reason = f"缺少 {fact_year - 1} 年的{clause.base_fact}，无法计算较上年的增量"
                out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines))
                continue
            prev_value = Decimal(0)
            lines.append(f"未录入 {fact_year - 1} 年数据，以零为上年基数")
        else:
            prev_value = prev.value
            lines.insert(0, explain.fact_line(prev))
        gap = ctx.year_gap(pay_year)
        if gap is not None:
            out.append(ctx.refused(clause, key, gap[0], gap[1], lines))
            continue
        if clause.lower_is_better:
            gain = prev_value - cur.value
            lines.append(
                f"位次提升：第 {prev_value.normalize():f} 位 → 第 {cur.value.normalize():f} 位，提升 {gain.normalize():f} 位"
            )
            unit = f"{clause.step_size.normalize():f} 位"
        else:
            gain = cur.value - prev_value
            lines.append(
                f"较上年增加：{explain.yuan_value(cur.value)} − {explain.yuan_value(prev_value)} = {explain.yuan_value(gain)}"
            )
            unit = explain.yuan_value(clause.step_size)
        steps = int((gain / clause.step_size).to_integral_value(rounding=ROUND_FLOOR)) if gain > 0 else 0
        if steps <= 0:
            reason = "较上年未提升" if gain <= 0 else f"增量不足一个台阶（每 {unit}）"
            out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines))
            continue
        raw = Decimal(steps * clause.step_amount_fen)
        amount, cap_text = _cap(raw, clause.cap_fen, 0, clause.cap_scope or "per_year")
        lines.append(
            f"计算：每 {unit} 为一档，共 {steps} 档 × {explain.yuan(clause.step_amount_fen)} = {explain.yuan(int(raw))}"
        )
        if cap_text:
            lines.append(cap_text)
        lines.append(f"应享：{explain.yuan(amount)}，{pay_year} 年拨付")
        instalments = [PlannedInstalment(pay_year, amount)]
        out.append(ctx.build(clause, key, EntitlementStatus.DUE, ctx.header(clause) + lines, instalments))
    return out
