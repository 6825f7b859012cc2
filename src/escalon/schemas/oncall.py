"""What the edges show of on-call schedules: who is on call at an instant, and why."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class OnCallRead(BaseModel):
    schedule: str
    at: datetime
    person: str | None  # None: nobody is on call then
    name: str | None
    source: str | None  # "override" or "layer <name>"
    since: datetime | None  # None: the answer has held for ever
    until: datetime | None
