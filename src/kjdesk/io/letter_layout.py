"""The 版头 and 版记 of a letter after GB/T 9704-2012, in three layouts.

- 文件格式 (7.2): the red 发文机关标志 (“包头市科学技术局文件”) centred with its top 35 mm
  below the 版心's top edge; the 发文字号 centred two blank lines under it; a red line as
  wide as the 版心 4 mm under the 发文字号; the title two blank lines under the red line.
- 信函格式 (10.1): the red 发文机关标志 with its top 30 mm from the top of the page; a red
  double line (thick over thin) 4 mm under it and another (thin over thick) 20 mm from
  the bottom of the page, both 170 mm long and centred; the 发文字号 flush with the right
  edge of the 版心, 7/8 of a 三号 character under the first double line; the title two
  lines under it; no page number on the first page.
- 套打: nothing printed in the header area; the 发文字号 and everything else sit where the
  pre-printed paper (of the 文件 or 信函 kind) expects them, moved by an offset (mm) the
  officer adjusts with a one-page test print.

版记 (7.4): 抄送 in 四号, one character in from each side, a run-on line aligned after the
colon, ending with “。”; under it the 印发机关 (one character in) and the 印发日期 with
“印发” (one character in from the right); a thick line over the first element, a thin
line between 抄送 and 印发, a thick line on the bottom edge of the 版心 of the last page.
A 信函 has no 印发 line and no rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

FILE, LETTER, PREPRINTED = "文件", "信函", "套打"
LAYOUTS = (FILE, LETTER, PREPRINTED)

PAGE_W, PAGE_H = A4
LEFT, TOP = 28 * mm, 37 * mm
TEXT_W, TEXT_H = 156 * mm, 225 * mm
LINES_PER_PAGE = 22
PITCH = TEXT_H / LINES_PER_PAGE
CENTRE = LEFT + TEXT_W / 2  # 居中: on the 版心's centre line
BODY_PT, NOTE_PT = 16.0, 14.0  # 三号, 四号
RED = (1.0, 0.0, 0.0)

MARK_TOP_FILE = TOP + 35 * mm  # 7.2.4: 上边缘至版心上边缘为 35 mm
MARK_TOP_LETTER = 30 * mm  # 10.1: 上边缘至上页边为 30 mm
MARK_PT = {FILE: 44.0, LETTER: 36.0}
RED_LINE_GAP = 4 * mm  # 7.2.7 / 10.1
FILE_RULE_W = 0.75 * mm  # the red separator line (the standard leaves its weight open)
DOUBLE_LEN = 170 * mm
THICK, THIN, DOUBLE_GAP = 1.0 * mm, 0.35 * mm, 0.7 * mm
BOTTOM_DOUBLE = 20 * mm  # from the bottom edge of the page
CJK_ASCENT, CJK_DESCENT = 0.88, 0.12  # the character box of a CJK glyph, in em
SEAL_DIAMETER = 42 * mm


@dataclass(frozen=True)
class LetterLayout:
    """How the header and 版记 of a letter are printed (bureau settings, per batch override)."""

    kind: str = FILE
    organ: str = ""  # 发文机关标志 without “文件” ('' = the signature)
    cc: str = ""  # 抄送机关, separated by 、 or ，
    printer: str = ""  # 印发机关 ('' = no 印发 line)
    offset_x_mm: float = 0.0  # 套打: right is positive
    offset_y_mm: float = 0.0  # 套打: down is positive
    preprinted: str = FILE  # 套打: the kind of header the paper carries

    @property
    def header_kind(self) -> str:
        return self.preprinted if self.kind == PREPRINTED else self.kind

    @property
    def prints_header(self) -> bool:
        return self.kind != PREPRINTED

    def mark_text(self, signature: str) -> str:
        organ = (self.organ or signature).strip()
        if self.header_kind == FILE and not organ.endswith("文件"):
            organ += "文件"
        return organ

    def describe(self) -> str:
        if self.kind == PREPRINTED:
            return f"套打（{self.preprinted}格式底版，偏移 右{self.offset_x_mm:g} 毫米、下{self.offset_y_mm:g} 毫米）"
        return f"{self.kind}格式"


def y_of(from_top: float) -> float:
    """A distance from the top of the page → reportlab's y."""
    return PAGE_H - from_top


def slot_top(slot: int) -> float:
    """Distance from the top of the page to the top of a grid slot of the 版心."""
    return TOP + slot * PITCH


def slot_of(from_top: float) -> int:
    return max(0, math.floor((from_top - TOP) / PITCH))


def glyph_bottom_in_slot(slot: int, size: float) -> float:
    """Where the characters of a line in ``slot`` end (the renderer centres them in the slot)."""
    return slot_top(slot) + PITCH / 2 + 0.5 * size


@dataclass(frozen=True)
class HeaderPlan:
    """Grid slots of the first page: the 发文字号 (文件) and where the title begins."""

    number_slot: int | None  # None: the number is placed off the grid (信函)
    title_slot: int
    mark_top: float
    mark_bottom: float
    rule_at: float  # distance from the top of the page of the (first) red line


def header_plan(layout: LetterLayout) -> HeaderPlan:
    kind = layout.header_kind
    size = MARK_PT[kind]
    if kind == FILE:
        top = MARK_TOP_FILE
        bottom = top + size * (CJK_ASCENT + CJK_DESCENT)
        number_slot = slot_of(bottom) + 3  # 空二行
        rule = glyph_bottom_in_slot(number_slot, BODY_PT) + RED_LINE_GAP
        return HeaderPlan(number_slot, slot_of(rule) + 3, top, bottom, rule)
    top = MARK_TOP_LETTER
    bottom = top + size * (CJK_ASCENT + CJK_DESCENT)
    rule = bottom + RED_LINE_GAP
    number_bottom = letter_number_top(rule) + BODY_PT
    return HeaderPlan(None, slot_of(number_bottom) + 3, top, bottom, rule)


def letter_number_top(rule: float) -> float:
    """10.1: the 发文字号 is 7/8 of a 三号 character's height under the double line."""
    return rule + DOUBLE_GAP + THIN + BODY_PT * 7 / 8


def fitted_size(text: str, font: str, size: float, width: float) -> tuple[float, float]:
    """(font size, horizontal scale %) so the 发文机关标志 fits the 版心 (narrowed, never smaller)."""
    w = stringWidth(text, font, size)
    if w <= width:
        return size, 100.0
    return size, 100.0 * width / w


def draw_header(canvas: Canvas, layout: LetterLayout, mark: str, number: str, fonts) -> None:  # noqa: ANN001
    """The 版头 of the first page (nothing of it on pre-printed paper but the 信函 发文字号)."""
    plan = header_plan(layout)
    kind = layout.header_kind
    if layout.prints_header:
        size, scale = fitted_size(mark, fonts.title, MARK_PT[kind], TEXT_W if kind == FILE else DOUBLE_LEN)
        width = stringWidth(mark, fonts.title, size) * scale / 100
        canvas.saveState()
        canvas.setFillColorRGB(*RED)
        text = canvas.beginText(CENTRE - width / 2, y_of(plan.mark_top + CJK_ASCENT * size))
        text.setFont(fonts.title, size)
        text.setHorizScale(scale)
        text.textOut(mark)
        canvas.drawText(text)
        canvas.setStrokeColorRGB(*RED)
        if kind == FILE:
            canvas.setLineWidth(FILE_RULE_W)
            canvas.line(LEFT, y_of(plan.rule_at), LEFT + TEXT_W, y_of(plan.rule_at))
        else:
            double_line(canvas, plan.rule_at, thick_first=True)
            double_line(canvas, PAGE_H - BOTTOM_DOUBLE, thick_first=False)
        canvas.restoreState()
    if kind == LETTER:
        w = stringWidth(number, fonts.body, BODY_PT)
        top = letter_number_top(plan.rule_at)
        canvas.setFont(fonts.body, BODY_PT)
        canvas.drawString(LEFT + TEXT_W - w, y_of(top + CJK_ASCENT * BODY_PT), number)


def double_line(canvas: Canvas, at: float, *, thick_first: bool) -> None:
    """A red double line whose first (upper) rule starts at ``at`` (distance from the top)."""
    x0, x1 = CENTRE - DOUBLE_LEN / 2, CENTRE + DOUBLE_LEN / 2
    first, second = (THICK, THIN) if thick_first else (THIN, THICK)
    if not thick_first:  # the lower rule sits on ``at``: 20 mm from the bottom edge
        at = at - second - DOUBLE_GAP - first
    canvas.setLineWidth(first)
    canvas.line(x0, y_of(at + first / 2), x1, y_of(at + first / 2))
    canvas.setLineWidth(second)
    y2 = at + first + DOUBLE_GAP + second / 2
    canvas.line(x0, y_of(y2), x1, y_of(y2))


def cc_lines(cc: str, font: str, measure_width) -> list[str]:  # noqa: ANN001
    """抄送 lines: “抄送：A，B。”, a run-on line aligned after the colon."""
    from kjdesk.io.cjk_lines import break_paragraph

    names = [n.strip() for n in cc.replace("，", "、").replace(",", "、").split("、") if n.strip()]
    if not names:
        return []
    body = "，".join(names).rstrip("。") + "。"
    head = "抄送："
    indent = measure_width(head)
    width = TEXT_W - 2 * NOTE_PT - indent
    parts = break_paragraph(body, measure_width, width)
    return [head + parts[0].text] + ["\u3000" * 3 + p.text for p in parts[1:]]


def banji_rows(layout: LetterLayout, font: str) -> int:
    """How many grid slots the 版记 takes at the bottom of the last page."""
    measure = lambda t: stringWidth(t, font, NOTE_PT)  # noqa: E731
    rows = len(cc_lines(layout.cc, font, measure))
    if layout.header_kind == FILE and layout.printer.strip():
        rows += 1
    return rows


def draw_banji(canvas: Canvas, layout: LetterLayout, font: str, issued_on: date) -> None:
    """版记 at the bottom of the 版心 of the last page (7.4; 10.1 for 信函)."""
    measure = lambda t: stringWidth(t, font, NOTE_PT)  # noqa: E731
    cc = cc_lines(layout.cc, font, measure)
    printer = layout.printer.strip() if layout.header_kind == FILE else ""
    rows = len(cc) + (1 if printer else 0)
    if not rows:
        return
    bottom = TOP + TEXT_H  # distance from the page top of the 版心's bottom edge
    first_slot = LINES_PER_PAGE - rows
    canvas.saveState()
    canvas.setFont(font, NOTE_PT)
    canvas.setStrokeColorRGB(0, 0, 0)
    for i, text in enumerate(cc):
        baseline = slot_top(first_slot + i) + PITCH / 2 + 0.38 * NOTE_PT
        canvas.drawString(LEFT + NOTE_PT, y_of(baseline), text)
    if printer:
        baseline = slot_top(LINES_PER_PAGE - 1) + PITCH / 2 + 0.38 * NOTE_PT
        canvas.drawString(LEFT + NOTE_PT, y_of(baseline), printer)
        when = f"{issued_on.year}年{issued_on.month}月{issued_on.day}日印发"
        canvas.drawString(LEFT + TEXT_W - NOTE_PT - measure(when), y_of(baseline), when)
    if layout.header_kind == FILE:
        canvas.setLineWidth(0.35 * mm)
        top_rule = slot_top(first_slot)
        canvas.line(LEFT, y_of(top_rule), LEFT + TEXT_W, y_of(top_rule))
        canvas.line(LEFT, y_of(bottom), LEFT + TEXT_W, y_of(bottom))
        if cc and printer:
            canvas.setLineWidth(0.25 * mm)
            mid = slot_top(LINES_PER_PAGE - 1)
            canvas.line(LEFT, y_of(mid), LEFT + TEXT_W, y_of(mid))
    canvas.restoreState()


def draw_seal_outline(canvas: Canvas, centre_x: float, centre_from_top: float, font: str) -> None:
    """Where the seal goes (7.3.5.1): a light dashed circle, in the preview only."""
    canvas.saveState()
    canvas.setStrokeColorRGB(0.85, 0.55, 0.55)
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.6)
    canvas.circle(centre_x, y_of(centre_from_top), SEAL_DIAMETER / 2, stroke=1, fill=0)
    canvas.setFillColorRGB(0.85, 0.55, 0.55)
    canvas.setFont(font, 9)
    canvas.drawCentredString(
        centre_x, y_of(centre_from_top - SEAL_DIAMETER / 2 - 2 * mm), "盖章位置（仅预览显示）"
    )
    canvas.restoreState()


def draw_test_marks(canvas: Canvas, font: str, layout: LetterLayout) -> None:
    """套打测试页: corner marks of the 版心 and the offset in use."""
    canvas.saveState()
    canvas.setLineWidth(0.3)
    for x, top in ((LEFT, TOP), (LEFT + TEXT_W, TOP), (LEFT, TOP + TEXT_H), (LEFT + TEXT_W, TOP + TEXT_H)):
        canvas.line(x - 5 * mm, y_of(top), x + 5 * mm, y_of(top))
        canvas.line(x, y_of(top - 5 * mm), x, y_of(top + 5 * mm))
    canvas.setFont(font, 10)
    canvas.drawString(
        LEFT,
        y_of(TOP + TEXT_H - 4 * mm),
        f"套打测试页：当前偏移 向右 {layout.offset_x_mm:g} 毫米，向下 {layout.offset_y_mm:g} 毫米"
        "（文字偏左请加大“向右”，偏上请加大“向下”）",
    )
    canvas.restoreState()
