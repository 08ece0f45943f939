"""应享资金 by role (issue 18): a 复核人 is not offered 录入金额 / 批量录入, which the service refuses him."""

from tests.services.disbursement.disbursement_data import officers
from tests.ui.conftest import open_page


def test_the_checker_sees_entry_greyed_with_the_reason(app, make_window, qtbot):
    who = officers(app)
    page = open_page(make_window(who["fh1"]), qtbot, "entitlements")
    assert not page.batch_button.isEnabled() and not page.enter_button.isEnabled()
    assert "经办人" in page.batch_button.toolTip() and "经办人" in page.enter_button.toolTip()


def test_the_maker_may_enter(app, make_window, qtbot):
    who = officers(app)
    page = open_page(make_window(who["jb1"]), qtbot, "entitlements")
    assert page.batch_button.isEnabled()
