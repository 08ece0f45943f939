"""The explanation of an entitlement, stored in parts (issue 20).

Most of an explanation is the clause's fixed lines — its title, the quoted sentence, the
document it rests on and the system's readings — the same for every subject. They are stored
once per catalog version (``clause_texts``); an entitlement stores its own lines between them
and the id of the fixed lines it was computed with. Its own lines differ from another's only
in their figures (dates, amounts, 文号 and record numbers): their words with the figures cut
out are stored once (``explanation_shapes``) and the entitlement keeps the figures.
Reading joins them back, byte for byte: ``Entitlement.explanation`` for an ORM object,
``Texts`` for many rows read as columns.
"""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kjdesk.policy import explain
from kjdesk.policy.model import Entitlement as Computed
from kjdesk.policy.model import Policy
from kjdesk.store.bulk import insert_rows
from kjdesk.store.models import ClauseTexts, ExplanationShape, shape_of, whole_explanation

_versions: dict[int, tuple[Policy, str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]] = {}


def _fixed(policy: Policy) -> tuple[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]:
    """(catalog version, {clause id: (head, tail)}) of ``policy``, computed once per policy."""
    found = _versions.get(id(policy))
    if found is None or found[0] is not policy:
        if len(_versions) >= 16:
            _versions.clear()
        lines = {c.id: explain.fixed_lines(policy, c) for c in policy.clauses}
        found = (policy, explain.catalog_version(policy), lines)
        _versions[id(policy)] = found
    return found[1], found[2]


class Splitter:
    """Splits computed explanations for storage, adding the catalog version's fixed lines once."""

    def __init__(self, session: Session, policy: Policy) -> None:
        self.version, self.lines = _fixed(policy)
        self.ids = dict(
            session.execute(
                select(ClauseTexts.clause_id, ClauseTexts.id).where(
                    ClauseTexts.catalog_version == self.version
                )
            ).all()
        )
        missing = [cid for cid in self.lines if cid not in self.ids]
        if missing:
            insert_rows(
                session,
                ClauseTexts.__table__,
                ["catalog_version", "clause_id", "head", "tail"],
                [
                    (self.version, cid, "\n".join(self.lines[cid][0]), "\n".join(self.lines[cid][1]))
                    for cid in missing
                ],
            )
            self.ids.update(
                session.execute(
                    select(ClauseTexts.clause_id, ClauseTexts.id).where(
                        ClauseTexts.catalog_version == self.version, ClauseTexts.clause_id.in_(missing)
                    )
                ).all()
            )

        self.session = session
        self.shapes: dict[str, int] = {
            shape: i for i, shape in session.execute(select(ExplanationShape.id, ExplanationShape.shape))
        }

    def split(self, ent: Computed) -> tuple[int | None, int | None, str]:
        """(texts id, shape id, what to store) of a computed entitlement."""
        texts_id, body = None, None
        fixed = self.lines.get(ent.clause_id)
        if fixed is not None:
            own = explain.split_fixed(ent.explanation, *fixed)
            if own is not None:
                texts_id, body = self.ids[ent.clause_id], "\n".join(own)
        if body is None:
            body = "\n".join(ent.explanation)
        cut = shape_of(body)
        if cut is None:
            return texts_id, None, body
        shape, figures = cut
        shape_id = self.shapes.get(shape)
        if shape_id is None:  # a new shape: a handful per catalog version
            shape_id = self.session.execute(
                insert(ExplanationShape).values(shape=shape).returning(ExplanationShape.id)
            ).scalar_one()
            self.shapes[shape] = shape_id
        return texts_id, shape_id, figures


class Texts:
    """The stored fixed lines, read once, to make many explanations read as columns whole."""

    def __init__(self, session: Session) -> None:
        self._rows = {
            i: (head, tail)
            for i, head, tail in session.execute(select(ClauseTexts.id, ClauseTexts.head, ClauseTexts.tail))
        }
        self._shapes = dict(session.execute(select(ExplanationShape.id, ExplanationShape.shape)).all())

    def whole(self, texts_id: int | None, shape_id: int | None, stored: str) -> str:
        return whole_explanation(
            self._rows[texts_id] if texts_id is not None else None,
            self._shapes[shape_id] if shape_id is not None else None,
            stored,
        )
