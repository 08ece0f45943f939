"""The audit log in an auditor's words: field names in Chinese, money in 元, objects by their names.

``change_words`` turns an event's before/after JSON into lines such as
"金额：300,000.00 元" or "文号：（空） → 国科火字〔2023〕25号"; ``Namer`` names the object of
each event ("包头钢联科技有限公司 2025 年拨付（（六）国家高新技术企业认定）") by reading the
register once per page of events. The stored JSON stays as it is (the hash chain covers
it) and is shown behind 技术详情.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.money import format_yuan
from kjdesk.store.models import (
    ApprovalBatch,
    Entitlement,
    Fact,
    Instalment,
    Letter,
    Officer,
    Payment,
    Person,
    Platform,
    Recognition,
    Unit,
)
from kjdesk.validation import CITIES

FIELD_LABELS = {
    "id": "编号",
    "name": "名称",
    "credit_code": "统一社会信用代码",
    "district": "旗县区",
    "kind": "类型",
    "size_class": "企业规模",
    "industry": "行业",
    "address": "地址",
    "contact": "联系人",
    "phone": "电话",
    "registered_from": "落户日期",
    "former_names": "曾用名",
    "moved_out": "迁出日期",
    "note": "备注",
    "type_id": "类型",
    "type_name": "类型",
    "level": "级别",
    "host_unit_id": "依托单位",
    "host_name": "依托单位",
    "host_credit_code": "依托单位信用代码",
    "employer_unit_id": "工作单位",
    "employer_name": "工作单位",
    "id_masked": "身份证号",
    "id_number": "身份证号",
    "role": "角色",
    "subject_kind": "对象类型",
    "subject_id": "对象",
    "subject_name": "对象",
    "stage": "阶段",
    "title": "称号",
    "date": "日期",
    "doc_number": "文号",
    "valid_until": "有效期至",
    "status": "状态",
    "status_date": "状态日期",
    "evidence": "证明材料",
    "first_year": "首个拨付年度",
    "year": "年度",
    "indicator": "指标",
    "item_ref": "事项编号",
    "reference": "来源",
    "value": "数值",
    "text": "取值",
    "unit_label": "单位",
    "amount_fen": "金额",
    "total_fen": "总金额",
    "pending_amount_fen": "待复核金额",
    "paid_fen": "已拨金额",
    "basis": "依据",
    "clause_id": "条款",
    "instalments": "拨付计划",
    "instalment_id": "拨付计划",
    "entitlement_id": "应享资金",
    "state": "状态",
    "reason": "原因",
    "paid_on": "拨付日期",
    "voucher_no": "凭证号",
    "reverses_id": "冲销的拨付记录",
    "addressee": "主送单位",
    "issued_on": "成文日期",
    "number": "发文字号",
    "replaces": "替代的通知书",
    "sha256": "文件校验值",
    "username": "用户名",
    "display_name": "姓名",
    "added": "新增",
    "changed": "变化",
    "flagged": "待复核",
    "removed": "移除",
    "source": "来源",
    "file": "文件",
    "added_ids": "新增的记录",
    "updated": "更新的记录",
    "cert_number": "证书编号",
    "conditions": "登记条件",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "size_written": "企业规模（名单原文）",
    "district_fen": "区财政承担",
    "count": "份数",
    "first": "首份",
    "last": "末份",
    "cancelled": "中途取消",
    "layout": "版式",
    "fonts": "字体",
    "font_notes": "字体说明",
}
SETTING_LABELS = {
    "city": "所服务的城市",
    "bureau_name": "科技局名称",
    "letter_pattern": "发文字号格式",
}
STATE_WORDS = {
    "planned": "计划",
    "proposed": "已报批",
    "approved": "已审批",
    "paid": "已拨付",
    "cancelled": "已取消",
    "returned": "已退回",
}
SUBJECT_KIND_WORDS = {"unit": "单位", "platform": "平台", "person": "人员"}
EMPTY = "（空）"


@cache
def clause_names() -> dict[str, str]:
    """Every clause of both catalogs as its policy names it (catalog ids are unique across cities)."""
    from kjdesk.policy.catalog import builtin_policies

    return {c.id: f"{c.article}{c.title}" for p in builtin_policies() for c in p.clauses}


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def value_words(key: str, value: Any) -> str:
    """One value as an auditor reads it: 元 for 分, states and cities in words, lists counted."""
    if value is None or value == "" or value == []:
        return EMPTY
    if key.endswith("_fen") and isinstance(value, int) and not isinstance(value, bool):
        return f"{format_yuan(value)} 元"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "state" and isinstance(value, str):
        return STATE_WORDS.get(value, value)
    if key == "clause_id" and isinstance(value, str):
        return clause_names().get(value, value)
    if key == "conditions" and isinstance(value, str):
        return _conditions_words(value)
    if key == "subject_kind" and isinstance(value, str):
        return SUBJECT_KIND_WORDS.get(value, value)
    if key == "instalments" and isinstance(value, list):
        return f"{len(value)} 笔（编号 {'、'.join(str(v) for v in value[:20])}{'……' if len(value) > 20 else ''}）"
    if isinstance(value, str) and value in CITIES:
        return str(CITIES[value]["name"])
    if isinstance(value, list):
        return "、".join(value_words(key, v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)} {value_words(k, v)}" for k, v in value.items())
    return str(value)


def _conditions_words(text: str) -> str:
    """The recorded conditions ("纳税地在本市：是"), not their JSON."""
    from kjdesk.policy.conditions import BY_KEY

    try:
        values = json.loads(text)
    except ValueError:
        return text
    if not isinstance(values, dict):
        return text
    words = [f"{BY_KEY[k].label if k in BY_KEY else k}：{v}" for k, v in values.items() if v]
    return "；".join(words) or EMPTY


def _parse(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


# shown by name beside, or technical (behind 技术详情)
SKIPPED = (
    "id",
    "subject_id",
    "host_unit_id",
    "employer_unit_id",
    "type_id",
    "entitlement_id",
    "sha256",
    "decision_id",
    "recognition_id",
)


def change_lines(entity: str, entity_id: str, before: str, after: str) -> list[str]:
    """What an event changed, one line per field, in words."""
    old, new = _parse(before), _parse(after)
    if entity == "settings":
        label = SETTING_LABELS.get(entity_id, entity_id)
        if old is None:
            return [f"{label}：{value_words(entity_id, new)}"]
        return [f"{label}：{value_words(entity_id, old)} → {value_words(entity_id, new)}"]
    if isinstance(old, dict) and isinstance(new, dict):
        keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k) and k not in SKIPPED]
        return [
            f"{field_label(k)}：{value_words(k, old.get(k))} → {value_words(k, new.get(k))}" for k in keys
        ]
    one = new if isinstance(new, dict) else old if isinstance(old, dict) else None
    if one is not None:
        prefix = "" if new is not None else "删除前："
        lines = [
            f"{field_label(k)}：{value_words(k, v)}"
            for k, v in one.items()
            if k not in SKIPPED and v not in (None, "", [])
        ]
        return [prefix + line for line in lines] if prefix else lines
    if old is None and new is None:
        return []
    if old is None:
        return [value_words("", new)]
    return [f"{value_words('', old)} → {value_words('', new)}"]


def change_words(entity: str, entity_id: str, before: str, after: str) -> str:
    return "；".join(change_lines(entity, entity_id, before, after))


def _ints(ids: Iterable[str]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


class Namer:
    """Names the objects of a set of audit events with a few queries (not one per event)."""

    def __init__(self, session: Session, events: Iterable[tuple[str, str]], city: str | None = None) -> None:
        self.names: dict[tuple[str, str], str] = {}
        wanted: dict[str, set[str]] = defaultdict(set)
        for entity, entity_id in events:
            if entity == "entitlements" and ":" in entity_id:
                kind, _, sid = entity_id.partition(":")
                wanted[kind].add(sid)
            wanted[entity].add(entity_id)
        s = session
        self.units = self._simple(s, Unit, wanted["unit"])
        self.platforms = self._simple(s, Platform, wanted["platform"])
        self.people = self._simple(s, Person, wanted["person"])
        self.clauses = self._clauses(city)
        for uid, name in self.units.items():
            self.names[("unit", str(uid))] = name
        for pid, name in self.platforms.items():
            self.names[("platform", str(pid))] = name
        for pid, name in self.people.items():
            self.names[("person", str(pid))] = name
        for entity_id in wanted["entitlements"]:
            kind, _, sid = entity_id.partition(":")
            who = {"unit": self.units, "platform": self.platforms, "person": self.people}.get(kind, {})
            if sid.isdigit() and int(sid) in who:
                self.names[("entitlements", entity_id)] = f"{who[int(sid)]}的应享资金"
        self._recognitions(s, _ints(wanted["recognition"]))
        self._facts(s, _ints(wanted["fact"]))
        self._entered(s, _ints(wanted["entered_amount"]))
        self._instalments(s, _ints(wanted["instalment"]))
        self._payments(s, _ints(wanted["payment"]))
        self._batches(s, _ints(wanted["approval_batch"]))
        self._letters(s, _ints(wanted["letter"]))
        self._entitlements(s, _ints(wanted["entitlement"]))
        self._officers(s, wanted["officer"])
        for key in wanted["settings"]:
            self.names[("settings", key)] = SETTING_LABELS.get(key, key)
        for key in wanted["closed_year"] | wanted["calendar_year"]:
            self.names.setdefault(("closed_year", key), f"{key} 年")
            self.names.setdefault(("calendar_year", key), f"{key} 年")

    def name(self, entity: str, entity_id: str) -> str:
        return self.names.get((entity, entity_id), "")

    @staticmethod
    def _simple(s: Session, model: Any, ids: set[str]) -> dict[int, str]:
        wanted = _ints(ids)
        out: dict[int, str] = {}
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            out.update(dict(s.execute(select(model.id, model.name).where(model.id.in_(part))).all()))
        return out

    @staticmethod
    def _clauses(city: str | None) -> dict[str, str]:
        from kjdesk.policy.catalog import builtin_policies

        out = {}
        for p in builtin_policies():
            if city is None or p.document.city == city:
                out.update({c.id: f"{c.article}{c.title}" for c in p.clauses})
        return out

    def _subject(
        self, s: Session, unit_id: int | None, platform_id: int | None, person_id: int | None
    ) -> str:
        for ident, table, model in (
            (unit_id, self.units, Unit),
            (platform_id, self.platforms, Platform),
            (person_id, self.people, Person),
        ):
            if ident is not None:
                if ident not in table:
                    found = s.get(model, ident)
                    table[ident] = found.name if found is not None else f"（已删除，编号 {ident}）"
                return table[ident]
        return ""

    def _recognitions(self, s: Session, ids: list[int]) -> None:
        from kjdesk.policy.titles import builtin_titles

        types = builtin_titles().types
        for r in s.scalars(select(Recognition).where(Recognition.id.in_(ids))) if ids else ():
            kind = types.get(r.type_id)
            what = r.title or (kind.name if kind else r.type_id)
            who = self._subject(s, r.unit_id, r.platform_id, r.person_id)
            self.names[("recognition", str(r.id))] = f"{who}的{what}（{r.date.isoformat()}）"

    def _facts(self, s: Session, ids: list[int]) -> None:
        for f in s.scalars(select(Fact).where(Fact.id.in_(ids))) if ids else ():
            who = self._subject(s, f.unit_id, f.platform_id, f.person_id)
            self.names[("fact", str(f.id))] = f"{who} {f.year} 年{f.indicator}"

    def _entered(self, s: Session, ids: list[int]) -> None:
        from kjdesk.store.models import EnteredAmount

        for e in s.scalars(select(EnteredAmount).where(EnteredAmount.id.in_(ids))) if ids else ():
            who = self._subject(s, e.unit_id, e.platform_id, e.person_id)
            clause = self.clauses.get(e.clause_id, clause_names().get(e.clause_id, e.clause_id))
            self.names[("entered_amount", str(e.id))] = f"{who} {e.year} 年（{clause}）"

    def _entitlement_words(self, s: Session, e: Entitlement) -> tuple[str, str]:
        who = self._subject(s, e.payee_unit_id or e.unit_id, e.platform_id, e.person_id)
        return who, self.clauses.get(e.clause_id, e.clause_id)

    def _entitlements(self, s: Session, ids: list[int]) -> None:
        for e in s.scalars(select(Entitlement).where(Entitlement.id.in_(ids))) if ids else ():
            who, clause = self._entitlement_words(s, e)
            self.names[("entitlement", str(e.id))] = f"{who}：{clause}"

    def _instalment_words(self, s: Session, inst: Instalment) -> str:
        e = s.get(Entitlement, inst.entitlement_id)
        if e is None:
            return f"{inst.year} 年拨付"
        who, clause = self._entitlement_words(s, e)
        return f"{who} {inst.year} 年拨付（{clause}）"

    def _instalments(self, s: Session, ids: list[int]) -> None:
        for inst in s.scalars(select(Instalment).where(Instalment.id.in_(ids))) if ids else ():
            self.names[("instalment", str(inst.id))] = self._instalment_words(s, inst)

    def _payments(self, s: Session, ids: list[int]) -> None:
        for p in s.scalars(select(Payment).where(Payment.id.in_(ids))) if ids else ():
            inst = s.get(Instalment, p.instalment_id)
            what = self._instalment_words(s, inst) if inst is not None else ""
            self.names[("payment", str(p.id))] = f"{what}，凭证号 {p.voucher_no}"

    def _batches(self, s: Session, ids: list[int]) -> None:
        for b in s.scalars(select(ApprovalBatch).where(ApprovalBatch.id.in_(ids))) if ids else ():
            self.names[("approval_batch", str(b.id))] = f"{b.year} 年报批批次 {b.id}"

    def _letters(self, s: Session, ids: list[int]) -> None:
        for letter in s.scalars(select(Letter).where(Letter.id.in_(ids))) if ids else ():
            self.names[("letter", str(letter.id))] = f"{letter.number}（{letter.addressee}）"

    def _officers(self, s: Session, keys: set[str]) -> None:
        if not keys:
            return
        ids = _ints(keys)
        q = select(Officer).where(Officer.username.in_(list(keys)) | Officer.id.in_(ids))
        for o in s.scalars(q):
            label = f"{o.display_name}（{o.role}）" if o.display_name else o.username
            self.names[("officer", o.username)] = label
            self.names[("officer", str(o.id))] = label
