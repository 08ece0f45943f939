"""Finding the office's own CJK fonts by their family names, so every character is embedded.

A letter after GB/T 9704-2012 wants 小标宋 for the title, 仿宋 for the body, 黑体/楷体 for
headings and 宋体 for the page number. Offices install these under many file names
(``仿宋_GB2312.ttf``, ``FZFSJW.TTF``, ``STFANGSO.TTF``, ``方正小标宋简体.ttf`` …), so a
font is recognised by the family names written in its ``name`` table (English and Chinese
records, read with fontTools), never by its file name. The folders searched are the
Windows font folders (system and per-user) and the Linux ones (plus what fontconfig knows).

Each role is filled separately: the bureau may name a family for each (``FontChoices``);
otherwise the best installed match of the role's preference list is taken. A role that
finds nothing falls back (to the body font, or any Chinese TrueType font) and says so in
``LetterFonts.notes``. Fonts with CFF (PostScript) outlines cannot be embedded as TrueType
subsets: they are skipped when searching and refused, with the reason, when chosen.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Styles (what a font looks like) and roles (what it is used for in a letter).
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI, OTHER = "仿宋", "小标宋", "黑体", "楷体", "宋体", "其他"
TITLE, BODY, HEADING, NUMBER = "title", "body", "heading", "number"
ROLE_LABELS = {TITLE: "标题", BODY: "正文", HEADING: "小标题", NUMBER: "页码"}
ROLE_WANTED = {TITLE: "小标宋", BODY: "仿宋", HEADING: "黑体或楷体", NUMBER: "宋体"}

# The families that fill each role, best first (compared without case, spaces, _ and -).
ROLE_PREFERENCES: dict[str, tuple[str, ...]] = {
    TITLE: (
        "方正小标宋简体",
        "方正小标宋_GBK",
        "方正小标宋",
        "FZXiaoBiaoSong",
        "小标宋",
        "XiaoBiaoSong",
        "华文中宋",
        "STZhongsong",
    ),
    BODY: (
        "仿宋_GB2312",
        "FangSong_GB2312",
        "方正仿宋_GBK",
        "方正仿宋简体",
        "方正仿宋",
        "FZFangSong",
        "仿宋",
        "FangSong",
        "华文仿宋",
        "STFangsong",
    ),
    HEADING: (
        "黑体",
        "SimHei",
        "方正黑体",
        "FZHei",
        "楷体_GB2312",
        "KaiTi_GB2312",
        "楷体",
        "KaiTi",
        "华文楷体",
        "STKaiti",
    ),
    NUMBER: ("宋体", "SimSun", "NSimSun", "方正书宋", "FZShuSong", "华文宋体", "STSong", "Songti"),
}

# Words in a family name that tell its style (for the fallback order and the labels).
STYLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (XIAOBIAOSONG, ("小标宋", "xiaobiaosong", "中宋", "zhongsong")),
    (FANGSONG, ("仿宋", "fangsong")),
    (KAITI, ("楷体", "kaiti")),
    (HEITI, ("黑体", "黑", "hei", "gothic")),
    (SONGTI, ("宋体", "宋", "song", "simsun", "ming", "serif")),
)
FALLBACK_ORDER = (FANGSONG, SONGTI, HEITI, KAITI, XIAOBIAOSONG, OTHER)

FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")
PROBE_TEXT = "通知书科技局人民币壹贰叁肆伍陆柒捌玖拾佰仟万亿元整〔〕“”（）：，。0123456789"


class NoFontFound(Exception):
    """No usable TrueType font for the letter (or the chosen one cannot be used); says what to do."""


@dataclass(frozen=True)
class FontFace:
    path: Path
    subfont_index: int = 0
    family: str = ""  # the name shown (the Chinese family name when the font has one)
    style: str = OTHER
    families: tuple[str, ...] = ()  # every family / full name record of the font
    cff: bool = False  # PostScript outlines: cannot be embedded as TrueType

    @property
    def label(self) -> str:
        return self.family or self.path.name

    @property
    def names(self) -> tuple[str, ...]:
        return self.families or ((self.family,) if self.family else (self.path.stem,))


@dataclass(frozen=True)
class FontChoices:
    """Family names the bureau chose per role ('' = find automatically)."""

    title: str = ""
    body: str = ""
    heading: str = ""
    number: str = ""

    def of(self, role: str) -> str:
        return str(getattr(self, role)).strip()


@dataclass(frozen=True)
class LetterFonts:
    """The font of each part of a letter, each a reportlab font name already registered."""

    body: str
    title: str
    number: str
    heading: str = ""
    faces: tuple[FontFace, ...] = ()  # title, body, heading, number
    notes: tuple[str, ...] = field(default=())  # one line per role that fell back

    @property
    def by_role(self) -> dict[str, FontFace]:
        return dict(zip((TITLE, BODY, HEADING, NUMBER), self.faces, strict=False))

    def used(self) -> dict[str, str]:
        """Role label → family name, as the audit event records it."""
        return {ROLE_LABELS[r]: f.label for r, f in self.by_role.items()}

    def describe(self) -> str:
        """The fonts by the names an office knows them by (the files are for a tooltip: ``files()``)."""
        text = "；".join(f"{ROLE_LABELS[r]}：{f.label}" for r, f in self.by_role.items())
        if self.notes:
            text += "。" + "；".join(self.notes)
        return text

    def files(self) -> str:
        """One line per role: where its font is."""
        return "\n".join(f"{ROLE_LABELS[r]}：{f.path}" for r, f in self.by_role.items())


def normalized(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch not in " _-")


def style_of(family: str, file_name: str = "") -> str:
    text = normalized(f"{family} {file_name}")
    for style, words in STYLE_WORDS:
        if any(normalized(w) in text for w in words):
            return style
    return OTHER


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _display_name(names: list[tuple[int, str]]) -> str:
    """The Chinese family name if there is one, else the first family name."""
    simplified = [n for lang, n in names if lang in (0x804, 0x1004)]
    chinese = [n for lang, n in names if lang in (0x404, 0xC04) or _has_cjk(n)]
    return (simplified or chinese or [n for _l, n in names] or [""])[0]


@cache
def _read_file(
    path: str, mtime: float, size: int
) -> tuple[tuple[int, tuple[str, ...], str, bool, bool], ...]:
    """(index, names, display name, cff, chinese) of each font in a file; () if unreadable."""
    from fontTools.ttLib import TTCollection
    from fontTools.ttLib import TTFont as FtFont

    try:
        if path.lower().endswith((".ttc", ".otc")):
            fonts = list(TTCollection(path, lazy=True).fonts)
        else:
            fonts = [FtFont(path, lazy=True)]
    except Exception:  # not a font, or a damaged one: it is simply not a candidate
        return ()
    out = []
    for index, font in enumerate(fonts):
        try:
            records: list[tuple[int, str]] = []
            for rec in font["name"].names:
                if rec.nameID in (1, 4, 16):
                    try:
                        text = rec.toUnicode().strip()
                    except Exception:  # an undecodable legacy record
                        continue
                    if text and text not in [t for _l, t in records]:
                        records.append((rec.langID if rec.platformID == 3 else 0, text))
            cff = "CFF " in font or "CFF2" in font
            chinese = any(_has_cjk(t) for _l, t in records)
            if not chinese and "OS/2" in font:
                pages = getattr(font["OS/2"], "ulCodePageRange1", 0) or 0
                chinese = bool(pages & ((1 << 18) | (1 << 20)))  # GB2312 / Big5 code pages
        except Exception:
            continue
        if records:
            out.append((index, tuple(t for _l, t in records), _display_name(records), cff, chinese))
    return tuple(out)


def read_faces(path: Path, *, chinese_only: bool = True) -> list[FontFace]:
    """The faces in one font file, named by the family names written inside it."""
    try:
        st = path.stat()
    except OSError:
        return []
    faces = []
    for index, names, shown, cff, chinese in _read_file(str(path), st.st_mtime, st.st_size):
        if chinese_only and not chinese:
            continue
        faces.append(FontFace(path, index, shown, style_of(" ".join(names)), names, cff))
    return faces


def windows_font_dirs() -> list[Path]:
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def linux_font_dirs() -> list[Path]:
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts", data / "fonts"]


def scan_dirs(dirs: list[Path], *, recursive: bool = False) -> list[FontFace]:
    """Every Chinese font in these folders, whatever its files are called."""
    found: list[FontFace] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        files = folder.rglob("*") if recursive else folder.iterdir()
        for path in sorted(files):
            if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                found.extend(read_faces(path))
    return found


def fontconfig_faces() -> list[FontFace]:
    """Chinese TrueType fonts that fontconfig knows of (no fontconfig: none)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = sorted({Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()})
    return [f for p in paths if p.suffix.lower() in (".ttf", ".ttc") for f in read_faces(p)]


def bundled_faces() -> list[FontFace]:
    """A TrueType font shipped in ``resources/fonts`` by the installer, if any."""
    from kjdesk.resources import resources_dir

    try:
        folder = resources_dir() / "fonts"
    except FileNotFoundError:
        return []
    return scan_dirs([folder])


def system_faces() -> list[FontFace]:
    """Every Chinese font on this machine: the Windows or Linux font folders, fontconfig, bundled."""
    faces: list[FontFace] = []
    if sys.platform == "win32":
        faces += scan_dirs(windows_font_dirs())
    else:
        faces += scan_dirs(linux_font_dirs(), recursive=True)
        faces += fontconfig_faces()
    faces += bundled_faces()
    seen: set[tuple[Path, int]] = set()
    unique = []
    for f in faces:
        key = (f.path.resolve(), f.subfont_index)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def installed_families(faces: list[FontFace] | None = None) -> list[str]:
    """The family names an officer may choose from (TrueType fonts with Chinese only)."""
    pool = system_faces() if faces is None else faces
    return sorted({f.label for f in pool if not f.cff})


def font_name(face: FontFace) -> str:
    digest = hashlib.sha1(f"{face.path}|{face.subfont_index}".encode()).hexdigest()[:10]
    return f"kj-{digest}"


CFF_REASON = "该字体是 PostScript（CFF）轮廓的 OpenType 字体，不能以 TrueType 子集嵌入 PDF，请改用该字体的 TrueType（.ttf）版本"


@cache
def _load(path: str, index: int, mtime: float) -> TTFont | str:
    """The loaded font, or the Chinese reason it cannot be embedded (cached per file version)."""
    name = font_name(FontFace(Path(path), index))
    try:
        font = TTFont(name, path, subfontIndex=index)
    except Exception as exc:  # reportlab raises TTFError, struct errors, OSError …
        text = str(exc)
        if "postscript" in text.lower() or "cff" in text.lower():
            return CFF_REASON
        return f"无法读取该字体：{text}"
    missing = [ch for ch in PROBE_TEXT if ord(ch) not in font.face.charToGlyph]
    if len(missing) > 3:
        return f"该字体不含中文字符（缺少“{''.join(missing[:8])}”等）"
    return font


def check_face(face: FontFace) -> str | None:
    """None when the font can be embedded with Chinese text, else the reason it cannot."""
    if face.cff:
        return CFF_REASON
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
        raise NoFontFound(f"字体 {face.label}（{face.path}）不能使用：{result}")
    keep_tables(result)
    pdfmetrics.registerFont(result)
    return name


def keep_tables(font: TTFont) -> None:
    """Every letter embeds a subset of its fonts, and reportlab's subsetting copies the tables it
    reads out of the font file each time (``TTFontFile.get_table`` slices the file: the whole
    ``glyf`` table of a CJK font, megabytes, for each letter). The face keeps each table it
    has read, once: the same bytes, so the same subsets and the same PDFs."""
    face = font.face
    if getattr(face, "_kjdesk_tables", None) is not None:
        return
    tables: dict[str, bytes] = {}
    read = face.get_table

    def get_table(tag: str) -> bytes:
        data = tables.get(tag)
        if data is None:
            data = tables[tag] = read(tag)
        return data

    face._kjdesk_tables = tables
    face.get_table = get_table


def role_rank(face: FontFace, role: str) -> int | None:
    """Where the face stands in the role's preference list (exact name before a name containing it)."""
    names = [normalized(n) for n in face.names]
    for i, pref in enumerate(ROLE_PREFERENCES[role]):
        p = normalized(pref)
        if p in names:
            return 2 * i
        if any(p in n for n in names):
            return 2 * i + 1
    return None


def matches_family(face: FontFace, family: str) -> int | None:
    """0 for an exact family name, 1 for a name containing it, None otherwise."""
    want = normalized(family)
    names = [normalized(n) for n in face.names]
    if want in names:
        return 0
    return 1 if any(want in n for n in names) else None


def _fallback_pick(usable: list[FontFace]) -> FontFace:
    def rank(f: FontFace) -> tuple[int, bool]:
        order = FALLBACK_ORDER
        # a monospaced cut sets Latin digits as wide as Chinese characters: the last choice
        return (order.index(f.style) if f.style in order else len(order), "mono" in " ".join(f.names).lower())

    return min(usable, key=rank)


def _user_face(user_font: str | Path) -> FontFace:
    text = str(user_font)
    path_text, _, index_text = text.partition("#")
    path = Path(path_text)
    index = int(index_text or 0)
    read = [f for f in read_faces(path, chinese_only=False) if f.subfont_index == index]
    face = read[0] if read else FontFace(path, index, path.stem, style_of(path.stem, path.name))
    reason = check_face(face)
    if reason:
        raise NoFontFound(
            f"所选字体 {face.path} 不能用于通知书：{reason}。"
            "请改选 TrueType 中文字体（如 C:\\Windows\\Fonts\\simfang.ttf 仿宋、simsun.ttc 宋体）。"
        )
    return face


def find_letter_fonts(
    user_font: str | Path | None = None,
    faces: list[FontFace] | None = None,
    choices: FontChoices | None = None,
) -> LetterFonts:
    """Choose and register the fonts of a letter; ``NoFontFound`` (Chinese) when there is none.

    ``choices`` are the bureau's family names per role; ``user_font`` a font file chosen on
    this PC (a .ttf, or .ttc with ``path#index``) that sets the body. A chosen font that
    cannot be embedded (CFF outlines, no Chinese) is refused, not silently replaced; a chosen
    family that is not installed here falls back, and the notes say so.
    """
    choices = choices or FontChoices()
    candidates = list(system_faces() if faces is None else faces)
    rejected: dict[FontFace, str] = {}

    def usable(face: FontFace) -> bool:
        """Checked only when a role would take it (loading every CJK font of a PC is slow)."""
        if face not in rejected:
            rejected[face] = check_face(face) or ""
        return not rejected[face]

    def first_usable(ranked: list[tuple[object, FontFace]]) -> FontFace | None:
        for _rank, face in sorted(ranked, key=lambda h: h[0]):  # type: ignore[arg-type, return-value]
            if usable(face):
                return face
        return None

    user = _user_face(user_font) if user_font else None
    chosen: dict[str, FontFace] = {}
    notes: list[str] = []
    for role in (BODY, TITLE, HEADING, NUMBER):
        label = ROLE_LABELS[role]
        if role == BODY and user is not None:
            chosen[role] = user
            continue
        family = choices.of(role)
        if family:
            hits = [(matches_family(f, family), f) for f in candidates]
            hits = [(r, f) for r, f in hits if r is not None]
            if hits:
                face = min(hits, key=lambda h: h[0])[1]
                reason = check_face(face)
                if reason:
                    raise NoFontFound(f"{label}字体“{family}”（{face.path}）不能使用：{reason}")
                chosen[role] = face
                continue
            notes.append(f"所选{label}字体“{family}”本机未安装")
        ranked = [(role_rank(f, role), f) for f in candidates]
        face = first_usable([(r, f) for r, f in ranked if r is not None])
        if face is not None:
            chosen[role] = face
            continue
        pool = [f for f in candidates if usable(f)]
        fallback = chosen.get(BODY) or (_fallback_pick(pool) if pool else None)
        if fallback is None:
            bad = [f"{f.label}（{f.path.name}）：{why}" for f, why in rejected.items() if why]
            detail = f"（已跳过：{'；'.join(bad)}）" if bad else ""
            raise NoFontFound(
                "找不到可嵌入 PDF 的中文 TrueType 字体，不能生成通知书（未占用任何文号）。"
                "请安装仿宋（simfang.ttf）、宋体（simsun.ttc）或黑体（simhei.ttf），"
                f"或在“通知书”页的“选择字体”中指定一个 .ttf/.ttc 字体文件{detail}"
            )
        chosen[role] = fallback
        notes.append(f"本机没有{ROLE_WANTED[role]}字体，{label}暂用“{fallback.label}”")
    order = (TITLE, BODY, HEADING, NUMBER)
    names = {role: register(chosen[role]) for role in order}
    return LetterFonts(
        body=names[BODY],
        title=names[TITLE],
        number=names[NUMBER],
        heading=names[HEADING],
        faces=tuple(chosen[r] for r in order),
        notes=tuple(notes),
    )
