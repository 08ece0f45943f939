"""The policy catalogs as the 政策 page shows them: one plain record per clause, in words.

``policy_catalog(city_first)`` flattens both built-in catalogs (the bureau's own city first)
into ``ClauseInfo`` records whose amounts, rates, caps and floors are already written out in
Chinese, so the page only lays them out. ``matches(info, text)`` is the search of the page:
every word must occur in the clause id, its title or its quote (full-width or not).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from kjdesk.money import format_wan_short
from kjdesk.policy.catalog import builtin_policies
from kjdesk.policy.conditions import BY_KEY
from kjdesk.policy.explain import percent, type_label, yuan_value
from kjdesk.policy.model import Clause, Form, Policy, form_label
from kjdesk.validation import CITIES

BENEFICIARY_LABELS = {
    "enterprise": "企业",
    "platform": "创新平台/载体",
    "institution": "高校、科研院所等机构",
    "park": "园区",
    "person": "个人",
    "project": "项目",
    "broker": "技术经纪人",
    "registry": "技术合同登记机构",
}
CAP_SCOPE_LABELS = {
    "per_year": "每年",
    "per_item": "每个事项",
    "per_subject_total": "同一主体累计",
    "per_event": "每次",
}
REPEAT_LABELS = {
    "once_per_subject": "同一主体只享受一次",
    "once_per_event": "每个事项（每次认定）享受一次",
    "once_per_assessment_year": "每个考核年度享受一次",
    "per_year": "逐年享受",
}
PAYMENT_WORDING_TIPS = {
    "后补助": "后补助：在取得成果后按依据文号和佐证材料审批拨付",
    "资金支持": "资金支持：认定后即可列入计划",
    "支持": "支持：认定后列入计划，金额按条款或经办人录入",
    "补助": "补助：按条款规定的比例或金额核定后拨付",
    "奖励": "奖励：对已取得的成果给予奖励",
    "奖励和报酬": "奖励和报酬：由单位对完成人给予，不从本政策资金拨付",
    "配套支持": "配套支持：按上级支持和配套要求录入金额",
    "配套资金支持": "配套资金支持：按上级支持和配套要求录入金额",
}


@dataclass(frozen=True)
class DocumentInfo:
    city: str
    city_name: str  # 包头市 / 乌海市
    title: str
    issuer: str
    doc_number: str
    issued: date
    effective: date
    superseded: date | None


@dataclass(frozen=True)
class ClauseInfo:
    clause_id: str
    article: str
    title: str
    form: str
    form_label: str
    cash: bool
    beneficiary: str  # in words
    trigger: str  # the recognition that triggers it, in words ("" for fact-based clauses)
    terms: tuple[tuple[str, str], ...]  # (金额 / 比例 / 上限 / 下限 / 年限 …, value in words)
    payment_wording: str
    payment_tip: str
    exclusion_group: str  # in words: the other clauses of its 不重复 group, or ""
    repeat: str
    quote: str
    readings: tuple[str, ...]
    document: DocumentInfo


def _terms(policy: Policy, c: Clause) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if c.amount_fen is not None:
        if c.is_floor:
            out.append(("下限", f"不低于 {format_wan_short(c.amount_fen)}"))
        elif c.form == Form.ANNUAL_N_YEARS:
            out.append(("金额", f"每年 {format_wan_short(c.amount_fen)}"))
        else:
            out.append(("金额", format_wan_short(c.amount_fen)))
    if c.years is not None:
        out.append(("年限", "认定有效期内每年" if c.years == 0 else f"连续支持 {c.years} 年"))
    if c.rate is not None:
        out.append(("比例", percent(c.rate)))
    for tier in c.tiers:
        when = tier.label or (f"{tier.fact} = {tier.equals}" if tier.fact else "其他")
        out.append(("分档比例", f"{when}：{percent(tier.rate)}"))
    if c.base_fact:
        offset = {0: "当年度", 1: "上年度"}.get(-c.base_year_offset, f"第 Y{c.base_year_offset:+d} 年")
        out.append(("计算基数", f"{offset}“{c.base_fact}”" + ("，按事项分别计算" if c.per_item else "")))
    if c.step_size is not None and c.step_amount_fen is not None:
        unit = "位" if c.lower_is_better else "元"
        size = f"{c.step_size.normalize():f} {unit}" if unit == "位" else yuan_value(c.step_size)
        out.append(("阶梯", f"每 {size} 给予 {format_wan_short(c.step_amount_fen)}"))
    if c.condition is not None:
        out.append(("条件", f"“{c.condition.fact}” {c.condition.op} {yuan_value(c.condition.value)}"))
    for cond in c.conditions:  # D14: recorded, never assumed
        label = BY_KEY[cond.attribute].label if cond.attribute in BY_KEY else cond.attribute
        met = "、".join(cond.met)
        out.append(("须登记条件", f"{cond.text}（登记“{label}”为{met}；未登记的须核实，不能审批）"))
    if c.match_ratio_min is not None:
        ratio = percent(c.match_ratio_min)
        if c.match_ratio_max is not None and c.match_ratio_max != c.match_ratio_min:
            ratio += f"～{percent(c.match_ratio_max)}"
        out.append(("配套比例", ratio if c.match_ratio_max != c.match_ratio_min else f"等额（{ratio}）"))
    if c.cap_fen is not None:
        scope = CAP_SCOPE_LABELS.get(c.cap_scope, "")
        out.append(("上限", f"{scope}最高 {format_wan_short(c.cap_fen)}"))
    if c.entered:
        out.append(("金额确定", "由经办人凭依据文件（文号或会议纪要）录入；可设年度标准预填"))
    if c.payer:
        out.append(("出资", c.payer))
    return out


def _trigger(policy: Policy, c: Clause) -> str:
    t = c.trigger
    if t is None or not t.recognition:
        return ""
    levels = "/".join(
        {"国家": "国家级", "自治区": "自治区级", "市级": "市级"}.get(lv.value, "") for lv in t.levels
    )
    stage = f"（{t.stage}）" if t.stage else ""
    text = f"{levels + ' ' if levels else ''}{type_label(policy, t.recognition)}{stage}"
    if t.consecutive > 1:
        text = f"连续 {t.consecutive} 年{text}"
    if t.requires_valid:
        text += f"，且认定时持有有效的{type_label(policy, t.requires_valid)}资格"
    return text


def _group_words(policy: Policy, c: Clause) -> str:
    if not c.exclusion_group:
        return ""
    peers = [p.id for p in policy.clauses if p.exclusion_group == c.exclusion_group and p.id != c.id]
    if not peers:
        return f"{c.exclusion_group}（本组仅此一条）"
    return f"{c.exclusion_group}：与 {'、'.join(peers)} 从新从高、不重复享受"


def _document(policy: Policy) -> DocumentInfo:
    d = policy.document
    name = str(CITIES.get(d.city, {}).get("name", d.city))
    return DocumentInfo(d.city, name, d.title, d.issuer, d.doc_number, d.issued, d.effective, d.superseded)


def clause_info(policy: Policy, c: Clause) -> ClauseInfo:
    return ClauseInfo(
        clause_id=c.id,
        article=c.article,
        title=c.title,
        form=c.form.value,
        form_label=form_label(c),
        cash=c.cash and (c.form not in (Form.OTHER, Form.PRIORITY, Form.TAX) or c.entered),
        beneficiary=BENEFICIARY_LABELS.get(c.beneficiary, c.beneficiary),
        trigger=_trigger(policy, c),
        terms=tuple(_terms(policy, c)),
        payment_wording=c.payment_wording,
        payment_tip=PAYMENT_WORDING_TIPS.get(c.payment_wording, ""),
        exclusion_group=_group_words(policy, c),
        repeat=REPEAT_LABELS.get(c.repeat, c.repeat),
        quote=c.quote,
        readings=tuple(r if r.startswith("按本系统口径") else f"按本系统口径：{r}" for r in c.readings),
        document=_document(policy),
    )


def policy_catalog(city_first: str | None = None) -> list[ClauseInfo]:
    """Every clause of every built-in catalog, ``city_first``'s catalog first, in catalog order."""
    policies = sorted(builtin_policies(), key=lambda p: (p.document.city != city_first, p.document.city))
    return [clause_info(p, c) for p in policies for c in p.clauses]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def matches(info: ClauseInfo, text: str) -> bool:
    """Whether every word of ``text`` occurs in the clause id, title or quote."""
    hay = _fold(f"{info.clause_id}\x1f{info.title}\x1f{info.quote}\x1f{info.article}")
    return all(w in hay for w in _fold(text).split())
