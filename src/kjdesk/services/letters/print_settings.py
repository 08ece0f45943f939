"""The bureau's print settings: letter layout, header texts, 版记, 套打 offset, fonts by role.

They are bureau settings (the same for every PC), kept with the others in the ``settings``
table, declared once here with their label, default and check, changed only through
``set_print_setting`` (audited) and read as one ``PrintSettings``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kjdesk.io.fonts import ROLE_LABELS as ROLE_LABELS  # offered to the window and the command line
from kjdesk.io.fonts import FontChoices, LetterFonts, NoFontFound, find_letter_fonts
from kjdesk.io.fonts import installed_families as installed_families
from kjdesk.io.letter_layout import FILE, LAYOUTS, LETTER, LetterLayout

__all__ = ["FILE", "LAYOUTS", "LETTER", "ROLE_LABELS", "installed_families", "letter_fonts", "number_of"]
from kjdesk.services.core.app import App, Changes, ServiceError, require_writable
from kjdesk.services.core.settings import Bureau, read_settings, require_bureau, write_setting

CHANGES = Changes(settings=True)
MAX_OFFSET_MM = 30.0


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in options:
            raise ValueError(f"只能是：{'、'.join(options)}")
        return value

    return check


def _offset(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("应为毫米数，如 1.5 或 -2") from None
    if abs(number) > MAX_OFFSET_MM:
        raise ValueError(f"偏移不能超过 ±{MAX_OFFSET_MM:g} 毫米")
    return f"{number:g}"


def _text(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = " ".join(value.split())
        if len(value) > limit:
            raise ValueError(f"不超过 {limit} 个字")
        return value

    return check


def _pattern(value: str) -> str:
    value = value.strip()
    try:
        value.format(year=2026, seq=1)
    except (KeyError, IndexError, ValueError):
        raise ValueError("只能使用 {year} 和 {seq}，例如 包科字〔{year}〕{seq}号") from None
    if "{seq}" not in value:
        raise ValueError("须含 {seq}（当年序号）")
    return value


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    check: Callable[[str], str]
    help: str = ""


OPTIONS: tuple[Option, ...] = (
    Option(
        "letter_layout",
        "通知书版式",
        _choice(LAYOUTS),
        "文件（红头文件格式）、信函（信函格式）或 套打（预印红头纸）",
    ),
    Option("letter_organ", "发文机关标志", _text(40), "红头上的机关名称；文件格式自动加“文件”二字"),
    Option("letter_pattern", "发文字号格式", _pattern, "如 包科字〔{year}〕{seq}号"),
    Option("letter_cc", "抄送机关", _text(200), "用顿号分隔；留空则不印抄送"),
    Option(
        "letter_printer", "印发机关", _text(40), "如 包头市科学技术局办公室；留空则不印印发机关和印发日期"
    ),
    Option("letter_preprinted", "套打底版", _choice((FILE, LETTER)), "预印纸的版头：文件 或 信函"),
    Option("letter_offset_x_mm", "套打偏移（向右，毫米）", _offset, "负数为向左"),
    Option("letter_offset_y_mm", "套打偏移（向下，毫米）", _offset, "负数为向上"),
    Option("font_title", "标题字体", _text(60), "字体的名称，如 方正小标宋简体；留空自动选择"),
    Option("font_body", "正文字体", _text(60), "如 仿宋_GB2312、仿宋"),
    Option("font_heading", "小标题字体", _text(60), "如 黑体、楷体_GB2312"),
    Option("font_number", "页码字体", _text(60), "如 宋体"),
    Option("sheet_font", "表格字体", _text(60), "Excel 表格所用字体，如 宋体、仿宋_GB2312"),
)
BY_KEY = {o.key: o for o in OPTIONS}
BY_LABEL = {o.label: o for o in OPTIONS}


@dataclass(frozen=True)
class PrintSettings:
    layout: LetterLayout
    fonts: FontChoices
    letter_pattern: str
    sheet_font: str

    def values(self) -> dict[str, str]:
        lay, f = self.layout, self.fonts
        return {
            "letter_layout": lay.kind,
            "letter_organ": lay.organ,
            "letter_pattern": self.letter_pattern,
            "letter_cc": lay.cc,
            "letter_printer": lay.printer,
            "letter_preprinted": lay.preprinted,
            "letter_offset_x_mm": f"{lay.offset_x_mm:g}",
            "letter_offset_y_mm": f"{lay.offset_y_mm:g}",
            "font_title": f.title,
            "font_body": f.body,
            "font_heading": f.heading,
            "font_number": f.number,
            "sheet_font": self.sheet_font,
        }


def print_settings_from(values: dict[str, str], bureau: Bureau) -> PrintSettings:
    def num(key: str) -> float:
        try:
            return float(values.get(key) or 0)
        except ValueError:
            return 0.0

    kind = values.get("letter_layout") or FILE
    layout = LetterLayout(
        kind=kind if kind in LAYOUTS else FILE,
        organ=values.get("letter_organ") or bureau.name,
        cc=values.get("letter_cc", ""),
        printer=values.get("letter_printer", ""),
        offset_x_mm=num("letter_offset_x_mm"),
        offset_y_mm=num("letter_offset_y_mm"),
        preprinted=values.get("letter_preprinted") or FILE,
    )
    fonts = FontChoices(
        title=values.get("font_title", ""),
        body=values.get("font_body", ""),
        heading=values.get("font_heading", ""),
        number=values.get("font_number", ""),
    )
    return PrintSettings(layout, fonts, bureau.letter_pattern, values.get("sheet_font") or "宋体")


def print_settings(app: App) -> PrintSettings:
    bureau = require_bureau(app)
    with app.db.session() as s:
        return print_settings_from(read_settings(s), bureau)


def sheet_font(app: App) -> str:
    """The bureau's font for sheets (宋体 before the bureau is set up)."""
    from kjdesk.services.core.settings import bureau

    b = bureau(app)
    if b is None:
        return "宋体"
    with app.db.session() as s:
        return print_settings_from(read_settings(s), b).sheet_font


def option_of(name: str) -> Option:
    option = BY_KEY.get(name) or BY_LABEL.get(name)
    if option is None:
        known = "、".join(f"{o.key}（{o.label}）" for o in OPTIONS)
        raise ServiceError(f"没有名为“{name}”的设置；可设置：{known}")
    return option


def set_print_settings(app: App, changes: dict[str, str]) -> Changes:
    """Check every value first, then write them all in one transaction (audited one by one)."""
    require_writable(app)
    require_bureau(app)
    checked: dict[str, str] = {}
    errors = []
    for name, value in changes.items():
        option = option_of(name)
        try:
            checked[option.key] = option.check(str(value))
        except ValueError as exc:
            errors.append(f"{option.label}“{value}”不可用：{exc}")
    if errors:
        raise ServiceError("；".join(errors))
    with app.db.session() as s:
        for key, value in checked.items():
            write_setting(s, app.actor, key, value)
    return CHANGES


def set_print_setting(app: App, name: str, value: str) -> Changes:
    return set_print_settings(app, {name: value})


def layout_for(app: App, kind: str | None = None) -> LetterLayout:
    """The bureau's layout, or the same settings with another kind (a batch's override)."""
    from dataclasses import replace

    layout = print_settings(app).layout
    if kind:
        if kind not in LAYOUTS:
            raise ServiceError(f"通知书版式“{kind}”不可用：只能是 {'、'.join(LAYOUTS)}")
        layout = replace(layout, kind=kind)
    return layout


def number_of(pattern: str, year: int, seq: int) -> str:
    try:
        return pattern.format(year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ServiceError(
            f"发文字号格式“{pattern}”有误（{exc}）：只能使用 {{year}} 和 {{seq}}，例如 包科字〔{{year}}〕{{seq}}号"
        ) from exc


def letter_fonts(app: App, font: str | Path | None = None) -> LetterFonts:
    """The fonts of this bureau's letters on this PC; ``ServiceError`` (Chinese) when there are none."""
    choices = print_settings(app).fonts
    try:
        return find_letter_fonts(font, choices=choices)
    except NoFontFound as exc:
        raise ServiceError(str(exc)) from exc


def preprinted_test_page(
    app: App, *, offset_x_mm: float | None = None, offset_y_mm: float | None = None
) -> bytes:
    """One page for the pre-printed paper with the bureau's (or the given) 套打 offset."""
    from dataclasses import replace

    from kjdesk.io.letter_pdf import render_test_page

    settings = print_settings(app)
    layout = replace(
        settings.layout,
        kind="套打",
        offset_x_mm=settings.layout.offset_x_mm if offset_x_mm is None else offset_x_mm,
        offset_y_mm=settings.layout.offset_y_mm if offset_y_mm is None else offset_y_mm,
    )
    bureau = require_bureau(app)
    from datetime import date

    number = number_of(settings.letter_pattern, date.today().year, 1)
    return render_test_page(layout, letter_fonts(app), bureau.name, number)
