"""The organisation sections of `escalon.yaml`: people, teams, named roles, on-call schedules.

Moments people write by hand (an absence, an override, a rotation's first hand-off) are
local wall-clock times in the owner's zone: `2026-12-24` for a whole day, or
`2026-12-24 09:00`. They are stored as ISO text and turned into instants when compiled.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import Field, PlainValidator, model_validator

from escalon.core.calendar_hours import CalendarError, parse_hours
from escalon.policy.schema import (
    Channels,
    Duration,
    Email,
    Key,
    Language,
    Strict,
    TeamKind,
    Text,
    TimeZone,
    describe,
    fail,
)

AUTHORITY_TOP = 9


def parse_moment(text: str) -> date | datetime:
    """`2026-12-24` is a date (a whole day); `2026-12-24 09:00` or ISO is a local time."""
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


def _moment(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise fail(f"{value.isoformat()!r}: write a local time without an offset")
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise fail(f"expected a date or a local time like 2026-12-24 09:00, got {describe(value)}")
    try:
        parsed = parse_moment(value.strip())
    except ValueError:
        raise fail(
            f"{value!r} is not a date or a local time (2026-12-24 or 2026-12-24 09:00)"
        ) from None
    if isinstance(parsed, datetime) and parsed.tzinfo is not None:
        raise fail(f"{value!r}: write a local time without an offset; the zone is the owner's")
    return parsed.isoformat(timespec="minutes") if isinstance(parsed, datetime) else str(parsed)


def _authority(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= AUTHORITY_TOP:
        raise fail(f"{value!r} is not an authority level (0 agent … {AUTHORITY_TOP})")
    return value


Moment = Annotated[str, PlainValidator(_moment)]
Authority = Annotated[int, PlainValidator(_authority)]


class PeriodSpec(Strict):
    """From one moment to another; a date as `to` includes that whole day."""

    start: Moment = Field(alias="from")
    end: Moment = Field(alias="to")
    note: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> PeriodSpec:
        start, end = parse_moment(self.start), parse_moment(self.end)
        if as_datetime(end, inclusive=True) <= as_datetime(start):
            raise fail(f"'to' ({self.end}) must be after 'from' ({self.start})")
        return self


def as_datetime(moment: date | datetime, *, inclusive: bool = False) -> datetime:
    """A moment as a naive local time; a date is its midnight, or the next midnight when
    it ends a period (`inclusive`: `to: 2026-12-24` includes the 24th)."""
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time()) + (timedelta(days=1) if inclusive else timedelta(0))


def _week_hours(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        example = "{mon-fri: ['09:00-17:00']}"
        raise fail(f"expected weekly hours like {example}, got {describe(value)}")
    try:
        parse_hours(value)
    except CalendarError as exc:
        raise fail(exc.message) from None
    return dict(value)


WeekHoursSpec = Annotated[dict[str, Any], PlainValidator(_week_hours)]


class PersonSpec(Strict):
    name: Text
    email: Email | None = None
    chat: Text | None = None
    manager: Key | None = None
    languages: list[Language] = Field(default_factory=lambda: ["en"])
    timezone: TimeZone = "UTC"
    channels: Channels = Field(default_factory=dict)
    authority: Authority = 0
    skills: list[Text] = Field(default_factory=list)
    calendar: Key | None = None
    out_of_office: list[PeriodSpec] = Field(default_factory=list)


class TeamSpec(Strict):
    name: Text
    kind: TeamKind = "frontline"
    calendar: Key | None = None
    timezone: TimeZone = "UTC"
    language: Language = "en"
    email: Email | None = None
    channels: Channels = Field(default_factory=dict)
    manager: Key | None = None
    members: list[Key] = Field(default_factory=list)
    expertise: list[Text] = Field(default_factory=list)
    region: Text | None = None
    schedule: Key | None = None
    auto_assign: bool = False
    follow_the_sun: list[Key] = Field(default_factory=list)


class RoleSpec(Strict):
    """A named role is filled by one person or by whoever is on call on a schedule."""

    person: Key | None = None
    schedule: Key | None = None

    @model_validator(mode="after")
    def _one(self) -> RoleSpec:
        if (self.person is None) == (self.schedule is None):
            raise fail("a role needs exactly one of 'person' or 'schedule'")
        return self


class LayerSpec(Strict):
    """A rotation: members take turns of `length`, the first hand-off at `start` (local)."""

    name: Text
    members: list[Key]
    start: Moment
    length: Duration
    restrict: WeekHoursSpec | None = None  # weekly hours, e.g. {mon-fri: ["09:00-17:00"]}

    @model_validator(mode="after")
    def _members(self) -> LayerSpec:
        if not self.members:
            raise fail("a layer needs at least one member", "members")
        return self


class OverrideSpec(PeriodSpec):
    person: Key


class ScheduleSpec(Strict):
    name: Text
    timezone: TimeZone
    layers: list[LayerSpec]
    overrides: list[OverrideSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _layers(self) -> ScheduleSpec:
        if not self.layers:
            raise fail("a schedule needs at least one layer", "layers")
        return self
