"""The 导入对照 page: the remembered answers of earlier imports, listed, changed and deleted."""

from PySide6.QtCore import Qt
from sqlalchemy import select

from kjdesk.services.imports import answers, commit, preview
from kjdesk.store.models import AuditEvent, Unit
from kjdesk.ui.pages import available_pages
from tests.rosters import CODE_A, CODE_B, units_rows, xlsx
from tests.ui.conftest import open_page


def _model_rows(page):
    return [page.model.row_tuple(i)[1:5] for i in range(page.model.shown)]


def test_the_page_lists_changes_and_deletes_remembered_answers(
    app, make_window, qtbot, tmp_path, monkeypatch
):
    commit(app, preview(app, xlsx(tmp_path / "u.xlsx", units_rows())))
    answers.add_name_answer(app, "包头市甲稀土有限责任公司", CODE_A)
    answers.add_title_answer(app, "国家级高企", "hte", "国家")
    assert "import_answers" in [p.key for p in available_pages()]
    window = make_window()
    page = open_page(window, qtbot, "import_answers")
    assert sorted(_model_rows(page)) == sorted(
        [
            ("单位名称", "包头市甲稀土有限责任公司", f"包头市甲稀土有限公司（{CODE_A}）", "（手工添加）"),
            ("认定类型措辞", "国家级高企", "国家高新技术企业", "（手工添加）"),
        ]
    )
    assert page.count_label.text() == "共 2 条对照"
    # point the name at the other unit (the service the 修改对应 dialog calls)
    name_id = next(a.id for a in page.items.values() if a.kind == answers.UNIT_NAME)
    with app.db.session() as s:
        unit_b = s.scalar(select(Unit.id).where(Unit.credit_code == CODE_B))
    page._write(lambda _p: answers.change_answer(app, name_id, unit_id=unit_b), "ok")
    qtbot.waitUntil(lambda: any(CODE_B in r[2] for r in _model_rows(page)), timeout=5000)
    # delete: asked first, then gone, audited
    row = next(i for i in range(page.model.shown) if page.model.row_tuple(i)[1] == "认定类型措辞")
    page.view.selectRow(row)
    asked = []
    monkeypatch.setattr("kjdesk.ui.pages.import_answers.confirm", lambda *a, **k: asked.append(a[2]) or True)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.shown == 1, timeout=5000)
    assert "国家级高企" in asked[0] and "重新询问" in asked[0]
    assert "已删除对照" in page.notice.text()
    with app.db.session() as s:
        actions = [
            a for (a,) in s.execute(select(AuditEvent.action).where(AuditEvent.entity == "import_answers"))
        ]
    assert actions == ["记住对照", "记住对照", "修改对照", "删除对照"]


def test_the_page_names_who_confirmed_an_answer_not_their_login(app, make_window, qtbot):
    from kjdesk.services.core.officers import create_officer, sign_in
    from tests.services.disbursement.disbursement_data import PASSWORD, officers

    who = officers(app)
    create_officer(who["admin"], "wangjb", "王建波", "经办人", PASSWORD)
    wang = sign_in(app, "wangjb", PASSWORD)
    answers.add_title_answer(wang, "国家级高企", "hte", "国家")
    page = open_page(make_window(wang), qtbot, "import_answers")
    titles = [c.title for c in page.model.columns]
    shown = page.model.row_tuple(0)[page.model.columns[titles.index("确认人")].field]
    assert shown == "王建波"
