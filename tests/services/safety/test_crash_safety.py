"""Crash safety: a process killed (SIGKILL) in the middle of a large write leaves the database unchanged.

The child opens the database as the program does (``open_checked``: the writer lock, its
heartbeat), starts one big transaction through the ORM and is killed half-way. Afterwards
the row counts are those before, ``PRAGMA integrity_check`` is ok, the audit chain
verifies, and the next start clears the dead writer's lock.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from kjdesk.services.register import UnitInput, add_unit
from kjdesk.services.safety.audit_log import verify_audit
from kjdesk.services.safety.startup import open_checked
from kjdesk.store.lock import lock_path, read_lock
from tests.conftest import make_credit_code

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only"),
]

ROOT = Path(__file__).resolve().parents[3]

IMPORT_UNITS = """
    from stdnum.cn import uscc
    from kjdesk.store import audit
    from kjdesk.store.models import Unit
    with app.db.session() as s:
        for i in range(50_000):
            body = f"91150207MC{i:07d}"
            s.add(Unit(name=f"导入单位{i}", credit_code=body + uscc.calc_check_digit(body), district="九原区"))
            if i % 1000 == 999:
                s.flush()
                audit.record(s, app.actor, "导入", "unit", i, None, {"rows": i + 1})
            if i == 25_000:
                print("midway", flush=True)
"""

ISSUE_LETTERS = """
    from datetime import date
    from kjdesk.store import audit
    from kjdesk.store.models import Entitlement, Letter
    with app.db.session() as s:
        e = Entitlement(key="crash", city="baotou", clause_id="BT-06", status="应享", unit_id=1, total_fen=1)
        s.add(e)
        s.flush()
        for i in range(1, 3001):
            s.add(Letter(number=f"包科兑〔2026〕{i}号", year=2026, seq=i, kind="资金支持通知书",
                         entitlement_id=e.id, unit_id=1, addressee="包头稀土研究院", amount_fen=100_000_00,
                         issued_on=date(2026, 3, 1), issued_by=app.actor, pdf=b"%PDF-1.4" + os.urandom(20_000),
                         sha256="0" * 64))
            s.flush()
            audit.record(s, app.actor, "发出通知书", "letter", i, None, {"seq": i})
            if i == 1500:
                print("midway", flush=True)
"""


IMPORT_SERVICE = """
    from pathlib import Path
    from kjdesk.services import imports
    from kjdesk.services.core.progress import NullProgress

    class Midway(NullProgress):
        checks = 0

        def check(self):
            self.checks += 1
            if self.checks == 3:  # the first 20,000 rows are written, the rest are on their way
                print("midway", flush=True)

    plan = imports.preview(app, Path(sys.argv[1]))
    assert not plan.errors, plan.errors[:3]
    imports.commit(app, plan, Midway())
"""


def _roster(path: Path, n: int = 50_000) -> Path:
    from stdnum.cn import uscc

    lines = ["序号,企业名称,统一社会信用代码,所属旗县区"]
    for i in range(n):
        body = f"91150207MD{i:07d}"
        lines.append(f"{i + 1},包头市导入测试{i}有限公司,{body}{uscc.calc_check_digit(body)},九原区")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _child(db_path: Path, body: str, *args: str) -> subprocess.Popen:
    script = "import os, sys\nfrom kjdesk.services.safety.startup import open_checked\n"
    script += f"app = open_checked(r'{db_path}', actor='导入员', backup_daily=False)\n"
    script += "print('open', flush=True)\n"
    script += "if True:\n" + textwrap.indent(textwrap.dedent(body), "    ")
    script += "print('committed', flush=True)\n"
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ}
    )


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("units", "letters", "audit_events")
        }
    finally:
        con.close()


@pytest.mark.parametrize(
    "body",
    [IMPORT_SERVICE, IMPORT_UNITS, ISSUE_LETTERS],
    ids=["import-service-50000-rows", "orm-50000-units", "batch-of-letters"],
)
def test_sigkill_mid_transaction_leaves_the_database_unchanged(app, db_path, tmp_path, body):
    if body is IMPORT_SERVICE:
        pytest.importorskip("kjdesk.services.imports")
    add_unit(
        app,
        UnitInput(
            name="包头稀土研究院", credit_code=make_credit_code("91150203MA0N00001"), district="昆都仑区"
        ),
    )
    app.close()
    before = _counts(db_path)

    child = _child(db_path, body, str(_roster(tmp_path / "units.csv")))
    try:
        assert child.stdout.readline().strip() == "open"
        assert read_lock(lock_path(db_path)).officer == "导入员"
        assert child.stdout.readline().strip() == "midway"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    wal = Path(f"{db_path}-wal")
    assert wal.exists() and wal.stat().st_size > 1_000_000  # uncommitted pages did reach the disk
    assert lock_path(db_path).exists()  # the dead writer's lock is left behind …
    assert _counts(db_path) == before
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    again = open_checked(db_path, heartbeat=False, backup_daily=False)  # … and cleared at the next start
    try:
        assert again.writer_lock.cleared is not None and again.writer_lock.cleared.pid == child.pid
        assert verify_audit(again) is None
        assert _counts(db_path) == before
    finally:
        again.close()


ISSUE_SERVICE = """
    from datetime import date
    from kjdesk.services.letters import issue_letters
    from kjdesk.services.core.progress import NullProgress

    class Midway(NullProgress):
        def set_value(self, value):
            self.value = value
            if value == 8:  # eight letters issued, the ninth is being rendered and numbered
                print("midway", flush=True)

    issue_letters(app, 2026, issued_on=date(2026, 11, 23), progress=Midway())
"""


def test_sigkill_during_the_letters_service_batch_keeps_numbering_whole(app, db_path):
    """The letters service issues a batch in one transaction: killed half-way (eight letters set,
    the ninth being rendered) it leaves no letter and no event of the batch, takes no number,
    and the whole batch is still pending; issued again, the letters are whole and numbered 1..40."""
    from sqlalchemy import select

    pytest.importorskip("kjdesk.services.letters")
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.services.letters import issue_letters, letter_pdf, pending_letters
    from kjdesk.store.models import AuditEvent, Letter
    from tests.letters_data import seed

    try:
        load_builtin("baotou").clause("BT-06-hte-cert")
    except Exception:  # the child uses the real catalog
        pytest.skip("the built-in catalog does not load")
    seed(app, 40)
    app.close()

    child = _child(db_path, ISSUE_SERVICE)
    try:
        assert child.stdout.readline().strip() == "open"
        assert child.stdout.readline().strip() == "midway"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    again = open_checked(db_path, heartbeat=False, backup_daily=False)
    try:
        assert verify_audit(again) is None
        with again.db.session() as s:
            letters = list(s.scalars(select(Letter).order_by(Letter.seq)))
            issued_events = list(
                s.scalars(select(AuditEvent.entity_id).where(AuditEvent.action == "签发通知书"))
            )
        k = len(letters)
        assert k == 0  # all or nothing: the killed batch issued none
        assert [x.seq for x in letters] == list(range(1, k + 1))  # no gap, no half-written letter
        assert sorted(issued_events, key=int) == [str(x.id) for x in letters]
        for x in letters:
            assert letter_pdf(again, x.number)  # the archived bytes match their hash
        assert len(pending_letters(again, 2026)) == 40 - k
        rest = issue_letters(again, 2026, issued_on=date(2026, 11, 23))
        assert [r.seq for r in rest.issued] == list(range(k + 1, 41))
        for r in rest.issued:
            assert letter_pdf(again, r.number)  # each its own archived PDF, matching its hash
    finally:
        again.close()
