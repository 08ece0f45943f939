"""Published lists: a title row, 序号 and names, certificate numbers, and no type/date/文号 columns.

Values for the whole list, matching by name (every normalisation, 有限公司/有限责任公司 only a
suggestion, ambiguous names), remembered answers across two imports, all or nothing."""

from datetime import date

import pytest
from sqlalchemy import select

from kjdesk.services.core.app import ServiceError
from kjdesk.services.imports import NameAnswer, WholeList, answers, commit, inspect_roster, preview
from kjdesk.services.register.tables import recognition_table
from kjdesk.store.models import AuditEvent, ImportAnswer, Platform, Recognition, Unit
from tests.conftest import make_credit_code
from tests.rosters import csv_file, snapshot, xlsx

HTE = WholeList("高新技术企业", "", date(2024, 11, 8), "内科高企字〔2024〕8号")
NAMES = {
    "包头市北方稀土永磁有限公司": "昆都仑区",
    "包头天和磁材科技股份有限公司": "稀土高新区",
    "内蒙古ABC新材料有限责任公司": "九原区",
    "包头市鑫源（集团）有限公司": "青山区",
    "包头市金山磁材有限公司": "东河区",
}


def _code(n: int) -> str:
    return make_credit_code(f"91150200MA0N{n:05d}")


def _register(app, tmp_path, names=NAMES):
    rows = [["单位名称", "统一社会信用代码", "旗县区"]]
    rows += [[name, _code(i), district] for i, (name, district) in enumerate(names.items())]
    plan = preview(app, xlsx(tmp_path / "units.xlsx", rows))
    assert plan.ok, [e.line() for e in plan.errors]
    commit(app, plan)
    with app.db.session() as s:
        return {u.name: u.id for u in s.scalars(select(Unit))}


def _published(
    tmp_path, names, title, cert="证书编号", name="企业名称", extra=None, file="list.xlsx", year=2024
):
    head = ["序号", name, *([cert] if cert else []), *(extra or {}).keys()]
    rows = [head]
    for i, n in enumerate(names, start=1):
        row = [i, n]
        if cert:
            row.append(f"GR{year}150001{i:02d}")
        row += [v[i - 1] for v in (extra or {}).values()]
        rows.append(row)
    return xlsx(tmp_path / file, rows, title=title)


def _recs(app):
    with app.db.session() as s:
        q = select(Unit.name, Recognition.type_id, Recognition.level, Recognition.date)
        q = q.add_columns(Recognition.doc_number, Recognition.cert_number).join(
            Unit, Recognition.unit_id == Unit.id
        )
        return sorted(tuple(r) for r in s.execute(q))


def test_a_published_hte_list_imports_with_values_for_the_whole_list(app, tmp_path):
    _register(app, tmp_path)
    path = _published(
        tmp_path,
        ["包头市北方稀土永磁有限公司", "包头天和磁材科技股份有限公司"],
        "内蒙古自治区2024年第一批认定报备高新技术企业名单",
    )
    layout = inspect_roster(path)
    assert (layout.kind, layout.header_row) == ("recognitions", 2)
    assert layout.guess.title == "高新技术企业" and layout.guess.year == 2024
    assert layout.whole == ["title", "level", "date", "doc_number"]
    refused = preview(app, path)  # without the whole-list values: what is missing, said once
    assert [e.reason for e in refused.errors] == ["缺少必需的列：认定类型、认定日期（可在列对应中指定）"]
    plan = preview(app, path, whole=HTE)
    assert plan.ok and plan.by_name == 2 and (plan.added, plan.rows) == (2, 2)
    commit(app, plan)
    doc = "内科高企字〔2024〕8号"
    assert _recs(app) == [
        ("包头天和磁材科技股份有限公司", "hte", "国家", date(2024, 11, 8), doc, "GR202415000102"),
        ("包头市北方稀土永磁有限公司", "hte", "国家", date(2024, 11, 8), doc, "GR202415000101"),
    ]
    with app.db.session() as s:  # 高企 are valid three years from the date
        assert {r.valid_until for r in s.scalars(select(Recognition))} == {date(2027, 11, 8)}
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "imports")).all()[-1]
    assert (
        '"whole_list": {"date": "2024-11-08", "doc_number": "内科高企字〔2024〕8号", "title": "高新技术企业"}'
        in (event.after)
    )
    # the 认定记录 table shows the certificate number
    assert sorted(row[10] for row in recognition_table(app)) == ["GR202415000101", "GR202415000102"]


def test_a_tsme_csv_without_title_with_registration_numbers_and_region(app, tmp_path):
    _register(app, tmp_path)
    rows = [
        ["序号", "企业名称", "入库登记编号", "所在盟市"],
        [1, "包头市金山磁材有限公司", "2024150203A0001234", "包头市"],
        [2, "包头市鑫源(集团)有限公司", "2024150204A0000077", "包头市"],
    ]
    path = csv_file(tmp_path / "科小.csv", rows, encoding="gbk")
    whole = WholeList("科技型中小企业", "", date(2024, 6, 30), "")
    plan = preview(app, path, kind="recognitions", whole=whole)
    assert plan.ok, [e.line() for e in plan.errors] + [q.line() for q in plan.questions]
    commit(app, plan)
    assert [(r[0], r[1], r[3], r[5]) for r in _recs(app)] == [
        ("包头市金山磁材有限公司", "tsme", date(2024, 6, 30), "2024150203A0001234"),
        ("包头市鑫源（集团）有限公司", "tsme", date(2024, 6, 30), "2024150204A0000077"),
    ]


def test_a_platform_list_takes_its_level_for_the_whole_list(app, tmp_path):
    ids = _register(app, tmp_path)
    path = _published(
        tmp_path,
        ["包头天和磁材科技股份有限公司"],
        "关于公布2023年度自治区企业技术中心名单的通知",
        cert="",
        name="单位名称",
    )
    layout = inspect_roster(path, kind="recognitions")
    assert (layout.guess.title, layout.guess.level) == ("企业技术中心", "自治区")
    with pytest.raises(ServiceError, match="企业技术中心须注明国家级、自治区级之一"):
        preview(app, path, kind="recognitions", whole=WholeList("企业技术中心", "", date(2023, 12, 1)))
    plan = preview(
        app, path, kind="recognitions", whole=WholeList("企业技术中心", "自治区级", date(2023, 12, 1))
    )
    assert plan.ok and plan.new_platforms == 1
    commit(app, plan)
    with app.db.session() as s:
        p = s.scalar(select(Platform))
        assert (p.host_unit_id, p.type_id, p.level) == (ids["包头天和磁材科技股份有限公司"], "etc", "自治区")


def test_a_whole_list_value_never_overrides_the_lists_own_column(app, tmp_path):
    _register(app, tmp_path)
    rows = [
        ["企业名称", "认定日期", "文号"],
        ["包头市金山磁材有限公司", "2023-10-16", ""],
        ["包头市北方稀土永磁有限公司", "2023-10-17", "国科火字〔2023〕9号"],
    ]
    path = xlsx(tmp_path / "r.xlsx", rows, title="2023年高新技术企业名单")
    whole = WholeList("高新技术企业", "", date(2024, 11, 8), "内科高企字〔2024〕8号")
    plan = preview(app, path, kind="recognitions", whole=whole)
    assert plan.ok
    assert plan.whole_notes == [
        "名单已有“认定日期”列，按列中的值导入，未使用整份名单的认定日期“2024-11-08”",
        "名单已有“文号”列，按列中的值导入，未使用整份名单的文号“内科高企字〔2024〕8号”",
    ]
    commit(app, plan)
    assert [(r[0], r[3], r[4]) for r in _recs(app)] == [
        ("包头市北方稀土永磁有限公司", date(2023, 10, 17), "国科火字〔2023〕9号"),
        ("包头市金山磁材有限公司", date(2023, 10, 16), ""),  # a blank cell of a column stays blank
    ]


def test_bad_whole_list_values_are_refused_naming_the_option(app, tmp_path):
    _register(app, tmp_path)
    path = _published(tmp_path, ["包头市金山磁材有限公司"], "名单")
    with pytest.raises(ServiceError, match="--type.*无法识别的认定类型“高薪企业”"):
        preview(app, path, kind="recognitions", whole=WholeList("高薪企业", "", date(2024, 1, 1)))
    with pytest.raises(ServiceError, match="--date.*在今天之后"):
        preview(app, path, kind="recognitions", whole=WholeList("高新技术企业", "", date(2099, 1, 1)))
    with pytest.raises(ServiceError, match="只用于认定名单"):
        preview(app, path, kind="units", whole=HTE)


@pytest.mark.parametrize(
    "written",
    [
        "包头市鑫源(集团)有限公司",  # half-width brackets
        "包头市鑫源（集团）有限公司",  # as registered
        "包头市鑫源 （集团） 有限公司",  # spaces
        "包头市鑫源\n（集团）有限公司",  # a line break inside the cell
        "包头市鑫源【集团】有限公司",  # another kind of bracket
        "内蒙古ＡＢＣ新材料有限责任公司",  # full-width letters
        "内蒙古abc新材料有限责任公司",  # lower case
        "内蒙古 A B C 新材料有限责任公司",
    ],
)
def test_every_normalisation_matches_the_registered_name(app, tmp_path, written):
    ids = _register(app, tmp_path)
    plan = preview(app, _published(tmp_path, [written], "名单"), kind="recognitions", whole=HTE)
    assert plan.ok and not plan.questions and plan.by_name == 1
    commit(app, plan)
    with app.db.session() as s:
        unit_id = s.scalar(select(Recognition.unit_id))
    expected = "包头市鑫源（集团）有限公司" if "鑫源" in written else "内蒙古ABC新材料有限责任公司"
    assert unit_id == ids[expected]


def test_a_company_form_written_the_other_way_is_only_proposed(app, tmp_path):
    ids = _register(app, tmp_path)
    path = _published(tmp_path, ["包头市金山磁材有限责任公司", "内蒙古ABC新材料有限公司"], "名单")
    before = snapshot(app)
    plan = preview(app, path, kind="recognitions", whole=HTE)
    assert not plan.ok and plan.added == 0
    assert [(q.name, q.rows, [c.unit_id for c in q.candidates][:1]) for q in plan.questions] == [
        ("包头市金山磁材有限责任公司", [3], [ids["包头市金山磁材有限公司"]]),
        ("内蒙古ABC新材料有限公司", [4], [ids["内蒙古ABC新材料有限责任公司"]]),
    ]
    assert all("有限公司/有限责任公司" in q.candidates[0].why for q in plan.questions)
    with pytest.raises(ServiceError, match="2 个名称未能对应到已登记单位，未导入任何数据"):
        commit(app, plan)
    assert snapshot(app) == before  # nothing written on refusal


def test_two_registered_units_with_the_same_normalised_name_are_ambiguous(app, tmp_path):
    ids = _register(app, tmp_path, {**NAMES, "包头市金山磁材有限公司 ": "九原区"})
    assert len(ids) == len(NAMES)  # the names differ only by a space: two units, one normalised name
    with app.db.session() as s:
        twins = sorted(u.id for u in s.scalars(select(Unit).where(Unit.name.like("包头市金山磁材%"))))
    assert len(twins) == 2
    plan = preview(
        app, _published(tmp_path, ["包头市金山磁材有限公司"], "名单"), kind="recognitions", whole=HTE
    )
    (q,) = plan.questions
    assert "与多个已登记单位同名" in q.reason and sorted(c.unit_id for c in q.candidates) == twins
    assert not plan.ok


def test_a_near_name_is_proposed_with_the_closest_registered_names(app, tmp_path):
    ids = _register(app, tmp_path)
    plan = preview(
        app, _published(tmp_path, ["包头天和磁材科技有限公司", "包头市某某食品有限公司"], "名单"), whole=HTE
    )
    near, none = plan.questions
    assert near.candidates[0].unit_id == ids["包头天和磁材科技股份有限公司"]
    assert near.candidates[0].why.startswith("相似度")
    assert "最接近的已登记单位：包头天和磁材科技股份有限公司" in near.line()
    assert none.candidates == [] and "名录中没有相近的单位" in none.line()


def test_answers_settle_names_and_are_remembered_for_the_next_list(app, tmp_path):
    ids = _register(app, tmp_path)
    first = _published(
        tmp_path,
        ["包头市金山磁材有限责任公司", "包头市新注册科技有限公司", "包头市外地企业有限公司"],
        "2024年认定高新技术企业名单",
        file="2024.xlsx",
    )
    plan = preview(app, first, whole=HTE)
    assert len(plan.questions) == 3
    new_code = make_credit_code("91150200MA0N0NEW9")
    given = {
        plan.questions[0].key: NameAnswer("unit", unit_id=ids["包头市金山磁材有限公司"]),
        plan.questions[1].key: NameAnswer("new", credit_code=new_code, district="九原区"),
        plan.questions[2].key: NameAnswer("skip"),
    }
    plan = preview(app, first, whole=HTE, answers=given)
    assert plan.ok and plan.added == 2 and plan.new_units == 1
    assert [(q.name, q.rows) for q in plan.skipped] == [("包头市外地企业有限公司", [5])]
    commit(app, plan)
    with app.db.session() as s:
        stored = [(a.kind, a.shown, a.unit_id, a.source) for a in s.scalars(select(ImportAnswer))]
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "import_answers")).all()
        new_unit = s.scalar(select(Unit).where(Unit.credit_code == new_code))
    assert stored == [("unit_name", "包头市金山磁材有限责任公司", ids["包头市金山磁材有限公司"], "2024.xlsx")]
    assert len(events) == 1 and events[0].action == "记住对照" and events[0].actor == "测试员"
    assert (new_unit.name, new_unit.district) == ("包头市新注册科技有限公司", "九原区")

    # next year: the same wording goes through with no question
    second = _published(
        tmp_path,
        ["包头市金山磁材有限责任公司", "包头市新注册科技有限公司"],
        "2025年认定高新技术企业名单",
        file="2025.xlsx",
        year=2025,
    )
    plan = preview(app, second, whole=WholeList("高新技术企业", "", date(2025, 10, 1), ""))
    assert plan.ok and not plan.questions and (plan.by_answer, plan.by_name) == (1, 1)
    commit(app, plan)
    assert [(r[0], r[3]) for r in _recs(app)] == [
        ("包头市新注册科技有限公司", date(2024, 11, 8)),
        ("包头市新注册科技有限公司", date(2025, 10, 1)),
        ("包头市金山磁材有限公司", date(2024, 11, 8)),
        ("包头市金山磁材有限公司", date(2025, 10, 1)),
    ]


def test_a_new_unit_answer_needs_a_valid_credit_code(app, tmp_path):
    _register(app, tmp_path)
    path = _published(tmp_path, ["包头市新注册科技有限公司"], "名单")
    plan = preview(app, path, kind="recognitions", whole=HTE)
    bad = {plan.questions[0].key: NameAnswer("new", credit_code="91150200MA0N0NEW90", district="九原区")}
    with pytest.raises(ServiceError, match="新登记单位"):
        preview(app, path, kind="recognitions", whole=HTE, answers=bad)


def test_the_same_certificate_number_is_the_same_recognition(app, tmp_path):
    ids = _register(app, tmp_path)
    path = _published(tmp_path, ["包头市金山磁材有限公司", "包头市北方稀土永磁有限公司"], "名单")
    commit(app, preview(app, path, kind="recognitions", whole=HTE))
    # the same list again, published with a corrected date: no second recognition
    again = preview(
        app,
        path,
        kind="recognitions",
        whole=WholeList("高新技术企业", "", date(2024, 11, 9), "内科高企字〔2024〕8号"),
    )
    assert again.ok and (again.added, again.unchanged) == (0, 2)
    commit(app, again)
    assert len(_recs(app)) == 2
    # one number given to another unit is refused
    clash = _published(tmp_path, ["包头天和磁材科技股份有限公司"], "名单", file="clash.xlsx")
    plan = preview(app, clash, kind="recognitions", whole=HTE)
    assert [e.reason for e in plan.errors] == ["证书编号 GR202415000101 已登记在另一对象的认定记录上，请核对"]
    assert ids  # the register is as registered


def test_a_remembered_type_wording_is_read_on_the_next_list(app, tmp_path):
    _register(app, tmp_path)
    rows = [
        ["企业名称", "类别", "认定日期"],
        ["包头市金山磁材有限公司", "国家级高企（复审）", "2024-11-08"],
    ]
    path = xlsx(tmp_path / "r.xlsx", rows)
    plan = preview(app, path, kind="recognitions")
    assert any(e.reason.startswith("无法识别的认定类型“国家级高企（复审）”") for e in plan.errors)
    answers.add_title_answer(app, "国家级高企（复审）", "hte", "国家")
    plan = preview(app, path, kind="recognitions")
    assert plan.ok and plan.added == 1
    commit(app, plan)
    assert [(r[1], r[2]) for r in _recs(app)] == [("hte", "国家")]


def test_a_title_row_over_sequence_and_names_only_is_read(app, tmp_path):
    _register(app, tmp_path)
    path = _published(tmp_path, ["包头市金山磁材有限公司"], "2024年第一批科技型中小企业入库名单", cert="")
    layout = inspect_roster(path, kind="recognitions")
    assert layout.header_row == 2 and layout.mapping == {"subject_name": 1}
    assert layout.guess.title == "科技型中小企业"


def test_a_register_changed_between_check_and_commit_is_matched_again_by_name(app, tmp_path):
    ids = _register(app, tmp_path)
    path = _published(
        tmp_path, ["包头市金山磁材有限责任公司", "包头市北方稀土永磁有限公司", "包头市外地有限公司"], "名单"
    )
    plan = preview(app, path, kind="recognitions", whole=HTE)
    given = {
        plan.questions[0].key: NameAnswer("unit", unit_id=ids["包头市金山磁材有限公司"]),
        plan.questions[1].key: NameAnswer("skip"),
    }
    plan = preview(app, path, kind="recognitions", whole=HTE, answers=given)
    assert plan.ok
    answers.add_title_answer(app, "高企（重新认定）", "hte")  # the register moves on meanwhile
    result = commit(app, plan)
    assert (result.added, result.unchanged) == (2, 0)
    assert [r[0] for r in _recs(app)] == ["包头市北方稀土永磁有限公司", "包头市金山磁材有限公司"]
    assert [a.shown for a in answers.list_answers(app, answers.UNIT_NAME)] == ["包头市金山磁材有限责任公司"]
