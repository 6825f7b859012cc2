"""Linting the organisation sections: schedules, roles, absences, follow-the-sun, unions."""

from __future__ import annotations

import pytest

from escalon.policy import lint_text

BASE = """\
calendars:
  office: {timezone: Europe/Budapest, hours: {mon-fri: ["09:00-17:00"]}}
people:
  anna: {name: Anna Kovács}
teams:
  support: {name: Support, calendar: office, members: [anna]}
"""

CASES = [
    (
        "schedules:\n  nights:\n    name: Nights\n    timezone: Europe/Budapest\n"
        "    layers: [{name: l, members: [anna, bob], start: 2026-11-02, length: 1d}]\n",
        "schedules.nights.layers[0].members[1]: unknown person 'bob' (known: anna)",
    ),
    (
        "triggers:\n  - {name: t, events: created, action: notify, targets: [{role: duty}]}\n",
        "triggers[0].targets[0].role: unknown role 'duty' (known: assignee, assignee_manager, "
        "team_manager, account_manager)",
    ),
    (
        "roles:\n  lead: {schedule: nights}\n",
        "roles.lead.schedule: unknown schedule 'nights' (none are defined)",
    ),
    (
        "teams:\n  support: {name: Support, members: [anna]}\n"
        "  world: {name: World, follow_the_sun: [support]}\n",
        "teams.world.follow_the_sun[0]: regional team 'support' needs a calendar: its day decides",
    ),
    (
        "calendars:\n  office: {timezone: UTC, hours: 24x7}\n  sun: {union: [office, ofice]}\n",
        "calendars.sun.union[1]: unknown calendar 'ofice' (did you mean 'office'?)",
    ),
    (
        "people:\n  anna:\n    name: Anna\n"
        "    out_of_office: [{from: 2026-12-10, to: 2026-12-01}]\n",
        "people.anna.out_of_office[0]: 'to' (2026-12-01) must be after 'from' (2026-12-10)",
    ),
]


@pytest.mark.parametrize(("section", "expected"), CASES)
def test_an_organisation_error_names_its_place(section: str, expected: str) -> None:
    text = _replace(BASE, section)
    assert [str(e) for e in lint_text(text).errors] == [expected]


def _replace(base: str, section: str) -> str:
    """The base with the case's section in place of its own of that name, if any."""
    name = section.split(":", 1)[0]
    kept, skipping = [], False
    for line in base.splitlines(keepends=True):
        if not line.startswith(" "):
            skipping = line.startswith(name + ":")
        if not skipping:
            kept.append(line)
    return "".join(kept) + section
