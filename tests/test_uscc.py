"""统一社会信用代码 by GB 32100 computed here (letter-first codes), and codes recognised for what
they are (issue 23 item 5)."""

import random

import pytest
from stdnum.cn import uscc

from kjdesk.io.cells import credit_code_ok
from kjdesk.validation import (
    USCC_CHARS,
    FieldError,
    check_credit_code,
    check_id_number,
    credit_code_problem,
    id_number_ok,
    looks_like_credit_code,
    uscc_check_char,
)
from tests.conftest import make_id_number
from tests.published_lists import letter_first_code


def test_check_character_agrees_with_stdnum_on_digit_first_codes():
    rng = random.Random(23)
    for _ in range(5000):
        body = "".join(rng.choice("0123456789") for _ in range(8)) + "".join(
            rng.choice(USCC_CHARS) for _ in range(9)
        )
        assert uscc_check_char(body) == uscc.calc_check_digit(body)
        code = body + rng.choice(USCC_CHARS)
        assert credit_code_ok(code) == uscc.is_valid(code) == (credit_code_problem(code)[0] == "")


@pytest.mark.parametrize(
    "body",
    [
        "N2150203MF0000001",  # 农业农村 registration (农民专业合作社)
        "Y1150200MC0000002",  # 其他
        "A1150000MB0000003",  # 中央军委改革和编制办公室
        "5115020050000000X"[:17],  # 民政 (digit-first, for company)
    ],
)
def test_letter_first_codes_are_valid_when_their_check_character_is(body):
    code = letter_first_code(body)
    assert check_credit_code(code) == code
    assert credit_code_ok(code)
    if body[0].isalpha():
        assert not uscc.is_valid(code)  # what python-stdnum would have refused
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(FieldError, match=f"末位应为 {code[17]}，现为 {wrong[17]}"):
        check_credit_code(wrong)


def test_the_wrong_check_character_message_never_names_the_same_character_twice():
    rng = random.Random(7)
    refused = 0
    for n in range(4000):
        if n % 2:  # well formed, letters allowed first and second, any last character
            body = (
                rng.choice(USCC_CHARS)
                + rng.choice(USCC_CHARS)
                + "".join(rng.choice("0123456789") for _ in range(6))
                + "".join(rng.choice(USCC_CHARS) for _ in range(9))
            )
        else:  # anything, forbidden letters included
            body = "".join(rng.choice(USCC_CHARS + "IOZSV") for _ in range(17))
        code = body + rng.choice(USCC_CHARS + "IOZSV")
        try:
            check_credit_code(code)
        except FieldError as exc:
            text = str(exc)
            if "校验位错误" in text:
                refused += 1
                should, was = text.split("末位应为 ")[1].split("，现为 ")
                assert should != was, text
                assert should == uscc_check_char(code[:17]) and was == code[17]
    assert refused > 1000


def test_typos_o_for_zero_and_i_for_one_are_suggested():
    code = letter_first_code("91150200MA0N10000")
    typo = code.replace("0", "O", 1).replace("1", "I", 1)
    with pytest.raises(FieldError, match="不允许的字符") as err:
        check_credit_code(typo)
    assert err.value.suggestion == code


def test_an_id_number_in_a_code_field_and_a_code_in_an_id_field_are_named():
    person = make_id_number("15020219800101123")
    with pytest.raises(FieldError, match=f"“{person}”是身份证号，不是统一社会信用代码"):
        check_credit_code(person)
    code = letter_first_code("91150200MA0N00001")
    with pytest.raises(FieldError, match=f"“{code}”是统一社会信用代码，不是身份证号"):
        check_id_number(code)
    assert id_number_ok(person) and not id_number_ok(code)
    assert looks_like_credit_code(code) and not looks_like_credit_code(person)


def test_an_id_number_with_a_bad_check_digit_is_not_taken_for_a_credit_code():
    """150202198001011239 passes the GB 32100 check but “15” is no registration category."""
    number = "150202198001011239"
    assert credit_code_problem(number)[0] == ""
    assert not looks_like_credit_code(number)
    with pytest.raises(FieldError, match="身份证号校验位错误：末位应为 1，现为 9"):
        check_id_number(number)
