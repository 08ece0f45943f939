"""The demo bureau: built from a fixed seed through the services, every cash clause triggered."""

from collections import Counter

import pytest

from kjdesk.policy.catalog import load_builtin
from kjdesk.policy.engine import is_cash
from kjdesk.services.core.app import App
from kjdesk.services.demo import build_demo, open_demo
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.register import counts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def baotou_demo(tmp_path_factory):
    app = App.open(tmp_path_factory.mktemp("demo") / "demo.sqlite", actor="演示")
    summary = build_demo(app, "baotou")
    yield app, summary
    app.close()


def test_demo_has_a_realistic_register(baotou_demo):
    app, summary = baotou_demo
    n = counts(app)
    assert 150 <= n["units"] <= 250
    assert n["platforms"] >= 30 and n["recognitions"] >= 150
    assert (n["units"], n["platforms"], n["people"]) == (summary.units, summary.platforms, summary.people)


def test_demo_pays_every_cash_clause_of_the_catalog(baotou_demo):
    app, _ = baotou_demo
    lines = list_entitlements(app)
    paying = {x.clause_id for x in lines if x.status == "应享" and x.amount_fen > 0}
    cash = {c.id for c in load_builtin("baotou").clauses if is_cash(c)}
    assert cash <= paying, sorted(cash - paying)


def test_demo_shows_upgrade_revocation_and_cap(baotou_demo):
    app, _ = baotou_demo
    lines = list_entitlements(app)
    nkl = [
        x for x in lines if x.subject_name == "内蒙古稀土功能材料重点实验室" and x.clause_id == "BT-08-nkl"
    ]
    assert [x.amount_fen for x in nkl][:2] == [
        9_50000000,
        10_00000000,
    ]  # 1000 万 less the 50 万 already granted
    revoked = [x for x in lines if x.subject_name == "国家稀土冶金工程技术研究中心"]
    states = sorted((x.year, x.state) for x in revoked)
    assert [s for _, s in states[2:]] == ["已取消"] * 3  # 2024–2026 cancelled by the 撤销
    assert {s for _, s in states[:2]} <= {"已拨付", "已审批"}  # the money of 2022–2023 stays
    capped = [x for x in lines if x.clause_id == "BT-05-rd-expense" and "\n超过上限 200万元" in x.explanation]
    assert capped and all(x.amount_fen == 2_000_000_00 for x in capped)


def test_demo_has_approvals_payments_and_letters(baotou_demo):
    from kjdesk.services.disbursement.payments import list_payments
    from kjdesk.services.letters.rows import list_letters

    app, summary = baotou_demo
    assert summary.batches == 2
    payments = list_payments(app)
    assert len(payments) == summary.payments > 10
    states = Counter(x.state for x in list_entitlements(app, year=2022))
    assert states["已拨付"] > 0 and states["计划"] == 0
    letters = list_letters(app)
    assert len(letters) == summary.letters
    assert all(x.status == "有效" for x in letters)


def test_demo_total_of_fixed_schedules_is_stable(baotou_demo):
    """A figure written here: the same seed gives the same bureau (open-ended schedules excluded,
    since they grow a year at a time)."""
    app, _ = baotou_demo
    open_ended = {c.id for c in load_builtin("baotou").clauses if c.years == 0}
    total = sum(
        x.amount_fen
        for x in list_entitlements(app)
        if x.status == "应享" and x.state != "已取消" and x.clause_id not in open_ended
    )
    assert total == DEMO_TOTAL_FEN


def test_open_demo_is_separate_and_built_once(tmp_path):
    app = open_demo(tmp_path, "wuhai")
    assert app.extra["demo"] is True
    first = counts(app)
    app.close()
    app = open_demo(tmp_path, "wuhai")
    assert counts(app) == first
    lines = list_entitlements(app)
    assert any(
        x.clause_id == "WH-11-hte" and x.status == "应享" and x.amount_fen == 10_000_000 for x in lines
    )
    app.close()
    assert not (tmp_path / "kjdesk.sqlite").exists()


DEMO_TOTAL_FEN = 89_205_177_826


def test_the_demo_has_a_maker_and_a_checker_and_says_so(baotou_demo):
    from kjdesk.services.core.officers import sign_in
    from kjdesk.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_text

    app, _summary = baotou_demo
    for login, _name, role in DEMO_ACCOUNTS:  # each account signs in with the password the page shows
        assert sign_in(app, login, DEMO_PASSWORD).role == role
    assert {"经办人", "复核人"} <= {role for _login, _name, role in DEMO_ACCOUNTS}
    text = demo_accounts_text()
    assert DEMO_PASSWORD in text and "jingban" in text and "fuhe" in text
