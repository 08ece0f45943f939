"""登记佐证材料: one description or file reference of the evidence for many recognitions at once.

Opened from the 认定记录 page (the selected or the filtered records) and from 计划与审批
(the 后补助 items that lack evidence, or the items an approval refusal listed).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App
from kjdesk.services.register.evidence import EvidenceResult, register_evidence
from kjdesk.ui.dialogs import BaseDialog, inform
from kjdesk.ui.workers import Operations


class EvidenceDialog(BaseDialog):
    """Asks for the 证明材料 (and a 文号 for the records without one) and registers it on ``ids``."""

    def __init__(
        self,
        app: App,
        ops: Operations,
        recognition_ids: list[int],
        what: str,
        parent: QWidget | None = None,
        *,
        lacking_doc: int = 0,
    ) -> None:
        super().__init__(parent)
        self.app, self.ops, self.ids = app, ops, list(dict.fromkeys(recognition_ids))
        self.result_value: EvidenceResult | None = None
        self.setWindowTitle(self.tr("登记佐证材料"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "为{what}（共 {n} 条认定记录）登记同一份证明材料。后补助须有认定文号和证明材料才能审批。"
            ).format(what=what, n=len(self.ids)),
            self,
        )
        intro.setObjectName("intro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.tr("证明材料（材料名称、存放位置或文件路径）："), self))
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("evidence")
        self.text.setPlaceholderText(self.tr("例如：认定文件及证书复印件已存档（2023 年档案盒 12）"))
        self.text.setFixedHeight(80)
        layout.addWidget(self.text)
        pick = QPushButton(self.tr("选择文件…"), self)
        pick.setObjectName("pick_file")
        pick.setToolTip(self.tr("把一个文件（如扫描件）的位置填入证明材料"))
        pick.clicked.connect(self._pick_file)
        row = QHBoxLayout()
        row.addWidget(pick)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("认定文号（只填入还没有文号的记录，可不填）："), self))
        self.doc = QLineEdit(self)
        self.doc.setObjectName("doc_number")
        if lacking_doc:
            self.doc.setPlaceholderText(self.tr("其中 {n} 条还没有认定文号").format(n=lacking_doc))
        layout.addWidget(self.doc)
        self.replace = QCheckBox(self.tr("已有证明材料的记录也改为这份材料"), self)
        self.replace.setObjectName("replace")
        layout.addWidget(self.replace)
        self.problem = QLabel("", self)
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b00020;")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton(self.tr("登记"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("ok")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.textChanged.connect(self._check)
        self.doc.textChanged.connect(self._check)
        self._check()

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择证明材料文件"))
        if path:
            self.text.setPlainText(path)

    def _check(self) -> None:
        self.ok.setEnabled(
            bool(self.text.toPlainText().strip() or self.doc.text().strip()) and bool(self.ids)
        )

    def _save(self) -> None:
        text, doc, replace = self.text.toPlainText(), self.doc.text(), self.replace.isChecked()
        self.ok.setEnabled(False)
        self.ops.write(
            lambda _p: register_evidence(self.app, self.ids, text, doc_number=doc, replace=replace),
            self._saved,
            self._failed,
        )

    def _saved(self, result: EvidenceResult) -> None:
        self.result_value = result
        self.accept()
        kept = f"，{result.unchanged} 条已有证明材料未改动" if result.unchanged else ""
        inform(
            self.parentWidget(),
            self.tr("登记佐证材料"),
            f"已为 {result.updated} 条认定记录登记证明材料{kept}。",
        )

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
        self._check()
