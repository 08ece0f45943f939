"""Validation of register fields, in one place for forms and imports alike.

Each check returns the normalised value or raises ``FieldError`` with a Chinese reason
that a form shows beside the field and an import puts in its error list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, is_dataclass
from datetime import date

from stdnum.cn import ric

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

SIZE_CLASSES = ("小微企业", "其他企业")
UNIT_KINDS = ("企业", "高校院所", "园区", "服务机构", "其他")
PERSON_ROLES = ("技术经纪人", "人才", "科技特派员", "其他")


# GB 32100-2015 table 1: registration authority → its category codes (to tell a credit code
# from an ID number that happens to pass the check character).
USCC_CATEGORIES = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}


def looks_like_credit_code(code: str) -> bool:
    """A valid 统一社会信用代码 whose authority and category are a pair GB 32100 defines."""
    return (
        len(code) == 18 and code[1] in USCC_CATEGORIES.get(code[0], "") and not credit_code_problem(code)[0]
    )


class FieldError(ValueError):
    """A field value that is not acceptable; ``str(err)`` is the Chinese reason.

    ``suggestion`` is the value that would most likely be right (an accepted wording, the
    closest name, a code with a typo mended), "" when there is none to offer."""

    def __init__(self, reason: str, suggestion: str = "") -> None:
        super().__init__(reason)
        self.suggestion = suggestion


def normalize_code(text: str) -> str:
    """Full-width letters and digits to half-width, spaces removed, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


def normalize_text(text: object) -> str:
    """Trim and fold full-width spaces; keep Chinese punctuation as written."""
    if text is None:
        return ""
    return re.sub(r"[\s\u3000]+", " ", str(text)).strip()


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_TYPOS = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"})


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters (any of them may be a letter).

    ``stdnum.cn.uscc`` refuses codes whose first eight characters are not all digits, but the
    registration authority (first character) may be A, N, Y … and the category a letter too."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, str]:
    """Why a normalised 18-character code is not a 统一社会信用代码, and a suggested fix ("" when valid)."""
    bad = [(i, c) for i, c in enumerate(code) if c not in _USCC_VALUE]
    if bad:
        fixed = code.translate(_USCC_TYPOS)
        hint = ""
        readable = all(c in _USCC_VALUE for c in fixed) and fixed[2:8].isdigit()
        if readable and uscc_check_char(fixed[:17]) == fixed[17]:
            hint = fixed
        return "统一社会信用代码含有不允许的字符（不用 I、O、Z、S、V）", hint
    if not code[2:8].isdigit():
        return f"统一社会信用代码第 3—8 位应为行政区划代码（6 位数字），现为“{code[2:8]}”", ""
    expected = uscc_check_char(code[:17])
    if expected != code[17]:
        return f"统一社会信用代码校验位错误：末位应为 {expected}，现为 {code[17]}", ""
    return "", ""


def check_credit_code(text: str) -> str:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a check character."""
    code = normalize_code(text)
    if not code:
        raise FieldError("统一社会信用代码不能为空")
    if len(code) != 18:
        raise FieldError(f"统一社会信用代码应为 18 位，现为 {len(code)} 位")
    reason, hint = credit_code_problem(code)
    if not reason:
        return code
    if id_number_ok(code):
        raise FieldError(f"“{code}”是身份证号，不是统一社会信用代码（个人的号码请填在身份证号一栏）")
    raise FieldError(reason, hint)


def id_number_ok(number: str) -> bool:
    """A normalised string that is a valid 18-character 身份证号 (check digit and birth date)."""
    try:
        _id_number(number)
    except FieldError:
        return False
    return True


def check_id_number(text: str, recognise: bool = True) -> str:
    """身份证号 (GB 11643): the check digit and the birth date; any county code is accepted.

    ``stdnum.cn.ric.validate`` is not used: its place table has no 内蒙古 county codes. With
    ``recognise``, a valid 统一社会信用代码 given instead is named as what it is."""
    number = normalize_code(text)
    if not number:
        raise FieldError("身份证号不能为空")
    try:
        return _id_number(number)
    except FieldError:
        if recognise and looks_like_credit_code(number):
            raise FieldError(
                f"“{number}”是统一社会信用代码，不是身份证号（单位的代码请填在统一社会信用代码一栏）"
            ) from None
        raise


def _id_number(number: str) -> str:
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
