"""Two-person approval (maker–checker): a 经办人 proposes a batch, a 复核人 approves or returns it.

Nobody approves a batch they proposed. A 后补助 instalment is approved only when its
recognition has a 文号 and recorded evidence (D11); the refusal carries the missing items so
the window can offer to register the evidence in place. Cancelling an instalment needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App, Changes, ServiceError
from kjdesk.services.core.roles import ACTS, require
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.plan import load_rows
from kjdesk.services.register.evidence import MissingItem, missing_items
from kjdesk.store import audit
from kjdesk.store.concurrency import lock_name
from kjdesk.store.models import ApprovalBatch, Instalment, Payment, utcnow

MAKERS = ACTS["propose"]


class MissingForApproval(ServiceError):
    """Approval refused: ``items`` are the 后补助 items lacking a 文号 or 证明材料."""

    def __init__(self, message: str, items: list[MissingItem]):
        super().__init__(message)
        self.items = items


CHECKERS = ACTS["review"]
CHANGED = Changes(instalments=True)


@dataclass(frozen=True)
class BatchRow:
    id: int
    year: int
    state: str  # proposed / approved / returned
    state_label: str
    proposed_by: str
    proposed_at: datetime
    reviewed_by: str
    reviewed_at: datetime | None
    return_reason: str
    count: int
    amount_fen: int
    over_budget_reason: str = ""  # why the batch was proposed beyond the budget ceiling


BATCH_LABELS = {"proposed": "待复核", "approved": "已审批", "returned": "已退回"}


def _batch_row(s, b: ApprovalBatch) -> BatchRow:  # noqa: ANN001 - Session
    count, amount = s.execute(
        select(func.count(), func.coalesce(func.sum(Instalment.amount_fen), 0)).where(
            Instalment.batch_id == b.id
        )
    ).one()
    return BatchRow(
        b.id,
        b.year,
        b.state,
        BATCH_LABELS.get(b.state, b.state),
        b.proposed_by,
        b.proposed_at,
        b.reviewed_by,
        b.reviewed_at,
        b.return_reason,
        int(count),
        int(amount),
        b.over_budget_reason or "",
    )


def propose_batch(
    app: App,
    year: int,
    instalment_ids: Iterable[int] | None = None,
    note: str = "",
    over_budget_reason: str = "",
) -> BatchRow:
    """Put planned instalments of ``year`` (all of them when ``instalment_ids`` is None) into a new batch.

    A batch that would pass the year's budget ceiling needs ``over_budget_reason``."""
    from kjdesk.services.disbursement.budgets import over_budget, require_reason

    require(app, "propose")
    city = require_bureau(app).city
    with app.db.session() as s:
        lock_name(s, f"propose:{year}")  # two makers proposing the same year at once: one after the other
        if instalment_ids is None:
            rows = [r for r in load_rows(s, city, [year]) if r.state == "planned"]
            if not rows:
                raise ServiceError(f"{year} 年没有待报批的拨付计划")
        else:
            wanted = list(dict.fromkeys(instalment_ids))
            if not wanted:
                raise ServiceError("请至少选择一条拨付计划")
            rows = load_rows(s, city, ids=wanted)
            found = {r.instalment_id for r in rows}
            missing = [str(i) for i in wanted if i not in found]
            if missing:
                raise ServiceError(f"拨付计划 {'、'.join(missing)} 不存在或不是应享资金")
            for r in rows:
                if r.year != year:
                    raise ServiceError(
                        f"拨付计划 {r.instalment_id}（{r.unit_name}）属于 {r.year} 年，不是 {year} 年"
                    )
                if r.state != "planned":
                    raise ServiceError(
                        f"拨付计划 {r.instalment_id}（{r.unit_name}，{r.clause_title}）状态为“{r.state_label}”，"
                        "只有“计划”状态的可以报批"
                    )
        reason = require_reason(over_budget(s, city, year, rows), over_budget_reason)
        batch = ApprovalBatch(
            year=year,
            state="proposed",
            proposed_by=app.actor,
            proposed_at=utcnow(),
            note=note.strip(),
            over_budget_reason=reason,
        )
        s.add(batch)
        s.flush()
        ids = [r.instalment_id for r in rows]
        for inst in s.scalars(select(Instalment).where(Instalment.id.in_(ids))):
            inst.state = "proposed"
            inst.batch_id = batch.id
        audit.record(
            s,
            app.actor,
            "报批",
            "approval_batch",
            batch.id,
            None,
            {
                "year": year,
                "instalments": ids,
                "amount_fen": sum(r.amount_fen for r in rows),
                **({"over_budget_reason": reason} if reason else {}),
            },
        )
        return _batch_row(s, batch)


def _open_batch(s, batch_id: int) -> ApprovalBatch:  # noqa: ANN001 - Session
    # Locked until commit: a second checker acting on the same batch waits, then sees its new state.
    batch = s.get(ApprovalBatch, batch_id, with_for_update=True)
    if batch is None:
        raise ServiceError(f"报批批次 {batch_id} 不存在")
    if batch.state != "proposed":
        raise ServiceError(
            f"报批批次 {batch_id} 状态为“{BATCH_LABELS.get(batch.state, batch.state)}”，不能再复核"
            f"（{batch.reviewed_by or '其他同事'}已处理）"
        )
    return batch


def d11_problems(rows) -> list[str]:  # noqa: ANN001 - PlanRows
    """What each 后补助 instalment lacks before it may be approved (D11), one line per unit."""
    problems = []
    for r in rows:
        if r.payment_wording != "后补助":
            continue
        if r.recognition_id is None:
            continue  # computed from yearly facts (BT-05 …): the facts carry their own source document
        missing = []
        if not r.doc_number.strip():
            missing.append("认定文号")
        if not r.has_evidence:
            missing.append("佐证材料")
        if missing:
            problems.append(
                f"“{r.unit_name}”的{r.article}{r.clause_title}（拨付计划 {r.instalment_id}）为后补助，"
                f"缺少{'和'.join(missing)}"
            )
    return problems


def to_verify_problems(s, insts: list[Instalment]) -> list[str]:  # noqa: ANN001 - Session
    """Instalments whose entitlement now waits for a condition or a figure to be confirmed (D14, D6)."""
    from kjdesk.store.models import Entitlement

    ids = {i.entitlement_id for i in insts}
    if not ids:
        return []
    q = select(Entitlement).where(Entitlement.id.in_(ids), Entitlement.status == "须核实")
    out = []
    for ent in s.scalars(q):
        eid, clause_id = ent.id, ent.clause_id
        why = next(
            (ln for ln in reversed(ent.explanation.splitlines()) if ln.startswith("结论：")), "结论：须核实"
        )
        out.append(f"应享资金 {eid}（{clause_id}）{why.removeprefix('结论：')}")
    return out


def approve_batch(app: App, batch_id: int) -> BatchRow:
    require(app, "review")
    city = require_bureau(app).city
    with app.db.session() as s:
        batch = _open_batch(s, batch_id)
        if batch.proposed_by == app.actor:
            raise ServiceError(
                f"报批批次 {batch_id} 由您（{app.actor}）报批，不能由本人复核；请由另一位复核人审批"
            )
        insts = list(s.scalars(select(Instalment).where(Instalment.batch_id == batch.id)))
        rows = load_rows(s, city, ids=[i.id for i in insts])
        problems = d11_problems(rows)
        problems += to_verify_problems(s, insts)
        pending = [r for r in rows if r.pending_amount_fen is not None]
        for r in pending:
            problems.append(
                f"“{r.unit_name}”的拨付计划 {r.instalment_id} 金额待复核（计划 {format_yuan(r.amount_fen)} 元，"
                f"重算 {format_yuan(r.pending_amount_fen or 0)} 元），请先处理"
            )
        if problems:
            raise MissingForApproval(
                "不能审批：后补助须有认定文号和佐证材料才能审批，政策所附条件须先登记核实；以下各项须先补齐或核实：\n"
                + "\n".join(problems),
                missing_items(rows),
            )
        now = utcnow()
        for inst in insts:
            inst.state = "approved"
            inst.approved_by = app.actor
            inst.approved_at = now
        batch.state = "approved"
        batch.reviewed_by = app.actor
        batch.reviewed_at = now
        audit.record(
            s,
            app.actor,
            "审批",
            "approval_batch",
            batch.id,
            {"state": "proposed"},
            {"state": "approved", "instalments": [i.id for i in insts]},
        )
        return _batch_row(s, batch)


def return_batch(app: App, batch_id: int, reason: str) -> BatchRow:
    """Send a batch back to the 经办人 with a reason; its instalments become 计划 again."""
    require(app, "review")
    reason = reason.strip()
    if not reason:
        raise ServiceError("退回须填写原因")
    with app.db.session() as s:
        batch = _open_batch(s, batch_id)
        if batch.proposed_by == app.actor:
            raise ServiceError(f"报批批次 {batch_id} 由您（{app.actor}）报批，不能由本人复核")
        insts = list(s.scalars(select(Instalment).where(Instalment.batch_id == batch.id)))
        for inst in insts:
            inst.state = "planned"
            inst.batch_id = None
        batch.state = "returned"
        batch.reviewed_by = app.actor
        batch.reviewed_at = utcnow()
        batch.return_reason = reason
        batch.note = _with_ids(batch.note, insts)
        audit.record(
            s,
            app.actor,
            "退回",
            "approval_batch",
            batch.id,
            {"state": "proposed"},
            {"state": "returned", "reason": reason, "instalments": [i.id for i in insts]},
        )
        return _batch_row(s, batch)


def withdraw_batch(app: App, batch_id: int) -> BatchRow:
    """The proposer (or a 管理员) takes back a batch not yet reviewed; its instalments become 计划 again."""
    with app.db.session() as s:
        batch = _open_batch(s, batch_id)
        if batch.proposed_by != app.actor and app.role != "管理员":
            raise ServiceError("只有报批人本人可以撤回该批次")
        insts = list(s.scalars(select(Instalment).where(Instalment.batch_id == batch.id)))
        for inst in insts:
            inst.state = "planned"
            inst.batch_id = None
        batch.state = "returned"
        batch.return_reason = "报批人撤回"
        batch.reviewed_by = app.actor
        batch.reviewed_at = utcnow()
        batch.note = _with_ids(batch.note, insts)
        audit.record(
            s, app.actor, "撤回", "approval_batch", batch.id, {"state": "proposed"}, {"state": "returned"}
        )
        return _batch_row(s, batch)


def _with_ids(note: str, insts: list[Instalment]) -> str:
    ids = "、".join(str(i.id) for i in insts)
    return (note + "\n" if note else "") + f"退回时所含拨付计划：{ids}"


def list_batches(app: App, year: int | None = None) -> list[BatchRow]:
    with app.db.session() as s:
        q = select(ApprovalBatch).order_by(ApprovalBatch.id.desc())
        if year is not None:
            q = q.where(ApprovalBatch.year == year)
        return [_batch_row(s, b) for b in s.scalars(q)]


def cancel_instalment(app: App, instalment_id: int, reason: str) -> None:
    """Cancel an instalment nothing has been paid on; the reason is kept and audited."""
    require(app, "cancel")
    reason = reason.strip()
    if not reason:
        raise ServiceError("取消拨付计划须填写原因")
    with app.db.session() as s:
        inst = s.get(Instalment, instalment_id, with_for_update=True)  # a payment being entered waits
        if inst is None:
            raise ServiceError(f"拨付计划 {instalment_id} 不存在")
        if inst.state == "cancelled":
            raise ServiceError(f"拨付计划 {instalment_id} 已取消")
        paid = s.scalar(
            select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(Payment.instalment_id == inst.id)
        )
        if paid:
            raise ServiceError(
                f"拨付计划 {instalment_id} 已拨付 {format_yuan(int(paid))} 元，不能取消；如为误录，请先冲销拨付记录"
            )
        if inst.state == "proposed":
            raise ServiceError(
                f"拨付计划 {instalment_id} 在待复核的报批批次 {inst.batch_id} 中，请先退回或撤回该批次"
            )
        before = {"state": inst.state}
        inst.state = "cancelled"
        inst.cancelled_reason = reason
        inst.cancelled_by = app.actor
        audit.record(
            s, app.actor, "取消", "instalment", inst.id, before, {"state": "cancelled", "reason": reason}
        )


def accept_recomputed_amount(app: App, instalment_id: int) -> None:
    """A 复核人 accepts the amount a recomputation found for a locked instalment (待复核).

    The new amount replaces the old one; a new amount of 0 (a revocation) cancels the
    instalment. Money already paid above the new amount must be reversed first.
    """
    require(app, "review")
    with app.db.session() as s:
        inst = s.get(Instalment, instalment_id, with_for_update=True)  # a payment being entered waits
        if inst is None:
            raise ServiceError(f"拨付计划 {instalment_id} 不存在")
        if inst.pending_amount_fen is None:
            raise ServiceError(f"拨付计划 {instalment_id} 没有待复核的金额")
        paid = int(
            s.scalar(
                select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(Payment.instalment_id == inst.id)
            )
        )
        new = inst.pending_amount_fen
        if paid > new:
            raise ServiceError(
                f"拨付计划 {instalment_id} 已拨付 {format_yuan(paid)} 元，高于重算金额 {format_yuan(new)} 元；"
                "请先冲销多拨的部分，或与财务核对后再处理"
            )
        before = {"state": inst.state, "amount_fen": inst.amount_fen, "pending_amount_fen": new}
        if new == 0:
            inst.state = "cancelled"
            inst.cancelled_reason = inst.review_note or "重算后不再应享"
            inst.cancelled_by = app.actor
        else:
            inst.amount_fen = new
            if inst.state in ("approved", "paid"):
                inst.state = "paid" if paid == new else "approved"
        inst.pending_amount_fen = None
        inst.review_note = ""
        after = {"state": inst.state, "amount_fen": inst.amount_fen}
        audit.record(s, app.actor, "接受重算金额", "instalment", inst.id, before, after)
