"""Deciding each roster row, kind by kind: add, update or leave unchanged (or refuse).

Units and people are matched by 统一社会信用代码 / 身份证号, platforms by host and name
(or host and type when the roster names no platform), recognitions by (subject, type,
level, stage, date), facts by (subject, year, indicator, 事项编号). A changed unit name
is kept in 曾用名. Only what the roster gives is compared, so a blank cell never erases.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kjdesk.io.roster_schema import CONDITION_PREFIX
from kjdesk.money import FEN_PER_YUAN, format_yuan, round_fen
from kjdesk.policy.model import SubjectKind
from kjdesk.policy.titles import builtin_titles
from kjdesk.services.imports.match import (
    ADD,
    LABELS,
    REC_FIELDS,
    SAME,
    UNIT_DEFAULTS,
    UNIT_FIELDS,
    UPDATE,
    Matcher,
    Ops,
    PlanItem,
    Register,
    describe_change,
    diff_fields,
    level_rank,
    recognition_key,
    subject_of,
    unit_names,
)
from kjdesk.services.imports.rows import PROGRESS_EVERY, ParseContext, ParsedRow
from kjdesk.services.register import conditions


def match(ctx: ParseContext, reg: Register, parsed: list[ParsedRow], progress) -> tuple[Ops, list[PlanItem]]:  # noqa: ANN001
    m = Matcher(ctx, reg)
    bad = {e.row for e in ctx.errors}
    decide = {
        "units": _unit,
        "platforms": _platform,
        "people": _person,
        "recognitions": _recognition,
        "facts": _fact,
    }[ctx.kind.key]
    progress.set_total(len(parsed))
    for n, row in enumerate(parsed):
        if n % PROGRESS_EVERY == 0:
            progress.set_value(n)
            progress.check()
        if row.row not in bad:
            decide(m, row)
        else:  # still remember its name, so a later row with the same code and another name is caught
            code, name = (
                row.values.get("credit_code"),
                row.values.get("name") or row.values.get("subject_name"),
            )
            if code and name and ctx.kind.key != "people":
                m.code_names.setdefault(code, (row.row, name))
    progress.set_value(len(parsed))
    return m.ops, m.items


def _unit(m: Matcher, row: ParsedRow) -> None:
    v = row.values
    code, name = v["credit_code"], v["name"]
    label = f"{name}（{code}）"
    if not m.same_name(row, code, name, "credit_code", "name"):
        return
    unit = m.reg.units.get(code)
    merged = _conditions(m, row, unit)
    if merged is not None:
        v["conditions"] = merged
    wanted = {k: v[k] for k in UNIT_FIELDS if k in v}
    if m.duplicate(row, ("unit", code), wanted, "单位", label, "name"):
        return
    if unit is None:
        if "district" not in v:
            m.ctx.error(row.row, "district", "", "新登记的单位必须填写旗县区")
            return
        m.ops.unit_inserts[code] = {**UNIT_DEFAULTS, **wanted, "credit_code": code}
        m.item(row, ADD, "单位", label)
        return
    change = diff_fields(unit, wanted, UNIT_FIELDS)
    if not change[1]:
        m.item(row, SAME, "单位", label)
        return
    if "name" in change[1]:
        former = [n for n in unit["former_names"].splitlines() if n]
        if unit["name"] not in former:
            former.append(unit["name"])
        change[0]["former_names"], change[1]["former_names"] = unit["former_names"], "\n".join(former)
    m.ops.unit_updates[unit["id"]] = change
    m.ops.touched.add(("unit", unit["id"]))
    m.item(row, UPDATE, "单位", label, describe_change(change, LABELS).replace("\n", "、"))


def _conditions(m: Matcher, row: ParsedRow, current: dict[str, Any] | None) -> str | None:
    """D14: the record's conditions with the roster's condition columns laid over them (a blank
    cell keeps what is recorded); None when the roster has no condition column."""
    keys = m.condition_keys
    if not keys:
        return None
    values = conditions.decode((current or {}).get("conditions") or "")
    for key in keys:
        if key in row.values:
            values[key.removeprefix(CONDITION_PREFIX)] = str(row.values[key])
    return conditions.encode(values)


def _platform_subject(m: Matcher, row: ParsedRow, host: tuple[str, Any], code: str) -> tuple[str, Any]:
    """The platform a row means: by name under its host, else the host's only one of the type."""
    v = row.values
    host_id = host[1]
    pname = v.get("platform_name") if m.ctx.kind.key == "recognitions" else v.get("name")
    if isinstance(host_id, int):
        if pname:
            found = m.reg.platforms.get((host_id, pname))
        else:
            same_type = m.reg.platform_types.get((host_id, v["type_id"]), [])
            found = same_type[0] if len(same_type) == 1 else None
        if found is not None:
            if level_rank(v["level"]) > level_rank(found["level"]):
                change = ({"level": found["level"]}, {"level": v["level"]})
                m.ops.platform_updates[found["id"]] = change
            return ("platform", found["id"])
    name = pname or f"{m.unit_name(host, row)}{builtin_titles().types[v['type_id']].name}"
    key = (code, name)
    if key not in m.ops.platform_inserts:
        m.ops.platform_inserts[key] = {
            "name": name,
            "type_id": v["type_id"],
            "level": v["level"],
            "host": host,
            "note": "",
        }
    return ("platform", f"new:{code}|{name}")


def _platform(m: Matcher, row: ParsedRow) -> None:
    v = row.values
    code, name = v["host_code"], v["name"]
    label = f"{name}（{v['title']}）"
    wanted = {"type_id": v["type_id"], "level": v["level"]}
    if v.get("level_open"):  # no level written: a registered platform keeps the level its recognitions gave
        del wanted["level"]
    if "note" in v:
        wanted["note"] = v["note"]
    if m.duplicate(row, ("platform", code, name), wanted, "平台", label, "name"):
        return
    host = m.unit_for(row, "host_code", create=False)
    if host is None:
        return
    existing = m.reg.platforms.get((host[1], name))
    if existing is None:
        m.ops.platform_inserts[(code, name)] = {"name": name, "host": host, "note": "", **wanted}
        m.ops.platform_inserts[(code, name)].setdefault("level", "")
        m.item(row, ADD, "平台", label)
        return
    change = diff_fields(existing, wanted, ("type_id", "level", "note"))
    if change[1]:
        m.ops.platform_updates[existing["id"]] = change
        m.ops.touched.add(("platform", existing["id"]))
        m.item(row, UPDATE, "平台", label, describe_change(change, LABELS))
    else:
        m.item(row, SAME, "平台", label)


PERSON_FIELDS = ("name", "role", "phone", "bank_name", "bank_account", "note")


def _person(m: Matcher, row: ParsedRow) -> None:
    v = row.values
    idno, name = v["id_number"], v["name"]
    label = f"{name}（{idno[:6]}********{idno[-4:]}）"
    wanted: dict[str, Any] = {k: v[k] for k in PERSON_FIELDS if k in v}
    if "employer_code" in v:
        unit = m.reg.units.get(v["employer_code"])
        if unit is None:
            m.error(
                row,
                "employer_code",
                f"工作单位（统一社会信用代码 {v['employer_code']}）未登记，请先登记该单位",
            )
            return
        wanted["employer_unit_id"] = unit["id"]
    elif "employer_name" in v:
        hits = [u for u in m.reg.units.values() if v["employer_name"] in unit_names(u)]
        if len(hits) != 1:
            why = "未登记" if not hits else "有重名"
            m.error(
                row,
                "employer_name",
                f"工作单位“{v['employer_name']}”{why}，请改填工作单位的统一社会信用代码",
                m.closest_unit_name(v["employer_name"]) if not hits else "",
            )
            return
        wanted["employer_unit_id"] = hits[0]["id"]
    if m.duplicate(row, ("person", idno), wanted, "人员", label, "name"):
        return
    person = m.reg.people.get(idno)
    if person is None:
        m.ops.person_inserts[idno] = {
            "name": name,
            "id_number": idno,
            "employer_unit_id": None,
            "role": "",
            "phone": "",
            "bank_name": "",
            "bank_account": "",
            "note": "",
            **wanted,
        }
        m.item(row, ADD, "人员", label)
        return
    change = diff_fields(person, wanted, ("name", "employer_unit_id", *PERSON_FIELDS[1:]))
    if change[1]:
        m.ops.person_updates[person["id"]] = change
        m.ops.touched.add(("person", person["id"]))
        m.item(row, UPDATE, "人员", label, describe_change(change, LABELS))
    else:
        m.item(row, SAME, "人员", label)


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _recognition(m: Matcher, row: ParsedRow) -> None:
    v = row.values
    rtype = m.types[v["type_id"]]
    kind = rtype.subject
    if kind == SubjectKind.PERSON:
        subject = m.person_for(row)
        who = v.get("subject_name", "")
    else:
        code = v["credit_code"]
        name = v.get("subject_name")
        if name and m.code_names.setdefault(code, (row.row, name))[1] != name:
            m.same_name(row, code, name, "credit_code", "subject_name")  # the error: another name
            return
        known = m._registered.get(code) or m.registered_unit(code)
        if known is not None:
            host, who = known
        else:
            host = m.unit_for(row, "credit_code", create=True)
            if host is None:
                return
            who = m.unit_name(host, row)
        subject = host if kind == SubjectKind.UNIT else _platform_subject(m, row, host, code)
    if subject is None:
        return
    day: date = v["date"]
    label = f"{who} {v['title']} {day.isoformat()}"
    key = recognition_key(subject, v["type_id"], v["level"], v["stage"], day)
    existing = m.reg.recognitions.get(key)
    cert = v.get("cert_number")
    if existing is None and cert:  # the same 证书编号 is the same recognition, whatever its date
        existing = m.reg.by_cert.get(str(cert))
    if m.condition_keys:
        v["conditions"] = _conditions(m, row, existing)
    given = {k: v[k] for k in REC_FIELDS if k in v}
    if cert and _cert_clash(m, row, str(cert), subject):
        return
    if key not in m.seen:
        m.seen[key] = (row.row, given)
    elif m.duplicate(row, key, given, "认定", label, "title"):
        return
    if existing is None:
        valid_until = v.get("valid_until")
        if valid_until is None and rtype.valid_years:
            valid_until = m.until.get((day, rtype.valid_years))
            if valid_until is None:
                valid_until = m.until[(day, rtype.valid_years)] = _add_years(day, rtype.valid_years)
        insert = {
            "subject": subject,
            "type_id": v["type_id"],
            "level": v["level"],
            "stage": v["stage"],
            "title": v["title"],
            "date": day,
            "doc_number": v.get("doc_number", ""),
            "valid_until": valid_until,
            "status": v.get("status", "有效"),
            "status_date": v.get("status_date"),
            "evidence": v.get("evidence", ""),
            "first_year": None,
            "note": v.get("note", ""),
        }
        if "conditions" in v:
            insert["conditions"] = v["conditions"]
        if m.cert_column:
            insert["cert_number"] = v.get("cert_number", "")
        m.ops.recognition_inserts.append(insert)
        m.ops.touched.add(subject)
        m.items.append(PlanItem(row.row, ADD, "认定", label))
        return
    change = diff_fields(existing, given, REC_FIELDS)
    if change[1]:
        m.ops.recognition_updates[existing["id"]] = change
        m.ops.touched.add(subject)
        m.item(row, UPDATE, "认定", label, describe_change(change, LABELS))
    else:
        m.item(row, SAME, "认定", label)


def _cert_clash(m: Matcher, row: ParsedRow, cert: str, subject: tuple[str, Any]) -> bool:
    """A 证书编号 names one recognition: twice in the list for two subjects, or registered for
    another subject, is an error on the row."""
    first = m.certs.setdefault(cert, (row.row, subject))
    if first[0] != row.row and first[1] != subject:
        m.error(row, "cert_number", f"证书编号 {cert} 在第 {first[0]} 行已用于另一单位，请核对")
        return True
    known = m.reg.by_cert.get(cert)
    if known is not None and isinstance(subject[1], int) and subject_of(known) != subject:
        m.error(row, "cert_number", f"证书编号 {cert} 已登记在另一对象的认定记录上，请核对")
        return True
    return False


def _fact(m: Matcher, row: ParsedRow) -> None:
    v = row.values
    if "credit_code" in v:
        code = v["credit_code"]
        if not m.same_name(row, code, v.get("subject_name"), "credit_code", "subject_name"):
            return
        unit = m.reg.units.get(code)
        if unit is None:
            m.error(
                row,
                "credit_code",
                f"统一社会信用代码 {code} 的单位未登记，不能导入它的年度数据；请先登记该单位",
            )
            return
        subject: tuple[str, Any] | None = ("unit", unit["id"])
        who = unit["name"]
    else:
        subject = m.person_for(row)
        who = v.get("subject_name", "")
    if subject is None:
        return
    item_ref = v.get("item_ref", "")
    wanted: dict[str, Any] = {
        "value": v.get("value"),
        "text": v.get("text", ""),
        "unit_label": v.get("unit_label", ""),
    }
    if "reference" in v:
        wanted["reference"] = v["reference"]
    shown = v.get("text") or (
        format_yuan(round_fen(v["value"] * FEN_PER_YUAN), unit=True)
        if v.get("unit_label") == "元"
        else f"{v.get('value')} 位"
    )
    label = f"{who} {v['year']} 年 {v['indicator']}{('（' + item_ref + '）') if item_ref else ''}：{shown}"
    key = (subject, v["year"], v["indicator"], item_ref)
    if m.duplicate(row, key, wanted, "年度数据", label, "value"):
        return
    existing = m.reg.facts.get(key)
    if existing is None:
        m.ops.fact_inserts.append(
            {
                "subject": subject,
                "year": v["year"],
                "indicator": v["indicator"],
                "item_ref": item_ref,
                "reference": wanted.get("reference", ""),
                "value": wanted["value"],
                "text": wanted["text"],
                "unit_label": wanted["unit_label"],
            }
        )
        m.ops.touched.add(subject)
        m.item(row, ADD, "年度数据", label)
        return
    if existing.get("to_verify"):  # D6: the officer supplies the figure again: confirmed
        wanted = {**wanted, "to_verify": ""}
    change = diff_fields(existing, wanted, ("value", "text", "unit_label", "reference", "to_verify"))
    if change[1]:
        m.ops.fact_updates[existing["id"]] = change
        m.ops.touched.add(subject)
        m.item(row, UPDATE, "年度数据", label, describe_change(change, LABELS))
    else:
        m.item(row, SAME, "年度数据", label)
