"""Row stamps (``created_at``, ``updated_at``): numbers on SQLite, timestamps elsewhere (issue 20)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlalchemy import select

from kjdesk.store.db import Database
from kjdesk.store.models import Unit
from tests.conftest import make_credit_code


def test_a_stamp_reads_back_to_the_second(database) -> None:
    db = Database.open(database)
    when = datetime(2026, 12, 3, 14, 34, 51, 182822)
    try:
        with db.session() as s:
            s.add(
                Unit(
                    name="包头稀土研究院", credit_code=make_credit_code("91150203MA0N00001"), created_at=when
                )
            )
        with db.session() as s:
            unit = s.scalar(select(Unit))
            sqlite = db.engine.dialect.name == "sqlite"
            assert unit.created_at == (when.replace(microsecond=0) if sqlite else when)  # seconds on SQLite
            assert unit.updated_at >= datetime(2026, 1, 1)
            unit.note = "改过"
        with db.session() as s:
            unit = s.scalar(select(Unit))
            assert unit.updated_at >= unit.created_at and unit.note == "改过"
            if sqlite:
                raw = s.connection().exec_driver_sql("SELECT created_at, typeof(updated_at) FROM units").one()
                assert tuple(raw) == (20261203143451, "integer")  # six bytes, not 26 of text
    finally:
        db.close()


def test_a_stamp_written_as_text_before_still_reads(tmp_path) -> None:
    path = tmp_path / "k.sqlite"
    Database.open(path).close()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO units (name, credit_code, kind, district, size_class, industry, address, contact,"
        " phone, former_names, note, created_at, updated_at) VALUES ('包头旧数据公司', ?, '企业', '', '', '',"
        " '', '', '', '', '', '2024-05-06 07:08:09.123456', '2024-05-06 07:08:09')",
        (make_credit_code("91150203MA0N00002"),),
    )
    con.commit()
    con.close()
    db = Database.open(path)
    try:
        with db.session() as s:
            unit = s.scalar(select(Unit))
            assert unit.created_at == datetime(2024, 5, 6, 7, 8, 9, 123456)
            assert unit.updated_at == datetime(2024, 5, 6, 7, 8, 9)
    finally:
        db.close()
