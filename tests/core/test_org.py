"""Availability, manager chains past absent managers, and schedule and role targets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from escalon.core.calendar import BusinessCalendar
from escalon.core.org import Org, RoleHolder, present_manager
from escalon.core.organisation import Absence, Person, Team
from escalon.core.paths import Level, Role, TargetRef, resolve_targets
from escalon.core.routing import Need, route
from escalon.core.schedules import Layer, Override, Schedule

OFFICE = BusinessCalendar.from_config(
    {"timezone": "Europe/Budapest", "hours": {"mon-fri": ["09:00-17:00"]}}
)
MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Budapest
EVENING = MONDAY_10 + timedelta(hours=10)  # 20:00 in Budapest
LEAVE = Absence(MONDAY_10 - timedelta(days=1), MONDAY_10 + timedelta(days=4), "leave")
PEOPLE = {
    "agent": Person("agent", "Agent", manager="lead"),
    "lead": Person("lead", "Lead", manager="director", out_of_office=(LEAVE,)),
    "director": Person("director", "Director", manager="ceo"),
    "ceo": Person("ceo", "CEO"),
    "night": Person("night", "Night owl"),
}
NIGHTS = Schedule(
    "nights",
    "Nights",
    "Europe/Budapest",
    (Layer("all", ("night",), datetime(2026, 1, 1), timedelta(days=1)),),
)
ORG = Org(
    PEOPLE,
    {"ops": Team("ops", "Ops", calendar="office", members=("agent", "night"), schedule="nights")},
    {"office": OFFICE},
    schedules={"nights": NIGHTS},
    roles={"duty-officer": RoleHolder(schedule="nights"), "ceo": RoleHolder(person="ceo")},
)


def test_a_manager_on_leave_is_skipped_for_the_next_one_up() -> None:
    assert present_manager(ORG, "agent", 1, MONDAY_10) == ("director", ("lead",))
    assert present_manager(ORG, "agent", 1, MONDAY_10 + timedelta(days=5)) == ("lead", ())


def test_out_of_office_wins_over_working_hours() -> None:
    state = ORG.availability("lead", MONDAY_10)
    assert (
        not state.available and state.why.startswith("out of office until") and "leave" in state.why
    )


def test_someone_on_call_is_available_outside_office_hours() -> None:
    assert ORG.availability("night", EVENING).why == "on call (nights)"
    assert not ORG.availability("agent", EVENING).available
    assert ORG.availability("agent", MONDAY_10).available


def test_schedules_and_named_roles_resolve_to_whoever_fills_them_now() -> None:
    level = Level(
        "l",
        (TargetRef(schedule="nights"), TargetRef(named="ceo"), TargetRef(named="duty-officer")),
    )
    found = resolve_targets(level, {}, ORG, EVENING)
    assert [(r.key, r.via, r.available) for r in found] == [
        ("night", "on call nights", True),
        ("ceo", "role ceo", True),
    ]


def test_the_manager_role_says_whom_it_skipped() -> None:
    up = Level("l", (TargetRef(role=Role.ASSIGNEE_MANAGER),))
    (found,) = resolve_targets(up, {"assignee": "agent"}, ORG, MONDAY_10)
    assert found.key == "director" and "skipped lead: out of office" in found.via


def test_cover_by_someone_outside_the_team_counts_as_on_call() -> None:
    covered = replace(
        NIGHTS,
        overrides=(Override("ceo", EVENING - timedelta(hours=1), EVENING + timedelta(hours=1)),),
    )
    org = replace(ORG, schedules={"nights": covered})
    assert org.availability("ceo", EVENING).why == "on call (nights)"
    decision = route(org, "ops", Need(), lambda person: 0, EVENING)
    assert (decision.person, decision.why) == ("ceo", "on call (nights), 0 open cases")


def test_on_call_for_another_team_does_not_make_someone_available_for_this_one() -> None:
    team = {"day": Team("day", "Day desk", calendar="office", members=("night",))}
    org = replace(ORG, teams={**ORG.teams, **team})
    assert org.availability("night", EVENING).available  # on call for ops
    decision = route(org, "day", Need(), lambda person: 0, EVENING)
    assert decision.person is None
    assert [(p.key, p.why) for p in decision.passed] == [("night", "off work (office closed)")]
