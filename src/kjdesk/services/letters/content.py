"""What a letter says: the values of its template, gathered from the register and the catalog.

The policy's title and 文号 and the clause's article and sentence come from the policy
catalog (``policy.catalog.load_builtin``); the recognition, the unit and the amounts from
the database. ``compose`` returns the filled ``LetterText`` the PDF is set from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from kjdesk.io.letter_pdf import Attachment, LetterText, date_text
from kjdesk.io.letter_templates import LetterTemplate, fill, template_for
from kjdesk.money import format_yuan, to_daxie
from kjdesk.policy.model import Clause, Policy
from kjdesk.policy.wording import Subject, recognition_clause, title_of, with_level
from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.settings import Bureau
from kjdesk.store.models import Entitlement, Instalment, Letter, Person, Platform, Recognition, Unit

PAYMENT_PHRASES = {
    "后补助": "后补助资金支持",
    "资金支持": "资金支持",
    "支持": "资金支持",
    "补助": "补助资金",
    "奖励": "奖励资金",
    "配套资金支持": "配套资金支持",
    "配套支持": "配套资金支持",
    "": "资金支持",
}
_CN_ORDINAL = re.compile(r"^[（(]([一二三四五六七八九十百零〇]+)[)）]$")


def load_policy(city: str) -> Policy:
    """The city's policy catalog (tests may replace this with a stand-in)."""
    from kjdesk.policy.catalog import load_builtin

    try:
        return load_builtin(city)
    except Exception as exc:  # a broken catalog must stop the letter, with the reason
        raise ServiceError(f"无法读取{city}的政策目录，不能生成通知书：{exc}") from exc


@dataclass(frozen=True)
class Payee:
    unit: Unit | None  # the unit addressed (the platform's host for a platform)
    addressee: str  # 主送: the unit's name, or “张三同志”
    subject: str  # who earned it: unit, platform or person name
    you: str  # 你单位 / 你
    platform: str  # the platform's name when a platform earned it


def payee_of(session: Session, ent: Entitlement) -> Payee:
    if ent.person_id is not None and ent.payee_unit_id is None:
        person = session.get(Person, ent.person_id)
        assert person is not None
        return Payee(person.employer, f"{person.name}同志", person.name, "你", "")
    if ent.platform_id is not None:
        platform = session.get(Platform, ent.platform_id)
        assert platform is not None
        unit = session.get(Unit, ent.payee_unit_id) if ent.payee_unit_id else platform.host
        assert unit is not None
        return Payee(unit, unit.name, platform.name, "你单位", platform.name)
    unit = session.get(Unit, ent.payee_unit_id or ent.unit_id)
    if unit is None:
        raise ServiceError(f"应享资金 {ent.id} 没有可主送的单位")
    return Payee(unit, unit.name, unit.name, "你单位", "")


def article_text(article: str, policy: Policy) -> str:
    """（六） → 第六条 in a policy of numbered articles (“二十五条”), else 第（六）项."""
    m = _CN_ORDINAL.match(article.strip())
    if not m:
        return article.strip()
    return f"第{m.group(1)}条" if "条" in policy.document.title else f"第（{m.group(1)}）项"


def quoted(text: str) -> str:
    """A quotation inside “ ”: its own double quotes become single ones."""
    return text.strip().replace("“", "‘").replace("”", "’")


def amount_text(fen: int) -> str:
    return f"{format_yuan(fen)} 元（{to_daxie(fen)}）"


def recognition_sentence(rec: Recognition | None, clause: Clause, payee: Payee) -> tuple[str, str, str, str]:
    """(sentence, title, date, 文号) of the recognition the support is for, worded by its kind
    (``policy.wording``: 认定, 获批建设, 荣获, 入库 …, the level named, the platform said once)."""
    if rec is None:
        return "", "", "", ""
    levels = clause.trigger.levels if clause.trigger else ()
    level = rec.level or (levels[0] if levels else "")
    title = with_level(title_of(clause), level, clause.city)
    when = date_text(rec.date)
    doc = rec.doc_number.strip()
    subject = Subject(payee.you, payee.platform)
    if clause.beneficiary == "project" or rec.type_id.endswith("project"):
        # a project is approved (立项), not recognised
        from kjdesk.policy.titles import type_name

        who = f"{payee.you}建设的{payee.platform}" if payee.platform else payee.you
        project = rec.title.strip() or type_name(rec.type_id)
        sentence = f"{who}承担的{project}于{when}获批立项" + (f"（{doc}）" if doc else "") + "。"
    else:
        sentence = recognition_clause(clause, level, when, subject, stage=rec.stage or "", doc=doc)
    return sentence, title, when, doc


def decision_phrase(session: Session, bureau: Bureau, ent: Entitlement, bases: dict | None = None) -> str:
    """What the amount was decided on, for “……的规定，{decision_phrase}，决定给予”.

    ``bases``: ``decisions.basis_of`` of the entitlements of a batch, read once for all."""
    from kjdesk.services.disbursement.decisions import basis_of, citation

    known = bases is not None and ent.id in bases
    basis = (bases if known else basis_of(session, [ent.id])).get(ent.id)  # type: ignore[union-attr]
    if basis is None or basis.kind == "政策原文":
        return "经审核"
    # a matched amount also names the allocation it matches (“配套基数下达文件：…” of the explanation)
    documents = next(
        (
            ln.removeprefix("配套基数下达文件：")
            for ln in ent.explanation.splitlines()
            if ln.startswith("配套基数下达文件：")
        ),
        "",
    )
    matched = (
        f"，按自治区下达的项目资助（{documents}）不低于1:1配套" if documents and basis.kind != "配套" else ""
    )
    if basis.decision is not None:
        return citation(bureau.name, basis.decision) + matched
    if basis.kind == "配套":
        return f"经审核，{basis.text}"
    return f"经审核（依据{basis.text}）{matched}"


def schedule_sentence(ent: Entitlement, inst: Instalment | None) -> str:
    """The years of a multi-year schedule; empty for a single payment."""
    parts = sorted((i for i in ent.instalments if i.state != "cancelled"), key=lambda i: i.year)
    if len(parts) < 2:
        return ""
    first, last, n = parts[0].year, parts[-1].year, len(parts)
    amounts = {i.amount_fen for i in parts}
    if len(amounts) == 1:
        head = f"该项支持每年{format_yuan(parts[0].amount_fen)} 元，连续支持{n}年（{first}年至{last}年）"
    else:
        total = sum(i.amount_fen for i in parts)
        head = f"该项支持共{format_yuan(total)} 元，分{n}年拨付（{first}年至{last}年）"
    if inst is None:
        each = "、".join(f"{i.year}年{format_yuan(i.amount_fen)} 元" for i in parts)
        return f"{head}，各年度为{each}。"
    k = next((idx for idx, i in enumerate(parts, start=1) if i.id == inst.id), None)
    if k is None:
        return f"{head}。"
    return f"{head}，本次拨付第{k}年（{inst.year}年度）资金。"


def schedule_attachment(ent: Entitlement, inst: Instalment | None) -> tuple[Attachment, ...]:
    """附件 (7.3.4) of a multi-year support: the year-by-year schedule, in 元 to the 分."""
    from kjdesk.services.entitlements import STATE_LABELS

    parts = sorted((i for i in ent.instalments if i.state != "cancelled"), key=lambda i: i.year)
    if len(parts) < 2:
        return ()
    rows = []
    for n, i in enumerate(parts, start=1):
        mark = "（本次）" if inst is not None and i.id == inst.id else ""
        rows.append(
            (f"第{n}年", f"{i.year}年度{mark}", format_yuan(i.amount_fen), STATE_LABELS.get(i.state, i.state))
        )
    rows.append(("合计", "", format_yuan(sum(i.amount_fen for i in parts)), ""))
    return (Attachment("分年度拨付计划", ("期次", "拨付年度", "金额（元）", "状态"), tuple(rows)),)


def compose(
    session: Session,
    bureau: Bureau,
    policy: Policy,
    templates: list[LetterTemplate],
    ent: Entitlement,
    inst: Instalment | None,
    number: str,
    issued_on: date,
    replaces: Letter | None = None,
    bases: dict | None = None,
) -> tuple[str, LetterText, Payee, int]:
    """(kind, text, payee, amount in 分) of the letter for an instalment (or a whole entitlement)."""
    try:
        clause = policy.clause(ent.clause_id)
    except KeyError:
        raise ServiceError(
            f"条款 {ent.clause_id} 不在{policy.document.title}的政策目录中，不能生成通知书"
        ) from None
    payee = payee_of(session, ent)
    rec = session.get(Recognition, ent.recognition_id) if ent.recognition_id else None
    sentence, rec_title, rec_date, rec_doc = recognition_sentence(rec, clause, payee)
    amount_fen = inst.amount_fen if inst is not None else ent.total_fen
    wording = ent.payment_wording or clause.payment_wording
    template = template_for(wording, templates)
    values = {
        "bureau": bureau.name,
        "city": bureau.city_name,
        "number": number,
        "unit": payee.addressee,
        "subject": payee.subject,
        "you": payee.you,
        "recognition_sentence": sentence,
        "recognition_title": rec_title,
        "recognition_date": rec_date,
        "recognition_doc": rec_doc,
        "policy_title": policy.document.title,
        "policy_doc": policy.document.doc_number,
        "clause_article": article_text(clause.article, policy),
        "clause_title": clause.title,
        "clause_quote": quoted(clause.quote),
        "payment_wording": wording,
        "payment_phrase": PAYMENT_PHRASES.get(wording, wording),
        "decision_phrase": decision_phrase(session, bureau, ent, bases),
        "amount": amount_text(amount_fen),
        "amount_figures": f"{format_yuan(amount_fen)} 元",
        "amount_daxie": to_daxie(amount_fen),
        "year": str(inst.year if inst is not None else issued_on.year),
        "schedule_sentence": schedule_sentence(ent, inst),
        "replaces_sentence": (f"本通知更正并替代{replaces.number}，原通知同时作废。" if replaces else ""),
        "issue_date": date_text(issued_on),
    }
    filled = fill(template, values)
    text = LetterText(
        number=number,
        title=filled.title,
        addressee=filled.addressee,
        paragraphs=filled.paragraphs,
        signature=bureau.name,
        issued_on=issued_on,
        subject=f"{number} {payee.addressee} {format_yuan(amount_fen)}元",
        attachments=schedule_attachment(ent, inst),
    )
    return filled.kind, text, payee, amount_fen


def override_dir(db_path: Path | None) -> Path | None:
    """Templates an officer adapted: ``templates/letters`` beside the database file."""
    return db_path.parent / "templates" / "letters" if db_path is not None else None
