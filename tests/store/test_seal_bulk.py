"""The bulk proof of the seals (store/seal.py ``all_sound``): SQLite's ``json_array`` writes the
sealed content byte for byte as Python does, and whatever the bulk proof cannot prove is named
by the row-by-row check exactly as before (tampering of every kind, REAL values, BLOBs)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.payments import record_payment
from kjdesk.store import seal
from tests.services.disbursement.disbursement_data import officers, seed_plan

pytestmark = pytest.mark.sqlite_only

CONTROL = "".join(chr(c) for c in range(0x20))
TEXTS = [
    "",
    "青山智造股份有限公司",
    'a "quoted" word',
    "back\\slash \\n not a newline \\u0041",
    CONTROL,
    "tab\tline\nreturn\rfeed\fback\b",
    "del \x7f, nbsp \xa0, line sep \u2028 \u2029, bom \ufeff",
    "astral 𠀀 😀 and combining e\u0301",
    "</script> / slash",
    "2025-06-01",
    "2025-06-01 08:30:00.000000",
    "null",
    "0",
    "[1,2]",
    "x" * 5000,
]
INTEGERS = [0, 1, -1, 2**31, -(2**31), 2**53 + 1, 2**63 - 1, -(2**63), 1_000_000_00]


def _both(values: list) -> tuple[str, str]:
    con = sqlite3.connect(":memory:")
    try:
        marks = ",".join("?" * len(values))
        made = con.execute(f"SELECT json_array({marks})", values).fetchone()[0]
    finally:
        con.close()
    return made, seal.content_of(values)


@pytest.mark.parametrize("text", TEXTS)
def test_json_array_writes_text_as_python_does(text):
    made, python = _both([text, None, text])
    assert made == python


def test_json_array_writes_integers_null_and_booleans_as_python_does():
    made, python = _both([*INTEGERS, None, 0, 1])
    assert made == python
    assert _both([True, False])[0] == seal.content_of([True, False]) == "[1,0]"


def test_json_array_writes_stored_columns_as_python_reads_them(tmp_path):
    """Through a table (declared types, affinity): what current_rows reads raw, encoded in Python."""
    path = tmp_path / "t.sqlite"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, s VARCHAR(200), n INTEGER, d DATETIME, b BOOLEAN, x TEXT)"
    )
    rows = [
        (i, TEXTS[i % len(TEXTS)], INTEGERS[i % len(INTEGERS)], f"2025-01-0{i % 9 + 1} 00:00:00", i % 2, None)
        for i in range(1, 60)
    ]
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    made = con.execute("SELECT json_array(s, n, d, b, x) FROM t ORDER BY id").fetchall()
    raw = con.execute("SELECT s, n, d, b, x FROM t ORDER BY id").fetchall()
    con.close()
    assert [m for (m,) in made] == [seal.content_of(r) for r in raw]


def test_a_real_is_written_otherwise_so_it_is_never_proved_in_bulk():
    """Why a REAL leaves its table to the row-by-row check: SQLite writes 15 digits."""
    made, python = _both([0.1 + 0.2])
    assert (made, python) == ("[0.3]", "[0.30000000000000004]")
    assert not seal._may_hold_real("VARCHAR(40)") and not seal._may_hold_real("TEXT")
    assert all(seal._may_hold_real(t) for t in ("INTEGER", "DATETIME", "BOOLEAN", "NUMERIC", "", "CHARINT"))


@pytest.fixture
def sealed(app, db_path):
    """Entitlements, instalments, a batch, a payment and officers, all sealed by the program."""
    data = seed_plan(app)
    who = officers(app)
    iid = data.instalment_ids["c/2025"]
    approve_batch(who["fh1"], propose_batch(who["jb1"], 2025, [iid]).id)
    record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 1_000_000)
    return data


def _sql(db_path, *statements: tuple) -> None:
    con = sqlite3.connect(db_path)
    for statement, *params in statements:
        con.execute(statement, params)
    con.commit()
    con.close()


def _answers(app) -> tuple[bool, list, list]:
    with app.db.session() as s:
        conn = s.connection()
        return seal.all_sound(conn), seal.check(conn), seal.check_each(conn)


def test_a_sound_database_is_proved_in_bulk_in_any_slices(app, sealed, monkeypatch):
    assert _answers(app) == (True, [], [])
    monkeypatch.setattr(seal, "PROOF_CHUNK", 2)  # many slices of keys
    assert _answers(app) == (True, [], [])


TAMPERING = {
    "an entitlement amount": [("UPDATE entitlements SET total_fen = total_fen + 1 WHERE id = 1",)],
    "an entitlement subject": [("UPDATE entitlements SET payee_unit_id = NULL WHERE id = 2",)],
    "an instalment state": [("UPDATE instalments SET state = 'approved' WHERE id = 1",)],
    "a payment's voucher": [("UPDATE payments SET voucher_no = '记-002'",)],
    "an officer's role": [("UPDATE officers SET role = '管理员' WHERE username = 'jb1'",)],
    "an instalment deleted": [("DELETE FROM instalments WHERE id = 2",)],
    "an instalment inserted": [
        (
            "INSERT INTO instalments (entitlement_id, year, amount_fen, state, cancelled_reason, review_note,"
            " approved_by, cancelled_by, created_at, updated_at)"
            " VALUES (1, 2031, 5, 'planned', '', '', '', '', '2025-01-01', '2025-01-01')",
        )
    ],
    "a seal deleted": [("DELETE FROM money_seals WHERE tbl = 'entitlements' AND row_id = 1",)],
    "a seal rewritten to match": [
        ("UPDATE instalments SET amount_fen = 7 WHERE id = 1",),
        (
            "UPDATE money_seals SET content = (SELECT json_array(entitlement_id, year, amount_fen, state,"
            " cancelled_reason, pending_amount_fen, batch_id, approved_by, approved_at, cancelled_by)"
            " FROM instalments WHERE id = 1) WHERE tbl = 'instalments' AND row_id = 1",
        ),
    ],
    # the digests of two entitlements exchanged: every digest still there, the ledger still right
    "two entitlement seals exchanged": [
        ("UPDATE money_seals SET row_id = -1 WHERE tbl = 'entitlements' AND row_id = 1",),
        ("UPDATE money_seals SET row_id = 1 WHERE tbl = 'entitlements' AND row_id = 2",),
        ("UPDATE money_seals SET row_id = 2 WHERE tbl = 'entitlements' AND row_id = -1",),
    ],
    "a seal moved to a row that is not there": [
        ("UPDATE money_seals SET row_id = 99 WHERE tbl = 'payments' AND row_id = 1",),
    ],
    "a stored digest cut short": [
        ("UPDATE money_seals SET digest = substr(digest, 1, 31) WHERE tbl = 'entitlements' AND row_id = 1",)
    ],
    "a stored digest removed": [
        ("UPDATE money_seals SET digest = NULL WHERE tbl = 'entitlements' AND row_id = 3",)
    ],
    "a seal content emptied": [
        ("UPDATE money_seals SET content = '' WHERE tbl = 'instalments' AND row_id = 1",)
    ],
    "an amount made a REAL": [("UPDATE instalments SET amount_fen = amount_fen + 0.5 WHERE id = 1",)],
    "two infinities (their sum is NULL)": [
        ("UPDATE instalments SET amount_fen = 9e999, pending_amount_fen = -9e999 WHERE id = 1",)
    ],
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_tampering_is_not_proved_and_named_as_row_by_row(app, db_path, sealed, what, monkeypatch):
    _sql(db_path, *TAMPERING[what])
    for chunk in (seal.PROOF_CHUNK, 2):
        monkeypatch.setattr(seal, "PROOF_CHUNK", chunk)
        sound, found, each = _answers(app)
        assert not sound
        assert found == each and found, what


def test_a_real_sealed_by_the_program_is_checked_row_by_row(app, db_path, sealed):
    """A REAL sealed (which the program does not write) is never proved in bulk: the edit of
    0.3 into 0.30000000000000004, which SQLite would write the same, is named."""
    with app.db.session() as s:
        s.connection().exec_driver_sql(
            "INSERT INTO fund_receipts (received_on, amount_fen, doc_number, stage, note, created_at, updated_at)"
            " VALUES ('2025-01-01', 0.3, '内-1', '市财政', '', '2025-01-01', '2025-01-01')"
        )
        s.commit()
    assert _answers(app) == (False, [], [])
    _sql(db_path, ("UPDATE fund_receipts SET amount_fen = 0.1 + 0.2",))
    sound, found, each = _answers(app)
    assert not sound and found == each
    assert [(p.kind, p.table, p.recorded[1], p.current[1]) for p in found] == [
        ("changed", "fund_receipts", 0.3, 0.30000000000000004)
    ]


def test_a_blob_in_a_sealed_column_is_not_proved(app, db_path, sealed):
    _sql(db_path, ("UPDATE payments SET voucher_no = x'e8aeb0'",))
    with app.db.session() as s:
        assert not seal.all_sound(s.connection())


def test_seals_kept_as_digests_in_a_table_keeping_contents_are_proved_too(app, db_path, sealed, monkeypatch):
    """A seal of an instalment without content, its digest stored (as an entitlement's are): the
    bulk proof compares the digest there and the content elsewhere, as the row-by-row check does."""
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT row_id, content FROM money_seals WHERE tbl = 'instalments' AND row_id % 2 = 1"
    ).fetchall()
    con.executemany(
        "UPDATE money_seals SET content = '', digest = ? WHERE tbl = 'instalments' AND row_id = ?",
        [(seal.digest_bytes("instalments", rid, content), rid) for rid, content in rows],
    )
    con.commit()
    con.close()
    assert rows
    for chunk in (seal.PROOF_CHUNK, 2):
        monkeypatch.setattr(seal, "PROOF_CHUNK", chunk)
        assert _answers(app) == (True, [], [])
    rid = rows[0][0]
    _sql(db_path, ("UPDATE instalments SET amount_fen = amount_fen + 1 WHERE id = ?", rid))
    sound, found, each = _answers(app)
    assert not sound and found == each
    assert [(p.kind, p.table, p.row_id, p.recorded) for p in found] == [("changed", "instalments", rid, None)]


def _python_contents(conn, table: str) -> dict[int, str]:
    raw = conn.connection.dbapi_connection
    cols = ", ".join(f'"{c}"' for c in (seal.key_of(table), *seal.SEALED[table]))
    return {r[0]: seal.content_of(r[1:]) for r in raw.execute(f'SELECT {cols} FROM "{table}"')}  # noqa: S608


def test_a_whole_table_read_for_sealing_is_the_content_python_writes(app, db_path, sealed):
    """Sealing a recomputation's many rows reads the table whole, its contents written by SQLite:
    the same text as ``content_of``; a REAL anywhere in the table: read as before."""
    with app.db.session() as s:
        conn = s.connection()
        for table in seal.SEALED:
            made = seal.current_rows(conn, table)
            assert made == _python_contents(conn, table), table
        assert seal._contents_in_sql(conn.connection.dbapi_connection, "instalments") is not None
    _sql(db_path, ("UPDATE instalments SET pending_amount_fen = 0.5 WHERE id = 1",))
    with app.db.session() as s:
        conn = s.connection()
        assert seal._contents_in_sql(conn.connection.dbapi_connection, "instalments") is None
        assert seal.current_rows(conn, "instalments") == _python_contents(conn, "instalments")
