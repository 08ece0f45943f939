import json

from kjdesk import __version__
from kjdesk.cli import main
from kjdesk.services.core.app import App
from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit
from tests.conftest import make_credit_code, make_id_number


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


def test_init_then_units_list_json_masked(tmp_path, capsys):
    db = str(tmp_path / "c.sqlite")
    assert main(["--db", db, "init", "--city", "wuhai"]) == 0
    a = App.open(db)
    unit = add_unit(
        a, UnitInput(name="乌海化工", credit_code=make_credit_code("91150300MA0N00002"), district="乌达区")
    )
    number = make_id_number("15030219800101123")
    add_person(a, PersonInput(name="李四", id_number=number, employer_unit_id=unit.id))
    a.close()
    capsys.readouterr()
    assert main(["--db", db, "units", "list", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["name"] == "乌海化工" and data[0]["district"] == "乌达区"
    assert main(["--db", db, "people", "list", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert number not in out and number[-4:] in out


def test_user_error_exit_1_in_chinese(tmp_path, capsys):
    db = str(tmp_path / "d.sqlite")
    assert main(["--db", db, "init", "--city", "baotou"]) == 0
    assert main(["--db", db, "init", "--city", "wuhai"]) == 1
    assert "不能改为乌海市" in capsys.readouterr().err
