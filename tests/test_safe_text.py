"""safe_text: control characters by code, masked IDs, excerpts, csv apostrophes, Windows file names."""

import pytest

from kjdesk.safe_text import control_char, formula_safe, mask_ids, safe_filename, safe_message
from kjdesk.services.letters.export import file_name
from tests.rosters import ID_A


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a\u202eb", "U+202E"),
        ("a\u2066b", "U+2066"),
        ("a\u200bb", "U+200B"),
        ("a\ufeffb", "U+FEFF"),
        ("a\x00b", "U+0000"),
        ("a\x85b", "U+0085"),
        ("a\x1bb", "U+001B"),
        ("普通名称", None),
        ("换\n行\t", None),
    ],
)
def test_control_characters_are_named_by_code(text, code):
    assert control_char(text) == code


def test_id_numbers_are_masked_valid_or_not():
    wrong = ID_A[:17] + ("1" if ID_A[17] == "0" else "0")
    text = safe_message(f"身份证号“{wrong}”校验位错误；另一个 {ID_A}")
    assert wrong not in text and ID_A not in text
    assert f"{wrong[:6]}********{wrong[-4:]}" in text
    assert mask_ids("统一社会信用代码 911502001234567890") == "统一社会信用代码 911502001234567890"


def test_long_quoted_cells_are_cut():
    assert safe_message("“" + "长" * 1000 + "”无法识别") == "“" + "长" * 40 + "…（共 1000 字）”无法识别"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_run_get_an_apostrophe(start):
    assert formula_safe(start + "1+1") == "'" + start + "1+1"
    assert formula_safe(-5) == -5 and formula_safe("甲公司") == "甲公司"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("CON", "_CON"),
        ("com1.txt", "_com1.txt"),
        ("Nul .pdf", "_Nul .pdf"),
        ("报告. . ", "报告"),
        ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
        ("甲\u202e公司\x07", "甲公司"),
        ("\u200b", "未命名"),
    ],
)
def test_file_names_are_legal_on_windows(name, safe):
    assert safe_filename(name) == safe


def test_a_letter_file_name_loses_control_characters(tmp_path):
    class Row:
        number = "包科字〔2026〕1号"
        addressee = "甲\u202e公司\x1f."

    assert file_name(Row()) == "包科字〔2026〕1号_甲公司.pdf"
