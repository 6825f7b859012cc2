"""Schedule overrides taken through the API: the live ones, read for each decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalon.core.schedules import Override
from escalon.store.models import ScheduleOverride


def live(session: Session, since: datetime) -> tuple[tuple[str, Override], ...]:
    """(schedule, override) not cancelled and not ended by `since`, oldest first, so that
    a later override wins where two overlap, as in the YAML."""
    rows = session.execute(
        select(
            ScheduleOverride.schedule,
            ScheduleOverride.person,
            ScheduleOverride.start_at,
            ScheduleOverride.end_at,
        )
        .where(ScheduleOverride.cancelled_at.is_(None), ScheduleOverride.end_at > since)
        .order_by(ScheduleOverride.id)
    )
    return tuple((schedule, Override(person, start, end)) for schedule, person, start, end in rows)
