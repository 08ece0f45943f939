"""A letter as a PDF laid out after GB/T 9704-2012 (党政机关公文格式).

A4; 版心 156 mm × 225 mm with a 37 mm top and 28 mm left margin; 22 lines a page on a fixed
grid, 28 characters a line (the characters are set a little closer when the font's own
width would not allow 28); title 二号 (22 pt) in 小标宋 or 黑体, centred; 主送 flush left;
body 仿宋 三号 (16 pt), each paragraph indented two characters and justified; the sealed
signature of 7.3.5.1 (成文日期 four characters from the right edge, the bureau's name centred
over it, room above for the seal, whose place the preview outlines); page numbers ``— 1 —``
in 四号 宋体 7 mm under the 版心, odd pages on the right and even pages on the left, one
character in. The 版头 and 版记 of the three layouts (文件, 信函, 套打) are in
``letter_layout``.

The output is deterministic: the same letter gives the same bytes (reportlab's invariant
mode, the issue date as the creation date), so a stored letter can be checked and reprinted.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kjdesk.io.cjk_lines import NO_END, NO_START, BrokenLine, break_paragraph
from kjdesk.io.fonts import LetterFonts
from kjdesk.io.letter_layout import (
    LETTER,
    LINES_PER_PAGE,
    PITCH,
    PREPRINTED,
    TEXT_H,
    TOP,
    LetterLayout,
    banji_rows,
    draw_banji,
    draw_header,
    draw_seal_outline,
    draw_test_marks,
    header_plan,
    slot_top,
)

PAGE_W, PAGE_H = A4
LEFT = 28 * mm
TEXT_W = 156 * mm
CHARS_PER_LINE = 28
BODY_PT, TITLE_PT, PAGE_NO_PT = 16.0, 22.0, 14.0  # 三号, 二号, 四号
SOFT_BREAK = "|"  # in a title: the place to break it when it needs two lines


@dataclass(frozen=True)
class Attachment:
    """A 附件 (7.3.4): its name, and a table set on its own page(s)."""

    title: str
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class LetterText:
    """Everything a letter says, already filled in from its template."""

    number: str  # 包科字〔2026〕1号
    title: str
    addressee: str  # ends with “：”
    paragraphs: tuple[str, ...]
    signature: str  # the bureau's name
    issued_on: date
    subject: str = ""  # PDF metadata: what the letter is about
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Line:
    """One line of the grid: text set at ``x`` with extra spacing after each character."""

    text: str = ""
    font: str = ""
    size: float = BODY_PT
    x: float = 0.0
    char_space: float = 0.0
    cells: tuple[tuple[float, str], ...] = ()  # further pieces of a table row: (x, text)
    seal_x: float = 0.0  # the 署名 line: the centre of the seal

    @property
    def blank(self) -> bool:
        return not self.text and not self.cells


PAGE_BREAK: list[Line] = []  # a block that starts a new page (an attachment)


def date_text(day: date) -> str:
    """成文日期 with Arabic numerals, as GB/T 9704-2012 §7.3.5 writes it: 2026年11月23日."""
    return f"{day.year}年{day.month}月{day.day}日"


EXACT_UNIT = 2.0**-12  # widths that are multiples of this (and small) add up exactly in floats
MAX_UNITS = 2.0**20


class TextMeasure:
    """The visible width of a text in one font, size and spacing between characters:
    ``stringWidth(text) + space × (len − 1)``, the value ``Typesetter.width`` gives.

    reportlab's width of a TrueType text is ``0.001 × size × Σ advance`` over its characters
    (``rl_accel._py_instanceStringWidthTTF``); the advances are read here once, and a text
    seen before (the fixed sentences of every letter) is not measured again. When every
    advance of the font is a multiple of 2⁻¹² below 2²⁰ (1000 × advance / unitsPerEm with
    unitsPerEm a power of two, as in the common CJK fonts), every partial sum is exact, so a
    text's sum is the same in any order and ``units`` lets the line breaker add
    up candidate lines piece by piece (``cjk_lines.AdditiveMeasure``) with the same result to
    the last bit. Otherwise the measure asks reportlab and offers no ``units``."""

    def __init__(self, font: str, size: float, space: float) -> None:
        face = pdfmetrics.getFont(font).face
        self.font, self.size, self.space = font, size, space
        self.scale = 0.001 * size
        self._get = face.charWidths.get
        self._default = face.defaultWidth
        self.exact = exact_widths(face)
        self._seen: dict[str, float] = {}
        self._units: dict[str, float] = {}
        if not self.exact:
            self.units = None  # type: ignore[assignment] - not additive: cjk_lines measures each line

    def units(self, text: str) -> float:
        u = self._units.get(text)
        if u is None:
            get, default = self._get, self._default
            u = sum([get(ord(ch), default) for ch in text])
            if len(self._units) > SEEN_LIMIT:
                self._units.clear()
            self._units[text] = u
        return u

    def __call__(self, text: str) -> float:
        w = self._seen.get(text)
        if w is None:
            if not text:
                w = 0.0
            elif self.exact:
                w = self.scale * self.units(text) + self.space * (len(text) - 1)
            else:
                w = stringWidth(text, self.font, self.size) + self.space * (len(text) - 1)
            if len(self._seen) > SEEN_LIMIT:
                self._seen.clear()
            self._seen[text] = w
        return w


def exact_widths(face) -> bool:  # noqa: ANN001 - reportlab TTFontFace
    """Whether every advance of the face is a multiple of 2⁻¹² below 2²⁰ (read once per face:
    ``_kjdesk_exact`` on it; scaling a float by a power of two is exact)."""
    known = getattr(face, "_kjdesk_exact", None)
    if known is None:
        widths = [*face.charWidths.values(), face.defaultWidth]
        try:
            known = all((w / EXACT_UNIT).is_integer() for w in widths) and max(map(abs, widths)) < MAX_UNITS
        except (TypeError, AttributeError):  # a width that is not a number: measure as reportlab does
            known = False
        face._kjdesk_exact = known
    return known


SEEN_LIMIT = 50_000  # texts whose width a measure remembers (a long session stays small)


class Typesetter:
    """Turns a ``LetterText`` into grid lines with the letter's fonts.

    One typesetter serves every letter of a batch (``typesetter``): the fonts' spacing is
    measured once, and a paragraph set before (the fixed sentences of a template) is reused."""

    def __init__(self, fonts: LetterFonts) -> None:
        self.fonts = fonts
        # The spacing that makes 28 of the body font's Chinese characters fill the line exactly.
        em = stringWidth("国", fonts.body, BODY_PT) or BODY_PT
        self.body_space = (TEXT_W - CHARS_PER_LINE * em) / (CHARS_PER_LINE - 1)
        self.char_w = em + self.body_space
        title_em = stringWidth("国", fonts.title, TITLE_PT) or TITLE_PT
        self.title_space = 0.0 if title_em * 20 <= TEXT_W else (TEXT_W - 20 * title_em) / 19
        self.body_width = TextMeasure(fonts.body, BODY_PT, self.body_space)
        self._measures: dict[tuple[str, float, float], TextMeasure] = {
            (fonts.body, BODY_PT, self.body_space): self.body_width
        }
        self._paragraphs: dict[tuple[str, int], tuple[Line, ...]] = {}

    def measure(self, font: str, size: float, space: float) -> TextMeasure:
        key = (font, size, space)
        m = self._measures.get(key)
        if m is None:
            m = self._measures[key] = TextMeasure(font, size, space)
        return m

    def width(self, text: str, font: str, size: float, space: float) -> float:
        """Visible width: the spacing counts between characters, not after the last."""
        return self.measure(font, size, space)(text)

    def paragraph(self, text: str, indent_chars: int = 2) -> list[Line]:
        key = (text, indent_chars)
        done = self._paragraphs.get(key)
        if done is None:
            done = tuple(self._paragraph(text, indent_chars))
            if len(self._paragraphs) > SEEN_LIMIT // 10:
                self._paragraphs.clear()
            self._paragraphs[key] = done
        return list(done)

    def _paragraph(self, text: str, indent_chars: int) -> list[Line]:
        indent = indent_chars * self.char_w
        broken = break_paragraph(text, self.body_width, TEXT_W, indent, max_stretch=self.char_w / 4)
        lines = []
        for i, b in enumerate(broken):
            x = LEFT + (indent if i == 0 else 0.0)
            space = self.body_space
            avail = TEXT_W - (indent if i == 0 else 0.0)
            if not b.last and len(b.text) > 1:
                space += (avail - b.width) / (len(b.text) - 1)  # 两端对齐
            lines.append(Line(b.text, self.fonts.body, BODY_PT, x, space))
        return lines

    def centred(self, text: str, font: str, size: float, space: float) -> list[Line]:
        """Centred lines; each ``|`` marks a place to break (GB/T 9704 7.3.1: 回行时词意完整,
        排列对称). The pieces between the marks are grouped into the fewest lines, the evenest
        of those groupings (梯形 or 菱形); only a piece wider than a line (a very long name)
        is broken inside, evenly."""
        measure = self.measure(font, size, space)
        pieces = [p for p in text.split(SOFT_BREAK) if p]
        out = []
        for line in group_pieces(pieces, measure, TEXT_W):
            for b in split_name(line, measure, TEXT_W) or balanced(line, measure, TEXT_W, size):
                out.append(Line(b.text, font, size, LEFT + (TEXT_W - b.width) / 2, space))
        return out

    def right(self, text: str, right_chars: float = 0.0) -> Line:
        w = self.body_width(text)
        return Line(
            text, self.fonts.body, BODY_PT, LEFT + TEXT_W - right_chars * self.char_w - w, self.body_space
        )

    def signature(self, name: str, when: str) -> list[Line]:
        """加盖印章的公文 (7.3.5.1): the date four characters from the right, the name centred over it."""
        c = self.char_w
        name_w, date_w = self.body_width(name), self.body_width(when)
        date_x = LEFT + TEXT_W - 4 * c - date_w
        centre = date_x + date_w / 2
        name_x = min(centre - name_w / 2, LEFT + TEXT_W - name_w)
        return [
            Line(name, self.fonts.body, BODY_PT, name_x, self.body_space, seal_x=centre),
            Line(when, self.fonts.body, BODY_PT, date_x, self.body_space),
        ]

    def attachment_note(self, attachments: tuple[Attachment, ...]) -> list[Line]:
        """附件说明 (7.3.4): one line under the text, two characters in, no closing stop."""
        if len(attachments) == 1:
            return self.paragraph(f"附件：{attachments[0].title}")
        lines = self.paragraph(f"附件：1．{attachments[0].title}")
        hang = LEFT + 5 * self.char_w
        for n, att in enumerate(attachments[1:], start=2):
            lines.append(Line(f"{n}．{att.title}", self.fonts.body, BODY_PT, hang, self.body_space))
        return lines

    def attachment(self, att: Attachment, n: int | None) -> list[list[Line]]:
        """An attachment's page: “附件” in 黑体 top left, its title on the third line, the table."""
        label = "附件" if n is None else f"附件{n}"
        head = [Line(label, self.fonts.heading or self.fonts.body, BODY_PT, LEFT), Line()]
        head += self.centred(att.title, self.fonts.title, TITLE_PT, self.title_space) + [Line()]
        blocks = [PAGE_BREAK, head]
        if not att.header:
            return blocks
        # each column as wide as its widest cell (plus a character), the spare width shared out
        cols = len(att.header)
        widest = [
            max(self.body_width(r[i]) for r in (att.header, *att.rows)) + self.char_w for i in range(cols)
        ]
        spare = max(0.0, TEXT_W - sum(widest)) / cols
        starts = [LEFT + sum(widest[:i]) + i * spare for i in range(cols)]

        def row(cells: tuple[str, ...]) -> Line:
            placed = []
            for i, text in enumerate(cells):
                w = self.body_width(text)
                placed.append((starts[i] + (widest[i] + spare - w) / 2, text))
            return Line(" ", self.fonts.body, BODY_PT, placed[0][0], self.body_space, cells=tuple(placed))

        blocks.append([row(att.header)])
        blocks.extend([row(r)] for r in att.rows)
        return blocks

    def blocks(self, letter: LetterText, layout: LetterLayout | None = None) -> list[list[Line]]:
        """The letter as blocks of lines that stay on one page together."""
        layout = layout or LetterLayout()
        blank = Line()
        plan = header_plan(layout)
        head = [blank] * plan.title_slot
        if plan.number_slot is not None:  # 文件: the 发文字号 centred under the 发文机关标志
            w = self.body_width(letter.number)
            head[plan.number_slot] = Line(
                letter.number, self.fonts.body, BODY_PT, LEFT + (TEXT_W - w) / 2, self.body_space
            )
        title = self.centred(letter.title, self.fonts.title, TITLE_PT, self.title_space)
        blocks: list[list[Line]] = [head + title + [blank]]
        addressee = self.paragraph(letter.addressee, indent_chars=0)
        body = [self.paragraph(p) for p in letter.paragraphs]
        if body:
            body[0] = addressee + body[0]
        else:
            body = [addressee]
        if letter.attachments:
            body.append([blank, *self.attachment_note(letter.attachments)])
        # two lines for the seal over the 署名 and the date
        tail = [blank, blank, *self.signature(letter.signature, date_text(letter.issued_on))]
        # the last two lines of the text go with the signature, never a signature alone on a page
        last = body.pop()
        keep = last[-2:]
        for lines in body:
            blocks.extend([ln] for ln in lines)
        blocks.extend([ln] for ln in last[: len(last) - len(keep)])
        blocks.append(keep + tail)
        many = len(letter.attachments) > 1
        for n, att in enumerate(letter.attachments, start=1):
            blocks.extend(self.attachment(att, n if many else None))
        return blocks


@lru_cache(maxsize=8)
def typesetter(fonts: LetterFonts) -> Typesetter:
    """The typesetter of these fonts, shared by the letters set with them."""
    return Typesetter(fonts)


def group_pieces(pieces: list[str], measure, width: float) -> list[str]:  # noqa: ANN001
    """Contiguous pieces joined into lines: fewest lines first, then the least uneven."""
    if not pieces:
        return [""]
    n = len(pieces)
    best: dict[int, tuple[int, float, list[str]]] = {0: (0, 0.0, [])}
    for end in range(1, n + 1):
        for start in range(end):
            if start not in best:
                continue
            line = "".join(pieces[start:end])
            w = measure(line)
            count = 1 if w <= width + 0.01 else len(break_paragraph(line, measure, width))
            if count > 1 and end - start > 1:
                continue  # only a single piece may be broken inside
            lines, spread, chosen = best[start]
            cand = (lines + count, spread + (width - min(w, width)) ** 2, [*chosen, line])
            if end not in best or cand[:2] < best[end][:2]:
                best[end] = cand
    return best[n][2]


NAME_ENDS = ("有限责任公司", "股份有限公司", "有限公司", "公司", "集团", "研究院", "研究所", "大学", "学院",
             "中心", "委员会", "管理委员会", "科技", "市", "区", "旗", "县")  # fmt: skip


def split_name(text: str, measure, width: float) -> list:  # noqa: ANN001
    """Two even lines for a name too long for one, broken after a word of the name (…公司 |
    …研究院, 包头市 | …) when such a break keeps the lines within a few characters of even."""
    if measure(text) <= width or measure(text) > 2 * width:
        return []
    best = None
    for k in range(1, len(text)):
        head, tail = text[:k], text[k:]
        w1, w2 = measure(head), measure(tail)
        if w1 > width + 0.01 or w2 > width + 0.01 or tail[0] in NO_START or head[-1] in NO_END:
            continue
        if not (head.endswith(NAME_ENDS) or tail.startswith(("（", "("))):
            continue
        score = abs(w1 - w2)
        if best is None or score < best[0]:
            best = (score, head, tail, w1, w2)
    if best is None or best[0] > width / 2:
        return []
    _, head, tail, w1, w2 = best
    return [BrokenLine(head, w1, False), BrokenLine(tail, w2, True)]


def balanced(text: str, measure, width: float, step: float) -> list:  # noqa: ANN001
    """Lines of even length (排列对称): the narrowest width that needs no more lines."""
    lines = break_paragraph(text, measure, width)
    if len(lines) < 2:
        return lines
    best, w = lines, width - step
    while w > step:
        trial = break_paragraph(text, measure, w)
        if len(trial) > len(lines):
            break
        best, w = trial, w - step
    return best


def paginate(blocks: Sequence[list[Line]]) -> list[list[Line]]:
    pages: list[list[Line]] = [[]]
    for block in blocks:
        if block is PAGE_BREAK:
            if pages[-1]:
                pages.append([])
            continue
        page = pages[-1]
        if len(page) + len(block) > LINES_PER_PAGE and page:
            pages.append([])
            page = pages[-1]
            block = list(block)
            while block and block[0].blank:  # no blank line at the top of a page
                block.pop(0)
        if len(block) > LINES_PER_PAGE:  # longer than a page (a very long title): let it run on
            for ln in block:
                if len(pages[-1]) >= LINES_PER_PAGE:
                    pages.append([])
                pages[-1].append(ln)
            continue
        page.extend(block)
    return pages


def page_number_text(n: int) -> str:
    return f"— {n} —"


def render_letter(
    letter: LetterText,
    fonts: LetterFonts,
    *,
    draft: bool = False,
    layout: LetterLayout | None = None,
    seal_outline: bool | None = None,
    test_marks: bool = False,
) -> bytes:
    """The PDF of one letter; the same letter, fonts and layout give the same bytes.

    ``draft`` marks every page “草稿 未签发” (a preview before a number is taken) and, unless
    ``seal_outline`` says otherwise, outlines where the seal goes; the outline is never in an
    issued letter. ``test_marks`` adds the corner marks of the 套打 test page."""
    layout = layout or LetterLayout()
    seal_outline = draft if seal_outline is None else seal_outline
    setter = typesetter(fonts)
    pages = paginate(setter.blocks(letter, layout))
    rows = banji_rows(layout, fonts.body)
    if rows and len(pages[-1]) + rows > LINES_PER_PAGE:
        pages.append([])  # the 版记 needs the bottom of a page of its own
    buf = io.BytesIO()
    stamp = f"D:{letter.issued_on:%Y%m%d}000000+08'00'"
    canvas = Canvas(
        buf, pagesize=A4, invariant=1, pageCompression=1, initialFontName=fonts.body, initialFontSize=BODY_PT
    )
    canvas.setDateFormatter(lambda *_: stamp)
    canvas.setTitle(letter.title.replace(SOFT_BREAK, ""))
    canvas.setAuthor(letter.signature)
    canvas.setSubject(letter.subject or letter.number)
    canvas.setCreator("科技兑现台 kjdesk")
    canvas.setProducer("科技兑现台 kjdesk")
    for page_no, lines in enumerate(pages, start=1):
        if draft:
            draw_draft_mark(canvas, fonts.title)
        canvas.saveState()
        if layout.kind == PREPRINTED:
            canvas.translate(layout.offset_x_mm * mm, -layout.offset_y_mm * mm)
        if page_no == 1:
            draw_header(canvas, layout, layout.mark_text(letter.signature), letter.number, fonts)
        top = PAGE_H - TOP
        for i, ln in enumerate(lines):
            if ln.blank:
                continue
            # centre the character box in the grid slot (CJK glyph centre ≈ 0.38 em above baseline)
            baseline = top - i * PITCH - PITCH / 2 - 0.38 * ln.size
            for x, piece in ln.cells or ((ln.x, ln.text),):
                text = canvas.beginText(x, baseline)
                text.setFont(ln.font, ln.size)
                text.setCharSpace(ln.char_space)
                text.textOut(piece)
                canvas.drawText(text)
            if ln.seal_x and seal_outline:
                draw_seal_outline(canvas, ln.seal_x, slot_top(i) + 0.3 * PITCH, fonts.body)
        if page_no == len(pages):
            draw_banji(canvas, layout, fonts.body, letter.issued_on)
        if test_marks:
            draw_test_marks(canvas, fonts.body, layout)
        if not (page_no == 1 and layout.header_kind == LETTER):  # 10.1: 首页不显示页码
            draw_page_number(canvas, fonts.number, page_no)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def render_test_page(layout: LetterLayout, fonts: LetterFonts, signature: str, number: str) -> bytes:
    """One page to print on the pre-printed paper: where the 发文字号, title and text land."""
    today = date(2000, 1, 1)
    text = LetterText(
        number=number,
        title="套打测试页",
        addressee="（主送单位）：",
        paragraphs=(
            "这是一页套打测试。请把它打印在本局预印的红头纸上，查看发文字号、标题和正文是否落在应在的位置；"
            "如有偏差，在“版式设置”中调整套打偏移后再打印一页。",
        ),
        signature=signature,
        issued_on=today,
        subject="套打测试页",
    )
    return render_letter(text, fonts, layout=layout, seal_outline=False, test_marks=True)


def draw_draft_mark(canvas: Canvas, font: str) -> None:
    canvas.saveState()
    canvas.setFillGray(0.82)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(35)
    canvas.setFont(font, 72)
    canvas.drawCentredString(0, 0, "草稿 未签发")
    canvas.restoreState()


def draw_page_number(canvas: Canvas, font: str, page_no: int) -> None:
    """四号 page number, its dashes 7 mm under the 版心; odd right, even left, one character in."""
    text = page_number_text(page_no)
    w = stringWidth(text, font, PAGE_NO_PT)
    bottom = PAGE_H - TOP - TEXT_H
    baseline = bottom - 7 * mm - 0.38 * PAGE_NO_PT
    x = LEFT + TEXT_W - PAGE_NO_PT - w if page_no % 2 else LEFT + PAGE_NO_PT
    canvas.setFont(font, PAGE_NO_PT)
    canvas.drawString(x, baseline, text)
