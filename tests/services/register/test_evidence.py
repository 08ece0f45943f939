"""证明材料 in bulk: what 后补助 lacks, one description for many records, audited; the refusal lists it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kjdesk.services.core.app import ServiceError
from kjdesk.services.disbursement.approval import MissingForApproval, approve_batch, propose_batch
from kjdesk.services.disbursement.plan import year_plan
from kjdesk.services.register.evidence import missing_for_approval, register_evidence
from kjdesk.store.models import AuditEvent, Recognition
from tests.services.disbursement.disbursement_data import officers, seed_plan


@pytest.fixture
def world(app):
    data = seed_plan(app)
    return data, officers(app)


def test_missing_lists_the_post_subsidy_recognitions_without_doc_or_evidence(app, world):
    data, _who = world
    items = missing_for_approval(app, year=2025)
    assert [(m.recognition_id, m.unit_name, m.lacks) for m in items] == [
        (data.recognition_ids["b-hte"], "包头钢联科技有限公司", "认定文号和证明材料")
    ]
    assert items[0].clause == "（六）国家高新技术企业认定"


def test_one_description_for_many_records_is_registered_and_audited_per_record(app, world):
    data, who = world
    a, b = data.recognition_ids["a-hte"], data.recognition_ids["b-hte"]
    result = register_evidence(
        who["jb1"], [a, b], "  认定文件及证书复印件已存档（2025 年档案盒 3）", doc_number="内科发〔2025〕20号"
    )
    assert (result.updated, result.unchanged) == (1, 1)  # a already had its own evidence and 文号
    with app.db.session() as s:
        ra, rb = s.get(Recognition, a), s.get(Recognition, b)
        assert ra.evidence == "高新技术企业证书 GR202515000123" and ra.doc_number == "内科发〔2025〕12号"
        assert rb.evidence == "认定文件及证书复印件已存档（2025 年档案盒 3）"
        assert rb.doc_number == "内科发〔2025〕20号"
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "登记证明材料")))
    assert [(e.entity, e.entity_id, e.actor) for e in events] == [("recognition", str(b), "jb1")]
    assert json.loads(events[0].after)["evidence"] == "认定文件及证书复印件已存档（2025 年档案盒 3）"
    assert missing_for_approval(app, year=2025) == []
    # replace=True overwrites what a record had
    again = register_evidence(who["jb1"], [a], "统一存档", replace=True)
    assert again.updated == 1
    with app.db.session() as s:
        assert s.get(Recognition, a).evidence == "统一存档"


def test_an_unknown_record_changes_nothing(app, world):
    data, who = world
    b = data.recognition_ids["b-hte"]
    with pytest.raises(ServiceError, match="认定记录（编号 9999）不存在"):
        register_evidence(who["jb1"], [b, 9999], "存档")
    with pytest.raises(ServiceError, match="请填写证明材料"):
        register_evidence(who["jb1"], [b], "   ")
    with app.db.session() as s:
        assert s.get(Recognition, b).evidence == ""


def test_the_refusal_carries_the_missing_items_and_words_not_codes(app, world):
    data, who = world
    batch = propose_batch(who["jb1"], 2025, [data.instalment_ids["a/2025"], data.instalment_ids["b/2025"]])
    with pytest.raises(MissingForApproval) as err:
        approve_batch(who["fh1"], batch.id)
    assert [m.recognition_id for m in err.value.items] == [data.recognition_ids["b-hte"]]
    assert "D11" not in str(err.value) and "后补助须有认定文号和佐证材料才能审批" in str(err.value)
    assert [m.instalment_id for m in missing_for_approval(app, batch_id=batch.id)] == [
        data.instalment_ids["b/2025"]
    ]
    register_evidence(
        who["jb1"], [m.recognition_id for m in err.value.items], "存档", doc_number="内科发〔2025〕20号"
    )
    approve_batch(who["fh1"], batch.id)
    states = {r.instalment_id: r.state for r in year_plan(app, 2025).rows}
    assert states[data.instalment_ids["b/2025"]] == "approved"


def test_a_roster_column_of_evidence_is_imported_and_updated(app, tmp_path):
    from kjdesk.services.imports import commit, preview
    from tests.rosters import CODE_A, units_rows, xlsx

    commit(app, preview(app, xlsx(tmp_path / "u.xlsx", units_rows())))
    header = ["企业名称", "社会信用代码", "认定类型", "认定时间", "发文文号", "证明材料"]
    row = ["包头市甲稀土有限公司", CODE_A, "国家高新技术企业", "2022-12-01", "国科火字〔2023〕25号"]
    plan = preview(app, xlsx(tmp_path / "r.xlsx", [header, [*row, "证书 GR202215000123"]]))
    assert plan.added == 1
    commit(app, plan)
    with app.db.session() as s:
        assert s.scalars(select(Recognition.evidence)).one() == "证书 GR202215000123"
    again = preview(app, xlsx(tmp_path / "r2.xlsx", [header, [*row, "证书及认定文件存档盒 7"]]))
    assert (again.added, again.updated) == (0, 1)
    assert any("证明材料" in item.detail for item in again.items)
    commit(app, again)
    with app.db.session() as s:
        assert s.scalars(select(Recognition.evidence)).one() == "证书及认定文件存档盒 7"
