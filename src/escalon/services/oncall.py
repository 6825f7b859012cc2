"""On-call questions, answered from the policy in force: who is on call at an instant."""

from __future__ import annotations

from datetime import datetime

from escalon.core.errors import InvalidValue
from escalon.schemas.oncall import OnCallRead
from escalon.services.context import App
from escalon.services.lookups import instant_in, named
from escalon.services.policies import current_version_id


def who(app: App, schedule: str, at: datetime | None = None) -> OnCallRead:
    """Who is on call on `schedule` at `at` (now by default), overrides taken through the
    API included; an instant without an offset is read in the schedule's own zone, as its
    rotations are written."""
    with app.reading() as session:
        version = current_version_id(session)
        zone = named(app.policies.get(session, version).schedules, schedule, "schedule").timezone
        instant = instant_in(at or app.clock.now(), zone, "at")
        policy = app.policies.in_force(session, version, instant)
    try:
        shift = policy.schedules[schedule].on_call(instant)
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
