"""The explanation trace of an entitlement: Chinese lines an auditor can check by hand.

Every line builder here is a pure function of the clause, the record or fact it used and
the numbers it put in; the engine strings them together in the order they were applied.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from kjdesk.money import FEN_PER_YUAN, format_wan_short, format_yuan, round_fen
from kjdesk.policy.model import (
    Clause,
    FactRecord,
    Level,
    Policy,
    RecognitionRecord,
    form_label,
)

# The recognition-type vocabulary (Part II of clauses.md); a catalog may override a label
# through ``settings["recognition_labels"]``.
TYPE_LABELS: dict[str, str] = {
    "tsme": "科技型中小企业（评价入库）",
    "hte_pool": "高新技术企业培育库",
    "hte": "高新技术企业",
    "hte_relocate": "高新技术企业整体迁入",
    "innov_private": "创新引领型民营企业",
    "smart_mfg_demo": "智能制造科技示范企业",
    "iur_demo": "产学研示范企业",
    "little_giant": "科技“小巨人”企业",
    "single_champion": "单项冠军企业",
    "gazelle": "瞪羚企业",
    "re_tic": "国家稀土新材料技术创新中心",
    "tic": "技术创新中心",
    "kl": "重点实验室",
    "erc": "工程（技术）研究中心",
    "etc": "企业技术中心",
    "rdc": "企业研发中心",
    "clinical": "临床医学研究中心",
    "mic": "制造业创新中心",
    "incubator": "科技企业孵化器",
    "makerspace": "众创空间",
    "hitech_base": "高新技术特色产业基地",
    "hitech_zone": "高新技术产业开发区",
    "zizhu_zone": "国家自主创新示范区",
    "agri_park": "农业科技园区",
    "agri_base": "农业科技示范基地",
    "new_variety": "农牧业新品种（国审）",
    "transfer_base": "科技成果转移转化示范基地",
    "transfer_zone": "科技成果转移转化示范区",
    "pilot_platform": "中试公共服务平台",
    "tt_agency": "技术转移服务（示范）机构",
    "talent_base": "人才培养基地",
    "service_agency": "科技服务机构",
    "academician_ws": "院士工作站",
    "alliance": "产业技术创新战略联盟",
    "nrdi": "新型研发机构",
    "intl_base": "国际科技合作基地",
    "industrial_commissioner": "工业特派员",
    "agri_commissioner": "农业科技特派员",
    "national_sci_award": "国家科学技术奖",
    "regional_sci_award": "自治区科学技术奖",
    "major_project": "重大科技项目",
    "regional_project": "自治区科技项目",
}


def type_label(policy: Policy, type_id: str) -> str:
    overrides = policy.settings.get("recognition_labels", {})
    if isinstance(overrides, dict) and type_id in overrides:
        return str(overrides[type_id])
    return TYPE_LABELS.get(type_id, type_id)


_LEVEL_LABELS = {Level.NATIONAL: "国家级", Level.REGIONAL: "自治区级", Level.CITY: "市级"}

_LEVEL_PREFIXES = {lv: f"{_LEVEL_LABELS.get(lv, '不分级')} " if lv != Level.NONE else "" for lv in Level}


def level_label(level: Level) -> str:
    return _LEVEL_LABELS.get(level, "不分级")


@lru_cache(maxsize=4096)  # the same few fixed amounts recur in every subject's explanation
def yuan(fen: int) -> str:
    """``30000000`` → ``300,000.00 元（30万元）``."""
    return f"{format_yuan(fen)} 元（{format_wan_short(fen)}）"


def yuan_value(value: Decimal) -> str:
    """A fact value in 元 as written in a formula: ``12,345,678.00 元``."""
    try:
        found = _yuan_values.get(value)
    except TypeError:  # a signalling NaN cannot be hashed: computed (and refused) as before
        found = None
    if found is None:
        found = format_yuan(round_fen(value * FEN_PER_YUAN), unit=True)
        if len(_yuan_values) >= 65536:
            _yuan_values.clear()
        _yuan_values[value] = found
    return found


# A figure is written in its fact's line and again in the formula that uses it: made once. Equal
# values (``Decimal("1.0") == Decimal("1")``) are written alike, as the text depends on the value only.
_yuan_values: dict[Decimal, str] = {}


def percent(rate: Decimal) -> str:
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def fact_value(fact: FactRecord) -> str:
    if fact.value is None:
        return fact.text or "（空）"
    if fact.indicator.endswith("位次"):
        return f"第 {fact.value.normalize():f} 位"
    return yuan_value(fact.value)


def clause_header(policy: Policy, clause: Clause) -> list[str]:
    doc = policy.document
    lines = [
        f"条款 {clause.id} {clause.article} {clause.title}（{form_label(clause)}）",
        f"原文：“{clause.quote}”",
        f"依据：{doc.title}（{doc.doc_number}），{doc.effective.isoformat()} 起施行",
    ]
    if clause.payment_wording:
        lines.append(f"资金性质：{clause.payment_wording}")
    return lines


def recognition_line(policy: Policy, rec: RecognitionRecord) -> str:
    return recognition_text(rec, type_label(policy, rec.type_id))


def recognition_text(rec: RecognitionRecord, label: str) -> str:
    """The line of a recognition record whose type reads ``label``."""
    stage = f"（{rec.stage}）" if rec.stage else ""
    doc = f"文号 {rec.doc_number}" if rec.doc_number else "文号未录入"
    valid = f"，有效期至 {rec.valid_until.isoformat()}" if rec.valid_until else ""
    level = _LEVEL_PREFIXES.get(rec.level)
    if level is None:
        level = _LEVEL_LABELS.get(rec.level, "不分级") + " " if rec.level != Level.NONE else ""
    return f"认定记录：{level}{label}{stage}，{rec.date.isoformat()}，{doc}{valid}（记录号 {rec.id}）"


def fact_line(fact: FactRecord) -> str:
    item = f"（事项编号 {fact.item_ref}）" if fact.item_ref else ""
    return f"年度数据：{fact.year} 年 {fact.indicator}{item} = {fact_value(fact)}（记录号 {fact.id}）"


def readings(clause: Clause) -> list[str]:
    out = []
    for text in clause.readings:
        out.append(text if text.startswith("按本系统口径") else f"按本系统口径：{text}")
    return out


def reading(text: str) -> str:
    return f"按本系统口径：{text}"


@lru_cache(maxsize=256)  # a handful of caps per policy
def cap_line(cap_fen: int, scope: str) -> str:
    label = {
        "per_year": "每年",
        "per_item": "每个事项",
        "per_subject_total": "同一主体累计",
        "per_event": "每次",
    }.get(scope, "")
    scope_text = f"（{label}）" if label else ""
    return f"超过上限 {format_wan_short(cap_fen)}{scope_text}，按 {format_wan_short(cap_fen)}计"


def lump_sum_per_assessment(year: int) -> str:
    """D2: 一次性 in an assessment item means a lump sum for that assessment."""
    return (
        f"一次性：原文“一次性给予”指对 {year} 年度这一次考核（评选）结果一次性给予，不是每个主体终身一次；"
        "以后年度再次考核（评选）为优秀的，按该年度的结果另行一次性给予（D2）"
    )


def instalment_summary(years: list[int], amount_fen: int) -> str:
    if not years:
        return "无拨付年度"
    span = f"{years[0]} 年" if len(years) == 1 else f"{years[0]}—{years[-1]} 年"
    return f"拨付计划：{span}，共 {len(years)} 期，每期 {yuan(amount_fen)}"


# --- The fixed lines of an explanation, stored once per catalog version ---------------------------


def fixed_lines(policy: Policy, clause: Clause) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(head, tail) of every explanation of ``clause``: the lines that depend on the clause alone."""
    return tuple(clause_header(policy, clause)), tuple(readings(clause))


def catalog_version(policy: Policy) -> str:
    """A name for the catalog's fixed lines: its 文号 and a digest of every clause's lines.

    Two catalogs with the same lines share a version; any changed word makes a new one."""
    import hashlib

    h = hashlib.blake2b(digest_size=8)
    for clause in policy.clauses:
        head, tail = fixed_lines(policy, clause)
        h.update("\x1e".join((clause.id, *head, "\x1d", *tail)).encode())
        h.update(b"\x1f")
    return f"{policy.document.city} {policy.document.doc_number} {h.hexdigest()}"


def split_fixed(
    lines: tuple[str, ...], head: tuple[str, ...], tail: tuple[str, ...]
) -> tuple[str, ...] | None:
    """The lines between ``head`` and ``tail``; None when the explanation does not start with
    the one and end with the other (it is then stored whole). A part that is a single empty
    line would not survive the join, so it is stored whole too."""
    n, h, t = len(lines), len(head), len(tail)
    if n < h + t or lines[:h] != head or lines[n - t :] != tail:
        return None
    body = lines[h : n - t]
    if ("",) in (head, body, tail):
        return None
    return body
