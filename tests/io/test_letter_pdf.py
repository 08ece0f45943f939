"""The letter PDF: text, fonts, layout rules, determinism, templates and font refusal."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from kjdesk.io import fonts as fonts_mod
from kjdesk.io.cjk_lines import NO_END, NO_START, break_paragraph
from kjdesk.io.fonts import FontFace, NoFontFound, find_letter_fonts
from kjdesk.io.letter_pdf import CHARS_PER_LINE, TEXT_W, LetterText, Typesetter, render_letter
from kjdesk.io.letter_templates import TemplateError, fill, load_template, load_templates, template_for

QUOTE = "认定为国家高新技术企业，给予30万元后补助资金支持"
BODY = (
    "你单位于2025年10月20日被认定为国家高新技术企业（国科火字〔2025〕12号）。根据《包头市落实“科技兴蒙”"
    f"行动打造区域性创新中心二十五条政策措施》（包党发〔2021〕24号）第六条“{QUOTE}”的规定，经审核，决定给予"
    "你单位后补助资金支持300,000.00 元（人民币叁拾万元整）。"
)


def letter(paragraphs: tuple[str, ...] = (BODY, "特此通知。")) -> LetterText:
    return LetterText(
        number="包科字〔2026〕7号",
        title="关于给予包头市北方稀土新材料科技股份有限公司后补助资金支持的通知",
        addressee="包头市北方稀土新材料科技股份有限公司：",
        paragraphs=paragraphs,
        signature="包头市科学技术局",
        issued_on=date(2026, 11, 23),
    )


@pytest.fixture(scope="module")
def letter_fonts():
    return find_letter_fonts()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "l.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return "".join(text.split())


def test_letter_text_holds_number_unit_amount_and_clause(letter_fonts, tmp_path):
    text = pdf_text(render_letter(letter(), letter_fonts), tmp_path)
    joined = flat(text)
    assert "包科字〔2026〕7号" in joined
    assert "包头市北方稀土新材料科技股份有限公司：" in joined
    assert "人民币叁拾万元整" in joined and "300,000.00元" in joined
    assert f"“{QUOTE}”" in joined
    assert "包头市科学技术局" in joined and "2026年11月23日" in joined
    assert "—1—" in joined


def test_every_font_is_embedded(letter_fonts, tmp_path):
    path = tmp_path / "l.pdf"
    path.write_bytes(render_letter(letter(), letter_fonts))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        emb = row.split()[-5]
        assert emb == "yes", f"font not embedded: {row}"


def test_same_letter_gives_the_same_bytes(letter_fonts):
    assert render_letter(letter(), letter_fonts) == render_letter(letter(), letter_fonts)
    other = render_letter(LetterText(**{**letter().__dict__, "number": "包科字〔2026〕8号"}), letter_fonts)
    assert other != render_letter(letter(), letter_fonts)


def test_creation_date_is_the_issue_date(letter_fonts):
    assert b"D:20261123000000+08'00'" in render_letter(letter(), letter_fonts)


def test_a_long_letter_runs_on_with_page_numbers(letter_fonts, tmp_path):
    long = tuple([BODY] * 8) + ("特此通知。",)
    text = pdf_text(render_letter(letter(long), letter_fonts), tmp_path)
    pages = text.split("\f")
    assert "—1—" in flat(pages[0]) and "—2—" in flat(pages[1])
    # the signature never stands alone: the end of the text is on its page
    last = flat([p for p in pages if p.strip()][-1])
    assert "包头市科学技术局" in last and "特此通知。" in last


def test_body_has_28_characters_a_line(letter_fonts):
    setter = Typesetter(letter_fonts)
    lines = setter.paragraph("科" * 100)
    assert [len(ln.text) for ln in lines[:3]] == [CHARS_PER_LINE - 2, CHARS_PER_LINE, CHARS_PER_LINE]
    assert lines[0].x > lines[1].x  # indented two characters


def measure_chars(text: str) -> float:
    return float(sum(1 if ord(c) < 128 else 2 for c in text))


def test_punctuation_never_starts_or_ends_a_line_wrongly():
    text = "甲乙丙丁戊，己庚辛壬“癸子丑寅卯。”辰巳午未（申酉戌亥）" * 6
    for width in range(8, 30):
        lines = break_paragraph(text, measure_chars, width)
        assert "".join(ln.text for ln in lines) == text
        for ln in lines[1:]:
            assert ln.text[0] not in NO_START, (width, ln.text)
        for ln in lines[:-1]:
            assert ln.text[-1] not in NO_END, (width, ln.text)
            assert measure_chars(ln.text) <= width


def test_numbers_and_their_units_stay_together():
    text = "于2025年10月20日认定，金额300,000.00 元，文号包党发〔2021〕24号。" * 3
    for width in range(10, 40):
        lines = break_paragraph(text, measure_chars, width)
        for a, b in zip(lines, lines[1:], strict=False):
            assert not (a.text[-1].isdigit() and b.text[0].isdigit()), (width, a.text, b.text)
            assert not (a.text[-1].isdigit() and b.text[0] in "年月日号"), (width, a.text, b.text)


def test_no_font_is_a_clear_refusal():
    with pytest.raises(NoFontFound, match="找不到可嵌入 PDF 的中文 TrueType 字体"):
        find_letter_fonts(faces=[])


def test_a_chosen_file_that_is_no_font_is_refused(tmp_path):
    bad = tmp_path / "fake.ttf"
    bad.write_bytes(b"not a font at all")
    with pytest.raises(NoFontFound, match="所选字体"):
        find_letter_fonts(bad)


def test_a_font_without_chinese_is_skipped(tmp_path):
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.exists():
        pytest.skip("no Latin-only TrueType font here")
    with pytest.raises(NoFontFound, match="不含中文字符"):
        find_letter_fonts(faces=[FontFace(latin, 0, "DejaVu Sans")])


def test_fontconfig_finds_the_chinese_font():
    faces = fonts_mod.fontconfig_faces()
    assert faces and all(f.path.suffix.lower() in (".ttf", ".ttc") for f in faces)


def test_a_file_named_like_a_font_but_not_one_is_not_found(tmp_path):
    # fonts are found by the family names inside them, not by file names (see test_fonts.py)
    (tmp_path / "SIMFANG.TTF").write_bytes(b"x")
    assert fonts_mod.scan_dirs([tmp_path]) == []


def test_shipped_templates_load_and_choose_by_wording():
    templates = load_templates()
    assert template_for("后补助", templates).kind == "后补助通知书"
    assert template_for("奖励", templates).kind == "奖励通知书"
    assert template_for("资金支持", templates).kind == "资金支持通知书"
    assert template_for("某种新写法", templates).kind == "资金支持通知书"


def test_an_unknown_placeholder_is_named(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        'kind = "奖励通知书"\ntitle = "关于{单位}的通知"\nparagraphs = ["{amount}"]\n', encoding="utf-8"
    )
    with pytest.raises(TemplateError, match=r"bad.toml.*\{单位\}"):
        load_template(path)


def test_an_empty_paragraph_is_dropped(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(
        'kind = "k"\ntitle = "t"\nparagraphs = ["{schedule_sentence}", "甲{amount}"]\n', encoding="utf-8"
    )
    values = {k: "" for k in __import__("kjdesk.io.letter_templates", fromlist=["x"]).PLACEHOLDERS}
    values["amount"] = "1.00 元"
    filled = fill(load_template(path), values)
    assert filled.paragraphs == ("甲1.00 元", "特此通知。")


def test_text_width_is_the_type_area():
    assert round(TEXT_W / 72 * 25.4) == 156


def test_a_doc_number_and_an_amount_with_its_unit_never_break(letter_fonts):
    setter = Typesetter(letter_fonts)
    docs = ["包党发〔2021〕24号", "国科火字〔2025〕112号", "乌海政发〔2021〕21号"]
    for pad in range(0, 30):
        text = (
            "甲" * pad
            + f"根据{docs[pad % 3]}文件，给予30,000,000.00 元，每年5年，合计1,415,710.59 元（{docs[(pad + 1) % 3]}）。"
        )
        lines = [ln.text for ln in setter.paragraph(text)]
        joined = "\n".join(lines)
        for doc in docs:
            if doc in text:
                assert doc in joined.replace("\n", "") and doc in joined, (pad, lines)
        assert "30,000,000.00 元" in joined and "1,415,710.59 元" in joined, (pad, lines)
        for a, b in zip(lines, lines[1:], strict=False):
            assert not (a.rstrip()[-1].isdigit() and b[0] in "元年万"), (pad, lines)


def test_no_justified_line_opens_more_than_a_quarter_character(letter_fonts):
    setter = Typesetter(letter_fonts)
    units = ["包头稀土研究院", "包头市北方稀土新材料科技股份有限公司", "内蒙古第一机械集团股份有限公司"]
    worst = 0.0
    for i in range(60):
        body = (
            f"{'你单位' if i % 2 else '你单位建设的稀土功能材料重点实验室'}于202{i % 5}年{i % 12 + 1}月{i % 28 + 1}日"
            f"被认定为国家高新技术企业（国科火字〔202{i % 5}〕{i + 7}号）。根据《包头市落实“科技兴蒙”行动打造区域性"
            f"创新中心二十五条政策措施》（包党发〔2021〕24号）第六条“{QUOTE}”的规定，经审核，决定给予"
            f"{units[i % 3]}后补助资金支持{(i + 1) * 123_456.78:,.2f} 元（人民币若干元整）。"
        )
        for ln in setter.paragraph(body)[:-1]:
            worst = max(worst, (ln.char_space - setter.body_space) / setter.char_w)
    assert worst <= 0.25


def test_a_title_breaks_between_its_pieces_not_inside_the_name(letter_fonts):
    from kjdesk.io.letter_pdf import TITLE_PT

    setter = Typesetter(letter_fonts)
    title = lambda name: setter.centred(  # noqa: E731
        f"关于给予|{name}|后补助资金支持的通知", letter_fonts.title, TITLE_PT, setter.title_space
    )
    assert [ln.text for ln in title("包头市北方稀土新材料科技股份有限公司")] == [
        "关于给予",
        "包头市北方稀土新材料科技股份有限公司",
        "后补助资金支持的通知",
    ]  # 菱形: the name whole on the middle line
    assert [ln.text for ln in title("包头市测试1号科技有限公司")] == [
        "关于给予包头市测试1号科技有限公司",
        "后补助资金支持的通知",
    ]
    assert [ln.text for ln in title("包头稀土院")] == ["关于给予包头稀土院后补助资金支持的通知"]


def test_a_name_longer_than_a_line_breaks_after_one_of_its_words(letter_fonts):
    from kjdesk.io.letter_pdf import TITLE_PT

    setter = Typesetter(letter_fonts)
    lines = setter.centred(
        "关于给予|内蒙古第一机械集团股份有限公司包头北方创业有限责任公司|奖励的通知",
        letter_fonts.title,
        TITLE_PT,
        setter.title_space,
    )
    assert [ln.text for ln in lines] == [
        "关于给予",
        "内蒙古第一机械集团股份有限公司",
        "包头北方创业有限责任公司",
        "奖励的通知",
    ]


def test_the_letter_measure_gives_reportlabs_widths_and_the_same_breaks(letter_fonts):
    """``TextMeasure`` (widths read once, candidate lines added up from their pieces) gives
    reportlab's own width of every text, and the line breaker chooses the same lines with it
    as with a measure that asks reportlab for each candidate line afresh."""
    import random

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from kjdesk.io.letter_pdf import BODY_PT, TextMeasure

    setter = Typesetter(letter_fonts)
    fast = setter.body_width
    assert isinstance(fast, TextMeasure) and fast.exact  # the CJK fonts here sum exactly

    def plain(text: str) -> float:
        if not text:
            return 0.0
        return stringWidth(text, letter_fonts.body, BODY_PT) + setter.body_space * (len(text) - 1)

    rng = random.Random(7)
    pieces = [*BODY, " ", "300,000.00 元", "（国科火字〔2025〕12号）", "Ab", "。", "“", "”", "2026年"]
    for _ in range(60):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 220)))
        assert fast(text) == plain(text)
        for indent, stretch in ((2 * setter.char_w, setter.char_w / 4), (0.0, setter.char_w / 4)):
            assert break_paragraph(text, fast, TEXT_W, indent, max_stretch=stretch) == break_paragraph(
                text, plain, TEXT_W, indent, max_stretch=stretch
            )


def test_a_font_whose_widths_do_not_add_up_exactly_is_measured_line_by_line(letter_fonts, monkeypatch):
    from reportlab.pdfbase import pdfmetrics

    from kjdesk.io.letter_pdf import BODY_PT, TextMeasure

    m = TextMeasure(letter_fonts.body, BODY_PT, 1.0)
    assert m.exact and m.units is not None
    face = pdfmetrics.getFont(letter_fonts.body).face
    monkeypatch.setitem(face.charWidths, ord("国"), 1000 / 3)  # not a multiple of 2^-12
    monkeypatch.delattr(face, "_kjdesk_exact")  # read again
    odd = TextMeasure(letter_fonts.body, BODY_PT, 1.0)
    assert not odd.exact and getattr(odd, "units", None) is None
    assert odd("国国") == pytest.approx(2 * 16 * 1000 / 3 / 1000 + 1.0)
