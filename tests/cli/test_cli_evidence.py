"""kjdesk recognitions missing / evidence: register one 证明材料 for many records from the command line."""

from __future__ import annotations

import json

from kjdesk.cli import main
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import initialize
from kjdesk.store.models import Recognition
from tests.cli.conftest import add_officers
from tests.services.disbursement.disbursement_data import PASSWORD, officers, seed_plan


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own refusals exit from parse_args
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_missing_then_evidence_for_all_missing_of_a_year(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "k.sqlite")
    app = App.open(db)
    initialize(app, "baotou")
    data = seed_plan(app)
    officers(app)
    app.close()
    monkeypatch.setenv("KJDESK_PASSWORD", PASSWORD)
    b = data.recognition_ids["b-hte"]

    code, out, err = run(capsys, "--db", db, "recognitions", "missing", "--year", "2025", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["recognition_id"], r["lacks"], r["clause"]) for r in rows] == [
        (b, "认定文号和证明材料", "（六）国家高新技术企业认定")
    ]

    # a database with accounts: the command needs one
    code, out, err = run(capsys, "--db", db, "recognitions", "evidence", "--all-missing", "--text", "存档")
    assert code == 1 and "--user" in err

    code, out, err = run(
        capsys, "--db", db, "recognitions", "evidence", "--all-missing", "--year", "2025",
        "--text", "认定文件及证书复印件已存档", "--doc", "内科发〔2025〕20号", "--user", "jb1",
    )  # fmt: skip
    assert code == 0, err
    assert "已为 1 条认定记录登记证明材料" in out
    app = App.open(db)
    with app.db.session() as s:
        rec = s.get(Recognition, b)
        assert (rec.evidence, rec.doc_number) == ("认定文件及证书复印件已存档", "内科发〔2025〕20号")
    app.close()
    code, out, err = run(capsys, "--db", db, "recognitions", "missing", "--year", "2025")
    assert code == 0 and "（无记录）" in out


def test_evidence_by_ids_and_its_mistakes_in_chinese(tmp_path, capsys):
    db = str(tmp_path / "k.sqlite")
    app = App.open(db)
    initialize(app, "baotou")
    data = seed_plan(app)
    app.close()
    add_officers(db)  # the first 管理员; the password is in KJDESK_PASSWORD (tests/cli/conftest.py)
    a, b = data.recognition_ids["a-hte"], data.recognition_ids["b-hte"]
    code, out, err = run(
        capsys,
        "--db",
        db,
        "--user",
        "admin",
        "recognitions",
        "evidence",
        "--ids",
        f"{a},{b}",
        "--text",
        "存档盒 7",
    )
    assert code == 0, err
    assert "已为 1 条认定记录登记证明材料，1 条已有证明材料未改动" in out
    code, out, err = run(
        capsys, "--db", db, "--user", "admin", "recognitions", "evidence", "--ids", "x", "--text", "t"
    )
    assert code == 1 and "编号“x”应写作 1,2,3" in err
    code, out, err = run(
        capsys, "--db", db, "--user", "admin", "recognitions", "evidence", "--ids", "999", "--text", "t"
    )
    assert code == 1 and "认定记录（编号 999）不存在" in err
    code, out, err = run(capsys, "--db", db, "--user", "admin", "recognitions", "evidence", "--ids", str(a))
    assert code == 1 and "--text" in err
