"""The schema of a policy TOML (``resources/policies/<city>-<year>.toml``), written in code.

``validate(data, titles)`` checks the parsed TOML and returns every problem as
``(section, index, key, message)``; ``catalog.py`` turns each into a ``CatalogProblem`` with
the line number of the offending key. Messages are Chinese: officers see them when they
check a policy file (``kjdesk policy check FILE.toml``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from kjdesk.policy.catalog_fields import (
    ATTESTED_FIELDS,
    CITY_PREFIX,
    CLAUSE_FIELDS,
    CLAUSE_ID_RE,
    CONDITION_FIELDS,
    DOCUMENT_FIELDS,
    GROUP_ID_RE,
    KIND_LABEL,
    KNOWN_FACTS,
    NONCASH_FORMS,
    READING_PREFIX,
    SETTINGS_FIELDS,
    TARGET_FIELDS,
    TIER_FIELDS,
    TRIGGER_FIELDS,
    FieldSpec,
    Issue,
)
from kjdesk.policy.conditions import BY_KEY
from kjdesk.policy.model import Form, Level
from kjdesk.policy.titles import TitleVocabulary


def parse_decimal(value: object) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        d = Decimal(value.strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _check_value(key: str, value: object, spec: FieldSpec) -> str | None:
    ok = {
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "str_list": isinstance(value, list) and all(isinstance(x, str) for x in value),
        "table": isinstance(value, dict),
        "table_list": isinstance(value, list) and all(isinstance(x, dict) for x in value),
        "date": isinstance(value, date),
        "wan": True,
        "decimal": True,
    }[spec.kind]
    if spec.kind in ("wan", "decimal"):
        d = parse_decimal(value)
        if d is None:
            return f"字段“{key}”应为{KIND_LABEL[spec.kind]}，实际为“{value}”"
        if d < 0:
            return f"字段“{key}”不能为负数：“{value}”"
        if spec.kind == "wan" and d * 1_000_000 != (d * 1_000_000).to_integral_value():
            return f"字段“{key}”的金额“{value}”万元不能精确到分"
        return None
    if not ok:
        return f"字段“{key}”应为{KIND_LABEL[spec.kind]}，实际为“{value}”"
    if spec.choices is not None and value not in spec.choices:
        allowed = "、".join(sorted(f"“{c}”" for c in spec.choices))
        return f"字段“{key}”的值“{value}”不在允许范围内：{allowed}"
    return None


def check_table(
    table: object, fields: dict[str, FieldSpec], key_prefix: str = "", name: str = ""
) -> list[tuple[str, str]]:
    """Required fields, unknown fields and value types of one table: [(key, message)]."""
    if not isinstance(table, dict):
        label = name or key_prefix.rstrip(".")
        return [(key_prefix.rstrip("."), f"“{label}”应为表，实际为“{table}”")]
    out: list[tuple[str, str]] = []
    for key, spec in fields.items():
        if spec.required and key not in table:
            out.append((key_prefix + key if key_prefix else "", f"缺少必填字段“{key_prefix}{key}”"))
    for key, value in table.items():
        spec = fields.get(key)
        if spec is None:
            out.append((key_prefix + key, f"未知字段“{key_prefix}{key}”"))
            continue
        msg = _check_value(key_prefix + key, value, spec)
        if msg:
            out.append((key_prefix + key, msg))
    return out


def _clause_rules(c: dict, titles: TitleVocabulary) -> list[tuple[str, str]]:
    """The rules that tie fields of one clause together: [(key, message)]."""
    out: list[tuple[str, str]] = []
    cid = c.get("id", "")
    if isinstance(cid, str) and not CLAUSE_ID_RE.match(cid):
        out.append(("id", f"条款编号“{cid}”须为ASCII字母、数字和连字符，形如 BT-06-hte-cert"))
    try:
        form = Form(c.get("form"))
    except ValueError:
        return out  # already reported by check_table
    has = c.__contains__
    cash = c.get("cash", True)
    if form in NONCASH_FORMS and cash:
        out.append(("cash", f"形式为{form.value}的条款不支付资金，cash 须为 false（D9）"))
    if not cash:
        for key in ("amount_wan", "cap_wan", "rate", "tiers", "step_amount_wan"):
            if has(key):
                out.append((key, f"非资金条款（cash = false）不应有“{key}”"))
    if form in (Form.ONE_TIME, Form.ONE_TIME_STAR, Form.ANNUAL_N_YEARS) and not has("amount_wan"):
        out.append(("form", f"形式为{form.value}的条款须有固定金额“amount_wan”"))
    if form == Form.ANNUAL_N_YEARS and not has("years"):
        out.append(("form", "形式为ANNUAL_N_YEARS的条款须有年数“years”（0 表示有效期内每年）"))
    if has("years") and form != Form.ANNUAL_N_YEARS:
        out.append(("years", f"只有ANNUAL_N_YEARS条款可以有“years”，本条形式为{form.value}"))
    if isinstance(c.get("years"), int) and c["years"] < 0:
        out.append(("years", "年数“years”不能为负数"))
    need = {
        Form.RATE_WITH_CAP: ("rate", "base_fact", "cap_wan"),
        Form.TIERED_RATE: ("tiers", "base_fact"),
        Form.STEP_INCREMENT: ("step_amount_wan", "base_fact"),
        Form.MATCHING: ("entered",),
        Form.DISCRETIONARY: ("entered",),
    }.get(form, ())
    for key in need:
        if not has(key):
            out.append(("form", f"形式为{form.value}的条款须有“{key}”"))
    if form == Form.STEP_INCREMENT and has("step_size") == has("step_size_wan"):
        out.append(
            ("form", "STEP_INCREMENT条款须有且只有一个步长：“step_size”（位次等）或“step_size_wan”（万元）")
        )
    if form in (Form.MATCHING, Form.DISCRETIONARY) and c.get("entered") is False:
        out.append(("entered", f"形式为{form.value}的条款金额由经办人录入，entered 须为 true（D8）"))
    if form == Form.DISCRETIONARY and has("amount_wan"):
        out.append(("amount_wan", "DISCRETIONARY条款没有固定金额，不应有“amount_wan”"))
    if c.get("is_floor") and not has("amount_wan"):
        out.append(("is_floor", "“is_floor = true”须同时给出下限金额“amount_wan”"))
    if c.get("is_floor") and not c.get("entered"):
        out.append(("is_floor", "下限金额（不低于）须允许经办人录入更高金额：entered 须为 true（D5）"))
    if has("cap_wan") and not has("cap_scope"):
        out.append(("cap_wan", "有上限“cap_wan”的条款须写明上限范围“cap_scope”"))
    if isinstance(c.get("tiers"), list):
        for i, tier in enumerate(c["tiers"]):
            out += [("tiers", f"第{i + 1}档：{m}") for _, m in check_table(tier, TIER_FIELDS)]
        if len(c["tiers"]) < 2:
            out.append(("tiers", "分档比例至少须有两档"))
    if isinstance(c.get("conditions"), list):  # D14
        for i, cond in enumerate(c["conditions"]):
            out += [("conditions", f"第{i + 1}项：{m}") for _, m in check_table(cond, ATTESTED_FIELDS)]
            if (
                isinstance(cond, dict)
                and isinstance(cond.get("attribute"), str)
                and cond["attribute"] not in BY_KEY
            ):
                known = "、".join(BY_KEY)
                out.append(
                    ("conditions", f"第{i + 1}项：未知的登记条件“{cond['attribute']}”（可用：{known}）")
                )
    if has("condition"):
        out += [("condition", m) for _, m in check_table(c["condition"], CONDITION_FIELDS, "condition.")]
        if isinstance(c["condition"], dict) and has_one(c["condition"], "value", "value_wan") is False:
            out.append(("condition", "条件须有且只有一个阈值：“value”（元）或“value_wan”（万元）"))
    for i, reading in enumerate(c.get("readings", []) if isinstance(c.get("readings"), list) else []):
        if not isinstance(reading, str) or not reading.startswith(READING_PREFIX):
            out.append(("readings", f"第{i + 1}条口径说明须以“{READING_PREFIX}”开头"))
    if isinstance(c.get("quote"), str) and (not c["quote"].strip() or "†" in c["quote"]):
        out.append(("quote", "原文引文不能为空，也不能带“†”标记（跨页句子须连写）"))
    facts = [("base_fact", c.get("base_fact")), ("condition", (c.get("condition") or {}).get("fact"))]
    facts += [("tiers", t.get("fact")) for t in c.get("tiers", []) if isinstance(t, dict)]
    for key, fact in facts:
        if isinstance(fact, str) and fact not in KNOWN_FACTS:
            out.append((key, f"未知的年度指标“{fact}”（可用：{'、'.join(sorted(KNOWN_FACTS))}）"))
    if has("trigger"):
        out += [("trigger", m) for _, m in check_table(c["trigger"], TRIGGER_FIELDS, "trigger.")]
        if isinstance(c["trigger"], dict):
            out += [("trigger", m) for m in _trigger_rules(c["trigger"], titles)]
    g = c.get("exclusion_group")
    if isinstance(g, str) and not GROUP_ID_RE.match(g):
        out.append(("exclusion_group", f"不重复组名“{g}”须为小写ASCII字母、数字和下划线"))
    return out


def has_one(table: dict, a: str, b: str) -> bool:
    return (a in table) != (b in table)


def _trigger_rules(t: dict, titles: TitleVocabulary) -> list[str]:
    out: list[str] = []
    rec = t.get("recognition")
    rtype = titles.types.get(rec) if isinstance(rec, str) else None
    if isinstance(rec, str) and rtype is None:
        out.append(f"触发认定类型“{rec}”不在认定类型表（titles.toml）中")
    req = t.get("requires_valid")
    if isinstance(req, str) and req not in titles.types:
        out.append(f"前提认定类型“{req}”不在认定类型表（titles.toml）中")
    for lv in t.get("levels", []) if isinstance(t.get("levels"), list) else []:
        try:
            level = Level(lv)
        except ValueError:
            out.append(f"未知级别“{lv}”（应为 国家、自治区、市级 或 空）")
            continue
        if rtype is not None and level not in rtype.levels:
            out.append(f"认定类型{rtype.name}没有“{lv}”级别")
    stage = t.get("stage", "")
    if rtype is not None and isinstance(stage, str) and stage not in rtype.stages:
        out.append(f"认定类型{rtype.name}没有“{stage}”阶段")
    if isinstance(t.get("consecutive"), int) and t["consecutive"] < 1:
        out.append("“trigger.consecutive”至少为 1")
    return out


def _group_rules(clauses: list[dict]) -> list[Issue]:
    """D1 exclusion groups: ≥ 2 members, cash, same beneficiary, no 培育 stage, distinct triggers."""
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(clauses):
        if isinstance(c.get("exclusion_group"), str):
            groups.setdefault(c["exclusion_group"], []).append(i)
    out: list[Issue] = []
    for g, idx in groups.items():
        if len(idx) < 2:
            out.append(("clause", idx[0], "exclusion_group", f"不重复组“{g}”只有一个条款"))
        if len({clauses[i].get("beneficiary") for i in idx}) > 1:
            out.append(("clause", idx[0], "exclusion_group", f"不重复组“{g}”中各条款的受益对象不一致"))
        seen: dict[tuple, str] = {}
        for i in idx:
            c, t = clauses[i], clauses[i].get("trigger")
            if c.get("cash") is False:
                out.append(("clause", i, "exclusion_group", f"非资金条款不能进入不重复组“{g}”"))
            if not isinstance(t, dict):
                out.append(("clause", i, "exclusion_group", f"不重复组“{g}”的条款须有触发认定“trigger”"))
                continue
            if t.get("stage") == "培育":
                out.append(("clause", i, "exclusion_group", f"培育阶段资金不进入不重复组“{g}”（D1）"))
            key = (t.get("recognition"), tuple(t.get("levels", [])), t.get("stage", ""))
            if key in seen:
                out.append(("clause", i, "exclusion_group", f"不重复组“{g}”中与 {seen[key]} 的触发条件相同"))
            seen[key] = c.get("id", "")
    return out


def validate(data: dict, titles: TitleVocabulary) -> list[Issue]:
    """Every problem of a parsed policy TOML, in file order as far as possible."""
    out: list[Issue] = []
    for key in data:
        if key not in ("document", "settings", "clause", "target"):
            out.append(("top", 0, key, f"未知的表或字段“{key}”"))
    doc = data.get("document")
    if doc is None:
        out.append(("top", 0, "", "缺少 [document] 表（政策文件信息）"))
        doc = {}
    out += [("document", 0, k, m) for k, m in check_table(doc, DOCUMENT_FIELDS, name="document")]
    doc = doc if isinstance(doc, dict) else {}
    issued, effective = doc.get("issued"), doc.get("effective")
    if isinstance(issued, date) and isinstance(effective, date) and effective < issued:
        out.append(("document", 0, "effective", "施行日期早于印发日期"))
    settings = data.get("settings", {})
    if "settings" not in data:
        out.append(("top", 0, "", "缺少 [settings] 表（Part I 口径设置）"))
    out += [("settings", 0, k, m) for k, m in check_table(settings, SETTINGS_FIELDS, name="settings")]
    settings = settings if isinstance(settings, dict) else {}
    clauses = data.get("clause", [])
    if not isinstance(clauses, list) or not clauses:
        out.append(("top", 0, "", "没有任何 [[clause]] 条款"))
        clauses = []
    prefix = CITY_PREFIX.get(doc.get("city", ""), "")
    first_seen: dict[str, int] = {}
    for i, c in enumerate(clauses):
        if not isinstance(c, dict):
            out.append(("clause", i, "", "条款须写成 [[clause]] 表"))
            continue
        out += [("clause", i, k, m) for k, m in check_table(c, CLAUSE_FIELDS)]
        out += [("clause", i, k, m) for k, m in _clause_rules(c, titles)]
        cid = c.get("id")
        if isinstance(cid, str):
            if cid in first_seen:
                out.append(("clause", i, "id", f"条款编号“{cid}”重复（与第{first_seen[cid] + 1}个条款相同）"))
            else:
                first_seen[cid] = i
            if prefix and not cid.startswith(prefix + "-"):
                out.append(
                    ("clause", i, "id", f"条款编号“{cid}”应以“{prefix}-”开头（城市 {doc.get('city')}）")
                )
    out += _group_rules([c if isinstance(c, dict) else {} for c in clauses])
    for name in ("status_support_clauses", "any_stage_clauses"):
        for cid in settings.get(name, []) if isinstance(settings.get(name), list) else []:
            if cid not in first_seen:
                out.append(("settings", 0, name, f"设置“{name}”中的条款“{cid}”不存在"))
    targets = data.get("target", [])
    for i, t in enumerate(targets if isinstance(targets, list) else [targets]):
        if not isinstance(t, dict):
            out.append(("target", i, "", "目标须写成 [[target]] 表"))
            continue
        out += [("target", i, k, m) for k, m in check_table(t, TARGET_FIELDS)]
        for rec in t.get("recognition", []) if isinstance(t.get("recognition"), list) else []:
            if rec not in titles.types:
                out.append(("target", i, "recognition", f"目标的认定类型“{rec}”不在认定类型表中"))
    return out
