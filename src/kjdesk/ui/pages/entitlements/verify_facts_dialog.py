"""须核实的年度数据 (clauses.md D6): the figures the officer must confirm before their items pay.

The D6 migration renamed 研发费用加计扣除额 to 加计扣除研发费用 and marked every such figure
须核实: its value may be the 加计扣除额 (the extra deduction) instead of the expense itself. The
officer checks each against the 申报 documents and confirms it here (or enters / imports the right
figure, which confirms it too); the items computed from it are then recomputed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kjdesk.money import format_yuan, round_fen
from kjdesk.services.core.app import App
from kjdesk.services.register.records import FactToVerify, confirm_facts
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Operations

COLUMNS = [
    Column(1, "主体", width=200),
    Column(2, "代码", width=150),
    Column(3, "年度", width=50),
    Column(4, "指标", width=120),
    Column(5, "数值（元）", width=120, align_right=True),
    Column(6, "须核实原因", width=420),
]


class VerifyFactsDialog(BaseDialog):
    def __init__(
        self, app: App, ops: Operations, facts: list[FactToVerify], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.app, self.ops, self.facts = app, ops, facts
        self.setWindowTitle(self.tr("须核实的年度数据"))
        self.resize(1000, 420)
        box = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "以下数据须经办人核对后确认：数值应为已进行加计扣除的研发费用本身，不是加计扣除额（D6）。"
                "有误的请重新导入或录入正确数值（重新导入即视为确认）；核对无误的选中后点“确认所选数据”。"
                "确认前，用到这些数据的应享资金显示为“须核实”，不列入拨付计划，不能审批。"
            ),
            self,
        )
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.model = RowTableModel(COLUMNS, self)
        rows = [
            (
                f.id,
                f.subject_name,
                f.code,
                str(f.year),
                f.indicator,
                format_yuan(round_fen(f.value * 100)) if f.value is not None else f.text,
                f.reason,
            )
            for f in facts
        ]
        self.model.set_rows(rows)
        self.view = make_table_view(
            self.model, self, sortable=False, name="VerifyFactsDialog"
        )  # rows stay in self.facts order
        self.view.setObjectName("facts_to_verify")
        box.addWidget(self.view, 1)
        self.notice = QLabel(self.tr("没有须核实的年度数据") if not facts else "", self)
        self.notice.setObjectName("notice")
        box.addWidget(self.notice)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.confirm_button = buttons.addButton(
            self.tr("确认所选数据"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.confirm_button.setObjectName("confirm")
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.confirm_button.setEnabled(bool(self.selected_ids()))
        )

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [self.facts[r].id for r in sorted(rows) if 0 <= r < len(self.facts)]

    def confirm(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self.confirm_button.setEnabled(False)
        self.ops.write(lambda _p: confirm_facts(self.app, ids), self._confirmed)

    def _confirmed(self, n: int) -> None:
        self.notice.setText(self.tr("已确认 {n} 条数据，相关应享资金已重新计算").format(n=n))
        self.accept()
