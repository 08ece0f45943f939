"""Inserting many rows at once: an import's roster, a recomputation's entitlements.

SQLAlchemy's executemany does real work per row (parameters built, every value through its
type's processor): for 100,000 rows it costs more than SQLite's own inserting. On SQLite
``insert_rows`` hands the driver just what that executemany would — the statement SQLAlchemy
compiles, each value through its column's own bind processor — without the work per row;
a date or a time, repeated down a column, is converted once. Elsewhere (PostgreSQL) it is
SQLAlchemy's executemany, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Integer, Select, Table, insert
from sqlalchemy.orm import Session

_DAYS = ({date}, {datetime})


def plain_rows(session: Session, query: Select) -> list[tuple]:
    """A parameterless SELECT run on the driver's own cursor: plain tuples as the driver gives
    them, no Row objects and no type processing (100,000 rows in a fraction of the time). For
    columns whose Python type is what the driver returns; ids and limits written in as literals."""
    conn = session.connection()
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def insert_rows(session: Session, table: Table, names: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT ``rows``, each a tuple of the values of ``names`` (every column but the id)."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    # every column but an id the database gives; a key that is the row's own text (a subject) is given
    columns = {c.key for c in table.columns if not c.primary_key or not isinstance(c.type, Integer)}
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    order = compiled.positiontup
    direct = (
        dialect.name == "sqlite"
        and len(names) == len(set(names)) == len(columns)
        and set(names) == columns
        and compiled.positional
        and order is not None
        and sorted(order) == sorted(names)
    )
    if not direct:
        session.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    from kjdesk.store.seal import bulk_insert, note_table

    note_table(session, table.name)  # the money seals learn of rows written past the ORM
    where = {name: i for i, name in enumerate(names)}
    by_column = list(zip(*rows, strict=True))
    values = []
    for name in order:  # type: ignore[union-attr]
        column = by_column[where[name]]
        proc = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values.append(column if proc is None else _processed(column, proc))
    with bulk_insert(session, table.name, len(rows)):
        conn.exec_driver_sql(str(compiled), list(zip(*values, strict=True)))


def _processed(values: tuple, proc) -> list:  # noqa: ANN001 - a bind processor
    """``proc`` of each value; a column of dates or of times (which repeat) through a table."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds in _DAYS:  # equal dates (or times) are the same value
        table = {v: proc(v) for v in set(values)}
        return list(map(table.__getitem__, values))
    return [proc(v) for v in values]
