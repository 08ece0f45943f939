"""证明材料 in bulk: what 后补助 items lack before approval, and one description for many records.

A 后补助 instalment is approved only when its recognition has a 文号 and recorded evidence
(证明材料). For hundreds of 高企 a year an officer registers one description or file
reference ("认定文件及证书复印件已存档于 2023 年档案盒 12") for all of them at once;
each record changed leaves its own audit event (before and after).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from kjdesk.services.core.app import App, Changes, ServiceError
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.plan import load_rows
from kjdesk.store import audit
from kjdesk.store.models import ApprovalBatch, Instalment, Recognition
from kjdesk.validation import normalize_text

CHANGED = Changes(recognitions=True)
EVIDENCE_LIMIT = 2000
DOC_LIMIT = 100


@dataclass(frozen=True)
class MissingItem:
    """One 后补助 instalment that cannot be approved yet, and what its recognition lacks."""

    instalment_id: int
    recognition_id: int
    year: int
    unit_name: str
    clause: str  # as the policy names it: "（六）国家高新技术企业认定"
    lacks_doc: bool
    lacks_evidence: bool

    @property
    def lacks(self) -> str:
        parts = [w for w, flag in (("认定文号", self.lacks_doc), ("证明材料", self.lacks_evidence)) if flag]
        return "和".join(parts)


@dataclass(frozen=True)
class EvidenceResult:
    updated: int  # records whose 证明材料 (or 文号) changed
    unchanged: int  # records that already had it (kept: replace=False) or had the same text
    recognition_ids: tuple[int, ...]


def missing_items(rows) -> list[MissingItem]:  # noqa: ANN001 - PlanRows
    """The 后补助 rows whose recognition lacks a 文号 or 证明材料 (rows from facts carry their own source)."""
    out = []
    for r in rows:
        if r.payment_wording != "后补助" or r.recognition_id is None:
            continue
        lacks_doc, lacks_ev = not r.doc_number.strip(), not r.has_evidence
        if lacks_doc or lacks_ev:
            out.append(
                MissingItem(
                    r.instalment_id,
                    r.recognition_id,
                    r.year,
                    r.unit_name,
                    f"{r.article}{r.clause_title}",
                    lacks_doc,
                    lacks_ev,
                )
            )
    return out


def missing_for_approval(
    app: App,
    *,
    year: int | None = None,
    batch_id: int | None = None,
    instalment_ids: Iterable[int] | None = None,
) -> list[MissingItem]:
    """What stands between these 后补助 items and approval: a batch's, a year's open items, or chosen ones."""
    city = require_bureau(app).city
    with app.db.session() as s:
        if batch_id is not None:
            if s.get(ApprovalBatch, batch_id) is None:
                raise ServiceError(f"报批批次 {batch_id} 不存在")
            ids = list(s.scalars(select(Instalment.id).where(Instalment.batch_id == batch_id)))
            rows = load_rows(s, city, ids=ids)
        elif instalment_ids is not None:
            rows = load_rows(s, city, ids=list(instalment_ids))
        else:
            rows = [
                r
                for r in load_rows(s, city, [year] if year is not None else None)
                if r.state in ("planned", "proposed")
            ]
    return missing_items(rows)


def register_evidence(
    app: App,
    recognition_ids: Iterable[int],
    text: str,
    *,
    doc_number: str = "",
    replace: bool = False,
) -> EvidenceResult:
    """Record one 证明材料 description (and, where a record has none, one 文号) on many recognitions.

    Records that already have 证明材料 keep it unless ``replace``; a 文号 is only filled where
    it is blank (a 文号 already recorded is never overwritten in bulk). All or nothing.
    """
    from kjdesk.services.core.officers import require_role  # officers imports services.app

    require_role(app, "经办人", "复核人", "管理员")
    text = normalize_text(text)
    doc_number = normalize_text(doc_number)
    if not text and not doc_number:
        raise ServiceError("请填写证明材料（材料名称、存放位置或文件路径）")
    if len(text) > EVIDENCE_LIMIT:
        raise ServiceError(f"证明材料不能超过 {EVIDENCE_LIMIT} 个字")
    if len(doc_number) > DOC_LIMIT:
        raise ServiceError(f"文号不能超过 {DOC_LIMIT} 个字")
    wanted = list(dict.fromkeys(int(i) for i in recognition_ids))
    if not wanted:
        raise ServiceError("请至少选择一条认定记录")
    updated = unchanged = 0
    with app.db.session() as s:
        recs = {r.id: r for r in s.scalars(select(Recognition).where(Recognition.id.in_(wanted)))}
        gone = [str(i) for i in wanted if i not in recs]
        if gone:
            raise ServiceError(f"认定记录（编号 {'、'.join(gone)}）不存在，可能已被删除；未作任何修改")
        for rid in wanted:
            rec = recs[rid]
            before: dict[str, str] = {}
            after: dict[str, str] = {}
            if text and rec.evidence.strip() != text and (replace or not rec.evidence.strip()):
                before["evidence"], after["evidence"] = rec.evidence, text
                rec.evidence = text
            if doc_number and not rec.doc_number.strip():
                before["doc_number"], after["doc_number"] = rec.doc_number, doc_number
                rec.doc_number = doc_number
            if not after:
                unchanged += 1
                continue
            updated += 1
            audit.record(s, app.actor, "登记证明材料", "recognition", rec.id, before, after)
    return EvidenceResult(updated, unchanged, tuple(wanted))
