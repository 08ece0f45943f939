"""Reading one roster cell as officers write it: dates, years, amounts, codes, text.

Each parser takes the raw value calamine or csv gave (str, float, int, bool, date,
datetime) and returns the clean value or raises ``CellError`` with a Chinese reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import mul

from kjdesk.money import split_amount

EARLIEST = date(2000, 1, 1)
EXCEL_EPOCH = date(1899, 12, 30)
ERROR_VALUES = (
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#DIV/0!",
    "#NUM!",
    "#NAME?",
    "#NULL!",
    "#GETTING_DATA",
    "#SPILL!",
)


class CellError(ValueError):
    """A cell that cannot be read; ``str(err)`` is the Chinese reason."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def error_value(value: object) -> str | None:
    """``'#N/A'`` when the cell holds a formula error (as calamine reports it), else None."""
    if isinstance(value, str) and value.startswith("#"):
        text = value.strip().upper()
        for err in ERROR_VALUES:
            if text == err or text.startswith(err):
                return err
    return None


def check_not_error(value: object) -> None:
    err = error_value(value)
    if err:
        raise CellError(f"单元格是公式错误值 {err}，请在原表中更正公式或改为数值后再导入")


def text_of(value: object) -> str:
    """A cell as display text: 12.0 → '12', dates in ISO form, spaces folded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return re.sub(r"[\s\u3000]+", " ", str(value)).strip()


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_DATE_SEP = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_HINT = "可写作 2022-12-01、2022/12/1、2022.12.1、2022年12月1日 或 20221201"


def parse_date(value: object) -> date:
    """A date as Excel stores it or as officers type it."""
    check_not_error(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(f"不是日期（{_DATE_HINT}）")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return _ymd(str(int(value)), value)
        if 1 <= value < 2958466:  # an Excel serial day number
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"无法识别的日期“{text_of(value)}”（{_DATE_HINT}）")
    text = nfkc(str(value)).strip()
    m = _DATE_SEP.match(text) or _DATE_COMPACT.match(text)
    if not m:
        raise CellError(f"无法识别的日期“{text_of(value)}”（{_DATE_HINT}）")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise CellError(f"日期“{text_of(value)}”不存在") from exc


def _ymd(text: str, original: object) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        raise CellError(f"日期“{text_of(original)}”不存在") from exc


def check_date_range(d: date, today: date | None = None) -> date:
    today = today or date.today()
    if d < EARLIEST:
        raise CellError(f"日期 {d.isoformat()} 早于 2000 年，请核对")
    if d > today:
        raise CellError(f"日期 {d.isoformat()} 在今天之后，请核对")
    return d


def parse_year(value: object, today: date | None = None) -> int:
    check_not_error(value)
    if isinstance(value, (date, datetime)):
        year = value.year
    else:
        text = nfkc(text_of(value)).removesuffix("年度").removesuffix("年").strip()
        if not re.fullmatch(r"\d{4}", text):
            raise CellError(f"年度“{text_of(value)}”应为四位年份，如 2023")
        year = int(text)
    this_year = (today or date.today()).year
    if not 2000 <= year <= this_year:
        raise CellError(f"年度 {year} 不在 2000—{this_year} 之间")
    return year


def parse_decimal(value: object, default_unit: str = "元") -> tuple[Decimal, str]:
    """A number as written, with its unit if the cell states one: ``'1,234.5万元'`` → (1234.5, 万元)."""
    check_not_error(value)
    if isinstance(value, (bool, date, datetime)):
        raise CellError(f"“{text_of(value)}”不是数值")
    if isinstance(value, int):
        return Decimal(value), default_unit
    if isinstance(value, float):
        return Decimal(repr(value)), default_unit
    split = split_amount(str(value).replace("，", ""))
    if split is None:
        raise CellError(f"“{text_of(value)}”不是数值")
    number, unit = split
    return number, unit or default_unit


def parse_code(value: object, what: str) -> str:
    """A 统一社会信用代码 or 身份证号 cell: refuse numbers Excel has already rounded."""
    check_not_error(value)
    if isinstance(value, float) and value >= 1e15:
        raise CellError(f"{what}被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写")
    if isinstance(value, (int, float)):
        value = text_of(value)
    text = str(value)
    if text.isascii() and text.isalnum():  # the usual case, without the slower normalisation
        return text.upper()
    return re.sub(r"\s+", "", nfkc(text)).upper()


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_ok(code: str) -> bool:
    """A quick GB 32100-2015 check of a normalised code (True only when surely valid).

    Rosters carry tens of thousands of codes; a code this rejects is checked again by
    ``validation.check_credit_code``, which names what is wrong.
    """
    if len(code) != 18 or not code[2:8].isdigit():  # the first two may be letters (A, N, Y …)
        return False
    try:
        total = sum(map(mul, map(_USCC_VALUE.__getitem__, code[:17]), _USCC_WEIGHTS))
        return _USCC_CHARS[(31 - total % 31) % 31] == code[17]
    except KeyError:
        return False


_WHITESPACE = re.compile(r"[\s\u3000]+")


def clean_text(value: object) -> str:
    """A text cell, trimmed, inner runs of spaces folded to one (fast for plain strings)."""
    if isinstance(value, str):
        text = value.strip()
        if "  " in text or "\u3000" in text or "\n" in text or "\t" in text or "\r" in text:
            text = _WHITESPACE.sub(" ", text).strip()
        return text
    return text_of(value)
