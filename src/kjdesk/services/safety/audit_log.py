"""The audit log as officers read it: filter, verify the hash chain, export to Excel.

Times are stored in UTC and shown in the PC's local time; 身份证号 inside before/after
values are masked (``services.privacy.mask_in_text``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import func, select

from kjdesk.atomic import replacing
from kjdesk.io.xlsx_safe import cell_value, defuse_workbook
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.privacy import mask_in_text
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.services.safety.audit_words import Namer, change_words
from kjdesk.store.audit import ChainBreak as ChainBreak  # offered to the window
from kjdesk.store.backup import backups_dir, list_backup_files
from kjdesk.store.models import AuditEvent

ENTITY_LABELS = {
    "unit": "单位",
    "platform": "平台",
    "person": "人员",
    "recognition": "认定记录",
    "fact": "年度申报数据",
    "entered_amount": "录入金额",
    "clause_standard": "条款标准",
    "decision": "决定（会议纪要）",
    "budget": "年度预算上限",
    "target_note": "目标说明",
    "entitlement": "应享资金",
    "entitlements": "应享资金（重算）",
    "instalment": "拨付计划",
    "approval_batch": "审批批次",
    "payment": "拨付记录",
    "letter": "通知书",
    "fund_receipt": "资金指标",
    "calendar_day": "工作日历",
    "calendar_year": "工作日历年度",
    "settings": "设置",
    "officer": "账号",
    "import": "导入",
    "imports": "导入",
    "closed_year": "年度结账",
    "database": "数据库",
    "seal": "资金封存",
}


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


@dataclass(frozen=True)
class AuditFilter:
    officer: str | None = None
    entity: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        parts = []
        if self.officer:
            parts.append(f"操作人：{self.officer}")
        if self.entity:
            parts.append(f"对象：{entity_label(self.entity)}")
        if self.action:
            parts.append(f"操作：{self.action}")
        if self.date_from or self.date_to:
            parts.append(f"日期：{self.date_from or '…'} 至 {self.date_to or '…'}")
        return "；".join(parts) or "全部"


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # local time
    actor: str
    action: str
    entity: str
    entity_label: str
    entity_id: str
    before: str  # JSON, 身份证号 masked (技术详情)
    after: str
    object_name: str = ""  # the unit, year, instalment … by its name
    words: str = ""  # what changed, in words: field names in Chinese, money in 元
    actor_name: str = ""  # the officer's name (the login name when the account has none)


@dataclass(frozen=True)
class AuditChoices:
    officers: list[str]
    entities: list[str]
    actions: list[str]


def _local(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _utc_bound(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(UTC).replace(tzinfo=None)


def _row(ev: AuditEvent, namer: Namer | None = None, actors: dict[str, str] | None = None) -> AuditRow:
    before, after = mask_in_text(ev.before), mask_in_text(ev.after)
    return AuditRow(
        ev.id,
        _local(ev.at),
        ev.actor,
        ev.action,
        ev.entity,
        entity_label(ev.entity),
        ev.entity_id,
        before,
        after,
        namer.name(ev.entity, ev.entity_id) if namer is not None else "",
        change_words(ev.entity, ev.entity_id, before, after),
        (actors or {}).get(ev.actor, ev.actor),
    )


def _readable_rows(s, events: list[AuditEvent]) -> list[AuditRow]:  # noqa: ANN001 - Session
    from kjdesk.store.models import Officer, Setting

    city = s.scalar(select(Setting.value).where(Setting.key == "city"))
    namer = Namer(s, ((ev.entity, ev.entity_id) for ev in events), city or None)
    actors = {u: n for u, n in s.execute(select(Officer.username, Officer.display_name)) if n}
    return [_row(ev, namer, actors) for ev in events]


def audit_events(
    app: App,
    officer: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int | None = None,
) -> list[AuditRow]:
    """Audit events matching every given filter, newest first. Dates are local and inclusive."""
    if date_from and date_to and date_from > date_to:
        raise ServiceError(f"起始日期 {date_from} 晚于截止日期 {date_to}")
    q = select(AuditEvent).order_by(AuditEvent.id.desc())
    if officer:
        q = q.where(AuditEvent.actor == officer)
    if entity:
        q = q.where(AuditEvent.entity == entity)
    if action:
        q = q.where(AuditEvent.action == action)
    if date_from:
        q = q.where(AuditEvent.at >= _utc_bound(date_from))
    if date_to:
        q = q.where(AuditEvent.at < _utc_bound(date_to + timedelta(days=1)))
    if limit:
        q = q.limit(limit)
    with app.db.session() as s:
        return _readable_rows(s, list(s.scalars(q)))


def filtered(app: App, f: AuditFilter, limit: int | None = None) -> list[AuditRow]:
    return audit_events(app, f.officer, f.entity, f.action, f.date_from, f.date_to, limit)


def audit_choices(app: App) -> AuditChoices:
    """The officers, entities and actions present in the log (for the filter lists)."""
    with app.db.session() as s:

        def distinct(col) -> list[str]:  # noqa: ANN001 - a column
            return [v for v in s.scalars(select(col).distinct().order_by(col)) if v]

        return AuditChoices(
            distinct(AuditEvent.actor), distinct(AuditEvent.entity), distinct(AuditEvent.action)
        )


def event_count(app: App) -> int:
    """How many audit events the database holds."""
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0


def describe_event(app: App, event_id: int) -> str | None:
    """One event as the officer reads it (when, who, what, which object), or None when it is gone."""
    with app.db.session() as s:
        event = s.get(AuditEvent, event_id)
        if event is None:
            return None
        return f"{event.at:%Y-%m-%d %H:%M:%S} {event.actor} {event.action} {event.entity} {event.entity_id}"


def verify_audit(app: App) -> ChainBreak | None:
    """Walk the hash chain, the money rows and the anchors: None when all hold, else the first problem.

    The returned ``ChainBreak`` lists every problem found in ``details`` (services/safety/audit_money.py):
    an altered or removed event, a money row edited, inserted or deleted past the program,
    a chain cut short against the anchor kept outside the database. The newest backup made
    since the last restore is an anchor too: every event it holds must still be here.
    """
    from kjdesk.services.safety.audit_money import verify_all

    backup_break = backup_anchor_break(app)
    return trail_break(backup_break, verify_all(app.db))


def backup_anchor_break(app: App) -> ChainBreak | None:
    """The first event of the newest backup (made since the last restore) that is gone or altered
    here, or None. Read before a new backup is made beside it (``backups.backup_checked``)."""
    return _backup_anchor(app)


def trail_break(backup_break: ChainBreak | None, problems: list) -> ChainBreak | None:
    """``verify_audit``'s answer from its parts: the backup anchor's break and ``verify_all``'s problems."""
    problems = list(problems)
    if backup_break is not None:  # it names the backup that still holds the event: said first
        problems.insert(0, _as_problem(backup_break))
    if not problems:
        return None
    first = problems[0]
    return ChainBreak(first.event_id or 0, first.text, tuple(p.text for p in problems))


def _as_problem(b: ChainBreak):  # noqa: ANN202 - Problem
    from kjdesk.services.safety.audit_money import Problem

    return Problem(b.event_id, b.reason)


def _backup_anchor(app: App) -> ChainBreak | None:
    if app.db.path is None:
        return None
    with app.db.session() as s:
        restored = s.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.action == "恢复备份"))
        anchor = _anchor(app.db.path, _local(restored) if restored else None)
        if anchor is None:
            return None
        name, kept = anchor
        here = dict(
            s.execute(select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.id.in_(list(kept)))).all()
        )
    for event_id in sorted(kept):
        if event_id not in here:
            return ChainBreak(event_id, f"审计事件 #{event_id} 缺失（被删除）：备份 {name} 中有该事件")
        if here[event_id] != kept[event_id]:
            return ChainBreak(event_id, f"审计事件 #{event_id} 与备份 {name} 中的记录不同（被改动）")
    return None


ANCHOR_EVENTS = 200  # the tail of the chain the anchor compares


def _anchor(db_path: Path, since: datetime | None) -> tuple[str, dict[int, str]] | None:
    """The newest backup made after ``since`` (not a pre-restore copy): its last events' hashes."""
    for b in list_backup_files(backups_dir(db_path)):
        if b.reason == "restore" or (since is not None and b.made_at <= since):
            continue
        try:
            con = sqlite3.connect(f"{b.path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                rows = con.execute(
                    "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT ?", (ANCHOR_EVENTS,)
                ).fetchall()
            finally:
                con.close()
        except sqlite3.Error:
            continue  # a damaged backup anchors nothing; the next one may
        return b.path.name, dict(rows)
    return None


COLUMNS = (
    "编号",
    "时间",
    "操作人",
    "操作",
    "对象",
    "名称",
    "内容",
    "技术详情：对象编号",
    "技术详情：修改前",
    "技术详情：修改后",
)
WIDTHS = (8, 20, 14, 14, 12, 36, 60, 12, 40, 40)


def export_audit(
    app: App, path: Path, filters: AuditFilter | None = None, progress: Progress | None = None
) -> int:
    """Write the filtered audit log to an .xlsx file; returns the number of events written."""
    progress = progress or NullProgress()
    f = filters or AuditFilter()
    rows = filtered(app, f)
    chain = verify_audit(app)
    wb = Workbook()
    ws = wb.active
    ws.title = "审计日志"
    ws.append([f"审计日志（筛选：{f.describe()}）"])
    ws.append(
        [
            f"导出时间：{datetime.now():%Y-%m-%d %H:%M:%S}　导出人：{app.actor}　"
            f"审计链校验：{'完整' if chain is None else '未通过：' + chain.reason}"
        ]
    )
    ws.append(list(COLUMNS))
    for c in ws[3]:
        c.font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=14)
    progress.set_total(len(rows))
    for i, r in enumerate(rows, 1):
        values = (
            r.id,
            r.at.strftime("%Y-%m-%d %H:%M:%S"),
            r.actor_name or r.actor,
            r.action,
            r.entity_label,
            r.object_name,
            r.words,
            r.entity_id,
            r.before,
            r.after,
        )
        ws.append([cell_value(v) for v in values])
        if i % 500 == 0:
            progress.check()
            progress.set_value(i)
    progress.set_value(len(rows))
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    for row in ws.iter_rows(min_row=4, min_col=6, max_col=10):
        lines = 1
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            # a wrapped cell is printed as tall as its text (a 汉字 is about two width units)
            text = str(c.value or "")
            lines = max(lines, -(-len(text.encode("gbk", errors="replace")) // (WIDTHS[6] - 2)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 13.5 * min(lines, 30) + 2
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    from kjdesk.io.excel_out import finish_plain_sheet
    from kjdesk.services.letters.print_settings import sheet_font

    finish_plain_sheet(ws, header_row=3, font=sheet_font(app))  # A4, page numbers, CJK font
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    defuse_workbook(wb)
    with replacing(path) as part:
        wb.save(part)
    return len(rows)
