"""Files around an import: blank roster templates and the error workbook of a dry run."""

from __future__ import annotations

from pathlib import Path

from stdnum.cn import ric, uscc

from kjdesk.io.excel_in import RosterFileError, read_roster
from kjdesk.io.roster_schema import (
    CONDITION_PREFIX,
    FACT_INDICATORS,
    KINDS,
    LEVEL_CHOICES,
    MONEY_UNITS,
    STATUS_CHOICES,
)
from kjdesk.io.roster_templates import write_error_workbook, write_template_workbook
from kjdesk.policy.conditions import ATTRIBUTES
from kjdesk.policy.model import SubjectKind
from kjdesk.policy.titles import builtin_titles
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.imports import ImportPlan
from kjdesk.validation import PERSON_ROLES, SIZE_CLASSES, UNIT_KINDS, districts_of

XLSX_COPY_LIMIT = 20_000  # larger rosters are rewritten from their cells (openpyxl is slow on them)


def city_type_ids(city: str) -> set[str]:
    """The recognition types the city's own policy pays for (those its clauses are triggered by)."""
    from kjdesk.policy.catalog import load_builtin

    vocab = builtin_titles()
    return {
        c.trigger.recognition
        for c in load_builtin(city).clauses
        if c.trigger is not None and c.trigger.recognition in vocab.types
    }


def template_choices(city: str) -> dict[str, list[str]]:
    """The drop-down lists of a template for the bureau's city."""
    vocab = builtin_titles()
    own = city_type_ids(city)
    # one entry per recognition type of the bureau's own policy (its name; synonyms are still read)
    titles = sorted({vocab.types[i].name for i in own}, key=lambda n: (len(n), n))
    platform_types = [
        rt.name for rt in vocab.types.values() if rt.subject == SubjectKind.PLATFORM and rt.id in own
    ]
    return {
        "districts": list(districts_of(city)),
        "levels": list(LEVEL_CHOICES),
        "titles": titles,
        "platform_types": platform_types,
        "sizes": list(SIZE_CLASSES),
        "unit_kinds": list(UNIT_KINDS),
        "roles": list(PERSON_ROLES),
        "statuses": list(STATUS_CHOICES),
        "indicators": list(FACT_INDICATORS),
        "money_units": list(MONEY_UNITS),
        # D14: each recorded condition's choices (是 / 否, or the award category)
        **{f"{CONDITION_PREFIX}{a.key}": list(a.choices) for a in ATTRIBUTES},
    }


def _example(kind: str, city: str) -> dict[str, object]:
    code = "91150200MA0N00000"
    code += uscc.calc_check_digit(code)
    district = districts_of(city)[0]
    city_name = "包头" if city == "baotou" else "乌海"
    return {
        "units": {"name": f"{city_name}某某新材料有限公司", "credit_code": code, "district": district},
        "platforms": {
            "name": f"{city_name}某某新材料重点实验室",
            "host_code": code,
            "host_name": f"{city_name}某某新材料有限公司",
        },
        "people": {
            "id_number": "15020219800101123" + ric.calc_check_digit("150202198001011230"),
            "employer_code": code,
            "employer_name": f"{city_name}某某新材料有限公司",
        },
        "recognitions": {
            "subject_name": f"{city_name}某某新材料有限公司",
            "credit_code": code,
            "doc_number": "国科火字〔2023〕1号",
            "district": district,
        },
        "facts": {"subject_name": f"{city_name}某某新材料有限公司", "credit_code": code},
    }[kind]


def write_roster_template(app: App, kind: str, path: str | Path) -> Path:
    """``kjdesk template KIND -o FILE.xlsx``: a blank roster for the bureau's city."""
    if kind not in KINDS:
        raise ServiceError(f"未知名单类型“{kind}”，可选：{'、'.join(KINDS)}")
    city = require_bureau(app).city
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ServiceError("模板只能保存为 .xlsx 文件")
    try:
        write_template_workbook(path, KINDS[kind], template_choices(city), _example(kind, city))
    except PermissionError as exc:
        raise ServiceError(f"无法写入“{path}”：文件是否已在 Excel 中打开？") from exc
    return path


def save_error_workbook(plan: ImportPlan, path: str | Path) -> Path:
    """A copy of the roster with bad cells highlighted, a 错误说明 and a 建议修改 column."""
    if not plan.errors:
        raise ServiceError("名单没有错误，无需保存错误表")
    path = Path(path)
    errors = [(e.row, e.col, e.reason, e.suggestion) for e in plan.errors]
    try:
        if plan.path.suffix.lower() == ".xlsx" and plan.rows <= XLSX_COPY_LIMIT:
            write_error_workbook(path, errors, plan.header_row, source=plan.path, sheet=plan.sheet)
        else:
            table = read_roster(plan.path, plan.sheet)
            write_error_workbook(path, errors, plan.header_row, rows=table.rows, sheet=plan.sheet)
    except RosterFileError as exc:
        raise ServiceError(str(exc)) from exc
    except PermissionError as exc:
        raise ServiceError(f"无法写入“{path}”：文件是否已在 Excel 中打开？") from exc
    return path
