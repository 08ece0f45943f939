"""D14: the recorded conditions of units and recognitions, as the services keep them.

A record keeps its conditions as canonical JSON text (attribute key → value, keys sorted,
blanks left out) in its ``conditions`` column; the forms, the roster import and the CLI all
go through ``encode`` / ``decode`` / ``check``, so a value outside an attribute's choices
never lands. The attributes themselves are declared once, in ``policy/conditions.py``.
"""

from __future__ import annotations

import json

from kjdesk.policy.conditions import (
    ATTRIBUTES,
    BY_KEY,
    BY_LABEL,
    RECOGNITION_ATTRIBUTES,
    UNIT_ATTRIBUTES,
    Attribute,
)

__all__ = [
    "ATTRIBUTES",
    "RECOGNITION_ATTRIBUTES",
    "UNIT_ATTRIBUTES",
    "Attribute",
    "check",
    "decode",
    "describe",
    "encode",
    "parse_pairs",
]


def decode(text: str | None) -> dict[str, str]:
    """The recorded conditions of a record (``{}`` when none or unreadable)."""
    if not text:
        return {}
    try:
        values = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in values.items() if str(v).strip()} if isinstance(values, dict) else {}


def encode(values: dict[str, str]) -> str:
    """Canonical JSON of recorded conditions; blanks left out, "" when nothing is recorded."""
    kept = {k: v.strip() for k, v in values.items() if v and v.strip()}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else ""


def check(values: dict[str, str], of: str) -> str:
    """Why the recorded conditions cannot be kept (Chinese), or ""."""
    for key, value in values.items():
        attribute = BY_KEY.get(key)
        if attribute is None or attribute.of != of:
            return f"未知的登记条件“{key}”"
        if value and value.strip() and value.strip() not in attribute.choices:
            return f"“{attribute.label}”只能填写：{'、'.join(attribute.choices)}（填写的是“{value}”）"
    return ""


def parse_pairs(items: list[str], of: str) -> dict[str, str]:
    """``["纳税地在本市=是", "tax_seat_in_city=否"]`` (the CLI's form) → ``{key: value}``; raises ValueError."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        attribute = BY_LABEL.get(name.strip()) or BY_KEY.get(name.strip())
        if not sep or attribute is None or attribute.of != of:
            known = "、".join(a.label for a in ATTRIBUTES if a.of == of)
            raise ValueError(f"“{item}”不是“条件=值”的形式或条件名未知（可登记：{known}）")
        out[attribute.key] = value.strip()
    return out


def describe(text: str | None) -> str:
    """``纳税地在本市：是；…`` for tables and letters; "" when nothing is recorded."""
    values = decode(text)
    return "；".join(f"{BY_KEY[k].label}：{v}" for k, v in values.items() if k in BY_KEY)


def attributes_for_type(type_id: str) -> tuple[Attribute, ...]:
    """The recognition attributes a clause of either city's catalog asks for this recognition type
    (the form shows only these)."""
    from kjdesk.policy.catalog import builtin_policies

    keys: set[str] = set()
    for policy in builtin_policies():
        for clause in policy.clauses:
            if clause.trigger is not None and clause.trigger.recognition == type_id:
                keys.update(c.attribute for c in clause.conditions)
    return tuple(a for a in RECOGNITION_ATTRIBUTES if a.key in keys)
