"""The wording of every clause of both catalogs, by the kind of recognition (a table test)."""

from __future__ import annotations

import pytest

from kjdesk.policy.catalog import load_builtin
from kjdesk.policy.wording import Subject, event_phrase, recognition_clause

CLAUSES = [c for city in ("baotou", "wuhai") for c in load_builtin(city).clauses]
LEVEL_SAID = {"国家": ("国家",), "自治区": ("自治区",), "市级": ("包头市", "乌海市")}
FORBIDDEN = ("被认定为新认定", "等额奖励", "被认定为科学技术", "认定为科技型中小企业", "被认定为技术创新中心")

EXPECTED = {
    "BT-01-zizhu-zone": "获批建设呼包鄂国家自主创新示范区",
    "BT-02-re-tic": "获批建设国家稀土新材料技术创新中心",
    "BT-03-major-project-match": "承担国家重大科技项目",
    "BT-06-sme-twice": "连续两次通过国家科技型中小企业评价入库",
    "BT-06-hte-pool": "入选包头市高新技术企业培育库",
    "BT-06-hte-cert": "被认定为国家高新技术企业",
    "BT-08-ntic": "获批建设国家技术创新中心",
    "BT-08-ntic-incub": "获批培育建设国家技术创新中心",
    "BT-09-n-incubator": "被认定为国家级科技企业孵化器",
    "BT-09-city-incubator": "在包头市科技企业孵化器考核中被评为优秀等次",
    "BT-10-r-hitech-zone": "被认定为自治区级高新技术产业开发区",
    "BT-10-n-agri-park": "获批建设国家农业科技园区",
    "BT-11-transfer-zone-match": "获批创建国家科技成果转移转化示范区",
    "BT-13-service-agency": "在包头市科技服务机构评估中被评为优秀等级",
    "BT-14-academician-ws-renew": "管理期满保留并续签包头市院士工作站",
    "BT-17-industrial-commissioner": "被聘为包头市工业特派员",
    "BT-17-agri-commissioner": "被评为包头市优秀农业科技特派员",
    "BT-18-flexible-talent": "柔性引进高端人才，符合“柔性引进高端人才用人单位补助”的支持条件",
    "BT-19-national-award": "荣获国家科学技术奖",
    "BT-19-regional-award": "荣获自治区科学技术奖一等奖",
    "WH-07-n-kl": "获批建设国家重点实验室",
    "WH-11-hte": "被认定为国家高新技术企业",
    "WH-11-tsme": "通过国家科技型中小企业评价入库",
    "WH-17-leading-talent": "引进人才（项目），符合“引进创新型领军人才和创新团队（特事特议、一事一议）”的支持条件",
    "WH-18-r-sci-award": "荣获自治区科学技术进步奖",
}


def test_both_catalogs_have_all_their_clauses():
    assert len(CLAUSES) == 125


@pytest.mark.parametrize("clause", CLAUSES, ids=[c.id for c in CLAUSES])
def test_every_clause_is_worded_by_its_kind(clause):
    levels = clause.trigger.levels if clause.trigger else ()
    for level in levels or ("",):
        phrase = event_phrase(clause, level)
        assert phrase and not any(bad in phrase for bad in FORBIDDEN), phrase
        assert not (phrase.startswith("被认定为") and phrase.endswith(("建设", "入库", "奖"))), phrase
        if level:  # the level is always named
            assert any(w in phrase for w in LEVEL_SAID[str(level)]), (level, phrase)
        kind = clause.trigger.recognition if clause.trigger else None
        stage = clause.trigger.stage if clause.trigger else ""
        if kind in ("national_sci_award", "regional_sci_award"):
            assert phrase.startswith("荣获")
        elif stage in ("优秀", "良好"):
            assert "评为" in phrase
        elif stage == "培育":
            assert "培育" in phrase
        elif kind in ("tic", "re_tic", "kl", "erc", "mic", "zizhu_zone", "agri_park"):
            assert phrase.startswith("获批建设")
        elif kind == "tsme":
            assert phrase.endswith("评价入库")
        elif kind is None and "引进" in clause.title:
            assert phrase.startswith(("引进", "柔性引进"))
    if clause.id in EXPECTED:
        assert event_phrase(clause, levels[0] if levels else "") == EXPECTED[clause.id]


def clause(cid: str):
    return next(c for c in CLAUSES if c.id == cid)


def test_a_platform_named_with_its_title_is_said_once():
    text = recognition_clause(
        clause("BT-02-re-tic"), "国家", "2025年3月1日", Subject("你单位", "国家稀土新材料技术创新中心")
    )
    assert text == "你单位于2025年3月1日获批建设国家稀土新材料技术创新中心。"
    assert text.count("技术创新中心") == 1


def test_a_platform_named_otherwise_is_introduced_then_recognised():
    text = recognition_clause(
        clause("BT-09-n-incubator"),
        "国家",
        "2024年12月2日",
        Subject("你单位", "包头稀土高新区创业园"),
        doc="国科火字〔2024〕5号",
    )
    assert (
        text
        == "你单位建设的包头稀土高新区创业园于2024年12月2日被认定为国家级科技企业孵化器（国科火字〔2024〕5号）。"
    )


def test_a_platform_name_without_its_level_gets_it():
    text = recognition_clause(
        clause("BT-08-nkl"), "国家", "2025年3月1日", Subject("你单位", "稀土冶金重点实验室")
    )
    assert text == "你单位于2025年3月1日获批建设稀土冶金重点实验室（国家级）。"
    with_doc = recognition_clause(
        clause("BT-08-nkl"),
        "国家",
        "2025年3月1日",
        Subject("你单位", "稀土冶金重点实验室"),
        doc="国科发基〔2025〕3号",
    )
    assert with_doc == "你单位于2025年3月1日获批建设稀土冶金重点实验室（国家级，国科发基〔2025〕3号）。"


def test_a_platform_named_with_a_variant_of_its_title_is_still_said_once():
    ws = recognition_clause(
        clause("WH-17-r-academician-ws"), "自治区", "2023年4月12日", Subject("你单位", "内蒙古稀土院士工作站")
    )
    assert ws == "你单位于2023年4月12日获批建设内蒙古稀土院士工作站。"
    erc = recognition_clause(
        clause("BT-08-nerc"), "国家", "2023年4月12日", Subject("你单位", "稀土冶金工程技术研究中心")
    )
    assert erc == "你单位于2023年4月12日获批建设稀土冶金工程技术研究中心（国家级）。"
