"""Moving every row of one kjdesk database into another (SQLite ⇄ PostgreSQL).

Tables are copied parent before child (the models' dependency order), each in primary-key
order, with their ids as they were: the audit chain, letter numbers and every reference
stay the same. On PostgreSQL the id sequences are then set past the copied ids.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Integer, func, select, text

from kjdesk.store.models import Base

CHUNK = 500


def tables():  # noqa: ANN201 - list of Table
    """The kjdesk tables, parents first."""
    return list(Base.metadata.sorted_tables)


def row_counts(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables()}


def copy_rows(
    source: Connection, target: Connection, on_table: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every table of ``source`` into the (empty, same-schema) ``target``; rows per table."""
    counts: dict[str, int] = {}
    for table in tables():
        n = 0
        result = source.execute(select(table).order_by(*table.primary_key.columns))
        while chunk := result.fetchmany(CHUNK):
            target.execute(table.insert(), [dict(row._mapping) for row in chunk])
            n += len(chunk)
        counts[table.name] = n
        if on_table is not None:
            on_table(table.name, n)
    if target.dialect.name == "postgresql":
        reset_sequences(target)
    return counts


def reset_sequences(conn: Connection) -> None:
    """PostgreSQL: make each table's next generated id follow the largest copied one."""
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or not pk[0].autoincrement:
            continue
        seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name})
        if seq is None:
            continue
        top = conn.scalar(select(func.max(pk[0])))
        conn.execute(
            text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
            {"s": seq, "v": top or 1, "called": top is not None},
        )
