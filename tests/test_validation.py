import pytest

from kjdesk.validation import (
    FieldError,
    check_credit_code,
    check_id_number,
    mask_id_number,
)
from kjdesk.vocab import check_district, check_size_class
from tests.conftest import make_credit_code, make_id_number


def test_credit_code_valid_and_normalised():
    code = make_credit_code("91150203MA0N00001")
    assert check_credit_code(code) == code
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    assert check_credit_code(f" {fullwidth.lower()} ") == code


def test_credit_code_wrong_check_digit_names_expected():
    code = make_credit_code("91150203MA0N00001")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(FieldError, match=f"末位应为 {code[17]}"):
        check_credit_code(wrong)


def test_credit_code_wrong_length():
    with pytest.raises(FieldError, match="18 位"):
        check_credit_code("9115020")


def test_id_number_accepts_inner_mongolia_county():
    number = make_id_number("15020319800101123")
    assert check_id_number(number) == number


def test_id_number_bad_check_digit_and_date():
    number = make_id_number("15020319800101123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(FieldError, match="校验位"):
        check_id_number(wrong)
    with pytest.raises(FieldError, match="出生日期"):
        check_id_number(make_id_number("15020319801341123"))


def test_mask_id_number():
    assert mask_id_number("150203198001011234") == "150203********1234"


def test_districts_per_city():
    assert check_district("稀土高新区", "baotou") == "稀土高新区"
    assert check_district("达茂旗", "baotou") == "达尔罕茂明安联合旗"
    assert check_district("昆区", "baotou") == "昆都仑区"
    assert check_district("乌达区", "wuhai") == "乌达区"
    with pytest.raises(FieldError, match="不是包头市的旗县区"):
        check_district("乌达区", "baotou")


def test_size_class():
    assert check_size_class("小微") == "小微企业"
    with pytest.raises(FieldError):
        check_size_class("超大")
