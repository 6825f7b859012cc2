"""The organisation as people look it up, from the policy in force: teams, people and whether
they can take work, on-call schedules with their final shifts, and the contact directory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from escalon.core.calendar_hours import DAY_NAMES, WeekHours, format_interval
from escalon.core.errors import InvalidValue
from escalon.core.org import Org
from escalon.core.organisation import Person, Team
from escalon.core.policy import Policy
from escalon.core.schedules import Layer, Schedule
from escalon.schemas.directory import (
    CoverSpan,
    DirectoryEntry,
    LayerRead,
    PersonRead,
    ScheduleDetail,
    ScheduleRead,
    ShiftRead,
    TeamRead,
)
from escalon.services.context import App
from escalon.services.lookups import instant_in, named
from escalon.services.policies import current_version_id

FORMATS = ("json", "csv")
DEFAULT_WINDOW = timedelta(days=7)
LONGEST_WINDOW = timedelta(days=93)  # a quarter: enough to plan, short enough to answer fast
_ENTRIES = TypeAdapter(list[DirectoryEntry])


def _policy(app: App, since: datetime | None = None) -> Policy:
    """The policy in force with the schedule cover taken through the API that is live at
    `since` (now by default), so these views agree with routing and `oncall who`."""
    with app.reading() as session:
        return app.policies.in_force(session, current_version_id(session), since or app.clock.now())


def _people_policy(app: App, at: datetime | None) -> Policy:
    """Cover live a day around `at`: an instant without an offset is read in each person's
    own zone, and taking in an ended override is harmless (it covers another time)."""
    if at is None:
        return _policy(app)
    return _policy(app, instant_in(at, "UTC", "at") - timedelta(days=1))


def list_teams(app: App) -> list[TeamRead]:
    policy = _policy(app)
    return [_team(policy.teams[key]) for key in sorted(policy.teams)]


def get_team(app: App, key: str) -> TeamRead:
    return _team(named(_policy(app).teams, key, "team"))


def _team(team: Team) -> TeamRead:
    return TeamRead.model_validate(asdict(team))


def _people(
    policy: Policy, team: str | None, language: str | None = None, skill: str | None = None
) -> list[Person]:
    """People sorted by key; a team filter takes its listed members (a follow-the-sun team
    lists none of its own: its regions' teams do)."""
    members = None if team is None else set(named(policy.teams, team, "team").members)
    return [
        person
        for key, person in sorted(policy.people.items())
        if (members is None or key in members)
        and person.speaks(language)
        and (skill is None or skill in person.skills)
    ]


def list_people(
    app: App,
    team: str | None = None,
    language: str | None = None,
    skill: str | None = None,
    at: datetime | None = None,
) -> list[PersonRead]:
    policy = _people_policy(app, at)
    instant = at or app.clock.now()  # one instant for all, read once
    return [_person(policy.org(), p, instant) for p in _people(policy, team, language, skill)]


def get_person(app: App, key: str, at: datetime | None = None) -> PersonRead:
    policy = _people_policy(app, at)
    person = named(policy.people, key, "person")
    return _person(policy.org(), person, at or app.clock.now())


def _person(org: Org, person: Person, at: datetime) -> PersonRead:
    instant = instant_in(at, person.timezone, "at")
    availability = org.availability(person.key, instant)
    return PersonRead.model_validate(
        {
            **asdict(person),
            "calendar": org.team_calendar(person.key),
            "teams": org.teams_of(person.key),
            "at": instant,
            "available_now": availability.available,
            "why": availability.why,
        }
    )


def list_schedules(app: App) -> list[ScheduleRead]:
    policy = _policy(app)
    return [_schedule(policy.schedules[key]) for key in sorted(policy.schedules)]


def get_schedule(
    app: App, key: str, start: datetime | None = None, end: datetime | None = None
) -> ScheduleDetail:
    """The schedule and its final shifts over [start, end), by default the coming week."""
    zone = named(_policy(app).schedules, key, "schedule").timezone
    begin, finish = _window(start, end, app.clock.now(), zone)
    policy = _policy(app, begin)
    schedule = policy.schedules[key]
    try:
        shifts = schedule.shifts(begin, finish)
    except ValueError as exc:
        raise InvalidValue(str(exc), "schedule") from None
    return ScheduleDetail(
        **_schedule(schedule).model_dump(),
        shifts_from=begin,
        shifts_until=finish,
        shifts=[
            ShiftRead(
                person=s.person,
                name=policy.people[s.person].name if s.person in policy.people else None,
                source=s.source,
                start=s.start,
                end=s.end,
            )
            for s in shifts
        ],
    )


def _window(
    start: datetime | None, end: datetime | None, now: datetime, zone: str
) -> tuple[datetime, datetime]:
    """A window long enough to plan with; a longer one is refused rather than cut short, so
    nobody mistakes the end of an answer for the end of the rota."""
    begin = now if start is None else instant_in(start, zone, "from")
    finish = begin + DEFAULT_WINDOW if end is None else instant_in(end, zone, "until")
    if finish <= begin:
        raise InvalidValue(f"{finish.isoformat()} is not after from {begin.isoformat()}", "until")
    if finish - begin > LONGEST_WINDOW:
        raise InvalidValue(
            f"from {begin.isoformat()} to {finish.isoformat()} is {(finish - begin).days} days;"
            f" ask for at most {LONGEST_WINDOW.days} days at a time",
            "until",
        )
    return begin, finish


def _schedule(schedule: Schedule) -> ScheduleRead:
    return ScheduleRead(
        key=schedule.key,
        name=schedule.name,
        timezone=schedule.timezone,
        layers=[_layer(layer) for layer in schedule.layers],
        overrides=[
            CoverSpan(person=o.person, start=o.start, end=o.end) for o in schedule.overrides
        ],
    )


def _layer(layer: Layer) -> LayerRead:
    return LayerRead(
        name=layer.name,
        members=list(layer.members),
        start=layer.start,
        length_seconds=int(layer.length.total_seconds()),
        restrict=None if layer.restrict is None else _week(layer.restrict),
    )


def _week(hours: WeekHours) -> dict[str, list[str]]:
    return {
        day: [format_interval(i) for i in spans]
        for day, spans in zip(DAY_NAMES, hours, strict=True)
    }


def directory(app: App, team: str | None = None) -> list[DirectoryEntry]:
    """One entry per person, sorted by key: how to reach them and what they know."""
    policy = _policy(app)
    org = policy.org()
    return [
        DirectoryEntry(
            key=p.key,
            name=p.name,
            email=p.address("email"),
            chat=p.chat,
            chat_address=p.address("chat"),
            sms=p.address("sms"),
            phone=p.address("phone"),
            webhook=p.address("webhook"),
            languages=list(p.languages),
            timezone=p.timezone,
            teams=list(org.teams_of(p.key)),
            manager=p.manager,
            authority=p.authority,
            skills=list(p.skills),
        )
        for p in _people(policy, team)
    ]


def export(entries: list[DirectoryEntry], fmt: str) -> str:
    """The directory as JSON or as CSV text, both UTF-8 ready."""
    if fmt not in FORMATS:
        raise InvalidValue(f"{fmt!r} is not a format ({', '.join(FORMATS)})", "format")
    if fmt == "json":
        return _ENTRIES.dump_json(entries, indent=2).decode() + "\n"
    return as_csv(entries)


def as_csv(entries: Iterable[DirectoryEntry]) -> str:
    """A header row, then one row per person: lists joined with ';', nothing as ''.

    The csv module quotes what needs it, so commas, quotes and line breaks in a name come
    back intact; rows end in CRLF as RFC 4180 asks.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(DirectoryEntry.model_fields))
    writer.writeheader()
    for entry in entries:
        writer.writerow({k: _cell(v) for k, v in entry.model_dump().items()})
    return out.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)
