"""What the engine derives once from a policy, so that each subject only pays for its own facts.

``prepare(policy)`` gives a ``Prepared``: the cash clauses indexed by what can make them
apply (a recognition type, a base fact, an entered amount), the settings the engine reads
with their defaults applied, and the explanation lines that depend on the clause alone
(the header of 条款/原文/依据 and the readings). The result is kept per policy object for
the life of the process (a few policies at a time); a policy and its settings are never
changed after loading (``replace`` makes a new one).
"""

from __future__ import annotations

from decimal import Decimal

from kjdesk.policy import explain
from kjdesk.policy.model import Clause, Form, Policy

NON_CASH_FORMS = (Form.OTHER, Form.PRIORITY, Form.TAX)

# Validity of a title when its record carries no valid-until date (national rules, not a
# city's numbers); ``settings["validity_years"]`` overrides or extends it.
DEFAULT_VALIDITY_YEARS: dict[str, int] = {"hte": 3}


def is_cash(clause: Clause) -> bool:
    """D9: TAX / PRIORITY / OTHER never create money, except an entered-amount OTHER (BT-14-nrdi-new)."""
    if not clause.cash:
        return False
    return clause.form not in NON_CASH_FORMS or clause.entered


def _listed(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, list | tuple) else ()


class Prepared:
    """One policy, made ready for the engine (see the module docstring)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        settings = policy.settings
        self.settings = settings

        def flag(name: str, default: bool) -> bool:
            return bool(settings.get(name, default))

        # --- settings (D1–D13), read once --------------------------------------------------
        self.in_city_required = flag("require_registered_in_city", True)
        self.once_counts_pre_policy = flag("once_counts_pre_policy", False)
        # “新认定/新获批” (乌海): a recognition held before the policy makes a later one a 重新认定
        self.new_means_first = flag("new_means_first_recognition", False)
        self.first_may_precede = flag("consecutive_first_may_precede_effective", True)
        self.any_stage = _listed(settings.get("any_stage_clauses", []))
        self.status_support = _listed(settings.get("status_support_clauses", []))
        self.support_in_effective_year = (
            settings.get("status_support_first_year", "effective_year") == "effective_year"
        )
        self.first_year_next = settings.get("schedule_first_year", "trigger_year") == "next_year"
        self.may_defer_first_year = flag("officer_may_defer_first_year", True)
        self.cancel_unpaid = flag("cancel_unpaid_on_revocation", True)
        self.cancel_same_year = flag("cancel_same_year_instalment", True)
        self.tier_default = flag("tier_missing_fact_uses_default", True)
        self.exclusion = flag("exclusion_within_policy", True)
        self._validity: dict[str, int] | None = None

        # --- where each cash clause can apply -----------------------------------------------
        by_type: dict[str, list[int]] = {}
        by_fact: dict[str, list[int]] = {}
        by_entered: dict[str, list[int]] = {}
        for pos, clause in enumerate(policy.clauses):
            if not is_cash(clause):
                continue
            by_entered.setdefault(clause.id, []).append(pos)
            trigger = clause.trigger.recognition if clause.trigger else None
            if trigger:
                by_type.setdefault(trigger, []).append(pos)
            elif clause.base_fact is not None:
                by_fact.setdefault(clause.base_fact, []).append(pos)
        self.by_id: dict[str, Clause] = {c.id: c for c in policy.clauses}
        self.order = {cid: i for i, cid in enumerate(self.by_id)}  # catalog order of the ids
        # D1: a group whose clauses all repeat per assessment year is judged per assessment year.
        members: dict[str, list[Clause]] = {}
        for c in self.by_id.values():
            if c.exclusion_group:
                members.setdefault(c.exclusion_group, []).append(c)
        self.assessment_groups = {
            g: all(c.repeat == "once_per_assessment_year" for c in cs) for g, cs in members.items()
        }
        self.by_type = {k: tuple(v) for k, v in by_type.items()}
        self.by_fact = {k: tuple(v) for k, v in by_fact.items()}
        self.by_entered = {k: tuple(v) for k, v in by_entered.items()}

        self._positions: dict[tuple[frozenset[str], ...], tuple[int, ...]] = {}
        self._in_groups: dict[tuple[int, ...], bool] = {}
        self.computations: list | None = None  # how the engine computes each clause (its own to fill)

        # --- explanation lines that depend on the clause alone (keyed by the clause object) ---
        self._headers: dict[int, tuple[str, ...]] = {}
        self._readings: dict[int, tuple[str, ...]] = {}
        for clause in policy.clauses:
            self._headers[id(clause)] = tuple(explain.clause_header(policy, clause))
            self._readings[id(clause)] = tuple(explain.readings(clause))
        self._labels: dict[str, str] = {}
        self._percents: dict[int, tuple[Decimal, str]] = {}  # by id() of a rate the policy holds

    def positions(
        self, types: frozenset[str], indicators: frozenset[str], entered: frozenset[str]
    ) -> tuple[int, ...]:
        """The catalog positions of the cash clauses a subject's records, facts and entered
        amounts can make apply, in catalog order (many subjects share a combination)."""
        key = (types, indicators, entered)
        found = self._positions.get(key)
        if found is None:
            positions: set[int] = set()
            for t in types:
                positions.update(self.by_type.get(t, ()))
            for f in indicators:
                positions.update(self.by_fact.get(f, ()))
            for cid in entered:
                positions.update(self.by_entered.get(cid, ()))
            found = tuple(sorted(positions))
            if len(self._positions) >= 4096:
                self._positions.clear()
            self._positions[key] = found
        return found

    def in_groups(self, positions: tuple[int, ...]) -> bool:
        """Whether a clause at one of ``positions`` is in an exclusion group (D1)."""
        found = self._in_groups.get(positions)
        if found is None:
            clauses = self.policy.clauses
            found = any(clauses[pos].exclusion_group for pos in positions)
            if len(self._in_groups) >= 4096:
                self._in_groups.clear()
            self._in_groups[positions] = found
        return found

    def header(self, clause: Clause) -> tuple[str, ...]:
        found = self._headers.get(id(clause))
        return found if found is not None else tuple(explain.clause_header(self.policy, clause))

    def readings(self, clause: Clause) -> tuple[str, ...]:
        found = self._readings.get(id(clause))
        return found if found is not None else tuple(explain.readings(clause))

    def type_label(self, type_id: str) -> str:
        found = self._labels.get(type_id)
        if found is None:
            found = self._labels[type_id] = explain.type_label(self.policy, type_id)
        return found

    def percent(self, rate: Decimal) -> str:
        """``explain.percent`` of a rate of one of the policy's clauses, made once."""
        found = self._percents.get(id(rate))
        if found is None or found[0] is not rate:
            found = self._percents[id(rate)] = (rate, explain.percent(rate))
        return found[1]

    def validity_years(self) -> dict[str, int]:
        """The validity of titles without a valid-until date (read when first needed)."""
        if self._validity is None:
            years = dict(DEFAULT_VALIDITY_YEARS)
            extra = self.settings.get("validity_years", {})
            if isinstance(extra, dict):
                years.update({str(k): int(v) for k, v in extra.items()})
            self._validity = years
        return self._validity


_PREPARED: dict[int, Prepared] = {}


def prepare(policy: Policy) -> Prepared:
    """The policy made ready for the engine, kept while the policy object lives in this cache."""
    found = _PREPARED.get(id(policy))
    if found is not None and found.policy is policy:
        return found
    prepared = Prepared(policy)
    if len(_PREPARED) >= 16:  # a few policies per process; tests make many
        _PREPARED.clear()
    _PREPARED[id(policy)] = prepared
    return prepared
