"""D14 / D6 from the command line: record a unit's or a recognition's conditions by name.

The window records them in the unit and recognition forms; these verbs do the same through
the same services (validation, audit, recomputation), for ``kjdesk conditions set``.
"""

from __future__ import annotations

from dataclasses import asdict, fields, replace

from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.register import UnitInput, UnitRow, conditions, unit_by_code, update_unit
from kjdesk.services.register.records import RecognitionInput, RecognitionRow, update_recognition
from kjdesk.services.register.tables import recognition_record


def set_unit_conditions(app: App, credit_code: str, values: dict[str, str]) -> UnitRow:
    """Lay ``values`` (attribute key → value, "" clears) over the unit's recorded conditions."""
    with app.db.session() as s:
        unit = unit_by_code(s, credit_code.strip().upper())
        if unit is None:
            raise ServiceError(f"没有统一社会信用代码为 {credit_code} 的单位")
        current = {f.name: getattr(unit, f.name) for f in fields(UnitInput)}
        unit_id = unit.id
    merged = conditions.decode(current["conditions"]) | values
    return update_unit(app, unit_id, UnitInput(**{**current, "conditions": conditions.encode(merged)}))


def set_recognition_conditions(app: App, rec_id: int, values: dict[str, str]) -> RecognitionRow:
    """Lay ``values`` over the recognition's recorded conditions."""
    r = recognition_record(app, rec_id)
    from kjdesk.policy.model import SubjectKind

    data = RecognitionInput(
        **{
            k: v
            for k, v in asdict(r).items()
            if k in {f.name for f in fields(RecognitionInput)} and k not in ("subject_kind", "conditions")
        },
        subject_kind=SubjectKind(r.subject_kind),
    )
    merged = conditions.decode(r.conditions) | values
    return update_recognition(app, rec_id, replace(data, conditions=conditions.encode(merged)))
