"""The window on a 1280×800 screen (issue 18): no page widens it past the screen, and the
status bar shows the demo's accounts and the officer's name whole."""

from PySide6.QtWidgets import QLabel

from kjdesk.ui.main_window import MainWindow


def test_no_page_makes_the_window_wider_than_1280(app, make_window, qtbot):
    window = make_window()
    window.resize(1280, 760)
    for page in window.pages:
        widget = window.page(page.key)
        qtbot.waitUntil(lambda w=widget: getattr(w, "loaded", True), timeout=10000)
        if page.key == "letters":  # a year of letters: the totals as long as they get
            widget.totals.setText(
                "已签发 1,075 份（有效 1,068 份，合计 1,177,112,045.27 元）；待签发 1,269 份"
            )
            qtbot.wait(50)  # the layouts take the new text
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 760, (page.key, hint)
        assert window.width() <= 1280, page.key


def test_the_demo_accounts_and_the_officer_show_whole_at_1280(app, qtbot):
    from kjdesk.services.core.settings import bureau

    window = MainWindow(app, bureau(app), demo=True)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    for name in ("demo_accounts", "current_user"):
        label = window.statusBar().findChild(QLabel, name)
        assert label.isVisible() and label.width() >= label.sizeHint().width(), name
    assert "kjdesk-demo" in window.statusBar().findChild(QLabel, "demo_accounts").text()
    window.hub.ops.wait()


def test_wuhai_overview_with_its_targets_fits_800_high(wuhai_app, make_window, qtbot):
    window = make_window(wuhai_app)
    window.resize(1280, 760)
    page = window.page("overview")
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    qtbot.wait(50)
    assert page.targets_box.isVisibleTo(page)  # 乌海's 2025 targets are on the page
    hint = window.minimumSizeHint()
    assert hint.height() <= 760 and window.height() <= 760, hint
