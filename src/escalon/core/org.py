"""The organisation as routing and target resolution see it: who works where and when.

A person is available at an instant when they are not out of office and either working
(their own calendar, else that of the first team that lists them, is open) or on call on
their team's schedule. Out of office wins over everything, an on-call shift included: a
schedule that names an absent person is wrong, and paging them would not help the case.
Every answer carries its reason, because routing and escalation record why they passed
someone over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from escalon.core.organisation import Customer, Person, Team
from escalon.core.schedules import Schedule
from escalon.core.sla import Calendar


@dataclass(frozen=True)
class Availability:
    available: bool
    why: str


@dataclass(frozen=True)
class RoleHolder:
    """Who fills a named role (security lead, account manager): a person or a schedule."""

    person: str | None = None
    schedule: str | None = None


@dataclass(frozen=True)
class Org:
    """People, teams, calendars, customers, on-call schedules and named roles."""

    people: Mapping[str, Person]
    teams: Mapping[str, Team]
    calendars: Mapping[str, Calendar] = field(default_factory=dict)
    customers: Mapping[str, Customer] = field(default_factory=dict)
    schedules: Mapping[str, Schedule] = field(default_factory=dict)
    roles: Mapping[str, RoleHolder] = field(default_factory=dict)

    @cached_property
    def _teams_of(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for team in self.teams.values():
            for member in team.members:
                found.setdefault(member, []).append(team.key)
        return {person: tuple(keys) for person, keys in found.items()}

    def teams_of(self, person: str) -> tuple[str, ...]:
        return self._teams_of.get(person, ())

    @cached_property
    def _schedules_of(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, dict[str, None]] = {}
        for schedule in self.schedules.values():
            people = [m for layer in schedule.layers for m in layer.members]
            for person in [*people, *(o.person for o in schedule.overrides)]:
                found.setdefault(person, {})[schedule.key] = None
        return {person: tuple(keys) for person, keys in found.items()}

    def schedules_of(self, person: str) -> tuple[str, ...]:
        """Every schedule that can put `person` on call: a layer or an override names them."""
        return self._schedules_of.get(person, ())

    @cached_property
    def _answers(self) -> dict[tuple[str, datetime], str | None]:
        return {}

    def team_calendar(self, person: str) -> str | None:
        """A person works their own hours, else those of the first team that lists them."""
        own = self.people[person].calendar if person in self.people else None
        if own:
            return own
        return next(
            (self.teams[t].calendar for t in self.teams_of(person) if self.teams[t].calendar),
            None,
        )

    def is_open(self, calendar: str | None, at: datetime) -> bool:
        cal = self.calendars.get(calendar or "")
        return True if cal is None else cal.is_open(at)

    def next_open(self, calendar: str | None, at: datetime) -> datetime:
        cal = self.calendars.get(calendar or "")
        return at if cal is None else cal.next_open(at)

    def on_call(self, schedule: str | None, at: datetime) -> str | None:
        """Who is on call on `schedule` at `at`, if anyone.

        Remembered for the last few thousand questions: one routing decision asks about the
        same schedule and instant once per candidate, and the policy never changes.
        """
        found = self.schedules.get(schedule or "")
        if found is None:
            return None
        key, answers = (found.key, at), self._answers
        with suppress(KeyError):  # one lookup: safe beside another thread's clear()
            return answers[key]
        if len(answers) >= 4096:
            answers.clear()
        shift = found.on_call(at)
        person = answers[key] = shift.person if shift else None
        return person

    def availability(
        self, person: str, at: datetime, schedules: Sequence[str] | None = None
    ) -> Availability:
        """Whether `person` can take work at `at`, and the reason in words.

        Being on call counts on `schedules`, by default every schedule that names them; a
        team routing its own work passes its own schedule, because a person on call for
        another team holds that team's pager, not this team's queue.
        """
        who = self.people.get(person)
        if who is None:
            return Availability(False, f"{person} is not in the organisation")
        absence = who.away(at)
        if absence is not None:
            note = f" ({absence.note})" if absence.note else ""
            return Availability(False, f"out of office until {absence.end.isoformat()}{note}")
        for schedule in self.schedules_of(person) if schedules is None else schedules:
            if self.on_call(schedule, at) == person:
                return Availability(True, f"on call ({schedule})")
        calendar = self.team_calendar(person)
        if self.is_open(calendar, at):
            return Availability(True, f"working ({calendar})" if calendar else "working")
        return Availability(False, f"off work ({calendar} closed)")


def manager_chain(org: Org, person: str | None, steps: int) -> str | None:
    """The person `steps` managers above `person`, stopping at the top (never looping)."""
    current, seen = person, set()
    for _ in range(steps):
        if current is None or current in seen or current not in org.people:
            return None
        seen.add(current)
        current = org.people[current].manager
    return current


def present_manager(
    org: Org, person: str | None, steps: int, at: datetime
) -> tuple[str | None, tuple[str, ...]]:
    """The manager `steps` up, climbing past anyone out of office; also whom it skipped.

    Absence, not working hours, is what skips: a manager asleep in another time zone is
    still the one who decides, while one on holiday for two weeks is not.
    """
    current = manager_chain(org, person, steps)
    skipped: list[str] = []
    while current is not None and current in org.people and org.people[current].away(at):
        skipped.append(current)
        current = manager_chain(org, current, 1)
        if current in skipped:
            return None, tuple(skipped)
    return current, tuple(skipped)
