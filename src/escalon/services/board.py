"""The manager's board: open escalations by level and team, who is on call, recent breaches.

Read only, at one instant the caller passes in, so the three parts agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from escalon.core import escalation as rules
from escalon.core.paths import Level, TargetRef
from escalon.core.policy import Policy
from escalon.services import escalating, oncall
from escalon.services.context import App
from escalon.services.policies import current_version_id
from escalon.store.models import Case, EscalationRow, SlaClock

LONGEST = 500  # open escalations shown; the longest waiting ones first
BREACH_WINDOW = timedelta(days=7)
BREACHES_SHOWN = 20


@dataclass(frozen=True)
class Target:
    """Whom an escalation is addressed to: a team, person, schedule or role, by its name."""

    kind: str  # team | person | schedule | role
    name: str
    up: int = 1  # a role this many steps up the manager chain


@dataclass(frozen=True)
class EscalationLine:
    id: int
    ref: str
    title: str
    priority: int
    type: str
    state: str
    initiator: str
    targets: tuple[Target, ...]
    level_entered_at: datetime
    at_level: timedelta
    unacknowledged: bool


@dataclass(frozen=True)
class Group:
    level: int
    level_name: str | None
    team: str | None
    team_name: str | None
    lines: tuple[EscalationLine, ...]


@dataclass(frozen=True)
class Escalations:
    now: datetime
    groups: tuple[Group, ...]
    shown: int
    total: int  # more than `shown` when there are more open escalations than LONGEST


@dataclass(frozen=True)
class OnCallLine:
    schedule: str
    schedule_name: str
    person: str | None  # None: nobody is on call now
    name: str | None
    until: datetime | None  # None: for ever, as far as the schedule says


@dataclass(frozen=True)
class Breach:
    ref: str
    title: str
    priority: int
    metric: str
    breached_at: datetime


@dataclass(frozen=True)
class Board:
    now: datetime
    escalations: Escalations
    on_call: tuple[OnCallLine, ...]
    breaches: tuple[Breach, ...]


def board(app: App) -> Board:
    """The whole board, read at one instant of the app's clock."""
    now = app.clock.now()
    return Board(now, open_escalations(app, now), on_call(app, now), recent_breaches(app, now))


def open_escalations(app: App, now: datetime) -> Escalations:
    """Open escalations grouped by level and team; in a group the unacknowledged come first,
    then the longest at their level."""
    query = (
        select(EscalationRow, Case.ref, Case.title, Case.priority)
        .join(Case, Case.id == EscalationRow.case_id)
        .where(EscalationRow.state.in_(rules.OPEN))
    )
    groups: dict[tuple[int, str, str], list[EscalationLine]] = {}
    with app.reading() as session:
        found = session.execute(
            query.order_by(EscalationRow.level_entered_at, EscalationRow.id).limit(LONGEST)
        ).all()
        total = len(found)
        if total == LONGEST:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        policy = app.policies.get(session, current_version_id(session))
        for row, ref, title, priority in found:
            path = escalating.snapshot_path(app, session, row)
            level = path.level(row.level) if path and path.levels else None
            line = _line(policy, row, level, ref or "", title, priority, now)
            key = (row.level, level.name if level else "", row.team or "")
            groups.setdefault(key, []).append(line)
    return Escalations(
        now=now,
        groups=tuple(
            Group(
                level=number,
                level_name=name or None,
                team=team or None,
                team_name=policy.teams[team].name if team in policy.teams else team or None,
                lines=tuple(sorted(lines, key=_urgency)),
            )
            for (number, name, team), lines in sorted(groups.items())
        ),
        shown=len(found),
        total=total,
    )


def _urgency(line: EscalationLine) -> tuple[bool, datetime, int]:
    return (not line.unacknowledged, line.level_entered_at, line.id)


def _line(
    policy: Policy,
    row: EscalationRow,
    level: Level | None,
    ref: str,
    title: str,
    priority: int,
    now: datetime,
) -> EscalationLine:
    # named targets (a route, a trigger's alert), else the targets of the path's level
    refs = escalating.refs(row) or (level.targets if level else ())
    person = policy.people.get(row.initiator)
    return EscalationLine(
        id=row.id,
        ref=ref,
        title=title,
        priority=priority,
        type=row.type,
        state=row.state,
        initiator=person.name if person else row.initiator,
        targets=tuple(_target(policy, t) for t in refs),
        level_entered_at=row.level_entered_at,
        at_level=now - row.level_entered_at,
        unacknowledged=row.state in rules.UNACKNOWLEDGED,
    )


def _target(policy: Policy, ref: TargetRef) -> Target:
    if ref.team:
        team = policy.teams.get(ref.team)
        return Target("team", team.name if team else ref.team)
    if ref.person:
        person = policy.people.get(ref.person)
        return Target("person", person.name if person else ref.person)
    if ref.schedule:
        schedule = policy.schedules.get(ref.schedule)
        return Target("schedule", schedule.name if schedule else ref.schedule)
    if ref.named:
        return Target("role", ref.named)
    return Target("role", ref.role.value if ref.role else "nobody", ref.up)


def on_call(app: App, now: datetime) -> tuple[OnCallLine, ...]:
    """Every schedule of the policy in force, with the person on call at `now`."""
    with app.reading() as session:
        schedules = app.policies.get(session, current_version_id(session)).schedules
    lines = []
    for key in sorted(schedules, key=lambda k: schedules[k].name):
        who = oncall.who(app, key, now)
        lines.append(OnCallLine(key, schedules[key].name, who.person, who.name, who.until))
    return tuple(lines)


def recent_breaches(app: App, now: datetime) -> tuple[Breach, ...]:
    """SLA clocks that breached in the last week, newest first.

    Read from the clocks, which keep their breach instant: a case whose clocks started a
    new cycle (reopened) no longer lists its earlier breach here, its timeline still does.
    """
    query = (
        select(SlaClock.metric, SlaClock.breached_at, Case.ref, Case.title, Case.priority)
        .join(Case, Case.id == SlaClock.case_id)
        .where(
            Case.breached.is_(True),  # indexed: narrows to cases with a breached clock
            SlaClock.breached.is_(True),
            SlaClock.breached_at >= now - BREACH_WINDOW,
        )
        .order_by(SlaClock.breached_at.desc(), SlaClock.id.desc())
        .limit(BREACHES_SHOWN)
    )
    with app.reading() as session:
        return tuple(
            Breach(ref or "", title, priority, metric, at)
            for metric, at, ref, title, priority in session.execute(query)
            if at is not None
        )
