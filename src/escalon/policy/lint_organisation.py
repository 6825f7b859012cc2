"""Checks of the organisation sections against the rest of the document.

A schedule member who is not a person, a role filled by a schedule that does not exist, or
a follow-the-sun team naming itself would each page nobody at the worst moment; here they
are errors with their place. The raw data is read defensively: shapes are the schema's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from escalon.policy.problems import Problem, Segment, as_list, as_mapping, calendar_names, unknown


def organisation_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    people = [str(k) for k in as_mapping(data.get("people"))]
    teams = as_mapping(data.get("teams"))
    schedules = [str(k) for k in as_mapping(data.get("schedules"))]
    calendars = calendar_names(data)

    def ref(
        where: tuple[Segment, ...], kind: str, name: Any, known: list[str]
    ) -> Iterator[Problem]:
        if isinstance(name, str) and name not in known:
            yield Problem(where, unknown(kind, name, known))

    for key, person in as_mapping(data.get("people")).items():
        yield from ref(
            ("people", key, "calendar"), "calendar", as_mapping(person).get("calendar"), calendars
        )
    for key, customer in as_mapping(data.get("customers")).items():
        manager = as_mapping(customer).get("account_manager")
        yield from ref(("customers", key, "account_manager"), "person", manager, people)
    for key, team in teams.items():
        team = as_mapping(team)
        yield from ref(("teams", key, "schedule"), "schedule", team.get("schedule"), schedules)
        yield from _follow_the_sun(key, team, teams)
    for key, role in as_mapping(data.get("roles")).items():
        role = as_mapping(role)
        yield from ref(("roles", key, "person"), "person", role.get("person"), people)
        yield from ref(("roles", key, "schedule"), "schedule", role.get("schedule"), schedules)
    for key, schedule in as_mapping(data.get("schedules")).items():
        schedule = as_mapping(schedule)
        for i, layer in enumerate(as_list(schedule.get("layers"))):
            for j, member in enumerate(as_list(as_mapping(layer).get("members"))):
                yield from ref(
                    ("schedules", key, "layers", i, "members", j), "person", member, people
                )
        for i, override in enumerate(as_list(schedule.get("overrides"))):
            person = as_mapping(override).get("person")
            yield from ref(("schedules", key, "overrides", i, "person"), "person", person, people)


def _follow_the_sun(
    key: Any, team: Mapping[Any, Any], teams: Mapping[Any, Any]
) -> Iterator[Problem]:
    """Regions must be plain teams: a region that is itself a set of regions would loop."""
    known = [str(k) for k in teams]
    for i, region in enumerate(as_list(team.get("follow_the_sun"))):
        where = ("teams", key, "follow_the_sun", i)
        if not isinstance(region, str):
            continue
        if region not in teams:
            yield Problem(where, unknown("team", region, known))
        elif region == key or as_mapping(teams[region]).get("follow_the_sun"):
            yield Problem(where, f"{region!r} is itself a follow-the-sun team; name regional teams")
        elif not as_mapping(teams[region]).get("calendar"):
            yield Problem(where, f"regional team {region!r} needs a calendar: its day decides")
