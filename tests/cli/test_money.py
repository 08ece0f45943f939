"""The money commands end to end: accounts, plan, propose/approve by two accounts, pay, reverse, report."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from kjdesk.cli import main
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import initialize
from tests.services.disbursement.disbursement_data import seed_plan


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scripted_plan_approval_payment_and_report(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "k.sqlite")
    app = App.open(db)
    initialize(app, "baotou")
    data = seed_plan(app)
    app.close()
    monkeypatch.setenv("ADMIN_PW", "admin-pass-1")
    monkeypatch.setenv("JB_PW", "jingban-pass-1")
    monkeypatch.setenv("FH_PW", "fuhe-pass-1")

    assert (
        run(
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
    for name, role, var in (("jb", "经办人", "JB_PW"), ("fh", "复核人", "FH_PW")):
        code, out, err = run(
            capsys,
            "--db",
            db,
            "officers",
            "add",
            name,
            "--role",
            role,
            "--new-password-env",
            var,
            "--user",
            "admin",
            "--password-env",
            "ADMIN_PW",
        )
        assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "officers", "list", "--format", "json")
    assert [o["username"] for o in json.loads(out)] == ["admin", "jb", "fh"]
    assert "admin-pass-1" not in out

    code, out, _ = run(capsys, "--db", db, "plan", "--year", "2025", "--format", "json")
    rows = json.loads(out)
    assert sum(r["amount_fen"] for r in rows) == 66_234_567 and {r["state"] for r in rows} == {"planned"}

    iid = data.instalment_ids["c/2025"]
    code, out, err = run(
        capsys,
        "--db",
        db,
        "--user",
        "jb",
        "propose",
        "--year",
        "2025",
        "--ids",
        str(iid),
        "--password-env",
        "JB_PW",
    )
    assert code == 0, err and "批次 1" in out
    code, _, err = run(capsys, "--db", db, "approve", "1", "--user", "jb", "--password-env", "JB_PW")
    assert code == 1 and "无权" in err
    code, _, err = run(capsys, "--db", db, "approve", "1", "--user", "fh", "--password-env", "JB_PW")
    assert code == 1 and "用户名或密码不正确" in err
    code, out, err = run(capsys, "--db", db, "approve", "1", "--user", "fh", "--password-env", "FH_PW")
    assert code == 0, err

    pay = (
        "--db",
        db,
        "pay",
        str(iid),
        "--date",
        "2025-06-01",
        "--voucher",
        "记-001",
        "--user",
        "jb",
        "--password-env",
        "JB_PW",
    )
    code, _, err = run(capsys, *pay, "--amount-yuan", "50001")
    assert code == 1 and "超过" in err
    code, out, err = run(capsys, *pay, "--amount-yuan", "2万")
    assert code == 0 and "20,000.00 元" in out
    code, out, _ = run(
        capsys, "--db", db, "reverse", "1", "--reason", "金额录错", "--user", "jb", "--password-env", "JB_PW"
    )
    assert code == 0
    code, out, _ = run(capsys, "--db", db, "payments", "--format", "json")
    assert [p["amount_yuan"] for p in json.loads(out)] == ["20,000.00", "-20,000.00"]

    code, _, err = run(
        capsys, "--db", db, "pay", str(iid), "--date", "2025-06-01", "--voucher", "x", "--amount-yuan", "1"
    )
    assert code == 1 and "--user" in err

    xlsx = tmp_path / "明细.xlsx"
    code, out, err = run(capsys, "--db", db, "report", "disbursement", "--year", "2025", "-o", str(xlsx))
    assert code == 0, err
    assert "合计 662,345.67 元" in out
    ws = load_workbook(xlsx).active
    total = next(r for r in ws.iter_rows(values_only=True) if r[1] == "合计")
    assert round(total[6] * 100) == 66_234_567  # 元 to the 分
    texts = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert "本年金额合计（大写）：人民币陆拾陆万贰仟叁佰肆拾伍元陆角柒分" in texts


def test_receipt_due_date_and_unknown_year(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "k.sqlite")
    app = App.open(db)
    initialize(app, "baotou")
    app.close()
    monkeypatch.setenv("PW", "admin-pass-1")
    run(capsys, "--db", db, "officers", "add", "admin", "--role", "管理员", "--new-password-env", "PW")
    acct = ("--user", "admin", "--password-env", "PW")
    code, out, err = run(
        capsys,
        "--db",
        db,
        "receipts",
        "add",
        "--date",
        "2025-09-26",
        "--amount-yuan",
        "100万",
        "--doc",
        "内财教〔2025〕88号",
        *acct,
    )
    assert code == 0, err and "2025-11-13" in out
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "receipts",
        "add",
        "--date",
        "2027-03-01",
        "--amount-yuan",
        "1",
        "--doc",
        "X",
        *acct,
    )
    assert code == 0 and "2027 年的法定节假日安排尚未录入" in out
    code, out, _ = run(
        capsys, "--db", db, "calendar", "confirm", "2027", "--source", "国办发明电〔2026〕X号", *acct
    )
    assert "补算了 1 个" in out
    code, out, _ = run(capsys, "--db", db, "receipts", "list", "--format", "json")
    assert [r["due"] for r in json.loads(out)] == ["2025-11-13", "2027-04-12"]


def test_batches_and_payments_name_people_not_logins(tmp_path, capsys, monkeypatch):
    """Issue 18: where a person is meant the table shows the officer's name; JSON keeps the login for scripts."""
    db = str(tmp_path / "k.sqlite")
    app = App.open(db)
    initialize(app, "baotou")
    seed_plan(app)
    app.close()
    monkeypatch.setenv("ADMIN_PW", "admin-pass-1")
    monkeypatch.setenv("JB_PW", "jingban-pass-1")
    admin = (
        "officers",
        "add",
        "admin",
        "--role",
        "管理员",
        "--name",
        "李管理",
        "--new-password-env",
        "ADMIN_PW",
    )
    assert run(capsys, "--db", db, *admin)[0] == 0
    maker = ("officers", "add", "jb", "--role", "经办人", "--name", "王建波", "--new-password-env", "JB_PW")
    assert run(capsys, "--db", db, *maker, "--user", "admin", "--password-env", "ADMIN_PW")[0] == 0
    code, _, err = run(
        capsys, "--db", db, "propose", "--year", "2025", "--all", "--user", "jb", "--password-env", "JB_PW"
    )
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "batches")
    assert code == 0 and "王建波" in out
    code, out, _ = run(capsys, "--db", db, "batches", "--format", "json")
    row = json.loads(out)[0]
    assert (row["proposed_by"], row["proposed_by_name"]) == ("jb", "王建波")
