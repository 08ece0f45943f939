"""Validation of register fields, in one place for forms and imports alike.

Each check returns the normalised value or raises ``FieldError`` with a Chinese reason
that a form shows beside the field and an import puts in its error list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, is_dataclass
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from kjdesk.safe_text import control_message

CITIES: dict[str, dict[str, object]] = {
    "baotou": {
        "name": "包头市",
        "bureau": "包头市科学技术局",
        "districts": (
            "昆都仑区",
            "青山区",
            "东河区",
            "九原区",
            "石拐区",
            "白云鄂博矿区",
            "土默特右旗",
            "固阳县",
            "达尔罕茂明安联合旗",
            "稀土高新区",
        ),
        "letter_pattern": "包科字〔{year}〕{seq}号",
    },
    "wuhai": {
        "name": "乌海市",
        "bureau": "乌海市科学技术局",
        "districts": ("海勃湾区", "乌达区", "海南区", "乌海高新区"),
        "letter_pattern": "乌科字〔{year}〕{seq}号",
    },
}

# Short names officers write for the same district.
DISTRICT_ALIASES: dict[str, str] = {
    "稀土高新技术产业开发区": "稀土高新区",
    "包头稀土高新区": "稀土高新区",
    "达茂旗": "达尔罕茂明安联合旗",
    "昆区": "昆都仑区",
    "石拐": "石拐区",
    "土右旗": "土默特右旗",
    "白云矿区": "白云鄂博矿区",
    "乌海高新技术产业开发区": "乌海高新区",
}

SIZE_CLASSES = ("小微企业", "其他企业")
UNIT_KINDS = ("企业", "高校院所", "园区", "服务机构", "其他")
PERSON_ROLES = ("技术经纪人", "人才", "科技特派员", "其他")


class FieldError(ValueError):
    """A field value that is not acceptable; ``str(err)`` is the Chinese reason."""


def normalize_code(text: str) -> str:
    """Full-width letters and digits to half-width, spaces removed, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


def normalize_text(text: object) -> str:
    """Trim and fold full-width spaces; keep Chinese punctuation as written."""
    if text is None:
        return ""
    return re.sub(r"[\s\u3000]+", " ", str(text)).strip()


def check_credit_code(text: str) -> str:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a check character."""
    code = normalize_code(text)
    if not code:
        raise FieldError("统一社会信用代码不能为空")
    if len(code) != 18:
        raise FieldError(f"统一社会信用代码应为 18 位，现为 {len(code)} 位")
    try:
        uscc.validate(code)
    except ValidationError as exc:
        try:
            expected = uscc.calc_check_digit(code[:17])
        except (ValidationError, KeyError, ValueError):
            raise FieldError("统一社会信用代码含有不允许的字符（不用 I、O、Z、S、V）") from exc
        raise FieldError(f"统一社会信用代码校验位错误：末位应为 {expected}，现为 {code[17]}") from exc
    return code


def check_id_number(text: str) -> str:
    """身份证号 (GB 11643): the check digit and the birth date; any county code is accepted.

    ``stdnum.cn.ric.validate`` is not used: its place table has no 内蒙古 county codes.
    """
    number = normalize_code(text)
    if not number:
        raise FieldError("身份证号不能为空")
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise FieldError("身份证号应为 18 位（前 17 位为数字，末位为数字或 X）")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise FieldError(f"身份证号中的出生日期 {number[6:14]} 不存在") from exc
    if birth.year < 1900 or birth > date.today():
        raise FieldError(f"身份证号中的出生日期 {birth.isoformat()} 不合理")
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise FieldError(f"身份证号校验位错误：末位应为 {expected}，现为 {number[17]}")
    return number


def mask_id_number(number: str) -> str:
    """``150203198001011232`` → ``150203********1232``."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def districts_of(city: str) -> tuple[str, ...]:
    return CITIES[city]["districts"]  # type: ignore[return-value]


def check_district(text: str, city: str) -> str:
    value = normalize_text(text).replace(" ", "")
    value = DISTRICT_ALIASES.get(value, value)
    known = districts_of(city)
    if value in known:
        return value
    for name in known:  # 昆区 / 青山 → the full name when unambiguous
        if value and name.startswith(value) and sum(n.startswith(value) for n in known) == 1:
            return name
    raise FieldError(f"“{text}”不是{CITIES[city]['name']}的旗县区（可选：{'、'.join(known)}）")


def check_size_class(text: str) -> str:
    value = normalize_text(text)
    aliases = {
        "小微": "小微企业",
        "小型": "小微企业",
        "微型": "小微企业",
        "小型微利企业": "小微企业",
        "其他": "其他企业",
        "大型": "其他企业",
        "中型": "其他企业",
        "大中型企业": "其他企业",
    }
    value = aliases.get(value, value)
    if value and value not in SIZE_CLASSES:
        raise FieldError(f"企业规模“{text}”无法识别（可选：小微企业、其他企业）")
    return value


def check_no_control(text: object, what: str = "") -> None:
    """Refuse an invisible control character (bidi override, zero-width, C0/C1), naming its code."""
    if isinstance(text, str) and (reason := control_message(text)) is not None:
        raise FieldError(f"{what}{reason}")


def control_errors(data: object, labels: dict[str, str] | None = None) -> dict[str, str]:
    """field → reason for every text field of the dataclass ``data`` that holds a control character."""
    out: dict[str, str] = {}
    if not is_dataclass(data):
        return out
    for f in fields(data):
        value = getattr(data, f.name)
        if isinstance(value, str) and (reason := control_message(value)) is not None:
            out[f.name] = f"{(labels or {}).get(f.name, '')}{reason}"
    return out


def check_name(text: str, what: str = "名称", max_len: int = 200) -> str:
    check_no_control(text, what)
    value = normalize_text(text)
    if not value:
        raise FieldError(f"{what}不能为空")
    if len(value) > max_len:
        raise FieldError(f"{what}过长（最多 {max_len} 字）")
    return value


def check_phone(text: str) -> str:
    value = normalize_code(text).replace("－", "-")
    if value and not re.fullmatch(r"[0-9\-+()（）转]{5,20}", value):
        raise FieldError(f"电话“{text}”格式不正确")
    return value
