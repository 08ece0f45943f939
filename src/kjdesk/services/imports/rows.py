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
)
from kjdesk.io.excel_in import column_letter
from kjdesk.io.roster_schema import (
    CATEGORY,
    CONDITION_PREFIX,
    COUNT,
    EXAMPLE_MARK,
    FACT_ALIASES,
    FACT_INDICATORS,
    MONEY_UNITS,
    RosterKind,
    WideColumn,
    normalize_header,
    refused_indicator,
)
from kjdesk.money import amount_in_yuan, normalise_unit
from kjdesk.policy.conditions import ATTRIBUTES, RECOGNITION_ATTRIBUTES, UNIT_ATTRIBUTES
from kjdesk.policy.model import Level, SubjectKind
from kjdesk.policy.titles import (
    LevelNotAllowed,
    MissingLevel,
    ResolvedTitle,
    UnknownTitle,
    builtin_titles,
    resolve_title,
)
from kjdesk.policy.titles import normalize as normalize_title
from kjdesk.safe_text import control_message, excerpt, safe_cell, safe_message
from kjdesk.validation import (
    FieldError,
    check_credit_code,
    check_id_number,
    check_name,
    check_phone,
    id_number_ok,
    looks_like_credit_code,
    mask_id_number,
)
from kjdesk.vocab import SIZES, Remembered, level_wording, title_wording, vocabulary

ID_KEYS = frozenset({"id_number"})
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
    suggestion: str = ""  # the likely right value (建议修改), "" when there is none to offer

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
    remembered: Remembered = field(default_factory=dict)  # wordings the bureau has answered (vocab.py)
    notes: list[RowError] = field(default_factory=list)  # accepted, but the officer should know
    # values given once for the whole list (认定类型, 级别, 认定日期, 文号) where it has no such column
    defaults: dict[str, object] = field(default_factory=dict)
    # remembered wordings of recognition types: normalized wording → (type_id, level)
    title_answers: dict[str, tuple[str, str]] = field(default_factory=dict)
    _titles: dict[tuple[str, str], ResolvedTitle | UnknownTitle] = field(default_factory=dict)
    _readers: dict[str, Callable[[object], object]] = field(default_factory=dict, repr=False)
    _fields: dict[tuple[str, ...], list[tuple[str, dict, Callable]]] = field(default_factory=dict, repr=False)
    # the kind's plain fields read a column at a time (``read_columns``): the keys, (key, outcome of
    # each data row), and the data row being parsed
    _pre_keys: tuple[str, ...] | None = field(default=None, repr=False)
    _pre: list[tuple[str, list[object]]] = field(default_factory=list, repr=False)
    _at: int = field(default=0, repr=False)

    def column(self, key: str) -> str:
        idx = self.mapping.get(key)
        if idx is None:
            return ""
        head = text_of(self.headers[idx]) if idx < len(self.headers) else ""
        return f"{column_letter(idx)} {head}".strip()

    def error(self, row: int, key: str, value: object, reason: str, suggestion: str = "") -> None:
        # an error list never carries a whole 身份证号, a control character or a whole long cell
        shown = safe_cell(text_of(value))
        if key in ID_KEYS and len(shown) >= 10:  # shorter text (#VALUE!, 1.5e+17) is no ID number
            shown = mask_id_number(shown) if len(shown) <= 18 else excerpt(shown, 6)
        self.errors.append(
            RowError(
                row, self.column(key), shown, safe_message(reason), self.mapping.get(key, -1), suggestion
            )
        )

    def note(self, row: int, key: str, value: object, reason: str) -> None:
        self.notes.append(RowError(row, self.column(key), text_of(value), reason, self.mapping.get(key, -1)))

    def reader(self, key: str) -> Callable[[object], object]:
        if not self._readers:
            self._readers = field_readers(self.kind.key, self.city, self.today, self.remembered)
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
                (k, self.memo_of(k), self.reader(k)) for k in keys if k in self.mapping or k in self.defaults
            ]
        return got

    def forget(self) -> None:
        """Drop the cells remembered while parsing (the plan keeps the context until its commit)."""
        self.memo.clear()
        self._fields.clear()
        self._pre_keys, self._pre = None, []

    def header_unit(self, key: str) -> str:
        idx = self.mapping.get(key)
        return normalize_header(self.headers[idx])[1] if idx is not None and idx < len(self.headers) else ""

    def title(self, text: str, level_text: str) -> ResolvedTitle | UnknownTitle:
        """A resolved title or why it is refused (cached: rosters repeat titles)."""
        key = (text, level_text)
        hit = self._titles.get(key)
        if hit is None:
            try:
                hit = resolve_title(text, level_text)
            except UnknownTitle as exc:
                hit = exc
                answered = self.title_answers.get(normalize_title(text)) if self.title_answers else None
                if answered is not None:  # a wording the officer explained on an earlier list
                    hit = _answered_title(answered, level_text, exc)
            self._titles[key] = hit
        return hit


def _answered_title(
    answer: tuple[str, str], level_text: str, refused: UnknownTitle
) -> ResolvedTitle | UnknownTitle:
    type_id, level = answer
    rtype = builtin_titles().types.get(type_id)
    if rtype is None:
        return refused
    try:
        return resolve_title(
            rtype.name, level_text or (level + ("级" if level in ("国家", "自治区") else ""))
        )
    except UnknownTitle as exc:
        return exc


_SKIP = object()  # the outcome of a blank cell: the row says nothing of this field


def _outcome(raw: object, read: Callable[[object], object]) -> object:
    """What a cell gives: ``_SKIP``, ``(True, value)`` or ``(False, reason)``."""
    if is_blank(raw):
        return _SKIP
    if raw.__class__ is str and (bad := control_message(raw)) is not None:  # type: ignore[arg-type]
        return (False, bad, "")
    try:
        return (True, read(raw))
    except (CellError, FieldError) as exc:
        return (False, str(exc), getattr(exc, "suggestion", ""))


def _take(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], key: str) -> None:
    """Read the cell of ``key`` into the row's values, or record its error; a blank cell gives nothing."""
    raw = cells.get(key)
    if raw is not None:
        hit = _peek(ctx, key, raw)
        if hit is not _SKIP:
            _apply(ctx, out, key, raw, hit)


def _apply(ctx: ParseContext, out: ParsedRow, key: str, raw: object, hit: object) -> None:
    """A looked-up outcome (``_peek``) put on the row: its value, or its error."""
    if hit[0]:  # type: ignore[index]
        out.values[key] = hit[1]  # type: ignore[index]
    else:
        ctx.error(out.row, key, raw, hit[1], hit[2])  # type: ignore[index]


def _fields(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], keys: tuple[str, ...]) -> None:
    """``_take`` of each of ``keys`` the roster has, in order."""
    values = out.values
    if keys is ctx._pre_keys:  # read a column at a time already: this row's outcome of each
        at = ctx._at
        for key, outcomes in ctx._pre:
            hit = outcomes[at]
            if hit is _SKIP:
                continue
            if hit[0]:  # type: ignore[index]
                values[key] = hit[1]  # type: ignore[index]
            else:
                ctx.error(out.row, key, cells.get(key), hit[1], hit[2])  # type: ignore[index]
        return
    for key, memo, read in ctx.fields(keys):
        raw = cells.get(key)
        if raw is None:
            continue
        # _peek and _apply, written out: this runs for every field of every row
        mkey = raw if raw.__class__ is str else (raw.__class__, raw)
        hit = memo.get(mkey)
        if hit is None:
            hit = _outcome(raw, read)
            if len(memo) < MEMO_LIMIT:
                memo[mkey] = hit
        if hit is _SKIP:
            continue
        if hit[0]:  # type: ignore[index]
            values[key] = hit[1]  # type: ignore[index]
        else:
            ctx.error(out.row, key, raw, hit[1], hit[2])  # type: ignore[index]


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


def _cert(raw: object) -> str:
    """证书编号 / 入库登记编号: letters and digits, as a code is read (no spaces, upper case)."""
    text = parse_code(raw, "证书编号")
    if len(text) > 60:
        raise CellError("证书编号过长（超过 60 个字符）")
    return text


def _idno(raw: object) -> str:
    return check_id_number(parse_code(raw, "身份证号"))


class _IdInCodeColumn(str):
    """A valid 身份证号 found in a 统一社会信用代码 column (the row is a person's)."""


class _CodeInIdColumn(str):
    """A valid 统一社会信用代码 found in a 身份证号 column (the row is a unit's)."""


def _subject_credit(raw: object) -> str:
    """The subject's code column of a recognitions or facts roster: a person's ID number there is
    recognised as what it is (the row then reads as the person's, with a note)."""
    code = parse_code(raw, "统一社会信用代码")
    if credit_code_ok(code):
        return code
    try:
        return check_credit_code(code)
    except FieldError:
        if id_number_ok(code):
            return _IdInCodeColumn(code)
        raise


def _subject_idno(raw: object) -> str:
    number = parse_code(raw, "身份证号")
    try:
        return check_id_number(number, recognise=False)
    except FieldError:
        if looks_like_credit_code(number):
            return _CodeInIdColumn(number)
        raise


def _date_in_range(today: date) -> Callable[[object], date]:
    return lambda raw: check_date_range(parse_date(raw), today)


class _Size(str):
    """A size class read from a wording that is not the class itself (``written``: 中型企业)."""

    written: str


def _size(remembered: Remembered) -> Callable[[object], str]:
    answers = remembered.get("size_class")

    def read(raw: object) -> str:
        reading = SIZES.reading(_text(raw), answers)
        if not reading.reworded:
            return reading.value
        value = _Size(reading.value)
        value.written = reading.written
        return value

    return read


def _choice(key: str, city: str, remembered: Remembered) -> Callable[[object], str]:
    """A closed list read through its vocabulary (synonyms, then the remembered answers)."""
    vocab, answers = vocabulary(key, city), remembered.get(key)
    return lambda raw: vocab.read(_text(raw), answers)


def _one_of(options: tuple[str, ...], what: str) -> Callable[[object], str]:
    """A recorded condition (D14): exactly one of its choices."""

    def read(raw: object) -> str:
        value = _text(raw)
        if value not in options:
            raise CellError(f"{what}“{value}”无法识别（可选：{'、'.join(options)}）")
        return value

    return read


def field_readers(
    kind: str, city: str, today: date, remembered: Remembered | None = None
) -> dict[str, Callable[[object], object]]:
    """How each field of a roster kind is read from its cell (raises CellError or FieldError)."""
    remembered = remembered or {}
    text_fields = ("industry", "address", "contact", "note", "host_name", "employer_name")
    text_fields += ("doc_number", "evidence", "subject_name", "platform_name", "item_ref", "reference")
    out: dict[str, Callable[[object], object]] = dict.fromkeys(text_fields, _text)
    out.update(
        credit_code=_credit,
        host_code=_credit,
        employer_code=_credit,
        id_number=_idno,
        district=_choice("district", city, remembered),
        kind=_choice("unit_kind", city, remembered),
        size_class=_size(remembered),
        phone=lambda r: check_phone(_text(r)),
        bank_name=lambda r: check_bank_name(_text(r)),
        bank_account=lambda r: check_bank_account(_text(r)),
        registered_from=parse_date,
        role=_choice("role", city, remembered),
        date=_date_in_range(today),
        valid_until=parse_date,
        status=_choice("status", city, remembered),
        status_date=_date_in_range(today),
        year=lambda r: parse_year(r, today),
        cert_number=_cert,
    )
    for a in ATTRIBUTES:  # D14: recorded conditions, one of the attribute's choices
        out[f"{CONDITION_PREFIX}{a.key}"] = _one_of(a.choices, a.label)
    if kind in ("recognitions", "facts"):  # the subject may be a unit or a person
        out.update(credit_code=_subject_credit, id_number=_subject_idno)
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
    *(f"{CONDITION_PREFIX}{a.key}" for a in UNIT_ATTRIBUTES),
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
    "evidence",
    "subject_name",
    "platform_name",
    "note",
    "district",
    *(f"{CONDITION_PREFIX}{a.key}" for a in RECOGNITION_ATTRIBUTES),
    "cert_number",
)


def _unit(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    _required(ctx, out, cells, "name", "credit_code")
    _fields(ctx, out, cells, UNIT_READ)
    size = out.values.get("size_class")
    if size is not None:  # 中型企业 is read as 其他企业; the written size is kept beside it
        out.values["size_written"] = size.written if size.__class__ is _Size else ""
        out.values["size_class"] = str(size)


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
        ctx.error(out.row, *error)  # (key, cell, reason, suggestion)
        return None
    out.values.update(values)
    return subject


_TITLE_MEMO = "\0title"  # not a field key


def _read_title(
    ctx: ParseContext, raw: object, raw_level: object, raw_stage: object, want: SubjectKind | None
) -> tuple[dict[str, object] | None, tuple[str, object, str, str] | None, object]:
    """(values, None, subject kind) or (None, (column key, cell, reason, suggestion), None)."""
    texts: dict[str, str] = {}
    for key, cell in (("title", raw), ("level", raw_level), ("stage", raw_stage)):
        try:
            texts[key] = "" if is_blank(cell) else _text(cell)
        except CellError as exc:  # a formula error (#N/A …) in one of the three cells
            return None, (key, cell, str(exc), ""), None
    title, level, stage = texts["title"], texts["level"], texts["stage"]
    title = title_wording(title, ctx.remembered.get("title"))  # a wording the bureau has answered
    if level:
        level = level_wording(level, ctx.remembered.get("level"))  # 省级 → 自治区级, 市本级 → 市级
    text = f"{title}（{stage}）" if stage and stage not in title else title
    found = ctx.title(text, level)
    level_open = isinstance(found, MissingLevel) and want == SubjectKind.PLATFORM and not level
    if level_open:  # a platform roster may leave 级别 out: the level comes from its recognitions
        found = _levelless(ctx, text, found)
    if isinstance(found, UnknownTitle):
        hint = _title_hint(found, text, level)
        if str(found).startswith("无法识别的级别") and "level" in ctx.mapping:  # the 级别 cell is at fault
            return None, ("level", raw_level, str(found), hint), None
        return None, ("title", texts["title"], str(found), hint), None
    rtype = builtin_titles().types[found.type_id]
    if want is not None and rtype.subject != want:
        return (
            None,
            ("title", texts["title"], f"“{rtype.name}”不是创新平台类型，请在认定名单中导入", ""),
            None,
        )
    values = {
        "type_id": found.type_id,
        "level": str(found.level.value),
        "stage": found.stage,
        "title": texts["title"],
    }
    if level_open:
        values["level_open"] = True  # the platform's level is left to its recognitions
    return values, None, rtype.subject


def _title_hint(refused: UnknownTitle, text: str, level: str) -> str:
    """建议修改 for a refused title: the nearest known title, or the accepted wording of the level."""
    if isinstance(refused, MissingLevel):
        return "在“级别”列填写国家级、自治区级或市级"
    if str(refused).startswith("无法识别的级别"):
        return vocabulary("level").suggest(level)
    if isinstance(refused, LevelNotAllowed):
        return ""
    nearest = builtin_titles().nearest(text, 1)
    return nearest[0] if nearest else ""


def _levelless(ctx: ParseContext, text: str, missing: UnknownTitle) -> ResolvedTitle | UnknownTitle:
    """A platform type given without its level: its type and stage, the level left empty."""
    for level in ("国家级", "自治区级", "市级"):
        found = ctx.title(text, level)
        if isinstance(found, ResolvedTitle):
            return ResolvedTitle(found.type_id, Level.NONE, found.stage)
    return missing


def _recognition(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    _required(ctx, out, cells, "title", "date")
    _fields(ctx, out, cells, RECOGNITION_READ)
    subject = _resolve(ctx, out, cells, want=None) if not is_blank(cells.get("title")) else None
    _subject_code(ctx, out, cells, subject)
    v = out.values
    if "date" in v and v.get("valid_until") and v["valid_until"] < v["date"]:  # type: ignore[operator]
        ctx.error(out.row, "valid_until", cells.get("valid_until"), "有效期截止早于认定日期")
    if v.get("status") == "过期" and "status_date" not in v:
        _expired_on(ctx, out, cells)
    elif v.get("status", "有效") != "有效" and "status_date" not in v:
        ctx.error(
            out.row,
            "status",
            cells.get("status"),
            f"状态为“{v['status']}”时请在“状态日期”列填写{v['status']}日期",
        )


def _expired_on(ctx: ParseContext, out: ParsedRow, cells: dict[str, object]) -> None:
    """状态 过期 without 状态日期: it expired on its 有效期至 (written, or the type's term from its date)."""
    v = out.values
    until = v.get("valid_until")
    if until is None and "date" in v and "type_id" in v:
        years = builtin_titles().types[v["type_id"]].valid_years  # type: ignore[index]
        if years:
            until = _add_years(v["date"], years)  # type: ignore[arg-type]
    if until is not None:
        v["status_date"] = until
        ctx.note(
            out.row,
            "status",
            cells.get("status"),
            f"状态“过期”未填状态日期，按有效期至 {until.isoformat()} 记为过期日期",
        )
    else:
        ctx.note(
            out.row, "status", cells.get("status"), "状态“过期”未填状态日期，也不知有效期至；状态日期留空"
        )


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _peek(ctx: ParseContext, key: str, raw: object) -> object:
    """The outcome of a cell without recording it on the row.

    Rosters repeat their values down a column (codes, names, dates, 旗县区, 状态), so a field
    reads each distinct cell value once: the outcome is kept by value (and type: 1, 1.0 and
    True are different cells), and the rows that share it differ only in their row number."""
    memo = ctx.memo_of(key)
    mkey = raw if raw.__class__ is str else (raw.__class__, raw)
    hit = memo.get(mkey)
    if hit is None:
        hit = _outcome(raw, ctx.reader(key))
        if len(memo) < MEMO_LIMIT:
            memo[mkey] = hit
    return hit


def _recast(ctx: ParseContext, out: ParsedRow, key: str, value: str, kind: object) -> None:
    """An ID number in the code column, or a credit code in the ID column, read as what it is
    (with a note), or refused when the recognition type wants the other kind of subject."""
    if value.__class__ is _IdInCodeColumn:
        if kind not in (None, SubjectKind.PERSON):
            ctx.error(
                out.row,
                key,
                value,
                f"“{value}”是身份证号，不是统一社会信用代码；该认定的对象是单位，请填写统一社会信用代码",
            )
            return
        out.values["id_number"] = str(value)
        ctx.note(out.row, key, value, "统一社会信用代码列中是身份证号，已按个人（身份证号）读取")
        return
    if kind == SubjectKind.PERSON:
        ctx.error(
            out.row,
            key,
            value,
            f"“{value}”是统一社会信用代码，不是身份证号；该认定的对象是个人，请填写身份证号",
        )
        return
    out.values["credit_code"] = str(value)
    ctx.note(out.row, key, value, "身份证号列中是统一社会信用代码，已按单位（统一社会信用代码）读取")


_RECAST = (_IdInCodeColumn, _CodeInIdColumn)


def _subject_code(ctx: ParseContext, out: ParsedRow, cells: dict[str, object], kind: object) -> None:
    """A unit (or a platform's host) by credit code, a person by ID number.

    When only one of the two columns is filled, its cell is looked up once: an ID number in the
    code column (or a credit code in the ID column) is read as what it is (``_recast``)."""
    raw_code, raw_id = cells.get("credit_code"), cells.get("id_number")
    has_code, has_id = not is_blank(raw_code), not is_blank(raw_id)
    if has_code and not has_id and kind != SubjectKind.PERSON:  # the usual row: a unit's code
        memo = ctx.memo_of("credit_code")
        mkey = raw_code if raw_code.__class__ is str else (raw_code.__class__, raw_code)
        hit = memo.get(mkey)
        if hit is None:
            hit = _outcome(raw_code, ctx.reader("credit_code"))
            if len(memo) < MEMO_LIMIT:
                memo[mkey] = hit
        if not hit[0]:  # type: ignore[index]
            ctx.error(out.row, "credit_code", raw_code, hit[1], hit[2])  # type: ignore[index]
        elif hit[1].__class__ in _RECAST:  # type: ignore[index]
            _recast(ctx, out, "credit_code", hit[1], kind)  # type: ignore[index]
        else:
            out.values["credit_code"] = hit[1]  # type: ignore[index]
        return
    if has_code != has_id:
        key, raw = ("credit_code", raw_code) if has_code else ("id_number", raw_id)
        hit = _peek(ctx, key, raw)
        if hit[0] and hit[1].__class__ in _RECAST:  # type: ignore[index]
            _recast(ctx, out, key, hit[1], kind)  # type: ignore[index]
            return
        if has_code and kind != SubjectKind.PERSON:
            _apply(ctx, out, key, raw, hit)
            return
        if has_id and kind in (None, SubjectKind.PERSON):
            _apply(ctx, out, key, raw, hit)
            return
    if kind == SubjectKind.PERSON or (kind is None and has_id and not has_code):
        if not has_id:
            ctx.error(out.row, "id_number", "", "该认定的对象是个人，请填写身份证号")
        _take(ctx, out, cells, "id_number")
        return
    if not has_code:
        if kind in (SubjectKind.UNIT, SubjectKind.PLATFORM) and not is_blank(cells.get("subject_name")):
            return  # a published list names its units: matched to the register by name (import_names)
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
    refusal = refused_indicator(name)
    if refusal:
        ctx.error(out.row, "indicator", raw_ind, refusal)
        return
    if name not in FACT_INDICATORS:
        nearest = _nearest_indicator(name)
        ctx.error(
            out.row, "indicator", raw_ind, f"未知指标“{name}”，最接近的是：{nearest}", nearest.split("、")[0]
        )
        return
    out.values["indicator"] = name
    raw = cells.get("value")
    if is_blank(raw):
        return
    form = FACT_INDICATORS[name]
    try:
        if form == CATEGORY:
            out.values["text"] = (
                SIZES.read(_text(raw), ctx.remembered.get("size_class")) if name == "企业规模" else _text(raw)
            )
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
        unit = normalise_unit(unit) or unit
        if unit not in MONEY_UNITS:
            ctx.error(out.row, "unit_label", raw_unit, "金额单位只能是“万元”或“元”")
            return
    unit = unit or ctx.header_unit("value")
    number, cell_unit = parse_decimal(raw, unit)
    if not cell_unit:
        raise CellError("未注明金额单位：请填写“单位”列（万元或元），或在表头写明“数值（万元）”")
    if number < 0:
        raise CellError("金额不能为负数")
    out.values["value"] = amount_in_yuan(number, cell_unit)
    out.values["unit_label"] = "元"


PARSERS: dict[str, Callable[[ParseContext, ParsedRow, dict[str, object]], None]] = {
    "units": _unit,
    "platforms": _platform,
    "people": _person,
    "recognitions": _recognition,
    "facts": _fact,
}


PLAIN_FIELDS = {
    "units": UNIT_READ,
    "platforms": PLATFORM_READ,
    "people": PERSON_READ,
    "recognitions": RECOGNITION_READ,
}
_NONE = type(None)


def read_columns(ctx: ParseContext, rows: list[list[object]], first: int) -> None:
    """Read the kind's plain fields a column at a time: each distinct cell value of a column once
    (as ``_put`` would, by value and type), the outcome of every data row kept in a list that
    ``_fields`` indexes. The cell of a row is what ``parse_rows`` gives it (the whole-list value
    where the row has no cell)."""
    keys = PLAIN_FIELDS.get(ctx.kind.key)
    if keys is None or ctx.wide:
        return
    data = rows[first:]
    pre = []
    for key, _memo, read in ctx.fields(keys):
        j, default = ctx.mapping.get(key), ctx.defaults.get(key)
        column = [default] * len(data) if j is None else [row[j] if j < len(row) else default for row in data]
        pre.append((key, _column_outcomes(column, read)))
    ctx._pre_keys, ctx._pre = keys, pre


def _column_outcomes(column: list[object], read: Callable[[object], object]) -> list[object]:
    kinds = set(map(type, column))
    kinds.discard(_NONE)
    if len(kinds) <= 1:  # one type: equal values are equal cells
        table = {raw: _SKIP if raw is None else _outcome(raw, read) for raw in dict.fromkeys(column)}
        return list(map(table.__getitem__, column))
    # several types: 1, 1.0 and True are different cells
    keyed = list(zip(map(type, column), column, strict=True))
    table = {k: _SKIP if k[1] is None else _outcome(k[1], read) for k in dict.fromkeys(keyed)}
    return list(map(table.__getitem__, keyed))


def parse_rows(ctx: ParseContext, rows: list[list[object]], first: int, progress) -> list[ParsedRow]:  # noqa: ANN001
    """Parse the data rows ``rows[first:]``; blank rows are skipped."""
    parse = PARSERS[ctx.kind.key]
    read_columns(ctx, rows, first)
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
        if ctx.defaults:  # whole-list values, only where the list has no column of its own
            for key, value in ctx.defaults.items():
                cells.setdefault(key, value)
        if ctx.wide:
            out.extend(_wide_row(ctx, i + 1, row, cells))
            continue
        parsed = ParsedRow(i + 1)
        ctx._at = i - first
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
