"""The 应享资金 page over more lines than its first screen: shown at once, usable while the rest
is read, and right (filters, totals to the 分) once every line is there."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from kjdesk.money import format_yuan
from kjdesk.policy.model import SubjectKind
from kjdesk.services.entitlements.detail import explanation_of
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.register import PlatformInput, UnitInput, add_platform, add_unit
from kjdesk.services.register.records import FactInput, RecognitionInput, add_recognition, upsert_fact
from kjdesk.ui.pages.entitlements import page as page_module
from tests.conftest import make_credit_code
from tests.ui.conftest import type_text
from tests.ui.pages.entitlements.test_entitlements_page import choose, column

DISTRICTS = ("稀土高新区", "青山区", "昆都仑区")


@pytest.fixture
def many(app):
    """Nine 包头 units: 高企 of 2022 or 2023, R&D expense of 2021 for some (3%, amounts with 分),
    a 国家重点实验室 (five yearly lines) for two."""
    for k in range(9):
        unit = add_unit(
            app,
            UnitInput(
                name=f"包头第{k}科技公司",
                credit_code=make_credit_code(f"9115020{k}MA0N0000{k}"),
                district=DISTRICTS[k % 3],
            ),
        )
        year = 2022 + k % 2
        add_recognition(
            app,
            RecognitionInput(
                SubjectKind.UNIT, unit.id, "hte", "国家", date(year, 3, 1 + k), f"国科火字〔{year}〕{k}号"
            ),
        )
        if k % 3 == 1:
            upsert_fact(
                app,
                FactInput(SubjectKind.UNIT, unit.id, 2021, "加计扣除研发费用", Decimal(f"{k}234567.8{k}")),
            )
        if k in (4, 7):
            lab = add_platform(app, PlatformInput(f"第{k}重点实验室", "kl", "国家", unit.id))
            add_recognition(
                app,
                RecognitionInput(
                    SubjectKind.PLATFORM, lab.id, "kl", "国家", date(2022, 5, k), f"国科发〔2022〕{k}号"
                ),
            )
    return list_entitlements(app)


@pytest.fixture
def held(monkeypatch):
    """A first screen of three entitlements' lines, and the read of every line held until released."""
    monkeypatch.setattr(page_module, "FIRST_ENTITLEMENTS", 3)
    release = threading.Event()
    real = page_module.page_lines

    def page_lines(app):  # noqa: ANN001, ANN202
        release.wait(20)
        return real(app)

    monkeypatch.setattr(page_module, "page_lines", page_lines)
    yield release
    release.set()  # never leave a worker waiting


def click_row(qtbot, page, row: int) -> None:
    rect = page.view.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def totals_of(lines) -> str:  # noqa: ANN001
    return f"共 {len(lines)} 条，合计 <b>{format_yuan(sum(ln.amount_fen for ln in lines))}</b> 元"


def test_rows_show_before_the_rest_is_read_and_the_page_is_usable_meanwhile(
    app, many, held, make_window, qtbot
):
    first_ids = sorted({ln.entitlement_id for ln in many})[:3]
    first = [ln for ln in many if ln.entitlement_id in first_ids]
    assert len(first) < len(many)
    page = make_window().page("entitlements")
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)

    assert not page.complete
    assert page.model.total == len(first)
    assert column(page, "单位") == [ln.unit_name for ln in first]
    assert column(page, "金额（元）") == [format_yuan(ln.amount_fen) for ln in first]
    assert page.totals.text() == f"已载入 {len(first)} 条，正在载入其余应享资金……"
    assert not page.year_box.isEnabled() and not page.clause_box.isEnabled()
    assert not page.export_button.isEnabled()

    # Select a line: its explanation, read for that line, with the policy's own sentence.
    click_row(qtbot, page, 1)
    line = page.selected_line()
    assert (line.entitlement_id, line.year) == (first[1].entitlement_id, first[1].year)
    text = page.detail.toPlainText()
    assert first[1].unit_name in text and f"{format_yuan(first[1].amount_fen)} 元" in text
    sentence = next(x for x in first[1].explanation.splitlines() if x.startswith("原文："))
    assert sentence.removeprefix("原文：") in text
    # The text filter works on what is there, and says the rest is coming.
    type_text(qtbot, page.filter_box, first[0].unit_name)
    assert column(page, "单位") == [first[0].unit_name] * sum(
        1 for ln in first if ln.unit_name == first[0].unit_name
    )
    assert page.totals.text().startswith(f"已找到 {page.model.shown} 条，已载入 {len(first)} 条")
    page.filter_box.clear()
    click_row(qtbot, page, 1)

    held.set()
    qtbot.waitUntil(lambda: page.complete, timeout=10000)
    assert page.model.total == len(many)
    assert page.selected_line().entitlement_id == first[1].entitlement_id  # the selection stayed
    assert page.totals.text() == totals_of(many)
    assert page.year_box.isEnabled() and page.export_button.isEnabled()


def test_filters_and_totals_are_right_once_every_line_is_read(app, many, held, make_window, qtbot):
    page = make_window().page("entitlements")
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    held.set()
    qtbot.waitUntil(lambda: page.complete, timeout=10000)
    assert column(page, "单位") == [ln.unit_name for ln in many]

    years = sorted({ln.year for ln in many if ln.year is not None}, reverse=True)
    assert [page.year_box.itemText(i) for i in range(page.year_box.count())] == ["全部年度"] + [
        f"{y} 年" for y in years
    ]
    choose(page.year_box, "2022 年")
    in_2022 = [ln for ln in many if ln.year == 2022]
    assert page.totals.text() == totals_of(in_2022) + f"（全部 {len(many)} 条）"
    assert sorted(column(page, "金额（元）")) == sorted(format_yuan(ln.amount_fen) for ln in in_2022)
    # 3% of 4,234,567.84 (2021) = 127,037.04 (2022), to the 分
    assert "127,037.04" in column(page, "金额（元）")

    choose(page.district_box, "青山区")
    chosen = [ln for ln in in_2022 if ln.district == "青山区"]
    assert page.totals.text() == totals_of(chosen) + f"（全部 {len(many)} 条）"
    choose(page.year_box, "全部年度")
    choose(page.clause_box, "（八）国家重点实验室")
    choose(page.district_box, "全部旗县区")
    labs = [ln for ln in many if ln.clause_id == "BT-08-nkl"]
    assert len(labs) == 10  # two laboratories, five years each
    assert page.totals.text() == totals_of(labs) + f"（全部 {len(many)} 条）"
    type_text(qtbot, page.filter_box, "第7")
    assert (
        page.totals.text()
        == totals_of([ln for ln in labs if "第7" in ln.unit_name]) + f"（全部 {len(many)} 条）"
    )


def test_the_selected_line_shows_its_own_explanation(app, many, held, make_window, qtbot):
    held.set()
    page = make_window().page("entitlements")
    qtbot.waitUntil(lambda: page.complete, timeout=10000)
    quotes = {}
    lab = next(k for k, ln in enumerate(many) if ln.clause_id == "BT-08-nkl")
    for row in (0, lab):
        page.view.selectRow(row)
        line = many[row]
        assert page.selected_line().entitlement_id == line.entitlement_id
        assert explanation_of(app, line.entitlement_id) == line.explanation
        quote = next(x for x in line.explanation.splitlines() if x.startswith("原文："))
        quotes[row] = (quote.removeprefix("原文：").strip("“”"), page.detail.toPlainText())
    (first_quote, first_text), (last_quote, last_text) = quotes.values()
    assert first_quote != last_quote
    assert first_quote in first_text and last_quote not in first_text
    assert last_quote in last_text and first_quote not in last_text
