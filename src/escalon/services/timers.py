"""Due timers: fire SLA warnings and breaches exactly once; move a sandbox's virtual time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from escalon.clock import VirtualClock
from escalon.core import case as rules
from escalon.core.errors import InvalidValue
from escalon.core.policy import Policy
from escalon.core.sla import Clock
from escalon.services.context import App
from escalon.services.journal import note
from escalon.store import clocks as clock_rows
from escalon.store.engine import is_postgres
from escalon.store.models import Case, Timer

SYSTEM = "escalon"


def next_due(app: App) -> datetime | None:
    """The earliest pending instant: one step down the `due_at` index, whatever the case count."""
    with app.reading() as session:
        return session.scalar(select(func.min(Timer.due_at)))


def _claim(session: Session, app: App, now: datetime) -> Timer | None:
    query = select(Timer).where(Timer.due_at <= now).order_by(Timer.due_at, Timer.id).limit(1)
    if is_postgres(app.engine):
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)


def catch_up(session: Session, row: Case, policy: Policy, now: datetime) -> list[Clock]:
    """Fire the warnings and breaches already due before anything else changes the clocks.

    A case resolved or paused after a due instant but before the worker's next tick still
    gets its breach, dated by its due instant in the event data. The caller saves the clocks.
    """
    clocks = [clock_rows.to_core(c) for c in clock_rows.load(session, row.id)]
    plan = rules.fire_due(policy, clocks, now)
    for event in plan.events:
        data = dict(event.data) | {
            "fired_at": now.isoformat(),
            "status": row.status,
            "priority": f"P{row.priority}",
        }
        note(session, row, now, SYSTEM, event.type, data)
    return list(plan.clocks)


def _fire(session: Session, app: App, timer: Timer, now: datetime) -> None:
    row = session.scalar(select(Case).where(Case.id == timer.case_id).with_for_update())
    if row is None:
        session.delete(timer)
        return
    clocks = catch_up(session, row, app.policies.get(session, row.policy_version_id), now)
    clock_rows.save_for_case(session, row, clocks, now)


def fire_due(app: App, now: datetime, limit: int = 1000) -> int:
    """Process due timers one transaction each, so a crash loses nothing and repeats nothing."""
    processed = 0
    while processed < limit:
        with app.transaction(notify=False) as session:
            timer = _claim(session, app, now)
            if timer is None:
                break
            _fire(session, app, timer, now)
        processed += 1
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
