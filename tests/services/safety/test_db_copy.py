"""``kjdesk db copy``: SQLite → PostgreSQL → SQLite keeps every row, every id and the audit chain."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kjdesk.cli import main
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import initialize
from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.payments import list_payments, record_payment, reverse_payment
from kjdesk.services.safety.audit_log import verify_audit
from kjdesk.services.safety.backups import backup
from kjdesk.services.safety.db_copy import copy_database
from kjdesk.store import transfer
from kjdesk.store.models import AuditEvent
from tests.services.disbursement.disbursement_data import officers, seed_plan


def _filled(path) -> tuple[App, dict]:
    """A 包头 database with units, a batch approved, a payment and its reversal."""
    app = App.open(path, actor="测试员")
    initialize(app, "baotou")
    data, who = seed_plan(app), officers(app)
    iid = data.instalment_ids["c/2025"]
    batch = propose_batch(who["jb1"], 2025, [iid])
    approve_batch(who["fh1"], batch.id)
    paid = record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 2_000_000)
    reverse_payment(who["jb2"], paid.id, "凭证号录错", on=date(2025, 6, 2))
    return app, {"iid": iid, "who": who}


def _counts(app: App) -> dict[str, int]:
    with app.db.engine.connect() as conn:
        return transfer.row_counts(conn)


def test_sqlite_to_postgresql_and_back_keeps_rows_ids_and_the_audit_chain(tmp_path, pg_url):
    src, ctx = _filled(tmp_path / "office.sqlite")
    before, events = _counts(src), _counts(src)["audit_events"]
    src.close()

    result = copy_database(tmp_path / "office.sqlite", pg_url, "管理员甲")
    assert result.rows == before and result.audit_events == events + 1
    pg = App.open(pg_url, actor="测试员")
    assert verify_audit(pg) is None
    after = _counts(pg)
    assert after == {**before, "audit_events": events + 1}
    with pg.db.session() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (last.actor, last.action) == ("管理员甲", "复制数据库") and "office.sqlite" in last.after
    # ids continue after the copied ones on the server (sequences were reset)
    who = {k: App(pg.db, actor=v.actor, role=v.role) for k, v in ctx["who"].items()}
    again = record_payment(who["jb1"], ctx["iid"], date(2025, 7, 1), "记-002", 5_000_000)
    assert again.id == 3 and [p.amount_fen for p in list_payments(pg, ctx["iid"])] == [
        2_000_000,
        -2_000_000,
        5_000_000,
    ]
    with pytest.raises(ServiceError, match="PostgreSQL 数据库请使用数据库服务器自身的备份工具"):
        backup(pg)
    pg.close()

    back = copy_database(pg_url, tmp_path / "back.sqlite", "管理员乙")
    assert back.rows["payments"] == 3 and back.rows["audit_events"] == events + 2
    home = App.open(tmp_path / "back.sqlite")
    assert verify_audit(home) is None
    with home.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events + 3
    assert [p.id for p in list_payments(home, ctx["iid"])] == [1, 2, 3]
    home.close()


def test_a_target_that_is_not_empty_is_refused_and_left_alone(tmp_path, pg_url):
    src, _ = _filled(tmp_path / "a.sqlite")
    src.close()
    copy_database(tmp_path / "a.sqlite", pg_url)
    pg = App.open(pg_url)
    kept = _counts(pg)
    with pytest.raises(ServiceError, match="目标数据库 .* 不是空的"):
        copy_database(tmp_path / "a.sqlite", pg_url)
    assert _counts(pg) == kept
    pg.close()


def test_the_command_copies_to_a_new_file_and_refuses_a_missing_source(tmp_path, capsys, monkeypatch):
    from tests.services.disbursement.disbursement_data import PASSWORD

    src, _ = _filled(tmp_path / "a.sqlite")
    n = sum(_counts(src).values())
    src.close()
    monkeypatch.setenv("KJDESK_PASSWORD", PASSWORD)  # a 管理员 of the source copies it
    assert main(["db", "copy", "--from", str(tmp_path / "a.sqlite"), "--to", str(tmp_path / "b.sqlite")]) == 1
    assert "须以账号登录" in capsys.readouterr().err
    assert (
        main(
            [
                "--user",
                "admin",
                "db",
                "copy",
                "--from",
                str(tmp_path / "a.sqlite"),
                "--to",
                str(tmp_path / "b.sqlite"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"已复制 {n} 行" in out and "审计链校验通过" in out
    assert main(["--db", str(tmp_path / "b.sqlite"), "audit", "verify"]) == 0
    assert (
        main(
            [
                "--user",
                "admin",
                "db",
                "copy",
                "--from",
                str(tmp_path / "nope.sqlite"),
                "--to",
                str(tmp_path / "c.sqlite"),
            ]
        )
        == 1
    )
    assert "源数据库文件" in capsys.readouterr().err and not (tmp_path / "c.sqlite").exists()
    assert (
        main(
            [
                "--user",
                "admin",
                "db",
                "copy",
                "--from",
                str(tmp_path / "a.sqlite"),
                "--to",
                str(tmp_path / "b.sqlite"),
            ]
        )
        == 1
    )
    assert "不是空的" in capsys.readouterr().err
