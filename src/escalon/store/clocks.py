"""Mapping between core SLA clocks and their rows, and the timers that wake them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalon.core.sla import Clock, ClockState, Metric
from escalon.store import batch
from escalon.store.models import Case, SlaClock


def _us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def to_core(row: SlaClock) -> Clock:
    return Clock(
        metric=Metric(row.metric),
        target=timedelta(microseconds=row.target_us),
        calendar=row.calendar,
        warn_fraction=row.warn_fraction,
        state=ClockState(row.state),
        consumed=timedelta(microseconds=row.consumed_us),
        since=row.since,
        due_at=row.due_at,
        warn_due_at=row.warn_due_at,
        started_at=row.started_at,
        warned=row.warned,
        breached=row.breached,
        cycle=row.cycle,
        met_at=row.met_at,
        breached_at=row.breached_at,
    )


def _fill(row: SlaClock, clock: Clock) -> None:
    """Set only what changed: an unchanged attribute costs no event and no column."""
    values = {
        "metric": clock.metric.value,
        "target_us": _us(clock.target),
        "calendar": clock.calendar,
        "warn_fraction": clock.warn_fraction,
        "state": clock.state.value,
        "consumed_us": _us(clock.consumed),
        "since": clock.since,
        "due_at": clock.due_at,
        "warn_due_at": clock.warn_due_at,
        "started_at": clock.started_at,
        "warned": clock.warned,
        "breached": clock.breached,
        "cycle": clock.cycle,
        "met_at": clock.met_at,
        "breached_at": clock.breached_at,
    }
    held = row.__dict__
    for name, value in values.items():
        if name not in held or held[name] != value:
            setattr(row, name, value)


def load(session: Session, case_id: int) -> list[SlaClock]:
    rows = batch.rows_of(session, case_id)
    if rows is not None:
        return list(rows.clocks)
    return list(
        session.scalars(select(SlaClock).where(SlaClock.case_id == case_id).order_by(SlaClock.id))
    )


def save_for_case(
    session: Session, case: Case, clocks: Sequence[Clock], now: datetime, new: bool = False
) -> None:
    """Save a case's clocks and keep its `breached` flag (used by the list filter) in step."""
    save(session, case.id, clocks, now, new=new)
    case.breached = any(c.breached for c in clocks)


def load_many(session: Session, case_ids: Sequence[int]) -> dict[int, list[Clock]]:
    """The clocks of many cases in one query, for lists."""
    result: dict[int, list[Clock]] = {}
    if not case_ids:
        return result
    query = select(SlaClock).where(SlaClock.case_id.in_(case_ids)).order_by(SlaClock.id)
    for row in session.scalars(query):
        result.setdefault(row.case_id, []).append(to_core(row))
    return result


def save(
    session: Session, case_id: int, clocks: Sequence[Clock], now: datetime, new: bool = False
) -> None:
    """Write the clocks of a case and its one SLA timer: the earliest instant any clock needs.

    One timer row per case means two workers can never work on the same case's clocks at once.
    `new` says the case was just created, so there is nothing to load or replace.
    """
    rows = {} if new else {row.metric: row for row in load(session, case_id)}
    keep = {clock.metric.value for clock in clocks}
    held = batch.rows_of(session, case_id)
    for metric, row in rows.items():
        if metric not in keep:
            session.delete(row)
            if held is not None:
                held.clocks.remove(row)
    for clock in clocks:
        existing = rows.get(clock.metric.value)
        if existing is None:
            existing = SlaClock(case_id=case_id)
            session.add(existing)
            if held is not None:
                held.clocks.append(existing)
        _fill(existing, clock)
    upcoming = [t for t in (clock.next_timer_for() for clock in clocks) if t is not None]
    if not new:
        batch.drop_timers(session, case_id, "sla")
    if upcoming:
        subject, due_at = min(upcoming, key=lambda t: t[1])
        batch.add_timer(session, case_id, "sla", subject, due_at, now)
