"""On-call questions, answered from the policy in force: who is on call at an instant."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from escalon.core.errors import InvalidValue, NotFound
from escalon.schemas.oncall import OnCallRead
from escalon.services.context import App
from escalon.services.policies import current_version_id


def who(app: App, schedule: str, at: datetime | None = None) -> OnCallRead:
    """Who is on call on `schedule` at `at` (now by default); an instant without an offset
    is read in the schedule's own zone, as its rotations are written."""
    with app.reading() as session:
        policy = app.policies.get(session, current_version_id(session))
    found = policy.schedules.get(schedule)
    if found is None:
        known = ", ".join(sorted(policy.schedules)) or "none are defined"
        raise NotFound(f"schedule {schedule!r} does not exist (known: {known})", "schedule")
    instant = at or app.clock.now()
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(found.timezone))
    try:
        shift = found.on_call(instant)
    except ValueError as exc:
        raise InvalidValue(str(exc), "at") from None
    person = policy.people.get(shift.person) if shift else None
    return OnCallRead(
        schedule=schedule,
        at=instant,
        person=shift.person if shift else None,
        name=person.name if person else None,
        source=shift.source if shift else None,
        since=shift.since if shift else None,
        until=shift.until if shift else None,
    )
