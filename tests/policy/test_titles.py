"""Roster titles (clauses.md Part II) resolve to a recognition type, a level and a stage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kjdesk.policy.catalog import builtin_policies
from kjdesk.policy.model import Level, SubjectKind
from kjdesk.policy.titles import (
    LevelNotAllowed,
    MissingLevel,
    ResolvedTitle,
    UnknownTitle,
    builtin_titles,
    resolve_title,
    type_name,
)

N, R, C, NONE = Level.NATIONAL, Level.REGIONAL, Level.CITY, Level.NONE
LEVEL_WORDS = {N: ["国家", "国家级"], R: ["自治区", "自治区级"], C: ["市级", "包头市", "乌海市"]}

# The type ids the engine is written against (brief of the catalog), with their levels.
EXPECTED_TYPES = {
    "tsme": [N], "hte_pool": [C], "hte": [N], "hte_relocate": [N], "innov_private": [C],
    "smart_mfg_demo": [C], "iur_demo": [C], "little_giant": [C], "single_champion": [N],
    "gazelle": [NONE], "re_tic": [N], "tic": [N, R], "kl": [N, R], "erc": [N, R], "etc": [N, R],
    "rdc": [C, N, R], "clinical": [N, R], "mic": [N, R], "incubator": [N, R, C], "makerspace": [C],
    "hitech_base": [N, R], "hitech_zone": [R], "zizhu_zone": [N], "agri_park": [N, R],
    "agri_base": [C], "new_variety": [N], "transfer_base": [R, C], "transfer_zone": [N, R],
    "pilot_platform": [R, C], "tt_agency": [N, R], "talent_base": [N, R], "service_agency": [C],
    "academician_ws": [C, R], "alliance": [N, R], "nrdi": [R], "intl_base": [N, R],
    "industrial_commissioner": [C], "agri_commissioner": [C], "national_sci_award": [N],
    "regional_sci_award": [R], "major_project": [N, R], "regional_project": [R],
}  # fmt: skip


def test_the_vocabulary_has_exactly_the_agreed_type_ids_and_levels():
    types = builtin_titles().types
    assert set(types) == set(EXPECTED_TYPES)
    for type_id, levels in EXPECTED_TYPES.items():
        assert set(levels) <= set(types[type_id].levels), type_id
    assert types["hte"].valid_years == 3
    assert types["incubator"].subject == SubjectKind.PLATFORM
    assert types["agri_commissioner"].subject == SubjectKind.PERSON
    assert types["hte"].subject == SubjectKind.UNIT
    assert type_name("kl") == "重点实验室" and type_name("nope") == "nope"


def test_every_listed_title_resolves_to_its_own_type():
    for rtype in builtin_titles().types.values():
        for title in rtype.titles:
            assert resolve_title(title).type_id == rtype.id, title


def _level_cases():
    for type_id, levels in EXPECTED_TYPES.items():
        rtype = builtin_titles().types[type_id]
        for level in levels:
            for word in LEVEL_WORDS.get(level, []):
                for name in (rtype.name, *rtype.aliases):
                    yield type_id, level, word, name


@pytest.mark.parametrize(("type_id", "level", "word", "name"), list(_level_cases()))
def test_title_with_and_without_ji_in_one_column_or_two(type_id, level, word, name):
    assert resolve_title(word + name) == ResolvedTitle(type_id, level, "")
    assert resolve_title(name, word) == ResolvedTitle(type_id, level, "")


@pytest.mark.parametrize(
    ("text", "level_text", "expected"),
    [
        ("国家高新技术企业", "", ("hte", N, "")),
        ("高新技术企业", "国家级", ("hte", N, "")),
        ("自治区级企业技术中心", "", ("etc", R, "")),
        ("企业技术中心", "自治区", ("etc", R, "")),
        ("国家级科技企业孵化器", "", ("incubator", N, "")),
        ("包头市科技企业孵化器", "", ("incubator", C, "")),
        ("科技企业孵化器", "市级（考核优秀）", ("incubator", C, "优秀")),
        ("包头市众创空间（考核优秀）", "", ("makerspace", C, "优秀")),
        ("包头市众创空间", "", ("makerspace", C, "")),
        ("全国重点实验室", "", ("kl", N, "")),
        ("全国重点实验室", "国家级", ("kl", N, "")),
        ("国家重点实验室（培育）", "", ("kl", N, "培育")),
        ("技术创新中心", "国家（培育）", ("tic", N, "培育")),
        ("高新技术产业开发区", "自治区（促优培育）", ("hitech_zone", R, "培育")),
        ("国家工程研究中心", "", ("erc", N, "")),
        ("国家工程技术研究中心", "", ("erc", N, "")),
        ("自治区级工程技术研究中心", "", ("erc", R, "")),
        ("国家级工程(技术)研究中心", "", ("erc", N, "")),
        ("院士专家工作站", "自治区", ("academician_ws", R, "")),
        ("包头市院士工作站（续签）", "", ("academician_ws", C, "续签")),
        ('科技"小巨人"企业', "", ("little_giant", C, "")),
        ("科技小巨人企业", "包头市", ("little_giant", C, "")),
        ("国家稀土新材料技术创新中心", "", ("re_tic", N, "")),
        ("新型研发机构考核优秀", "自治区备案", ("nrdi", R, "优秀")),
        ("新型研发机构", "自治区（良好）", ("nrdi", R, "良好")),
        ("优秀农业科技特派员", "包头市", ("agri_commissioner", C, "优秀")),
        ("自治区科学技术奖一等奖", "", ("regional_sci_award", R, "一等奖")),
        ("瞪羚企业", "", ("gazelle", NONE, "")),
        ("科技型中小企业（评价入库）", "", ("tsme", N, "")),
        ("国 家 高 新 技 术 企 业", "", ("hte", N, "")),
        ("国家高新技术企业", "　国家级　", ("hte", N, "")),
    ],
)
def test_titles_as_officers_write_them(text, level_text, expected):
    assert resolve_title(text, level_text) == ResolvedTitle(*expected)


def test_unknown_title_names_the_three_nearest_known_titles():
    with pytest.raises(UnknownTitle) as info:
        resolve_title("国家重点实验")
    message = str(info.value)
    assert message.startswith("无法识别的认定类型“国家重点实验”，最接近的是：")
    nearest = message.split("：", 1)[1].split("、")
    assert len(nearest) == 3 and "国家重点实验室" in nearest


def test_a_multi_level_type_without_a_level_is_an_error():
    with pytest.raises(MissingLevel, match="未注明级别"):
        resolve_title("重点实验室")


def test_a_level_the_type_does_not_have_or_two_levels_that_disagree():
    with pytest.raises(LevelNotAllowed, match="没有市级"):
        resolve_title("包头市高新技术企业")
    with pytest.raises(LevelNotAllowed, match="不一致"):
        resolve_title("自治区级企业技术中心", "国家级")
    with pytest.raises(UnknownTitle, match="无法识别的级别"):
        resolve_title("企业技术中心", "省级")


# --- clauses.md Part II, row by row ------------------------------------------------------


def _clauses_md() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "policy" / "clauses.md").exists():
            return parent / "shared" / "policy" / "clauses.md"
    return None


def _expand(cell: str) -> list[str]:
    """``院士工作站（新认定 / 续签）`` → both titles; ``A / B / C`` → three titles."""
    m = re.match(r"^(.*)（(.+ / .+)）$", cell)
    if m:
        return [f"{m.group(1)}（{part.strip()}）" for part in m.group(2).split(" / ")]
    return [part.strip() for part in cell.split(" / ")]


def _levels(cell: str) -> list[str]:
    cell = re.sub(r"\s*\(乌海: (.+)\)", r", \1", cell)
    return [part.strip() for part in cell.split(", ")]


def _part_two_rows():
    path = _clauses_md()
    if path is None:
        return []
    text = path.read_text(encoding="utf-8")
    section = text[text.index("## Part II") : text.index("Yearly facts")]
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| ")
    ]
    return [
        (title, level, clauses)
        for cell, levels, clauses in rows[1:]
        for title in _expand(cell)
        for level in _levels(levels)
    ]


@pytest.mark.skipif(_clauses_md() is None, reason="规格文件 clauses.md 不在本机（/work/shared 未挂载）")
@pytest.mark.parametrize(("title", "level_text", "clauses"), _part_two_rows())
def test_every_part_two_row_resolves_and_matches_its_clauses_triggers(title, level_text, clauses):
    vocab = builtin_titles()
    resolved = resolve_title(title, level_text)
    level, stage = vocab.parse_level(level_text)
    assert resolved.level == (level if level is not None else resolved.level)
    if stage:
        assert resolved.stage == stage
    by_id = {c.id: c for p in builtin_policies() for c in p.clauses}
    for clause_id in (c.strip() for c in clauses.split(",")):
        if "*" not in clause_id:
            assert by_id[clause_id].trigger.recognition == resolved.type_id, clause_id


def test_district_level_is_not_read_as_the_autonomous_region():
    with pytest.raises(UnknownTitle, match="无法识别的级别"):
        resolve_title("企业技术中心", "区级")
