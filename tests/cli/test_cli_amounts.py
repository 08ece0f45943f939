"""乌海's decided amounts from the command line: decisions, amounts (one and a batch), budget, pending."""

from __future__ import annotations

import json
from datetime import date

from openpyxl import load_workbook

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import initialize
from kjdesk.services.register import PlatformInput, UnitInput, add_platform, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from tests.cli.conftest import signed_main as main
from tests.conftest import make_credit_code


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def raw_run(capsys, *argv: str) -> tuple[int, str, str]:
    """The command line exactly as typed: nobody signed in unless the arguments say so."""
    from kjdesk.cli import main as typed

    code = typed(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def seed(db: str) -> None:
    app = App.open(db)
    initialize(app, "wuhai")
    a = add_unit(
        app,
        UnitInput(name="乌海化工", credit_code=make_credit_code("91150300MA0N00001"), district="海勃湾区"),
    )
    b = add_unit(
        app, UnitInput(name="乌达新材", credit_code=make_credit_code("91150300MA0N00002"), district="乌达区")
    )
    lab = add_platform(app, PlatformInput("自治区煤化工重点实验室", "kl", "自治区", a.id))
    add_recognition(
        app,
        RecognitionInput(SubjectKind.PLATFORM, lab.id, "kl", "自治区", date(2023, 5, 1), "内科发〔2023〕5号"),
    )
    for unit, day in ((a, date(2024, 11, 1)), (b, date(2024, 12, 2))):
        add_recognition(
            app,
            RecognitionInput(SubjectKind.UNIT, unit.id, "hte", "国家", day, f"国科火字〔2024〕{unit.id}号"),
        )
    app.close()


def entitlements(capsys, db: str, *extra: str) -> list[dict]:
    code, out, err = run(capsys, "--db", db, "entitlements", "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_decisions_amounts_budget_and_pending_from_the_command_line(tmp_path, capsys):
    db = str(tmp_path / "wh.sqlite")
    seed(db)
    rows = entitlements(capsys, db)
    assert all("entitlement_id" in r and "instalment_id" in r for r in rows)
    waiting = {r["clause_id"]: r for r in rows if r["status"] == "待录入金额"}
    assert waiting["WH-07-r-kl"]["year"] == 2023 and waiting["WH-07-r-kl"]["instalment_id"] is None

    code, out, err = run(
        capsys, "--db", db, "report", "pending", "--year", "2024", "-o", str(tmp_path / "p.xlsx")
    )
    assert code == 0, err
    data = [
        r
        for r in load_workbook(tmp_path / "p.xlsx").active.iter_rows(values_only=True)
        if isinstance(r[0], int)
    ]
    assert sorted(r[3] for r in data) == ["乌海化工", "乌达新材"]

    code, out, err = run(
        capsys,
        "--db",
        db,
        "decisions",
        "add",
        "--number",
        "纪要〔2026〕3号",
        "--date",
        "2026-03-10",
        "--title",
        "2026年第一批科技政策兑现",
    )
    assert code == 0, err and "局务会 纪要〔2026〕3号" in out
    code, out, _ = run(capsys, "--db", db, "decisions", "list", "--format", "json")
    assert [d["number"] for d in json.loads(out)] == ["纪要〔2026〕3号"]

    code, _out, err = run(
        capsys,
        "--db",
        db,
        "amounts",
        "enter",
        "--entitlement",
        str(waiting["WH-07-r-kl"]["entitlement_id"]),
        "--year",
        "2026",
        "--amount-yuan",
        "30万",
        "--decision",
        "纪要〔2026〕9号",
    )
    assert code == 1 and "没有编号为“纪要〔2026〕9号”的决定" in err
    code, out, err = run(
        capsys,
        "--db",
        db,
        "amounts",
        "enter",
        "--entitlement",
        str(waiting["WH-07-r-kl"]["entitlement_id"]),
        "--year",
        "2026",
        "--amount-yuan",
        "30万",
        "--decision",
        "纪要〔2026〕3号",
    )
    assert code == 0, err
    code, out, err = run(
        capsys,
        "--db",
        db,
        "amounts",
        "enter",
        "--clause",
        "WH-11-hte",
        "--waiting-year",
        "2024",
        "--year",
        "2026",
        "--amount-yuan",
        "100000",
        "--decision",
        "纪要〔2026〕3号",
    )
    assert code == 0, err and "已录入 2 笔" in out and "合计 200,000.00 元" in out

    plan = json.loads(run(capsys, "--db", db, "plan", "--year", "2026", "--format", "json")[1])
    assert sorted((r["clause_id"], r["amount_fen"]) for r in plan) == [
        ("WH-07-r-kl", 30_000_000),
        ("WH-11-hte", 10_000_000),
        ("WH-11-hte", 10_000_000),
    ]
    assert run(capsys, "--db", db, "plan", "--year", "2023", "--format", "json")[1].strip() == "[]"
    rows = entitlements(capsys, db, "--year", "2026")
    assert {r["basis"] for r in rows} == {"局务会 纪要〔2026〕3号《2026年第一批科技政策兑现》"}
    assert all(r["instalment_id"] for r in rows)

    code, out, err = run(capsys, "--db", db, "budget", "set", "--year", "2026", "--amount-yuan", "35万")
    assert code == 0, err and "预算上限 35.00 万元" in out and "已列计划 50.00 万元（计划已超出上限）" in out
    code, out, err = run(capsys, "--db", db, "propose", "--year", "2026", "--all")
    assert code == 1  # beyond the ceiling: needs a reason (and, without accounts, a signed-in user)
    code, out, err = run(
        capsys, "--db", db, "report", "summary", "--year", "2026", "-o", str(tmp_path / "s.xlsx")
    )
    assert code == 0, err
    notes = [c for r in load_workbook(tmp_path / "s.xlsx").active.iter_rows(values_only=True) for c in r if c]
    assert any("预算上限 35.00 万元" in str(c) for c in notes)


def test_writing_commands_need_the_signed_in_officer_once_accounts_exist(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "wh.sqlite")
    seed(db)
    monkeypatch.setenv("ADMIN_PW", "admin-pass-1")
    monkeypatch.setenv("JB_PW", "jingban-pass-1")
    assert (
        raw_run(
            capsys,
            "--db",
            db,
            "officers",
            "add",
            "admin",
            "--role",
            "管理员",
            "--new-password-env",
            "ADMIN_PW",
        )[0]
        == 0
    )
    code, _out, err = raw_run(
        capsys,
        "--db",
        db,
        "decisions",
        "add",
        "--number",
        "纪要〔2026〕1号",
        "--date",
        "2026-01-05",
        "--title",
        "兑现",
    )
    assert code == 1 and "--user" in err
    code, out, err = raw_run(
        capsys,
        "--db",
        db,
        "--user",
        "admin",
        "decisions",
        "add",
        "--number",
        "纪要〔2026〕1号",
        "--date",
        "2026-01-05",
        "--title",
        "兑现",
        "--password-env",
        "ADMIN_PW",
    )
    assert code == 0, err
    code, _out, err = raw_run(capsys, "--db", db, "budget", "set", "--year", "2026", "--amount-yuan", "100万")
    assert code == 1 and "--user" in err


def test_a_yearly_standard_entered_for_earlier_recognitions(tmp_path, capsys):
    from kjdesk.services.disbursement.plan import year_plan
    from kjdesk.services.entitlements.entered import set_standard

    db = str(tmp_path / "wh.sqlite")
    seed(db)
    app = App.open(db)
    set_standard(app, "WH-11-hte", 2026, 8_000_000, "乌科发〔2026〕1号")
    app.close()
    code, _out, err = run(
        capsys, "--db", db, "amounts", "enter", "--clause", "WH-11-hte", "--year", "2025", "--standard"
    )
    assert code == 1 and "没有 2025 年度标准" in err
    code, out, err = run(
        capsys, "--db", db, "amounts", "enter", "--clause", "WH-11-hte", "--year", "2026", "--standard"
    )
    assert code == 0, err and "已录入 2 笔" in out
    app = App.open(db)
    plan = year_plan(app, 2026)
    app.close()
    assert plan.total_fen == 16_000_000 and {r.basis for r in plan.rows} == {
        "2026 年度标准（乌科发〔2026〕1号）"
    }
