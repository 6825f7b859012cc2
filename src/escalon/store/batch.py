"""The rows of a worker's batch of locked cases, read with one query per table.

A worker fires its claimed timers in one transaction. Reading each case's clocks and timers
one query at a time, and deleting timers with a query each, costs a round trip and an ORM
flush per row; here they are read once for the whole batch and changed as objects, so the
batch ends in one flush of batched inserts, updates and deletes. Store functions consult
the batch through `rows_of` and fall back to their queries outside one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from escalon.store import ids, scratch
from escalon.store.models import EscalationRow, SlaClock, Timer

_KEY = "escalon.batch"


@dataclass
class CaseRows:
    clocks: list[SlaClock] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    last_escalation: int = 0


def load(session: Session, case_ids: Iterable[int]) -> None:
    """Read the clocks, timers and escalation numbers of `case_ids` into the session."""
    ids = sorted(set(case_ids))
    rows = {case_id: CaseRows() for case_id in ids}
    if ids:
        clocks = select(SlaClock).where(SlaClock.case_id.in_(ids)).order_by(SlaClock.id)
        for clock in session.scalars(clocks):
            rows[clock.case_id].clocks.append(clock)
        for timer in session.scalars(select(Timer).where(Timer.case_id.in_(ids))):
            rows[timer.case_id].timers.append(timer)
        numbers = (
            select(EscalationRow.case_id, func.max(EscalationRow.number))
            .where(EscalationRow.case_id.in_(ids))
            .group_by(EscalationRow.case_id)
        )
        for case_id, number in session.execute(numbers):
            rows[case_id].last_escalation = number or 0
    scratch.held(session, _KEY, dict[int, CaseRows]).update(rows)


def forget(session: Session) -> None:
    """After a rollback the objects no longer match the database: back to queries."""
    scratch.drop(session, _KEY)


def rows_of(session: Session, case_id: int) -> CaseRows | None:
    batch: dict[int, CaseRows] | None = scratch.peek(session, _KEY)
    return batch.get(case_id) if batch is not None else None


def drop_timers(session: Session, case_id: int, kind: str, subject: str | None = None) -> None:
    """Delete the case's timers of `kind` (and `subject`, when given)."""
    rows = rows_of(session, case_id)
    if rows is None:
        query = delete(Timer).where(Timer.case_id == case_id, Timer.kind == kind)
        if subject is not None:
            query = query.where(Timer.subject == subject)
        session.execute(query)
        return
    for timer in [t for t in rows.timers if _matches(t, kind, subject)]:
        rows.timers.remove(timer)
        session.delete(timer)


def add_timer(
    session: Session, case_id: int, kind: str, subject: str, due_at: datetime, now: datetime
) -> None:
    timer = Timer(
        id=ids.next_id(session, Timer),
        case_id=case_id,
        kind=kind,
        subject=subject,
        due_at=due_at,
        created_at=now,
    )
    session.add(timer)
    rows = rows_of(session, case_id)
    if rows is not None:
        rows.timers.append(timer)


def next_escalation_number(session: Session, case_id: int) -> int:
    """The number of the case's next escalation: 1, 2, … in the order they were raised."""
    rows = rows_of(session, case_id)
    if rows is None:
        last = session.scalar(
            select(func.coalesce(func.max(EscalationRow.number), 0)).where(
                EscalationRow.case_id == case_id
            )
        )
        return (last or 0) + 1
    rows.last_escalation += 1
    return rows.last_escalation


def drop_timer(session: Session, timer: Timer) -> None:
    """Delete a claimed timer; it may already be gone with an earlier one of its case."""
    rows = rows_of(session, timer.case_id)
    if rows is None:
        session.execute(delete(Timer).where(Timer.id == timer.id))
    elif timer in rows.timers:
        rows.timers.remove(timer)
        session.delete(timer)


def _matches(timer: Timer, kind: str, subject: str | None) -> bool:
    return timer.kind == kind and (subject is None or timer.subject == subject)
