"""The table of the 应享资金 page: its columns, its model and the words behind its cells.

One row per instalment (``EntitlementLine``), as a tuple for ``RowTableModel``; the model shows
money in 元 (right-aligned, ``format_yuan``), 待录入 for an amount still to be entered, the
meaning of each 状态, 拨付状态 and 支持方式 as a tooltip, and 待复核 lines in orange.
``line_html`` is the detail pane of one line.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kjdesk.money import format_yuan
from kjdesk.services.entitlements.listing import EntitlementLine
from kjdesk.services.entitlements.policy_view import PAYMENT_WORDING_TIPS
from kjdesk.ui.pages.entitlements.explanation import explanation_html, review_html
from kjdesk.ui.table import Column, RowTableModel

KIND_PREFIX = {"platform": "平台：", "person": "人员：", "unit": ""}
STATUS_TIPS = {
    "应享": "符合条款条件，按计划年度列入拨付",
    "待录入金额": "条款未规定固定金额，须由经办人录入金额及依据（文号或会议纪要）后才列入计划",
    "不重复享受": "同一不重复组中已按从新从高享受其他条款，本条不再支付（详见说明）",
    "无适用政策": "认定日期早于政策施行日期或不在本市，不予支付",
    "已取消": "认定撤销、过期或单位迁出，未拨付的年度已取消",
    "不符合条件": "不满足条款条件（详见说明）",
    "须核实": "政策原文附加的条件尚未登记，或所用年度数据待核实；登记或核实前不列入计划、不能审批（详见说明）",
}
STATE_TIPS = {
    "计划": "已列入拨付计划，尚未报批",
    "已报批": "已随年度计划报批，金额不再随重算改变",
    "已审批": "已审批，金额不再随重算改变；重算不同时标记待复核",
    "已拨付": "已拨付，金额不再改变",
    "已取消": "该年度不再拨付（原因见说明）",
}
REVIEW_MARK = "待复核"
AWAITING = "待录入金额"

# Row tuple: (index in page.lines, unit, subject, district, clause, year, amount_fen, status,
#             state, wording, review mark, review note, clause id)
F_UNIT, F_SUBJECT, F_DISTRICT, F_CLAUSE, F_YEAR, F_AMOUNT, F_STATUS, F_STATE, F_WORDING, F_REVIEW, F_NOTE = (
    range(1, 12)
)
F_CLAUSE_ID = 12
COLUMNS = [
    Column(F_UNIT, "单位", "受款单位（平台的依托单位、人员的工作单位）", width=235, searchable=True),
    Column(
        F_SUBJECT,
        "对象",
        "享受政策的主体：单位本身、其平台或其人员",
        width=110,
        max_width=160,
        searchable=True,
    ),
    Column(F_DISTRICT, "旗县区", width=80, searchable=True),
    Column(F_CLAUSE, "条款", "条款序号与名称，如政策原文（条款详情见“政策”页）", width=215, searchable=True),
    Column(F_YEAR, "年度", "拨付年度", width=50),
    Column(F_AMOUNT, "金额（元）", "该年度应拨金额，单位元", width=112, align_right=True),
    Column(
        F_STATUS, "状态", "应享、待录入金额、须核实、不重复享受、无适用政策、已取消、不符合条件", width=80
    ),
    Column(F_STATE, "拨付状态", "计划 → 已报批 → 已审批 → 已拨付，或已取消", width=70),
    Column(F_WORDING, "支持方式", "政策原文的支持方式：后补助、资金支持、奖励等", width=70),
    Column(F_REVIEW, "复核", "重算金额与已审批或已拨付金额不同时标记待复核", width=48),
]


class EntitlementModel(RowTableModel):
    """The register table model with money shown in 元 and words behind 状态 and 支持方式."""

    money_fields = (F_AMOUNT,)

    def export_value(self, row: tuple, column: int) -> object:
        if self.columns[column].field == F_AMOUNT and row[F_STATUS] == AWAITING and not row[F_AMOUNT]:
            return "待录入"
        return super().export_value(row, column)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        row = self.row_tuple(index.row())
        field = self.columns[index.column()].field
        if role == Qt.ItemDataRole.DisplayRole and field == F_AMOUNT:
            if row[F_STATUS] == AWAITING and not row[F_AMOUNT]:
                return "待录入"
            return format_yuan(row[F_AMOUNT])
        if role == Qt.ItemDataRole.ToolTipRole:
            if field == F_STATUS:
                return STATUS_TIPS.get(row[F_STATUS], "")
            if field == F_STATE:
                return STATE_TIPS.get(row[F_STATE], "")
            if field == F_WORDING:
                return PAYMENT_WORDING_TIPS.get(row[F_WORDING], "")
            if field == F_REVIEW and row[F_NOTE]:
                return row[F_NOTE]
            if field == F_CLAUSE:  # the whole name, and the catalog id for whoever needs it
                return f"{row[F_CLAUSE]}\n条款编号：{row[F_CLAUSE_ID]}"
            if field in (F_UNIT, F_SUBJECT):
                return row[field]  # the whole text of a cell the column may cut short
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if field == F_REVIEW and row[F_REVIEW]:
                return QBrush(QColor("#b34700"))
            if row[F_STATUS] not in ("应享", "待录入金额") or row[F_STATE] == "已取消":
                return QBrush(QColor("#888888"))
            return None
        if role == Qt.ItemDataRole.BackgroundRole and row[F_REVIEW]:
            return QBrush(QColor("#fff1e0"))
        return super().data(index, role)


def line_row(i: int, ln: EntitlementLine) -> tuple:
    """The table row of the ``i``-th line of the page."""
    subject = "本单位" if ln.subject_kind == "unit" else KIND_PREFIX[ln.subject_kind] + ln.subject_name
    review = (
        REVIEW_MARK if ln.pending_amount_fen is not None or ln.review_note.startswith(REVIEW_MARK) else ""
    )
    clause = clause_words(ln.article, ln.clause_title, ln.clause_id)
    return (
        i,
        ln.unit_name,
        subject,
        ln.district,
        clause,
        ln.year,
        ln.amount_fen,
        ln.status,
        ln.state,
        ln.payment_wording,
        review,
        ln.review_note,
        ln.clause_id,
    )


def clause_words(article: str, title: str, clause_id: str) -> str:
    """A clause as the policy names it: "（六）国家高新技术企业认定" (the catalog id only when it has no title)."""
    return f"{article}{title}" if title else clause_id


def line_html(ln: EntitlementLine, explanation: str | None = None) -> str:
    """The detail pane of one line: who, how much, its state, then the explanation (``explanation``,
    read for this line, or the line's own)."""
    subject = (
        ln.subject_name if ln.subject_kind == "unit" else f"{KIND_PREFIX[ln.subject_kind]}{ln.subject_name}"
    )
    who = escape(ln.unit_name) + (f"（{escape(subject)}）" if ln.subject_kind != "unit" else "")
    code = ln.credit_code or ln.person_id_masked
    year = f"{ln.year} 年" if ln.year is not None else "未分年度"
    money = f"{year}：<b>{format_yuan(ln.amount_fen)}</b> 元"
    if ln.status == AWAITING and not ln.amount_fen:
        money = "金额：<b>待经办人录入</b>（选中后点“录入金额…”）"
        if ln.year is not None:
            money += f"<br>所属年度：{ln.year} 年（认定年度；决定后按所定拨付年度列入计划）"
    if ln.total_fen != ln.amount_fen:
        money += f"（本条合计 {format_yuan(ln.total_fen)} 元）"
    state = f"{escape(ln.status)}" + (f"，{escape(ln.state)}" if ln.state else "")
    wording = ""
    if ln.payment_wording:
        tip = PAYMENT_WORDING_TIPS.get(ln.payment_wording, ln.payment_wording)
        wording = f"<br><span style='color:#555'>支持方式：{escape(tip)}</span>"
    if getattr(ln, "basis", ""):
        wording += f"<br>依据：{escape(ln.basis)}"
    return (
        f"<h3 style='margin:0'>{who}</h3>"
        f"<p style='margin:2px 0; color:#555'>{escape(code)}　{escape(ln.district)}</p>"
        f"<p style='margin:6px 0'>{money}<br>状态：{state}{wording}</p>"
        + review_html(ln.review_note)
        + "<hr>"
        + explanation_html(ln.explanation if explanation is None else explanation)
    )
