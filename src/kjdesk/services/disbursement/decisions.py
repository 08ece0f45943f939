"""决定 (decisions) as records: a 会议纪要 / 局务会 / 主任办公会 entered once, chosen as the basis of many amounts.

``add_decision`` records one (number, date, title, optional file reference); ``list_decisions``
lists them with how many amounts rest on each; ``basis_of`` tells, for stored entitlements,
what their amount rests on (a decision, a 年度标准, the 自治区 allocation, or the clause's own text),
so the plan, the sheets and the letters can name it; ``citation`` is the letter's sentence
(“经乌海市科学技术局局务会议研究（纪要〔2026〕3号）”).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.store import audit
from kjdesk.store.models import Decision, EnteredAmount, Entitlement
from kjdesk.validation import normalize_text

DECISION_KINDS = ("局务会", "主任办公会", "党组会", "会议纪要")
_MEETINGS = {"局务会": "局务会议", "主任办公会": "主任办公会议", "党组会": "党组会议", "会议纪要": "会议"}


@dataclass(frozen=True)
class DecisionInput:
    kind: str
    number: str
    day: date
    title: str
    file_ref: str = ""


@dataclass(frozen=True)
class DecisionRow:
    id: int
    kind: str
    number: str
    day: date
    title: str
    file_ref: str
    label: str  # 局务会 纪要〔2026〕3号
    amounts: int = 0  # entered amounts resting on it
    amounts_fen: int = 0


@dataclass(frozen=True)
class Basis:
    """What one entitlement's amount rests on."""

    kind: str  # 决定 / 录入依据 / 年度标准 / 配套 / 政策原文
    text: str  # for the 依据 column
    decision: DecisionRow | None = None
    district_fen: int | None = None  # the 区财政 part, when recorded

    @property
    def label(self) -> str:
        return self.text


def decision_label(kind: str, number: str) -> str:
    return f"{kind} {number}"


def _row(d: Decision, amounts: int = 0, amounts_fen: int = 0) -> DecisionRow:
    return DecisionRow(
        d.id,
        d.kind,
        d.number,
        d.day,
        d.title,
        d.file_ref,
        decision_label(d.kind, d.number),
        amounts,
        amounts_fen,
    )


def check_decision(data: DecisionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in DECISION_KINDS:
        errors["kind"] = f"类型须为 {'、'.join(DECISION_KINDS)} 之一"
    if not normalize_text(data.number):
        errors["number"] = "请填写纪要编号，如 纪要〔2026〕3号"
    if not normalize_text(data.title):
        errors["title"] = "请填写议题或标题"
    if data.day > date.today():
        errors["day"] = "会议日期不能晚于今天"
    return errors


def add_decision(app: App, data: DecisionInput) -> DecisionRow:
    from kjdesk.services.core.officers import require_role

    require_role(app, "经办人", "管理员")
    errors = check_decision(data)
    if errors:
        raise ValidationFailed(errors)
    number = normalize_text(data.number)
    with app.db.session() as s:
        if s.scalar(select(Decision.id).where(Decision.number == number)) is not None:
            raise ValidationFailed({"number": f"编号“{number}”的决定已录入，可直接选用"})
        d = Decision(
            kind=data.kind,
            number=number,
            day=data.day,
            title=normalize_text(data.title),
            file_ref=normalize_text(data.file_ref),
            created_by=app.actor,
        )
        s.add(d)
        s.flush()
        audit.record(
            s,
            app.actor,
            "录入决定",
            "decision",
            d.id,
            None,
            {
                "kind": d.kind,
                "number": d.number,
                "day": d.day.isoformat(),
                "title": d.title,
                "file": d.file_ref,
            },
        )
        return _row(d)


def list_decisions(app: App) -> list[DecisionRow]:
    """Every decision, newest first, with the amounts that rest on it."""
    with app.db.session() as s:
        use = {  # the amounts in force (an entry replaced by a later one no longer counts)
            did: (int(n), int(total or 0))
            for did, n, total in s.execute(
                select(EnteredAmount.decision_id, func.count(), func.sum(EnteredAmount.amount_fen))
                .join(Entitlement, Entitlement.entered_amount_id == EnteredAmount.id)
                .where(EnteredAmount.decision_id.is_not(None))
                .group_by(EnteredAmount.decision_id)
            )
        }
        rows = s.scalars(select(Decision).order_by(Decision.day.desc(), Decision.id.desc())).all()
        return [_row(d, *use.get(d.id, (0, 0))) for d in rows]


def find_decision(session: Session, number_or_id: str | int) -> Decision:
    """A decision by its number (as written) or id; a clear refusal when there is none."""
    if isinstance(number_or_id, int):
        d = session.get(Decision, number_or_id)
    else:
        text = normalize_text(number_or_id)
        d = session.scalar(select(Decision).where(Decision.number == text))
        if d is None and text.isdigit():
            d = session.get(Decision, int(text))
    if d is None:
        raise ServiceError(
            f"没有编号为“{number_or_id}”的决定：请先录入（kjdesk decisions add，或在“录入金额”中新建决定）"
        )
    return d


def citation(bureau_name: str, decision: DecisionRow) -> str:
    """The letter's sentence: 经乌海市科学技术局局务会议研究（纪要〔2026〕3号）."""
    meeting = _MEETINGS.get(decision.kind, decision.kind)
    return f"经{bureau_name}{meeting}研究（{decision.number}）"


def basis_of(
    session: Session,
    entitlement_ids: Iterable[int],
    known: dict[int, tuple[str, int | None]] | None = None,
) -> dict[int, Basis]:
    """What each entitlement's amount rests on. ``known`` gives (basis, entered amount id) of
    entitlements the caller has read already (the plan and the list read them with their rows)."""
    ids = list(dict.fromkeys(entitlement_ids))
    if not ids:
        return {}
    ents: dict[int, tuple[str, int | None]] = dict(known or {})
    ids = [i for i in ids if i not in ents]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for eid, basis, entered_id in session.execute(
            select(Entitlement.id, Entitlement.basis, Entitlement.entered_amount_id).where(
                Entitlement.id.in_(chunk)
            )
        ):
            ents[eid] = (basis or "", entered_id)
    entry_ids = [e for _b, e in ents.values() if e is not None]
    entries: dict[int, tuple[str, int | None, int | None]] = {}
    for start in range(0, len(entry_ids), 500):
        for eid, basis, did, district in session.execute(
            select(
                EnteredAmount.id, EnteredAmount.basis, EnteredAmount.decision_id, EnteredAmount.district_fen
            ).where(EnteredAmount.id.in_(entry_ids[start : start + 500]))
        ):
            entries[eid] = (basis, did, district)
    decision_ids = {did for _b, did, _d in entries.values() if did is not None}
    decisions = (
        {d.id: _row(d) for d in session.scalars(select(Decision).where(Decision.id.in_(decision_ids)))}
        if decision_ids
        else {}
    )
    out: dict[int, Basis] = {}
    for eid, (basis, entered_id) in ents.items():
        basis = basis or ""
        entry = entries.get(entered_id) if entered_id is not None else None
        if entry is not None:
            text, did, district = entry
            decision = decisions.get(did) if did is not None else None
            if decision is not None:
                out[eid] = Basis(
                    "决定",
                    decision.label + (f"《{decision.title}》" if decision.title else ""),
                    decision,
                    district,
                )
            else:
                out[eid] = Basis("录入依据", text, None, district)
        elif "年度标准" in basis:
            out[eid] = Basis("年度标准", basis)
        elif basis:
            out[eid] = Basis("配套", basis)
        else:
            out[eid] = Basis("政策原文", "政策原文规定的金额")
    return out


def basis_detail(app: App, entitlement_id: int) -> str:
    """What the 复核人 reads before approving: the basis, the decision and the computation, one line each."""
    from kjdesk.money import format_yuan

    with app.db.session() as s:
        ent = s.get(Entitlement, entitlement_id)
        if ent is None:
            return "这条应享资金已不存在（可能已重新计算），请刷新"
        basis = basis_of(s, [ent.id]).get(ent.id)
        lines = []
        if basis is not None:
            lines.append(f"依据（{basis.kind}）：{basis.text}")
            d = basis.decision
            if d is not None:
                lines.append(f"决定：{d.kind}，{d.number}，{d.day.isoformat()}，{d.title}")
                if d.file_ref:
                    lines.append(f"决定文件：{d.file_ref}")
            if ent.entered_amount_id is not None:
                entry = s.get(EnteredAmount, ent.entered_amount_id)
                if entry is not None:
                    lines.append(
                        f"录入：{format_yuan(entry.amount_fen)} 元，拨付年度 {entry.year} 年，"
                        f"录入人 {entry.entered_by or '—'}（录入记录号 {entry.id}）"
                    )
            if basis.district_fen is not None and ent.entered_amount_id is not None:
                entry = s.get(EnteredAmount, ent.entered_amount_id)
                city_fen = (entry.amount_fen if entry else 0) - basis.district_fen
                lines.append(
                    f"分担：市级 {format_yuan(city_fen)} 元，区级 {format_yuan(basis.district_fen)} 元"
                )
        lines.append("计算说明：")
        lines += [f"  {ln}" for ln in ent.explanation.splitlines()]
        return "\n".join(lines)


def decision_id_of(app: App, number_or_id: str | int) -> int:
    """The id of a decision named by its number (as written) or id; a clear refusal when there is none."""
    with app.db.session() as s:
        return find_decision(s, number_or_id).id
