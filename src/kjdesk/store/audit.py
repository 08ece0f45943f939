"""The audit trail: append-only, hash-chained events written in the same transaction as the change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kjdesk.store.concurrency import lock_name
from kjdesk.store.models import AuditEvent, utcnow


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"cannot audit {type(value).__name__}")


def to_json(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_default)


def event_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: str,
    after: str,
    seal: str = "",
) -> str:
    parts = [prev_hash, at.isoformat(), actor, action, entity, entity_id, before, after]
    if seal:  # the money ledger after this event's transaction (store/seal.py); older events have none
        parts.append(seal)
    payload = "\x1f".join(parts)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event; its hash covers the previous event's hash.

    On a shared PostgreSQL server the end of the chain is locked until commit, so two
    officers' events never hang off the same predecessor (the chain never forks).
    """
    session.flush()
    lock_name(session, "audit-chain")
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    prev = last.hash if last else ""
    at = utcnow()
    before_json, after_json = to_json(before), to_json(after)
    event = AuditEvent(
        # The next id given here, not by a PostgreSQL sequence: a rolled-back transaction
        # would leave a hole in the sequence that verify_chain reports as a deleted event.
        id=(last.id if last else 0) + 1,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before_json,
        after=after_json,
        prev_hash=prev,
        seal="",
        hash=event_hash(prev, at, actor, action, entity, str(entity_id), before_json, after_json),
    )
    session.add(event)
    session.flush()
    session.info.setdefault(EVENTS_KEY, []).append(event)
    session.info[ACTOR_KEY] = actor
    session.info["kjdesk_audit_head"] = event  # services/safety/audit_anchor.py moves the anchor to it
    return event


EVENTS_KEY = "kjdesk_audit_events"  # the events this session's transaction recorded (store/seal.py)
ACTOR_KEY = "kjdesk_audit_actor"


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str
    details: tuple[
        str, ...
    ] = ()  # every problem found (services/audit_money.verify_all), the first is ``reason``


def record_many(
    s: Session, actor: str, action: str, entity: str, events: list[tuple[object, dict[str, object]]]
) -> None:
    """Append one event per (entity id, values) in one statement: each exactly as ``record``
    writes it (the next id, the previous event's hash, its own time and hash), chained one after
    the other. For an action writing many events (a batch of letters); the caller's closing
    event, recorded after them with ``record``, is the transaction's last and carries its money
    seal (store/seal.py)."""
    if not events:
        return
    s.flush()
    lock_name(s, "audit-chain")
    last = s.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    next_id, prev = (last.id + 1, last.hash) if last else (1, "")
    rows = []
    for entity_id, after in events:
        at = utcnow()
        after_json = to_json(after)
        digest = event_hash(prev, at, actor, action, entity, str(entity_id), "", after_json)
        rows.append(
            {
                "id": next_id,
                "at": at,
                "actor": actor,
                "action": action,
                "entity": entity,
                "entity_id": str(entity_id),
                "before": "",
                "after": after_json,
                "prev_hash": prev,
                "seal": "",
                "hash": digest,
            }
        )
        next_id, prev = next_id + 1, digest
    s.execute(insert(AuditEvent), rows)
    s.info[ACTOR_KEY] = actor


def verify_chain(session: Session) -> ChainBreak | None:
    """Walk the chain in id order; name the first event that was altered or removed."""
    prev = ""
    expected_id = None
    e = AuditEvent
    # the columns, not the objects: the same values (the same types) in a third of the time
    rows = session.execute(
        select(
            e.id,
            e.prev_hash,
            e.at,
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.before,
            e.after,
            e.seal,
            e.hash,
        ).order_by(e.id)
    )
    for event_id, prev_hash, *hashed, stored in rows:  # hashed: at … seal, as event_hash takes them
        if expected_id is not None and event_id != expected_id:
            return ChainBreak(expected_id, f"审计事件 #{expected_id} 缺失（被删除）")
        if prev_hash != prev:
            return ChainBreak(event_id, f"审计事件 #{event_id} 的前序哈希不符：之前的事件被改动或删除")
        if event_hash(prev_hash, *hashed) != stored:
            return ChainBreak(event_id, f"审计事件 #{event_id} 的内容被改动（哈希不符）")
        prev = stored
        expected_id = event_id + 1
    return None
