"""What a write changed is read from what it wrote, not declared by the page that called it."""

from __future__ import annotations

import pytest

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.changes import Changes, changed_by, changes_of_tables, recording
from kjdesk.services.register import UnitInput, add_unit, list_units
from kjdesk.services.register.records import RecognitionInput, add_recognition
from tests.conftest import make_credit_code


def test_adding_a_unit_changes_units_only(app):
    row, changes = changed_by(
        lambda: add_unit(
            app, UnitInput("包头甲科技有限公司", make_credit_code("91150200MA0A00011"), district="昆都仑区")
        )
    )
    assert row.name == "包头甲科技有限公司"
    assert changes == Changes(units=True)


def test_a_read_changes_nothing(app):
    add_unit(app, UnitInput("包头乙科技有限公司", make_credit_code("91150200MA0A00021"), district="昆都仑区"))
    _rows, changes = changed_by(lambda: list_units(app))
    assert changes == Changes() and not changes


def test_a_recognition_changes_recognitions_and_the_money_it_brings(app):
    unit = add_unit(
        app, UnitInput("包头丙科技有限公司", make_credit_code("91150200MA0A00031"), district="昆都仑区")
    )
    from datetime import date

    _r, changes = changed_by(
        lambda: add_recognition(
            app,
            RecognitionInput(
                SubjectKind.UNIT, unit.id, "hte", "国家", date(2023, 11, 20), "内科高企字〔2023〕1号"
            ),
        )
    )
    assert changes.recognitions and changes.entitlements and changes.instalments
    assert not changes.units and not changes.letters


def test_a_refused_write_reports_what_it_wrote_before_the_refusal_is_rolled_back(app):
    from kjdesk.services.core.app import ServiceError

    with recording() as recorded, pytest.raises(ServiceError):
        add_unit(app, UnitInput("", "不是代码"))
    assert recorded.changes == Changes()


def test_every_table_that_a_page_shows_is_mapped():
    from kjdesk.store.models import Base

    shown = {
        "units",
        "platforms",
        "people",
        "recognitions",
        "facts",
        "entitlements",
        "instalments",
        "letters",
    }
    tables = set(Base.metadata.tables)
    assert shown <= tables
    for table in shown:
        assert changes_of_tables({table}), table
