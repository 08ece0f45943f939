"""Forms accept the wordings officers write, through the same vocabularies as imports (issue 23)."""

import pytest

from kjdesk.services.register import (
    PersonInput,
    UnitInput,
    ValidationFailed,
    add_person,
    add_unit,
    update_unit,
    validate_person,
    validate_unit,
)
from kjdesk.store.models import Unit
from tests.conftest import make_id_number
from tests.published_lists import letter_first_code

N_CODE = letter_first_code("N2150207MF0000123")


def test_unit_form_reads_district_kind_and_size_as_written():
    clean, errors = validate_unit(
        UnitInput(
            "包头市某合作社", N_CODE, district="包头市固阳县", kind="农民专业合作社", size_class="小型企业"
        ),
        "baotou",
    )
    assert errors == {"kind": "单位类型只能是：企业、高校院所、园区、服务机构、其他"}
    clean, errors = validate_unit(
        UnitInput(
            "包头稀土研究院",
            N_CODE,
            district="稀土高新技术产业开发区",
            kind="科研院所",
            size_class="中型企业",
        ),
        "baotou",
    )
    assert errors == {}
    assert (clean.credit_code, clean.district, clean.kind, clean.size_class) == (
        N_CODE,
        "稀土高新区",
        "高校院所",
        "其他企业",
    )


def test_person_form_reads_the_category_as_written():
    number = make_id_number("15020219800101123")
    clean, errors = validate_person(PersonInput("张三", number, role="柔性引进高端人才"))
    assert errors == {} and clean.role == "人才"
    _clean, errors = validate_person(PersonInput("张三", number, role="科技顾问"))
    assert errors == {"role": "身份“科技顾问”无法识别（可选：技术经纪人、人才、科技特派员、其他）"}


def test_changing_the_size_class_in_the_form_drops_the_written_size(app):
    row = add_unit(app, UnitInput("包头市某公司", N_CODE, district="九原区", size_class="其他企业"))
    with app.db.session() as s:
        s.get(Unit, row.id).size_written = "中型企业"  # as an import keeps it
    update_unit(app, row.id, UnitInput("包头市某公司", N_CODE, district="九原区", size_class="其他企业"))
    with app.db.session() as s:
        assert s.get(Unit, row.id).size_written == "中型企业"
    update_unit(app, row.id, UnitInput("包头市某公司", N_CODE, district="九原区", size_class="小微企业"))
    with app.db.session() as s:
        assert s.get(Unit, row.id).size_written == ""
    with pytest.raises(ValidationFailed) as err:
        add_person(app, PersonInput("李四", N_CODE))
    assert err.value.errors == {
        "id_number": f"“{N_CODE}”是统一社会信用代码，不是身份证号（单位的代码请填在统一社会信用代码一栏）"
    }
