import json
from datetime import date

from kjdesk.cli import main
from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import App
from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from tests.conftest import make_credit_code, make_id_number

CODE = make_credit_code("91150203MA0N00001")


def _db(tmp_path):
    db = str(tmp_path / "e.sqlite")
    assert main(["--db", db, "init", "--city", "baotou"]) == 0
    from tests.cli.conftest import add_officers

    add_officers(db)
    app = App.open(db)
    unit = add_unit(app, UnitInput(name="包头稀土科技公司", credit_code=CODE, district="稀土高新区"))
    add_recognition(
        app,
        RecognitionInput(SubjectKind.UNIT, unit.id, "hte", "国家", date(2022, 12, 1), "国科火字〔2022〕1号"),
    )
    number = make_id_number("15020319800101123")
    person = add_person(
        app, PersonInput(name="王五", id_number=number, employer_unit_id=unit.id, role="科技特派员")
    )
    add_recognition(
        app,
        RecognitionInput(
            SubjectKind.PERSON,
            person.id,
            "agri_commissioner",
            "市级",
            date(2023, 6, 1),
            "包科发〔2023〕8号",
            stage="优秀",
        ),
    )
    app.close()
    return db, number


def test_entitlements_json_has_the_documented_fields(tmp_path, capsys):
    db, number = _db(tmp_path)
    capsys.readouterr()
    assert main(["--db", db, "entitlements", "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = {row["clause_id"]: row for row in json.loads(out)}
    hte = data["BT-06-hte-cert"]
    assert hte["unit_name"] == "包头稀土科技公司" and hte["credit_code"] == CODE
    assert (hte["year"], hte["amount_fen"], hte["status"]) == (2022, 30_000_000, "应享")
    assert "认定为国家高新技术企业，给予30万元后补助资金支持" in hte["explanation"]
    agri = data["BT-17-agri-commissioner"]
    assert agri["person_id_masked"] == number[:6] + "********" + number[-4:]
    assert agri["amount_fen"] == 20_000_000
    assert number not in out


def test_entitlements_year_filter_and_table_total(tmp_path, capsys):
    db, _ = _db(tmp_path)
    capsys.readouterr()
    assert main(["--db", db, "entitlements", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "（十七）包头市优秀农业科技特派员" in out and "（六）国家高新技术企业认定" not in out
    assert "BT-" not in out  # words, not catalog ids
    assert "金额 200,000.00 元" in out


def test_policy_show_and_unknown_clause(capsys):
    assert main(["policy", "show", "BT-08-nkl"]) == 0
    out = capsys.readouterr().out
    assert "每年分别给予 1000 万元资金支持，连续支持 5 年" in out and "包党发〔2021〕24号" in out
    assert main(["policy", "show", "BT-99"]) == 1
    assert "找不到条款" in capsys.readouterr().err


def test_policy_check_reports_line(tmp_path, capsys):
    from kjdesk.resources import resource_path

    text = resource_path("policies", "baotou-2021.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('form = "ONE_TIME"', 'form = "ONCE"', 1), encoding="utf-8")
    line = next(
        i for i, ln in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if 'form = "ONCE"' in ln
    )
    assert main(["policy", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"bad.toml:{line}:" in err and "ONCE" in err


def test_recompute_skips_unchanged_subjects_unless_forced(tmp_path, capsys):
    from sqlalchemy import select, update

    from kjdesk.store.models import Entitlement, Instalment

    db, _ = _db(tmp_path)
    capsys.readouterr()
    assert main(["--db", db, "--user", "admin", "entitlements", "--recompute", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "重新计算完成：2 个对象" in captured.err and json.loads(captured.out)
    app = App.open(db)
    with app.db.session() as s:  # a stored total changed behind the program's back
        s.execute(
            update(Instalment)
            .where(
                Instalment.entitlement_id.in_(
                    select(Entitlement.id).where(Entitlement.clause_id == "BT-06-hte-cert")
                )
            )
            .values(amount_fen=1)
        )
    app.close()
    assert main(["--db", db, "--user", "admin", "entitlements", "--recompute", "--format", "json"]) == 0
    assert "其中 2 个对象的记录自上次计算后未变化" in capsys.readouterr().err
    assert (
        main(["--db", db, "--user", "admin", "entitlements", "--recompute", "--force", "--format", "json"])
        == 0
    )
    captured = capsys.readouterr()
    assert "变更 1 条" in captured.err and "结果沿用" not in captured.err
    hte = next(r for r in json.loads(captured.out) if r["clause_id"] == "BT-06-hte-cert")
    assert hte["amount_fen"] == 30_000_000


def test_force_alone_is_refused(tmp_path, capsys):
    db, _ = _db(tmp_path)
    capsys.readouterr()
    assert main(["--db", db, "entitlements", "--force"]) != 0
    assert "--force 须与 --recompute 同用" in capsys.readouterr().err
