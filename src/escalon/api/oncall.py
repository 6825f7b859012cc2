"""On-call routes: who is on call on a schedule at an instant."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from escalon.api.deps import AppDep, CurrentUser
from escalon.schemas.oncall import OnCallRead
from escalon.services import oncall

router = APIRouter(prefix="/api/v1", tags=["on-call"])

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
