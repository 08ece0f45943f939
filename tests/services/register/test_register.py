import pytest

from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.services.register import (
    PersonInput,
    UnitInput,
    add_person,
    add_unit,
    delete_unit,
    list_people,
    list_units,
    update_unit,
)
from kjdesk.store.audit import verify_chain
from tests.conftest import make_credit_code, make_id_number

CODE = make_credit_code("91150203MA0N00001")


def test_add_unit_validates_and_audits(app):
    row = add_unit(
        app,
        UnitInput(
            name=" 包头稀土研究院 ", credit_code=CODE.lower(), district="稀土高新区", size_class="小微"
        ),
    )
    assert row.name == "包头稀土研究院" and row.credit_code == CODE and row.size_class == "小微企业"
    assert [u.name for u in list_units(app)] == ["包头稀土研究院"]
    with app.db.session() as s:
        assert verify_chain(s) is None


def test_second_unit_with_same_code_names_the_first(app):
    add_unit(app, UnitInput(name="甲公司", credit_code=CODE, district="青山区"))
    with pytest.raises(ValidationFailed) as err:
        add_unit(app, UnitInput(name="乙公司", credit_code=CODE, district="青山区"))
    assert "甲公司" in err.value.errors["credit_code"]
    assert len(list_units(app)) == 1


def test_bad_fields_change_nothing(app):
    with pytest.raises(ValidationFailed) as err:
        add_unit(app, UnitInput(name="", credit_code="123", district="海勃湾区"))
    assert set(err.value.errors) == {"name", "credit_code", "district"}
    assert list_units(app) == []


def test_rename_keeps_former_name(app):
    row = add_unit(app, UnitInput(name="旧名公司", credit_code=CODE, district="青山区"))
    row = update_unit(app, row.id, UnitInput(name="新名公司", credit_code=CODE, district="青山区"))
    assert row.name == "新名公司" and row.former_names == "旧名公司"


def test_delete_refused_while_people_attached(app):
    unit = add_unit(app, UnitInput(name="甲公司", credit_code=CODE, district="青山区"))
    add_person(
        app, PersonInput(name="张三", id_number=make_id_number("15020319800101123"), employer_unit_id=unit.id)
    )
    with pytest.raises(ServiceError, match="人员"):
        delete_unit(app, unit.id)


def test_people_are_masked(app):
    number = make_id_number("15020319800101123")
    add_person(app, PersonInput(name="张三", id_number=number, role="技术经纪人"))
    (row,) = list_people(app)
    assert row.id_masked == number[:6] + "********" + number[-4:]
    assert number not in repr(row)


def test_uninitialised_database_says_so(tmp_path):
    a = App.open(tmp_path / "x.sqlite")
    with pytest.raises(ServiceError, match="尚未初始化"):
        add_unit(a, UnitInput(name="甲", credit_code=CODE, district="青山区"))
    a.close()
