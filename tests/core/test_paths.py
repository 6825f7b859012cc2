"""Paths, levels and triggers: table-driven with explicit instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from escalon.core.calendar import BusinessCalendar
from escalon.core.conditions import Condition
from escalon.core.escalation import Type
from escalon.core.explain import OpenEscalation, explain
from escalon.core.org import Org, manager_chain
from escalon.core.organisation import Person, Team
from escalon.core.paths import (
    Level,
    Path,
    Position,
    Role,
    SlaMove,
    StepKind,
    TargetRef,
    Unavailable,
    next_step,
    resolve_targets,
    select_path,
    start_level,
)
from escalon.core.sla import Clock, ClockState, Metric
from escalon.core.triggers import Do, On, Trigger, on_case, on_clock

ALWAYS = Condition.parse(None, "when")
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Budapest
M = timedelta(minutes=1)
OFFICE = BusinessCalendar.from_config(
    {"timezone": "Europe/Budapest", "hours": {"mon-fri": ["09:00-17:00"]}}
)
PEOPLE = {
    "dora": Person("dora", "Dóra", manager="csaba"),
    "csaba": Person("csaba", "Csaba", manager="gizi"),
    "gizi": Person("gizi", "Gizi"),
    "kim": Person("kim", "Kim Lee"),
}
TEAMS = {
    "front": Team("front", "Frontline", calendar="office", manager="csaba", members=("dora",)),
    "night": Team("night", "Night shift", calendar="office", members=()),
    "net": Team("net", "Network", calendar="24x7", members=("kim",)),
}
ORG = Org(PEOPLE, TEAMS, {"office": OFFICE, "24x7": BusinessCalendar.always_open()})
FACTS: dict[str, Any] = {
    "assignee": "dora",
    "team": "front",
    "priority": 1,
    "audience": "external",
    "category": "network",
}


def level(name: str, *targets: TargetRef, **kw: Any) -> Level:
    return Level(name, targets, **kw)


PATH = Path(
    "outage",
    Condition.parse({"field": "category", "op": "eq", "value": "network"}),
    (
        level("L1", TargetRef(team="front"), ack=15 * M),
        level("L2", TargetRef(team="net"), ack=15 * M),
        level("L3", TargetRef(person="kim"), after=10 * M, ack=30 * M),
        level("L4", TargetRef(role=Role.ASSIGNEE_MANAGER, up=2)),
    ),
    audience="external",
    repeat=1,
)


def pos(level: int, entered: datetime = T0, state: str = "requested", repeats: int = 0) -> Position:
    return Position(state, level, entered, T0, repeats)


@pytest.mark.parametrize(
    ("position", "kind", "at", "to"),
    [
        (pos(1), StepKind.MOVE, T0 + 15 * M, 2),  # L1 ack time runs out
        (pos(2), StepKind.MOVE, T0 + 10 * M, 3),  # L3's own `after` comes first
        (pos(3), StepKind.MOVE, T0 + 30 * M, 4),  # L4 has no rule of its own: L3's ack decides
        (pos(4), None, None, None),  # last level without ack time: nothing repeats
        (pos(1, state="acknowledged"), None, None, None),  # acknowledging stops moves
        (pos(1, state="pending_approval"), None, None, None),
        (pos(1, state="reason_requested"), StepKind.CLOSE_NO_REASON, T0 + 4 * 60 * M, 1),
    ],
)
def test_next_step_follows_ack_times_after_durations_and_states(
    position: Position, kind: StepKind | None, at: datetime | None, to: int | None
) -> None:
    step = next_step(PATH, position, (), FACTS, ORG)
    if kind is None:
        assert step is None
    else:
        assert step is not None and (step.kind, step.at, step.level) == (kind, at, to)


def test_the_last_level_repeats_up_to_the_limit() -> None:
    path = Path("p", ALWAYS, (level("only", TargetRef(team="net"), ack=5 * M),), repeat=2)
    first = next_step(path, pos(1), (), FACTS, ORG)
    assert first is not None and first.kind is StepKind.REPEAT and first.at == T0 + 5 * M
    assert next_step(path, pos(1, repeats=1), (), FACTS, ORG) is not None
    assert next_step(path, pos(1, repeats=2), (), FACTS, ORG) is None


def test_ack_time_counts_on_the_level_calendar() -> None:
    friday_1650 = datetime(2026, 11, 27, 15, 50, tzinfo=UTC)  # 16:50 Budapest
    path = Path(
        "p",
        ALWAYS,
        (
            level("a", TargetRef(team="net"), ack=30 * M, calendar="office"),
            level("b", TargetRef(team="net")),
        ),
    )
    step = next_step(path, pos(1, friday_1650), (), FACTS, ORG)
    assert step is not None
    assert step.at == datetime(2026, 11, 30, 8, 20, tzinfo=UTC)  # Monday 09:20 Budapest


def test_a_level_moves_when_a_clock_reaches_its_fraction() -> None:
    clock = Clock(
        metric=Metric.RESOLUTION,
        target=timedelta(hours=4),
        calendar="24x7",
        warn_fraction=0.75,
        state=ClockState.RUNNING,
        consumed=timedelta(hours=1),
        since=T0,
        due_at=T0 + timedelta(hours=3),
        warn_due_at=None,
        started_at=T0 - timedelta(hours=1),
    )
    path = Path(
        "p",
        ALWAYS,
        (
            level("a", TargetRef(team="net"), ack=timedelta(hours=5)),
            level("b", TargetRef(team="net"), sla=SlaMove(Metric.RESOLUTION, 0.5)),
        ),
    )
    step = next_step(path, pos(1), [clock], FACTS, ORG)
    assert step is not None and step.at == T0 + timedelta(hours=1)  # 2h of 4h consumed
    assert "resolution clock at 50%" in step.why


@pytest.mark.parametrize(
    ("rule", "expected_level", "expected_at", "waited"),
    [
        (Unavailable.SKIP, 3, datetime(2026, 11, 23, 18, 15, tzinfo=UTC), False),
        (Unavailable.WAIT, 2, datetime(2026, 11, 24, 8, 0, tzinfo=UTC), True),
    ],
)
def test_a_level_nobody_works_at_is_skipped_or_waited_for(
    rule: Unavailable, expected_level: int, expected_at: datetime, waited: bool
) -> None:
    evening = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 19:00 Budapest, office closed
    path = Path(
        "p",
        ALWAYS,
        (
            level("a", TargetRef(team="net"), ack=15 * M),
            level("closed", TargetRef(team="night"), when_unavailable=rule),
            level("c", TargetRef(team="net")),
        ),
    )
    step = next_step(path, pos(1, evening), (), FACTS, ORG)
    assert step is not None
    assert (step.level, step.at, step.waited) == (expected_level, expected_at, waited)
    assert step.skipped == ((2,) if rule is Unavailable.SKIP else ())


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (TargetRef(team="front"), [("team", "front")]),
        (TargetRef(person="kim"), [("person", "kim")]),
        (TargetRef(role=Role.ASSIGNEE), [("person", "dora")]),
        (TargetRef(role=Role.ASSIGNEE_MANAGER), [("person", "csaba")]),
        (TargetRef(role=Role.ASSIGNEE_MANAGER, up=2), [("person", "gizi")]),
        (TargetRef(role=Role.ASSIGNEE_MANAGER, up=5), []),  # above the top: nobody
        (TargetRef(role=Role.TEAM_MANAGER), [("person", "csaba")]),
        (TargetRef(role=Role.TEAM_MANAGER, up=2), [("person", "gizi")]),
        (TargetRef(team="missing"), []),
    ],
)
def test_targets_resolve_to_people_and_teams_relative_to_the_case(
    ref: TargetRef, expected: list[tuple[str, str]]
) -> None:
    found = resolve_targets(level("x", ref), FACTS, ORG, T0)
    assert [(r.kind, r.key) for r in found] == expected


def test_manager_chain_stops_on_a_loop() -> None:
    loop = Org({"a": Person("a", "A", manager="b"), "b": Person("b", "B", manager="a")}, {})
    assert manager_chain(loop, "a", 1) == "b"
    assert manager_chain(loop, "a", 3) is None


def test_internal_and_external_paths_are_apart() -> None:
    internal = Path("internal", ALWAYS, (level("x", TargetRef(team="net")),), "internal")
    assert select_path([internal, PATH], FACTS) is PATH
    assert select_path([internal, PATH], FACTS | {"audience": "internal"}) is internal


@pytest.mark.parametrize(
    ("current", "hierarchical", "requested", "expected"),
    [(1, True, None, 2), (1, False, None, 1), (4, True, None, 4), (1, True, 3, 3), (1, True, 9, 4)],
)
def test_where_a_new_escalation_enters_the_path(
    current: int, hierarchical: bool, requested: int | None, expected: int
) -> None:
    assert start_level(PATH, current, hierarchical=hierarchical, requested=requested) == expected


SECURITY = Trigger(
    "security",
    frozenset({On.CREATED, On.CHANGED}),
    Condition.parse({"field": "risk_flags", "op": "contains", "value": "security"}),
    type=Type.HIERARCHICAL,
    targets=(TargetRef(person="kim"),),
)
BREACH = Trigger("breach", frozenset({On.SLA_BREACH}), ALWAYS, metric=Metric.FIRST_RESPONSE)
NOTICE = Trigger(
    "p1",
    frozenset({On.CREATED}),
    Condition.parse({"field": "priority", "op": "eq", "value": 1}),
    action=Do.NOTIFY,
)


@pytest.mark.parametrize(
    ("before", "after", "fired"),
    [
        (None, {"risk_flags": ["security"], "priority": 2}, ["security"]),
        (None, {"risk_flags": [], "priority": 1}, ["p1"]),
        ({"risk_flags": []}, {"risk_flags": ["security"]}, ["security"]),  # became true
        ({"risk_flags": ["security"]}, {"risk_flags": ["security"]}, []),  # stayed true
        ({"priority": 2}, {"priority": 1}, []),  # the notice is for creation only
    ],
)
def test_immediate_triggers_fire_when_their_condition_becomes_true(
    before: dict[str, Any] | None, after: dict[str, Any], fired: list[str]
) -> None:
    result = on_case([SECURITY, BREACH, NOTICE], before, after)
    assert [t.name for t, _ in result] == fired


def test_time_triggers_fire_for_their_event_and_metric() -> None:
    rules = [SECURITY, BREACH, NOTICE]
    assert [t.name for t, _ in on_clock(rules, "sla_breach", "first_response", {})] == ["breach"]
    assert on_clock(rules, "sla_breach", "resolution", {}) == []
    assert on_clock(rules, "sla_warning", "first_response", {}) == []


def test_explain_says_what_happens_next_and_when() -> None:
    escalation = OpenEscalation(1, pos(2), PATH)
    lines, upcoming = explain("ESC-1", PATH, 2, [escalation], (), [], FACTS, ORG, T0)
    assert lines[0].startswith("ESC-1 follows path 'outage' because category eq network")
    assert upcoming[0].at == T0 + 10 * M
    assert "if not acknowledged, goes to level 3: L3 (Kim Lee) by email" in upcoming[0].text
    assert "at 2026-11-23 08:10 UTC, escalation #1" in lines[-1]


def test_a_level_that_names_nobody_for_the_case_is_skipped() -> None:
    path = Path(
        "p",
        ALWAYS,
        (
            level("a", TargetRef(team="net"), ack=15 * M),
            level("lead", TargetRef(role=Role.ASSIGNEE_MANAGER), when_unavailable=Unavailable.WAIT),
            level("c", TargetRef(team="net")),
        ),
    )
    step = next_step(path, pos(1), (), FACTS | {"assignee": None}, ORG)
    assert step is not None and (step.level, step.skipped) == (3, (2,))
