"""What the edges show of on-call schedules: who is on call at an instant, and why."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class OnCallRead(BaseModel):
    schedule: str
    at: datetime
    person: str | None  # None: nobody is on call then
    name: str | None
    source: str | None  # "override" or "layer <name>"
    since: datetime | None  # None: the answer has held for ever
    until: datetime | None


class OverrideCreate(BaseModel):
    """Cover on a schedule; instants without an offset are read in the schedule's zone."""

    model_config = ConfigDict(extra="forbid")
    person: str = Field(min_length=1, max_length=200)
    start: datetime
    end: datetime
    note: str = Field(default="", max_length=2000)


class OverrideRead(BaseModel):
    id: int
    schedule: str
    person: str
    start: datetime
    end: datetime
    note: str
    created_by: str
    created_at: datetime
    cancelled_by: str | None
    cancelled_at: datetime | None
