"""Counts from the register: the (二十五) indicators by 旗县区 and the 乌海 2025 targets (§4).

A recognition counts on a day when it was granted by then, has not expired (its
valid-until date, or the type's fixed term: 高企 3 years, 科技型中小企业 1 year) and was not
revoked, expired or moved out before that day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from kjdesk.policy.model import SubjectKind
from kjdesk.policy.titles import builtin_titles
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.deadlines import valid_until_of
from kjdesk.store.models import Platform, Recognition, Unit
from kjdesk.validation import districts_of

LEVEL_COLUMNS = ("国家", "自治区", "市级")


def valid_on(r: Recognition, day: date) -> bool:
    if r.date > day:
        return False
    end = valid_until_of(r.type_id, r.date, r.valid_until)
    if end is not None and end < day:
        return False
    # revoked, expired or moved out: counts only before the day it happened
    return r.status == "有效" or (r.status_date is not None and r.status_date > day)


@dataclass(frozen=True)
class PlatformCount:
    type_id: str
    type_name: str
    by_level: dict[str, int]  # 国家 / 自治区 / 市级 / 其他


@dataclass(frozen=True)
class DistrictCount:
    district: str
    hte: int
    tsme: int
    platforms: int
    national_platforms: int
    regional_platforms: int


@dataclass(frozen=True)
class Indicators:
    year: int
    as_of: date
    platforms: list[PlatformCount]
    districts: list[DistrictCount]


def indicator_counts(app: App, year: int) -> Indicators:
    """Platforms by type and level; 高企, 科技型中小企业 and platforms by 旗县区 at the end of ``year``."""
    from kjdesk.policy.titles import type_name

    city = require_bureau(app).city
    as_of = date(year, 12, 31)
    with app.db.session() as s:
        unit_district = dict(tuple(r) for r in s.execute(select(Unit.id, Unit.district)))
        by_type: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*LEVEL_COLUMNS, "其他"), 0))
        per_district: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        for p in s.scalars(select(Platform)):
            level = p.level if p.level in LEVEL_COLUMNS else "其他"
            by_type[p.type_id][level] += 1
            d = per_district[unit_district.get(p.host_unit_id, "")]
            d[2] += 1
            d[3] += level == "国家"
            d[4] += level == "自治区"
        counted: dict[str, set[int]] = {"hte": set(), "tsme": set()}
        q = select(Recognition).where(
            Recognition.type_id.in_(list(counted)), Recognition.unit_id.is_not(None)
        )
        for r in s.scalars(q):
            if valid_on(r, as_of) and r.unit_id not in counted[r.type_id]:
                counted[r.type_id].add(r.unit_id)
                per_district[unit_district.get(r.unit_id, "")][0 if r.type_id == "hte" else 1] += 1
    platforms = [PlatformCount(t, type_name(t), levels) for t, levels in by_type.items()]
    platforms.sort(key=lambda p: (-sum(p.by_level.values()), p.type_name))
    order = list(districts_of(city))
    names = order + sorted(k for k in per_district if k not in order)
    districts = [
        DistrictCount(name or "（未填旗县区）", *per_district[name])
        for name in names
        if name in order or any(per_district[name])
    ]
    return Indicators(year, as_of, platforms, districts)


@dataclass(frozen=True)
class TargetProgress:
    id: str
    article: str
    metric: str
    target_text: str
    kind: str  # stock | flow | qualitative
    kind_label: str
    minimum: int | None
    maximum: int | None
    current: int | None
    progress: float | None  # current / minimum
    note: str


def _cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


KIND_LABELS = {"stock": "存量", "flow": "新增", "qualitative": "定性"}


def _target_text(t) -> str:  # noqa: ANN001 - policy.model.Target
    if t.minimum is None:
        return "取得阶段性进展" if t.kind == "qualitative" else "—"
    text = f"{t.minimum}家" if not t.maximum or t.maximum == t.minimum else f"{t.minimum}—{t.maximum}家"
    return f"力争{text}" if getattr(t, "firmness", "") == "力争" else text


def target_progress(app: App, today: date | None = None) -> list[TargetProgress]:
    """Progress toward the city's quantitative targets (乌海 §4); empty for a city without targets."""
    from kjdesk.policy.catalog import load_builtin

    today = today or date.today()
    policy = load_builtin(require_bureau(app).city)
    if not policy.targets:
        return []
    flow_from = policy.settings.get("target_flow_from") or policy.document.effective
    if isinstance(flow_from, str):
        flow_from = date.fromisoformat(flow_from)
    out = []
    with app.db.session() as s:
        recs = list(s.scalars(select(Recognition)))
    for t in policy.targets:
        as_of = min(today, date(t.by_year, 12, 31))
        levels = {str(lv) for lv in t.levels}
        types = set(t.recognition)
        if t.all_platform_types:  # D14: 新增各类自治区级创新平台 — every platform type of the register
            types |= {k for k, v in builtin_titles().types.items() if v.subject == SubjectKind.PLATFORM}
        wanted = [
            r
            for r in recs
            if (r.type_id in types or (t.all_platform_types and r.platform_id is not None))
            and (not levels or r.level in levels)
        ]
        if t.kind == "qualitative" or t.minimum is None:
            current, progress, note = None, None, "定性目标，不按数量统计；请在说明中填写进展"
        else:
            if t.kind == "stock":
                hits = {(r.unit_id, r.platform_id, r.person_id) for r in wanted if valid_on(r, as_of)}
                note = f"截至{_cn(as_of)}仍有效的认定"
            else:
                hits = {
                    (r.unit_id, r.platform_id, r.person_id)
                    for r in wanted
                    if flow_from <= r.date <= as_of and r.status != "撤销"
                }
                note = f"{_cn(flow_from)}至{_cn(as_of)}新获认定"
            current = len(hits)
            progress = current / t.minimum
        out.append(
            TargetProgress(
                t.id,
                t.article,
                t.metric,
                _target_text(t),
                t.kind,
                KIND_LABELS.get(t.kind, t.kind),
                t.minimum,
                t.maximum,
                current,
                progress,
                note,
            )
        )
    return out
