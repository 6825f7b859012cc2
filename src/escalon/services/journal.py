"""The case timeline and the hash-chained audit log, written in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from escalon.store import appends
from escalon.store.models import AuditEntry, Case, Event

GENESIS = "0" * 64


_LINKED = ("at", "actor", "action", "entity", "entity_id", "case_id", "data")


def _digest(prev_hash: str, fields: Mapping[str, Any]) -> str:
    body = json.dumps(
        {
            "at": fields["at"].isoformat(),
            "actor": fields["actor"],
            "action": fields["action"],
            "entity": fields["entity"],
            "entity_id": fields["entity_id"],
            "case_id": fields["case_id"],
            "data": fields["data"],
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    data: dict[str, Any],
    case_id: int | None = None,
) -> None:
    """Queue an entry for the chain; it is linked and written as the transaction commits.

    Linking at commit keeps the chain's lock (a single line on PostgreSQL) to the last
    moment of a transaction, so workers firing batches in parallel queue only for the
    final insert, and one batch costs one read of the tail instead of one per entry.
    """
    values = {
        "at": at,
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "case_id": case_id,
        "data": _jsonable(data),
    }
    appends.queue(session, AuditEntry, values)


def added(
    session: Session,
    row: Any,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    data: dict[str, Any],
) -> None:
    """Add a new non-case row and audit its creation under its id (known after the flush)."""
    session.add(row)
    session.flush()
    audit(
        session, at=at, actor=actor, action=action, entity=entity, entity_id=str(row.id),
        data=data,
    )  # fmt: skip


def _link(session: Session, entries: list[dict[str, Any]]) -> None:
    """Link the queued entries to the tail of the chain, in order, just before their insert.

    On PostgreSQL a transaction lock makes the tail read, the insert and the commit one
    step, so ids and links follow the same order.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7301)"))
    prev_hash = (
        session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    )
    for entry in entries:
        entry["prev_hash"] = prev_hash
        entry["hash"] = prev_hash = _digest(prev_hash, entry)


appends.completed_by(AuditEntry, _link)


def record(
    session: Session,
    *,
    case_id: int,
    ref: str,
    at: datetime,
    actor: str,
    type: str,
    data: dict[str, Any],
) -> None:
    """A timeline event is also an audit entry: every change is documented."""
    payload = _jsonable(data)
    values = {"case_id": case_id, "at": at, "actor": actor, "type": type, "data": payload}
    appends.queue(session, Event, values)
    entry = {"at": at, "actor": actor, "action": type, "entity": "case", "entity_id": ref}
    appends.queue(session, AuditEntry, entry | {"case_id": case_id, "data": payload})


def note(
    session: Session, case: Case, at: datetime, actor: str, type: str, data: dict[str, Any]
) -> None:
    """Record an event on `case`'s timeline (and in the audit log)."""
    record(session, case_id=case.id, ref=case.ref or "", at=at, actor=actor, type=type, data=data)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return result


@dataclass(frozen=True)
class AuditReport:
    entries: int
    ok: bool
    broken_at: int | None = None
    problem: str | None = None


def verify(session: Session, batch: int = 5000) -> AuditReport:
    """Walk the chain in order and report the first entry whose link or content was altered."""
    prev_hash = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
        )
        if not rows:
            return AuditReport(entries=count, ok=True)
        for entry in rows:
            count += 1
            if entry.prev_hash != prev_hash:
                return AuditReport(count, False, entry.id, "previous-hash link does not match")
            if _digest(prev_hash, {f: getattr(entry, f) for f in _LINKED}) != entry.hash:
                return AuditReport(count, False, entry.id, "content does not match its hash")
            prev_hash = entry.hash
            last_id = entry.id
