"""Payments finance made against approved instalments, reversals, and closed years.

A payment is never edited or deleted: a mistake is corrected by a reversal entry (a
negative amount pointing at the payment, with a reason). An instalment's paid total never
exceeds its amount; it becomes 已拨付 when fully paid and 已审批 again after a reversal.
A closed year (services/disbursement/years.py) accepts no payment or reversal until a 管理员 reopens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.roles import ACTS, require
from kjdesk.services.disbursement.years import check_year_open
from kjdesk.store import audit
from kjdesk.store.models import Instalment, Payment, utcnow

RECORDERS = ACTS["pay"]


@dataclass(frozen=True)
class PaymentRow:
    id: int
    instalment_id: int
    paid_on: date
    voucher_no: str
    amount_fen: int
    reverses_id: int | None
    reason: str
    recorded_by: str
    recorded_at: datetime
    reversed_by_id: int | None  # the reversal entry of this payment, if any


def _row(p: Payment, reversed_by: int | None = None) -> PaymentRow:
    return PaymentRow(
        p.id,
        p.instalment_id,
        p.paid_on,
        p.voucher_no,
        p.amount_fen,
        p.reverses_id,
        p.reason,
        p.recorded_by,
        p.recorded_at,
        reversed_by,
    )


def paid_total(s: Session, instalment_id: int) -> int:
    return int(
        s.scalar(
            select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
                Payment.instalment_id == instalment_id
            )
        )
    )


def record_payment(
    app: App, instalment_id: int, paid_on: date, voucher_no: str, amount_fen: int
) -> PaymentRow:
    """Record what finance paid (all or part of an approved instalment)."""
    require(app, "pay")
    voucher_no = voucher_no.strip()
    if not voucher_no:
        raise ServiceError("请填写凭证号")
    if amount_fen <= 0:
        raise ServiceError("拨付金额必须大于零；更正已登记的拨付请使用“冲销”")
    with app.db.session() as s:
        # Locked until commit: an officer paying the same instalment at once waits, then sees our payment.
        inst = s.get(Instalment, instalment_id, with_for_update=True)
        if inst is None:
            raise ServiceError(f"拨付计划 {instalment_id} 不存在")
        if inst.state == "paid":
            raise ServiceError(
                f"拨付计划 {instalment_id} 已全额拨付（如非您本人登记，则是其他同事刚刚登记了拨付）"
            )
        if inst.state != "approved":
            raise ServiceError(f"拨付计划 {instalment_id} 尚未经复核人审批，不能登记拨付")
        if inst.approved_by == app.actor:
            raise ServiceError(
                f"拨付计划 {instalment_id} 由您（{app.actor}）审批，审批人不能登记自己审批的拨付；请由经办人登记"
            )
        check_year_open(s, paid_on.year, "拨付记录")
        paid = paid_total(s, inst.id)
        open_fen = inst.amount_fen - paid
        if amount_fen > open_fen:
            raise ServiceError(
                f"拨付金额 {format_yuan(amount_fen)} 元超过该计划尚未拨付的 {format_yuan(open_fen)} 元"
                f"（计划 {format_yuan(inst.amount_fen)} 元，已拨 {format_yuan(paid)} 元）"
            )
        payment = Payment(
            instalment_id=inst.id,
            paid_on=paid_on,
            voucher_no=voucher_no,
            amount_fen=amount_fen,
            recorded_by=app.actor,
            recorded_at=utcnow(),
        )
        s.add(payment)
        if paid + amount_fen == inst.amount_fen:
            inst.state = "paid"
        s.flush()
        audit.record(
            s,
            app.actor,
            "登记拨付",
            "payment",
            payment.id,
            None,
            {
                "instalment_id": inst.id,
                "paid_on": paid_on,
                "voucher_no": voucher_no,
                "amount_fen": amount_fen,
            },
        )
        return _row(payment)


def reverse_payment(app: App, payment_id: int, reason: str, on: date | None = None) -> PaymentRow:
    """Enter the reversal of a payment (negative amount, with a reason); the amount is open again."""
    require(app, "pay")
    reason = reason.strip()
    if not reason:
        raise ServiceError("冲销须填写原因")
    on = on or date.today()
    with app.db.session() as s:
        original = s.get(Payment, payment_id)
        if original is None:
            raise ServiceError(f"拨付记录 {payment_id} 不存在")
        inst = s.get(Instalment, original.instalment_id, with_for_update=True)  # one reversal at a time
        assert inst is not None
        if inst.approved_by == app.actor:
            raise ServiceError(f"拨付计划 {inst.id} 由您（{app.actor}）审批，审批人不能冲销该计划的拨付记录")
        if original.reverses_id is not None or original.amount_fen <= 0:
            raise ServiceError(f"拨付记录 {payment_id} 本身是冲销记录，不能再冲销")
        done = s.scalar(select(Payment.id).where(Payment.reverses_id == original.id))
        if done is not None:
            raise ServiceError(f"拨付记录 {payment_id} 已被冲销（冲销记录 {done}）")
        check_year_open(s, original.paid_on.year, "拨付记录")
        check_year_open(s, on.year, "拨付记录")
        reversal = Payment(
            instalment_id=original.instalment_id,
            paid_on=on,
            voucher_no=original.voucher_no,
            amount_fen=-original.amount_fen,
            reverses_id=original.id,
            reason=reason,
            recorded_by=app.actor,
            recorded_at=utcnow(),
        )
        s.add(reversal)
        if inst.state == "paid":
            inst.state = "approved"
        s.flush()
        audit.record(
            s,
            app.actor,
            "冲销拨付",
            "payment",
            reversal.id,
            {"payment_id": original.id, "amount_fen": original.amount_fen},
            {"reverses_id": original.id, "amount_fen": -original.amount_fen, "reason": reason},
        )
        return _row(reversal)


def list_payments(app: App, instalment_id: int | None = None, year: int | None = None) -> list[PaymentRow]:
    with app.db.session() as s:
        q = select(Payment).order_by(Payment.id)
        if instalment_id is not None:
            q = q.where(Payment.instalment_id == instalment_id)
        if year is not None:
            q = q.join(Instalment, Payment.instalment_id == Instalment.id).where(Instalment.year == year)
        payments = list(s.scalars(q))
        reversed_by = {p.reverses_id: p.id for p in payments if p.reverses_id is not None}
        return [_row(p, reversed_by.get(p.id)) for p in payments]
