"""Routing: which team and which person a case or a functional escalation goes to, and why.

The team comes from the case or its category's route (`Policy.route`); a follow-the-sun
team first picks the region whose day it is. Within the team a person
must be available now (working or on call, not out of office); among those, one with the
case's category as a skill is preferred, then one who speaks the case's language, then the
one with the fewest open cases. Every decision lists whom it passed over and why, because
"why did this land on me?" is the first question a routed agent asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from escalon.core.follow_the_sun import next_region
from escalon.core.org import Org
from escalon.core.organisation import Team


@dataclass(frozen=True)
class Need:
    """What the case asks of whoever takes it."""

    category: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Passed:
    key: str
    why: str


@dataclass(frozen=True)
class Decision:
    team: str | None
    person: str | None
    why: str
    passed: tuple[Passed, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "person": self.person,
            "why": self.why,
            "passed": [{"key": p.key, "why": p.why} for p in self.passed],
        }


def choose_person(
    org: Org, team: Team, need: Need, load: Callable[[str], int], at: datetime
) -> Decision:
    """The member to take the work, or nobody when no member can take it now."""
    passed: list[Passed] = []
    available = []
    on_call = org.on_call(team.schedule, at)
    own = (team.schedule,) if team.schedule else ()
    states = {}
    for key in dict.fromkeys([*team.members, *([on_call] if on_call else [])]):
        state = states[key] = org.availability(key, at, own)
        if state.available:
            available.append(key)
        else:
            passed.append(Passed(key, state.why))
    if not available:
        return Decision(team.key, None, f"nobody in {team.key} is available now", tuple(passed))
    people = org.people
    reasons = []
    if need.category:
        skilled = [k for k in available if need.category in people[k].skills]
        if skilled:
            passed += [
                Passed(k, f"no {need.category} skill") for k in available if k not in skilled
            ]
            available = skilled
            reasons.append(f"has the {need.category} skill")
    if need.language:
        speakers = [k for k in available if people[k].speaks(need.language)]
        if speakers:
            passed += [
                Passed(k, f"does not speak {need.language}") for k in available if k not in speakers
            ]
            available = speakers
            reasons.append(f"speaks {need.language}")
    loads = {k: load(k) for k in available}
    chosen = min(available, key=lambda k: (loads[k], k != on_call, k))
    tie = "on call" if chosen == on_call else "first by name"
    passed += [
        Passed(k, f"{loads[k]} open cases, as many as {chosen}, who is {tie}")
        if loads[k] == loads[chosen]
        else Passed(k, f"{loads[k]} open cases ({chosen} has {loads[chosen]})")
        for k in available
        if k != chosen
    ]
    reasons.append(f"{states[chosen].why}, {loads[chosen]} open cases")
    return Decision(team.key, chosen, "; ".join(reasons), tuple(passed))


def route(
    org: Org, team_key: str | None, need: Need, load: Callable[[str], int], at: datetime
) -> Decision:
    """Route to a person of `team_key`; a follow-the-sun team first picks its region."""
    team = org.teams.get(team_key or "")
    if team is None:
        return Decision(None, None, "no team handles this case")
    why_region = ""
    if team.follow_the_sun:
        region = next_region(org, team, "", at)
        if region is not None:
            team, why_region = region
    decision = choose_person(org, team, need, load, at)
    why = "; ".join(w for w in (why_region, decision.why) if w)
    return Decision(decision.team, decision.person, why, decision.passed)
