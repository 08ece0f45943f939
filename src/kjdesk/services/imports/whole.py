"""Values given once for a whole published list: 认定类型, 级别, 认定日期, 文号.

A list published with a notice carries none of them in its columns: they belong to the
notice. The officer gives them once (the wizard's form, or ``kjdesk import --type --level
--date --doc``); each fills only a column the list does not have — a value the list gives
in its own column is never overridden. The title above the list suggests the type and the
year ("2024年…高新技术企业名单" → 高新技术企业, 2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kjdesk.io.cells import CellError, check_date_range, parse_date
from kjdesk.io.roster_schema import KINDS
from kjdesk.io.roster_title import title_year
from kjdesk.policy.model import Level
from kjdesk.policy.titles import builtin_titles, normalize
from kjdesk.services.core.app import ServiceError

WHOLE_KEYS = ("title", "level", "date", "doc_number")  # the fields a whole list may be given
WHOLE_LABELS = {"title": "认定类型", "level": "级别", "date": "认定日期", "doc_number": "文号"}
FLAGS = {"title": "--type", "level": "--level", "date": "--date", "doc_number": "--doc"}


@dataclass(frozen=True)
class WholeList:
    """What the officer gives for the whole list (empty strings / None: not given)."""

    title: str = ""
    level: str = ""
    date: date | None = None
    doc_number: str = ""

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key in WHOLE_KEYS:
            value = getattr(self, key)
            if value not in ("", None):
                out[key] = value.strip() if isinstance(value, str) else value
        return out

    @property
    def empty(self) -> bool:
        return not self.values()


@dataclass(frozen=True)
class TitleGuess:
    """What a list's title suggests: the type as the title writes it, a level, the year."""

    title: str = ""  # the type's name
    level: str = ""  # 国家 / 自治区 / 市级 or ""
    year: int | None = None


def guess_from_title(text: str) -> TitleGuess:
    """The longest recognition-type name or alias the title contains, and its year.

    The level is suggested only for a type that exists at several levels, from the words of
    the title ("国家级", "自治区级", "市级"); "内蒙古自治区" before a 高企 list says nothing."""
    key = normalize(text)
    if not key:
        return TitleGuess()
    vocab = builtin_titles()
    best: tuple[int, str] | None = None
    for rtype in vocab.types.values():
        for name in (rtype.name, *rtype.aliases):
            n = normalize(name)
            if n and n in key and (best is None or len(n) > best[0]):
                best = (len(n), rtype.id)
    year = title_year(text)
    if best is None:
        return TitleGuess(year=year)
    rtype = vocab.types[best[1]]
    level = ""
    if len(rtype.levels) > 1:
        for word, lv in (("国家级", Level.NATIONAL), ("国家", Level.NATIONAL), ("自治区级", Level.REGIONAL)):
            if word in key and lv in rtype.levels:
                level = lv.value
                break
        else:  # "自治区" alone: every 内蒙古自治区 title says it, so only when 国家 is not said
            if "自治区" in key and Level.REGIONAL in rtype.levels:
                level = Level.REGIONAL.value
            elif "市级" in key and Level.CITY in rtype.levels:
                level = Level.CITY.value
    return TitleGuess(rtype.name, level, year)


def missing_whole(kind: str, mapping: dict[str, int]) -> list[str]:
    """The whole-list fields a recognitions list has no column for (none for other kinds)."""
    if kind != "recognitions":
        return []
    return [k for k in WHOLE_KEYS if k not in mapping]


def level_words(level: str) -> str:
    """A level as a level column writes it (国家 → 国家级), for the title reader."""
    return f"{level}级" if level in ("国家", "自治区") else level


def whole_defaults(
    whole: WholeList, kind: str, mapping: dict[str, int], today: date
) -> tuple[dict, list[str]]:
    """(the values that fill missing columns, notes on the values a column overrides).

    Raises ServiceError (Chinese, naming the option) on a value that cannot be read."""
    given = whole.values()
    if not given:
        return {}, []
    if kind != "recognitions":
        raise ServiceError(
            f"整份名单的认定类型、级别、认定日期、文号只用于认定名单，不用于{KINDS[kind].label}"
        )
    notes = [
        f"名单已有“{WHOLE_LABELS[k]}”列，按列中的值导入，未使用整份名单的{WHOLE_LABELS[k]}“{given[k]}”"
        for k in WHOLE_KEYS
        if k in given and k in mapping
    ]
    defaults = {k: v for k, v in given.items() if k not in mapping}
    if "date" in defaults:
        try:
            day = defaults["date"] if isinstance(defaults["date"], date) else parse_date(defaults["date"])
            defaults["date"] = check_date_range(day, today)
        except CellError as exc:
            raise ServiceError(f"整份名单的认定日期（--date）：{exc}") from exc
    if "level" in defaults:
        defaults["level"] = level_words(str(defaults["level"]))
    return defaults, notes
