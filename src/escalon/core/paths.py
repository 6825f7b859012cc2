"""Escalation paths: which path governs a case, who each level reaches, and when it moves.

A path is a list of levels. An escalation enters a level, notifies its targets, and moves up
when the level's acknowledgement time (or the next level's own `after`) runs out without
acknowledgement, or when a case clock reaches the fraction the next level names. Past the
last level it repeats the last level's notice, up to the path's limit. Everything here is a
pure calculation from the escalation, the path, the calendars and the instant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from escalon.core.conditions import Condition
from escalon.core.durations import format_duration
from escalon.core.org import Org, present_manager
from escalon.core.sla import Calendar, Clock, ClockState, Metric

DEFAULT_REASON_DEADLINE = timedelta(hours=4)


class Role(StrEnum):
    ASSIGNEE = "assignee"
    ASSIGNEE_MANAGER = "assignee_manager"
    TEAM_MANAGER = "team_manager"
    ACCOUNT_MANAGER = "account_manager"  # of the case's customer


class Unavailable(StrEnum):
    SKIP = "skip"
    WAIT = "wait"


@dataclass(frozen=True)
class TargetRef:
    """One of: a team, a person, whoever is on call on a schedule, or a role.

    A role is relative to the case (`assignee_manager`; `up` climbs the chain) or, in
    `named`, one the organisation defines (`security-lead`), which stands for a person or
    a schedule.
    """

    team: str | None = None
    person: str | None = None
    role: Role | None = None
    up: int = 1
    schedule: str | None = None
    named: str | None = None

    def describe(self) -> str:
        if self.team:
            return f"team {self.team}"
        if self.person:
            return f"person {self.person}"
        if self.schedule:
            return f"on call {self.schedule}"
        if self.named:
            return f"role {self.named}"
        role = self.role.value if self.role else "nobody"
        return role if self.up == 1 else f"{role} +{self.up - 1} up"


@dataclass(frozen=True)
class SlaMove:
    """Move when a case clock reaches this fraction of its target (1.0: at the breach)."""

    metric: Metric
    fraction: float


@dataclass(frozen=True)
class Level:
    name: str
    targets: tuple[TargetRef, ...]
    ack: timedelta | None = None
    after: timedelta | None = None
    sla: SlaMove | None = None
    calendar: str = "24x7"
    channels: tuple[str, ...] = ("email",)
    when_unavailable: Unavailable = Unavailable.WAIT


@dataclass(frozen=True)
class Path:
    name: str
    when: Condition
    levels: tuple[Level, ...]
    audience: str = "any"
    approval: bool = False
    reassign_on_breach: bool = False
    repeat: int = 0
    reason_deadline: timedelta = DEFAULT_REASON_DEADLINE

    def matches(self, facts: Mapping[str, Any]) -> bool:
        if self.audience != "any" and facts.get("audience") != self.audience:
            return False
        return self.when.matches(facts)

    def level(self, number: int) -> Level:
        return self.levels[min(max(number, 1), len(self.levels)) - 1]


def select_path(paths: Sequence[Path], facts: Mapping[str, Any]) -> Path | None:
    """The first path that matches governs the case; internal and external ones are apart."""
    return next((p for p in paths if p.matches(facts)), None)


@dataclass(frozen=True)
class Recipient:
    """A resolved target: who exactly, how to reach them, and whether they are working now."""

    kind: str  # person | team
    key: str
    name: str
    via: str  # which target of the level produced it
    available: bool = True
    calendar: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "name": self.name,
            "via": self.via,
            "available": self.available,
        }


def resolve_targets(
    level: Level, facts: Mapping[str, Any], org: Org, at: datetime
) -> tuple[Recipient, ...]:
    """Turn a level's targets into people and teams for this case, each with availability."""
    found: dict[tuple[str, str], Recipient] = {}
    for ref in level.targets:
        for recipient in _resolve(ref, facts, org, at):
            found.setdefault((recipient.kind, recipient.key), recipient)
    return tuple(found.values())


def _resolve(ref: TargetRef, facts: Mapping[str, Any], org: Org, at: datetime) -> list[Recipient]:
    if ref.team:
        team = org.teams.get(ref.team)
        if team is None:
            return []
        open_ = org.is_open(team.calendar, at)
        return [Recipient("team", team.key, team.name, ref.describe(), open_, team.calendar)]
    key, why = _person_for(ref, facts, org, at)
    person = org.people.get(key or "")
    if person is None:
        return []
    calendar = org.team_calendar(person.key)
    available = org.availability(person.key, at).available
    via = ref.describe() + why
    return [Recipient("person", person.key, person.name, via, available, calendar)]


def _person_for(
    ref: TargetRef, facts: Mapping[str, Any], org: Org, at: datetime
) -> tuple[str | None, str]:
    """The person a non-team target stands for now, and a note on how they were found."""
    if ref.named:
        holder = org.roles.get(ref.named)
        if holder is None:
            return None, ""
        if holder.person:
            return holder.person, ""
        return org.on_call(holder.schedule, at), f" (on call {holder.schedule})"
    if ref.schedule:
        return org.on_call(ref.schedule, at), ""
    if ref.person:
        return ref.person, ""
    if ref.role is Role.ASSIGNEE:
        return facts.get("assignee"), ""
    if ref.role is Role.ACCOUNT_MANAGER:
        customer = org.customers.get(facts.get("customer") or "")
        return (customer.account_manager if customer else None), ""
    start: str | None = None
    steps = ref.up
    if ref.role is Role.ASSIGNEE_MANAGER:
        start = facts.get("assignee")
    elif ref.role is Role.TEAM_MANAGER:
        team = org.teams.get(facts.get("team") or "")
        start, steps = (team.manager, ref.up - 1) if team and team.manager else (None, 0)
        if start is None:
            return None, ""
    key, skipped = present_manager(org, start, steps, at)
    return key, f" (skipped {', '.join(skipped)}: out of office)" if skipped else ""


class StepKind(StrEnum):
    MOVE = "move"
    REPEAT = "repeat"
    CLOSE_NO_REASON = "close_no_reason"


@dataclass(frozen=True)
class Step:
    """What will happen to an escalation next, when, and why (for the worker and "explain")."""

    kind: StepKind
    at: datetime
    level: int
    why: str
    skipped: tuple[int, ...] = ()
    waited: bool = False


@dataclass(frozen=True)
class Position:
    """Where an open escalation stands on its path; the core `Escalation` plus path state."""

    state: str
    level: int
    entered_at: datetime
    raised_at: datetime
    repeats: int = 0


def _fraction_at(clock: Clock, fraction: float, cal: Calendar) -> datetime | None:
    """The instant a running clock reaches `fraction` of its target, if it still can."""
    if clock.state is not ClockState.RUNNING or clock.since is None:
        return None
    remaining = clock.target * fraction - clock.consumed
    if remaining <= timedelta(0):
        return clock.since
    return cal.add(clock.since, remaining)


def _add(org: Org, calendar: str, start: datetime, duration: timedelta) -> datetime:
    cal = org.calendars.get(calendar)
    return start + duration if cal is None else cal.add(start, duration)


def _move_due(
    path: Path, pos: Position, clocks: Sequence[Clock], org: Org
) -> tuple[datetime, str] | None:
    """When the escalation leaves its level for the next one, and the rule that says so."""
    here = path.level(pos.level)
    options: list[tuple[datetime, str]] = []
    if here.ack is not None:
        due = _add(org, here.calendar, pos.entered_at, here.ack)
        options.append(
            (due, f"not acknowledged within {format_duration(here.ack)} at level {pos.level}")
        )
    if pos.level < len(path.levels):
        nxt = path.level(pos.level + 1)
        if nxt.after is not None:
            due = _add(org, nxt.calendar, pos.entered_at, nxt.after)
            options.append(
                (due, f"{format_duration(nxt.after)} at level {pos.level} unacknowledged")
            )
        if nxt.sla is not None:
            clock = next((c for c in clocks if c.metric is nxt.sla.metric), None)
            cal = org.calendars.get(clock.calendar) if clock else None
            if clock is not None and cal is not None:
                at = _fraction_at(clock, nxt.sla.fraction, cal)
                if at is not None:
                    share = f"{nxt.sla.fraction:.0%}"
                    options.append((at, f"{nxt.sla.metric.value} clock at {share} of its target"))
    return min(options, key=lambda o: o[0]) if options else None


def next_step(
    path: Path | None,
    pos: Position,
    clocks: Sequence[Clock],
    facts: Mapping[str, Any],
    org: Org,
    *,
    reason_deadline: timedelta | None = None,
) -> Step | None:
    """The next automatic step of an open escalation, or None once a person must act.

    Acknowledged escalations, and those waiting for approval, do not move on their own.
    """
    if pos.state == "reason_requested":
        limit = reason_deadline or (path.reason_deadline if path else DEFAULT_REASON_DEADLINE)
        return Step(
            StepKind.CLOSE_NO_REASON,
            pos.raised_at + limit,
            pos.level,
            f"no business reason within {format_duration(limit)}",
        )
    if pos.state != "requested" or path is None:
        return None
    due = _move_due(path, pos, clocks, org)
    if due is None:
        return None
    at, why = due
    if pos.level >= len(path.levels):
        if pos.repeats >= path.repeat:
            return None
        return Step(StepKind.REPEAT, at, pos.level, why + f"; repeat {pos.repeats + 1}")
    return _land(path, pos.level + 1, at, why, facts, org)


def _land(
    path: Path, level: int, at: datetime, why: str, facts: Mapping[str, Any], org: Org
) -> Step:
    """Apply each level's unavailable-targets rule: skip on at once, or wait for a window.

    A level that names nobody for this case (a role the case cannot fill) is always skipped.
    """
    skipped: list[int] = []
    while True:
        lvl = path.level(level)
        recipients = resolve_targets(lvl, facts, org, at)
        if any(r.available for r in recipients):
            return Step(StepKind.MOVE, at, level, why, tuple(skipped))
        nobody = not recipients  # e.g. "manager of the assignee" on an unassigned case
        if nobody and level >= len(path.levels):
            return Step(StepKind.MOVE, at, level, why, tuple(skipped))
        if (nobody or lvl.when_unavailable is Unavailable.SKIP) and level < len(path.levels):
            skipped.append(level)
            level += 1
            continue
        opens = min(org.next_open(r.calendar, at) for r in recipients)
        return Step(StepKind.MOVE, opens, level, why, tuple(skipped), waited=opens > at)


def start_level(
    path: Path | None, current: int, *, hierarchical: bool, requested: int | None = None
) -> int:
    """Where a new escalation enters: a named level, the next one up for authority, else here."""
    if path is None:
        return 1
    top = len(path.levels)
    if requested is not None:
        return min(max(requested, 1), top)
    return min(current + 1, top) if hierarchical else min(max(current, 1), top)
