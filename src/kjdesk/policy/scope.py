"""What every rule form needs to know about one subject under one policy.

``Context`` answers the questions that are the same for every form: is the policy in force
on a date (D10), is the subject in the city on that date, which recognitions match a
trigger, is a recognition valid on a date, when does a schedule stop (D4), which facts
and entered amounts there are. It also builds ``Entitlement`` values so that the total is
always the sum of the instalments that are not cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import attrgetter

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
from kjdesk.policy.prepared import Prepared, prepare

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


class Context:
    """One subject under one policy: its records indexed once, the policy's prepared data."""

    __slots__ = (
        "policy",
        "subject",
        "as_of",
        "prepared",
        "types",
        "indicators",
        "entered_clauses",
        "used_entries",
        "_doc",
        "_by_type",
        "_by_id",
        "_facts",
        "_entered",
        "_rec_lines",
    )

    def __init__(
        self, policy: Policy, subject: SubjectFacts, as_of: date, prepared: Prepared | None = None
    ) -> None:
        self.policy = policy
        self.subject = subject
        self.as_of = as_of
        self.prepared = prepared if prepared is not None else prepare(policy)
        self._doc = policy.document
        recs, facts, entered = subject.recognitions, subject.facts, subject.entered
        self.types = frozenset([r.type_id for r in recs]) if recs else _NO_NAMES  # types it holds records of
        self.indicators = frozenset([f.indicator for f in facts]) if facts else _NO_NAMES  # indicators it has
        self.entered_clauses = frozenset([e.clause_id for e in entered]) if entered else _NO_NAMES
        self.used_entries: set[int] = set()  # entered amounts a builder took
        self._by_type: dict[str, list[RecognitionRecord]] | None = None
        self._by_id: dict[int, RecognitionRecord] | None = None
        self._facts: dict[str, dict[tuple[int, str], FactRecord]] | None = None
        self._entered: dict[str, list[EnteredAmount]] | None = None
        self._rec_lines: dict[int, str] = {}

    # --- settings -------------------------------------------------------------------

    def setting(self, name: str, default: object) -> object:
        return self.policy.settings.get(name, default)

    def flag(self, name: str, default: bool) -> bool:
        return bool(self.policy.settings.get(name, default))

    # --- D10: policy in force, subject in the city ------------------------------------

    def policy_gap(self, day: date) -> str:
        doc = self._doc
        if day < doc.effective:
            return NO_POLICY_EARLY
        if doc.superseded is not None and day >= doc.superseded:
            return f"无适用政策（{doc.superseded.isoformat()} 起已废止）"
        return ""

    def city_gap(self, day: date) -> str:
        if not self.prepared.in_city_required:
            return ""
        s = self.subject
        if s.registered_from is not None and day < s.registered_from:
            return f"该日期未在本市注册（{s.registered_from.isoformat()} 起在本市）"
        if s.moved_out is not None and day >= s.moved_out:
            return f"该日期已迁出本市（{s.moved_out.isoformat()} 迁出）"
        return ""

    def year_gap(self, year: int) -> tuple[EntitlementStatus, str] | None:
        """D10 for yearly (fact-based) payments: the policy must be in force in the year."""
        doc = self._doc
        if year < doc.effective.year:
            return EntitlementStatus.NO_POLICY, f"{NO_POLICY_EARLY}：{year} 年早于施行年度"
        if doc.superseded is not None and date(year, 1, 1) >= doc.superseded:
            return EntitlementStatus.NO_POLICY, f"无适用政策（{doc.superseded.isoformat()} 起已废止）"
        s = self.subject
        if not self.prepared.in_city_required:
            return None
        if s.registered_from is not None and s.registered_from > date(year, 12, 31):
            return EntitlementStatus.NOT_ELIGIBLE, f"{year} 年未在本市注册"
        if s.moved_out is not None and s.moved_out <= date(year, 1, 1):
            return EntitlementStatus.NOT_ELIGIBLE, f"{year} 年前已迁出本市"
        return None

    # --- recognitions ------------------------------------------------------------------

    def of_type(self, type_id: str) -> list[RecognitionRecord]:
        """The subject's recognitions of one type, by date (then record id)."""
        by_type = self._by_type
        if by_type is None:
            by_type = self._by_type = {}
            for r in sorted(self.subject.recognitions, key=_date_id):
                found = by_type.get(r.type_id)
                if found is None:
                    by_type[r.type_id] = [r]
                else:
                    found.append(r)
        return by_type.get(type_id, _NONE)

    def matching(self, trigger: Trigger, any_stage: bool = False) -> list[RecognitionRecord]:
        if trigger.recognition is None:
            return []
        levels = trigger.levels
        stage = trigger.stage
        return [
            r
            for r in self.of_type(trigger.recognition)
            if (not levels or r.level in levels) and (any_stage or r.stage == stage)
        ]

    def valid_until(self, rec: RecognitionRecord) -> date | None:
        if rec.valid_until is not None:
            return rec.valid_until
        years = self.prepared.validity_years()
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
        held = [r for r in self.of_type(type_id) if self.valid_on(r, day)]
        return max(held, key=_date_id) if held else None

    def recognition(self, rec_id: int | None) -> RecognitionRecord | None:
        by_id = self._by_id
        if by_id is None:
            by_id = self._by_id = {}
            for r in self.subject.recognitions:
                by_id.setdefault(r.id, r)
        return by_id.get(rec_id)  # type: ignore[arg-type]

    def recognition_line(self, rec: RecognitionRecord) -> str:
        """``explain.recognition_line`` of the record, made once per subject."""
        line = self._rec_lines.get(id(rec))
        if line is None:
            line = explain.recognition_text(rec, self.prepared.type_label(rec.type_id))
            self._rec_lines[id(rec)] = line
        return line

    def stop_of(self, rec: RecognitionRecord | None) -> Stop | None:
        """The earliest of the recognition's revocation / expiry / move and the subject's move."""
        moved = self.subject.moved_out
        if rec is None or rec.status == RecognitionStatus.VALID or rec.status_date is None:
            return None if moved is None else Stop(moved, "主体已迁出本市")
        own = Stop(rec.status_date, _STOP_LABELS[rec.status])
        if moved is None or own.day <= moved:
            return own  # the earlier (the record's own on the same day)
        return Stop(moved, "主体已迁出本市")

    # --- facts and entered amounts ---------------------------------------------------------

    def facts(self, indicator: str) -> dict[tuple[int, str], FactRecord]:
        """The latest record per (year, 事项编号) of one indicator."""
        tables = self._facts
        if tables is None:
            tables = self._facts = {}
            for f in sorted(self.subject.facts, key=_id):
                table = tables.get(f.indicator)
                if table is None:
                    table = tables[f.indicator] = {}
                table[(f.year, f.item_ref)] = f
        table = tables.get(indicator)
        if table is None:
            table = tables[indicator] = {}
        return table

    def fact(self, indicator: str, year: int, item_ref: str = "") -> FactRecord | None:
        return self.facts(indicator).get((year, item_ref))

    def fact_sum(self, indicator: str, year: int) -> tuple[Decimal, list[FactRecord]] | None:
        rows = [f for (y, _), f in self.facts(indicator).items() if y == year and f.value is not None]
        if not rows:
            return None
        return sum((f.value for f in rows if f.value is not None), Decimal(0)), rows

    def entered(self, clause_id: str) -> list[EnteredAmount]:
        by_clause = self._entered
        if by_clause is None:
            by_clause = self._entered = {}
            for e in sorted(self.subject.entered, key=_id):
                by_clause.setdefault(e.clause_id, []).append(e)
        return list(by_clause.get(clause_id, _NONE))

    # --- building entitlements -------------------------------------------------------------

    def header(self, clause: Clause) -> list[str]:
        return list(self.prepared.header(clause))

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
        total = 0
        live = False
        for i in inst:
            if not i.cancelled_reason:
                total += i.amount_fen
                live = True
        if status is _DUE and inst and total == 0 and not live:
            status = EntitlementStatus.CANCELLED
        readings = self.prepared.readings(clause)
        return Entitlement(
            key,
            self.subject.subject,
            clause.id,
            status,
            total,
            inst,
            (*explanation, *readings) if readings else tuple(explanation),
            rec.id if rec else None,
            clause.payment_wording,
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
        body = [*self.prepared.header(clause), *(lines or ())]
        if rec is not None and not lines:
            body.append(self.recognition_line(rec))
        value = _STATUS_TEXT[status]
        body.append(f"结论：{reason}" if reason.startswith(value) else f"结论：{value}——{reason}")
        return self.build(clause, key, status, body, (), rec)


_NO_NAMES: frozenset[str] = frozenset()
_NONE: list = []  # an empty result shared by the look-ups (never changed)
_STATUS_TEXT = {s: s.value for s in EntitlementStatus}
_DUE = EntitlementStatus.DUE


_date_id = attrgetter("date", "id")  # (date, record id) of a recognition
_id = attrgetter("id")


def cancel_after(
    ctx: Context, instalments: list[PlannedInstalment], stop: Stop | None
) -> tuple[list[PlannedInstalment], list[str]]:
    """D4: an instalment not yet due on the stop date is cancelled with the reason.

    The instalment of the stop date's own year is not paid yet in the engine's view (the
    services keep what was paid); ``cancel_same_year_instalment = false`` keeps it.
    """
    if stop is None or not ctx.prepared.cancel_unpaid:
        return instalments, []
    same_year = ctx.prepared.cancel_same_year
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
