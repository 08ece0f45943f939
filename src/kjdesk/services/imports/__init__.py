"""Importing a roster: ``preview`` (the dry run) and ``commit`` (all-or-nothing), and the history.

``preview`` reads the file once, finds the header and the kind, parses every row and
matches it against the register, and returns an ``ImportPlan``: what would be added,
updated and left unchanged, and every error with its row, column, value and reason.
Nothing is written. ``commit`` writes a plan without errors in one transaction — any
problem or a cancel rolls everything back — records it in the ``imports`` table, audits
it and recomputes the entitlements of the subjects it touched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from kjdesk.io.cells import CellError as CellError  # offered to the window and the command line
from kjdesk.io.cells import parse_date as parse_date
from kjdesk.io.excel_in import column_letter
from kjdesk.io.roster_schema import KINDS, missing_columns, wide_fact_columns
from kjdesk.policy.titles import ResolvedTitle
from kjdesk.services.core.app import App, Changes, ServiceError, require_writable
from kjdesk.services.core.collector import collector_paused
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.imports.answers import (
    check_title_answer,
    remember_names,
    remember_titles,
    remembered_titles,
    remembered_units,
    title_key,
)
from kjdesk.services.imports.kinds import match as match_rows  # not "match": that is the submodule
from kjdesk.services.imports.layout import (
    RosterLayout,
    inspect_roster,
    read_layout,
    sheet_choice,
    sheet_names,
)
from kjdesk.services.imports.match import ADD, SAME, UPDATE, Ops, PlanItem, Register
from kjdesk.services.imports.names import NEW, PICK, NameAnswer, NameOutcome, NameQuestion, resolve_names
from kjdesk.services.imports.rows import ParseContext, ParsedRow, RowError, parse_rows
from kjdesk.services.imports.whole import WholeList, whole_defaults
from kjdesk.services.imports.write import recompute, record_audit, write_ops
from kjdesk.store.models import AuditEvent, ImportRecord
from kjdesk.vocab import Remembered

__all__ = [
    "NameAnswer",
    "NameQuestion",
    "WholeList",
    "ImportHistoryRow",
    "ImportPlan",
    "ImportResult",
    "PlanItem",
    "RosterLayout",
    "RowError",
    "commit",
    "history",
    "inspect_roster",
    "preview",
    "sheet_choice",
    "sheet_names",
]


@dataclass(frozen=True)
class ImportHistoryRow:
    id: int
    at: datetime
    actor: str
    file_name: str
    sha256: str
    kind: str
    kind_label: str
    sheet: str
    rows: int
    added: int
    updated: int
    unchanged: int


@dataclass
class ImportPlan:
    path: Path
    file_name: str
    sha256: str
    kind: str
    kind_label: str
    sheet: str
    sheets: list[str]
    header_row: int  # spreadsheet row number of the header
    headers: list[str]  # "C 认定日期" for each column of the sheet
    mapping: dict[str, int]  # field key → column index
    fields: list[tuple[str, str, bool]]  # (key, label, required) of the kind, for the mapping editor
    rows: int = 0
    title: str = ""  # the list's title row (a published list names its type and year there)
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)  # rows accepted with something to know
    items: list[PlanItem] = field(default_factory=list)
    previous: list[ImportHistoryRow] = field(default_factory=list)
    new_units: int = 0
    new_platforms: int = 0
    data_version: int = 0
    whole: WholeList = field(default_factory=WholeList)  # values given for the whole list
    whole_notes: list[str] = field(default_factory=list)  # whole-list values a column overrides, …
    questions: list[NameQuestion] = field(default_factory=list)  # names the officer must settle
    skipped: list[NameQuestion] = field(default_factory=list)  # names left out (--skip-unmatched / 跳过)
    answers: dict[str, NameAnswer] = field(default_factory=dict)  # name_key → the officer's answer
    type_answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # wording → (type_id, level)
    unknown_titles: list[str] = field(default_factory=list)  # 认定类型 wordings not understood
    skip_unmatched: bool = False
    by_answer: int = 0  # rows matched by a remembered answer
    by_name: int = 0  # rows matched by their normalised name
    _names: NameOutcome | None = field(default=None, repr=False)
    _ctx: ParseContext | None = field(default=None, repr=False)
    _parsed: list[ParsedRow] = field(default_factory=list, repr=False)
    _ops: Ops | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.questions

    def count(self, action: str) -> int:
        return sum(1 for i in self.items if i.action == action)

    @property
    def added(self) -> int:
        return self.count(ADD)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(SAME)

    def summary(self) -> str:
        text = (
            f"{self.kind_label}“{self.file_name}”（工作表“{self.sheet}”，表头在第 {self.header_row} 行）："
            f"共 {self.rows} 行，新增 {self.added}，更新 {self.updated}，不变 {self.unchanged}"
        )
        extra = []
        if self.new_units and self.kind != "units":
            extra.append(f"同时新登记单位 {self.new_units} 个")
        if self.new_platforms and self.kind != "platforms":
            extra.append(f"新登记平台 {self.new_platforms} 个")
        if extra:
            text += "（" + "，".join(extra) + "）"
        if self.by_name or self.by_answer:
            text += f"；按名称匹配 {self.by_name + self.by_answer} 行"
            if self.by_answer:
                text += f"（其中按记住的对照 {self.by_answer} 行）"
        if self.skipped:
            text += f"；跳过 {sum(len(q.rows) for q in self.skipped)} 行（名称未能对应到已登记单位）"
        if self.questions:
            text += f"；{len(self.questions)} 个名称需确认对应的单位"
        if self.errors:
            text += f"；发现 {len(self.errors)} 处错误，需更正后才能导入"
        return text

    def warnings(self) -> list[str]:
        return [
            f"该文件已于 {h.at:%Y-%m-%d %H:%M} 由 {h.actor} 导入过（新增 {h.added}、更新 {h.updated}、不变 {h.unchanged}）"
            for h in self.previous
        ]


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    kind: str
    file_name: str
    added: int
    updated: int
    unchanged: int
    new_units: int
    new_platforms: int
    recomputed: str
    changes: Changes

    def summary(self) -> str:
        text = f"已导入“{self.file_name}”：新增 {self.added}，更新 {self.updated}，不变 {self.unchanged}"
        if self.recomputed:
            text += f"；{self.recomputed}"
        return text


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _data_version(session) -> int:  # noqa: ANN001
    """Every write leaves an audit event: the last event's id says whether the register moved."""
    return session.scalar(select(func.max(AuditEvent.id))) or 0


def preview(
    app: App,
    path: str | Path,
    kind: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, int | None] | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    header_row: int | None = None,
    remembered: Remembered | None = None,
    whole: WholeList | None = None,
    answers: dict[str, NameAnswer] | None = None,
    skip_unmatched: bool = False,
    type_answers: dict[str, tuple[str, str]] | None = None,
) -> ImportPlan:
    """The dry run: read, check and match a roster; write nothing.

    ``kind`` is detected from the headers when not given; ``mapping`` (field key → column
    index) replaces the automatic column mapping; ``header_row`` (1-based) the header search;
    ``remembered`` the wordings the bureau has answered (``vocab.Remembered``).
    ``whole`` gives 认定类型 / 级别 / 认定日期 / 文号 for a list without such columns;
    ``answers`` (by ``import_names.name_key``) settle names the register does not;
    ``skip_unmatched`` leaves out the rows whose names stay unsettled (listed in ``skipped``);
    ``type_answers`` (wording as written → (type_id, level)) explain 认定类型 wordings; they are
    remembered when the plan is committed."""
    with collector_paused():
        return _dry_run(
            app,
            path,
            kind,
            sheet,
            mapping,
            progress,
            today,
            header_row,
            remembered,
            whole,
            answers or {},
            skip_unmatched,
            type_answers or {},
        )


def _dry_run(
    app: App,
    path: str | Path,
    kind: str | None,
    sheet: str | None,
    mapping: dict[str, int | None] | None,
    progress: Progress | None,
    today: date | None,
    header_row: int | None,
    remembered: Remembered | None = None,
    whole: WholeList | None = None,
    answers: dict[str, NameAnswer] | None = None,
    skip_unmatched: bool = False,
    type_answers: dict[str, tuple[str, str]] | None = None,
) -> ImportPlan:
    progress = progress or NullProgress()
    bureau = require_bureau(app)
    path = Path(path)
    whole = whole or WholeList()
    if kind is None and not whole.empty:
        kind = "recognitions"  # values for a whole list are values of a recognition list
    roster, table, layout = read_layout(path, kind, sheet, header_row, progress)
    headers = table.headers
    used = layout.mapping if mapping is None else _clean_mapping(roster.key, mapping, len(headers))
    plan = ImportPlan(
        path=path,
        file_name=path.name,
        sha256=file_sha256(path),
        kind=roster.key,
        kind_label=roster.label,
        sheet=layout.sheet,
        sheets=layout.sheets,
        header_row=layout.header_row,
        headers=layout.headers,
        mapping=used,
        fields=layout.fields,
        title=layout.title,
        whole=whole,
        answers=dict(answers or {}),
        skip_unmatched=skip_unmatched,
        type_answers=dict(type_answers or {}),
    )
    _check_answers(plan.answers, bureau.city)
    for type_id, level in plan.type_answers.values():
        check_title_answer(type_id, level)
    ctx = ParseContext(roster, bureau.city, headers, used, today or date.today(), remembered=remembered or {})
    ctx.defaults, plan.whole_notes = whole_defaults(whole, roster.key, used, ctx.today)
    with app.db.session() as s:
        ctx.title_answers = remembered_titles(s)
    ctx.title_answers.update({title_key(w): a for w, a in plan.type_answers.items()})
    if "title" in ctx.defaults:
        found = ctx.title(str(ctx.defaults["title"]), str(ctx.defaults.get("level", "")))
        if not isinstance(found, ResolvedTitle):
            raise ServiceError(f"整份名单的认定类型（--type）：{found}")
    present = {**used, **dict.fromkeys(ctx.defaults, -1)}
    if roster.key == "recognitions" and "subject_name" in used:
        present.setdefault("credit_code", -1)  # a list of names: matched to the register by name
    missing = missing_columns(roster, present)
    if roster.key == "facts" and "indicator" not in used:
        ctx.wide = [c for c in wide_fact_columns(headers) if c.index not in used.values()]
        if ctx.wide:  # one column per indicator: 指标 and 数值 come from the headers
            years_in_headers = all(c.year is not None for c in ctx.wide)
            missing = [
                m for m in missing if m not in ("指标", "数值") and not (m == "年度" and years_in_headers)
            ]
    if missing:
        ctx.errors.append(
            RowError(plan.header_row, "", "", f"缺少必需的列：{'、'.join(missing)}（可在列对应中指定）")
        )
    else:
        progress.set_status("正在检查各行")
        plan._parsed = parse_rows(ctx, table.rows, table.first_data, progress)
        plan.rows = len(plan._parsed)
        if not plan._parsed:
            ctx.errors.append(RowError(plan.header_row, "", "", "表头下面没有数据行"))
    del table
    progress.set_status("正在与已登记数据比对")
    with app.db.session() as s:
        plan.data_version = _data_version(s)
        plan.previous = _history(s, plan.sha256)
        if plan._parsed:
            reg = Register.load(s, roster.key)
            names = _by_name(s, ctx, reg, plan)
            plan._ops, plan.items = match_rows(ctx, reg, _live(plan._parsed, names), progress)
        s.rollback()
    plan.errors = sorted(ctx.errors, key=lambda e: (e.row, e.col))
    plan.notes = sorted(ctx.notes, key=lambda e: (e.row, e.col))
    plan.unknown_titles = _unknown_titles(plan.errors, ctx)
    plan._ctx = ctx
    if plan._ops is not None:
        plan.new_units, plan.new_platforms = len(plan._ops.unit_inserts), len(plan._ops.platform_inserts)
    return plan


def _check_answers(answers: dict[str, NameAnswer], city: str) -> None:
    """A new unit's credit code (and district) must be right before anything is matched."""
    from kjdesk.validation import FieldError, check_credit_code
    from kjdesk.vocab import check_district

    for answer in answers.values():
        if answer.action != NEW:
            continue
        try:
            check_credit_code(answer.credit_code)
            if answer.district:
                check_district(answer.district, city)
        except FieldError as exc:
            raise ServiceError(f"新登记单位：{exc}") from exc


def _by_name(session, ctx: ParseContext, reg: Register, plan: ImportPlan) -> NameOutcome:  # noqa: ANN001
    """Settle the rows that name their unit without a code (remembered answers, exact names)."""
    bad = {e.row for e in ctx.errors}
    out = resolve_names(
        plan._parsed, reg.units, plan.answers, remembered_units(session), plan.skip_unmatched, bad
    )
    plan._names = out
    plan.questions, plan.skipped = out.questions, out.skipped
    plan.by_answer, plan.by_name = out.by_answer, out.by_name
    return out


def _live(parsed: list[ParsedRow], names: NameOutcome | None) -> list[ParsedRow]:
    if names is None or not names.held:
        return parsed
    return [p for p in parsed if p.row not in names.held]


def _clean_mapping(kind: str, mapping: dict[str, int | None], width: int) -> dict[str, int]:
    keys = {c.key for c in KINDS[kind].columns}
    out: dict[str, int] = {}
    for key, idx in mapping.items():
        if idx is None or idx < 0:
            continue
        if key not in keys:
            raise ServiceError(f"列对应中的“{key}”不是{KINDS[kind].label}的字段")
        if idx >= width:
            raise ServiceError(f"列对应超出表格范围（第 {idx + 1} 列）")
        if idx in out.values():
            other = next(k for k, v in out.items() if v == idx)
            raise ServiceError(
                f"第 {column_letter(idx)} 列同时对应了“{KINDS[kind].label_of(other)}”和"
                f"“{KINDS[kind].label_of(key)}”"
            )
        out[key] = idx
    return out


def commit(app: App, plan: ImportPlan, progress: Progress | None = None) -> ImportResult:
    """Write a checked plan, all or nothing. Raises ServiceError when the plan has errors."""
    progress = progress or NullProgress()
    if plan.errors:
        raise ServiceError(f"名单有 {len(plan.errors)} 处错误，未导入任何数据。请更正后重新检查")
    if plan.questions:
        raise ServiceError(
            f"名单有 {len(plan.questions)} 个名称未能对应到已登记单位，未导入任何数据。"
            "请逐个确认（选择单位、新登记或跳过），或跳过未匹配的行"
        )
    if plan._ops is None or plan._ctx is None:
        raise ServiceError("没有可导入的数据行")
    require_writable(app)
    bureau = require_bureau(app)
    from kjdesk.services.safety.backups import backup_before

    progress.set_status("正在备份数据库")
    backup_before(app, "import")  # DESIGN: a backup before every import
    progress.set_status("正在写入数据库")
    with collector_paused(), app.db.session() as s:  # paused through the commit and its seals too
        ops, items = plan._ops, plan.items
        if _data_version(s) != plan.data_version:  # the register moved since the dry run: match again
            ctx = ParseContext(
                plan._ctx.kind,
                bureau.city,
                plan._ctx.headers,
                plan._ctx.mapping,
                plan._ctx.today,
                remembered=plan._ctx.remembered,
            )
            ctx.defaults, ctx.title_answers = plan._ctx.defaults, plan._ctx.title_answers
            reg = Register.load(s, plan.kind)
            names = resolve_names(
                plan._parsed, reg.units, plan.answers, remembered_units(s), plan.skip_unmatched, set()
            )
            if names.questions:
                lines = "\n".join(q.line() for q in names.questions[:20])
                raise ServiceError(f"检查之后数据库已有变动，有名称无法对应，未导入：\n{lines}")
            held = names.held | (plan._names.held if plan._names else set())
            ops, items = match_rows(ctx, reg, [p for p in plan._parsed if p.row not in held], progress)
            if ctx.errors:
                lines = "\n".join(e.line() for e in ctx.errors[:20])
                raise ServiceError(
                    f"检查之后数据库已有变动，名单现有 {len(ctx.errors)} 处错误，未导入：\n{lines}"
                )
        progress.check()
        written = write_ops(s, ops, progress.check)
        counts = {a: sum(1 for i in items if i.action == a) for a in (ADD, UPDATE, SAME)}
        record = ImportRecord(
            actor=app.actor,
            file_name=plan.file_name,
            sha256=plan.sha256,
            kind=plan.kind,
            sheet=plan.sheet,
            rows=plan.rows,
            added=counts[ADD],
            updated=counts[UPDATE],
            unchanged=counts[SAME],
        )
        s.add(record)
        s.flush()
        summary = {
            "file_name": plan.file_name,
            "sha256": plan.sha256,
            "kind": plan.kind,
            "sheet": plan.sheet,
            "rows": plan.rows,
            "added": written.added,
            "updated": written.updated,
        }
        if not plan.whole.empty:  # the values given for the whole list, as the officer gave them
            summary["whole_list"] = {k: str(v) for k, v in plan.whole.values().items()}
        if plan.skipped:
            summary["skipped_rows"] = sorted(r for q in plan.skipped for r in q.rows)
        import_id = record.id
        record_audit(s, app.actor, import_id, summary, written)
        picked = _picked(plan)
        if picked:
            remember_names(s, app.actor, picked, plan.file_name)
        if plan.type_answers:
            remember_titles(s, app.actor, plan.type_answers, plan.file_name)
        progress.check()
        recomputed = recompute(s, app.actor, bureau.city, written.subjects, progress)
        progress.check()
        progress.set_status("正在提交")  # the money seals and SQLite's commit: a second at 100,000 rows
    added, updated = written.added, written.updated
    changes = Changes(
        units=bool(added["units"] or updated["units"]),
        platforms=bool(added["platforms"] or updated["platforms"]),
        people=bool(added["people"] or updated["people"]),
        recognitions=bool(added["recognitions"] or updated["recognitions"]),
        facts=bool(added["facts"] or updated["facts"]),
        entitlements=bool(written.subjects),
    )
    return ImportResult(
        import_id,
        plan.kind,
        plan.file_name,
        counts[ADD],
        counts[UPDATE],
        counts[SAME],
        added["units"],
        added["platforms"],
        recomputed,
        changes,
    )


def _unknown_titles(errors: list[RowError], ctx: ParseContext) -> list[str]:
    """The 认定类型 wordings the vocabulary (and the remembered answers) do not know, once each."""
    col = ctx.mapping.get("title", -2)
    seen: dict[str, None] = {}
    for e in errors:
        if e.col == col and e.value and e.reason.startswith("无法识别的认定类型"):
            seen.setdefault(e.value)
    return list(seen)


def _picked(plan: ImportPlan) -> list[tuple[str, int]]:
    """(name as written, unit id) of each name the officer matched to a unit, to remember."""
    if plan._names is None:
        return []
    return [
        (shown, uid)
        for key, (shown, uid) in plan._names.answered.items()
        if plan.answers[key].action == PICK and plan.answers[key].remember
    ]


def _history_row(r: ImportRecord) -> ImportHistoryRow:
    label = KINDS[r.kind].label if r.kind in KINDS else r.kind
    return ImportHistoryRow(
        r.id,
        r.at,
        r.actor,
        r.file_name,
        r.sha256,
        r.kind,
        label,
        r.sheet,
        r.rows,
        r.added,
        r.updated,
        r.unchanged,
    )


def _history(session, sha256: str | None = None) -> list[ImportHistoryRow]:  # noqa: ANN001
    q = select(ImportRecord).order_by(ImportRecord.id.desc())
    if sha256 is not None:
        q = q.where(ImportRecord.sha256 == sha256)
    return [_history_row(r) for r in session.scalars(q)]


def history(app: App) -> list[ImportHistoryRow]:
    """Every committed import, newest first."""
    with app.db.session() as s:
        return _history(s)
