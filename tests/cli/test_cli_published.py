"""``kjdesk import`` of a published list: --type/--level/--date/--doc, refusal by name, --skip-unmatched,
and ``kjdesk answers``."""

import json

from sqlalchemy import select

from kjdesk.services.core.app import App
from kjdesk.store.models import Recognition, Unit
from tests.cli.conftest import signed_main as main
from tests.rosters import CODE_A, CODE_B, units_rows, xlsx

TITLE = "2024年内蒙古自治区第一批认定高新技术企业名单"
WHOLE = ["--type", "高新技术企业", "--date", "2024-11-08", "--doc", "内科高企字〔2024〕8号"]


def _db(tmp_path):
    db = str(tmp_path / "c.sqlite")
    assert main(["--db", db, "init", "--city", "baotou"]) == 0
    assert main(["--db", db, "import", str(xlsx(tmp_path / "u.xlsx", units_rows()))]) == 0
    return db


def _list(tmp_path, names, file="hte.xlsx"):
    rows = [["序号", "企业名称", "证书编号"]]
    rows += [[i, n, f"GR2024150001{i:02d}"] for i, n in enumerate(names, start=1)]
    return str(xlsx(tmp_path / file, rows, title=TITLE))


def _recognitions(db):
    app = App.open(db)
    try:
        with app.db.session() as s:
            q = select(Unit.name, Recognition.date, Recognition.doc_number, Recognition.cert_number).join(
                Unit, Recognition.unit_id == Unit.id
            )
            return sorted((n, d.isoformat(), doc, cert) for n, d, doc, cert in s.execute(q))
    finally:
        app.close()


def test_whole_list_flags_import_a_list_of_names(tmp_path, capsys):
    db = _db(tmp_path)
    path = _list(tmp_path, ["包头市甲稀土有限公司", "包头市乙机械有限公司"])
    capsys.readouterr()
    assert main(["--db", db, "import", path, *WHOLE]) == 0
    out = capsys.readouterr().out
    assert "表头在第 2 行" in out and "新增 2" in out and "按名称匹配 2 行" in out
    doc = "内科高企字〔2024〕8号"
    assert _recognitions(db) == [
        ("包头市乙机械有限公司", "2024-11-08", doc, "GR202415000102"),
        ("包头市甲稀土有限公司", "2024-11-08", doc, "GR202415000101"),
    ]
    # the same list again: the same certificate numbers, no second recognition
    assert main(["--db", db, "import", path, *WHOLE]) == 0
    assert "新增 0，更新 0，不变 2" in capsys.readouterr().out
    assert len(_recognitions(db)) == 2


def test_an_unmatched_name_refuses_the_whole_import_and_skip_unmatched_imports_the_rest(tmp_path, capsys):
    db = _db(tmp_path)
    path = _list(tmp_path, ["包头市甲稀土有限公司", "包头市乙机械有限责任公司", "包头市丙新材料有限公司"])
    capsys.readouterr()
    assert main(["--db", db, "import", path, *WHOLE]) == 1
    err = capsys.readouterr().err
    assert "以下 2 个名称未能对应到已登记单位" in err
    assert (
        f"第 4 行“包头市乙机械有限责任公司”在单位名录中找不到，最接近的已登记单位：包头市乙机械有限公司（{CODE_B}，"
        "仅“有限公司/有限责任公司”写法不同）" in err
    )
    assert "第 5 行“包头市丙新材料有限公司”在单位名录中找不到" in err
    assert "未导入任何数据" in err
    assert _recognitions(db) == []  # nothing written on refusal
    assert main(["--db", db, "import", path, *WHOLE, "--skip-unmatched"]) == 0
    captured = capsys.readouterr()
    assert "新增 1" in captured.out and "跳过 2 行" in captured.out
    assert "已跳过 2 行" in captured.err and "第 5 行“包头市丙新材料有限公司”" in captured.err
    assert [r[0] for r in _recognitions(db)] == ["包头市甲稀土有限公司"]


def test_a_name_taught_with_answers_add_name_goes_through_next_time(tmp_path, capsys):
    db = _db(tmp_path)
    path = _list(tmp_path, ["包头市乙机械有限责任公司"])
    assert (
        main(["--db", db, "answers", "add-name", "--name", "包头市乙机械有限责任公司", "--unit", CODE_B]) == 0
    )
    assert "已记住对照" in capsys.readouterr().out
    assert main(["--db", db, "answers", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["kind_label"], a["shown"], a["meaning"]) for a in listed] == [
        ("单位名称", "包头市乙机械有限责任公司", f"包头市乙机械有限公司（{CODE_B}）")
    ]
    assert main(["--db", db, "answers", "change", str(listed[0]["id"]), "--unit", CODE_A]) == 0
    assert main(["--db", db, "answers", "change", str(listed[0]["id"]), "--unit", CODE_B]) == 0
    capsys.readouterr()
    assert main(["--db", db, "answers", "change", str(listed[0]["id"]), "--unit", "91150200MA0N0ZZZ99"]) == 1
    assert "未登记" in capsys.readouterr().err
    assert main(["--db", db, "import", path, *WHOLE]) == 0
    assert "其中按记住的对照 1 行" in capsys.readouterr().out
    assert [r[0] for r in _recognitions(db)] == ["包头市乙机械有限公司"]
    assert main(["--db", db, "answers", "delete", str(listed[0]["id"])]) == 0
    assert f"已删除对照 {listed[0]['id']}" in capsys.readouterr().out
    assert main(["--db", db, "answers", "list", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_bad_whole_list_flags_exit_1_with_the_reason(tmp_path, capsys):
    db = _db(tmp_path)
    path = _list(tmp_path, ["包头市甲稀土有限公司"])
    capsys.readouterr()
    assert main(["--db", db, "import", path, "--type", "高新技术企业", "--date", "2024-13-40"]) == 1
    assert "--date" in capsys.readouterr().err
    assert main(["--db", db, "import", path, "--type", "高薪企业", "--date", "2024-11-08"]) == 1
    assert "无法识别的认定类型“高薪企业”" in capsys.readouterr().err
    assert main(["--db", db, "import", path, "--kind", "recognitions"]) == 1
    assert "缺少必需的列：认定类型、认定日期" in capsys.readouterr().err
    assert _recognitions(db) == []
    assert CODE_A  # the register is the units roster only
