"""The controlled vocabularies and the ways officers write them (issue 23 item 5)."""

import pytest

from kjdesk.validation import FieldError
from kjdesk.vocab import (
    LEVELS,
    ROLES,
    SIZES,
    STATUSES,
    UNIT_KIND_VOCAB,
    check_district,
    check_size_class,
    districts,
    level_wording,
    title_wording,
    vocabulary,
    wording_key,
)


@pytest.mark.parametrize(
    "written, role",
    [
        ("柔性引进高端人才", "人才"),
        ("高层次人才", "人才"),
        ("引进人才", "人才"),
        ("领军人才", "人才"),
        ("草原英才（人才）", "人才"),  # any wording naming 人才
        ("人才", "人才"),
        ("技术经理人", "技术经纪人"),
        ("初级技术经纪人", "技术经纪人"),
        ("农牧业科技特派员", "科技特派员"),
        ("法人科技特派员", "科技特派员"),
        ("其它", "其他"),
    ],
)
def test_person_categories(written, role):
    assert ROLES.read(written) == role


@pytest.mark.parametrize(
    "written, size",
    [
        ("中型企业", "其他企业"),
        ("大型企业", "其他企业"),
        ("规上企业", "其他企业"),
        ("规模以上企业", "其他企业"),
        ("小型企业", "小微企业"),
        ("微型", "小微企业"),
        ("小微企业", "小微企业"),
    ],
)
def test_size_classes_keep_the_written_size(written, size):
    reading = SIZES.reading(written)
    assert (reading.value, reading.written) == (size, written)
    assert reading.reworded == (written != size)
    assert check_size_class(written) == size


@pytest.mark.parametrize(
    "written, level",
    [
        ("省级", "自治区级"),
        ("区级", "自治区级"),
        ("自治区", "自治区级"),
        ("内蒙古自治区", "自治区级"),
        ("包头市", "市级"),
        ("市本级", "市级"),
        ("乌海市", "市级"),
        ("国家", "国家级"),
        ("全国", "国家级"),
    ],
)
def test_levels(written, level):
    assert LEVELS.read(written) == level
    assert level_wording(written) == level


def test_level_with_a_stage_in_brackets_keeps_the_stage_and_unknown_levels_pass_through():
    assert level_wording("省级（培育）") == "自治区级（培育）"
    assert level_wording("市本级(考核优秀)") == "市级(考核优秀)"
    assert level_wording("县级") == "县级"  # the title reader then names it


@pytest.mark.parametrize(
    "written, status",
    [
        ("已撤销", "撤销"),
        ("取消资格", "撤销"),
        ("已过期", "过期"),
        ("到期", "过期"),
        ("已迁出", "迁出"),
        ("正常", "有效"),
    ],
)
def test_statuses(written, status):
    assert STATUSES.read(written) == status


@pytest.mark.parametrize(
    "written, kind",
    [
        ("民营企业", "企业"),
        ("有限责任公司", "企业"),
        ("科研院所", "高校院所"),
        ("大学", "高校院所"),
        ("产业园区", "园区"),
        ("中介机构", "服务机构"),
    ],
)
def test_unit_kinds(written, kind):
    assert UNIT_KIND_VOCAB.read(written) == kind


@pytest.mark.parametrize(
    "city, written, district",
    [
        ("baotou", "稀土高新技术产业开发区", "稀土高新区"),
        ("baotou", "包头稀土高新技术产业开发区", "稀土高新区"),
        ("baotou", "高新区", "稀土高新区"),
        ("baotou", "包头市昆都仑区", "昆都仑区"),
        ("baotou", "内蒙古自治区包头市九原区", "九原区"),
        ("baotou", "昆区", "昆都仑区"),
        ("baotou", "青山", "青山区"),
        ("baotou", "达茂旗", "达尔罕茂明安联合旗"),
        ("baotou", "土右", "土默特右旗"),
        ("wuhai", "高新区", "乌海高新区"),
        ("wuhai", "乌海市海勃湾区", "海勃湾区"),
        ("wuhai", "乌达", "乌达区"),
    ],
)
def test_districts_per_city(city, written, district):
    assert districts(city).read(written) == district
    assert check_district(written, city) == district


def test_a_district_of_the_other_city_is_refused_with_the_closest_as_suggestion():
    with pytest.raises(FieldError) as err:
        districts("baotou").read("海勃湾区")
    assert str(err.value).startswith("“海勃湾区”不是包头市的旗县区（可选：昆都仑区、")
    with pytest.raises(FieldError) as err:
        districts("baotou").read("昆都伦区")  # a typo
    assert err.value.suggestion == "昆都仑区"


def test_unknown_wording_names_the_choices_and_suggests_the_closest():
    with pytest.raises(FieldError) as err:
        ROLES.read("科技顾问")
    assert str(err.value) == "身份“科技顾问”无法识别（可选：技术经纪人、人才、科技特派员、其他）"
    with pytest.raises(FieldError) as err:
        STATUSES.read("已撤消")  # 消 for 销
    assert err.value.suggestion == "撤销"
    with pytest.raises(FieldError) as err:
        SIZES.read("中小型企业x")
    assert err.value.suggestion in ("小微企业", "其他企业")


def test_remembered_wordings_are_taken_and_win_over_a_builtin_guess():
    remembered = {wording_key("科技顾问"): "人才", wording_key("高端人才"): "其他"}
    assert ROLES.read("科技顾问", remembered) == "人才"
    assert ROLES.read(" 科技 顾问 ", remembered) == "人才"  # compared in wording_key form
    assert ROLES.read("高端人才", remembered) == "其他"  # the bureau's answer wins
    assert ROLES.read("技术经纪人", {wording_key("技术经纪人"): "其他"}) == "技术经纪人"  # a choice is itself
    with pytest.raises(FieldError):
        ROLES.read(
            "科技顾问", {wording_key("科技顾问"): "不存在的类别"}
        )  # an answer outside the list is ignored
    assert ROLES.suggest("科技顾问x", remembered) == "人才"
    assert (
        title_wording("企业研究开发中心", {wording_key("企业研究开发中心"): "企业研发中心"}) == "企业研发中心"
    )
    assert title_wording("企业研究开发中心") == "企业研究开发中心"


def test_every_vocabulary_is_reachable_by_key_and_each_synonym_reads_to_a_choice():
    for key in ("role", "unit_kind", "size_class", "level", "status", "district"):
        vocab = vocabulary(key, "baotou")
        for written, choice in vocab.synonyms.items():
            assert choice in vocab.choices, (key, written)
            assert vocab.read(written) == choice
        for choice in vocab.choices:
            assert vocab.read(choice) == choice
