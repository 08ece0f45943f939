"""Names, codes and 旗县区 of the units, platforms and people that a list of rows refers to.

The tables of entitlements, instalments and letters read their rows as plain columns (80,000
lines and more at a city's scale) and look up whom each row is about here: every subject is
read once, in chunks of ids, never one query a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.store.models import Person, Platform, Unit
from kjdesk.validation import mask_id_number

CHUNK = 500  # ids a query: well under every database's limit on bound parameters


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for k in range(0, len(ordered), size):
        yield ordered[k : k + size]


@dataclass
class SubjectNames:
    units: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # name, credit code, 旗县区
    platforms: dict[int, tuple[str, int]] = field(default_factory=dict)  # name, host unit
    people: dict[int, tuple[str, int | None, str]] = field(default_factory=dict)  # name, employer, ID number

    @classmethod
    def read(cls, s: Session, rows: Iterable) -> SubjectNames:  # noqa: ANN001 - rows with subject columns
        """The subjects of ``rows`` (each with ``unit_id``, ``platform_id``, ``person_id`` and,
        for entitlements, ``payee_unit_id``), with the hosts and employers they are paid through."""
        unit_ids: set[int] = set()
        platform_ids: set[int] = set()
        person_ids: set[int] = set()
        for r in rows:
            if r.unit_id is not None:
                unit_ids.add(r.unit_id)
            if r.platform_id is not None:
                platform_ids.add(r.platform_id)
            if r.person_id is not None:
                person_ids.add(r.person_id)
            payee = getattr(r, "payee_unit_id", None)
            if payee is not None:
                unit_ids.add(payee)
        names = cls()
        for chunk in chunks(platform_ids):
            q = select(Platform.id, Platform.name, Platform.host_unit_id).where(Platform.id.in_(chunk))
            names.platforms.update((pid, (name, host)) for pid, name, host in s.execute(q))
        for chunk in chunks(person_ids):
            q = select(Person.id, Person.name, Person.employer_unit_id, Person.id_number)
            q = q.where(Person.id.in_(chunk))
            names.people.update((pid, (name, emp, number)) for pid, name, emp, number in s.execute(q))
        unit_ids |= {host for _name, host in names.platforms.values()}
        unit_ids |= {emp for _name, emp, _n in names.people.values() if emp is not None}
        for chunk in chunks(unit_ids):
            q = select(Unit.id, Unit.name, Unit.credit_code, Unit.district).where(Unit.id.in_(chunk))
            names.units.update((uid, (name, code, dist)) for uid, name, code, dist in s.execute(q))
        return names

    def subject(self, row) -> tuple[str, str, str, str, str]:  # noqa: ANN001 - a row with subject columns
        """(subject name, its unit's name, credit code, masked ID number, 旗县区): the unit of a
        platform is its host, of a person the employer."""
        if row.unit_id is not None:
            name, code, district = self.units[row.unit_id]
            return name, name, code, "", district
        if row.platform_id is not None:
            name, host = self.platforms[row.platform_id]
            host_name, code, district = self.units[host]
            return name, host_name, code, "", district
        name, employer, number = self.people[row.person_id]
        emp_name, code, district = self.units[employer] if employer is not None else ("", "", "")
        return name, emp_name, code, mask_id_number(number), district

    def payee(self, row) -> tuple[int | None, str]:  # noqa: ANN001 - a row with subject columns
        """(the unit paid, the subject's name): the payee unit set on the entitlement, else the
        platform's host, the person's employer or the unit itself."""
        if row.platform_id is not None:
            name, host = self.platforms.get(row.platform_id, ("", None))
            return row.payee_unit_id or host, name
        if row.person_id is not None:
            name, employer, _number = self.people.get(row.person_id, ("", None, ""))
            return row.payee_unit_id or employer, name
        return row.payee_unit_id or row.unit_id, ""
