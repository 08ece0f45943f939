"""Matching parsed roster rows against the register: what would be added, updated, unchanged.

``Register.load`` reads what the import needs in a handful of queries (every unit by
credit code, every person by ID number, …) into dicts; ``match`` then decides each row in
plain Python, never one query per row. The result is an ``Ops`` (the writes to make) plus a
``PlanItem`` per row; problems that need the register are added to the context's errors.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.io.roster_schema import CONDITION_PREFIX
from kjdesk.policy.model import LEVEL_RANK, Level
from kjdesk.policy.titles import builtin_titles
from kjdesk.services.imports.rows import ParseContext, ParsedRow
from kjdesk.store.models import Fact, Person, Platform, Recognition, Unit

ADD, UPDATE, SAME = "新增", "更新", "不变"

UNIT_FIELDS = (
    "name",
    "district",
    "kind",
    "size_class",
    "size_written",
    "industry",
    "address",
    "contact",
    "phone",
    "bank_name",
    "bank_account",
    "registered_from",
    "note",
    "conditions",  # D14: only when the roster has condition columns
)
UNIT_DEFAULTS: dict[str, Any] = {
    "kind": "企业",
    "size_class": "",
    "size_written": "",
    "industry": "",
    "address": "",
    "contact": "",
    "phone": "",
    "bank_name": "",
    "bank_account": "",
    "registered_from": None,
    "note": "",
    "former_names": "",
    "moved_out": None,
}
SUGGEST_LIMIT = 200  # distinct names per import for which the closest registered name is searched
REC_FIELDS = (
    "doc_number",
    "evidence",
    "valid_until",
    "status",
    "status_date",
    "note",
    "conditions",
    "cert_number",
)


@dataclass(frozen=True)
class PlanItem:
    row: int
    action: str  # 新增 / 更新 / 不变
    entity: str  # 单位 / 平台 / 人员 / 认定 / 年度数据
    label: str
    detail: str = ""


Change = tuple[dict[str, Any], dict[str, Any]]  # before, after (changed fields only)


@dataclass
class Ops:
    """The writes a commit makes. Subjects not yet registered are named by a pending key."""

    unit_inserts: dict[str, dict[str, Any]] = field(default_factory=dict)  # credit code → row
    unit_updates: dict[int, Change] = field(default_factory=dict)
    platform_inserts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (host code, name)
    platform_updates: dict[int, Change] = field(default_factory=dict)
    person_inserts: dict[str, dict[str, Any]] = field(default_factory=dict)
    person_updates: dict[int, Change] = field(default_factory=dict)
    recognition_inserts: list[dict[str, Any]] = field(default_factory=list)
    recognition_updates: dict[int, Change] = field(default_factory=dict)
    fact_inserts: list[dict[str, Any]] = field(default_factory=list)
    fact_updates: dict[int, Change] = field(default_factory=dict)
    touched: set[tuple[str, Any]] = field(default_factory=set)  # ("unit", id) or ("unit", "new:CODE") …


@dataclass
class Register:
    units: dict[str, dict[str, Any]]
    people: dict[str, dict[str, Any]]
    platforms: dict[tuple[int, str], dict[str, Any]]
    recognitions: dict[tuple, dict[str, Any]]
    facts: dict[tuple, dict[str, Any]]
    platform_types: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict)
    by_cert: dict[str, dict[str, Any]] = field(default_factory=dict)  # 证书编号 → recognition

    @classmethod
    def load(cls, session: Session, kind: str) -> Register:
        unit_cols = (
            Unit.__table__.c if kind == "units" else _cols(Unit, "id", "credit_code", "name", "former_names")
        )
        units = {r["credit_code"]: r for r in _dicts(session, unit_cols)}
        people: dict[str, dict[str, Any]] = {}
        if kind in ("people", "recognitions", "facts"):
            people = {r["id_number"]: r for r in _dicts(session, Person.__table__.c)}
        platforms: dict[tuple[int, str], dict[str, Any]] = {}
        if kind in ("platforms", "recognitions"):
            platforms = {(r["host_unit_id"], r["name"]): r for r in _dicts(session, Platform.__table__.c)}
        recognitions: dict[tuple, dict[str, Any]] = {}
        by_cert: dict[str, dict[str, Any]] = {}
        if kind == "recognitions":
            cols = _cols(
                Recognition,
                "id",
                "unit_id",
                "platform_id",
                "person_id",
                "type_id",
                "level",
                "stage",
                "date",
                *REC_FIELDS,
            )
            for r in _dicts(session, cols):
                recognitions[
                    recognition_key(subject_of(r), r["type_id"], r["level"], r["stage"], r["date"])
                ] = r
                if r["cert_number"]:
                    by_cert[r["cert_number"]] = r
        facts: dict[tuple, dict[str, Any]] = {}
        if kind == "facts":
            for r in _dicts(session, Fact.__table__.c):
                facts[(subject_of(r), r["year"], r["indicator"], r["item_ref"])] = r
        by_type: dict[tuple[int, str], list[dict[str, Any]]] = {}
        for p in platforms.values():
            by_type.setdefault((p["host_unit_id"], p["type_id"]), []).append(p)
        return cls(units, people, platforms, recognitions, facts, by_type, by_cert)


def _cols(model: type, *names: str) -> list[Any]:
    return [model.__table__.c[n] for n in names]


def _dicts(session: Session, cols: Any) -> list[dict[str, Any]]:
    """Rows of the given columns as plain dicts (one query, no ORM objects)."""
    cols = list(cols)
    keys = [c.key for c in cols]
    return [dict(zip(keys, row, strict=True)) for row in session.execute(select(*cols))]


def subject_of(r: Any) -> tuple[str, Any]:
    if r["unit_id"] is not None:
        return ("unit", r["unit_id"])
    if r["platform_id"] is not None:
        return ("platform", r["platform_id"])
    return ("person", r["person_id"])


def recognition_key(subject: tuple[str, Any], type_id: str, level: str, stage: str, day: date) -> tuple:
    return (subject, type_id, level, stage, day)


def unit_names(unit: dict[str, Any]) -> set[str]:
    return {unit["name"], *filter(None, unit["former_names"].splitlines())}


def diff_fields(current: dict[str, Any], wanted: dict[str, Any], keys: tuple[str, ...]) -> Change:
    before, after = {}, {}
    for k in keys:
        if k in wanted and current.get(k) != wanted[k]:
            before[k], after[k] = current.get(k), wanted[k]
    return before, after


def describe_change(change: Change, labels: dict[str, str]) -> str:
    before, after = change
    return "；".join(f"{labels.get(k, k)}：{_show(before[k])} → {_show(after[k])}" for k in after)


def _show(v: Any) -> str:
    if v is None or v == "":
        return "（空）"
    return v.isoformat() if isinstance(v, date) else str(v)


LABELS = {
    "name": "名称",
    "district": "旗县区",
    "kind": "单位类型",
    "size_class": "企业规模",
    "size_written": "企业规模（原文）",
    "industry": "行业",
    "address": "地址",
    "contact": "联系人",
    "phone": "电话",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "registered_from": "落户日期",
    "note": "备注",
    "type_id": "平台类型",
    "level": "级别",
    "employer_unit_id": "工作单位",
    "role": "身份",
    "doc_number": "文号",
    "evidence": "证明材料",
    "valid_until": "有效期至",
    "status": "状态",
    "status_date": "状态日期",
    "value": "数值",
    "text": "取值",
    "reference": "来源",
    "former_names": "曾用名",
    "conditions": "登记条件",
    "cert_number": "证书编号",
    "to_verify": "须核实",
}


class Matcher:
    def __init__(self, ctx: ParseContext, reg: Register) -> None:
        self.ctx, self.reg = ctx, reg
        self.ops = Ops()
        self.items: list[PlanItem] = []
        self.code_names: dict[str, tuple[int, str]] = {}  # file-level: code → (first row, name)
        self.seen: dict[tuple, tuple[int, dict[str, Any]]] = {}
        self._registered: dict[str, tuple[tuple[str, Any], str]] = {}
        self._closest: dict[str, str] = {}
        self._all_names: list[str] | None = None
        self._codes_by_name: dict[str, str] | None = None
        self.certs: dict[str, tuple[int, tuple[str, Any]]] = {}  # file-level: 证书编号 → (first row, subject)
        self.condition_keys = [k for k in ctx.mapping if k.startswith(CONDITION_PREFIX)]  # D14 columns
        self.cert_column = "cert_number" in ctx.mapping
        self.types = builtin_titles().types
        self.until: dict[tuple[date, int], date] = {}  # (date, years) → the date years later

    def error(self, row: ParsedRow, key: str, reason: str, suggestion: str = "") -> None:
        self.ctx.error(row.row, key, row.values.get(key, ""), reason, suggestion)

    def registered_code_of(self, name: str | None) -> str:
        """建议修改 of an unregistered code: the code of the registered unit whose name is (closest to)
        the row's name, "" when none is close."""
        if not name:
            return ""
        closest = self.closest_unit_name(name)
        return self._names_to_codes().get(closest, "") if closest else ""

    def _names_to_codes(self) -> dict[str, str]:
        if self._codes_by_name is None:
            self._codes_by_name = {}
            for u in self.reg.units.values():
                for n in unit_names(u):
                    self._codes_by_name.setdefault(n, u["credit_code"])
        return self._codes_by_name

    def closest_unit_name(self, name: str) -> str:
        """The registered unit name closest to ``name`` (建议修改 of a name that is not registered).

        An exact name is found at once; difflib over every registered name runs for the first
        ``SUGGEST_LIMIT`` distinct names only, so a list of thousands of unregistered names
        (imported before its units) stays linear."""
        if name in self._names_to_codes():
            return name
        hit = self._closest.get(name)
        if hit is None:
            if len(self._closest) >= SUGGEST_LIMIT:
                return ""
            if self._all_names is None:
                self._all_names = sorted(self._names_to_codes())
            close = difflib.get_close_matches(name, self._all_names, n=1, cutoff=0.6)
            hit = self._closest[name] = close[0] if close else ""
        return hit

    def item(self, row: ParsedRow, action: str, entity: str, label: str, detail: str = "") -> None:
        self.items.append(PlanItem(row.row, action, entity, label, detail))

    def same_name(self, row: ParsedRow, code: str, name: str | None, code_key: str, name_key: str) -> bool:
        """A code twice in the file with two different names is an error on the second row."""
        if not name:
            return True
        first = self.code_names.setdefault(code, (row.row, name))
        if first[1] != name:
            self.ctx.error(
                row.row,
                name_key,
                name,
                f"统一社会信用代码 {code} 在第 {first[0]} 行的名称是“{first[1]}”，与本行不同，请核对",
            )
            return False
        return True

    def duplicate(
        self, row: ParsedRow, key: tuple, values: dict[str, Any], entity: str, label: str, blame: str
    ) -> bool:
        """True when ``key`` appeared on an earlier row (identical rows pass as unchanged)."""
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = (row.row, values)
            return False
        if earlier[1] == values:
            self.item(row, SAME, entity, label, f"与第 {earlier[0]} 行重复")
        else:
            self.ctx.error(
                row.row,
                blame,
                row.values.get(blame, ""),
                f"与第 {earlier[0]} 行是同一条记录，但内容不同，请保留一行",
            )
        return True

    # --- subjects ----------------------------------------------------------------------

    def unit_for(self, row: ParsedRow, code_key: str, create: bool) -> tuple[str, Any] | None:
        """("unit", id) of a registered unit, ("unit", "new:CODE") of one this file registers, or None."""
        code = row.values[code_key]
        unit = self.reg.units.get(code)
        if unit is not None:
            return ("unit", unit["id"])
        if code in self.ops.unit_inserts:
            return ("unit", f"new:{code}")
        name, district = row.values.get("subject_name"), row.values.get("district")
        if create and name and district:
            self.ops.unit_inserts[code] = {
                **UNIT_DEFAULTS,
                "name": name,
                "credit_code": code,
                "district": district,
            }
            return ("unit", f"new:{code}")
        hint = (
            "请先导入单位名录，或在名单中加“单位名称”和“旗县区”两列以便同时登记"
            if create
            else "请先登记该单位"
        )
        self.error(
            row, code_key, f"统一社会信用代码 {code} 的单位未登记；{hint}", self.registered_code_of(name)
        )
        return None

    def registered_unit(self, code: str) -> tuple[tuple[str, Any], str] | None:
        """("unit", id) and name of a registered unit (what ``unit_for`` and ``unit_name`` say of it)."""
        hit = self._registered.get(code)
        if hit is None:
            unit = self.reg.units.get(code)
            if unit is None:
                return None
            hit = self._registered[code] = (("unit", unit["id"]), unit["name"])
        return hit

    def unit_name(self, subject: tuple[str, Any], row: ParsedRow) -> str:
        if isinstance(subject[1], str):
            return self.ops.unit_inserts[subject[1][4:]]["name"]
        code = row.values.get("credit_code") or row.values.get("host_code")
        return self.reg.units[code]["name"]

    def person_for(self, row: ParsedRow) -> tuple[str, Any] | None:
        person = self.reg.people.get(row.values["id_number"])
        if person is None:
            self.error(row, "id_number", "该身份证号的人员未登记，请先导入人员名录")
            return None
        return ("person", person["id"])


def level_rank(level: str) -> int:
    rank = LEVEL_RANK.get(level)  # type: ignore[call-overload]  # a StrEnum member equals its value
    return rank if rank is not None else LEVEL_RANK.get(Level(level), 0)
