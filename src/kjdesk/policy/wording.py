"""How a letter says what the support is for, by the kind of recognition (clauses.md Part II).

The verb follows the policy's own word for the event: 认定 (“被认定为国家级科技企业孵化器”),
获批建设 (“获批建设国家技术创新中心”), 评为 / 荣获 for assessments and awards, 入库 for
科技型中小企业, 聘为 for 特派员, 引进 / 柔性引进 for people, 获批建设 for 示范区 and 园区. The
level is always named (国家 / 自治区 / 包头市); a platform's own name is said once, never
followed by the same title again. Pure functions of the clause and plain values.
"""

from __future__ import annotations

from dataclasses import dataclass

from kjdesk.policy.model import Clause, Level

CITY_NAMES = {"baotou": "包头市", "wuhai": "乌海市"}
LEVEL_WORDS = ("国家", "全国", "自治区", "内蒙古", "包头市", "乌海市", "市级")

# Words around a title in a clause's name that are not part of the title.
LEADING = (
    "经我市提名获",
    "我市新认定",
    "我市牵头的",
    "管理期满保留并续签的",
    "高技术产业领域",
    "新获批",
    "新认定",
    "市外",
    "已建成",
)
TRAILING = (
    "连续两次入库",
    "“促优培育”",
    "促优培育",
    "培育建设",
    "等额奖励",
    "的第一完成单位",
    "考核优秀",
    "考核良好",
    "评估优秀",
    "整体迁入",
    "入库",
    "认定",
    "建设",
    "配套",
    "创建",
    "支持地方",
    "优先培育",
    "税率优惠",
    "（按协议支持）",
    "（企业法人单位）",
)
MULTI_LEVEL = ("国家和自治区级", "国家和自治区")

# The kinds of recognition, by type id, whose verb is not 被认定为.
BUILD_TYPES = {"tic", "re_tic", "kl", "erc", "mic", "zizhu_zone", "agri_park", "transfer_zone"}
AWARD_TYPES = {"national_sci_award", "regional_sci_award"}
POOL_TYPES = {"tsme", "hte_pool"}


@dataclass(frozen=True)
class Subject:
    """Who earned it, as the letter addresses them."""

    you: str = "你单位"  # 你单位 / 你
    platform: str = ""  # the platform's own name when a platform earned it


def level_prefix(level: Level | str, city: str) -> str:
    level = Level(level) if level in {lv.value for lv in Level} else Level.NONE
    if level is Level.NATIONAL:
        return "国家"
    if level is Level.REGIONAL:
        return "自治区"
    if level is Level.CITY:
        return CITY_NAMES.get(city, "市")
    return ""


def title_of(clause: Clause) -> str:
    """The recognised title in a clause's name: 新获批国家重点实验室 → 国家重点实验室."""
    title = clause.title.strip()
    changed = True
    while changed:
        changed = False
        for word in LEADING:
            if title.startswith(word) and len(title) > len(word) + 1:
                title, changed = title[len(word) :], True
        for word in TRAILING:
            if title.endswith(word) and len(title) > len(word) + 1:
                title, changed = title[: -len(word)], True
    if clause.trigger is not None and len(clause.trigger.levels) > 1:
        for words in MULTI_LEVEL:  # the record's level is named instead
            title = title.replace(words, "")
    return title.replace("新认定", "")


def with_level(title: str, level: Level | str, city: str) -> str:
    """The title with its level named (国家技术创新中心, 包头市级企业研发中心 stay as they are)."""
    if title.startswith("市级") and city in CITY_NAMES:
        return CITY_NAMES[city] + title[1:]  # 市级… → 包头市级…
    if any(w in title for w in LEVEL_WORDS):
        return title
    prefix = level_prefix(level, city)
    return f"{prefix}{title}" if prefix else title


def _named_once(platform: str, full: str) -> bool:
    """True when the platform's own name already says its title (…国家重点实验室)."""
    core = full
    for w in LEVEL_WORDS + ("级",):
        core = core.replace(w, "")
    core = core.strip()
    # 院士专家工作站 and 院士工作站, 工程（技术）研究中心 and 工程技术研究中心 are one title
    loose = [core, core.replace("专家", ""), core.replace("（", "").replace("）", "")]
    return bool(platform) and bool(core) and any(c and c in platform for c in loose)


def event_phrase(clause: Clause, level: Level | str, stage: str = "") -> str:
    """The predicate of the recognition: 被认定为…, 获批建设…, 荣获…, 通过…评价入库 …"""
    trigger = clause.trigger
    kind = trigger.recognition if trigger else None
    stage = stage or (trigger.stage if trigger else "")
    full = with_level(title_of(clause), level, clause.city)
    quote = clause.quote
    if kind is None:
        if "柔性引进" in clause.title:
            return f"柔性引进高端人才，符合“{clause.title}”的支持条件"
        if "引进" in clause.title or "带人才" in clause.title:
            return f"引进人才（项目），符合“{clause.title}”的支持条件"
        return f"符合“{clause.title}”的支持条件"
    if stage == "培育":
        if clause.beneficiary == "park":
            return f"被纳入{full}“促优培育”"
        return f"获批培育建设{full}"
    if kind in AWARD_TYPES:
        prize = full if "奖" in full else f"{full}科学技术奖"
        if stage == "一等奖" and "一等奖" not in prize:
            prize += "一等奖"
        return f"荣获{prize}"
    if stage in ("优秀", "良好"):
        if clause.beneficiary in ("person", "broker"):
            return f"被评为{full}"
        word = "评估" if "评估" in clause.title or "评估" in quote else "考核"
        grade = "等级" if "等级" in quote else "等次"
        return f"在{full}{word}中被评为{stage}{grade}"
    if stage == "续签":
        return f"管理期满保留并续签{full}"
    if kind == "tsme":
        times = "连续两次" if "连续两次" in clause.title else ""
        return f"{times}通过{full}评价入库"
    if kind in POOL_TYPES:
        return f"入选{full}"
    if kind == "hte_relocate":
        return f"作为{with_level('高新技术企业', level, clause.city)}在有效期内整体迁入{CITY_NAMES.get(clause.city, '我市')}"
    if kind == "industrial_commissioner":
        return f"被聘为{full}"
    if kind == "nrdi" and not stage:
        return "新建新型研发机构"
    if kind == "new_variety":
        return "选育的农牧业新品种通过国家审定"
    if kind == "major_project" or kind == "regional_project":
        return f"承担{full}"
    if kind == "transfer_zone":
        return f"获批创建{full}"
    if kind in BUILD_TYPES or "获批" in clause.title or "获批建设" in quote:
        return f"获批建设{full}"
    return f"被认定为{full}"


def recognition_clause(
    clause: Clause, level: Level | str, when: str, subject: Subject, stage: str = "", doc: str = ""
) -> str:
    """The sentence of the letter: who, when, what (with its 文号), the platform named once."""
    phrase = event_phrase(clause, level, stage)
    full = with_level(title_of(clause), level, clause.city)
    doc_part = f"（{doc}）" if doc else ""
    if subject.platform:
        if _named_once(subject.platform, full):
            # 你单位于…获批建设稀土功能材料国家重点实验室 (the name says the title)
            said = (
                phrase.replace(full, subject.platform)
                if full in phrase
                else f"{phrase}（{subject.platform}）"
            )
            if not any(w in subject.platform for w in LEVEL_WORDS) and level_prefix(level, clause.city):
                note = f"{level_prefix(level, clause.city)}级" + (f"，{doc}" if doc else "")
                return f"{subject.you}于{when}{said}（{note}）。"
            return f"{subject.you}于{when}{said}{doc_part}。"
        return f"{subject.you}建设的{subject.platform}于{when}{phrase}{doc_part}。"
    return f"{subject.you}于{when}{phrase}{doc_part}。"
