"""Linting the escalation sections: references, dead paths and trigger rules, with lines.

Each case appends escalation sections to a minimal valid document (one calendar, one
person, one team). The line marked `# <-` in a case is where its error must be reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from escalon.policy import format_errors, lint_file, lint_text, validate_mapping

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "escalon.yaml"
MARK = "# <-"

BASE = """\
calendars:
  office:
    timezone: Europe/Budapest
    hours: {mon-fri: ["09:00-17:00"]}
people:
  anna: {name: Anna Kovács}
teams:
  support: {name: Support, calendar: office, manager: anna, members: [anna]}
"""

VALID = """\
escalation_paths:
  - name: external
    audience: external
    when: {field: priority, op: lte, value: 2}
    levels:
      - name: first
        targets: [{team: support}, {role: assignee}]
        ack: 15m
        calendar: office
        when_unavailable: skip
      - name: second
        targets: [{person: anna}, {role: team_manager, up: 2}]
        calendar: 24x7
  - name: internal
    audience: internal
    levels:
      - name: only
        targets: [{role: assignee_manager}]
  - name: everything else
    when: {field: priority, op: gte, value: 3}
    levels:
      - name: only
        targets: [{team: support}]
functional_routes:
  general: support
triggers:
  - name: breach
    events: [sla_breach, sla_warning]
    metric: resolution
    targets: [{role: team_manager}]
  - name: P1 outage
    events: created
    when: {field: priority, op: eq, value: 1}
    level: 2
  - name: P1 notice
    events: [created, changed]
    action: notify
    targets: [{person: anna}]
"""


class Case(NamedTuple):
    id: str
    yaml: str
    expected: str  # `path: message`; its line is the one marked `# <-`


def one_level(level: str) -> str:
    """A document whose only path has the one level given (keys indented as in a level)."""
    return "escalation_paths:\n  - name: p\n    levels:\n      - name: l\n" + level


CASES = [
    Case(
        "unknown team in a level target",
        one_level("        targets: [{person: anna}, {team: suport}]  # <-\n"),
        "escalation_paths[0].levels[0].targets[1].team: "
        "unknown team 'suport' (did you mean 'support'?)",
    ),
    Case(
        "unknown person in a level target",
        one_level("        targets:\n          - team: support\n          - person: ana  # <-\n"),
        "escalation_paths[0].levels[0].targets[1].person: "
        "unknown person 'ana' (did you mean 'anna'?)",
    ),
    Case(
        "unknown team in a trigger target",
        "triggers:\n  - name: t\n    events: created\n    targets: [{team: noc}]  # <-\n",
        "triggers[0].targets[0].team: unknown team 'noc' (known: support)",
    ),
    Case(
        "unknown person in a trigger target",
        "triggers:\n  - name: t\n    events: created\n    targets:\n      - person: bob  # <-\n",
        "triggers[0].targets[0].person: unknown person 'bob' (known: anna)",
    ),
    Case(
        "unknown team in a functional route",
        "functional_routes:\n  general: support\n  payments: finance  # <-\n",
        "functional_routes.payments: unknown team 'finance' (known: support)",
    ),
    Case(
        "a level with an empty target list",
        one_level("        targets: []  # <-\n"),
        "escalation_paths[0].levels[0].targets: "
        "a level needs at least one target (team, person or role)",
    ),
    Case(
        "a level without targets",
        "escalation_paths:\n  - name: p\n    levels:\n      - name: l  # <-\n        ack: 1h\n",
        "escalation_paths[0].levels[0]: a level needs at least one target (team, person or role)",
    ),
    Case(
        "a path with an empty level list",
        "escalation_paths:\n  - name: p\n    levels: []  # <-\n",
        "escalation_paths[0].levels: a path needs at least one level",
    ),
    Case(
        "a path without levels",
        "escalation_paths:\n  - name: p  # <-\n    audience: internal\n",
        "escalation_paths[0].levels: a path needs at least one level",
    ),
    Case(
        "an unknown level calendar",
        one_level("        targets: [{team: support}]\n        calendar: ofice  # <-\n"),
        "escalation_paths[0].levels[0].calendar: unknown calendar 'ofice' (did you mean 'office'?)",
    ),
    Case(
        "a duplicate path name",
        "escalation_paths:\n"
        "  - name: p\n    when: {field: priority, op: eq, value: 1}\n"
        "    levels: [{name: l, targets: [{team: support}]}]\n"
        "  - name: p  # <-\n    levels: [{name: l, targets: [{team: support}]}]\n",
        "escalation_paths[1].name: duplicate escalation path name 'p' (also escalation_paths[0])",
    ),
    Case(
        "a duplicate trigger name",
        "triggers:\n  - name: t\n    events: created\n"
        "  - {name: u, events: changed}\n  - {name: t, events: changed}  # <-\n",
        "triggers[2].name: duplicate trigger name 't' (also triggers[0])",
    ),
    Case(
        "a path after a catch-all for any audience",
        "escalation_paths:\n"
        "  - name: all\n    levels: [{name: l, targets: [{team: support}]}]\n"
        "  - name: external  # <-\n    audience: external\n"
        "    when: {field: priority, op: eq, value: 1}\n"
        "    levels: [{name: l, targets: [{team: support}]}]\n",
        "escalation_paths[1]: never applies: escalation_paths[0] before it has no 'when' "
        "and matches every case",
    ),
    Case(
        "a path after a catch-all for its own audience",
        "escalation_paths:\n"
        "  - name: internal\n    audience: internal\n"
        "    levels: [{name: l, targets: [{team: support}]}]\n"
        "  - name: internal P1  # <-\n    audience: internal\n"
        "    when: {field: priority, op: eq, value: 1}\n"
        "    levels: [{name: l, targets: [{team: support}]}]\n",
        "escalation_paths[1]: never applies: escalation_paths[0] before it has no 'when' "
        "and matches every internal case",
    ),
    Case(
        "a path for any audience after catch-alls for both",
        "escalation_paths:\n"
        "  - name: internal\n    audience: internal\n"
        "    levels: [{name: l, targets: [{team: support}]}]\n"
        "  - name: external\n    audience: external\n"
        "    levels: [{name: l, targets: [{team: support}]}]\n"
        "  - name: rest  # <-\n    levels: [{name: l, targets: [{team: support}]}]\n",
        "escalation_paths[2]: never applies: escalation_paths[0] and escalation_paths[1] "
        "before it have no 'when' and together match every case",
    ),
    Case(
        "a metric on a trigger without SLA events",
        "triggers:\n  - name: t\n    events: [created, changed]\n    metric: resolution  # <-\n",
        "triggers[0].metric: 'metric' narrows SLA events; this trigger has none",
    ),
    Case(
        "a notify trigger without targets",
        "triggers:\n  - name: t  # <-\n    events: created\n    action: notify\n",
        "triggers[0]: 'action: notify' needs at least one target (team, person or role)",
    ),
    Case(
        "a notify trigger with an empty target list",
        "triggers:\n  - name: t\n    events: created\n    action: notify\n    targets: []  # <-\n",
        "triggers[0].targets: 'action: notify' needs at least one target (team, person or role)",
    ),
    Case(
        "a level on a notify trigger",
        "triggers:\n  - name: t\n    events: created\n    action: notify\n"
        "    targets: [{team: support}]\n    level: 2  # <-\n",
        "triggers[0].level: 'level' is only for 'action: escalate'",
    ),
    Case(
        "a team as a watcher",
        "triggers:\n  - name: t\n    events: created\n    action: watch\n"
        "    targets:\n      - {team: support}  # <-\n",
        "triggers[0].targets[0].team: a team cannot watch a case: name a person, a schedule or "
        "a role",
    ),
    Case(
        "a watch trigger without targets",
        "triggers:\n  - name: t  # <-\n    events: created\n    action: watch\n",
        "triggers[0]: 'action: watch' needs at least one target (person, schedule or role)",
    ),
    Case(
        "skip on the last level",
        "escalation_paths:\n  - name: p\n    levels:\n"
        "      - {name: a, targets: [{team: support}], when_unavailable: skip}\n"
        "      - name: b\n        targets: [{team: support}]\n"
        "        when_unavailable: skip  # <-\n",
        "escalation_paths[0].levels[1].when_unavailable: "
        "the last level has no level to skip to; use wait",
    ),
    Case(
        "an update interval longer than the plan's cadence",
        "sla:\n  - name: default\n    targets:\n"
        "      P1: {update_interval: 30m}\n"
        "      P2:\n        resolution: 8h\n        update_interval: 2h  # <-\n"
        "communication_plans:\n  P1: {cadence: 1h}\n  P2: {cadence: 1h30m}\n",
        "sla[0].targets.P2.update_interval: allows 2h without an update, but "
        "communication_plans.P2 promises one every 1h30m: the reminder would come after the "
        "promise is broken; make update_interval at most the cadence",
    ),
]


def marked_line(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if MARK in line)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_base_and_valid_sections_lint_clean() -> None:
    assert lint_text(BASE).errors == []
    assert lint_text(BASE + VALID).errors == []


def test_the_example_lints_clean() -> None:
    result = lint_file(EXAMPLE)
    assert result.errors == []
    assert result.document is not None and result.document.escalation_paths


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_cross_section_error_is_reported_at_its_path_and_line(case: Case) -> None:
    text = BASE + case.yaml
    result = lint_text(text)
    assert [str(e) for e in result.errors] == [case.expected]
    assert result.errors[0].line == marked_line(text)
    assert result.document is None


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_stored_data_gets_the_same_errors_without_lines(case: Case) -> None:
    result = validate_mapping(yaml.safe_load(BASE + case.yaml))
    assert [(str(e), e.line) for e in result.errors] == [(case.expected, None)]


def test_an_unknown_target_team_in_the_example_is_reported_with_its_line() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "targets: [{person: kim}, {team: network-vendor}]",
        "targets: [{person: kim}, {team: network-vendr}]",
    )
    result = lint_text(text)
    line = line_of(text, "network-vendr")
    expected = (
        "escalation_paths[0].levels[2].targets[1].team: "
        "unknown team 'network-vendr' (did you mean 'network-vendor'?)"
    )
    assert format_errors(result, "escalon.yaml") == [f"escalon.yaml:{line}: {expected}"]


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            one_level("        targets: [{team: support, person: anna}]\n"),
            "escalation_paths[0].levels[0].targets[0]: "
            "a target needs exactly one of 'team', 'person', 'schedule' or 'role'",
        ),
        (
            "triggers:\n  - name: t\n    events: [sla_breech]\n    metric: resolution\n",
            "triggers[0].events: 'sla_breech' is not a trigger event "
            "(created, changed, sla_warning, sla_breach)",
        ),
        (
            "escalation_paths:\n  - name: p\n    levels: none\n",
            "escalation_paths[0].levels: expected a list, got 'none'",
        ),
    ],
    ids=["two kinds in one target", "misspelt event with a metric", "levels not a list"],
)
def test_a_shape_error_is_not_reported_twice(section: str, expected: str) -> None:
    """The schema's error is the useful one; the cross-section checks stay quiet there."""
    assert [str(e) for e in lint_text(BASE + section).errors] == [expected]


@pytest.mark.parametrize(
    "paths",
    [
        # a catch-all for one audience leaves the other audience to later paths
        "  - {name: a, audience: external, levels: [{name: l, targets: [{team: support}]}]}\n"
        "  - {name: b, audience: internal, levels: [{name: l, targets: [{team: support}]}]}\n",
        # a path with `when` is not a catch-all, whatever its audience
        "  - name: a\n    when: {field: priority, op: eq, value: 1}\n"
        "    levels: [{name: l, targets: [{team: support}]}]\n"
        "  - {name: b, levels: [{name: l, targets: [{team: support}]}]}\n",
        # one audience taken still leaves an `any` path the other audience
        "  - {name: a, audience: internal, levels: [{name: l, targets: [{team: support}]}]}\n"
        "  - {name: b, levels: [{name: l, targets: [{team: support}]}]}\n",
    ],
    ids=["other audience", "earlier path has when", "any after one audience"],
)
def test_paths_that_can_still_apply_are_not_reported(paths: str) -> None:
    assert lint_text(BASE + "escalation_paths:\n" + paths).errors == []


def test_a_manager_loop_is_reported_at_its_place_when_roles_climb_the_chain() -> None:
    """Roles such as `team_manager` with `up` walk the chain, so a loop must be caught."""
    people = (
        "  anna: {name: Anna Kovács, manager: bela}\n  bela: {name: Béla Nagy, manager: anna}\n"
    )
    text = BASE.replace("  anna: {name: Anna Kovács}\n", people) + one_level(
        "        targets: [{role: assignee_manager}, {role: team_manager, up: 2}]\n"
    )
    result = lint_text(text)
    assert [str(e) for e in result.errors] == [
        "people.anna.manager: manager chain loops: anna → bela → anna"
    ]
    assert result.errors[0].line == line_of(text, "anna: {")
