from datetime import date, datetime
from decimal import Decimal

import pytest

from kjdesk.io.cells import (
    CellError,
    check_date_range,
    parse_code,
    parse_date,
    parse_decimal,
    parse_year,
)
from kjdesk.money import amount_in_yuan


@pytest.mark.parametrize(
    "raw",
    [
        date(2022, 12, 1),
        datetime(2022, 12, 1, 0, 0),
        "2022-12-01",
        "2022/12/1",
        "2022.12.1",
        "2022年12月1日",
        "20221201",
        20221201.0,
        44896.0,  # the Excel serial day number of 2022-12-01
        "２０２２年１２月１日",
        " 2022-12-01 00:00:00 ",
    ],
)
def test_dates_as_officers_write_them(raw):
    assert parse_date(raw) == date(2022, 12, 1)


@pytest.mark.parametrize("raw", ["2022-13-01", "2022年2月30日", "十二月一日", "#N/A", True])
def test_unreadable_dates_name_the_reason(raw):
    with pytest.raises(CellError) as err:
        parse_date(raw)
    assert any(w in str(err.value) for w in ("无法识别", "不存在", "错误值", "不是日期"))


def test_dates_before_2000_or_in_the_future_are_refused():
    today = date(2024, 6, 1)
    with pytest.raises(CellError, match="早于 2000 年"):
        check_date_range(date(1999, 12, 31), today)
    with pytest.raises(CellError, match="今天之后"):
        check_date_range(date(2024, 6, 2), today)
    assert check_date_range(date(2000, 1, 1), today) == date(2000, 1, 1)


@pytest.mark.parametrize(
    ("raw", "unit", "yuan"),
    [
        ("1,234.56", "元", Decimal("1234.56")),
        ("356.78万元", "元", Decimal("3567800")),
        ("３５６．７８", "万元", Decimal("3567800")),
        ("12.5万", "", Decimal("125000")),
        (300000.0, "元", Decimal("300000")),
        ("￥2,000元", "万元", Decimal("2000")),
        (7, "万元", Decimal("70000")),
    ],
)
def test_amounts_in_wan_or_yuan_from_header_or_cell(raw, unit, yuan):
    number, found = parse_decimal(raw, unit)
    assert amount_in_yuan(number, found) == yuan


def test_amount_that_is_not_a_number():
    with pytest.raises(CellError, match="不是数值"):
        parse_decimal("三百万", "元")


def test_years():
    assert parse_year("2023年", date(2024, 1, 1)) == 2023
    assert parse_year(2023.0, date(2024, 1, 1)) == 2023
    with pytest.raises(CellError, match="不在 2000"):
        parse_year("2025", date(2024, 1, 1))


def test_codes_are_normalised_and_rounded_numbers_refused():
    assert parse_code(" ９１１５０２００ma0n 0001 ", "代码") == "91150200MA0N0001"
    with pytest.raises(CellError, match="存成了数字"):
        parse_code(1.50202198001011e17, "身份证号")
