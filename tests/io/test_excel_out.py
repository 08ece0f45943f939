"""The sheets for finance: every figure checked cell by cell against the instalments, print settings."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.payments import record_payment
from kjdesk.services.disbursement.plan import year_plan
from kjdesk.services.disbursement.reports import write_report
from kjdesk.store.models import Platform, Recognition
from tests.services.disbursement.disbursement_data import add_unit, officers, seed_plan

HEADER_ROW = 3


def fen(value) -> int:  # noqa: ANN001 - a cell value in 元 (to the 分)
    return round(float(value) * 100)


def table(ws):  # noqa: ANN001
    """The rows under the header, down to the last row with a 序号 / 小计 / 合计."""
    rows = []
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if (row[0] is None and row[1] is None) or (
            isinstance(row[0], str) and row[0].startswith(("注", "本年金额合计"))
        ):
            break
        rows.append(row)
    return rows


@pytest.fixture
def world(app):
    data = seed_plan(app)
    who = officers(app)
    iid = data.instalment_ids["c/2025"]
    batch = propose_batch(who["jb1"], 2025, [iid])
    approve_batch(who["fh1"], batch.id)
    record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 2_000_000)
    return data


def test_disbursement_sheet_rows_subtotals_and_total_match_the_instalments(app, world, tmp_path):
    path = tmp_path / "明细表.xlsx"
    result = write_report(app, "disbursement", 2025, path)
    ws = load_workbook(path).active
    assert ws["A1"].value == "2025年度科技资金拨付明细表"
    assert ws["I2"].value == "单位：元"
    assert [c.value for c in ws[HEADER_ROW]] == [
        "序号",
        "旗县区",
        "单位名称",
        "统一社会信用代码",
        "条款",
        "支持方式",
        "本年金额",
        "累计已拨",
        "状态",
        "备注",
    ]
    plan = {(r.unit_name, r.clause_id): r for r in year_plan(app, 2025).rows}
    rows = table(ws)
    data = [r for r in rows if isinstance(r[0], int)]
    assert [r[0] for r in data] == list(range(1, len(plan) + 1))
    seen = set()
    for r in data:
        match = [
            p for (name, _), p in plan.items() if name == r[2] and f"{p.article}{p.clause_title}" == r[4]
        ]
        assert len(match) == 1, r
        p = match[0]
        seen.add(p.instalment_id)
        assert (r[1], r[3], r[5], r[8]) == (p.district, p.credit_code, p.payment_wording, p.state_label)
        assert fen(r[6]) == p.amount_fen and fen(r[7]) == p.entitlement_paid_fen
    assert len(seen) == len(plan)
    # Each 小计 equals the rows of its 旗县区 above it; the 合计 equals every data row.
    group: list[tuple] = []
    for r in rows:
        if isinstance(r[0], int):
            group.append(r)
        elif r[1] == "合计":
            assert fen(r[6]) == sum(p.amount_fen for p in plan.values()) == result.total_fen == 66_234_567
            assert fen(r[7]) == sum(fen(d[7]) for d in data) == 2_000_000
        else:
            assert r[2].startswith("小计") and {g[1] for g in group} == {r[1]}
            assert fen(r[6]) == sum(fen(g[6]) for g in group)
            assert fen(r[7]) == sum(fen(g[7]) for g in group)
            group = []
    assert fen(next(r for r in rows if r[1] == "昆都仑区" and r[0] is None)[6]) == 31_234_567


def test_print_settings_are_in_the_saved_workbook(app, world, tmp_path):
    path = tmp_path / "明细表.xlsx"
    write_report(app, "disbursement", 2025, path)
    ws = load_workbook(path).active
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws["G4"].number_format == "#,##0.00" and ws["A3"].font.b and ws["A3"].border.left.style == "thin"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "制表人：" in texts and "复核人：" in texts and any(t.startswith("日期：") for t in texts)


def test_summary_sheet_by_clause_adds_up(app, world, tmp_path):
    path = tmp_path / "汇总表.xlsx"
    write_report(app, "summary", 2025, path)
    rows = table(load_workbook(path).active)
    data, total = rows[:-1], rows[-1]
    by_clause = {r[1]: r for r in data}
    assert fen(by_clause["（六）国家高新技术企业认定"][4]) == 60_000_000
    lab = next(r for k, r in by_clause.items() if k.startswith("（八）"))
    assert (lab[3], fen(lab[4]), fen(lab[5]), fen(lab[6]), fen(lab[7])) == (
        1,
        5_000_000,
        5_000_000,
        2_000_000,
        3_000_000,
    )
    assert total[1] == "合计" and total[3] == sum(r[3] for r in data) == 4
    for col in (4, 5, 6, 7):
        assert fen(total[col]) == sum(fen(r[col]) for r in data)
    assert fen(total[4]) == 66_234_567


def test_commitments_sheet_years_and_totals(app, world, tmp_path):
    path = tmp_path / "承诺表.xlsx"
    write_report(app, "commitments", 2025, path)
    ws = load_workbook(path).active
    assert [c.value for c in ws[HEADER_ROW]][3:] == ["2025年", "2026年", "2027年", "2028年", "2029年", "合计"]
    rows = table(ws)
    data, total = rows[:-1], rows[-1]
    lab = next(r for r in data if r[1].startswith("（八）"))
    assert [fen(v) for v in lab[3:9]] == [5_000_000] * 5 + [25_000_000]
    for r in data:
        assert fen(r[8]) == sum(fen(v) for v in r[3:8])
    for col in range(3, 9):
        assert fen(total[col]) == sum(fen(r[col]) for r in data)
    assert fen(total[8]) == 30_000_000 * 2 + 1_234_567 + 987_654 + 25_000_000


def test_indicators_sheet_counts_platforms_and_enterprises_by_district(app, world, tmp_path):
    path = tmp_path / "指标表.xlsx"
    write_report(app, "indicators", 2025, path)
    ws = load_workbook(path).active
    values = list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    kl = next(r for r in values if r[1] == "重点实验室")
    assert kl[2:7] == (0, 1, 0, 0, 1)
    by_district = {
        r[1]: r for r in values if isinstance(r[0], int) and r[1] in ("稀土高新区", "昆都仑区", "青山区")
    }
    assert by_district["稀土高新区"][2:5] == (1, 0, 0)
    assert by_district["昆都仑区"][2:5] == (1, 0, 0)
    assert by_district["青山区"][2:7] == (0, 0, 1, 0, 1)
    totals = [r for r in values if r[1] == "合计"]
    assert totals[1][2] == 2 and totals[1][4] == 1


def test_wuhai_target_progress_sheet(wuhai_app, tmp_path):
    with wuhai_app.db.session() as s:
        units = [add_unit(s, f"乌海高企{i}有限公司", "海勃湾区", 100 + i) for i in range(12)]
        for i, u in enumerate(units):
            s.add(
                Recognition(
                    unit_id=u.id,
                    type_id="hte",
                    level="国家",
                    date=date(2023, 11, 1) if i < 10 else date(2021, 1, 5),
                )
            )
        lab_host = units[0]
        for i in range(3):
            p = Platform(name=f"自治区重点实验室{i}", type_id="kl", level="自治区", host_unit_id=lab_host.id)
            s.add(p)
            s.flush()
            s.add(Recognition(platform_id=p.id, type_id="kl", level="自治区", date=date(2022, 5, 1)))
    path = tmp_path / "目标.xlsx"
    write_report(wuhai_app, "targets", 2025, path, today=date(2025, 6, 30))
    rows = {r[2]: r for r in table(load_workbook(path).active)}
    hte = rows["全市高新技术企业"]
    assert (hte[3], hte[5]) == ("力争40家", 10)  # the two of 2021-01 expired in January 2024
    assert hte[6] == pytest.approx(0.25)
    platforms = rows["新增各类自治区级创新平台"]
    assert (platforms[3], platforms[5]) == ("10家", 3)
    assert rows["自治区级科技成果转移转化基地"][3] == "1—2家"
    assert rows["国家高新技术产业开发区创建"][5] is None
    # --year 2022: the figures as at 31 December 2022 (the 10 of 2023 not yet, the 2 of 2021 still valid)
    write_report(wuhai_app, "targets", 2022, path, today=date(2025, 6, 30))
    ws = load_workbook(path).active
    assert "2022年12月31日" in ws["A2"].value
    assert {r[2]: r for r in table(ws)}["全市高新技术企业"][5] == 2


def test_the_disbursement_total_is_also_in_daxie(app, world, tmp_path):
    path = tmp_path / "明细表.xlsx"
    write_report(app, "disbursement", 2025, path)
    ws = load_workbook(path).active
    notes = [r[0] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str)]
    assert "本年金额合计（大写）：人民币陆拾陆万贰仟叁佰肆拾伍元陆角柒分" in notes
    assert ws["A1"].font.name == "宋体" and ws.oddFooter.center.font == "宋体"


def test_a_summary_in_wan_says_so_and_keeps_two_decimals(app, world, tmp_path):
    from kjdesk.services.core.app import ServiceError

    path = tmp_path / "汇总表.xlsx"
    write_report(app, "summary", 2025, path, in_wan=True)
    ws = load_workbook(path).active
    assert "单位：万元" in [c.value for c in ws[2]] and ws["E4"].number_format == "#,##0.00"
    total = table(ws)[-1]
    assert round(float(total[4]) * 1_000_000) == 66_234_567  # the exact 万元 value, shown 66.23
    with pytest.raises(ServiceError, match="万元列示只用于应享资金汇总表"):
        write_report(app, "disbursement", 2025, tmp_path / "x.xlsx", in_wan=True)


def test_sheets_use_the_bureau_sheet_font(app, world, tmp_path):
    from kjdesk.services.letters.print_settings import set_print_setting

    set_print_setting(app, "sheet_font", "仿宋_GB2312")
    for kind in ("disbursement", "summary", "commitments", "indicators"):
        path = tmp_path / f"{kind}.xlsx"
        write_report(app, kind, 2025, path)
        ws = load_workbook(path).active
        assert ws["A1"].font.name == "仿宋_GB2312" and ws["A4"].font.name == "仿宋_GB2312", kind
        assert ws.oddFooter.center.font == "仿宋_GB2312" and int(ws.page_setup.paperSize) == 9, kind
        assert ws.print_title_rows == "$3:$3" and int(ws.page_setup.fitToWidth) == 1, kind


def test_the_audit_export_is_print_ready_with_a_cjk_font(app, world, tmp_path):
    from kjdesk.services.safety.audit_log import export_audit

    out = tmp_path / "audit.xlsx"
    assert export_audit(app, out) > 0
    ws = load_workbook(out).active
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页" and ws.print_title_rows == "$3:$3"
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.b and ws["D4"].font.name == "宋体"
