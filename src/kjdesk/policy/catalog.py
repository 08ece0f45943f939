"""Load a policy catalog (``resources/policies/<city>-<year>.toml``) into a ``Policy``.

``load_policy(path)`` parses the TOML with ``tomllib``, validates it against the schema of
``catalog_schema`` and builds the frozen dataclasses of ``model`` (amounts in 万元 become
integer 分 through ``wan_to_fen``). ``check_file(path)`` returns the problems instead of
raising; each names the line of the TOML it comes from, which tomllib does not give, so the
text is scanned for the ``[[clause]]`` blocks and the keys inside them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from kjdesk.money import wan_to_fen
from kjdesk.policy.catalog_schema import parse_decimal, validate
from kjdesk.policy.model import (
    Clause,
    Condition,
    FactCondition,
    Form,
    Level,
    Policy,
    PolicyDocument,
    RateTier,
    Target,
    Trigger,
)
from kjdesk.policy.titles import TitleVocabulary, builtin_titles
from kjdesk.resources import resource_path

YUAN_PER_WAN = Decimal(10_000)
TITLES_FILE = "titles.toml"


@dataclass(frozen=True)
class CatalogProblem:
    line: int  # 1-based line of the TOML; 0 when the problem concerns the whole file
    clause_id: str
    message: str  # Chinese

    def __str__(self) -> str:
        where = f"第{self.line}行" if self.line else "文件"
        who = f"（{self.clause_id}）" if self.clause_id else ""
        return f"{where}{who}：{self.message}"


class CatalogError(ValueError):
    """A policy file that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, path: str | Path, problems: list[CatalogProblem]) -> None:
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"政策文件 {self.path.name} 有 {len(problems)} 处错误：\n{lines}")


# --- line numbers --------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"-]+)\s*\]\]?")
_SYNTAX_LINE = re.compile(r"at line (\d+)")


class TomlLines:
    """Where each table block and each key of a TOML text starts (1-based line numbers)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.blocks: list[tuple[str, int, int]] = []  # (table name, first line, last line)
        for no, line in enumerate(self.lines, start=1):
            m = _HEADER.match(line)
            if m:
                if self.blocks:
                    name, start, _ = self.blocks[-1]
                    self.blocks[-1] = (name, start, no - 1)
                self.blocks.append((m.group(2), no, no))
        if self.blocks:
            name, start, _ = self.blocks[-1]
            self.blocks[-1] = (name, start, len(self.lines))

    def block(self, name: str, index: int) -> tuple[int, int] | None:
        found = [(s, e) for n, s, e in self.blocks if n == name]
        return found[index] if index < len(found) else None

    def key_line(self, name: str, index: int, key: str) -> int:
        """The line of ``key`` in the ``index``-th block ``name``; else its ``id`` line; else its header."""
        span = self.block(name, index)
        if span is None:
            return 0
        start, end = span
        for wanted in (key.split(".")[0], "id"):  # a missing key points at the block's id line
            if not wanted:
                continue
            pattern = re.compile(rf"^\s*\"?{re.escape(wanted)}\"?\s*=")
            for no in range(start, end + 1):
                if pattern.match(self.lines[no - 1]):
                    return no
        return start


def _problems(text: str, issues: list[tuple[str, int, str, str]], data: dict) -> list[CatalogProblem]:
    where = TomlLines(text)
    clauses = data.get("clause", []) if isinstance(data.get("clause"), list) else []
    out: list[CatalogProblem] = []
    for section, index, key, message in issues:
        clause_id = ""
        if section == "clause":
            line = where.key_line("clause", index, key)
            clause = clauses[index] if index < len(clauses) else None
            cid = clause.get("id") if isinstance(clause, dict) else None
            clause_id = cid if isinstance(cid, str) else f"第{index + 1}个条款"
        elif section in ("document", "settings"):
            line = where.key_line(section, 0, key)
        elif section == "target":
            line = where.key_line("target", index, key)
            targets = data.get("target")
            target = targets[index] if isinstance(targets, list) and index < len(targets) else None
            tid = target.get("id") if isinstance(target, dict) else None
            clause_id = tid if isinstance(tid, str) else ""
        else:
            line = 0
        out.append(CatalogProblem(line, clause_id, message))
    return sorted(out, key=lambda p: p.line)


# --- building ------------------------------------------------------------------------


def _wan(value: object) -> int | None:
    d = parse_decimal(value)
    return None if d is None else wan_to_fen(d)


def _dec(value: object) -> Decimal | None:
    return parse_decimal(value)


def _trigger(t: dict | None) -> Trigger | None:
    if t is None:
        return None
    return Trigger(
        recognition=t["recognition"],
        levels=tuple(Level(lv) for lv in t.get("levels", [])),
        stage=t.get("stage", ""),
        requires_valid=t.get("requires_valid"),
        consecutive=t.get("consecutive", 1),
    )


def _condition(c: dict | None) -> FactCondition | None:
    if c is None:
        return None
    value = _dec(c["value"]) if "value" in c else _dec(c["value_wan"]) * YUAN_PER_WAN  # type: ignore[operator]
    return FactCondition(fact=c["fact"], op=c["op"], value=value)  # type: ignore[arg-type]


def _step_size(c: dict) -> Decimal | None:
    if "step_size_wan" in c:
        return _dec(c["step_size_wan"]) * YUAN_PER_WAN  # type: ignore[operator]
    return _dec(c.get("step_size"))


def _clause(c: dict, city: str) -> Clause:
    return Clause(
        id=c["id"],
        city=city,
        article=c["article"],
        title=c["title"],
        beneficiary=c["beneficiary"],
        form=Form(c["form"]),
        quote=c["quote"],
        payment_wording=c["payment_wording"],
        trigger=_trigger(c.get("trigger")),
        amount_fen=_wan(c.get("amount_wan")),
        is_floor=c.get("is_floor", False),
        years=c.get("years"),
        rate=_dec(c.get("rate")),
        tiers=tuple(
            RateTier(
                rate=_dec(t["rate"]), fact=t.get("fact"), equals=t.get("equals"), label=t.get("label", "")
            )  # type: ignore[arg-type]
            for t in c.get("tiers", [])
        ),
        base_fact=c.get("base_fact"),
        base_year_offset=c.get("base_year_offset", 0),
        per_item=c.get("per_item", False),
        condition=_condition(c.get("condition")),
        cap_fen=_wan(c.get("cap_wan")),
        cap_scope=c.get("cap_scope", ""),
        step_size=_step_size(c),
        step_amount_fen=_wan(c.get("step_amount_wan")),
        lower_is_better=c.get("lower_is_better", False),
        match_ratio_min=_dec(c.get("match_ratio_min")),
        match_ratio_max=_dec(c.get("match_ratio_max")),
        entered=c.get("entered", False),
        repeat=c["repeat"],
        exclusion_group=c.get("exclusion_group"),
        cash=c["cash"],
        payer=c.get("payer", ""),
        readings=tuple(c["readings"]),
        notes=c.get("notes", ""),
        conditions=tuple(_attested(a) for a in c.get("conditions", [])),
    )


def _attested(a: dict) -> Condition:
    """D14: a condition the text attaches, recorded as an attribute."""
    return Condition(
        attribute=a["attribute"],
        text=a["text"],
        met=tuple(a["met"]),
        infer_from=a.get("infer_from", ""),
        infer=tuple((str(k), str(v)) for k, v in a.get("infer", {}).items()),
    )


def _target(t: dict) -> Target:
    return Target(
        id=t["id"],
        article=t["article"],
        metric=t["metric"],
        minimum=t.get("minimum"),
        maximum=t.get("maximum"),
        kind=t["kind"],
        by_year=t["by_year"],
        recognition=tuple(t.get("recognition", [])),
        levels=tuple(Level(lv) for lv in t.get("levels", [])),
        quote=t.get("quote", ""),
        firmness=t.get("firmness", ""),
        notes=t.get("notes", ""),
        all_platform_types=t.get("all_platform_types", False),
    )


def _read(path: str | Path, titles: TitleVocabulary | None) -> tuple[dict, list[CatalogProblem]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        return {}, [CatalogProblem(0, "", f"无法读取政策文件：{exc.strerror or exc}")]
    except UnicodeDecodeError:
        return {}, [CatalogProblem(0, "", "政策文件不是 UTF-8 编码")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _SYNTAX_LINE.search(str(exc))
        return {}, [CatalogProblem(int(m.group(1)) if m else 0, "", f"TOML 语法错误：{exc}")]
    issues = validate(data, titles or builtin_titles())
    return data, _problems(text, issues, data)


def check_file(path: str | Path, titles: TitleVocabulary | None = None) -> list[CatalogProblem]:
    """Every problem of a policy file, with its line; an empty list means the file is good."""
    return _read(path, titles)[1]


def load_policy(path: str | Path, titles: TitleVocabulary | None = None) -> Policy:
    """Load and validate a policy file; raises ``CatalogError`` listing all problems."""
    data, problems = _read(path, titles)
    if problems:
        raise CatalogError(path, problems)
    doc = data["document"]
    document = PolicyDocument(
        city=doc["city"],
        title=doc["title"],
        issuer=doc["issuer"],
        doc_number=doc["doc_number"],
        issued=doc["issued"],
        effective=doc["effective"],
        superseded=doc.get("superseded"),
    )
    return Policy(
        document=document,
        clauses=tuple(_clause(c, document.city) for c in data["clause"]),
        targets=tuple(_target(t) for t in data.get("target", [])),
        settings=dict(data["settings"]),
    )


# --- the shipped catalog ---------------------------------------------------------------


def builtin_policy_files() -> list[Path]:
    folder = resource_path("policies")
    return sorted(p for p in folder.glob("*.toml") if p.name != TITLES_FILE)


@cache
def builtin_policies_cached() -> tuple[Policy, ...]:
    policies = [load_policy(p) for p in builtin_policy_files()]
    return tuple(sorted(policies, key=lambda p: (p.document.city, p.document.effective)))


def builtin_policies() -> list[Policy]:
    """Every policy shipped in resources/policies, ordered by city and effective date."""
    return list(builtin_policies_cached())


def load_builtin(city: str) -> Policy:
    """The newest shipped policy of ``city`` ("baotou" | "wuhai")."""
    found = [p for p in builtin_policies_cached() if p.document.city == city]
    if not found:
        cities = "、".join(sorted({p.document.city for p in builtin_policies_cached()}))
        raise KeyError(f"没有城市“{city}”的内置政策（可用：{cities}）")
    return found[-1]
