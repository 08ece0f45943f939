"""What every rule form needs to know about one subject under one policy.

``Context`` answers the questions that are the same for every form: is the policy in force
on a date (D10), is the subject in the city on that date, which recognitions match a
trigger, is a recognition valid on a date, when does a schedule stop (D4), which facts
and entered amounts there are. It also builds ``Entitlement`` values so that the total is
always the sum of the instalments that are not cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kjdesk.policy import explain
from kjdesk.policy.model import (
    Clause,
    EnteredAmount,
    Entitlement,
    EntitlementStatus,
    FactRecord,
    PlannedInstalment,
    Policy,
    RecognitionRecord,
    RecognitionStatus,
    SubjectFacts,
    Trigger,
)

# Validity of a title when its record carries no valid-until date (national rules, not a
# city's numbers); ``settings["validity_years"]`` overrides or extends it.
DEFAULT_VALIDITY_YEARS: dict[str, int] = {"hte": 3}

NO_POLICY_EARLY = "无适用政策（早于施行日期）"

_STOP_LABELS = {
    RecognitionStatus.REVOKED: "认定已撤销",
    RecognitionStatus.EXPIRED: "认定已过期",
    RecognitionStatus.MOVED_OUT: "已迁出本市",
}


def add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


@dataclass(frozen=True)
class Stop:
    """The date a schedule stops and why (D4)."""

    day: date
    reason: str


@dataclass
class Context:
    policy: Policy
    subject: SubjectFacts
    as_of: date
    _facts: dict[str, dict[tuple[int, str], FactRecord]] = field(default_factory=dict)
    types: frozenset[str] = frozenset()  # recognition types the subject holds records of
    indicators: frozenset[str] = frozenset()  # fact indicators it has
    entered_clauses: frozenset[str] = frozenset()  # clauses with an entered amount
    used_entries: set[int] = field(default_factory=set)  # entered amounts a builder took

    def __post_init__(self) -> None:
        self.types = frozenset(r.type_id for r in self.subject.recognitions)
        self.indicators = frozenset(f.indicator for f in self.subject.facts)
        self.entered_clauses = frozenset(e.clause_id for e in self.subject.entered)

    # --- settings -------------------------------------------------------------------

    def setting(self, name: str, default: object) -> object:
        return self.policy.settings.get(name, default)

    def flag(self, name: str, default: bool) -> bool:
        return bool(self.policy.settings.get(name, default))

    # --- D10: policy in force, subject in the city ------------------------------------

    def policy_gap(self, day: date) -> str:
        doc = self.policy.document
        if day < doc.effective:
            return NO_POLICY_EARLY
        if doc.superseded is not None and day >= doc.superseded:
            return f"无适用政策（{doc.superseded.isoformat()} 起已废止）"
        return ""

    def city_gap(self, day: date) -> str:
        if not self.flag("require_registered_in_city", True):
            return ""
        s = self.subject
        if s.registered_from is not None and day < s.registered_from:
            return f"该日期未在本市注册（{s.registered_from.isoformat()} 起在本市）"
        if s.moved_out is not None and day >= s.moved_out:
            return f"该日期已迁出本市（{s.moved_out.isoformat()} 迁出）"
        return ""

    def year_gap(self, year: int) -> tuple[EntitlementStatus, str] | None:
        """D10 for yearly (fact-based) payments: the policy must be in force in the year."""
        doc = self.policy.document
        if year < doc.effective.year:
            return EntitlementStatus.NO_POLICY, f"{NO_POLICY_EARLY}：{year} 年早于施行年度"
        if doc.superseded is not None and date(year, 1, 1) >= doc.superseded:
            return EntitlementStatus.NO_POLICY, f"无适用政策（{doc.superseded.isoformat()} 起已废止）"
        s = self.subject
        if not self.flag("require_registered_in_city", True):
            return None
        if s.registered_from is not None and s.registered_from > date(year, 12, 31):
            return EntitlementStatus.NOT_ELIGIBLE, f"{year} 年未在本市注册"
        if s.moved_out is not None and s.moved_out <= date(year, 1, 1):
            return EntitlementStatus.NOT_ELIGIBLE, f"{year} 年前已迁出本市"
        return None

    # --- recognitions ------------------------------------------------------------------

    def matching(self, trigger: Trigger, any_stage: bool = False) -> list[RecognitionRecord]:
        out = [
            r
            for r in self.subject.recognitions
            if r.type_id == trigger.recognition
            and (not trigger.levels or r.level in trigger.levels)
            and (any_stage or r.stage == trigger.stage)
        ]
        return sorted(out, key=lambda r: (r.date, r.id))

    def valid_until(self, rec: RecognitionRecord) -> date | None:
        if rec.valid_until is not None:
            return rec.valid_until
        years = dict(DEFAULT_VALIDITY_YEARS)
        extra = self.setting("validity_years", {})
        if isinstance(extra, dict):
            years.update({str(k): int(v) for k, v in extra.items()})
        if rec.type_id in years:
            return add_years(rec.date, years[rec.type_id])
        return None

    def valid_on(self, rec: RecognitionRecord, day: date) -> bool:
        if rec.date > day:
            return False
        until = self.valid_until(rec)
        if until is not None and day > until:
            return False
        return not (rec.status != RecognitionStatus.VALID and rec.status_date and rec.status_date <= day)

    def holding(self, type_id: str, day: date) -> RecognitionRecord | None:
        held = [r for r in self.subject.recognitions if r.type_id == type_id and self.valid_on(r, day)]
        return max(held, key=lambda r: (r.date, r.id)) if held else None

    def recognition(self, rec_id: int | None) -> RecognitionRecord | None:
        for r in self.subject.recognitions:
            if r.id == rec_id:
                return r
        return None

    def stop_of(self, rec: RecognitionRecord | None) -> Stop | None:
        """The earliest of the recognition's revocation / expiry / move and the subject's move."""
        stops: list[Stop] = []
        if rec is not None and rec.status != RecognitionStatus.VALID and rec.status_date is not None:
            stops.append(Stop(rec.status_date, _STOP_LABELS[rec.status]))
        if self.subject.moved_out is not None:
            stops.append(Stop(self.subject.moved_out, "主体已迁出本市"))
        return min(stops, key=lambda s: s.day) if stops else None

    # --- facts and entered amounts ---------------------------------------------------------

    def facts(self, indicator: str) -> dict[tuple[int, str], FactRecord]:
        """The latest record per (year, 事项编号) of one indicator."""
        if indicator not in self._facts:
            table: dict[tuple[int, str], FactRecord] = {}
            for f in sorted(self.subject.facts, key=lambda f: f.id):
                if f.indicator == indicator:
                    table[(f.year, f.item_ref)] = f
            self._facts[indicator] = table
        return self._facts[indicator]

    def fact(self, indicator: str, year: int, item_ref: str = "") -> FactRecord | None:
        return self.facts(indicator).get((year, item_ref))

    def fact_sum(self, indicator: str, year: int) -> tuple[Decimal, list[FactRecord]] | None:
        rows = [f for (y, _), f in self.facts(indicator).items() if y == year and f.value is not None]
        if not rows:
            return None
        return sum((f.value for f in rows if f.value is not None), Decimal(0)), rows

    def entered(self, clause_id: str) -> list[EnteredAmount]:
        return sorted((e for e in self.subject.entered if e.clause_id == clause_id), key=lambda e: e.id)

    # --- building entitlements -------------------------------------------------------------

    def header(self, clause: Clause) -> list[str]:
        return explain.clause_header(self.policy, clause)

    def build(
        self,
        clause: Clause,
        key: str,
        status: EntitlementStatus,
        explanation: list[str],
        instalments: list[PlannedInstalment] | tuple[PlannedInstalment, ...] = (),
        rec: RecognitionRecord | None = None,
    ) -> Entitlement:
        inst = tuple(instalments)
        total = sum(i.amount_fen for i in inst if not i.cancelled_reason)
        if status == EntitlementStatus.DUE and inst and total == 0 and all(i.cancelled_reason for i in inst):
            status = EntitlementStatus.CANCELLED
        lines = list(explanation) + explain.readings(clause)
        return Entitlement(
            key=key,
            subject=self.subject.subject,
            clause_id=clause.id,
            status=status,
            total_fen=total,
            instalments=inst,
            explanation=tuple(lines),
            recognition_id=rec.id if rec else None,
            payment_wording=clause.payment_wording,
        )

    def refused(
        self,
        clause: Clause,
        key: str,
        status: EntitlementStatus,
        reason: str,
        lines: list[str] | None = None,
        rec: RecognitionRecord | None = None,
    ) -> Entitlement:
        body = self.header(clause) + (lines or [])
        if rec is not None and not lines:
            body.append(explain.recognition_line(self.policy, rec))
        body.append(
            f"结论：{reason}" if reason.startswith(status.value) else f"结论：{status.value}——{reason}"
        )
        return self.build(clause, key, status, body, (), rec)


def cancel_after(
    ctx: Context, instalments: list[PlannedInstalment], stop: Stop | None
) -> tuple[list[PlannedInstalment], list[str]]:
    """D4: an instalment not yet due on the stop date is cancelled with the reason.

    The instalment of the stop date's own year is not paid yet in the engine's view (the
    services keep what was paid); ``cancel_same_year_instalment = false`` keeps it.
    """
    if stop is None or not ctx.flag("cancel_unpaid_on_revocation", True):
        return instalments, []
    same_year = ctx.flag("cancel_same_year_instalment", True)
    out: list[PlannedInstalment] = []
    cancelled = []
    for inst in instalments:
        late = inst.year >= stop.day.year if same_year else inst.year > stop.day.year
        if late and not inst.cancelled_reason:
            reason = f"{stop.reason}（{stop.day.isoformat()}），{inst.year} 年起不再拨付"
            out.append(PlannedInstalment(inst.year, inst.amount_fen, reason))
            cancelled.append(inst.year)
        else:
            out.append(inst)
    lines = []
    if cancelled:
        lines.append(
            f"{stop.reason}（{stop.day.isoformat()}）：取消 {'、'.join(map(str, cancelled))} 年的拨付，"
            f"{'当年之前' if same_year else '当年及此前'}的年度保持不变"
        )
    return out, lines
