"""``kjdesk letters --layout``, ``kjdesk settings`` and ``letters test-print``: the 公文 layouts
from the command line, measured from the PDF (pdfplumber) so that a regression fails."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest

from kjdesk.services.letters import letter_pdf
from tests.cli.conftest import signed_main as main
from tests.letters_data import catalog, seed  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalog")
MM = 72 / 25.4


def run(db, *args) -> int:
    return main(["--db", str(db), *args])


def first_page(pdf: bytes):
    doc = pdfplumber.open(io.BytesIO(pdf))
    return doc, doc.pages[0]


def red(obj) -> bool:
    colour = obj.get("non_stroking_color") if "text" in obj else obj.get("stroking_color")
    return tuple(round(c, 2) for c in (colour or ())) == (1.0, 0.0, 0.0)


def box_top(page, c) -> float:
    """Top of a CJK character's box (0.88 em over the baseline), mm from the top of the page."""
    return (page.height - c["matrix"][5] - 0.88 * c["size"]) / MM


def lines_of(page) -> list[tuple[str, float, float, float]]:
    """(text, top mm, x0 mm, x1 mm) of each text line on the page."""
    rows = page.extract_text_lines(return_chars=True)
    return [(r["text"], r["top"] / MM, r["x0"] / MM, r["x1"] / MM) for r in rows]


def test_file_layout_header_red_line_and_banji(app, db_path, tmp_path, capsys):
    seed(app, 1)
    assert run(db_path, "settings", "set", "抄送机关", "包头市财政局、昆都仑区科技局") == 0
    assert run(db_path, "settings", "set", "letter_printer", "包头市科学技术局办公室") == 0
    capsys.readouterr()
    assert (
        run(db_path, "letters", "--year", "2026", "--date", "2026-11-23", "-o", str(tmp_path / "a.pdf")) == 0
    )
    printed = capsys.readouterr().out
    assert "版式：文件格式" in printed
    assert "字体提示：本机没有仿宋字体" in printed  # this machine has only 文泉驿微米黑
    doc, page = first_page(letter_pdf(app, "包科字〔2026〕1号"))
    assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
    chars = page.chars
    mark = [c for c in chars if red(c)]
    assert "".join(c["text"] for c in mark) == "包头市科学技术局文件"
    assert (min(c["x0"] for c in mark) + max(c["x1"] for c in mark)) / 2 / MM == pytest.approx(106, abs=0.3)
    assert box_top(page, mark[0]) == pytest.approx(72, abs=0.2)  # 7.2.4: 35 mm under the 版心's top (37 mm)
    assert all(c["size"] == pytest.approx(44, abs=0.1) for c in mark)
    rows = lines_of(page)
    number = next(r for r in rows if r[0] == "包科字〔2026〕1号")
    assert (number[2] + number[3]) / 2 == pytest.approx(106, abs=0.3)  # centred in the 版心
    number_chars = [c for c in chars if c["text"] == "号" and abs(c["top"] / MM - number[1]) < 1]
    assert number_chars[0]["size"] == pytest.approx(16)  # 三号
    rules = [ln for ln in page.lines if red(ln)]
    assert len(rules) == 1
    rule = rules[0]
    assert round(rule["x0"] / MM) == 28 and round(rule["x1"] / MM) == 184  # as wide as the 版心
    # the characters' box ends 0.12 em under the baseline
    number_bottom = (page.height - number_chars[0]["matrix"][5] + 0.12 * 16) / MM
    rule_middle = (rule["top"] + rule["bottom"]) / 2 / MM
    assert rule_middle - number_bottom == pytest.approx(4, abs=0.3)  # 4 mm under the 发文字号
    title = next(r for r in rows if r[0].startswith("关于"))
    assert title[1] - rule["top"] / MM > 2 * 10  # 空二行 under the red line
    title_chars = [c for c in chars if abs(c["top"] / MM - title[1]) < 1]
    assert title_chars[0]["size"] == pytest.approx(22)  # 二号
    body = [c for c in chars if c["size"] == pytest.approx(16) and not red(c)]
    assert min(c["x0"] for c in body) / MM == pytest.approx(28, abs=0.6)  # left margin
    assert max(c["x1"] for c in body) / MM <= 184.5  # right margin
    last = doc.pages[-1]
    text = last.extract_text()
    assert "抄送：包头市财政局，昆都仑区科技局。" in text.replace(" ", "")
    assert "2026年11月23日印发" in text.replace(" ", "")
    black = [ln for ln in last.lines if not red(ln)]
    assert any(abs(ln["top"] / MM - 262) < 0.5 for ln in black)  # the last rule on the 版心's bottom edge
    # the seal's outline is only in the preview, never in an issued letter
    assert not page.curves and "盖章位置" not in text


def test_letter_layout_by_batch_override(app, db_path, tmp_path, capsys):
    seed(app, 1)
    assert run(db_path, "letters", "--year", "2026", "--layout", "信函", "-o", str(tmp_path / "b.pdf")) == 0
    assert "版式：信函格式" in capsys.readouterr().out
    doc, page = first_page(letter_pdf(app, "包科字〔2026〕1号"))
    mark = [c for c in page.chars if red(c)]
    assert "".join(c["text"] for c in mark) == "包头市科学技术局"  # no 文件 in a 信函
    assert box_top(page, mark[0]) == pytest.approx(30, abs=0.2)  # 10.1: 30 mm from the top
    rules = sorted((ln for ln in page.lines if red(ln)), key=lambda ln: ln["top"])
    assert len(rules) == 4  # two double lines
    assert all(round((ln["x1"] - ln["x0"]) / MM) == 170 for ln in rules)
    assert rules[0]["linewidth"] > rules[1]["linewidth"]  # thick over thin
    assert rules[2]["linewidth"] < rules[3]["linewidth"]  # thin over thick
    assert 297 - rules[3]["bottom"] / MM == pytest.approx(20, abs=0.6)  # 20 mm from the bottom edge
    number = next(r for r in lines_of(page) if r[0] == "包科字〔2026〕1号")
    assert number[3] == pytest.approx(184, abs=0.6)  # flush with the right edge of the 版心
    assert number[1] > rules[1]["bottom"] / MM  # under the double line
    assert "—1—" not in page.extract_text().replace(" ", "")  # 10.1: no page number on page 1


def test_preprinted_paper_prints_no_header_and_moves_by_the_offset(app, db_path, tmp_path, capsys):
    seed(app, 2)
    assert run(db_path, "settings", "set", "letter_layout", "套打") == 0
    assert (
        run(db_path, "letters", "--year", "2026", "--no-issue", "-o", str(tmp_path / "x")) == 1
    )  # nothing yet
    assert run(db_path, "letters", "--year", "2026", "-o", str(tmp_path / "c")) == 0
    _doc, plain = first_page(letter_pdf(app, "包科字〔2026〕1号"))
    assert not [c for c in plain.chars if red(c)] and not plain.lines  # nothing of the header
    assert run(db_path, "settings", "set", "letter_offset_x_mm", "2.5") == 0
    assert run(db_path, "settings", "set", "letter_offset_y_mm", "-1") == 0
    out = tmp_path / "test.pdf"
    assert run(db_path, "letters", "test-print", "-o", str(out)) == 0
    assert "向右 2.5 毫米，向下 -1 毫米" in capsys.readouterr().out
    doc = pdfplumber.open(out)
    assert len(doc.pages) == 1
    test_number = next(r for r in lines_of(doc.pages[0]) if r[0].startswith("包科字"))
    plain_number = next(r for r in lines_of(plain) if r[0] == "包科字〔2026〕1号")
    assert test_number[2] - plain_number[2] == pytest.approx(2.5, abs=0.3)
    assert test_number[1] - plain_number[1] == pytest.approx(-1, abs=0.3)


def test_settings_list_and_refusals(app, db_path, capsys):
    seed(app, 0)
    assert run(db_path, "settings", "list", "--format", "json") == 0
    values = {r["key"]: r["value"] for r in json.loads(capsys.readouterr().out)}
    assert values["letter_layout"] == "文件" and values["letter_organ"] == "包头市科学技术局"
    assert values["letter_pattern"] == "包科字〔{year}〕{seq}号"
    assert run(db_path, "settings", "set", "letter_layout", "公告") == 1
    assert "通知书版式“公告”不可用" in capsys.readouterr().err
    assert run(db_path, "settings", "set", "letter_offset_x_mm", "99") == 1
    assert run(db_path, "settings", "set", "no_such", "1") == 1
    assert "没有名为“no_such”的设置" in capsys.readouterr().err
    assert run(db_path, "settings", "set", "发文字号格式", "包科发〔{year}〕{seq}号") == 0
    assert "已设置 发文字号格式" in capsys.readouterr().out
    assert run(db_path, "settings", "list", "--format", "json") == 0
    values = {r["key"]: r["value"] for r in json.loads(capsys.readouterr().out)}
    assert values["letter_pattern"] == "包科发〔{year}〕{seq}号"


def test_settings_fonts_lists_the_families_and_what_each_role_uses(
    app, db_path, capsys, monkeypatch, tmp_path
):
    from kjdesk.io import fonts as fonts_mod
    from tests.io.font_builder import build_font

    build_font(tmp_path / "f" / "FS_GB2312.TTF", "FangSong_GB2312", "仿宋_GB2312")
    office = fonts_mod.scan_dirs([tmp_path / "f"])
    monkeypatch.setattr(fonts_mod, "system_faces", lambda: office + fonts_mod.fontconfig_faces())
    seed(app, 0)
    assert run(db_path, "settings", "set", "font_title", "方正小标宋简体") == 0
    capsys.readouterr()
    assert run(db_path, "settings", "fonts") == 0
    out = capsys.readouterr().out
    assert "本机中文字体：" in out and "仿宋_GB2312" in out
    assert "正文：仿宋_GB2312" in out and "FS_GB2312.TTF" in out
    assert "所选标题字体“方正小标宋简体”本机未安装" in out


def test_the_seal_is_outlined_in_the_draft_over_the_sealed_signature(app):
    from datetime import date

    from kjdesk.services.letters import draft_pdf

    [iid] = seed(app, 1)
    doc = pdfplumber.open(io.BytesIO(draft_pdf(app, iid, issued_on=date(2026, 11, 23))))
    page = next(p for p in doc.pages if p.curves)
    assert page.curves and "盖章位置（仅预览显示）" in page.extract_text()
    circle = page.curves[0]
    centre_x = (circle["x0"] + circle["x1"]) / 2 / MM
    assert (circle["x1"] - circle["x0"]) / MM == pytest.approx(42, abs=0.5)  # a 42 mm seal
    rows = lines_of(page)
    day = next(r for r in rows if r[0] == "2026年11月23日")
    signature = next(r for r in rows if r[0] == "包头市科学技术局")
    # 7.3.5.1: the date four characters from the right edge, the name centred over it, the seal on both
    assert 184 - day[3] == pytest.approx(4 * 156 / 28, abs=0.6)
    assert (signature[2] + signature[3]) / 2 == pytest.approx((day[2] + day[3]) / 2, abs=0.6)
    assert centre_x == pytest.approx((day[2] + day[3]) / 2, abs=0.6)
    top = circle["top"] / MM
    assert top < signature[1] and circle["bottom"] / MM > day[1] + 5  # the seal presses on both


def test_the_batch_audit_event_records_layout_and_fonts(app, db_path, tmp_path, capsys):
    from kjdesk.services.safety.audit_log import audit_events

    seed(app, 2)
    assert run(db_path, "letters", "--year", "2026", "--layout", "信函", "-o", str(tmp_path / "a.pdf")) == 0
    [batch] = audit_events(app, action="批量签发通知书")
    after = json.loads(batch.after)
    assert after["count"] == 2 and after["layout"] == "信函格式"
    assert set(after["fonts"]) == {"标题", "正文", "小标题", "页码"}
    assert any("仿宋" in note for note in after["font_notes"])  # this machine fell back
    each = audit_events(app, action="签发通知书")
    assert len(each) == 2 and all(json.loads(e.after)["layout"] == "信函格式" for e in each)
