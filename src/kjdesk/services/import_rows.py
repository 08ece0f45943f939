"""Reading a roster's rows into clean values, kind by kind, before the database is consulted.

``parse_rows`` turns each data row into a ``ParsedRow`` of the fields it gives (a blank
cell gives nothing, so an update never erases what the roster does not say) and collects
every problem as a ``RowError`` with its row, column, value and Chinese reason. Checks
that need the register (does the unit exist?) are in ``import_match``.

Rosters repeat their values down a column (credit codes, names, titles, dates, 状态), so
each field reads a distinct cell value once and keeps the outcome — the value, or the
reason it is refused — for the other rows that carry it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from kjdesk.bank_accounts import check_bank_account, check_bank_name
from kjdesk.io.cells import (
    CellError,
    check_date_range,
    check_not_error,
    clean_text,
    credit_code_ok,
    is_blank,
    parse_code,
    parse_date,
    parse_decimal,
    parse_year,
    text_of,
    to_yuan,
)
from kjdesk.io.excel_in import column_letter
from kjdesk.io.roster_schema import (
    CATEGORY,
    COUNT,
    EXAMPLE_MARK,
    FACT_ALIASES,
    FACT_INDICATORS,
    MONEY_UNITS,
    STATUS_CHOICES,
    RosterKind,
    WideColumn,
    normalize_header,
)
from kjdesk.policy.model import SubjectKind
from kjdesk.policy.titles import ResolvedTitle, UnknownTitle, builtin_titles, resolve_title
from kjdesk.validation import (
    PERSON_ROLES,
    UNIT_KINDS,
    FieldError,
    check_credit_code,
    check_district,
    check_id_number,
    check_name,
    check_phone,
    check_size_class,
)

PROGRESS_EVERY = 2000
MEMO_LIMIT = 20_000
_BLANK = frozenset(("", None))


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number, as the officer sees it
    column: str  # "C 认定日期"
    value: str
    reason: str
    col: int = -1  # column index in the sheet, -1 when the error is about the row or the file

    def line(self) -> str:
        if not self.column:
            return f"第 {self.row} 行：{self.reason}"
        shown = f"“{self.value}”" if self.value else "（空）"
        return f"第 {self.row} 行 {self.column} 列 {shown}：{self.reason}"


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class ParseContext:
    kind: RosterKind
    city: str
    headers: list[object]
    mapping: dict[str, int]
    today: date
    errors: list[RowError] = field(default_factory=list)
    wide: list[WideColumn] = field(default_factory=list)  # a wide facts roster: one column per indicator
    memo: dict[str, dict[object, object]] = field(default_factory=dict)  # per field: raw cell → outcome
    _titles: dict[tuple[str, str], ResolvedTitle | str] = field(default_factory=dict)
    _readers: dict[str, Callable[[object], object]] = field(default_factory=dict, repr=False)
    _fields: dict[tuple[str, ...], list[tuple[str, dict, Callable]]] = field(default_factory=dict, repr=False)

    def column(self, key: str) -> str:
        idx = self.mapping.get(key)
        if idx is None:
            return ""
        head = text_of(self.headers[idx]) if idx < len(self.headers) else ""
        return f"{column_letter(idx)} {head}".strip()

    def error(self, row: int, key: str, value: object, reason: str) -> None:
        self.errors.append(RowError(row, self.column(key), text_of(value), reason, self.mapping.get(key, -1)))

    def reader(self, key: str) -> Callable[[object], object]:
        if not self._readers:
            self._readers = field_readers(self.kind.key, self.city, self.today)
        return self._readers[key]

    def memo_of(self, key: str) -> dict[object, object]:
        memo = self.memo.get(key)
        if memo is None:
            memo = self.memo[key] = {}
        return memo

    def fields(self, keys: tuple[str, ...]) -> list[tuple[str, dict, Callable]]:
        """(key, memo, reader) of each of ``keys`` the mapping has (not for a wide facts roster)."""
        got = self._fields.get(keys)
        if got is None:
            got = self._fields[keys] = [
                (k, self.memo_of(k), self.reader(k)) for k in keys if k in self.mapping
            ]
        return got

    def forget(self) -> None:
        """Drop the cells remembered while parsing (the plan keeps the context until its commit)."""
        self.memo.clear()
        self._fields.clear()

    def header_unit(self, key: str) -> str:
        idx = self.mapping.get(key)
        return normalize_header(self.headers[idx])[1] if idx is not None and idx < len(self.headers) else ""

    def title(self, text: str, level_text: str) -> ResolvedTitle | str:
        """A resolved title or the Chinese reason it is unknown (cached: rosters repeat titles)."""
        key = (text, level_text)
        hit = self._titles.get(key)
        if hit is None:
            try:
                hit = resolve_title(text, level_text)
            except UnknownTitle as exc:
                hit = str(exc)
            self._titles[key] = hit
        return hit


_SKIP = object()  # the outcome of a blank cell: the row says nothing of this field


def _outcome(raw: object, read: Callable[[object], object]) -> object:
    """What a cell gives: ``_SKIP``, ``(True, value)`` or ``(False, reason)``."""
    if is_blank(raw):
        return _SKIP
    try:
        return (True, read(raw))
    except (CellError, FieldError) as exc:
        return (False, str(exc))


def _take(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], key: str) -> None:
    """Read the cell of ``key`` into the row's values, or record its error; a blank cell gives nothing."""
    raw = cells.get(key)
    if raw is not None:
        _put(ctx, out, key, raw, ctx.memo_of(key), ctx.reader(key))


def _put(
    ctx: ParseContext,
    out: ParsedRow,
    key: str,
    raw: object,
    memo: dict[object, object],
    read: Callable[[object], object],
) -> None:
    """Rosters repeat their values down a column (codes, names, dates, 旗县区, 状态), so a field
    reads each distinct cell value once: the outcome is kept by value (and type: 1, 1.0 and
    True are different cells), and the rows that share it differ only in their row number."""
    mkey = raw if raw.__class__ is str else (raw.__class__, raw)
    hit = memo.get(mkey)
    if hit is None:
        hit = _outcome(raw, read)
        if len(memo) < MEMO_LIMIT:
            memo[mkey] = hit
    if hit is _SKIP:
        return
    if hit[0]:  # type: ignore[index]
        out.values[key] = hit[1]  # type: ignore[index]
    else:
        ctx.error(out.row, key, raw, hit[1])  # type: ignore[index]


def _fields(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], keys: tuple[str, ...]) -> None:
    """``_take`` of each of ``keys`` the roster has, in order."""
    for key, memo, read in ctx.fields(keys):
        raw = cells.get(key)
        if raw is not None:
            _put(ctx, out, key, raw, memo, read)


def _text(raw: object) -> str:
    if raw.__class__ is str and not raw.startswith("#"):  # type: ignore[attr-defined]
        return clean_text(raw)  # the usual cell: neither a formula error nor a number
    check_not_error(raw)
    return clean_text(raw)


def _required(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], *keys: str) -> None:
    for key in keys:
        if key in ctx.mapping and is_blank(cells.get(key)):
            ctx.error(out.row, key, "", f"{ctx.kind.label_of(key)}不能为空")


def _credit(raw: object) -> str:
    code = parse_code(raw, "统一社会信用代码")
    return code if credit_code_ok(code) else check_credit_code(code)


def _idno(raw: object) -> str:
    return check_id_number(parse_code(raw, "身份证号"))


def _date_in_range(today: date) -> Callable[[object], date]:
    return lambda raw: check_date_range(parse_date(raw), today)


def _choice(options: tuple[str, ...], what: str) -> Callable[[object], str]:
    def read(raw: object) -> str:
        value = _text(raw)
        if value not in options:
            raise CellError(f"{what}“{value}”无法识别（可选：{'、'.join(options)}）")
        return value

    return read


def field_readers(kind: str, city: str, today: date) -> dict[str, Callable[[object], object]]:
    """How each field of a roster kind is read from its cell (raises CellError or FieldError)."""
    text_fields = ("industry", "address", "contact", "note", "host_name", "employer_name")
    text_fields += ("doc_number", "subject_name", "platform_name", "item_ref", "reference")
    out: dict[str, Callable[[object], object]] = dict.fromkeys(text_fields, _text)
    out.update(
        credit_code=_credit,
        host_code=_credit,
        employer_code=_credit,
        id_number=_idno,
        district=lambda r: check_district(_text(r), city),
        kind=_choice(UNIT_KINDS, "单位类型"),
        size_class=lambda r: check_size_class(_text(r)),
        phone=lambda r: check_phone(_text(r)),
        bank_name=lambda r: check_bank_name(_text(r)),
        bank_account=lambda r: check_bank_account(_text(r)),
        registered_from=parse_date,
        role=_choice(PERSON_ROLES, "身份"),
        date=_date_in_range(today),
        valid_until=parse_date,
        status=_choice(STATUS_CHOICES, "状态"),
        status_date=_date_in_range(today),
        year=lambda r: parse_year(r, today),
    )
    name = {"units": ("单位名称", 200), "platforms": ("平台名称", 200), "people": ("姓名", 60)}.get(kind)
    if name is not None:
        what, limit = name
        out["name"] = lambda r: check_name(_text(r), what, limit)
    return out


# --- per kind ----------------------------------------------------------------------------

UNIT_READ = (
    "name",
    "credit_code",
    "district",
    "kind",
    "size_class",
    "industry",
    "address",
    "contact",
    "note",
    "phone",
    "bank_name",
    "bank_account",
    "registered_from",
)
PLATFORM_READ = ("name", "host_code", "host_name", "note")
PERSON_READ = (
    "name",
    "id_number",
    "employer_code",
    "employer_name",
    "role",
    "phone",
    "bank_name",
    "bank_account",
    "note",
)
RECOGNITION_READ = (
    "date",
    "valid_until",
    "status",
    "status_date",
    "doc_number",
    "subject_name",
    "platform_name",
    "note",
    "district",
)


def _unit(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    _required(ctx, out, cells, "name", "credit_code")
    _fields(ctx, out, cells, UNIT_READ)


def _platform(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    _required(ctx, out, cells, "name", "title", "host_code")
    _fields(ctx, out, cells, PLATFORM_READ)
    if not is_blank(cells.get("title")):
        _resolve(ctx, out, cells, want=SubjectKind.PLATFORM)


def _person(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    _required(ctx, out, cells, "name", "id_number")
    _fields(ctx, out, cells, PERSON_READ)


def _resolve(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], want: SubjectKind | None) -> object:
    """认定类型 with 级别 and 阶段 into type_id, level, stage and title; returns the subject kind of
    the type, or None when the title is refused. Each distinct combination is read once."""
    t, lv, st = cells.get("title"), cells.get("level"), cells.get("stage")
    mkey = (t.__class__, t, lv.__class__, lv, st.__class__, st)
    memo = ctx.memo_of(_TITLE_MEMO)
    hit = memo.get(mkey)
    if hit is None:
        hit = _read_title(ctx, t, lv, st, want)
        if len(memo) < MEMO_LIMIT:
            memo[mkey] = hit
    values, error, subject = hit  # type: ignore[misc]
    if error is not None:
        ctx.error(out.row, *error)
        return None
    out.values.update(values)
    return subject


_TITLE_MEMO = "\0title"  # not a field key


def _read_title(
    ctx: ParseContext, raw: object, raw_level: object, raw_stage: object, want: SubjectKind | None
) -> tuple[dict[str, object] | None, tuple[str, object, str] | None, object]:
    """(values, None, subject kind) or (None, (column key, cell, reason), None)."""
    texts: dict[str, str] = {}
    for key, cell in (("title", raw), ("level", raw_level), ("stage", raw_stage)):
        try:
            texts[key] = "" if is_blank(cell) else _text(cell)
        except CellError as exc:  # a formula error (#N/A …) in one of the three cells
            return None, (key, cell, str(exc)), None
    title, level, stage = texts["title"], texts["level"], texts["stage"]
    text = f"{title}（{stage}）" if stage and stage not in title else title
    found = ctx.title(text, level)
    if isinstance(found, str):
        return None, ("title", title, found), None
    rtype = builtin_titles().types[found.type_id]
    if want is not None and rtype.subject != want:
        return None, ("title", title, f"“{rtype.name}”不是创新平台类型，请在认定名单中导入"), None
    values = {"type_id": found.type_id, "level": str(found.level.value), "stage": found.stage, "title": title}
    return values, None, rtype.subject


def _recognition(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    _required(ctx, out, cells, "title", "date")
    _fields(ctx, out, cells, RECOGNITION_READ)
    subject = _resolve(ctx, out, cells, want=None) if not is_blank(cells.get("title")) else None
    _subject_code(ctx, out, cells, subject)
    v = out.values
    if "date" in v and v.get("valid_until") and v["valid_until"] < v["date"]:  # type: ignore[operator]
        ctx.error(out.row, "valid_until", cells.get("valid_until"), "有效期截止早于认定日期")
    if v.get("status", "有效") != "有效" and "status_date" not in v:
        ctx.error(
            out.row,
            "status",
            cells.get("status"),
            f"状态为“{v['status']}”时请在“状态日期”列填写{v['status']}日期",
        )


def _subject_code(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], kind: object) -> None:
    """A unit (or a platform's host) by credit code, a person by ID number."""
    has_code, has_id = not is_blank(cells.get("credit_code")), not is_blank(cells.get("id_number"))
    if kind == SubjectKind.PERSON or (kind is None and has_id and not has_code):
        if not has_id:
            ctx.error(out.row, "id_number", "", "该认定的对象是个人，请填写身份证号")
        _take(ctx, out, cells, "id_number")
        return
    if not has_code:
        ctx.error(
            out.row,
            "credit_code",
            "",
            "请填写统一社会信用代码" + ("（平台的依托单位）" if kind == SubjectKind.PLATFORM else ""),
        )
        return
    _take(ctx, out, cells, "credit_code")


def _nearest_indicator(text: str) -> str:
    close = difflib.get_close_matches(text, list(FACT_INDICATORS), n=3, cutoff=0.0)
    return "、".join(close)


def _fact(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    _required(ctx, out, cells, "year", "indicator", "value")
    _subject_code(ctx, out, cells, None)
    for key in ("year", "subject_name", "item_ref", "reference"):
        _take(ctx, out, cells, key)
    raw_ind = cells.get("indicator")
    if is_blank(raw_ind):
        return
    try:
        name = _text(raw_ind).replace(" ", "")
    except CellError as exc:
        ctx.error(out.row, "indicator", raw_ind, str(exc))
        return
    name = FACT_ALIASES.get(name, name)
    if name not in FACT_INDICATORS:
        ctx.error(out.row, "indicator", raw_ind, f"未知指标“{name}”，最接近的是：{_nearest_indicator(name)}")
        return
    out.values["indicator"] = name
    raw = cells.get("value")
    if is_blank(raw):
        return
    form = FACT_INDICATORS[name]
    try:
        if form == CATEGORY:
            out.values["text"] = check_size_class(_text(raw)) if name == "企业规模" else _text(raw)
        elif form == COUNT:
            number, _unit = parse_decimal(raw, "")
            if number != number.to_integral_value() or number <= 0:
                raise CellError(f"{name}应为正整数")
            out.values["value"], out.values["unit_label"] = number, "位"
        else:
            _money(ctx, out, cells, raw)
    except (CellError, FieldError) as exc:
        ctx.error(out.row, "value", raw, str(exc))


def _money(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], raw: object) -> None:
    unit = ""
    raw_unit = cells.get("unit_label")
    if not is_blank(raw_unit):
        try:
            unit = _text(raw_unit).replace(" ", "")
        except CellError as exc:
            ctx.error(out.row, "unit_label", raw_unit, str(exc))
            return
        unit = {"万": "万元", "元人民币": "元"}.get(unit, unit)
        if unit not in MONEY_UNITS:
            ctx.error(out.row, "unit_label", raw_unit, "金额单位只能是“万元”或“元”")
            return
    unit = unit or ctx.header_unit("value")
    number, cell_unit = parse_decimal(raw, unit)
    if not cell_unit:
        raise CellError("未注明金额单位：请填写“单位”列（万元或元），或在表头写明“数值（万元）”")
    if number < 0:
        raise CellError("金额不能为负数")
    out.values["value"] = to_yuan(number, cell_unit)
    out.values["unit_label"] = "元"


PARSERS: dict[str, Callable[[ParseContext, ParsedRow, dict[str, object]], None]] = {
    "units": _unit,
    "platforms": _platform,
    "people": _person,
    "recognitions": _recognition,
    "facts": _fact,
}


def parse_rows(ctx: ParseContext, rows: list[list[object]], first: int, progress) -> list[ParsedRow]:  # noqa: ANN001
    """Parse the data rows ``rows[first:]``; blank rows are skipped."""
    parse = PARSERS[ctx.kind.key]
    items = list(ctx.mapping.items())
    out: list[ParsedRow] = []
    total = len(rows) - first
    progress.set_total(total)
    for n, i in enumerate(range(first, len(rows))):
        if n % PROGRESS_EVERY == 0:
            progress.set_value(n)
            progress.check()
        row = rows[i]
        width = len(row)
        cells = {k: row[j] for k, j in items if j < width}
        if set(cells.values()) <= _BLANK or is_example(row):
            continue
        if ctx.wide:
            out.extend(_wide_row(ctx, i + 1, row, cells))
            continue
        parsed = ParsedRow(i + 1)
        parse(ctx, parsed, cells)
        out.append(parsed)
    progress.set_value(total)
    ctx.forget()
    return out


def _wide_row(ctx: ParseContext, number: int, row: list[object], cells: dict[str, object]) -> list[ParsedRow]:
    """One fact per filled indicator column of a wide roster, each read as a long-format row."""
    base = ctx.mapping
    out = []
    try:
        for col in ctx.wide:
            raw = row[col.index] if col.index < len(row) else ""
            if is_blank(raw):
                continue
            one = dict(cells, indicator=col.indicator, value=raw)  # the money unit comes from the header
            if col.year is not None:  # “2022年…” in the header is more precise than a 年度 column
                one["year"] = col.year
            # errors of this fact point at the indicator's own column
            ctx.mapping = {**base, "indicator": col.index, "value": col.index}
            parsed = ParsedRow(number)
            _fact(ctx, parsed, one)
            out.append(parsed)
    finally:
        ctx.mapping = base
    return out


def is_example(row: list[object]) -> bool:
    """The template's example row (its first text cell starts with “（示例）”) is never imported."""
    for cell in row:
        if isinstance(cell, str) and cell.strip():
            return cell.strip().startswith(EXAMPLE_MARK)
    return False
