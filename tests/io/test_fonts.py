"""Fonts are found by the family names written inside them, whatever the files are called."""

from __future__ import annotations

import pytest

from kjdesk.io import fonts as fonts_mod
from kjdesk.io.fonts import FontChoices, NoFontFound, find_letter_fonts
from tests.io.font_builder import build_cff_font, build_font

OFFICE_FONTS = [
    # (odd file name, English family, Chinese family, the role it should fill)
    ("仿宋_GB2312.ttf", "FangSong_GB2312", "仿宋_GB2312", "body"),
    ("FZFSJW.TTF", "FZFangSong-Z02S", "方正仿宋简体", None),
    ("STFANGSO.TTF", "STFangsong", "华文仿宋", None),
    ("方正小标宋简体.ttf", "FZXiaoBiaoSong-B05S", "方正小标宋简体", "title"),
    ("FZXBSK.TTF", "FZXiaoBiaoSong-B05", "方正小标宋_GBK", None),
    ("STZHONGS.TTF", "STZhongsong", "华文中宋", None),
    ("x1.ttf", "SimHei", "黑体", "heading"),
    ("kt.ttf", "KaiTi_GB2312", "楷体_GB2312", None),
    ("sun.TTF", "SimSun", "宋体", "number"),
]


@pytest.fixture(scope="module")
def office_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("WinFonts")
    for file_name, en, zh, _role in OFFICE_FONTS:
        build_font(folder / file_name, en, zh)
    return folder


def test_every_office_font_is_found_by_its_family_name(office_dir):
    faces = fonts_mod.scan_dirs([office_dir])
    found = {f.label: f.path.name for f in faces}
    assert found == {zh: name for name, _en, zh, _r in OFFICE_FONTS}


def test_each_role_gets_its_own_font(office_dir):
    fonts = find_letter_fonts(faces=fonts_mod.scan_dirs([office_dir]))
    used = {role: face.label for role, face in fonts.by_role.items()}
    assert used == {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading": "黑体", "number": "宋体"}
    assert fonts.notes == ()
    assert len({fonts.title, fonts.body, fonts.heading, fonts.number}) == 4


def test_the_bureau_chooses_a_family_per_role(office_dir):
    faces = fonts_mod.scan_dirs([office_dir])
    fonts = find_letter_fonts(faces=faces, choices=FontChoices(body="华文仿宋", title="STZhongsong"))
    assert fonts.by_role["body"].label == "华文仿宋"
    assert fonts.by_role["title"].label == "华文中宋"


def test_a_chosen_family_not_installed_falls_back_and_says_so(office_dir):
    fonts = find_letter_fonts(
        faces=fonts_mod.scan_dirs([office_dir]), choices=FontChoices(title="方正大标宋")
    )
    assert fonts.by_role["title"].label == "方正小标宋简体"
    assert any("方正大标宋" in n and "未安装" in n for n in fonts.notes)


def test_a_missing_role_falls_back_to_the_body_and_says_so(tmp_path):
    build_font(tmp_path / "a.ttf", "FangSong", "仿宋")
    fonts = find_letter_fonts(faces=fonts_mod.scan_dirs([tmp_path]))
    assert fonts.by_role["title"].label == "仿宋"
    assert "本机没有小标宋字体，标题暂用“仿宋”" in fonts.notes
    assert "本机没有宋体字体，页码暂用“仿宋”" in fonts.notes
    assert "标题：仿宋" in fonts.describe()


def test_windows_system_and_user_font_folders_are_searched(tmp_path, monkeypatch):
    system = tmp_path / "Windows" / "Fonts"
    user = tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    build_font(system / "simfang.ttf", "FangSong", "仿宋")
    build_font(user / "方正小标宋简体_0.TTF", "FZXiaoBiaoSong-B05S", "方正小标宋简体")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setattr(fonts_mod.sys, "platform", "win32")
    monkeypatch.setattr(fonts_mod, "bundled_faces", lambda: [])
    labels = {f.label for f in fonts_mod.system_faces()}
    assert labels == {"仿宋", "方正小标宋简体"}


def test_linux_user_fonts_are_searched_in_subfolders(tmp_path, monkeypatch):
    build_font(tmp_path / "share" / "fonts" / "office" / "FS.TTF", "FangSong_GB2312", "仿宋_GB2312")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert "仿宋_GB2312" in {f.label for f in fonts_mod.system_faces()}


def test_a_cff_font_is_skipped_when_searching_and_refused_when_chosen(tmp_path):
    build_cff_font(tmp_path / "FZXBS.otf", "FZXiaoBiaoSong-B05S", "方正小标宋简体")
    build_font(tmp_path / "fs.ttf", "FangSong", "仿宋")
    faces = fonts_mod.scan_dirs([tmp_path])
    cff = [f for f in faces if f.cff]
    assert cff and cff[0].path.name == "FZXBS.otf"
    fonts = find_letter_fonts(faces=faces)
    assert fonts.by_role["title"].label == "仿宋"  # the CFF 小标宋 is not used
    with pytest.raises(NoFontFound, match="CFF"):
        find_letter_fonts(faces=faces, choices=FontChoices(title="FZXiaoBiaoSong-B05S"))
    with pytest.raises(NoFontFound, match="CFF"):
        find_letter_fonts(tmp_path / "FZXBS.otf", faces=faces)


def test_the_fonts_are_embedded_as_truetype_subsets(office_dir, tmp_path):
    import subprocess
    from datetime import date

    from kjdesk.io.letter_pdf import LetterText, render_letter

    fonts = find_letter_fonts(faces=fonts_mod.scan_dirs([office_dir]))
    text = LetterText(
        "包科字〔2026〕1号",
        "关于给予后补助资金支持的通知",
        "包头市科学技术局：",
        ("特此通知。",),
        "包头市科学技术局",
        date(2026, 1, 2),
    )
    path = tmp_path / "l.pdf"
    path.write_bytes(render_letter(text, fonts))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    names = {row.split()[0].split("+")[-1] for row in rows}
    assert names == {"FZXiaoBiaoSong-B05S", "FangSong_GB2312", "SimSun"}  # title, body, page number
    for row in rows:
        assert "TrueType" in row and row.split()[-5:-3] == ["yes", "yes"], row  # embedded, subset


def test_preprinted_letter_paper_gets_the_number_top_right_and_nothing_red(office_dir):
    import io
    from datetime import date

    import pdfplumber

    from kjdesk.io.letter_layout import LetterLayout
    from kjdesk.io.letter_pdf import LetterText, render_letter

    fonts = find_letter_fonts(faces=fonts_mod.scan_dirs([office_dir]))
    text = LetterText(
        "包科字〔2026〕1号",
        "关于给予后补助资金支持的通知",
        "包头市科学技术局：",
        ("特此通知。",),
        "包头市科学技术局",
        date(2026, 1, 2),
    )
    layout = LetterLayout("套打", preprinted="信函", offset_x_mm=0, offset_y_mm=0)
    page = pdfplumber.open(io.BytesIO(render_letter(text, fonts, layout=layout))).pages[0]
    assert not page.lines and all(tuple(c["non_stroking_color"] or (0,)) != (1, 0, 0) for c in page.chars)
    number = [c for c in page.chars if c["text"] == "号"][0]
    assert number["x1"] * 25.4 / 72 == pytest.approx(184, abs=0.6)  # flush right, as on 信函 paper
    assert "—1—" not in page.extract_text().replace(" ", "")  # no page number on a 信函's first page
