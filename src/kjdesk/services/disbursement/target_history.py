"""Targets with context (乌海 §4): the 2021 baseline, the value at the end of each year, the units
behind each count, and the officer's note (qualitative targets are judged in words).

The counting is that of ``indicators.target_progress``: a stock target counts the subjects
holding a valid recognition on the day; a flow target counts the subjects newly recognised
from ``target_flow_from`` to the day. The baseline is the stock held on the plan's date
(its effective date), for every kind, so the officer sees where the city started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from kjdesk.policy.model import Target
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.indicators import KIND_LABELS, _target_text, valid_on
from kjdesk.store import audit
from kjdesk.store.models import Person, Platform, Recognition, TargetNote, Unit
from kjdesk.validation import normalize_text

FIRST_YEAR = 2021


@dataclass(frozen=True)
class YearValue:
    year: int
    day: date  # 31 December, or today for the current year
    value: int
    names: tuple[str, ...]  # the units (platforms, people) behind the count


@dataclass(frozen=True)
class TargetHistory:
    id: str
    article: str
    metric: str
    target_text: str
    kind: str
    kind_label: str
    minimum: int | None
    maximum: int | None
    baseline_day: date
    baseline: int
    baseline_names: tuple[str, ...]
    years: tuple[YearValue, ...]  # 2021 … by_year (up to today)
    note: str
    quote: str

    @property
    def qualitative(self) -> bool:
        return self.kind == "qualitative" or self.minimum is None


def _flow_from(policy) -> date:  # noqa: ANN001 - Policy
    value = policy.settings.get("target_flow_from") or policy.document.effective
    return date.fromisoformat(value) if isinstance(value, str) else value


def _wanted(t: Target, recs: list[Recognition]) -> list[Recognition]:
    levels = {str(lv) for lv in t.levels}
    return [r for r in recs if r.type_id in t.recognition and (not levels or r.level in levels)]


def _hits(kind: str, recs: list[Recognition], day: date, flow_from: date) -> set[tuple]:
    if kind == "flow":
        return {
            (r.unit_id, r.platform_id, r.person_id)
            for r in recs
            if flow_from <= r.date <= day and r.status != "撤销"
        }
    return {(r.unit_id, r.platform_id, r.person_id) for r in recs if valid_on(r, day)}


def target_history(app: App, today: date | None = None) -> list[TargetHistory]:
    """Every target of the city's policy with its baseline, yearly values, names and note."""
    from kjdesk.policy.catalog import load_builtin

    today = today or date.today()
    policy = load_builtin(require_bureau(app).city)
    if not policy.targets:
        return []
    flow_from = _flow_from(policy)
    baseline_day = policy.document.effective
    with app.db.session() as s:
        recs = list(s.scalars(select(Recognition)))
        units = dict(tuple(r) for r in s.execute(select(Unit.id, Unit.name)))
        platforms = {
            pid: (name, host)
            for pid, name, host in s.execute(select(Platform.id, Platform.name, Platform.host_unit_id))
        }
        people = dict(tuple(r) for r in s.execute(select(Person.id, Person.name)))
        notes = {n.target_id: n.note for n in s.scalars(select(TargetNote))}

    def name(key: tuple) -> str:
        unit_id, platform_id, person_id = key
        if unit_id is not None:
            return units.get(unit_id, f"单位{unit_id}")
        if platform_id is not None:
            pname, host = platforms.get(platform_id, (f"平台{platform_id}", None))
            return f"{pname}（{units.get(host, '')}）" if host in units else pname
        return people.get(person_id, f"人员{person_id}")

    def names(keys: set[tuple]) -> tuple[str, ...]:
        return tuple(sorted(name(k) for k in keys))

    out = []
    for t in policy.targets:
        mine = _wanted(t, recs)
        base = _hits("stock", mine, baseline_day, flow_from)
        years = []
        for y in range(FIRST_YEAR, t.by_year + 1):
            day = min(date(y, 12, 31), today)
            if day < date(y, 1, 1):
                break
            hits = _hits(t.kind, mine, day, flow_from)
            years.append(YearValue(y, day, len(hits), names(hits)))
        out.append(
            TargetHistory(
                id=t.id,
                article=t.article,
                metric=t.metric,
                target_text=_target_text(t),
                kind=t.kind,
                kind_label=KIND_LABELS.get(t.kind, t.kind),
                minimum=t.minimum,
                maximum=t.maximum,
                baseline_day=baseline_day,
                baseline=len(base),
                baseline_names=names(base),
                years=tuple(years),
                note=notes.get(t.id, ""),
                quote=t.quote,
            )
        )
    return out


def set_target_note(app: App, target_id: str, note: str) -> None:
    """The officer's note on a target (progress in words, sources), audited."""
    from kjdesk.policy.catalog import load_builtin

    policy = load_builtin(require_bureau(app).city)
    if target_id not in {t.id for t in policy.targets}:
        raise ServiceError(f"本市政策中没有目标“{target_id}”")
    text = (note or "").strip()
    with app.db.session() as s:
        row = s.get(TargetNote, target_id)
        before = None if row is None else {"note": row.note}
        if row is None:
            row = TargetNote(target_id=target_id, note=text, updated_by=app.actor)
            s.add(row)
        else:
            row.note, row.updated_by = text, app.actor
        s.flush()
        audit.record(
            s, app.actor, "填写目标说明", "target_note", target_id, before, {"note": normalize_text(text)}
        )
