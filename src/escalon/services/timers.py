"""Due timers: fire SLA warnings and breaches exactly once; move a sandbox's virtual time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from escalon.clock import VirtualClock
from escalon.core.errors import InvalidValue
from escalon.services import escalating, follow_the_sun, triggers
from escalon.services.context import App
from escalon.services.editing import SYSTEM, edit_of
from escalon.store import appends, batch
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


def _lock_cases(session: Session, app: App, case_ids: set[int]) -> tuple[dict[int, Case], set[int]]:
    """The cases locked for this transaction, and those another transaction holds.

    Use cases lock the case and then touch its timers; the worker holds timers and then
    wants their cases. Waiting here could deadlock with such a use case, so on PostgreSQL
    the worker skips a busy case and comes back to its timers on the next pass.
    """
    query = select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)
    if not is_postgres(app.engine):
        return {row.id: row for row in session.scalars(query)}, set()
    locked = {row.id: row for row in session.scalars(query.with_for_update(skip_locked=True))}
    missing = case_ids - set(locked)
    if not missing:
        return locked, set()
    exist = set(session.scalars(select(Case.id).where(Case.id.in_(missing))))
    return locked, exist


def _fire(app: App, session: Session, timer: Timer, case: Case | None, now: datetime) -> None:
    """Fire what is due on the case's clocks, then the escalation step if this is one."""
    if _gone(timer):
        return  # replaced by an earlier timer of the same case in this batch
    batch.drop_timer(session, timer)
    if case is None:
        return
    edit = edit_of(app, session, case, now, SYSTEM)
    edit.save_clocks(triggers.catch_up(edit))
    if timer.kind == escalating.TIMER:
        escalating.fire(edit, int(timer.subject))
    elif timer.kind == follow_the_sun.TIMER:
        follow_the_sun.fire(edit)


def _gone(timer: Timer) -> bool:
    state = inspect(timer)
    return not state.persistent or state.deleted


def _fire_batch(
    app: App, session: Session, claimed: list[Timer], now: datetime
) -> tuple[int, set[int]]:
    """Fire a claimed batch at once; if any timer fails, again one savepoint per timer.

    Returns how many fired and the timers left for another pass (busy case, failure).
    """
    cases, busy = _lock_cases(session, app, {t.case_id for t in claimed})
    waiting = {t.id for t in claimed if t.case_id in busy}
    ready = [t for t in claimed if t.id not in waiting]
    batch.load(session, cases)
    try:
        with appends.attempt(session):
            for timer in ready:
                _fire(app, session, timer, cases.get(timer.case_id), now)
            session.flush()
        return len(ready), waiting
    except Exception:
        log.warning("a timer of the batch failed; firing the batch one timer at a time")
    finally:
        batch.forget(session)
    fired = 0
    for timer in ready:
        timer_id = timer.id
        try:
            with appends.attempt(session):
                _fire(app, session, timer, cases.get(timer.case_id), now)
            fired += 1
        except Exception:
            log.exception("timer %s failed; it stays due", timer_id)
            waiting.add(timer_id)
    return fired, waiting


def fire_due(app: App, now: datetime, limit: int = 1000, batch: int = 50) -> int:
    """Fire due timers in batches, one transaction per batch.

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
            fired, waiting = _fire_batch(app, session, claimed, now)
            processed += fired
            skipped |= waiting
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
