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
    head_revision,
)
from kjdesk.store.models import Recognition, Unit
from tests.conftest import make_credit_code


def test_migration_chain_is_linear():
    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1
    revs = list(script.walk_revisions())
    assert sum(1 for r in revs if r.down_revision is None) == 1


def test_empty_to_head_and_round_trip(tmp_path):
    path = tmp_path / "a.sqlite"
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
