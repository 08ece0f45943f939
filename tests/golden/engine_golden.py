"""A golden dump of the engine's results, to prove a speed-up changes nothing.

``python -m tests.golden.engine_golden build`` makes the inputs once (pickled, so that later
changes of the services or the demo cannot move them): the bench register at 3,000 units,
the 包头 and 乌海 demo bureaus, and random subjects that touch every clause and setting.
``write`` computes every entitlement (and the 可享政策 view of the demo and random
subjects) and writes one ``repr`` per value; ``check`` does the same and compares the
dump byte for byte with the written one, naming the first difference. The pickled policies
only carry each section's settings: ``write`` and ``check`` read the clauses from the current
catalogs, so a change of a catalog shows in the dump (and facts renamed since the inputs were
built are read under their new names).

    python -m tests.golden.engine_golden build   # once, on the code before the change
    python -m tests.golden.engine_golden write   # the golden dump, on the code before the change
    python -m tests.golden.engine_golden check   # after every change
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.golden.compare import write_or_check  # noqa: E402

AS_OF = date(2026, 11, 23)
WORK = Path(tempfile.gettempdir()) / "kjdesk_engine_golden"
INPUTS = WORK / "inputs.pickle"
GOLDEN = WORK / "golden.txt"
CURRENT = WORK / "current.txt"
VIEWS = 200  # the 可享政策 view of the first subjects of a random section (it lists every clause)

# Settings a variant of a catalog flips (each against the catalog's own value).
FLAGS = (
    "exclusion_within_policy",
    "same_year_highest_only",
    "upgrade_pays_difference",
    "equal_or_lower_pays_nothing",
    "consecutive_first_may_precede_effective",
    "officer_may_defer_first_year",
    "cancel_unpaid_on_revocation",
    "cancel_same_year_instalment",
    "floor_default_is_floor",
    "entered_never_below_floor",
    "entered_requires_basis",
    "yearly_standard_prefills",
    "matching_may_exceed_min",
    "enforce_caps_on_entered",
    "require_registered_in_city",
    "step_requires_previous_year",
    "tier_missing_fact_uses_default",
    "discretionary_placeholder",
    "once_counts_pre_policy",
)


def _variants(policy):  # noqa: ANN001, ANN202 - Policy
    s = policy.settings
    out = [(f"flip {name}", {name: not s.get(name, name != "once_counts_pre_policy")}) for name in FLAGS]
    out += [
        ("deduct latest", {"deduct_from": "latest"}),
        ("first year next", {"schedule_first_year": "next_year"}),
        ("status support first year own", {"status_support_first_year": "recognition_year"}),
        ("validity", {"validity_years": {"tic": 5, "kl": 4, "little_giant": 3, "hte": 2}}),
        ("labels", {"recognition_labels": {"hte": "国家高新技术企业（改）", "tsme": "科小"}}),
        ("any stage", {"any_stage_clauses": [c.id for c in policy.clauses[::3]]}),
        ("status support", {"status_support_clauses": [c.id for c in policy.clauses[::4]]}),
        (
            "standards",
            {"yearly_standards": {c.id: {"2022": "12.5", 2023: 7} for c in policy.clauses if c.entered}},
        ),
    ]
    return [(name, replace(policy, settings={**s, **extra})) for name, extra in out]


# --- inputs --------------------------------------------------------------------------------


def _bench_subjects(n_units: int):  # noqa: ANN202
    from bench.bench_engine import build

    from kjdesk.services.core.app import App
    from kjdesk.services.entitlements.subject_inputs import load_subject_facts

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        build(path, n_units, 3 * n_units, 3 * n_units)
        app = App.open(path, actor="golden")
        with app.db.session() as s:
            facts = load_subject_facts(s, "baotou", None)
        app.close()
    return facts


def _demo(city: str):  # noqa: ANN202
    from kjdesk.services.core.app import App
    from kjdesk.services.demo import build_demo
    from kjdesk.services.entitlements import policy_for
    from kjdesk.services.entitlements.subject_inputs import load_subject_facts

    with tempfile.TemporaryDirectory() as tmp:
        app = App.open(Path(tmp) / "demo.sqlite", actor="演示")
        build_demo(app, city)
        with app.db.session() as s:
            facts = load_subject_facts(s, city, None)
            policy = policy_for(s, city)
        app.close()
    return policy, facts


def _random_subjects(policy, n: int, seed: int):  # noqa: ANN001, ANN202
    """Subjects with the records, facts and entered amounts of random clauses of the policy."""
    from kjdesk.policy.model import (
        EnteredAmount,
        FactRecord,
        Level,
        RecognitionRecord,
        RecognitionStatus,
        SubjectFacts,
        SubjectKind,
        SubjectRef,
    )

    rng = random.Random(seed)
    triggers = [c.trigger for c in policy.clauses if c.trigger is not None and c.trigger.recognition]
    types = sorted(
        {t.recognition for t in triggers} | {t.requires_valid for t in triggers if t.requires_valid}
    )
    stages = sorted({t.stage for t in triggers}) + ["", "新认定"]
    facts: set[str] = set()
    tiers: dict[str, list[str]] = {}
    for c in policy.clauses:
        if c.base_fact:
            facts.add(c.base_fact)
        if c.condition is not None:
            facts.add(c.condition.fact)
        for t in c.tiers:
            if t.fact:
                tiers.setdefault(t.fact, []).append(t.equals or "")
    money = sorted(facts - set(tiers))
    cash = [c.id for c in policy.clauses] + ["NO-SUCH-CLAUSE"]
    groups: dict[str, list] = {}
    for c in policy.clauses:
        if c.exclusion_group and c.trigger is not None and c.trigger.recognition:
            groups.setdefault(c.exclusion_group, []).append(c.trigger)
    levels = list(Level)
    statuses = list(RecognitionStatus)
    out = []
    next_id = 1
    for i in range(n):
        ref = SubjectRef(rng.choice(list(SubjectKind)), i + 1)
        recs = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6))):
            t = rng.choice(triggers) if rng.random() < 0.8 else None
            type_id = t.recognition if t is not None else rng.choice(types)
            level = (
                rng.choice(t.levels)
                if t is not None and t.levels and rng.random() < 0.8
                else rng.choice(levels)
            )
            stage = t.stage if t is not None and rng.random() < 0.7 else rng.choice(stages)
            day = date(rng.randint(2017, 2026), rng.randint(1, 12), rng.randint(1, 28))
            status = rng.choice(statuses) if rng.random() < 0.2 else RecognitionStatus.VALID
            recs.append(
                RecognitionRecord(
                    id=next_id,
                    subject=ref,
                    type_id=type_id,
                    level=level,
                    date=day,
                    doc_number=rng.choice(("", f"文〔{day.year}〕{next_id}号")),
                    stage=stage,
                    valid_until=date(day.year + rng.randint(1, 5), day.month, day.day)
                    if rng.random() < 0.3
                    else None,
                    status=status,
                    status_date=date(rng.randint(2019, 2027), rng.randint(1, 12), 15)
                    if status != RecognitionStatus.VALID and rng.random() < 0.9
                    else None,
                    has_evidence=rng.random() < 0.5,
                    first_year=rng.randint(2020, 2028) if rng.random() < 0.1 else None,
                )
            )
            next_id += 1
        if groups and rng.random() < 0.35:  # D1: several clauses of one exclusion group
            members = groups[rng.choice(sorted(groups))]
            for _ in range(rng.randint(2, 4)):
                t = rng.choice(members)
                level = rng.choice(t.levels) if t.levels else Level.NONE
                day = date(rng.choice((2021, 2022, 2022, 2023, 2024)), rng.randint(1, 12), rng.randint(1, 28))
                recs.append(
                    RecognitionRecord(
                        next_id, ref, t.recognition, level, day, f"组〔{day.year}〕{next_id}号", t.stage
                    )
                )
                next_id += 1
        if rng.random() < 0.15:  # D3: consecutive 入库
            y = rng.randint(2018, 2024)
            for k in range(rng.randint(2, 4)):
                recs.append(
                    RecognitionRecord(
                        next_id, ref, "tsme", Level.NATIONAL, date(y + k, rng.randint(1, 12), 10)
                    )
                )
                next_id += 1
        refs = (
            [""] * 4
            + [r.doc_number for r in recs if r.doc_number]
            + [str(r.id) for r in recs]
            + ["HT-1", "HT-2"]
        )
        fs = []
        for _ in range(rng.choice((0, 0, 1, 2, 3, 5, 8))):
            year = rng.randint(2018, 2027)
            if tiers and rng.random() < 0.3:
                name = rng.choice(sorted(tiers))
                fs.append(FactRecord(next_id, ref, year, name, None, rng.choice(tiers[name] + ["其他"]), ""))
            elif money:
                name = rng.choice(money)
                value = None if rng.random() < 0.05 else Decimal(rng.randint(0, 10**9)) / rng.choice((1, 100))
                if name.endswith("位次") and value is not None:
                    value = Decimal(rng.randint(1, 300))
                fs.append(FactRecord(next_id, ref, year, name, value, "", rng.choice(refs)))
            next_id += 1
        if money and rng.random() < 0.2:  # a run of years of one indicator (steps, caps across years)
            name = rng.choice(money)
            for y in range(rng.randint(2019, 2022), 2026):
                fs.append(FactRecord(next_id, ref, y, name, Decimal(rng.randint(0, 4 * 10**8)), "", ""))
                next_id += 1
        ents = []
        for _ in range(rng.choice((0, 0, 0, 1, 2, 3))):
            rec = rng.choice(recs) if recs and rng.random() < 0.5 else None
            ents.append(
                EnteredAmount(
                    next_id,
                    ref,
                    rng.choice(cash),
                    rng.randint(2019, 2027),
                    rng.choice((0, 1, rng.randint(1, 5 * 10**9))),
                    rng.choice(("", "  ", "会议纪要〔2024〕3号")),
                    rec.id if rec is not None else (rng.randint(1, next_id) if rng.random() < 0.1 else None),
                    rng.choice(refs),
                )
            )
            next_id += 1
        rng.shuffle(recs)
        out.append(
            SubjectFacts(
                subject=ref,
                name=f"主体{i}",
                city=policy.document.city,
                registered_from=date(rng.randint(2015, 2026), rng.randint(1, 12), 1)
                if rng.random() < 0.3
                else None,
                moved_out=date(rng.randint(2019, 2027), rng.randint(1, 12), 1)
                if rng.random() < 0.1
                else None,
                recognitions=tuple(recs),
                facts=tuple(fs),
                entered=tuple(ents),
            )
        )
    return out


def build_inputs() -> list[tuple[str, object, list, bool]]:
    """(section, policy, subjects, with the 可享政策 view) for every section of the dump."""
    from kjdesk.policy.catalog import load_builtin

    baotou, wuhai = load_builtin("baotou"), load_builtin("wuhai")
    bench = _bench_subjects(3_000)
    sections: list[tuple[str, object, list, bool]] = [
        ("bench baotou", baotou, bench, False),
        ("bench wuhai", wuhai, bench, False),
    ]
    for city in ("baotou", "wuhai"):
        policy, facts = _demo(city)
        sections.append((f"demo {city}", policy, facts, True))
    for city, policy in (("baotou", baotou), ("wuhai", wuhai)):
        sections.append((f"random {city}", policy, _random_subjects(policy, 4_000, 1), True))
        for k, (name, variant) in enumerate(_variants(policy)):
            sections.append((f"random {city} {name}", variant, _random_subjects(policy, 300, 100 + k), True))
    return sections


# --- the dump ------------------------------------------------------------------------------


def dump(sections: list[tuple[str, object, list, bool]]) -> tuple[str, float]:
    """The text of the dump and the CPU seconds spent in the engine."""
    from kjdesk.policy.engine import compute_entitlements, eligibility

    lines: list[str] = []
    spent = 0.0
    for name, policy, subjects, with_view in sections:
        lines.append(f"### {name}: {len(subjects)} subjects")
        for k, sf in enumerate(subjects):
            t0 = time.process_time()
            ents = compute_entitlements(policy, sf, as_of=AS_OF)  # type: ignore[arg-type]
            spent += time.process_time() - t0
            lines.append(f"# {sf.subject!r}")
            lines.extend(repr(e) for e in ents)
            if with_view and (k < VIEWS or name.startswith("demo")):
                lines.extend(repr(s) for s in eligibility(policy, sf, as_of=AS_OF))  # type: ignore[arg-type]
    return "\n".join(lines) + "\n", spent


OLD_NAMES = {"研发费用加计扣除额": "加计扣除研发费用"}  # renamed facts (clauses.md D6, migration i21)


def _renamed(sections):  # noqa: ANN001, ANN202
    """The pickled inputs read with the current catalogs (each section keeps its own settings),
    so a change of a catalog shows in the dump; facts built before a fact was renamed carry the
    old name and are read under the new one, as the migration does with a database (without
    its 须核实 mark: these are test inputs)."""
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.policy.model import FactRecord

    out = []
    for name, old_policy, subjects, with_view in sections:
        policy = replace(load_builtin(old_policy.document.city), settings=old_policy.settings)
        fixed = []
        for sf in subjects:
            if any(f.indicator in OLD_NAMES for f in sf.facts):
                facts = tuple(
                    FactRecord(f.id, f.subject, f.year, OLD_NAMES[f.indicator], f.value, f.text, f.item_ref)
                    if f.indicator in OLD_NAMES
                    else f
                    for f in sf.facts
                )
                sf = replace(sf, facts=facts)
            fixed.append(sf)
        out.append((name, policy, fixed, with_view))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("build", "write", "check"))
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.action == "build":
        INPUTS.write_bytes(pickle.dumps(build_inputs(), protocol=pickle.HIGHEST_PROTOCOL))
        print(f"inputs: {INPUTS}")
        return 0
    sections = _renamed(pickle.loads(INPUTS.read_bytes()))  # noqa: S301 - our own file
    text, spent = dump(sections)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    n = sum(len(s[2]) for s in sections)
    print(f"{n} subjects, {text.count(chr(10))} lines, sha256 {digest}, engine CPU {spent:.2f} s")
    return write_or_check(args.action, text, GOLDEN, CURRENT)


if __name__ == "__main__":
    sys.exit(main())
