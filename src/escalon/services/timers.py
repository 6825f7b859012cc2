"""Due timers: fire SLA warnings and breaches exactly once; move a sandbox's virtual time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.orm import Session

from escalon.clock import VirtualClock
from escalon.core.errors import InvalidValue
from escalon.services import escalating, triggers
from escalon.services.context import App
from escalon.services.editing import SYSTEM, edit_of
from escalon.store.engine import is_postgres
from escalon.store.models import Case, Timer

log = logging.getLogger("escalon.timers")


def next_due(app: App) -> datetime | None:
    """The earliest pending instant: one step down the `due_at` index, whatever the case count."""
    with app.reading() as session:
        return session.scalar(select(func.min(Timer.due_at)))


def _claim(session: Session, app: App, now: datetime, count: int, skipped: set[int]) -> list[Timer]:
    query = select(Timer).where(Timer.due_at <= now)
    if skipped:
        query = query.where(Timer.id.not_in(skipped))
    query = query.order_by(Timer.due_at, Timer.id).limit(count)
    if is_postgres(app.engine):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def _lock_case(session: Session, app: App, case_id: int) -> Case | bool | None:
    """The case locked for this transaction; False while another transaction holds it.

    Use cases lock the case and then touch its timers; the worker holds a timer and then
    wants the case. Waiting here could deadlock with such a use case, so on PostgreSQL the
    worker skips a busy case and comes back to its timer on the next pass.
    """
    query = select(Case).where(Case.id == case_id)
    if not is_postgres(app.engine):
        return session.scalar(query)
    row = session.scalar(query.with_for_update(skip_locked=True))
    if row is None and session.scalar(select(Case.id).where(Case.id == case_id)) is not None:
        return False
    return row


def _fire(app: App, session: Session, timer: Timer, now: datetime) -> bool:
    """Fire what is due on the case's clocks, then the escalation step if this is one.

    Returns False when the case is busy and the timer must wait for another pass.
    """
    if not inspect(timer).persistent:
        return True  # replaced by an earlier timer of the same case in this batch
    row = _lock_case(session, app, timer.case_id)
    if row is False:
        return False
    session.execute(delete(Timer).where(Timer.id == timer.id))
    if row is None or row is True:
        return True
    edit = edit_of(app, session, row, now, SYSTEM)
    edit.save_clocks(triggers.catch_up(edit))
    if timer.kind == escalating.TIMER:
        escalating.fire(edit, int(timer.subject))
    return True


def fire_due(app: App, now: datetime, limit: int = 1000, batch: int = 50) -> int:
    """Fire due timers in batches, one transaction per batch and a savepoint per timer.

    A worker that dies mid-batch commits nothing of it: the rows are claimed again. A timer
    whose processing fails is rolled back alone, logged, and left for the next pass.
    """
    processed = 0
    skipped: set[int] = set()
    while processed < limit:
        with app.transaction(notify=False) as session:
            claimed = _claim(session, app, now, min(batch, limit - processed), skipped)
            if not claimed:
                break
            for timer in claimed:
                timer_id = timer.id
                try:
                    with session.begin_nested():
                        done = _fire(app, session, timer, now)
                except Exception:
                    log.exception("timer %s failed; it stays due", timer_id)
                    done = False
                if done:
                    processed += 1
                else:
                    skipped.add(timer_id)
    return processed


def advance(app: App, duration: timedelta) -> tuple[datetime, int]:
    """Move virtual time forward, stopping at each due instant on the way, in order."""
    if not isinstance(app.clock, VirtualClock):
        raise InvalidValue(
            "this database runs on the real clock; only a sandbox's time moves", "clock"
        )
    if duration < timedelta(0):
        raise InvalidValue("time only moves forward", "duration")
    current = app.clock.now()
    target = current + duration
    fired = 0
    while True:
        due = next_due(app)
        if due is None or due > target:
            break
        current = max(current, due)
        with app.transaction() as session:
            VirtualClock.set(session, current)
        fired += fire_due(app, current)
    with app.transaction() as session:
        VirtualClock.set(session, target)
    return target, fired
