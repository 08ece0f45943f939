"""Every entry of the page table is a page: its module imports and its widget opens.

The table names each page's class as "module:Class"; a typo or a module that was moved
without the table must fail here, not hide the page from the officers.
"""

from __future__ import annotations

import importlib

import pytest

from kjdesk.ui.pages import PAGES, available_pages


@pytest.mark.parametrize("page", PAGES, ids=[p.key for p in PAGES])
def test_every_page_of_the_table_imports(page):
    module, _, name = page.factory.partition(":")
    assert callable(getattr(importlib.import_module(module), name))


def test_no_page_is_hidden():
    assert available_pages() == PAGES


@pytest.mark.parametrize("key", [p.key for p in PAGES])
def test_every_page_opens_in_the_window(key, make_window, qtbot):
    window = make_window()
    page = window.page(key)
    qtbot.waitUntil(lambda: getattr(page, "loaded", True), timeout=10000)
    assert page.isVisible()
    assert window.nav.currentItem().text() == next(p.title for p in PAGES if p.key == key)
