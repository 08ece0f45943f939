"""D14: conditions the text attaches that a recognition alone does not show.

Where the policy text names a condition (“工商注册和纳税所在地均在我市”, “经我市提名”,
“第一完成单位”, “电子新材料、生物医药、医疗器械等高技术产业领域” …) the program never assumes
it: the condition is a recorded attribute of the subject or of the recognition
(``ATTRIBUTES``), imported as a roster column and edited in the forms like the rest. A
clause lists its conditions (``Clause.conditions``, from the catalog); ``judge`` reads them:

- every condition recorded as met: the item stands, with one line per condition;
- one recorded as not met: “不符合条件” with the reason in the text's words;
- one not recorded (and not readable from another record): “须核实：<the text's words>”,
  and the item cannot be approved until the officer records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kjdesk.policy.model import Clause, Condition, RecognitionRecord, SubjectFacts


@dataclass(frozen=True)
class Attribute:
    """A condition the officer records: its key, the roster column and form label, its choices."""

    key: str
    label: str
    of: str  # "unit" (the subject) | "recognition"
    choices: tuple[str, ...]
    hint: str


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        "high_tech_field",
        "高技术产业领域",
        "unit",
        ("是", "否"),
        "是否属于电子新材料、生物医药、医疗器械等高技术产业领域（包头（六）优先培育）；"
        "所属领域为这三项之一的可不填",
    ),
    Attribute(
        "tax_seat_in_city",
        "纳税地在本市",
        "unit",
        ("是", "否"),
        "纳税所在地是否在本市（包头（十二）要求工商注册和纳税所在地均在我市）",
    ),
    Attribute(
        "award_category",
        "奖励类别",
        "recognition",
        ("科学技术进步奖", "自然科学奖", "技术发明奖", "其他"),
        "自治区科学技术奖的类别（乌海（十八）只支持科学技术进步奖）；认定名称写明的可不填",
    ),
    Attribute(
        "first_completer",
        "第一完成单位",
        "recognition",
        ("是", "否"),
        "获奖单位是否为第一完成单位",
    ),
    Attribute(
        "city_nominated",
        "经我市提名",
        "recognition",
        ("是", "否"),
        "该奖项是否经本市提名",
    ),
    Attribute(
        "erc_series",
        "工程中心类别",
        "recognition",
        ("工程技术研究中心", "工程研究中心"),
        "科技部门认定的工程技术研究中心，或发展改革部门认定的工程研究中心；名称中写明的可不填",
    ),
)
BY_KEY: dict[str, Attribute] = {a.key: a for a in ATTRIBUTES}
BY_LABEL: dict[str, Attribute] = {a.label: a for a in ATTRIBUTES}
UNIT_ATTRIBUTES = tuple(a for a in ATTRIBUTES if a.of == "unit")
RECOGNITION_ATTRIBUTES = tuple(a for a in ATTRIBUTES if a.of == "recognition")
INDUSTRY = "industry"  # the unit's 所属领域, passed with the subject's attributes


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    lines: tuple[str, ...]  # one “条件：…” line per condition judged
    reason: str = ""  # NOT_MET: why; UNKNOWN: “须核实：…”


def _value(cond: Condition, subject: SubjectFacts, rec: RecognitionRecord | None) -> tuple[str, str]:
    """(value, where it came from) of a condition; ("", "") when nothing says."""
    attribute = BY_KEY.get(cond.attribute)
    own = (
        rec.attributes if rec is not None and attribute is not None and attribute.of == "recognition" else ()
    )
    if attribute is not None and attribute.of == "unit":
        own = subject.attributes
    for key, value in own:
        if key == cond.attribute and value.strip():
            return value.strip(), "已登记"
    if cond.infer_from == "title" and rec is not None:
        source, label = rec.title, "认定名称"
    elif cond.infer_from == INDUSTRY:
        source = next((v for k, v in subject.attributes if k == INDUSTRY), "")
        label = "所属领域"
    else:
        return "", ""
    for words, value in cond.infer:
        if words and words in source:
            return value, f"{label}“{source}”"
    return "", ""


def judge(clause: Clause, subject: SubjectFacts, rec: RecognitionRecord | None = None) -> Judgement:
    """Read every condition of the clause for the subject (and the recognition, if any)."""
    lines: list[str] = []
    unknown: list[str] = []
    for cond in clause.conditions:
        attribute = BY_KEY.get(cond.attribute)
        label = attribute.label if attribute is not None else cond.attribute
        value, source = _value(cond, subject, rec)
        if not value:
            unknown.append(cond.text)
            lines.append(f"条件：{cond.text}——未登记“{label}”，须核实")
        elif value in cond.met:
            lines.append(f"条件：{cond.text}——{label}：{value}（{source}），符合")
        else:
            reason = f"不符合“{cond.text}”：{label}为“{value}”（{source}）"
            lines.append(f"条件：{cond.text}——{label}：{value}（{source}），不符合")
            return Judgement(Outcome.NOT_MET, tuple(lines), reason)
    if unknown:
        return Judgement(Outcome.UNKNOWN, tuple(lines), "须核实：" + "；".join(unknown))
    return Judgement(Outcome.MET, tuple(lines))


def attribute_pairs(values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The recorded attributes as the engine's sorted (key, value) pairs, blanks left out."""
    return tuple(sorted((k, v) for k, v in values.items() if v and v.strip()))
