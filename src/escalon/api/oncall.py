"""On-call routes: who is on call on a schedule at an instant."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from escalon.api.deps import AppDep, CurrentUser
from escalon.schemas.oncall import OnCallRead, OverrideCreate, OverrideRead
from escalon.services import oncall, schedule_overrides

router = APIRouter(prefix="/api/v1", tags=["on-call"])

OverrideId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The override's id")]
ScheduleKey = Annotated[str, Path(min_length=1, max_length=100, description="A schedule's key")]


@router.get("/schedules/{schedule}/on-call")
def who(
    schedule: ScheduleKey,
    app: AppDep,
    user: CurrentUser,
    at: Annotated[
        datetime | None,
        Query(description="ISO instant; without an offset, in the schedule's zone; default now"),
    ] = None,
) -> OnCallRead:
    """Who is on call at `at`, from which layer or override, and from when until when."""
    user.require("agent")
    return oncall.who(app, schedule, at)


@router.post("/schedules/{schedule}/overrides", status_code=status.HTTP_201_CREATED)
def take_override(
    schedule: ScheduleKey, body: OverrideCreate, app: AppDep, user: CurrentUser
) -> OverrideRead:
    """Put someone on call over a stretch, above the rotation: yourself as an agent,
    anyone as a manager. Instants without an offset are read in the schedule's zone."""
    user.require("agent")
    return schedule_overrides.take(app, schedule, body, user)


@router.get("/schedules/{schedule}/overrides")
def list_overrides(
    schedule: ScheduleKey,
    app: AppDep,
    user: CurrentUser,
    include_past: Annotated[bool, Query(description="Also ended and cancelled ones")] = False,
) -> list[OverrideRead]:
    user.require("agent")
    return schedule_overrides.listed(app, schedule, include_past)


@router.delete("/schedules/{schedule}/overrides/{override_id}")
def cancel_override(
    schedule: ScheduleKey, override_id: OverrideId, app: AppDep, user: CurrentUser
) -> OverrideRead:
    """Give the cover back; the record stays, marked cancelled."""
    user.require("agent")
    return schedule_overrides.cancel(app, schedule, override_id, user)
