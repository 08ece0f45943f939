"""Matching a published list's names to the register, for rows that give no credit code.

A name is compared after normalisation (``name_key``): full- and half-width letters and
brackets read alike, spaces and line breaks are dropped, letters are case-folded. An exact
match on one registered unit (its name or a 曾用名) is taken; two registered units with the
same normalised name make the row ambiguous; "有限公司" written for "有限责任公司" (or the
other way) is only proposed. Other near names are proposed too, found through an index of
character pairs so that 100,000 rows against 20,000 units never compare every pair: a
row looks only at the units that share its rarer pairs, then difflib ranks a handful.

What the officer answered for a name (this wording is that unit) is remembered in the
database (``import_answers``) and taken before any matching on the next list.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_BRACKETS = str.maketrans(
    {"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")", "﹝": "(", "﹞": ")"}
)
POSTING_CAP = 64  # units looked at per character pair (the common pairs 有限, 公司 … are skipped)
RARE_PAIRS = 8  # the rarest pairs of a name that are looked up
SHORTLIST = 12  # units ranked by difflib per name
NEAR = 0.6  # difflib ratio from which a registered name is proposed
SHOWN = 3  # candidates named per question
DETAILED = 5000  # questions given near names (a list of 100,000 strangers is not searched 100,000 times)

# the actions an officer can take on a question
PICK, NEW, SKIP = "unit", "new", "skip"


def name_key(text: object) -> str:
    """The name as compared: NFKC (full-width → half-width), one kind of bracket, no spaces or
    line breaks, letters case-folded."""
    raw = unicodedata.normalize("NFKC", "" if text is None else str(text)).translate(_BRACKETS)
    return "".join(raw.split()).casefold()


def loose_key(key: str) -> str:
    """有限责任公司 and 有限公司 read alike (only ever a suggestion)."""
    return key.replace("有限责任公司", "有限公司")


_BRACKETED = re.compile(r"\([^()]*\)")
_PLACES = ("内蒙古自治区", "内蒙古", "包头市", "包头", "乌海市", "乌海")
_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")


def core_key(key: str) -> str:
    """The distinctive part of a name: without the city in front and the company form behind
    (every 包头市…有限公司 would otherwise look alike)."""
    core = _BRACKETED.sub("", key)  # (分公司), (集团) …
    for place in _PLACES:
        if core.startswith(place):
            core = core[len(place) :]
            break
    for form in _FORMS:
        if core.endswith(form) and len(core) > len(form):
            core = core[: -len(form)]
    return core or key


def _pairs(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} if len(key) > 1 else {key}


@dataclass(frozen=True)
class Candidate:
    unit_id: int
    name: str
    credit_code: str
    why: str  # 重名 / 写法仅“有限公司/有限责任公司”不同 / 相似度 87%

    def line(self) -> str:
        return f"{self.name}（{self.credit_code}，{self.why}）"


@dataclass
class NameQuestion:
    """A name the register does not settle: not registered, ambiguous, or only near."""

    name: str  # as the list writes it (first row)
    key: str
    rows: list[int] = field(default_factory=list)
    reason: str = ""  # 未登记 / 有重名
    candidates: list[Candidate] = field(default_factory=list)

    def line(self) -> str:
        rows = "、".join(str(r) for r in self.rows[:10]) + ("等" if len(self.rows) > 10 else "")
        near = "；".join(c.line() for c in self.candidates)
        hint = f"最接近的已登记单位：{near}" if near else "名录中没有相近的单位"
        return f"第 {rows} 行“{self.name}”{self.reason}，{hint}"


@dataclass(frozen=True)
class NameAnswer:
    """The officer's answer to a question: this unit, a new unit (code and district), or skip."""

    action: str  # PICK / NEW / SKIP
    unit_id: int | None = None
    credit_code: str = ""
    district: str = ""
    remember: bool = True  # PICK: keep the answer for the next list


class NameIndex:
    """The register's unit names, normalised, with an index of character pairs."""

    def __init__(self, units: dict[str, dict[str, Any]]) -> None:
        self.by_id: dict[int, dict[str, Any]] = {}
        self.exact: dict[str, list[int]] = {}
        self.loose: dict[str, list[int]] = {}
        self.keys: dict[int, list[str]] = {}
        self.pairs: dict[str, list[int]] = {}
        for unit in units.values():
            uid = unit["id"]
            self.by_id[uid] = unit
            names = [unit["name"], *filter(None, (unit.get("former_names") or "").splitlines())]
            keys = list(dict.fromkeys(k for k in map(name_key, names) if k))
            self.keys[uid] = keys
            for key in keys:
                _add(self.exact, key, uid)
                _add(self.loose, loose_key(key), uid)
                for pair in _pairs(key):
                    _add(self.pairs, pair, uid)

    def exact_ids(self, key: str) -> list[int]:
        return self.exact.get(key, [])

    def _candidate(self, uid: int, why: str) -> Candidate:
        unit = self.by_id[uid]
        return Candidate(uid, unit["name"], unit["credit_code"], why)

    def question(self, name: str, key: str, near: bool = True) -> NameQuestion:
        """Why ``key`` is not settled, and the closest registered units (``near``: also similar names)."""
        same = self.exact_ids(key)
        if len(same) > 1:
            cands = [self._candidate(uid, "同名") for uid in same]
            return NameQuestion(name, key, reason="与多个已登记单位同名，无法确定是哪一个", candidates=cands)
        found: list[Candidate] = []
        seen: set[int] = set()
        for uid in self.loose.get(loose_key(key), []):
            found.append(self._candidate(uid, "仅“有限公司/有限责任公司”写法不同"))
            seen.add(uid)
        for uid, ratio in self.near(key) if near and self.by_id else ():
            if uid not in seen and len(found) < SHOWN:
                found.append(self._candidate(uid, f"相似度 {round(ratio * 100)}%"))
                seen.add(uid)
        return NameQuestion(name, key, reason="在单位名录中找不到", candidates=found[:SHOWN])

    def near(self, key: str) -> list[tuple[int, float]]:
        """Registered units whose names are close to ``key``, best first (ratio ≥ NEAR)."""
        pairs = sorted(_pairs(key), key=lambda p: len(self.pairs.get(p, ())))
        counts: Counter[int] = Counter()
        for pair in pairs[:RARE_PAIRS]:
            posting = self.pairs.get(pair)
            if posting:
                counts.update(posting[:POSTING_CAP])
        best: dict[int, float] = {}
        core = core_key(key)
        matcher = difflib.SequenceMatcher(None, "", core)
        for uid, _n in counts.most_common(SHORTLIST):
            for other in map(core_key, self.keys[uid]):
                if abs(len(other) - len(core)) > max(len(core), len(other)) // 2:
                    continue
                matcher.set_seq1(other)
                if matcher.real_quick_ratio() < NEAR or matcher.quick_ratio() < NEAR:
                    continue
                ratio = matcher.ratio()
                if ratio >= NEAR and ratio > best.get(uid, 0.0):
                    best[uid] = ratio
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))


def _add(index: dict[str, list[int]], key: str, uid: int) -> None:
    """Units are added one after another: a unit already listed under ``key`` is the last one."""
    ids = index.get(key)
    if ids is None:
        index[key] = [uid]
    elif ids[-1] != uid:
        ids.append(uid)


@dataclass
class NameOutcome:
    """What name matching decided for a list."""

    questions: list[NameQuestion] = field(default_factory=list)  # unsettled, in row order
    skipped: list[NameQuestion] = field(default_factory=list)  # left out (--skip-unmatched or 跳过)
    held: set[int] = field(default_factory=set)  # rows not matched further (skipped or unsettled)
    by_answer: int = 0  # rows settled by a remembered answer
    by_name: int = 0  # rows settled by an exact normalised name
    answered: dict[str, tuple[str, int]] = field(default_factory=dict)  # key → (name, unit) picked now


def needs_name(values: dict[str, object]) -> bool:
    """A row that names its unit but gives no code (people are never matched by name)."""
    return "credit_code" not in values and "id_number" not in values and bool(values.get("subject_name"))


def resolve_names(
    rows: list,  # ParsedRow
    units: dict[str, dict[str, Any]],
    answers: dict[str, NameAnswer],
    remembered: dict[str, int],
    skip_unmatched: bool,
    bad: set[int],
) -> NameOutcome:
    """Give each name-only row the credit code of its unit, or hold it with a question.

    ``answers`` (this import's, by ``name_key``) come first, then ``remembered`` (stored
    answers: key → unit id), then an exact normalised name. Rows in ``bad`` already have
    errors and are left alone."""
    out = NameOutcome()
    pending = [r for r in rows if r.row not in bad and needs_name(r.values)]
    if not pending:
        return out
    index = NameIndex(units)
    asked: dict[str, NameQuestion] = {}
    for row in pending:
        v = row.values
        name = str(v["subject_name"])
        key = name_key(name)
        answer = answers.get(key)
        uid: int | None = None
        if answer is not None:
            if answer.action == SKIP:
                q = asked.get(key) or asked.setdefault(key, NameQuestion(name, key, reason="已选择跳过"))
                q.rows.append(row.row)
                if q not in out.skipped:
                    out.skipped.append(q)
                out.held.add(row.row)
                continue
            if answer.action == NEW:
                v["credit_code"] = answer.credit_code
                if answer.district:
                    v.setdefault("district", answer.district)
                continue
            uid = answer.unit_id if answer.unit_id in index.by_id else None
            if uid is not None:
                out.answered.setdefault(key, (name, uid))
        if uid is None and key in remembered and remembered[key] in index.by_id:
            uid = remembered[key]
            out.by_answer += 1
        if uid is None:
            same = index.exact_ids(key)
            if len(same) == 1:
                uid = same[0]
                out.by_name += 1
        if uid is not None:
            unit = index.by_id[uid]
            v["credit_code"] = unit["credit_code"]
            v["subject_name"] = unit["name"]  # the register's name: one unit, one name in the plan
            continue
        q = asked.get(key)
        if q is None:
            q = asked[key] = index.question(name, key, near=len(asked) < DETAILED)
            (out.skipped if skip_unmatched else out.questions).append(q)
        q.rows.append(row.row)
        out.held.add(row.row)
    return out
