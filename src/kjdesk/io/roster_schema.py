"""The kinds of roster kjdesk imports, their columns, and the many ways officers name them.

A roster kind (units, platforms, people, recognitions, facts) is a list of ``Column``s;
each column has a field key (English, used by the import service), the label a template
writes, and the synonyms real rosters use. ``match_headers`` maps a header row to fields;
``detect_kind`` picks the kind whose signature columns a header row carries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from kjdesk.money import MONEY_UNITS as MONEY_UNITS  # the one list of money units, offered with the columns
from kjdesk.policy.conditions import ATTRIBUTES  # the D14 vocabulary, pure data


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # as the template writes it
    synonyms: tuple[str, ...] = ()
    required: bool = False
    example: str = ""
    choices: str = ""  # name of a drop-down list in the template (districts, levels, titles …)
    width: int = 16

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass(frozen=True)
class RosterKind:
    key: str
    label: str
    columns: tuple[Column, ...]
    signature: tuple[tuple[str, ...], ...] = ()  # each inner tuple: one of these headers must be there
    alternatives: tuple[tuple[str, ...], ...] = field(default=())  # one key of each group is required

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def label_of(self, key: str) -> str:
        return self.column(key).label


_NAME = ("企业名称", "名称", "单位", "企业", "机构名称", "主体名称", "纳税人名称", "单位全称", "企业全称")
_CODE = ("社会信用代码", "信用代码", "统一信用代码", "社会统一信用代码", "统一代码", "纳税人识别号")
_DISTRICT = (
    "所属旗县区",
    "所在旗县区",
    "旗县",
    "区县",
    "所属区县",
    "所在地区",
    "所属地区",
    "地区",
    "所在区域",
    "属地",
    "旗县区（园区）",
)
_IDNO = ("身份证号码", "证件号码", "公民身份号码", "身份证", "身份证件号码")
_NOTE = Column("note", "备注", ("说明",), width=20)
CONDITION_PREFIX = "cond_"  # field key of a D14 condition column: cond_<attribute key>


def _condition_columns(of: str) -> tuple[Column, ...]:
    """D14: one column per recorded condition the policy text attaches (policy/conditions.py)."""
    return tuple(
        Column(f"{CONDITION_PREFIX}{a.key}", a.label, (), False, "", f"{CONDITION_PREFIX}{a.key}", 12)
        for a in ATTRIBUTES
        if a.of == of
    )


# 高企 证书编号 GR2024150001xx; 科技型中小企业 入库登记编号 2024150203A0001234
CERT_NAMES = ("入库登记编号", "登记编号", "证书号", "证书编号号码", "入库编号", "登记号", "入库登记号")
_BANK = ("开户行", "开户银行名称", "开户行名称", "收款银行")
_ACCOUNT = ("账号", "银行帐号", "帐号", "收款账号", "银行卡号", "开户账号")

UNITS = RosterKind(
    "units",
    "单位名录",
    (
        Column("name", "单位名称", _NAME, True, "包头某某稀土材料有限公司", width=30),
        Column("credit_code", "统一社会信用代码", _CODE, True, "91150200MA0N000000", width=22),
        Column("district", "旗县区", _DISTRICT, False, "", "districts", 14),  # required for new units only
        Column("kind", "单位类型", ("单位性质", "机构类型", "主体类型"), False, "企业", "unit_kinds"),
        Column("size_class", "企业规模", ("规模", "企业规模类型"), False, "小微企业", "sizes"),
        Column("industry", "所属行业", ("行业", "行业类别", "技术领域", "所属领域")),
        Column("address", "地址", ("注册地址", "通讯地址", "单位地址", "详细地址"), width=30),
        Column("contact", "联系人", ("联系人姓名",)),
        Column("phone", "联系电话", ("电话", "手机", "手机号", "联系方式", "手机号码")),
        Column("bank_name", "开户银行", _BANK, width=24),
        Column("bank_account", "银行账号", _ACCOUNT, width=24),
        Column("registered_from", "落户日期", ("落户时间", "迁入日期", "迁入时间")),
        _NOTE,
        *_condition_columns("unit"),
    ),
    signature=(("单位名称", *_NAME), ("统一社会信用代码", *_CODE)),
)

PLATFORMS = RosterKind(
    "platforms",
    "创新平台名录",
    (
        Column(
            "name",
            "平台名称",
            ("载体名称", "平台（载体）名称", "名称"),
            True,
            "包头某某稀土材料重点实验室",
            width=30,
        ),
        Column(
            "title",
            "平台类型",
            ("载体类型", "类型", "认定类型", "平台类别"),
            True,
            "重点实验室",
            "platform_types",
            22,
        ),
        Column("level", "级别", ("平台级别", "认定级别", "层级"), False, "自治区级", "levels", 10),
        Column(
            "host_code",
            "依托单位统一社会信用代码",
            ("依托单位信用代码", "统一社会信用代码", *_CODE),
            True,
            "",
            width=22,
        ),
        Column(
            "host_name", "依托单位", ("依托单位名称", "单位名称", "企业名称", "建设单位"), False, "", width=30
        ),
        _NOTE,
    ),
    signature=(
        ("平台名称", "载体名称", "平台（载体）名称"),
        ("依托单位统一社会信用代码", "依托单位信用代码", "统一社会信用代码", *_CODE),
    ),
)

PEOPLE = RosterKind(
    "people",
    "人员名录",
    (
        Column("name", "姓名", ("名字", "人员姓名"), True, "张三", width=10),
        Column("id_number", "身份证号", _IDNO, True, "", width=22),
        Column(
            "employer_code",
            "工作单位统一社会信用代码",
            ("单位统一社会信用代码", "统一社会信用代码", *_CODE),
            False,
            "",
            width=22,
        ),
        Column("employer_name", "工作单位", ("单位名称", "所在单位", "工作单位名称", "企业名称"), width=30),
        Column("role", "身份", ("人员类别", "类别", "人员类型", "身份类别"), False, "技术经纪人", "roles"),
        Column("phone", "联系电话", ("电话", "手机", "手机号", "联系方式")),
        Column("bank_name", "开户银行", _BANK, width=24),
        Column("bank_account", "银行账号", _ACCOUNT, width=24),
        _NOTE,
    ),
    signature=(("身份证号", *_IDNO), ("姓名", "名字", "人员姓名")),
)

RECOGNITIONS = RosterKind(
    "recognitions",
    "认定名单",
    (
        Column("subject_name", "单位名称", (*_NAME, "依托单位", "依托单位名称", "姓名"), False, "", width=30),
        Column("credit_code", "统一社会信用代码", ("依托单位统一社会信用代码", *_CODE), False, "", width=22),
        Column("id_number", "身份证号", _IDNO, False, "", width=22),
        Column("platform_name", "平台名称", ("载体名称", "平台（载体）名称"), False, "", width=30),
        Column(
            "title",
            "认定类型",
            ("称号", "认定名称", "荣誉称号", "认定称号", "资质名称", "类型", "平台类型", "类别", "认定类别"),
            True,
            "高新技术企业",
            "titles",
            24,
        ),
        Column("level", "级别", ("认定级别", "层级", "平台级别"), False, "国家级", "levels", 10),
        Column("stage", "阶段", ("认定方式", "认定阶段"), False, "", width=10),
        Column(
            "date",
            "认定日期",
            (
                "认定时间",
                "发文日期",
                "获批日期",
                "获批时间",
                "批准日期",
                "批准时间",
                "入库日期",
                "入库时间",
                "评价日期",
                "发证日期",
                "发文时间",
                "日期",
            ),
            True,
            "2022-12-01",
            width=12,
        ),
        Column(
            "doc_number",
            "文号",
            ("认定文号", "发文文号", "批准文号", "发文字号", "文件号", "发文号"),
            width=24,
        ),
        Column(
            "evidence",
            "证明材料",
            ("佐证材料", "证明文件", "佐证文件", "证明材料存放位置", "佐证材料说明"),
            width=30,
        ),
        Column(
            "valid_until",
            "有效期至",
            ("有效期", "有效期截止", "有效期截止日期", "截止日期", "到期日期", "有效截止日期"),
            width=12,
        ),
        Column("status", "状态", ("认定状态", "当前状态"), False, "有效", "statuses", 8),
        Column("status_date", "状态日期", ("状态变更日期", "撤销日期", "迁出日期", "过期日期"), width=12),
        Column("district", "旗县区", _DISTRICT, False, "", "districts", 14),
        _NOTE,
        *_condition_columns("recognition"),
        Column("cert_number", "证书编号", CERT_NAMES, width=22),
    ),
    signature=(
        (
            "认定类型",
            "称号",
            "认定名称",
            "荣誉称号",
            "认定称号",
            "资质名称",
            "类型",
            "平台类型",
            "类别",
            "认定类别",
        ),
        (
            "认定日期",
            "认定时间",
            "发文日期",
            "获批日期",
            "获批时间",
            "批准日期",
            "批准时间",
            "入库日期",
            "入库时间",
            "评价日期",
            "发证日期",
            "发文时间",
        ),
    ),
    alternatives=(("credit_code", "id_number"),),
)

FACTS = RosterKind(
    "facts",
    "年度数据",
    (
        Column("subject_name", "主体名称", ("单位名称", "企业名称", "名称", "姓名"), False, "", width=30),
        Column("credit_code", "统一社会信用代码", _CODE, False, "", width=22),
        Column("id_number", "身份证号", _IDNO, False, "", width=22),
        Column("year", "年度", ("年份", "所属年度", "申报年度", "数据年度"), True, "2023", width=8),
        Column(
            "indicator",
            "指标",
            ("指标名称", "数据项", "指标项"),
            True,
            "加计扣除研发费用",
            "indicators",
            22,
        ),
        Column("value", "数值", ("金额", "数额", "值", "指标值"), True, "356.78", width=14),
        Column("unit_label", "单位", ("计量单位", "金额单位"), False, "万元", "money_units", 8),
        Column("item_ref", "事项编号", ("合同编号", "项目编号", "编号", "合同登记号"), width=20),
        Column("reference", "来源", ("数据来源", "依据"), width=20),
    ),
    signature=(("指标", "指标名称", "数据项", "指标项"), ("数值", "金额", "数额", "值", "指标值")),
    alternatives=(("credit_code", "id_number"),),
)

KINDS: dict[str, RosterKind] = {k.key: k for k in (UNITS, PLATFORMS, PEOPLE, RECOGNITIONS, FACTS)}
DETECT_ORDER = ("facts", "recognitions", "platforms", "people", "units")

# Yearly facts of clauses.md Part II: indicator → how its value is read.
MONEY, COUNT, CATEGORY = "money", "count", "category"
FACT_INDICATORS: dict[str, str] = {
    "加计扣除研发费用": MONEY,
    "企业规模": CATEGORY,
    "技术交易额": MONEY,
    "技术入股作价": MONEY,
    "项目总投资": MONEY,
    "年度实际投资": MONEY,
    "纳税劳动报酬": MONEY,
    "仪器共享费用": MONEY,
    "技术合同登记成交额": MONEY,
    "高新区年度位次": COUNT,
    "奖金额度": MONEY,
    "自治区项目资助额": MONEY,
}
FACT_ALIASES: dict[str, str] = {
    "研发费用加计扣除": "加计扣除研发费用",
    "已加计扣除研发费用": "加计扣除研发费用",
    "已加计扣除的研发费用": "加计扣除研发费用",
    "加计扣除的研发费用": "加计扣除研发费用",
    "规模": "企业规模",
    "技术合同成交额": "技术合同登记成交额",
    "技术合同登记额": "技术合同登记成交额",
    "位次": "高新区年度位次",
    "综合排名": "高新区年度位次",
}
# D6: the BT-05 base is the R&D expense that was 加计扣除 (fact 加计扣除研发费用), not the
# 加计扣除额 (the extra 75%/100% deduction, a quarter or less of it). A column or indicator
# named after the deduction is refused for this fact, with the difference in words.
DEDUCTION_NAME_ENDINGS = ("加计扣除额", "加计扣除金额")
DEDUCTION_REFUSAL = (
    "“{name}”在税务口径中指研发费用按 75% 或 100% 额外扣除的金额（加计扣除额），不是研发费用本身，"
    "按它计算会少算四分之一以上；包头（五）按“上年度符合税法规定已进行加计扣除的研发费用”计算，"
    "请改用指标“加计扣除研发费用”，填写已进行加计扣除的研发费用金额本身（D6）"
)


def refused_indicator(name: str) -> str:
    """The reason a fact name is refused (D6: the 加计扣除额 is not the base), or ""."""
    bare = name.replace(" ", "")
    if bare.endswith(DEDUCTION_NAME_ENDINGS):
        return DEDUCTION_REFUSAL.format(name=bare)
    return ""


EXAMPLE_MARK = "（示例）"  # the first cell of a template's example row; imports skip such rows
LEVEL_CHOICES = ("国家级", "自治区级", "市级")
STATUS_CHOICES = ("有效", "撤销", "过期", "迁出")

_BRACKETS = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_SPACES = re.compile(r"[\s*:：#]+")


def normalize_header(text: object) -> tuple[str, str]:
    """``' 研发费用（万元）* '`` → ``('研发费用', '万元')``: the bare name and a money unit if stated."""
    raw = unicodedata.normalize("NFKC", "" if text is None else str(text))
    unit = ""
    for group in _BRACKETS.findall(raw):
        if "万元" in group:
            unit = "万元"
        elif "元" in group:
            unit = "元"
    bare = _SPACES.sub("", _BRACKETS.sub("", raw))
    if not bare:  # the whole header was in brackets
        bare = _SPACES.sub("", raw)
    if bare.endswith("万元") and len(bare) > 2:
        bare, unit = bare[:-2], "万元"
    return bare, unit


def _normalized_names(col: Column) -> list[str]:
    return [normalize_header(n)[0] for n in col.names()]


def match_headers(kind: RosterKind, headers: list[object]) -> dict[str, int]:
    """Field key → column index, exact names first, then a header that contains a long name."""
    bare = [normalize_header(h)[0] for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for col in kind.columns:  # exact names, in the kind's column order
        names = _normalized_names(col)
        for i, h in enumerate(bare):
            if i not in used and h and h in names:
                mapping[col.key] = i
                used.add(i)
                break
    for i, h in enumerate(bare):  # '企业统一社会信用代码' contains '统一社会信用代码'
        if i in used or not h:
            continue
        best: tuple[int, str] | None = None
        for col in kind.columns:
            if col.key in mapping:
                continue
            for name in _normalized_names(col):
                if len(name) >= 4 and name in h and (best is None or len(name) > best[0]):
                    best = (len(name), col.key)
        if best:
            mapping[best[1]] = i
            used.add(i)
    return mapping


# Column names of published lists (公示名单) that no field takes but that mark a header row.
LIST_HEADER_WORDS = (
    "序号",
    "证书编号",
    "入库登记编号",
    "登记编号",
    "入库编号",
    "所在盟市",
    "所属盟市",
    "盟市",
    "所在地",
)


@cache
def _known_header_names() -> frozenset[str]:
    names = {n for k in KINDS.values() for c in k.columns for n in _normalized_names(c)}
    return frozenset(names | {normalize_header(w)[0] for w in LIST_HEADER_WORDS})


def header_score(headers: list[object]) -> int:
    """How many cells of a row read as a known column name of any kind (to find the header row)."""
    known = _known_header_names()
    return sum(1 for h in headers if normalize_header(h)[0] in known)


@dataclass(frozen=True)
class WideColumn:
    """A column of a wide facts roster: one indicator, its money unit and maybe its year."""

    index: int
    indicator: str
    unit: str  # 万元 / 元 / "" from the header
    year: int | None  # “2023年加计扣除研发费用” carries its year


_YEAR_PREFIX = re.compile(r"^(\d{4})年度?")


def wide_fact_columns(headers: list[object]) -> list[WideColumn]:
    """Columns named after a yearly indicator (``加计扣除研发费用（万元）``, ``2023年企业规模``)."""
    out = []
    for i, h in enumerate(headers):
        bare, unit = normalize_header(h)
        m = _YEAR_PREFIX.match(bare)
        year = int(m.group(1)) if m else None
        if m:
            bare = bare[m.end() :]
        name = FACT_ALIASES.get(bare, bare)
        if name in FACT_INDICATORS or refused_indicator(name):  # a refused one: each cell says why
            out.append(WideColumn(i, name, unit, year))
    return out


def _wide_facts(headers: list[object]) -> bool:
    """Money or ranking columns and a subject code: a wide facts roster (企业规模 alone is a unit list)."""
    wide = [c for c in wide_fact_columns(headers) if FACT_INDICATORS.get(c.indicator, MONEY) != CATEGORY]
    return bool(wide) and bool(match_headers(FACTS, headers).keys() & {"credit_code", "id_number"})


def detect_kind(headers: list[object]) -> RosterKind | None:
    bare = {normalize_header(h)[0] for h in headers}
    for key in DETECT_ORDER:
        kind = KINDS[key]
        if all(any(normalize_header(n)[0] in bare for n in group) for group in kind.signature):
            return kind
        if key == "facts" and _wide_facts(headers):
            return kind
    return None


def missing_columns(kind: RosterKind, mapping: dict[str, int]) -> list[str]:
    """Chinese names of the required columns (or column groups) a mapping lacks."""
    out = [c.label for c in kind.columns if c.required and c.key not in mapping]
    for group in kind.alternatives:
        if not any(k in mapping for k in group):
            out.append("或".join(kind.label_of(k) for k in group))
    return out
