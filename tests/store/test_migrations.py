import sqlite3
from datetime import date

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select

from kjdesk.store.db import (
    Database,
    NotAKjdeskDatabase,
    SchemaTooNew,
    alembic_config,
    current_revision,
    database_url,
    head_revision,
)
from kjdesk.store.models import Entitlement, Instalment, Recognition, Unit
from tests.conftest import make_credit_code


def test_migration_chain_is_linear():
    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1
    revs = list(script.walk_revisions())
    assert sum(1 for r in revs if r.down_revision is None) == 1


def test_empty_to_head_and_round_trip(database):
    path = database
    db = Database.open(path)
    assert current_revision(db.engine) == head_revision()
    code = make_credit_code("91150203MA0N00001")
    with db.session() as s:
        u = Unit(name="包头稀土研究院", credit_code=code, district="稀土高新区")
        s.add(u)
        s.flush()
        s.add(
            Recognition(
                unit_id=u.id,
                type_id="hte",
                level="国家",
                date=date(2022, 12, 1),
                doc_number="内科发〔2022〕1号",
            )
        )
    db.close()
    db = Database.open(path)
    with db.session() as s:
        u = s.scalar(select(Unit).where(Unit.credit_code == code))
        assert u is not None and u.name == "包头稀土研究院"
        rec = s.scalar(select(Recognition).where(Recognition.unit_id == u.id))
        assert rec.date == date(2022, 12, 1) and rec.status == "有效"
    db.close()


def test_money_above_two_to_the_31_fen_round_trips(database):
    """5 000 万元 is 5 000 000 000 分: BIGINT on PostgreSQL, SQLite's INTEGER holds it already."""
    db = Database.open(database)
    with db.session() as s:
        u = Unit(name="大额单位", credit_code=make_credit_code("91150203MA0N00002"), district="昆都仑区")
        s.add(u)
        s.flush()
        ent = Entitlement(
            key=f"unit:{u.id}|BT-08|x",
            city="baotou",
            clause_id="BT-08",
            status="应享",
            total_fen=5_000_000_000,
            unit_id=u.id,
        )
        ent.instalments.append(Instalment(year=2026, amount_fen=1_000_000_000_00))
        s.add(ent)
    db.close()
    db = Database.open(database)
    with db.session() as s:
        ent = s.scalar(select(Entitlement))
        assert ent.total_fen == 5_000_000_000 and ent.instalments[0].amount_fen == 100_000_000_000
    db.close()


def test_a_plain_postgresql_url_uses_the_psycopg_driver():
    assert (
        database_url("postgresql://kjdesk@db.local/kjdesk") == "postgresql+psycopg://kjdesk@db.local/kjdesk"
    )
    assert database_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"


def test_sqlite_foreign_keys_and_wal(tmp_path):
    db = Database.open(tmp_path / "b.sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.close()


def test_newer_schema_is_refused_and_untouched(tmp_path):
    path = tmp_path / "new.sqlite"
    Database.open(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="更新版本"):
        Database.open(path)
    assert path.read_bytes() == before


def test_foreign_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(NotAKjdeskDatabase):
        Database.open(path)
