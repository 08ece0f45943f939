"""What an import says about a bad cell (issue 17): ID numbers masked, control characters named
by their code, long cells quoted as a short excerpt."""

from kjdesk.services.imports import preview
from kjdesk.store.models import Unit
from tests.rosters import CODE_A, ID_A, csv_file, units_rows, xlsx


def _lines(plan):
    return [e.line() for e in plan.errors]


def test_a_wrong_id_number_is_shown_masked(app, tmp_path):
    wrong = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")
    plan = preview(
        app, xlsx(tmp_path / "p.xlsx", [["姓名", "身份证号码", "身份"], ["张三", wrong, "技术经纪人"]])
    )
    text = "\n".join(_lines(plan))
    assert "校验位错误" in text
    assert wrong not in text and ID_A not in text
    assert f"{wrong[:6]}********{wrong[-4:]}" in text
    assert all(wrong not in (e.value + e.reason) for e in plan.errors)


def test_a_control_character_in_a_unit_name_is_refused_with_row_column_and_code(app, tmp_path):
    rows = units_rows()
    rows[1][1] = "包头市\u202e甲稀土有限公司"
    plan = preview(app, xlsx(tmp_path / "u.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "B 企业名称")]
    line = plan.errors[0].line()
    assert "含不可见控制字符 U+202E" in line
    assert "\u202e" not in line and "⟨U+202E⟩" in line
    with app.db.session() as s:
        assert s.query(Unit).count() == 0


def test_zero_width_and_c0_characters_are_refused_too(app, tmp_path):
    rows = [["单位名称", "统一社会信用代码", "所属旗县区"], ["甲\u200b公司", CODE_A, "昆都仑区\x07"]]
    plan = preview(app, csv_file(tmp_path / "u.csv", rows))
    reasons = sorted(e.reason for e in plan.errors)
    assert any("U+200B" in r for r in reasons) and any("U+0007" in r for r in reasons)


def test_a_long_cell_is_quoted_as_an_excerpt(app, tmp_path):
    rows = [["单位名称", "统一社会信用代码", "所属旗县区"], ["甲公司", CODE_A, "区" * 5000]]
    plan = preview(app, csv_file(tmp_path / "u.csv", rows))
    (error,) = plan.errors
    assert len(error.line()) < 300
    assert "共 5000 字" in error.line()
