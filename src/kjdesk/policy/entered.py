"""Entered-amount forms: DISCRETIONARY, MATCHING and cash OTHER (D8, D9).

No formula gives these amounts: the officer enters one with its basis (文号 or 会议纪要).
Without an entry the entitlement waits (AWAITING_AMOUNT, zero total), unless a yearly
standard is configured (``settings["yearly_standards"][clause_id][year]`` in 万元) or the
clause is a MATCHING with a base fact, whose minimum (``match_ratio_min`` × base) is the
default. An entry below the minimum or above a stated cap is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from kjdesk.money import FEN_PER_YUAN, round_fen, wan_to_fen
from kjdesk.policy import explain
from kjdesk.policy.forms import rec_key, start_year
from kjdesk.policy.model import (
    Clause,
    EnteredAmount,
    Entitlement,
    EntitlementStatus,
    FactRecord,
    Form,
    PlannedInstalment,
    RecognitionRecord,
)
from kjdesk.policy.rates import year_key
from kjdesk.policy.scope import Context, cancel_after


def yearly_standard(ctx: Context, clause: Clause, year: int) -> int | None:
    table = ctx.setting("yearly_standards", {})
    if not isinstance(table, dict) or not ctx.flag("yearly_standard_prefills", True):
        return None
    per_clause = table.get(clause.id)
    if not isinstance(per_clause, dict):
        return None
    value = per_clause.get(str(year), per_clause.get(year))  # type: ignore[call-overload]
    return None if value is None else wan_to_fen(Decimal(str(value)))


def judge(
    ctx: Context, clause: Clause, amount_fen: int, minimum_fen: int | None, maximum_fen: int | None
) -> str:
    """Why an entered amount cannot be accepted, or ""."""
    if amount_fen <= 0:
        return "录入金额须大于零"
    if minimum_fen is not None and amount_fen < minimum_fen:
        return f"录入金额 {explain.yuan(amount_fen)} 低于下限 {explain.yuan(minimum_fen)}"
    if maximum_fen is not None and amount_fen > maximum_fen:
        return f"录入金额 {explain.yuan(amount_fen)} 超过等额/最高比例 {explain.yuan(maximum_fen)}"
    if not ctx.flag("matching_may_exceed_min", True) and minimum_fen is not None and amount_fen > minimum_fen:
        return f"录入金额 {explain.yuan(amount_fen)} 高于配套比例金额 {explain.yuan(minimum_fen)}"
    if (
        clause.cap_fen is not None
        and amount_fen > clause.cap_fen
        and ctx.flag("enforce_caps_on_entered", True)
    ):
        return f"录入金额 {explain.yuan(amount_fen)} 超过条款上限 {explain.yuan(clause.cap_fen)}"
    return ""


def _match_bounds(clause: Clause, base: Decimal, lines: list[str]) -> tuple[int | None, int | None]:
    lo = hi = None
    raw_fen = base * FEN_PER_YUAN
    if clause.match_ratio_min is not None:
        lo = round_fen(raw_fen * clause.match_ratio_min)
        lines.append(
            f"配套下限：{clause.base_fact} {explain.yuan_value(base)} × {explain.percent(clause.match_ratio_min)}"
            f" = {explain.yuan(lo)}"
        )
    if clause.match_ratio_max is not None:
        hi = round_fen(raw_fen * clause.match_ratio_max)
        if hi != lo:
            lines.append(f"配套上限：× {explain.percent(clause.match_ratio_max)} = {explain.yuan(hi)}")
    return lo, hi


def _decide(
    ctx: Context,
    clause: Clause,
    key: str,
    year: int,
    entry: EnteredAmount | None,
    lines: list[str],
    bounds: tuple[int | None, int | None],
    rec: RecognitionRecord | None = None,
    default_basis: str = "",
) -> Entitlement | None:
    """The entitlement of an entered (or defaulted) amount. ``year`` is the year of the trigger;
    an officer's entry is paid in the year the officer chose for it (``entry.year``)."""
    lo, hi = bounds
    head = ctx.header(clause)
    pay_year = year
    basis = ""
    if entry is not None:
        reason = judge(ctx, clause, entry.amount_fen, lo, hi)
        if not reason and not entry.basis.strip() and ctx.flag("entered_requires_basis", True):
            reason = "录入金额未填写依据（文号或会议纪要）"
        lines.append(
            f"录入金额：{explain.yuan(entry.amount_fen)}，依据 {entry.basis or '（未填依据）'}（录入记录号 {entry.id}）"
        )
        if reason:
            return ctx.refused(
                clause, key, EntitlementStatus.NOT_ELIGIBLE, reason + "，请更正录入金额", lines, rec
            )
        amount, source, pay_year, basis = entry.amount_fen, "采用录入金额", entry.year, entry.basis
        if pay_year != year:
            lines.append(f"拨付年度：经办人定为 {pay_year} 年（触发年度 {year} 年）")
    elif lo and default_basis:
        amount, source, basis = lo, "未录入金额，按配套下限默认", default_basis
    elif (standard := yearly_standard(ctx, clause, year)) is not None:
        amount, source, basis = standard, f"未录入金额，按 {year} 年度标准预填", f"{year} 年度标准"
    elif not ctx.flag("discretionary_placeholder", True):
        return None
    else:
        if lo:
            lines.append(
                f"结论：待录入金额——自治区资助额尚未登记下达文件（文号），配套下限 {explain.yuan(lo)}"
                "暂不列入计划；请登记资助额的文件，或录入金额及依据"
            )
        else:
            lines.append("结论：待录入金额——本条款无固定金额，须由经办人录入金额及依据（文号或会议纪要）")
        ent = ctx.build(clause, key, EntitlementStatus.AWAITING_AMOUNT, head + lines, (), rec)
        return replace(ent, waiting_year=year)
    if clause.cap_fen is not None:
        lines.append(f"上限：不超过 {explain.yuan(clause.cap_fen)}，未超过")
    lines.append(f"应享：{explain.yuan(amount)}（{source}），{pay_year} 年拨付")
    instalments = [PlannedInstalment(pay_year, amount)]
    if rec is not None:
        instalments, stop_lines = cancel_after(ctx, instalments, ctx.stop_of(rec))
        lines += stop_lines
    ent = ctx.build(clause, key, EntitlementStatus.DUE, head + lines, instalments, rec)
    return replace(ent, basis=basis, entered_id=entry.id if entry is not None else None)


def _default_basis(ctx: Context, clause: Clause, facts: Sequence[FactRecord], lines: list[str]) -> str:
    """What the default (minimum) match rests on: the base's documents; "" when the catalog wants
    a document (``matching_default_needs_document``) and one of the figures has none recorded."""
    refs = [f.reference.strip() for f in facts]
    documents = "、".join(dict.fromkeys(r for r in refs if r))
    if documents:
        lines.append(f"配套基数下达文件：{documents}")
    if refs and all(refs):
        lo, hi = clause.match_ratio_min, clause.match_ratio_max
        ratio = "按比例" if lo is None else f"{'不低于' if hi is None else ''}{explain.percent(lo)}"
        return f"按{clause.base_fact}（{documents}）的{ratio}配套"
    if ctx.flag("matching_default_needs_document", False):
        return ""
    return "按配套比例默认"


def _base_for(ctx: Context, clause: Clause, rec: RecognitionRecord) -> list[FactRecord]:
    assert clause.base_fact is not None
    year = rec.date.year + clause.base_year_offset
    rows = [f for (y, _), f in ctx.facts(clause.base_fact).items() if y == year and f.value is not None]
    named = [f for f in rows if f.item_ref and f.item_ref in (rec.doc_number, str(rec.id))]
    if named:
        return named
    # Without an 事项编号 naming this record, only an unambiguous year figure is used.
    return rows if len({f.item_ref for f in rows}) <= 1 else []


def build_entered(
    ctx: Context, clause: Clause, rec: RecognitionRecord, extra: Sequence[str]
) -> Entitlement | None:
    """A recognition-triggered clause whose amount is entered (or matched to a base fact)."""
    key = rec_key(clause, rec)
    lines = [ctx.recognition_line(rec), *extra]
    year = start_year(ctx, clause, rec, lines)
    entries = [
        e
        for e in ctx.entered(clause.id)
        if e.recognition_id == rec.id or (e.recognition_id is None and e.year == year and not e.item_ref)
    ]
    ctx.used_entries.update(e.id for e in entries)
    entry = entries[-1] if entries else None
    bounds: tuple[int | None, int | None] = (None, None)
    default_basis = ""
    if clause.form == Form.MATCHING and clause.base_fact:
        facts = _base_for(ctx, clause, rec)
        if not facts:
            missing = (
                f"缺少 {rec.date.year + clause.base_year_offset} 年的{clause.base_fact}"
                f"（事项编号须为认定文号 {rec.doc_number or rec.id}）"
            )
            if entry is not None:
                lines.append(
                    f"录入金额：{explain.yuan(entry.amount_fen)}，依据 {entry.basis}（录入记录号 {entry.id}）"
                )
                reason = f"{missing}，无法核对配套比例；请先登记自治区下达本项目的资助额及其文件，再录入金额"
                return ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines, rec)
            lines.append(f"结论：待录入金额——{missing}")
            ent = ctx.build(
                clause, key, EntitlementStatus.AWAITING_AMOUNT, ctx.header(clause) + lines, (), rec
            )
            return replace(ent, waiting_year=year)
        lines += [explain.fact_line(f) for f in facts]
        base = sum((f.value for f in facts if f.value is not None), Decimal(0))
        bounds = _match_bounds(clause, base, lines)
        default_basis = _default_basis(ctx, clause, facts, lines)
    return _decide(ctx, clause, key, year, entry, lines, bounds, rec, default_basis)


def unattached(ctx: Context, clause: Clause) -> list[Entitlement]:
    """Clauses with no recognition trigger: matching per base fact, or one per entered amount."""
    out: list[Entitlement] = []
    entries = ctx.entered(clause.id)
    if clause.form == Form.MATCHING and clause.base_fact:
        used: set[int] = set()
        for (fact_year, item), fact in sorted(ctx.facts(clause.base_fact).items()):
            if fact.value is None:
                continue
            pay_year = fact_year - clause.base_year_offset
            key = year_key(clause, pay_year, item)
            lines = [explain.fact_line(fact)]
            gap = ctx.year_gap(pay_year)
            if gap is not None:
                out.append(ctx.refused(clause, key, gap[0], gap[1], lines))
                continue
            bounds = _match_bounds(clause, fact.value, lines)
            mine = [e for e in entries if e.item_ref == item and e.year == pay_year]
            used.update(e.id for e in mine)
            default_basis = _default_basis(ctx, clause, [fact], lines)
            entry = mine[-1] if mine else None
            decided = _decide(ctx, clause, key, pay_year, entry, lines, bounds, None, default_basis)
            if decided is not None:
                out.append(decided)
        entries = [e for e in entries if e.id not in used]
    paid_years: set[int] = set()
    for e in entries:
        key = f"{clause.id}|entered:{e.id}"
        lines = [f"事项编号 {e.item_ref}"] if e.item_ref else []
        gap = ctx.year_gap(e.year)
        if gap is not None:
            out.append(ctx.refused(clause, key, gap[0], gap[1], lines))
            continue
        if clause.repeat == "once_per_assessment_year" and e.year in paid_years:
            reason = f"{e.year} 考核年度已享受过本条款支持（每个考核年度支持一次）"
            out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines))
            continue
        paid_years.add(e.year)
        if clause.form == Form.MATCHING and clause.base_fact:
            reason = f"缺少 {e.year} 年事项“{e.item_ref}”的{clause.base_fact}，无法核对配套比例"
            out.append(ctx.refused(clause, key, EntitlementStatus.NOT_ELIGIBLE, reason, lines))
            continue
        decided = _decide(ctx, clause, key, e.year, e, lines, (None, None))
        if decided is not None:
            out.append(decided)
    return out


def orphans(ctx: Context, clause: Clause) -> list[Entitlement]:
    """Entered amounts of a recognition-triggered clause that no builder took: flagged, never dropped."""
    if clause.id not in ctx.entered_clauses:
        return []  # no entered amount for the clause: the common case
    out = []
    for e in ctx.entered(clause.id):
        if e.id in ctx.used_entries:
            continue
        if clause.amount_fen is not None and not clause.is_floor:
            why = "本条款金额固定，录入金额不适用"
        elif e.recognition_id is not None:
            why = f"未找到与之对应的认定（记录号 {e.recognition_id}）或该年度不在拨付计划内"
        else:
            why = f"未找到与之对应的 {e.year} 年认定或拨付年度"
        reason = f"录入金额 {explain.yuan(e.amount_fen)}（依据 {e.basis}）未予采用：{why}"
        out.append(ctx.refused(clause, f"{clause.id}|entered:{e.id}", EntitlementStatus.NOT_ELIGIBLE, reason))
    return out
