"""The fields of a policy TOML, declared once: name, kind, required, allowed values.

``catalog_schema`` checks a parsed file against these declarations; the settings listed in
``SETTINGS_FIELDS`` are the Part I readings (D1–D13) and the open-case choices, each
documented where it is set, in ``resources/policies/<city>-<year>.toml``.

Conventions of the file format:

- money is 万元 in a quoted decimal string (``amount_wan = "30"``, ``cap_wan``,
  ``step_amount_wan``, ``step_size_wan``, ``condition.value_wan``); the loader turns it into
  分 (amounts) or 元 (fact thresholds and step sizes, as facts are recorded in 元);
- rates and ratios are quoted decimals (``rate = "0.05"``, ``match_ratio_min = "1"``);
- ``trigger.levels = []`` means any level of the recognition type; ``trigger.stage = ""``
  the plain 认定/获批;
- ``years = 0`` on ANNUAL_N_YEARS means “每年” without N: one instalment a year while valid;
- ``cap_scope``: per_year (one subject, one year), per_item (one 事项编号; with
  ``repeat = "per_year"`` each item-year), per_subject_total (across years), per_event
  (one assessment or decision);
- every ``readings`` entry starts with “按本系统口径：” and names the decision it states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kjdesk.policy.model import Form

Issue = tuple[str, int, str, str]  # section ("clause", "target", "document", "settings"), index, key, message

READING_PREFIX = "按本系统口径："
CITY_PREFIX = {"baotou": "BT", "wuhai": "WH"}
BENEFICIARIES = frozenset(
    {"enterprise", "platform", "institution", "park", "person", "project", "broker", "registry"}
)
WORDINGS = frozenset(
    {"后补助", "资金支持", "补助", "奖励", "支持", "配套资金支持", "配套支持", "奖励和报酬", ""}
)
REPEATS = frozenset({"once_per_subject", "once_per_event", "once_per_assessment_year", "per_year"})
CAP_SCOPES = frozenset({"per_year", "per_item", "per_subject_total", "per_event"})
OPS = frozenset({">=", ">", "<", "<="})
TARGET_KINDS = frozenset({"stock", "flow", "qualitative"})
NONCASH_FORMS = frozenset({Form.TAX, Form.PRIORITY})
# The yearly facts of clauses.md Part II that a rate, tier, step or condition may name.
KNOWN_FACTS = frozenset(
    {
        "加计扣除研发费用",
        "企业规模",
        "技术交易额",
        "技术入股作价",
        "项目总投资",
        "年度实际投资",
        "纳税劳动报酬",
        "仪器共享费用",
        "技术合同登记成交额",
        "高新区年度位次",
        "奖金额度",
        "自治区项目资助额",
    }
)
CLAUSE_ID_RE = re.compile(r"^[A-Z]{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
GROUP_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

KIND_LABEL = {
    "str": "文字（带引号）",
    "bool": "true 或 false",
    "int": "整数",
    "wan": '万元金额（带引号的十进制数，如 "30"）',
    "decimal": '带引号的十进制数（如 "0.05"）',
    "str_list": "文字列表",
    "table": "内联表 { … }",
    "table_list": "内联表列表",
    "date": "日期（如 2021-08-14）",
}


@dataclass(frozen=True)
class FieldSpec:
    kind: str
    required: bool = False
    choices: frozenset[str] | None = None


CLAUSE_FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec("str", True),
    "article": FieldSpec("str", True),
    "title": FieldSpec("str", True),
    "beneficiary": FieldSpec("str", True, BENEFICIARIES),
    "form": FieldSpec("str", True, frozenset(f.value for f in Form)),
    "trigger": FieldSpec("table"),
    "amount_wan": FieldSpec("wan"),
    "is_floor": FieldSpec("bool"),
    "years": FieldSpec("int"),
    "rate": FieldSpec("decimal"),
    "tiers": FieldSpec("table_list"),
    "base_fact": FieldSpec("str"),
    "base_year_offset": FieldSpec("int"),
    "per_item": FieldSpec("bool"),
    "condition": FieldSpec("table"),
    "cap_wan": FieldSpec("wan"),
    "cap_scope": FieldSpec("str", False, CAP_SCOPES),
    "step_size": FieldSpec("decimal"),
    "step_size_wan": FieldSpec("wan"),
    "step_amount_wan": FieldSpec("wan"),
    "lower_is_better": FieldSpec("bool"),
    "match_ratio_min": FieldSpec("decimal"),
    "match_ratio_max": FieldSpec("decimal"),
    "entered": FieldSpec("bool"),
    "repeat": FieldSpec("str", True, REPEATS),
    "exclusion_group": FieldSpec("str"),
    "cash": FieldSpec("bool", True),
    "payment_wording": FieldSpec("str", True, WORDINGS),
    "payer": FieldSpec("str"),
    "quote": FieldSpec("str", True),
    "notes": FieldSpec("str"),
    "readings": FieldSpec("str_list", True),
    "conditions": FieldSpec("table_list"),  # D14
}
TRIGGER_FIELDS = {
    "recognition": FieldSpec("str", True),
    "levels": FieldSpec("str_list"),
    "stage": FieldSpec("str"),
    "requires_valid": FieldSpec("str"),
    "consecutive": FieldSpec("int"),
}
TIER_FIELDS = {
    "rate": FieldSpec("decimal", True),
    "fact": FieldSpec("str"),
    "equals": FieldSpec("str"),
    "label": FieldSpec("str"),
}
CONDITION_FIELDS = {
    "fact": FieldSpec("str", True),
    "op": FieldSpec("str", True, OPS),
    "value": FieldSpec("decimal"),
    "value_wan": FieldSpec("wan"),
}
# D14: a condition the text attaches, recorded as an attribute (policy/conditions.py).
ATTESTED_FIELDS = {
    "attribute": FieldSpec("str", True),
    "text": FieldSpec("str", True),
    "met": FieldSpec("str_list", True),
    "infer_from": FieldSpec("str", False, frozenset({"industry", "title"})),
    "infer": FieldSpec("table"),
}
DOCUMENT_FIELDS = {
    "city": FieldSpec("str", True, frozenset(CITY_PREFIX)),
    "title": FieldSpec("str", True),
    "issuer": FieldSpec("str", True),
    "doc_number": FieldSpec("str", True),
    "issued": FieldSpec("date", True),
    "effective": FieldSpec("date", True),
    "superseded": FieldSpec("date"),
}
TARGET_FIELDS = {
    "id": FieldSpec("str", True),
    "article": FieldSpec("str", True),
    "metric": FieldSpec("str", True),
    "minimum": FieldSpec("int"),
    "maximum": FieldSpec("int"),
    "kind": FieldSpec("str", True, TARGET_KINDS),
    "by_year": FieldSpec("int", True),
    "recognition": FieldSpec("str_list"),
    "levels": FieldSpec("str_list"),
    "firmness": FieldSpec("str", False, frozenset({"", "力争"})),
    "all_platform_types": FieldSpec("bool"),  # D14: WH-T-07 counts every platform type
    "quote": FieldSpec("str"),
    "notes": FieldSpec("str"),
}
_B, _S, _L, _I, _D = "bool", "str", "str_list", "int", "date"
SETTINGS_FIELDS: dict[str, FieldSpec] = {
    name: FieldSpec(kind, True)
    for name, kind in {
        "exclusion_within_policy": _B,  # D1
        "same_year_highest_only": _B,
        "upgrade_pays_difference": _B,
        "equal_or_lower_pays_nothing": _B,
        "cultivation_outside_group": _B,
        "one_time_star_once_per_subject": _B,  # D2
        "assessment_once_per_assessment_year": _B,
        "consecutive_first_may_precede_effective": _B,  # D3
        "officer_may_defer_first_year": _B,  # D4
        "annual_without_n_while_valid": _B,
        "cancel_unpaid_on_revocation": _B,
        "paid_never_changed": _B,
        "floor_default_is_floor": _B,  # D5
        "entered_never_below_floor": _B,
        "person_cap_across_employers": _B,  # D6
        "step_partial_floored": _B,  # D7
        "step_no_pay_on_decrease": _B,
        "entered_requires_basis": _B,  # D8
        "yearly_standard_prefills": _B,
        "matching_may_exceed_min": _B,
        "award_match_one_entitlement_to_unit": _B,
        "enforce_caps_on_entered": _B,
        "noncash_never_paid": _B,  # D9
        "require_registered_in_city": _B,  # D10
        "require_doc_number_for_post_subsidy": _B,  # D11
        "require_evidence_for_post_subsidy": _B,
        "fund_support_approve_at_once": _B,
        "renewal_pays_per_event": _B,  # D12
        "round_half_up_once": _B,  # D13
        "status_support_clauses": _L,  # open cases
        "step_requires_previous_year": _B,
        "tier_missing_fact_uses_default": _B,
        "new_means_first_recognition": _B,
        "any_stage_clauses": _L,
        "discretionary_placeholder": _B,
        "target_count_higher_levels": _B,
        "target_flow_from": _D,
        "target_stock_at": _S,
    }.items()
}
SETTINGS_FIELDS |= {
    "deduct_from": FieldSpec("str", True, frozenset({"earliest", "latest"})),
    "schedule_first_year": FieldSpec("str", True, frozenset({"trigger_year", "next_year"})),
    "deciding_date": FieldSpec("str", True, frozenset({"recognition_date"})),
    "before_effective": FieldSpec("str", True, frozenset({"flag_no_policy"})),
    "status_support_first_year": FieldSpec("str", True, frozenset({"effective_year", "trigger_year"})),
    # 乌海 (issue 22): the default 1:1 match is planned only once the allocation's document is recorded
    "matching_default_needs_document": FieldSpec("bool"),
    # optional tables read by the engine and services
    "yearly_standards": FieldSpec("table"),  # D8: {clause_id = {"2023" = "10"}} in 万元
    "recognition_labels": FieldSpec("table"),  # display names of recognition types
    "validity_years": FieldSpec("table"),  # {type_id = N}: valid_years overrides
}
