"""Verifying that the money is as the audit trail recorded it, in words an auditor reads.

``verify_all`` walks the hash chain, compares every money row with its seal (store/seal.py)
and the chain head with the anchors kept outside the database (services/safety/audit_anchor.py).
Each problem names the object (拨付记录 #7，某某公司，凭证号 记-001) and says what the
audit event recorded and what the row holds now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.money import format_yuan
from kjdesk.store import audit, seal
from kjdesk.store.db import Database
from kjdesk.store.models import AuditEvent, Entitlement, Instalment, Payment, Person, Platform, Unit

TABLE_LABELS = {
    "entitlements": "应享资金",
    "instalments": "拨付计划",
    "approval_batches": "报批批次",
    "payments": "拨付记录",
    "letters": "通知书",
    "entered_amounts": "录入金额",
    "clause_standards": "条款标准",
    "fund_receipts": "资金指标",
    "officers": "账号",
    "closed_years": "年度结账",
}
COLUMN_LABELS = {
    "amount_fen": "金额",
    "total_fen": "应享总额",
    "deducted_fen": "扣减金额",
    "pending_amount_fen": "待复核金额",
    "state": "状态",
    "status": "状态",
    "year": "年度",
    "entitlement_id": "应享资金",
    "instalment_id": "拨付计划",
    "batch_id": "报批批次",
    "approved_by": "审批人",
    "approved_at": "审批时间",
    "cancelled_by": "取消人",
    "cancelled_reason": "取消原因",
    "paid_on": "拨付日期",
    "voucher_no": "凭证号",
    "reverses_id": "冲销的记录",
    "reason": "原因",
    "recorded_by": "登记人",
    "recorded_at": "登记时间",
    "proposed_by": "报批人",
    "proposed_at": "报批时间",
    "reviewed_by": "复核人",
    "reviewed_at": "复核时间",
    "return_reason": "退回原因",
    "number": "发文字号",
    "addressee": "主送单位",
    "issued_on": "成文日期",
    "issued_by": "签发人",
    "sha256": "PDF 指纹",
    "void_reason": "作废原因",
    "role": "角色",
    "active": "启用",
    "password_hash": "密码",
    "must_change_password": "须改密码",
    "username": "用户名",
    "clause_id": "条款",
    "unit_id": "单位",
    "payee_unit_id": "收款单位",
    "received_on": "收到日期",
    "done_on": "下达日期",
    "closed_by": "关闭人",
}
STATE_WORDS = {
    "planned": "计划",
    "proposed": "已报批",
    "approved": "已审批",
    "paid": "已拨付",
    "cancelled": "已取消",
    "returned": "已退回",
}


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    text: str


def _value(column: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if column.endswith("_fen") and isinstance(value, int):
        return f"{format_yuan(value)} 元"
    if column == "password_hash":
        return "（密码摘要）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return STATE_WORDS.get(str(value), str(value))


def _subject_name(s: Session, unit_id: Any, platform_id: Any = None, person_id: Any = None) -> str:
    if unit_id:
        return s.scalar(select(Unit.name).where(Unit.id == unit_id)) or f"单位 {unit_id}"
    if platform_id:
        return s.scalar(select(Platform.name).where(Platform.id == platform_id)) or f"平台 {platform_id}"
    if person_id:
        return s.scalar(select(Person.name).where(Person.id == person_id)) or f"人员 {person_id}"
    return ""


def _entitlement_name(s: Session, entitlement_id: Any) -> str:
    e = s.get(Entitlement, entitlement_id) if entitlement_id else None
    if e is None:
        return ""
    return f"{_subject_name(s, e.payee_unit_id or e.unit_id, e.platform_id, e.person_id)}，{e.clause_id}"


def _instalment_name(s: Session, instalment_id: Any) -> str:
    i = s.get(Instalment, instalment_id) if instalment_id else None
    if i is None:
        return ""
    return f"{_entitlement_name(s, i.entitlement_id)}，{i.year} 年"


def object_name(s: Session, table: str, row_id: int | None, values: dict[str, Any]) -> str:
    """The object as an auditor knows it: 拨付记录 #7（某某公司，BT-06-hte-cert，2025 年，凭证号 记-001）."""
    label = TABLE_LABELS.get(table, table)
    detail = ""
    if table == "payments":
        inst = values.get("instalment_id")
        if inst is None and row_id is not None:
            inst = s.scalar(select(Payment.instalment_id).where(Payment.id == row_id))
        detail = "，".join(
            x for x in (_instalment_name(s, inst), f"凭证号 {values.get('voucher_no', '')}") if x
        )
    elif table == "instalments":
        ent = values.get("entitlement_id")
        detail = "，".join(x for x in (_entitlement_name(s, ent), f"{values.get('year', '')} 年") if x)
    elif table == "entitlements":
        detail = "，".join(
            x
            for x in (
                _subject_name(
                    s,
                    values.get("payee_unit_id") or values.get("unit_id"),
                    values.get("platform_id"),
                    values.get("person_id"),
                ),
                str(values.get("clause_id", "")),
            )
            if x
        )
    elif table == "approval_batches":
        detail = f"{values.get('year', '')} 年"
    elif table == "letters":
        return f"{label} {values.get('number', row_id)}（{values.get('addressee', '')}）"
    elif table == "officers":
        return f"{label}“{values.get('username', row_id)}”"
    elif table == "closed_years":
        return f"{label} {row_id} 年"
    elif table in ("entered_amounts", "clause_standards"):
        detail = "，".join(
            x
            for x in (
                _subject_name(s, values.get("unit_id"), values.get("platform_id"), values.get("person_id")),
                str(values.get("clause_id", "")),
                f"{values.get('year', '')} 年",
            )
            if x
        )
    return f"{label} #{row_id}" + (f"（{detail}）" if detail else "")


def _event_words(s: Session, event_id: int | None) -> str:
    ev = s.get(AuditEvent, event_id) if event_id else None
    if ev is None:
        return f"审计事件 #{event_id}（已不在数据库中）" if event_id else "审计记录"
    return f"审计事件 #{ev.id}（{ev.at:%Y-%m-%d %H:%M} UTC，{ev.actor}，{ev.action}）"


def describe(s: Session, p: seal.SealProblem) -> Problem:
    columns = seal.SEALED.get(p.table, ())
    recorded = dict(zip(columns, p.recorded or [], strict=False))
    current = dict(zip(columns, p.current or [], strict=False))
    if p.kind == "ledger":
        return Problem(
            p.event_id,
            f"资金封存记录被改动：{_event_words(s, p.event_id)}记录的资金行共 {p.recorded[0] if p.recorded else 0} 行，"
            f"封存表现有 {p.current[0] if p.current else 0} 行，摘要不符（封存表被直接改写）",
        )
    if p.kind == "inserted":
        shown = "，".join(
            f"{COLUMN_LABELS[c]} {_value(c, v)}"
            for c, v in current.items()
            if c in COLUMN_LABELS and v not in (None, "") and c != "password_hash"
        )
        return Problem(
            None,
            f"{object_name(s, p.table, p.row_id, current)}不是经本程序写入的（审计记录中没有它）："
            f"被直接插入数据库。现有内容：{shown}",
        )
    if p.recorded is None and p.kind in ("deleted", "changed"):
        return _digest_only(s, p, current)
    if p.kind == "deleted":
        shown = "，".join(
            f"{COLUMN_LABELS[c]} {_value(c, v)}"
            for c, v in recorded.items()
            if c in COLUMN_LABELS and v not in (None, "") and c != "password_hash"
        )
        return Problem(
            p.event_id,
            f"{object_name(s, p.table, p.row_id, recorded)}被直接从数据库删除：{_event_words(s, p.event_id)}记录为：{shown}",
        )
    diffs = [
        f"{COLUMN_LABELS.get(c, c)}：记录为 {_value(c, recorded.get(c))}，现为 {_value(c, current.get(c))}"
        for c in columns
        if recorded.get(c) != current.get(c)
    ]
    return Problem(
        p.event_id,
        f"{object_name(s, p.table, p.row_id, recorded)}被直接改动（未经本程序、无审计记录）："
        f"{_event_words(s, p.event_id)}之后，" + "；".join(diffs),
    )


def _digest_only(s: Session, p: seal.SealProblem, current: dict) -> Problem:
    """A row of a table whose seals keep the digest only (an entitlement): named, not compared."""
    if p.kind == "deleted":
        return Problem(
            p.event_id,
            f"{object_name(s, p.table, p.row_id, {})}被直接从数据库删除：{_event_words(s, p.event_id)}封存过它"
            "（此类记录的封存只保留摘要；重新计算应享资金可得出它应有的内容）",
        )
    shown = "，".join(
        f"{COLUMN_LABELS[c]} {_value(c, v)}"
        for c, v in current.items()
        if c in COLUMN_LABELS and v not in (None, "")
    )
    return Problem(
        p.event_id,
        f"{object_name(s, p.table, p.row_id, current)}被直接改动（未经本程序、无审计记录）："
        f"与{_event_words(s, p.event_id)}封存的内容不符（此类记录的封存只保留摘要；重新计算应享资金可得出它应有的内容）。"
        f"现有内容：{shown}",
    )


MAX_NAMED = 50  # a mass edit: the first rows named, the rest counted


def verify_all(db: Database, *, anchors: bool = True) -> list[Problem]:
    """Every problem found: the chain, the money rows against their seals, the anchors."""
    from kjdesk.services.safety.audit_anchor import anchor_problems

    with db.session() as s:
        out: list[Problem] = []
        broken = audit.verify_chain(s)
        if broken is not None:
            out.append(Problem(broken.event_id, broken.reason))
        if s.connection().dialect.has_table(s.connection(), "money_seals"):
            found = seal.check(s.connection())
            out.extend(describe(s, p) for p in found[:MAX_NAMED])
            if len(found) > MAX_NAMED:
                out.append(
                    Problem(None, f"另有 {len(found) - MAX_NAMED} 处资金记录与审计记录不符（未逐一列出）")
                )
        if anchors:
            out.extend(Problem(eid, reason) for eid, reason in anchor_problems(s, db))
        s.rollback()
    return out
