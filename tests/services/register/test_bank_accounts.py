"""Payee bank accounts: optional on units and people, imported, edited, masked on screen,
in full on the 拨付明细表 (whose total also carries its 大写)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kjdesk.bank_accounts import check_bank_account, mask_account
from kjdesk.services.core.app import ValidationFailed
from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.reports import write_report
from kjdesk.services.imports import commit, preview
from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit, update_unit
from kjdesk.services.register.tables import person_table, unit_table
from kjdesk.store.models import Unit
from kjdesk.validation import FieldError
from tests.conftest import make_id_number
from tests.rosters import CODE_A, CODE_B, xlsx
from tests.services.disbursement.disbursement_data import officers, seed_plan

ACCOUNT = "6222020200112233445"


def test_accounts_are_digits_and_masked_but_for_the_last_four():
    assert check_bank_account("6222 0202 0011-2233 445") == ACCOUNT
    assert check_bank_account("") == ""
    with pytest.raises(FieldError, match="银行账号“62x”格式不正确"):
        check_bank_account("62x")
    assert mask_account(ACCOUNT) == "*" * 15 + "3445"


def test_a_units_roster_brings_bank_columns_and_lists_mask_them(app, tmp_path):
    rows = [
        ["序号", "单位名称", "统一社会信用代码", "旗县区", "开户行", "账号"],
        [
            1,
            "包头市甲稀土有限公司",
            CODE_A,
            "昆都仑区",
            "中国工商银行包头昆都仑支行",
            "6222 0202 0011 2233 445",
        ],
        [2, "包头市乙机械有限公司", CODE_B, "稀土高新区", "", ""],
    ]
    plan = preview(app, xlsx(tmp_path / "名录.xlsx", rows))
    assert plan.ok, [e.line() for e in plan.errors]
    commit(app, plan)
    with app.db.session() as s:
        unit = s.scalar(select(Unit).where(Unit.credit_code == CODE_A))
        assert (unit.bank_name, unit.bank_account) == ("中国工商银行包头昆都仑支行", ACCOUNT)
    listed = {r[2]: r[-1] for r in unit_table(app)}
    assert listed == {CODE_A: "*" * 15 + "3445", CODE_B: ""}
    assert all(ACCOUNT not in str(v) for r in unit_table(app) for v in r)
    bad = [rows[0], [1, "包头市甲稀土有限公司", CODE_A, "昆都仑区", "某银行", "账号待补"]]
    plan = preview(app, xlsx(tmp_path / "坏.xlsx", bad))
    assert not plan.ok and any("银行账号" in e.line() for e in plan.errors)


def test_units_and_people_edited_with_their_accounts(app):
    with pytest.raises(ValidationFailed, match="银行账号"):  # five digits: too short
        add_unit(app, UnitInput("包头市丙科技有限公司", CODE_A, district="昆都仑区", bank_account="6222 1"))
    u = add_unit(app, UnitInput("包头市丙科技有限公司", CODE_A, district="昆都仑区"))
    assert u.bank_account == ""
    with pytest.raises(ValidationFailed, match="银行账号"):
        update_unit(
            app, u.id, UnitInput("包头市丙科技有限公司", CODE_A, district="昆都仑区", bank_account="12a")
        )
    row = update_unit(
        app,
        u.id,
        UnitInput(
            "包头市丙科技有限公司", CODE_A, district="昆都仑区", bank_name="建行", bank_account=ACCOUNT
        ),
    )
    assert (row.bank_name, row.bank_account) == ("建行", ACCOUNT)
    person = add_person(
        app,
        PersonInput("张三", make_id_number("15020319800101001"), employer_unit_id=u.id, bank_account=ACCOUNT),
    )
    assert person.bank_account == ACCOUNT
    assert person_table(app)[0][-1] == "*" * 15 + "3445"


def test_the_disbursement_sheet_carries_the_payee_bank_in_full(app, tmp_path):
    data = seed_plan(app)
    who = officers(app)
    iid = data.instalment_ids["c/2025"]
    approve_batch(who["fh1"], propose_batch(who["jb1"], 2025, [iid]).id)
    with app.db.session() as s:
        unit = s.scalars(select(Unit).order_by(Unit.id)).first()
        unit.bank_name, unit.bank_account = "中国银行包头分行", ACCOUNT
        name = unit.name
    path = tmp_path / "明细表.xlsx"
    write_report(app, "disbursement", 2025, path)
    ws = load_workbook(path).active
    header = [c.value for c in ws[3]]
    assert header[8:11] == ["状态", "开户银行", "银行账号"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[2] == name]
    assert rows and all((r[9], r[10]) == ("中国银行包头分行", ACCOUNT) for r in rows)
    others = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int) and r[2] != name]
    assert all(r[10] is None for r in others)


def test_the_units_template_asks_for_the_bank_and_prints_like_every_sheet(app, tmp_path):
    from kjdesk.services.imports.roster_files import write_roster_template

    path = write_roster_template(app, "units", tmp_path / "单位模板.xlsx")
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert "开户银行" in header and "银行账号" in header
    assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页" and int(ws.page_setup.fitToWidth) == 1


def test_the_audit_log_shows_an_account_by_its_last_four_digits(app):
    from kjdesk.services.safety.audit_log import audit_events

    u = add_unit(app, UnitInput("包头市丁科技有限公司", CODE_B, district="昆都仑区", bank_account=ACCOUNT))
    update_unit(
        app,
        u.id,
        UnitInput("包头市丁科技有限公司", CODE_B, district="昆都仑区", bank_account="6222000011112222"),
    )
    shown = " ".join(e.before + e.after for e in audit_events(app, entity="unit"))
    assert ACCOUNT not in shown and "6222000011112222" not in shown
    assert '"bank_account": "' + "*" * 15 + "3445" + '"' in shown and "2222" in shown
