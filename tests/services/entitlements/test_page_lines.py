"""The 应享资金 page reads its lines without their explanations (services/entitlements/pages.py)
and the selected line's explanation alone (services/entitlements/detail.py): together they
say exactly what ``list_entitlements`` says, on the demonstration data (units, platforms,
people, waiting amounts, decisions)."""

from __future__ import annotations

import dataclasses

import pytest

from kjdesk.services.demo import build_demo
from kjdesk.services.entitlements.detail import explanation_of
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.entitlements.pages import first_lines, page_lines

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kjdesk.services.core.app import App

    app = App.open(tmp_path_factory.mktemp("pages") / "demo.sqlite", actor="演示")
    build_demo(app, "baotou")
    yield app
    app.close()


def test_page_lines_are_the_listing_without_explanations(demo):
    listed = list_entitlements(demo)
    assert len({ln.subject_kind for ln in listed}) == 3 and any(ln.basis for ln in listed)
    assert page_lines(demo) == [dataclasses.replace(ln, explanation="") for ln in listed]


def test_first_lines_are_every_line_of_the_first_entitlements(demo):
    every = page_lines(demo)
    ids = sorted({ln.entitlement_id for ln in every})
    got = first_lines(demo, 5)
    assert got.more and {ln.entitlement_id for ln in got.lines} == set(ids[:5])
    assert got.lines == every[: len(got.lines)]
    whole = first_lines(demo, len(ids))
    assert not whole.more and whole.lines == every


def test_explanation_of_each_line_is_the_listed_one(demo):
    for ln in list_entitlements(demo):
        assert explanation_of(demo, ln.entitlement_id) == ln.explanation
    assert explanation_of(demo, 10**9) == ""
