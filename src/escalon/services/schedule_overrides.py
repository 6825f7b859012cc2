"""Taking cover on an on-call schedule through the API, and giving it back.

An override made here joins the schedule's YAML overrides for every decision from then on
(who is on call, routing, escalation targets): cover is operational, so it needs no new
policy version. Anyone may cover for themselves; putting someone else on call is a
manager's call. Cancelling keeps the row, so the history of who covered whom is kept.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from escalon.core.errors import InvalidValue, NotFound
from escalon.schemas.oncall import OverrideCreate, OverrideRead
from escalon.services.context import App
from escalon.services.journal import added, audit
from escalon.services.lookups import instant_in, named
from escalon.services.policies import current_version_id
from escalon.services.tokens import Principal
from escalon.store.models import ScheduleOverride

LONGEST = timedelta(days=366)
ENTITY = "schedule_override"


def _may_cover(user: Principal, person: str) -> None:
    if person != user.name:
        user.require("manager")


def take(app: App, key: str, data: OverrideCreate, user: Principal) -> OverrideRead:
    now = app.clock.now()
    with app.transaction() as session:
        policy = app.policies.get(session, current_version_id(session))
        schedule = named(policy.schedules, key, "schedule")
        if policy.people and data.person not in policy.people:
            raise InvalidValue(f"unknown person {data.person!r}", "person")
        _may_cover(user, data.person)
        start = instant_in(data.start, schedule.timezone, "start")
        end = instant_in(data.end, schedule.timezone, "end")
        if end <= start:
            raise InvalidValue(f"ends at {end.isoformat()}, not after its start", "end")
        if end <= now:
            raise InvalidValue(f"ends at {end.isoformat()}, which has already passed", "end")
        if end - start > LONGEST:
            raise InvalidValue("an override lasts at most 366 days: change the rotation", "end")
        row = ScheduleOverride(
            schedule=key,
            person=data.person,
            start_at=start,
            end_at=end,
            note=data.note,
            created_by=user.name,
            created_at=now,
        )
        added(
            session, row, at=now, actor=user.name, action="override_taken",
            entity=ENTITY, data=_described(row),
        )  # fmt: skip
        return read(row)


def cancel(app: App, key: str, override_id: int, user: Principal) -> OverrideRead:
    now = app.clock.now()
    with app.transaction() as session:
        row = session.scalar(
            select(ScheduleOverride)
            .where(ScheduleOverride.id == override_id, ScheduleOverride.schedule == key)
            .with_for_update()
        )
        if row is None:
            raise NotFound(f"schedule {key!r} has no override {override_id}", "override")
        _may_cover(user, row.person)
        if row.cancelled_at is not None:
            raise InvalidValue(f"override {override_id} is already cancelled", "override")
        row.cancelled_at, row.cancelled_by = now, user.name
        audit(
            session, at=now, actor=user.name, action="override_cancelled", entity=ENTITY,
            entity_id=str(row.id), data=_described(row),
        )  # fmt: skip
        return read(row)


def listed(app: App, key: str, include_past: bool = False) -> list[OverrideRead]:
    """The schedule's overrides, live ones by default; with `include_past` all of them."""
    now = app.clock.now()
    with app.reading() as session:
        named(app.policies.get(session, current_version_id(session)).schedules, key, "schedule")
        query = select(ScheduleOverride).where(ScheduleOverride.schedule == key)
        if not include_past:
            query = query.where(
                ScheduleOverride.cancelled_at.is_(None), ScheduleOverride.end_at > now
            )
        return [read(r) for r in session.scalars(query.order_by(ScheduleOverride.start_at))]


def _described(row: ScheduleOverride) -> dict[str, str]:
    return {
        "schedule": row.schedule,
        "person": row.person,
        "start": row.start_at.isoformat(),
        "end": row.end_at.isoformat(),
    }


def read(row: ScheduleOverride) -> OverrideRead:
    return OverrideRead(
        id=row.id,
        schedule=row.schedule,
        person=row.person,
        start=row.start_at,
        end=row.end_at,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        cancelled_by=row.cancelled_by,
        cancelled_at=row.cancelled_at,
    )
