"""Migration i21: a database that holds facts under the old name 研发费用加计扣除额 (clauses.md D6).

“上年度符合税法规定已进行加计扣除的研发费用” is the BT-05 base: the fact is renamed 加计扣除研发费用;
a database written before keeps every value under the new name, each marked 须核实 with the
reason, backed up first and audited.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from alembic import command
from sqlalchemy import create_engine, select

from kjdesk.store import audit
from kjdesk.store.backup import backups_dir
from kjdesk.store.db import Database, alembic_config, current_revision, head_revision
from kjdesk.store.models import AuditEvent, Fact, Recognition, Unit
from tests.conftest import make_credit_code

OLD, NEW = "研发费用加计扣除额", "加计扣除研发费用"


def _database_at_0002(path) -> None:  # noqa: ANN001 - Path
    """A database as kjdesk left it at revision 0002: one unit, two old-name facts, one other."""
    engine = create_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0002")
    engine.dispose()
    con = sqlite3.connect(path)
    now = "2026-11-01 10:00:00"
    con.execute(
        "INSERT INTO units (id, name, credit_code, kind, district, size_class, industry, address, contact,"
        " phone, former_names, note, created_at, updated_at)"
        " VALUES (1, '包头甲公司', ?, '企业', '昆都仑区', '', '', '', '', '', '', '', ?, ?)",
        (make_credit_code("91150203MA0N00009"), now, now),
    )
    for fid, year, indicator, value in (
        (1, 2022, OLD, "1234567.89"),
        (2, 2023, OLD, "2000000"),
        (3, 2023, "企业规模", None),
    ):
        con.execute(
            "INSERT INTO facts (id, unit_id, year, indicator, value, text, unit_label, item_ref, reference,"
            " created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, '元', '', '', ?, ?)",
            (fid, year, indicator, value, "" if value else "小微企业", now, now),
        )
    con.commit()
    con.close()


def test_old_name_facts_are_renamed_kept_and_marked_to_verify(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    _database_at_0002(path)
    db = Database.open(path)  # migrates
    try:
        assert current_revision(db.engine) == head_revision()
        with db.session() as s:
            facts = {f.id: f for f in s.scalars(select(Fact))}
            assert [f.indicator for f in facts.values()] == [NEW, NEW, "企业规模"]
            assert (facts[1].value, facts[2].value) == (Decimal("1234567.89"), Decimal("2000000"))
            assert "已更名为“加计扣除研发费用”" in facts[1].to_verify
            assert "不是 75%/100% 的加计扣除额" in facts[2].to_verify
            assert facts[3].to_verify == ""
            # the migration's own event (later migrations may add theirs after it, e.g. 封存)
            event = s.scalars(
                select(AuditEvent).where(AuditEvent.entity == "fact").order_by(AuditEvent.id.desc())
            ).first()
            assert (event.actor, event.action, event.entity) == ("系统", "数据迁移", "fact")
            assert '"facts": [1, 2]' in event.after and NEW in event.after and OLD in event.before
            assert audit.verify_chain(s) is None
            assert s.get(Unit, 1).conditions == ""
            assert s.scalars(select(Recognition)).first() is None
    finally:
        db.close()
    backups = list(backups_dir(path).glob("*"))
    assert backups, "the database is backed up before the migration"


def test_a_renamed_figure_waits_for_the_officer_then_pays(tmp_path) -> None:
    """The BT-05 item of a renamed figure is 须核实 until ``confirm_facts``; then it is owed."""
    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import initialize
    from kjdesk.services.entitlements import recompute_all
    from kjdesk.services.register.records import confirm_facts, facts_to_verify

    path = tmp_path / "old.sqlite"
    _database_at_0002(path)
    app = App.open(path, actor="测试")
    try:
        initialize(app, "baotou")
        recompute_all(app)
        waiting = facts_to_verify(app)
        assert [(f.id, f.indicator, f.year) for f in waiting] == [(1, NEW, 2022), (2, NEW, 2023)]
        with app.db.session() as s:
            from kjdesk.store.models import Entitlement

            ents = {e.key.split("|", 1)[1]: e for e in s.scalars(select(Entitlement))}
            assert ents["BT-05-rd-expense|year:2023"].status == "须核实"
            assert ents["BT-05-rd-expense|year:2023"].total_fen == 0
        assert confirm_facts(app, [1]) == 1
        with app.db.session() as s:
            ents = {e.key.split("|", 1)[1]: e for e in s.scalars(select(Entitlement))}
            e = ents["BT-05-rd-expense|year:2023"]
            assert (e.status, e.total_fen) == (
                "应享",
                3_703_704,
            )  # 1,234,567.89 元 × 3%（无 2022 年企业规模）
            assert ents["BT-05-rd-expense|year:2024"].status == "须核实"
        assert [f.id for f in facts_to_verify(app)] == [2]
    finally:
        app.close()
