"""Nothing kjdesk writes can execute (issue 17, item 5): a unit named like a formula comes back
from every export as plain text, never as a formula cell; csv cells get OWASP's apostrophe."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from kjdesk.cli import main
from kjdesk.services.core.app import App, ValidationFailed
from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.reports import write_report
from kjdesk.services.imports import preview
from kjdesk.services.imports.roster_files import save_error_workbook
from kjdesk.services.register import UnitInput, get_unit, update_unit
from kjdesk.services.safety.audit_log import export_audit
from kjdesk.store.models import Unit
from tests.services.disbursement.disbursement_data import officers, seed_plan

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"


def _no_formula_anywhere(path) -> None:  # noqa: ANN001
    """Neither openpyxl nor the raw sheet XML sees a formula."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)


def _cells(path) -> list[object]:  # noqa: ANN001
    return [c.value for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row]


@pytest.fixture
def named(app):
    data = seed_plan(app)
    who = officers(app)
    ids = list(data.unit_ids.values())
    for uid, name in zip(ids, (HYPERLINK, DDE), strict=False):
        update_unit(app, uid, replace(_input(get_unit(app, uid)), name=name))
    iid = data.instalment_ids["a/2025"]
    approve_batch(who["fh1"], propose_batch(who["jb1"], 2025, [iid]).id)
    return app


def _input(row) -> UnitInput:  # noqa: ANN001
    return UnitInput(**{f: getattr(row, f) for f in UnitInput.__dataclass_fields__})


def test_the_finance_sheet_keeps_formula_names_as_text(named, tmp_path):
    path = tmp_path / "明细表.xlsx"
    write_report(named, "disbursement", 2025, path)
    _no_formula_anywhere(path)
    values = _cells(path)
    assert HYPERLINK in values and DDE in values


def test_a_control_character_stored_before_the_rule_does_not_stop_the_sheet(named, tmp_path):
    with named.db.session() as s:  # as an import of an earlier version could have stored it
        s.query(Unit).filter(Unit.name == HYPERLINK).update({"name": "甲\x07公司\u202e"})
    path = tmp_path / "明细表.xlsx"
    write_report(named, "disbursement", 2025, path)
    assert "甲⟨U+0007⟩公司⟨U+202E⟩" in _cells(path)


def test_the_audit_export_keeps_formula_names_as_text(named, tmp_path):
    path = tmp_path / "审计.xlsx"
    export_audit(named, path)
    _no_formula_anywhere(path)
    assert any(isinstance(v, str) and DDE in v for v in _cells(path))


def test_csv_output_prefixes_formula_cells_with_an_apostrophe(named, tmp_path, capsys):
    db = str(named.db.path)
    named.close()
    capsys.readouterr()
    assert main(["--db", db, "units", "list", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    names = [r[1] for r in rows[1:]]
    assert "'" + HYPERLINK in names and "'" + DDE in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_error_workbook_keeps_formula_cells_as_text(app: App, tmp_path, kind):
    rows = [
        ["单位名称", "统一社会信用代码", "所属旗县区"],
        [HYPERLINK, "bad", "昆都仑区"],
        [DDE, "bad", "青山区"],
    ]
    if kind == "csv":
        roster = tmp_path / "r.csv"
        with roster.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    else:
        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        for row in wb.active.iter_rows(min_row=2):  # the officer's roster holds them as text
            row[0].data_type = "s"
        wb.active["E2"] = "=1+1"  # and a formula of the officer's own
        roster = tmp_path / "r.xlsx"
        wb.save(roster)
    plan = preview(app, roster)
    assert plan.errors
    out = save_error_workbook(plan, tmp_path / "错误.xlsx")
    _no_formula_anywhere(out)
    values = _cells(out)
    assert HYPERLINK in values and DDE in values


def test_a_form_refuses_a_bidi_override_in_a_unit_name(app):
    seed_plan(app)
    with app.db.session() as s:
        uid = s.query(Unit.id).first()[0]
    data = _input(get_unit(app, uid))
    with pytest.raises(ValidationFailed) as err:
        update_unit(app, uid, replace(data, name="甲公司\u202e司公乙", contact="张\u200b三"))
    assert err.value.errors["name"].startswith("单位名称含不可见控制字符 U+202E")
    assert "U+200B" in err.value.errors["contact"]
    assert date.today()  # the unit is unchanged
    assert get_unit(app, uid).name == data.name
