"""The 政策 page: search both catalogs and read a clause with its quote and readings."""

from __future__ import annotations

from tests.ui.conftest import open_page, type_text


def test_search_finds_the_hte_clause_with_its_quote(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "policy")
    everything = page.visible_clause_ids()
    assert "BT-06-hte-cert" in everything and "WH-11-hte" in everything  # both cities' catalogs
    assert everything[0].startswith("BT-")  # the bureau's own city first

    type_text(qtbot, page.search_box, "高新技术企业")
    found = page.visible_clause_ids()
    assert "BT-06-hte-cert" in found and "WH-11-hte" in found
    assert "BT-08-nkl" not in found
    assert page.count_label.text() == f"找到 {len(found)} 个条款"

    assert page.select_clause("BT-06-hte-cert")
    text = page.detail.toPlainText()
    assert "BT-06-hte-cert 国家高新技术企业认定" in text
    assert "“认定为国家高新技术企业，给予30万元后补助资金支持”" in text
    assert "包党发〔2021〕24号" in text and "2021-08-14 起施行" in text
    assert "一次性" in text and "30万元" in text
    assert "后补助：在取得成果后按依据文号和佐证材料审批拨付" in text
    assert "按本系统口径：" in text


def test_search_by_clause_id_and_no_match(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "policy")
    type_text(qtbot, page.search_box, "wh-11")
    assert page.visible_clause_ids() and all(c.startswith("WH-11") for c in page.visible_clause_ids())
    text = page.detail.toPlainText()  # the first hit is shown at once
    assert "乌海政发〔2021〕21号" in text and "给予一定支持" in text
    page.search_box.clear()
    type_text(qtbot, page.search_box, "不存在的条款名称")
    assert page.visible_clause_ids() == []
    assert page.count_label.text() == "没有符合“不存在的条款名称”的条款"


def test_the_tree_is_titled_at_every_level_with_ids_only_in_tooltips(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "policy")
    city = page.model.item(0)
    assert city.text().startswith("包头市")
    articles = [city.child(r).text() for r in range(city.rowCount())]
    assert "（六）梯次培育科技创新型企业" in articles
    assert "（八）加强创新平台培育建设力度" in articles
    six = city.child(articles.index("（六）梯次培育科技创新型企业"))
    clauses = [six.child(r).text() for r in range(six.rowCount())]
    assert "国家高新技术企业认定" in clauses and not [c for c in clauses if "BT-" in c]
    tip = six.child(clauses.index("国家高新技术企业认定")).toolTip()
    assert tip.endswith("条款编号：BT-06-hte-cert")
    wuhai = page.model.item(1)
    titles = [wuhai.child(r).text() for r in range(wuhai.rowCount())]
    assert "（十一）大力培育创新型企业" in titles


def test_rules_are_stated_in_words_without_decision_numbers(app, make_window, qtbot):
    import re

    page = open_page(make_window(), qtbot, "policy")
    for clause_id in ("BT-06-hte-cert", "BT-01-zizhu-zone", "BT-08-nkl"):
        assert page.select_clause(clause_id)
        text = page.detail.toPlainText()
        assert "按本系统口径" in text
        assert not re.search(r"\bD\d{1,2}\b", text), text
