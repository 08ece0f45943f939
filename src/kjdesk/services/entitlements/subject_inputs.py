"""What the engine reads about each subject, read once; and its digest, to skip what has not changed.

The records of a subject are its recognitions, facts and entered amounts, its name, and its
host unit's name and dates (a platform's 依托单位, a person's employer). ``read_inputs`` reads
them as the driver gives them (no type conversion), one query per table whatever the number
of subjects; ``subject_facts`` builds the engine's records from those rows; ``load_subject_facts``
does both for the services that want the records only (the 可享政策 view).

The engine is a pure function of those records, the policy (with the officer's yearly
standards) and the year of the computation; writing its result is idempotent
(``entitlement_sync``). So when the digest of a subject's records equals the one recorded at
its last computation, computing again would change nothing and the recompute skips it.
What other services do to instalments (propose, approve, pay, return, cancel with a reason,
accept a recomputed amount) leaves a state the sync already leaves alone; the tests check
that a forced recomputation after each of them changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, false, or_, select
from sqlalchemy.orm import Session

from kjdesk import __version__
from kjdesk.policy.conditions import INDUSTRY, attribute_pairs
from kjdesk.policy.model import EnteredAmount as EnteredRecord
from kjdesk.policy.model import (
    FactRecord,
    Level,
    Policy,
    RecognitionRecord,
    RecognitionStatus,
    SubjectFacts,
    SubjectKind,
    SubjectRef,
)
from kjdesk.store.bulk import insert_rows, plain_rows
from kjdesk.store.models import EnteredAmount, Fact, Person, Platform, Recognition, RecomputeDigest, Unit

# Raise when the engine's results change for the same records (a new reading, a fixed bug)
# without a new release: every subject is then computed again once.
ENGINE_REVISION = 2  # 2: issue 22 (payment year of entries, basis, waiting year, 新认定)
COMPLETE = "*"  # the row that marks a full recomputation since the table was created
_KIND_OF_COLUMN = (SubjectKind.UNIT, SubjectKind.PLATFORM, SubjectKind.PERSON)
_COLUMN_OF_KIND = {
    SubjectKind.UNIT: "unit_id",
    SubjectKind.PLATFORM: "platform_id",
    SubjectKind.PERSON: "person_id",
}

_RECOGNITION = (
    Recognition.id,
    Recognition.unit_id,
    Recognition.platform_id,
    Recognition.person_id,
    Recognition.type_id,
    Recognition.level,
    Recognition.date,
    Recognition.doc_number,
    Recognition.stage,
    Recognition.valid_until,
    Recognition.status,
    Recognition.status_date,
    Recognition.evidence,
    Recognition.first_year,
    Recognition.title,
    Recognition.conditions,
)
_FACT = (
    Fact.id,
    Fact.unit_id,
    Fact.platform_id,
    Fact.person_id,
    Fact.year,
    Fact.indicator,
    Fact.value,
    Fact.text,
    Fact.item_ref,
    Fact.to_verify,
    Fact.reference,
)
_ENTERED = (
    EnteredAmount.id,
    EnteredAmount.unit_id,
    EnteredAmount.platform_id,
    EnteredAmount.person_id,
    EnteredAmount.clause_id,
    EnteredAmount.year,
    EnteredAmount.amount_fen,
    EnteredAmount.basis,
    EnteredAmount.recognition_id,
    EnteredAmount.item_ref,
)

_policy_stamps: dict[int, tuple[Policy, str]] = {}


def subject_key(ref: SubjectRef) -> str:
    return f"{ref.kind.value}:{ref.id}"


def _ref_of_key(key: str) -> SubjectRef:
    kind, _, number = key.partition(":")
    return SubjectRef(SubjectKind(kind), int(number))


def stamp(policy: Policy, as_of: date) -> str:
    """What every subject's digest shares: the program, the policy as merged, the year."""
    found = _policy_stamps.get(id(policy))
    if found is None or found[0] is not policy:
        if len(_policy_stamps) >= 16:
            _policy_stamps.clear()
        found = (policy, hashlib.blake2b(repr(policy).encode(), digest_size=16).hexdigest())
        _policy_stamps[id(policy)] = found
    return f"{__version__}/{ENGINE_REVISION}/{found[1]}/{as_of.year}"


def subject_filter(model: type, refs: Iterable[SubjectRef]):  # noqa: ANN201 - SQL expression
    """``model``'s rows that belong to one of ``refs`` (false for none)."""
    by_kind: dict[SubjectKind, list[int]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    clauses = [getattr(model, _COLUMN_OF_KIND[k]).in_(ids) for k, ids in by_kind.items()]
    return or_(*clauses) if clauses else false()


def _raw(session: Session, q: Select) -> list[tuple]:
    """Rows as the driver gives them (no type conversion), so every mode digests the same values."""
    return plain_rows(session, q)


def _rows(session: Session, columns: tuple, refs: set[SubjectRef] | None) -> list[tuple]:
    """Raw rows of ``columns``, all of them or those of ``refs`` (ids are integers: safe inline)."""
    q = select(*columns).order_by(columns[0])
    if refs is not None:
        q = q.where(subject_filter(columns[0].class_, refs))
    return _raw(session, q)


@dataclass
class Inputs:
    """Every subject's records as raw rows (recognitions, facts, entered amounts), with the
    units (name, dates) and platforms / people (name, host unit) they need, and their digests."""

    parts: dict[SubjectRef, list[list[tuple]]]
    units: dict[int, tuple]
    hosts: dict[tuple[SubjectKind, int], tuple]
    digests: dict[SubjectRef, str]


def read_inputs(session: Session, refs: set[SubjectRef] | None, common: str | None = None) -> Inputs:
    """The inputs of every subject in ``refs``, or of every subject with records, in one query per
    table; with ``common`` (``stamp``), each subject's digest too."""
    grouped: dict[tuple, list[list[tuple]]] = {}
    for table, columns in enumerate((_RECOGNITION, _FACT, _ENTERED)):
        for row in _rows(session, columns, refs):
            owner = row[1:4]
            parts = grouped.get(owner)
            if parts is None:
                parts = grouped[owner] = [[], [], []]
            parts[table].append(row)
    subjects: dict[SubjectRef, list[list[tuple]]] = {}
    for owner, parts in grouped.items():
        for kind, value in zip(_KIND_OF_COLUMN, owner, strict=True):
            if value is not None:
                subjects[SubjectRef(kind, value)] = parts
                break
    if refs is not None:
        for ref in refs:
            subjects.setdefault(ref, [[], [], []])
    units, hosts = _names(session, subjects)
    digests: dict[SubjectRef, str] = {}
    if common is not None:
        # the text of repr((common, subject_key(ref), own, host, parts)), its parts written once
        head, blake2b = f"({common!r}, ", hashlib.blake2b
        for ref, parts in subjects.items():
            if not any(parts):
                digests[ref] = empty_digest(ref, common)
                continue
            own, host = _own_and_host(ref, units, hosts)
            own_text = repr(own)
            text = f"{head}{subject_key(ref)!r}, {own_text}, {own_text if host is own else repr(host)}, {parts!r})"
            digests[ref] = blake2b(text.encode(), digest_size=16).hexdigest()
    return Inputs(subjects, units, hosts, digests)


def _own_and_host(
    ref: SubjectRef, units: dict[int, tuple], hosts: dict[tuple[SubjectKind, int], tuple]
) -> tuple[tuple | None, tuple | None]:
    if ref.kind == SubjectKind.UNIT:
        return units.get(ref.id), units.get(ref.id)
    own = hosts.get((ref.kind, ref.id))
    return own, (units.get(own[1]) if own and own[1] is not None else None)


def _day(value: object) -> date | None:
    """A date column as the driver gives it: SQLite's ISO text, PostgreSQL's date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def subject_facts(inputs: Inputs, refs: Iterable[SubjectRef], city: str) -> list[SubjectFacts]:
    """The engine's records of ``refs`` built from the raw rows (a test holds them equal to an
    ORM reading of the same records on SQLite and PostgreSQL)."""
    out: list[SubjectFacts] = []
    # the same dates, levels and states recur: each text is converted once
    days = _Converted(_day, {None: None})
    levels = _Converted(Level, {lv.value: lv for lv in Level})
    states = _Converted(RecognitionStatus, {st.value: st for st in RecognitionStatus})
    units, hosts, parts = inputs.units, inputs.hosts, inputs.parts
    nothing = ([], [], [])
    unit_kind = SubjectKind.UNIT

    # (kind, id): a StrEnum orders as its value, the order of ``subject_key``'s text
    for ref in sorted(refs, key=_kind_and_id):
        is_unit = ref.kind is unit_kind
        if is_unit and ref.id not in units:
            continue  # deleted
        recs, facts, entered = parts.get(ref) or nothing
        if is_unit:
            host = units.get(ref.id)
            name, host_id = host[1], ref.id  # type: ignore[index]
        else:
            own = hosts.get((ref.kind, ref.id))
            host = units.get(own[1]) if own and own[1] is not None else None
            name, host_id = own if own else ("", None)
        out.append(
            SubjectFacts(
                ref,
                name,
                city,
                days[host[2]] if host else None,
                days[host[3]] if host else None,
                tuple(
                    [
                        RecognitionRecord(
                            r[0],
                            ref,
                            r[4],
                            levels[r[5]],
                            days[r[6]],
                            r[7],
                            r[8],
                            days[r[9]],
                            states[r[10]],
                            days[r[11]],
                            bool(r[12]),
                            r[13],
                            r[14] or "",
                            recorded_conditions(r[15]) if r[15] else (),
                        )
                        for r in recs
                    ]
                ),
                tuple(
                    [
                        FactRecord(
                            f[0],
                            ref,
                            f[4],
                            f[5],
                            None if f[6] is None else Decimal(f[6]),
                            f[7],
                            f[8],
                            f[9] or "",
                            f[10] or "",
                        )
                        for f in facts
                    ]
                ),
                tuple([EnteredRecord(e[0], ref, e[4], e[5], e[6], e[7], e[8], e[9]) for e in entered]),
                SubjectRef(unit_kind, host_id) if host_id else None,
                unit_attributes(host[4], host[5]) if host and (host[4] or host[5]) else (),
            )
        )
    return out


def _kind_and_id(ref: SubjectRef) -> tuple[str, int]:
    return ref.kind, ref.id


class _Converted(dict):
    """``table[raw]``: ``raw`` converted, the first time it is looked up, by ``convert``."""

    def __init__(self, convert: Callable[[Any], object], known: dict) -> None:
        super().__init__(known)
        self.convert = convert

    def __missing__(self, raw: object) -> object:
        value = self[raw] = self.convert(raw)
        return value


def recorded_conditions(text: object) -> tuple[tuple[str, str], ...]:
    """D14: the JSON of a record's recorded conditions as the engine's (attribute, value) pairs."""
    if not text:
        return ()
    try:
        values = json.loads(str(text))
    except ValueError:
        return ()
    return attribute_pairs({str(k): str(v) for k, v in values.items()}) if isinstance(values, dict) else ()


def unit_attributes(industry: object, conditions: object) -> tuple[tuple[str, str], ...]:
    """A unit's recorded conditions and its 所属领域 (which D14 may read a condition from)."""
    pairs = dict(recorded_conditions(conditions))
    if industry:
        pairs[INDUSTRY] = str(industry)
    return tuple(sorted(pairs.items()))


def load_subject_facts(session: Session, city: str, refs: set[SubjectRef] | None) -> list[SubjectFacts]:
    """What the engine needs about ``refs`` (every subject with records when None), in subject order."""
    inputs = read_inputs(session, refs)
    return subject_facts(inputs, set(inputs.parts) if refs is None else refs, city)


def empty_digest(ref: SubjectRef, common: str) -> str:
    """A subject with no records is owed nothing, whatever its name."""
    return hashlib.blake2b(f"{common}/{subject_key(ref)}/∅".encode(), digest_size=16).hexdigest()


def _names(
    session: Session, subjects: Iterable[SubjectRef]
) -> tuple[dict[int, tuple], dict[tuple[SubjectKind, int], tuple]]:
    """Units (name, registered_from, moved_out, 所属领域, recorded conditions) and platforms / people
    (name, host unit)."""
    wanted: dict[SubjectKind, set[int]] = {k: set() for k in SubjectKind}
    for ref in subjects:
        wanted[ref.kind].add(ref.id)
    hosts: dict[tuple[SubjectKind, int], tuple] = {}
    for kind, model, host_column in (
        (SubjectKind.PLATFORM, Platform, Platform.host_unit_id),
        (SubjectKind.PERSON, Person, Person.employer_unit_id),
    ):
        ids = wanted[kind]
        if ids:
            for row in _raw(session, select(model.id, model.name, host_column).where(model.id.in_(ids))):
                hosts[(kind, row[0])] = (row[1], row[2])
    unit_ids = wanted[SubjectKind.UNIT] | {h for _, h in hosts.values() if h is not None}
    q = select(Unit.id, Unit.name, Unit.registered_from, Unit.moved_out, Unit.industry, Unit.conditions)
    if len(unit_ids) <= 2000:  # beyond, one scan of the register beats a long IN list
        q = q.where(Unit.id.in_(unit_ids))
    units = {row[0]: tuple(row) for row in _raw(session, q) if row[0] in unit_ids}
    return units, hosts


def load(session: Session, refs: set[SubjectRef] | None) -> tuple[dict[SubjectRef, str], bool]:
    """The recorded digests (of ``refs``, or all), and whether a full recomputation has run."""
    q = select(RecomputeDigest.subject, RecomputeDigest.digest)
    if refs is not None:
        q = q.where(RecomputeDigest.subject.in_([subject_key(r) for r in refs] + [COMPLETE]))
    recorded: dict[SubjectRef, str] = {}
    complete = False
    for key, digest in session.execute(q):
        if key == COMPLETE:
            complete = True
        else:
            recorded[_ref_of_key(key)] = digest
    return recorded, complete


def save(session: Session, digests: dict[SubjectRef, str], complete: bool, *, every: bool = False) -> None:
    """Record the digests the entitlements of these subjects now agree with; ``every``: they are
    the digests of every subject recorded so far (a full recomputation), which replace them all."""
    if every:
        session.execute(delete(RecomputeDigest))
    else:
        keys = [subject_key(r) for r in digests]
        if complete:
            keys.append(COMPLETE)
        for start in range(0, len(keys), 500):
            session.execute(
                delete(RecomputeDigest).where(RecomputeDigest.subject.in_(keys[start : start + 500]))
            )
    rows = [(subject_key(r), d) for r, d in digests.items()]
    if complete:
        rows.append((COMPLETE, ""))
    insert_rows(session, RecomputeDigest.__table__, ("subject", "digest"), rows)
