"""The controlled vocabularies of the register and the ways officers write them.

Every closed list a roster or a form fills (人员类别, 单位类型, 企业规模, 级别, 状态, 旗县区)
has ONE table here: its choices and the wordings that mean each of them (``柔性引进高端人才``
→ 人才, ``省级`` → 自治区级, ``稀土高新技术产业开发区`` → 稀土高新区). 认定类型 and 平台类型
are read by ``policy/titles.py`` from ``resources/policies/titles.toml`` (their aliases are
policy data); this module only puts the remembered wordings in front of them.

``Vocabulary.read(text, remembered)`` gives the choice a wording means, or raises
``FieldError`` whose ``suggestion`` is the closest choice. ``remembered`` is an optional
mapping of wordings the bureau has already answered (``wording_key(text)`` → choice), kept
in the database by the import service; it is consulted after the exact choices and before
the built-in synonyms, so an officer's answer wins over a built-in guess. ``Remembered`` maps
each vocabulary key ("role", "level" …, and "title" for 认定类型/平台类型) to such a mapping.

Rosters repeat their values down a column: callers read each distinct cell once (see
``services/imports/rows.py``), so the work here is never per row.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

from kjdesk.io.roster_schema import LEVEL_CHOICES, STATUS_CHOICES
from kjdesk.validation import CITIES, PERSON_ROLES, SIZE_CLASSES, UNIT_KINDS, FieldError, normalize_text

Remembered = Mapping[str, Mapping[str, str]]  # vocabulary key → {wording_key(text): choice}

_DROP = re.compile(r"[\s\u3000“”‘’\"'「」『』《》·]+")


def wording_key(text: object) -> str:
    """The form a wording is compared (and remembered) in: NFKC, no spaces or quotes, upper case."""
    return _DROP.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text))).upper()


@dataclass(frozen=True)
class Reading:
    value: str  # the choice
    written: str  # the wording as the cell or field gave it (trimmed)

    @property
    def reworded(self) -> bool:
        return wording_key(self.written) != wording_key(self.value)


@dataclass(frozen=True)
class Vocabulary:
    key: str  # "role", "level" … (the key of its remembered answers)
    label: str  # 人员类别
    choices: tuple[str, ...]
    synonyms: Mapping[str, str]  # wording → choice, as written in the table below
    refuse: str = "{label}“{text}”无法识别（可选：{choices}）"
    rules: tuple[Callable[[str], str | None], ...] = ()  # key → choice, after the synonyms
    _keys: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = {wording_key(w): c for w, c in self.synonyms.items()}
        keys.update({wording_key(c): c for c in self.choices})
        self._keys.update(keys)

    def read(self, text: object, remembered: Mapping[str, str] | None = None) -> str:
        return self.reading(text, remembered).value

    def reading(self, text: object, remembered: Mapping[str, str] | None = None) -> Reading:
        written = re.sub(r"[\s\u3000]+", " ", "" if text is None else str(text)).strip()
        key = wording_key(written)
        if key in self.choices:
            return Reading(key, written)
        if remembered:
            hit = remembered.get(key)
            if hit in self.choices:
                return Reading(hit, written)  # type: ignore[arg-type]
        hit = self._keys.get(key)
        if hit is None:
            for rule in self.rules:
                hit = rule(key)
                if hit is not None:
                    break
        if hit is None:
            raise FieldError(
                self.refuse.format(label=self.label, text=text, choices="、".join(self.choices)),
                self.suggest(key, remembered),
            )
        return Reading(hit, written)

    def suggest(self, text: str, remembered: Mapping[str, str] | None = None) -> str:
        """The choice whose wording is closest to ``text`` ("" when none is close at all)."""
        keys = dict(self._keys)
        if remembered:
            keys.update({k: v for k, v in remembered.items() if v in self.choices})
        close = difflib.get_close_matches(wording_key(text), list(keys), n=1, cutoff=0.3)
        return keys[close[0]] if close else ""


def _containing(*pairs: tuple[str, str]) -> Callable[[str], str | None]:
    """A rule: the first choice whose marker word the wording contains."""

    def rule(key: str) -> str | None:
        return next((choice for word, choice in pairs if word in key), None)

    return rule


# --- the tables -------------------------------------------------------------------------

ROLE_SYNONYMS = {
    "技术经理人": "技术经纪人",
    "技术经纪人员": "技术经纪人",
    "科技经纪人": "技术经纪人",
    "技术转移经纪人": "技术经纪人",
    "技术转移经理人": "技术经纪人",
    "柔性引进高端人才": "人才",
    "柔性引进人才": "人才",
    "高端人才": "人才",
    "高层次人才": "人才",
    "引进人才": "人才",
    "领军人才": "人才",
    "科技领军人才": "人才",
    "创新人才": "人才",
    "青年人才": "人才",
    "人才引进": "人才",
    "柔性引进专家": "人才",
    "高端外国专家": "人才",
    "专家": "人才",
    "特派员": "科技特派员",
    "农业科技特派员": "科技特派员",
    "农牧业科技特派员": "科技特派员",
    "法人科技特派员": "科技特派员",
    "其它": "其他",
    "其他人员": "其他",
}

UNIT_KIND_SYNONYMS = {
    "公司": "企业",
    "民营企业": "企业",
    "国有企业": "企业",
    "国企": "企业",
    "私营企业": "企业",
    "外资企业": "企业",
    "有限责任公司": "企业",
    "股份有限公司": "企业",
    "企业法人": "企业",
    "高校": "高校院所",
    "高等院校": "高校院所",
    "高等学校": "高校院所",
    "大学": "高校院所",
    "院校": "高校院所",
    "职业院校": "高校院所",
    "科研院所": "高校院所",
    "研究院所": "高校院所",
    "科研机构": "高校院所",
    "研究所": "高校院所",
    "研究院": "高校院所",
    "产业园区": "园区",
    "工业园区": "园区",
    "开发区": "园区",
    "园区管委会": "园区",
    "科技服务机构": "服务机构",
    "中介机构": "服务机构",
    "科技中介机构": "服务机构",
    "技术转移机构": "服务机构",
    "孵化机构": "服务机构",
    "其它": "其他",
    "事业单位": "其他",
    "社会团体": "其他",
    "民办非企业单位": "其他",
}

SIZE_SYNONYMS = {  # the written size is kept beside the class (Reading.written)
    "小微": "小微企业",
    "小型": "小微企业",
    "微型": "小微企业",
    "小型企业": "小微企业",
    "微型企业": "小微企业",
    "小微型企业": "小微企业",
    "小型微型企业": "小微企业",
    "小型微利企业": "小微企业",
    "小企业": "小微企业",
    "微企业": "小微企业",
    "其他": "其他企业",
    "其它": "其他企业",
    "其它企业": "其他企业",
    "大型": "其他企业",
    "中型": "其他企业",
    "大型企业": "其他企业",
    "中型企业": "其他企业",
    "大中型": "其他企业",
    "大中型企业": "其他企业",
    "中大型企业": "其他企业",
    "规上企业": "其他企业",
    "规上": "其他企业",
    "规模以上": "其他企业",
    "规模以上企业": "其他企业",
    "规模以上工业企业": "其他企业",
    "非小微企业": "其他企业",
}

LEVEL_SYNONYMS = {
    "国家": "国家级",
    "全国": "国家级",
    "国家级": "国家级",
    "部级": "国家级",
    "自治区": "自治区级",
    "内蒙古自治区": "自治区级",
    "内蒙古自治区级": "自治区级",
    "内蒙古": "自治区级",
    "全区": "自治区级",
    "省级": "自治区级",
    "省": "自治区级",
    "区级": "自治区级",
    "市": "市级",
    "市本级": "市级",
    "包头市": "市级",
    "包头市级": "市级",
    "包头": "市级",
    "乌海市": "市级",
    "乌海市级": "市级",
    "乌海": "市级",
    "盟市级": "市级",
    "地市级": "市级",
}

STATUS_SYNONYMS = {
    "正常": "有效",
    "有效期内": "有效",
    "在有效期内": "有效",
    "在有效期": "有效",
    "存续": "有效",
    "在库": "有效",
    "已撤销": "撤销",
    "被撤销": "撤销",
    "取消": "撤销",
    "已取消": "撤销",
    "取消资格": "撤销",
    "撤销资格": "撤销",
    "注销": "撤销",
    "已注销": "撤销",
    "摘牌": "撤销",
    "已过期": "过期",
    "到期": "过期",
    "已到期": "过期",
    "期满": "过期",
    "届满": "过期",
    "失效": "过期",
    "已失效": "过期",
    "超期": "过期",
    "已迁出": "迁出",
    "外迁": "迁出",
    "迁往外地": "迁出",
    "迁出本市": "迁出",
    "整体迁出": "迁出",
}

DISTRICT_SYNONYMS: dict[str, dict[str, str]] = {
    "baotou": {
        "稀土高新技术产业开发区": "稀土高新区",
        "包头稀土高新技术产业开发区": "稀土高新区",
        "稀土高新技术开发区": "稀土高新区",
        "包头稀土高新区": "稀土高新区",
        "稀土开发区": "稀土高新区",
        "高新区": "稀土高新区",
        "达茂旗": "达尔罕茂明安联合旗",
        "达茂联合旗": "达尔罕茂明安联合旗",
        "达茂": "达尔罕茂明安联合旗",
        "昆区": "昆都仑区",
        "石拐": "石拐区",
        "土右旗": "土默特右旗",
        "土右": "土默特右旗",
        "白云矿区": "白云鄂博矿区",
        "白云区": "白云鄂博矿区",
    },
    "wuhai": {
        "乌海高新技术产业开发区": "乌海高新区",
        "高新区": "乌海高新区",
        "高新技术产业开发区": "乌海高新区",
    },
}

_PLACE_PREFIXES = ("内蒙古自治区", "内蒙古", "包头市", "乌海市", "包头", "乌海")


def _district_rule(city: str) -> Callable[[str], str | None]:
    known: tuple[str, ...] = CITIES[city]["districts"]  # type: ignore[assignment]
    aliases = {wording_key(k): v for k, v in DISTRICT_SYNONYMS[city].items()}

    def rule(key: str) -> str | None:
        for prefix in _PLACE_PREFIXES:  # 包头市昆都仑区, 内蒙古自治区包头市九原区
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
        if key in known:
            return key
        if key in aliases:
            return aliases[key]
        starts = [name for name in known if key and name.startswith(key)]  # 青山 → 青山区
        return starts[0] if len(starts) == 1 else None

    return rule


ROLES = Vocabulary(
    "role",
    "身份",
    PERSON_ROLES,
    ROLE_SYNONYMS,
    rules=(
        _containing(
            ("人才", "人才"), ("特派员", "科技特派员"), ("经纪人", "技术经纪人"), ("经理人", "技术经纪人")
        ),
    ),
)
UNIT_KIND_VOCAB = Vocabulary("unit_kind", "单位类型", UNIT_KINDS, UNIT_KIND_SYNONYMS)
SIZES = Vocabulary("size_class", "企业规模", SIZE_CLASSES, SIZE_SYNONYMS)
LEVELS = Vocabulary(
    "level", "级别", LEVEL_CHOICES, LEVEL_SYNONYMS, refuse="无法识别的级别“{text}”，可用：{choices}"
)
STATUSES = Vocabulary("status", "状态", STATUS_CHOICES, STATUS_SYNONYMS)


@cache
def districts(city: str) -> Vocabulary:
    name = CITIES[city]["name"]
    return Vocabulary(
        "district",
        "旗县区",
        CITIES[city]["districts"],  # type: ignore[arg-type]
        DISTRICT_SYNONYMS[city],
        refuse=f"“{{text}}”不是{name}的旗县区（可选：{{choices}}）",
        rules=(_district_rule(city),),
    )


VOCABULARIES: dict[str, Vocabulary] = {v.key: v for v in (ROLES, UNIT_KIND_VOCAB, SIZES, LEVELS, STATUSES)}


def vocabulary(key: str, city: str = "baotou") -> Vocabulary:
    """The vocabulary of ``key`` ("district" needs the bureau's city)."""
    return districts(city) if key == "district" else VOCABULARIES[key]


def level_wording(text: str, remembered: Mapping[str, str] | None = None) -> str:
    """A 级别 cell in the words ``policy/titles.py`` reads: ``省级（培育）`` → ``自治区级（培育）``.

    A wording this table does not know is given back as written (the title reader then names it)."""
    written = text.strip()
    head, bracket = written, ""
    for opener in ("（", "("):
        if opener in written and written.endswith(("）", ")")):
            i = written.index(opener)
            head, bracket = written[:i], written[i:]
            break
    try:
        return LEVELS.read(head, remembered) + bracket
    except FieldError:
        return written


def title_wording(text: str, remembered: Mapping[str, str] | None = None) -> str:
    """A 认定类型 / 平台类型 cell after the remembered answers (the built-in names are in titles.toml)."""
    if remembered:
        return remembered.get(wording_key(text), text)
    return text


# The form checks of a 旗县区 and a size class (validation.py's other checks take plain values).
def check_district(text: str, city: str) -> str:
    """A 旗县区 of the city, in any of the ways officers write it (see ``vocab.py``)."""
    return districts(city).read(text)


def check_size_class(text: str) -> str:
    """小微企业 / 其他企业 (中型企业, 规上企业 … are 其他企业); blank stays blank."""
    return SIZES.read(text) if normalize_text(text) else ""
