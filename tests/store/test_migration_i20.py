"""Migrations i20a–i20d on databases built by the release before them (issue 20).

``tests/data/release_i22/*.sqlite.gz``: the 包头 and 乌海 demo databases as kjdesk f17d7e1
(schema i22) built them — entitlements with their whole explanations, instalments, batches,
payments, letters, every money row sealed with its content. Opened by this release they are
backed up, converted and compacted; every explanation reads the same, byte for byte, the
audit chain and the seals still verify, and the letters are the same files.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kjdesk.services.core.app import App
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.safety.audit_log import verify_audit
from kjdesk.store.backup import backups_dir
from kjdesk.store.db import current_revision, head_revision
from kjdesk.store.models import ClauseTexts, Entitlement, ExplanationShape

DATA = Path(__file__).resolve().parent.parent / "data" / "release_i22"

pytestmark = pytest.mark.sqlite_only


def _release_copy(tmp_path: Path, city: str) -> Path:
    path = tmp_path / f"{city}.sqlite"
    with gzip.open(DATA / f"release-{city}.sqlite.gz", "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def _raw(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("city", ["baotou", "wuhai"])
def test_a_release_database_converts_and_reads_the_same(tmp_path, city) -> None:
    path = _release_copy(tmp_path, city)
    assert _raw(path, "SELECT version_num FROM alembic_version") == [("i22",)]
    before = dict(_raw(path, "SELECT id, explanation FROM entitlements"))
    letters = dict(_raw(path, "SELECT number, sha256 FROM letters"))
    entitlement_seals = _raw(path, "SELECT count(*) FROM money_seals WHERE tbl = 'entitlements'")[0][0]
    assert len(before) > 100 and letters and entitlement_seals == len(before)
    size_before = path.stat().st_size
    stamps = _raw(path, "SELECT id, created_at, updated_at FROM units ORDER BY id")
    assert all(isinstance(c, str) for _i, c, _u in stamps)

    app = App.open(path, actor="测试")
    try:
        assert current_revision(app.db.engine) == head_revision()
        assert list(backups_dir(path).glob("*")), "backed up before the migration"
        with app.db.session() as s:
            ents = s.scalars(select(Entitlement)).all()
            assert {e.id: e.explanation for e in ents} == before  # byte for byte
            split = [e for e in ents if e.texts_id is not None]
            assert len(split) >= 0.9 * len(ents)  # the clause's lines are stored once
            assert all(len(e.explanation_body) < len(e.explanation) for e in split)
            # i20c: every entitlement keeps its figures only, the words once per shape
            assert all(e.shape_id is not None for e in ents)
            assert not any(ch > "\u2e80" for e in ents for ch in e.explanation_body)
            shapes = s.scalar(select(func.count()).select_from(ExplanationShape))
            assert 0 < shapes < len(ents) / 2
            versions = s.scalars(select(func.count(func.distinct(ClauseTexts.catalog_version)))).one()
            assert versions == 1
        shown = {ln.entitlement_id: ln.explanation for ln in list_entitlements(app)}
        assert shown == {k: v for k, v in before.items() if k in shown} and len(shown) == len(before)
        assert verify_audit(app) is None  # the chain, and every money row against its seal
    finally:
        app.close()
    # entitlement seals keep the digest only; the others their content
    rows = _raw(path, "SELECT tbl, content = '', digest IS NULL FROM money_seals")
    assert {(t, empty, nodigest) for t, empty, nodigest in rows} == {
        (t, t == "entitlements", t != "entitlements") for t, *_ in rows
    }
    # i20d: the row stamps are numbers, to the second; the indexes of optional columns partial
    as_numbers = _raw(path, "SELECT id, created_at, updated_at FROM units ORDER BY id")
    assert as_numbers == [
        (i, int(re.sub(r"\D", "", c[:19])), int(re.sub(r"\D", "", u[:19]))) for i, c, u in stamps
    ]
    for table in ("recognitions", "facts", "entitlements", "instalments", "letters", "officers"):
        kinds = _raw(path, f"SELECT DISTINCT typeof(created_at), typeof(updated_at) FROM {table}")
        assert kinds in ([("integer", "integer")], []), table
    partial = dict(
        _raw(path, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'")
    )
    assert set(partial) >= {"ix_entitlements_platform", "ix_entitlements_person", "ix_instalments_batch_id"}
    assert not _raw(path, "SELECT name FROM sqlite_master WHERE name = 'ix_entitlements_clause_id'")
    after = dict(_raw(path, "SELECT number, sha256 FROM letters"))
    assert after == letters
    pdfs = _raw(path, "SELECT number, pdf FROM letters")
    assert all(hashlib.sha256(pdf).hexdigest() == letters[n] for n, pdf in pdfs)
    assert path.stat().st_size < size_before  # compacted after the migration


def test_an_edited_entitlement_is_still_named_after_the_conversion(tmp_path) -> None:
    path = _release_copy(tmp_path, "baotou")
    App.open(path, actor="测试").close()
    eid = _raw(path, "SELECT min(id) FROM entitlements WHERE total_fen > 0")[0][0]
    con = sqlite3.connect(path)
    con.execute("UPDATE entitlements SET total_fen = total_fen + 100 WHERE id = ?", (eid,))
    con.commit()
    con.close()
    app = App.open(path, actor="测试")
    try:
        broken = verify_audit(app)
        assert broken is not None
        text = "\n".join(broken.details)
        assert f"应享资金 #{eid}" in text and "被直接改动" in text and "只保留摘要" in text
    finally:
        app.close()
