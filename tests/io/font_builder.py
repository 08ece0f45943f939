"""Small TrueType fonts with a given family name, built from the system's Chinese font.

An office's 仿宋_GB2312 or 方正小标宋简体 is not installed here, so the tests make fonts that
carry those family names (in an English and a Chinese name record, as the real ones do):
a subset of WenQuanYi Micro Hei holding the characters a test letter needs, renamed, and
saved under whatever odd file name the test wants.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TEXT = (
    "通知书科技局人民币壹贰叁肆伍陆柒捌玖拾佰仟万亿元整〔〕“”（）：，。0123456789"
    "包头市科学技术局文件关于给予后补助资金支持的特此年月日号—— 附件抄送印发"
)


def build_font(target: Path, family_en: str, family_zh: str, *, text: str = TEXT, cff: bool = False) -> Path:
    """Write a TrueType (or, with ``cff``, an OpenType-CFF) font named ``family_zh``/``family_en``."""
    font = TTFont(str(SOURCE), fontNumber=0)
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)
    name = font["name"]
    name.names = []
    for lang, fam in ((0x409, family_en), (0x804, family_zh)):
        for name_id, value in ((1, fam), (2, "Regular"), (4, fam), (6, family_en.replace(" ", "") or "X")):
            name.setName(value, name_id, 3, 1, lang)
    name.setName(family_en, 1, 1, 0, 0)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return target


def build_cff_font(target: Path, family_en: str, family_zh: str, text: str = TEXT) -> Path:
    """An OpenType font with PostScript (CFF) outlines: a square for each character."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    chars = sorted(set(text))
    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    strings = {}
    for n in names:
        pen = T2CharStringPen(1000, None)
        pen.moveTo((100, 0))
        pen.lineTo((900, 0))
        pen.lineTo((900, 800))
        pen.closePath()
        strings[n] = pen.getCharString()
    fb.setupCFF(family_en.replace(" ", ""), {"FullName": family_en}, strings, {})
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": {"en": family_en, "zh-Hans": family_zh}, "styleName": "Regular"})
    fb.setupOS2(ulCodePageRange1=1 << 18)
    fb.setupPost()
    target.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(target))
    return target
