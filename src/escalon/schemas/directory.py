"""What the edges show of the organisation: teams, people, schedules, the contact directory."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class TeamRead(BaseModel):
    key: str
    name: str
    kind: str  # frontline, specialist, management or vendor
    expertise: list[str]
    calendar: str | None
    timezone: str
    region: str | None
    manager: str | None
    members: list[str]
    schedule: str | None
    auto_assign: bool
    follow_the_sun: list[str]  # regional teams, in the order the sun reaches them
    language: str
    email: str | None
    channels: dict[str, str]


class AbsenceRead(BaseModel):
    start: datetime
    end: datetime  # exclusive
    note: str


class PersonRead(BaseModel):
    key: str
    name: str
    email: str | None
    chat: str | None
    channels: dict[str, str]
    languages: list[str]
    timezone: str
    manager: str | None
    authority: int
    skills: list[str]
    calendar: str | None = Field(
        description="The hours they work: their own calendar, else their first team's"
    )
    teams: list[str]
    out_of_office: list[AbsenceRead]
    at: datetime = Field(description="The instant `available_now` was answered for")
    available_now: bool
    why: str


class LayerRead(BaseModel):
    name: str
    members: list[str]
    start: datetime = Field(description="Wall time of the first hand-off, in the schedule's zone")
    length_seconds: int = Field(description="How long one member's turn lasts")
    restrict: dict[str, list[str]] | None = Field(
        description="Weekly local hours the layer covers, mon … sun; null: all week"
    )


class CoverSpan(BaseModel):
    """An override: from the YAML, or cover taken through the API and live now."""

    person: str
    start: datetime
    end: datetime


class ShiftRead(BaseModel):
    person: str
    name: str | None
    source: str  # "override" or "layer <name>"
    start: datetime
    end: datetime


class ScheduleRead(BaseModel):
    key: str
    name: str
    timezone: str
    layers: list[LayerRead]
    overrides: list[CoverSpan]


class ScheduleDetail(ScheduleRead):
    shifts_from: datetime
    shifts_until: datetime
    shifts: list[ShiftRead] = Field(description="Who is on call over the window; gaps left out")


class DirectoryEntry(BaseModel):
    """One person of the contact directory, flat so that it is also one CSV row."""

    key: str
    name: str
    email: str | None = Field(description="Where mail to them goes")
    chat: str | None = Field(description="Their chat handle")
    chat_address: str | None = Field(description="Where escalon posts chat messages to them")
    sms: str | None
    phone: str | None
    webhook: str | None
    languages: list[str]
    timezone: str
    teams: list[str]
    manager: str | None
    authority: int
    skills: list[str]
