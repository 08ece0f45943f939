"""The layout of a roster before it is checked: its sheets, header row, kind and column mapping.

The import wizard shows this to the officer (pick the sheet, correct the mapping) before the
dry run; ``preview`` starts from the same reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kjdesk.io.cells import text_of
from kjdesk.io.excel_in import (
    RosterFileError,
    RosterTable,
    column_letter,
    list_sheets,
    preferred_sheet,
    read_roster,
)
from kjdesk.io.roster_schema import KINDS, RosterKind, detect_kind, match_headers
from kjdesk.io.roster_title import title_text
from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.services.imports.whole import TitleGuess, guess_from_title, missing_whole

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class RosterLayout:
    path: Path
    kind: str
    kind_label: str
    sheet: str
    sheets: list[str]
    header_row: int  # spreadsheet row number of the header
    headers: list[str]  # "C 认定日期" for each column
    mapping: dict[str, int]  # the automatic mapping: field key → column index
    fields: list[tuple[str, str, bool]]  # (key, label, required) of the kind
    samples: list[list[str]] = field(default_factory=list)  # the first data rows, as text
    title: str = ""  # the list's title above its header (“2024年第一批高新技术企业名单”), "" when none
    guess: TitleGuess = field(default_factory=TitleGuess)  # type, level, year the title suggests
    whole: list[str] = field(default_factory=list)  # whole-list fields with no column (认定名单)


def sheet_names(path: str | Path) -> list[str]:
    """The visible worksheets of a workbook (one for a CSV)."""
    path = Path(path)
    if not path.is_file():
        raise ServiceError(f"找不到文件：{path}")
    try:
        return list_sheets(path)
    except RosterFileError as exc:
        raise ServiceError(str(exc)) from exc


def sheet_choice(path: str | Path) -> tuple[list[str], str | None]:
    """The sheets (a Word document's tables) and the one to offer first (None: the first)."""
    names = sheet_names(path)
    try:
        return names, preferred_sheet(Path(path))
    except RosterFileError:
        return names, None  # no table has a header: the officer picks one and names the header row


def read_layout(
    path: Path, kind: str | None, sheet: str | None, header_row: int | None, progress: Progress
) -> tuple[RosterKind, RosterTable, RosterLayout]:
    if not path.is_file():
        raise ServiceError(f"找不到文件：{path}")
    progress.set_status("正在读取文件")
    try:
        table = read_roster(path, sheet, progress.check, header_row)
    except RosterFileError as exc:
        raise ServiceError(str(exc)) from exc
    headers = table.headers
    title = table.title or title_text(table.rows, table.header_row)  # a Word table's title paragraph first
    guess = guess_from_title(title)
    if kind is None:
        roster = detect_kind(headers) or _published_list(headers, guess)
        if roster is None:
            raise ServiceError(
                "无法判断名单类型：表头既不像单位、平台、人员名录，也不像认定名单或年度数据。"
                "请指定类型（units / platforms / people / recognitions / facts）"
            )
    elif kind in KINDS:
        roster = KINDS[kind]
    else:
        raise ServiceError(f"未知名单类型“{kind}”，可选：{'、'.join(KINDS)}")
    first = table.first_data
    mapping = match_headers(roster, headers)
    samples = [[text_of(c) for c in row] for row in table.rows[first : first + SAMPLE_ROWS]]
    layout = RosterLayout(
        path=path,
        kind=roster.key,
        kind_label=roster.label,
        sheet=table.sheet,
        sheets=table.sheets,
        header_row=table.header_row + 1,
        headers=[f"{column_letter(i)} {text_of(h)}".strip() for i, h in enumerate(headers)],
        mapping=mapping,
        fields=[(c.key, c.label, c.required) for c in roster.columns],
        samples=samples,
        title=title,
        guess=guess,
        whole=missing_whole(roster.key, mapping),
    )
    return roster, table, layout


def _published_list(headers: list[object], guess: TitleGuess) -> RosterKind | None:
    """A list of names under a title naming a recognition type, or with certificate numbers."""
    found = match_headers(KINDS["recognitions"], headers)
    if "subject_name" in found and (guess.title or "cert_number" in found):
        return KINDS["recognitions"]
    return None


def inspect_roster(
    path: str | Path,
    kind: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    progress: Progress | None = None,
) -> RosterLayout:
    """Read a roster's sheet far enough to show its header, kind and automatic column mapping."""
    return read_layout(Path(path), kind, sheet, header_row, progress or NullProgress())[2]
