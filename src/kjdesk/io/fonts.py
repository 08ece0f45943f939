"""Finding the TrueType CJK fonts a letter is set in, so every character is embedded.

A letter after GB/T 9704-2012 wants 仿宋 for the body, 小标宋 (or 黑体) for the title and
宋体 for the page number. On the officers' Windows PCs these are ``simfang.ttf``,
``FZXBSJW.TTF``, ``simhei.ttf`` and ``simsun.ttc`` in ``C:\\Windows\\Fonts``; on Linux
fontconfig (``fc-list``) names what is installed. Fonts with CFF (PostScript) outlines
cannot be embedded by reportlab and are skipped. An officer may choose a font file of
their own (a per-PC setting); when nothing usable is found, ``NoFontFound`` says so in
Chinese before any letter is numbered, so a letter never prints as empty boxes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Roles of a font in a letter, and the family names (file names on Windows) that fill them,
# best first. A role that finds nothing falls back to the body font.
FANGSONG, XIAOBIAOSONG, HEITI, SONGTI, OTHER = "仿宋", "小标宋", "黑体", "宋体", "其他"

WINDOWS_FILES: tuple[tuple[str, str, int], ...] = (
    # (file name, style, subfont index in a .ttc)
    ("FZXBSJW.TTF", XIAOBIAOSONG, 0),
    ("FZXBSK.TTF", XIAOBIAOSONG, 0),
    ("simfang.ttf", FANGSONG, 0),
    ("FS_GB2312.ttf", FANGSONG, 0),
    ("FZFSK.TTF", FANGSONG, 0),
    ("simhei.ttf", HEITI, 0),
    ("simsun.ttc", SONGTI, 0),
    ("simsun.ttf", SONGTI, 0),
    ("msyh.ttc", HEITI, 0),
    ("msyh.ttf", HEITI, 0),
)

# Words in a family name that tell its style (fontconfig gives English and Chinese names).
STYLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (XIAOBIAOSONG, ("小标宋", "xiaobiaosong", "xbs")),
    (FANGSONG, ("仿宋", "fangsong", "fang song", "simfang", "fs_gb2312", "fzfsk")),
    (HEITI, ("黑体", "黑", "hei", "gothic", "msyh")),
    (SONGTI, ("宋体", "宋", "song", "simsun", "ming", "serif")),
)

BODY_ORDER = (FANGSONG, SONGTI, HEITI, XIAOBIAOSONG, OTHER)
TITLE_ORDER = (XIAOBIAOSONG, HEITI, SONGTI, FANGSONG, OTHER)
NUMBER_ORDER = (SONGTI, FANGSONG, HEITI, XIAOBIAOSONG, OTHER)

PROBE_TEXT = "通知书科技局人民币壹贰叁肆伍陆柒捌玖拾佰仟万亿元整〔〕“”（）：，。0123456789"


class NoFontFound(Exception):
    """No TrueType font with Chinese characters can be embedded; the message says what to do."""


@dataclass(frozen=True)
class FontFace:
    path: Path
    subfont_index: int = 0
    family: str = ""
    style: str = OTHER

    @property
    def label(self) -> str:
        name = self.family or self.path.name
        return f"{name}（{self.style}，{self.path}）"


@dataclass(frozen=True)
class LetterFonts:
    """The font of each part of a letter, each a reportlab font name already registered."""

    body: str
    title: str
    number: str
    faces: tuple[FontFace, ...]  # body, title, number

    def describe(self) -> str:
        body, title, number = self.faces
        text = f"正文：{body.label}；标题：{title.label}；页码：{number.label}"
        if body.style != FANGSONG:
            text += "。提示：本机没有仿宋字体，正文暂用其他字体；公文正文应为仿宋（可用“选择字体”指定 simfang.ttf）"
        return text


def style_of(family: str, file_name: str = "") -> str:
    text = f"{family} {file_name}".lower()
    for style, words in STYLE_WORDS:
        if any(w in text for w in words):
            return style
    return OTHER


def windows_font_dirs() -> list[Path]:
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def scan_dirs(dirs: list[Path]) -> list[FontFace]:
    """The known official-document font files in these folders (case-insensitive names)."""
    found: list[FontFace] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        names = {p.name.lower(): p for p in folder.iterdir()}
        for file_name, style, index in WINDOWS_FILES:
            path = names.get(file_name.lower())
            if path is not None:
                found.append(FontFace(path, index, Path(file_name).stem, style))
    return found


def fontconfig_faces() -> list[FontFace]:
    """Fonts with Chinese coverage that fontconfig knows of (no fontconfig: none)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, ":lang=zh", "file", "index", "family"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces: list[FontFace] = []
    for line in sorted(out.splitlines()):
        # /usr/share/fonts/x.ttc: WenQuanYi Micro Hei,文泉驿微米黑:index=0
        path_text, _, rest = line.partition(": ")
        family, _, index_text = rest.partition(":index=")
        path = Path(path_text.strip())
        if path.suffix.lower() not in (".ttf", ".ttc"):
            continue  # .otf is CFF: reportlab cannot embed it
        try:
            index = int(index_text.strip() or 0)
        except ValueError:
            index = 0
        faces.append(FontFace(path, index, family.split(",")[0].strip(), style_of(family, path.name)))
    return faces


def bundled_faces() -> list[FontFace]:
    """A TrueType font shipped in ``resources/fonts`` by the installer, if any."""
    from kjdesk.resources import resources_dir

    try:
        folder = resources_dir() / "fonts"
    except FileNotFoundError:
        return []
    if not folder.is_dir():
        return []
    return [
        FontFace(p, 0, p.stem, style_of(p.stem, p.name))
        for p in sorted(folder.iterdir())
        if p.suffix.lower() in (".ttf", ".ttc")
    ]


def system_faces() -> list[FontFace]:
    """Every candidate on this machine: Windows font folders, then fontconfig, then bundled."""
    faces: list[FontFace] = []
    if sys.platform == "win32":
        faces += scan_dirs(windows_font_dirs())
    else:
        faces += fontconfig_faces()
    faces += bundled_faces()
    seen: set[tuple[Path, int]] = set()
    unique = []
    for f in faces:
        if (f.path, f.subfont_index) not in seen:
            seen.add((f.path, f.subfont_index))
            unique.append(f)
    return unique


def font_name(face: FontFace) -> str:
    digest = hashlib.sha1(f"{face.path}|{face.subfont_index}".encode()).hexdigest()[:10]
    return f"kj-{digest}"


@cache
def _load(path: str, index: int, mtime: float) -> TTFont | str:
    """The loaded font, or the Chinese reason it cannot be embedded (cached per file version)."""
    name = font_name(FontFace(Path(path), index))
    try:
        font = TTFont(name, path, subfontIndex=index)
    except Exception as exc:  # reportlab raises TTFError, struct errors, OSError …
        text = str(exc)
        if "postscript" in text.lower() or "cff" in text.lower():
            return "该字体是 PostScript（CFF）轮廓，无法嵌入 PDF"
        return f"无法读取该字体：{text}"
    missing = [ch for ch in PROBE_TEXT if ord(ch) not in font.face.charToGlyph]
    if len(missing) > 3:
        return f"该字体不含中文字符（缺少“{''.join(missing[:8])}”等）"
    return font


def check_face(face: FontFace) -> str | None:
    """None when the font can be embedded with Chinese text, else the reason it cannot."""
    try:
        mtime = face.path.stat().st_mtime
    except OSError:
        return "找不到该字体文件"
    result = _load(str(face.path), face.subfont_index, mtime)
    return result if isinstance(result, str) else None


def register(face: FontFace) -> str:
    """Register the font with reportlab (once) and return its name."""
    name = font_name(face)
    try:
        pdfmetrics.getFont(name)
        return name
    except KeyError:
        pass
    result = _load(str(face.path), face.subfont_index, face.path.stat().st_mtime)
    if isinstance(result, str):
        raise NoFontFound(f"字体 {face.label} 不能使用：{result}")
    pdfmetrics.registerFont(result)
    return name


def _pick(faces: list[FontFace], order: tuple[str, ...]) -> FontFace:
    def rank(f: FontFace) -> tuple[int, bool]:
        # a monospaced cut sets Latin digits as wide as Chinese characters: the last choice
        return (order.index(f.style) if f.style in order else len(order), "mono" in f.family.lower())

    return min(faces, key=rank)


def find_letter_fonts(
    user_font: str | Path | None = None, faces: list[FontFace] | None = None
) -> LetterFonts:
    """Choose and register the fonts of a letter; ``NoFontFound`` (Chinese) when there is none.

    ``user_font`` is the officer's choice (a .ttf, or .ttc with ``path#index``): it sets the
    body, and the title too unless a 小标宋 or 黑体 is found. A chosen font that cannot be
    embedded is refused, not silently replaced.
    """
    candidates = list(system_faces() if faces is None else faces)
    usable: list[FontFace] = []
    rejected: list[str] = []
    chosen: FontFace | None = None
    if user_font:
        text = str(user_font)
        path_text, _, index_text = text.partition("#")
        path = Path(path_text)
        face = FontFace(path, int(index_text or 0), path.stem, style_of(path.stem, path.name))
        reason = check_face(face)
        if reason:
            raise NoFontFound(
                f"所选字体 {face.path} 不能用于通知书：{reason}。"
                "请改选 TrueType 中文字体（如 C:\\Windows\\Fonts\\simfang.ttf 仿宋、simsun.ttc 宋体）。"
            )
        chosen = face
    for face in candidates:
        reason = check_face(face)
        if reason:
            rejected.append(f"{face.label}：{reason}")
        else:
            usable.append(face)
    if chosen is None and not usable:
        detail = f"（已跳过：{'；'.join(rejected)}）" if rejected else ""
        raise NoFontFound(
            "找不到可嵌入 PDF 的中文 TrueType 字体，不能生成通知书（未占用任何文号）。"
            "请安装仿宋（simfang.ttf）、宋体（simsun.ttc）或黑体（simhei.ttf），"
            f"或在“通知书”页的“选择字体”中指定一个 .ttf/.ttc 字体文件{detail}"
        )
    body = chosen or _pick(usable, BODY_ORDER)
    title_pool = [f for f in usable if f.style in (XIAOBIAOSONG, HEITI)]
    title = _pick(title_pool, TITLE_ORDER) if title_pool else body
    number_pool = [f for f in usable if f.style == SONGTI]
    number = _pick(number_pool, NUMBER_ORDER) if number_pool else body
    return LetterFonts(
        body=register(body), title=register(title), number=register(number), faces=(body, title, number)
    )
