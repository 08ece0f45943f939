"""Importing rosters: dry run, all-or-nothing commit, idempotence, 曾用名, history."""

from datetime import date

import pytest
from sqlalchemy import select

from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.progress import CancelAfter, Cancelled
from kjdesk.services.imports import commit, history, preview
from kjdesk.store.models import Entitlement, Platform, Recognition, Unit
from tests.rosters import CODE_A, CODE_B, CODE_C, snapshot, units_rows, xlsx


def _units(app):
    with app.db.session() as s:
        return {u.credit_code: (u.name, u.district, u.former_names) for u in s.scalars(select(Unit))}


def _import(app, path, **kw):
    plan = preview(app, path, **kw)
    assert plan.ok, [e.line() for e in plan.errors]
    return commit(app, plan)


def test_units_roster_adds_and_a_second_import_changes_nothing(app, tmp_path):
    path = xlsx(tmp_path / "名录.xlsx", units_rows(), title="2023年科技型企业名录")
    plan = preview(app, path)
    assert plan.kind == "units" and plan.header_row == 2 and plan.rows == 2
    assert (plan.added, plan.updated, plan.unchanged) == (2, 0, 0)
    assert _units(app) == {}  # a dry run writes nothing
    result = commit(app, plan)
    assert (result.added, result.updated, result.unchanged) == (2, 0, 0)
    assert _units(app) == {
        CODE_A: ("包头市甲稀土有限公司", "昆都仑区", ""),
        CODE_B: ("包头市乙机械有限公司", "稀土高新区", ""),
    }
    before = snapshot(app)
    again = preview(app, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert again.warnings() and "已于" in again.warnings()[0] and "导入过" in again.warnings()[0]
    commit(app, again)
    after = snapshot(app)
    for table in ("units", "platforms", "people", "recognitions", "facts", "entitlements"):
        assert after[table] == before[table]
    rows = history(app)
    assert [(h.file_name, h.added, h.unchanged, h.actor) for h in rows] == [
        ("名录.xlsx", 0, 2, "测试员"),
        ("名录.xlsx", 2, 0, "测试员"),
    ]
    assert rows[0].sha256 == rows[1].sha256 == plan.sha256 and len(plan.sha256) == 64


def test_a_changed_name_is_kept_as_former_name(app, tmp_path):
    _import(app, xlsx(tmp_path / "a.xlsx", units_rows()))
    renamed = units_rows()
    renamed[1][1] = "包头市甲稀土集团有限公司"
    renamed[2][3] = "青山区"
    plan = preview(app, xlsx(tmp_path / "b.xlsx", renamed))
    assert (plan.added, plan.updated, plan.unchanged) == (0, 2, 0)
    detail = {i.row: i.detail for i in plan.items}
    assert "名称：包头市甲稀土有限公司 → 包头市甲稀土集团有限公司" in detail[2]
    assert detail[3] == "旗县区：稀土高新区 → 青山区"
    commit(app, plan)
    units = _units(app)
    assert units[CODE_A] == ("包头市甲稀土集团有限公司", "昆都仑区", "包头市甲稀土有限公司")
    assert units[CODE_B][1] == "青山区"


def test_blank_cells_never_erase(app, tmp_path):
    rows = units_rows()
    rows[0].append("联系电话")
    rows[1].append("0472-1234567")
    rows[2].append("")
    _import(app, xlsx(tmp_path / "a.xlsx", rows))
    rows[1][4] = ""
    plan = preview(app, xlsx(tmp_path / "b.xlsx", rows))
    assert plan.unchanged == 2


def test_dry_run_names_row_column_value_and_reason(app, tmp_path):
    _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    before = snapshot(app)
    bad_digit = CODE_C[:-1] + ("0" if CODE_C[-1] != "0" else "1")
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期", "旗县区"],
        ["包头市甲稀土有限公司", CODE_A, "高薪技术企业", "2022-12-01", ""],
        ["包头市丙公司", bad_digit, "高新技术企业", "2022-12-01", "昆都仑区"],
        ["包头市乙机械有限公司", CODE_B, "高新技术企业", "1999-12-31", ""],
        ["包头市乙机械有限公司", CODE_B, "高新技术企业", "2099-01-01", ""],
        ["包头市乙机械有限公司（改名）", CODE_B, "科技型中小企业", "2023-05-01", ""],
        ["包头市丁公司", CODE_C, "高新技术企业", "2022-12-01", "火星区"],
    ]
    plan = preview(app, xlsx(tmp_path / "r.xlsx", rows))
    assert not plan.ok
    got = [(e.row, e.column, e.value) for e in plan.errors]
    assert got == [
        (2, "C 认定类型", "高薪技术企业"),
        (3, "B 统一社会信用代码", bad_digit),
        (4, "D 认定日期", "1999-12-31"),
        (5, "D 认定日期", "2099-01-01"),
        (6, "A 企业名称", "包头市乙机械有限公司（改名）"),
        (7, "E 旗县区", "火星区"),
    ]
    reasons = [e.reason for e in plan.errors]
    assert reasons[0].startswith("无法识别的认定类型“高薪技术企业”，最接近的是：高新技术企业")
    assert reasons[1].startswith("统一社会信用代码校验位错误：末位应为")
    assert "早于 2000 年" in reasons[2]
    assert "今天之后" in reasons[3]
    assert f"统一社会信用代码 {CODE_B} 在第 4 行的名称是“包头市乙机械有限公司”" in reasons[4]
    assert "不是包头市的旗县区" in reasons[5]
    with pytest.raises(ServiceError, match="6 处错误"):
        commit(app, plan)
    assert snapshot(app) == before


def test_recognition_roster_one_title_column_with_default_valid_until(app, tmp_path):
    _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    rows = [
        ["企业名称", "社会信用代码", "认定类型", "认定时间", "发文文号"],
        ["包头市甲稀土有限公司", CODE_A, "国家高新技术企业", date(2022, 12, 1), "国科火字〔2023〕25号"],
    ]
    result = _import(app, xlsx(tmp_path / "r.xlsx", rows))
    assert result.added == 1 and result.changes.recognitions and result.changes.entitlements
    with app.db.session() as s:
        rec = s.scalars(select(Recognition)).one()
        assert (rec.type_id, rec.level, rec.date, rec.valid_until, rec.doc_number) == (
            "hte",
            "国家",
            date(2022, 12, 1),
            date(2025, 12, 1),
            "国科火字〔2023〕25号",
        )
        ents = s.scalars(select(Entitlement).where(Entitlement.unit_id == rec.unit_id)).all()
        assert [(e.clause_id, e.total_fen) for e in ents] == [("BT-06-hte-cert", 30_000_000)]


def test_type_and_level_columns_create_the_platform(app, tmp_path):
    _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    rows = [
        ["依托单位", "统一社会信用代码", "平台名称", "类型", "级别", "获批日期"],
        ["包头市甲稀土有限公司", CODE_A, "稀土功能材料重点实验室", "重点实验室", "自治区级", "2023/3/15"],
        ["包头市乙机械有限公司", CODE_B, "", "企业技术中心", "国家", "2023.6.1"],
    ]
    plan = preview(app, xlsx(tmp_path / "p.xlsx", rows))
    assert plan.kind == "recognitions" and plan.ok and plan.new_platforms == 2
    commit(app, plan)
    with app.db.session() as s:
        plats = {(p.name, p.type_id, p.level, p.host.credit_code) for p in s.scalars(select(Platform))}
        assert plats == {
            ("稀土功能材料重点实验室", "kl", "自治区", CODE_A),
            ("包头市乙机械有限公司企业技术中心", "etc", "国家", CODE_B),
        }
        recs = s.scalars(select(Recognition)).all()
        assert all(r.platform_id and not r.unit_id for r in recs)
    again = preview(app, xlsx(tmp_path / "p.xlsx", rows))
    assert (again.added, again.unchanged, again.new_platforms) == (0, 2, 0)


def test_new_units_registered_from_a_recognition_roster_with_district(app, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "所属旗县区", "认定类型", "认定日期"],
        ["包头市丙科技有限公司", CODE_C, "九原区", "科技型中小企业", "2023-04-01"],
        ["包头市甲稀土有限公司", CODE_A, "", "科技型中小企业", "2023-04-01"],
    ]
    plan = preview(app, xlsx(tmp_path / "r.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "B 统一社会信用代码")]
    assert "未登记" in plan.errors[0].reason and "旗县区" in plan.errors[0].reason
    del rows[2]
    plan = preview(app, xlsx(tmp_path / "r2.xlsx", rows))
    assert plan.ok and plan.new_units == 1
    commit(app, plan)
    assert _units(app)[CODE_C] == ("包头市丙科技有限公司", "九原区", "")


def test_cancelled_commit_changes_nothing(app, tmp_path):
    _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    rows = [["企业名称", "统一社会信用代码", "认定类型", "认定日期"]]
    rows += [["包头市甲稀土有限公司", CODE_A, "科技型中小企业", f"{y}-05-01"] for y in (2021, 2022, 2023)]
    plan = preview(app, xlsx(tmp_path / "r.xlsx", rows))
    before = snapshot(app)
    with pytest.raises(Cancelled):
        commit(app, plan, progress=CancelAfter(0))
    assert snapshot(app) == before


def test_a_failure_half_way_rolls_everything_back(app, tmp_path, monkeypatch):
    _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "高新技术企业", "2022-12-01"],
    ]
    plan = preview(app, xlsx(tmp_path / "r.xlsx", rows))
    before = snapshot(app)

    def broken(*_a, **_k):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("kjdesk.services.entitlements.recompute_subjects", broken)
    with pytest.raises(RuntimeError):
        commit(app, plan)
    assert snapshot(app) == before


def test_register_changed_between_check_and_commit_is_matched_again(app, tmp_path):
    path = xlsx(tmp_path / "u.xlsx", units_rows())
    plan = preview(app, path)
    _import(app, path)  # someone else imported the same roster meanwhile
    result = commit(app, plan)
    assert (result.added, result.unchanged) == (0, 2)
    assert len(_units(app)) == 2


def test_column_mapping_can_be_changed(app, tmp_path):
    rows = [["公司", "代码", "区域"], ["包头市甲稀土有限公司", CODE_A, "东河区"]]
    path = xlsx(tmp_path / "odd.xlsx", rows)
    with pytest.raises(ServiceError, match="找不到表头"):
        preview(app, path, kind="units")
    plan = preview(app, path, kind="units", header_row=1)
    assert not plan.ok and "缺少必需的列" in plan.errors[0].reason
    assert plan.headers == ["A 公司", "B 代码", "C 区域"]
    plan = preview(
        app, path, kind="units", header_row=1, mapping={"name": 0, "credit_code": 1, "district": 2}
    )
    assert plan.ok and plan.added == 1
    with pytest.raises(ServiceError, match="同时对应"):
        preview(app, path, kind="units", header_row=1, mapping={"name": 0, "credit_code": 0})


def test_a_roster_without_district_updates_known_units_but_not_new_ones(app, tmp_path):
    _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    rows = [
        ["企业名称", "统一社会信用代码", "联系电话"],
        ["包头市甲稀土有限公司", CODE_A, "0472-5550001"],
        ["包头市丙科技有限公司", CODE_C, "0472-5550002"],
    ]
    plan = preview(app, xlsx(tmp_path / "phones.xlsx", rows))
    assert [(e.row, e.reason) for e in plan.errors] == [(3, "新登记的单位必须填写旗县区")]
    del rows[2]
    assert _import(app, xlsx(tmp_path / "phones2.xlsx", rows)).updated == 1


def test_each_import_is_one_audit_event_and_the_chain_holds(app, tmp_path):
    from kjdesk.store.audit import verify_chain
    from kjdesk.store.models import AuditEvent

    result = _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    with app.db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "imports")).all()
        assert [(e.action, e.entity_id, e.actor) for e in events] == [
            ("导入", str(result.import_id), "测试员")
        ]
        assert '"added_ids": {"units": [1, 2]}' in events[0].after
        assert verify_chain(s) is None


def test_recompute_in_chunks_gives_the_same_entitlements(app, tmp_path, monkeypatch):
    monkeypatch.setattr("kjdesk.services.imports.write.RECOMPUTE_CHUNK", 1)
    _import(app, xlsx(tmp_path / "u.xlsx", units_rows()))
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "高新技术企业", "2022-12-01"],
        ["包头市乙机械有限公司", CODE_B, "高新技术企业", "2023-11-20"],
    ]
    result = _import(app, xlsx(tmp_path / "r.xlsx", rows))
    assert result.recomputed.startswith("重算 2 个对象的应享资金：新增 2")
    with app.db.session() as s:
        ents = s.scalars(select(Entitlement).order_by(Entitlement.unit_id)).all()
        assert [(e.unit_id, e.clause_id, e.total_fen) for e in ents] == [
            (1, "BT-06-hte-cert", 30_000_000),
            (2, "BT-06-hte-cert", 30_000_000),
        ]
