"""SLA policies and clocks: business time consumed against a target, warned and breached once.

A clock stores the business time consumed up to its checkpoint (`since`) and the instants at
which it will warn and breach. Every operation first checkpoints, so pausing, resuming and
changing the target keep the time already consumed. A breached clock keeps running until it
is met, so the overrun stays measurable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from escalon.core.conditions import Condition


class Calendar(Protocol):
    def add(self, start: datetime, duration: timedelta) -> datetime: ...
    def elapsed(self, start: datetime, end: datetime) -> timedelta: ...
    def is_open(self, at: datetime) -> bool: ...
    def next_open(self, at: datetime) -> datetime: ...
    def open_until(self, at: datetime) -> datetime: ...


class Metric(StrEnum):
    FIRST_RESPONSE = "first_response"
    UPDATE_INTERVAL = "update_interval"
    RESOLUTION = "resolution"


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"


@dataclass(frozen=True)
class Target:
    metric: Metric
    duration: timedelta
    calendar: str


@dataclass(frozen=True)
class SlaPolicy:
    name: str
    when: Condition
    targets: Mapping[int, Mapping[Metric, Target]]
    warn_at: float = 0.75
    pause_statuses: frozenset[str] = frozenset({"waiting_on_customer"})

    def targets_for(self, priority: int) -> Mapping[Metric, Target]:
        return self.targets.get(priority, {})


def select_policy(policies: Sequence[SlaPolicy], facts: Mapping[str, Any]) -> SlaPolicy | None:
    """The first policy whose condition matches governs the case, as in a firewall rule list."""
    return next((p for p in policies if p.when.matches(facts)), None)


def signal(breached: bool, warned: bool, warn_due_at: datetime | None, now: datetime) -> str:
    """What a countdown shows: "breached", "warning" (the warning has fired, or its instant
    has passed before the worker got to it) or "on-track". Once fired, a warning's instant
    is no longer kept, so `warned` must be asked too."""
    if breached:
        return "breached"
    if warned or (warn_due_at is not None and warn_due_at <= now):
        return "warning"
    return "on-track"


@dataclass(frozen=True)
class Clock:
    metric: Metric
    target: timedelta
    calendar: str
    warn_fraction: float
    state: ClockState
    consumed: timedelta
    since: datetime | None
    due_at: datetime | None
    warn_due_at: datetime | None
    started_at: datetime
    warned: bool = False
    breached: bool = False
    cycle: int = 1
    met_at: datetime | None = None
    breached_at: datetime | None = None

    @property
    def status(self) -> str:
        """What a person sees: running, paused, met, or breached while still open."""
        if self.breached and self.state is not ClockState.MET:
            return "breached"
        return self.state.value

    def next_timer(self) -> tuple[str, datetime] | None:
        """The next instant at which this clock must be looked at again, and why."""
        if self.state is not ClockState.RUNNING:
            return None
        if not self.warned and self.warn_due_at is not None:
            return ("sla_warning", self.warn_due_at)
        if not self.breached and self.due_at is not None:
            return ("sla_breach", self.due_at)
        return None

    def next_timer_for(self) -> tuple[str, datetime] | None:
        """Like `next_timer`, naming the metric too (`resolution:sla_breach`)."""
        upcoming = self.next_timer()
        return None if upcoming is None else (f"{self.metric.value}:{upcoming[0]}", upcoming[1])


@dataclass(frozen=True)
class ClockEvent:
    type: str  # sla_warning | sla_breach | sla_met
    metric: Metric
    at: datetime
    data: Mapping[str, Any]


def start_clock(target: Target, warn_fraction: float, cal: Calendar, now: datetime) -> Clock:
    clock = Clock(
        metric=target.metric,
        target=target.duration,
        calendar=target.calendar,
        warn_fraction=warn_fraction,
        state=ClockState.RUNNING,
        consumed=timedelta(0),
        since=now,
        due_at=None,
        warn_due_at=None,
        started_at=now,
    )
    return _schedule(clock, cal)


def _schedule(clock: Clock, cal: Calendar) -> Clock:
    """Recompute the warning and breach instants from the consumed time and the checkpoint."""
    if clock.state is not ClockState.RUNNING or clock.since is None:
        return replace(clock, due_at=clock.due_at if clock.breached else None, warn_due_at=None)
    due_at = clock.due_at
    if not clock.breached:
        left = clock.target - clock.consumed
        due_at = cal.add(clock.since, left) if left > timedelta(0) else clock.since
    warn_due_at = None
    if not clock.warned:
        warn_target = clock.target * clock.warn_fraction
        left = warn_target - clock.consumed
        warn_due_at = cal.add(clock.since, left) if left > timedelta(0) else clock.since
    return replace(clock, due_at=due_at, warn_due_at=warn_due_at)


def checkpoint(clock: Clock, cal: Calendar, now: datetime) -> Clock:
    """Fold the business time since the last checkpoint into `consumed`."""
    if clock.state is not ClockState.RUNNING or clock.since is None or now <= clock.since:
        return clock
    return replace(clock, consumed=clock.consumed + cal.elapsed(clock.since, now), since=now)


def pause(clock: Clock, cal: Calendar, now: datetime) -> Clock:
    if clock.state is not ClockState.RUNNING:
        return clock
    clock = checkpoint(clock, cal, now)
    return _schedule(replace(clock, state=ClockState.PAUSED, since=None), cal)


def resume(clock: Clock, cal: Calendar, now: datetime) -> Clock:
    if clock.state is not ClockState.PAUSED:
        return clock
    return _schedule(replace(clock, state=ClockState.RUNNING, since=now), cal)


def meet(clock: Clock, cal: Calendar, now: datetime) -> Clock:
    if clock.state is ClockState.MET:
        return clock
    clock = checkpoint(clock, cal, now)
    return replace(clock, state=ClockState.MET, since=None, met_at=now, warn_due_at=None)


def reopen(clock: Clock, cal: Calendar, now: datetime) -> Clock:
    """A met clock runs again with the time it had consumed (a reopened case's resolution)."""
    if clock.state is not ClockState.MET:
        return clock
    return _schedule(replace(clock, state=ClockState.RUNNING, since=now, met_at=None), cal)


def restart(clock: Clock, cal: Calendar, now: datetime) -> Clock:
    """Begin a new cycle from zero (the update interval after each stakeholder update)."""
    fresh = replace(
        clock,
        state=ClockState.RUNNING,
        consumed=timedelta(0),
        since=now,
        started_at=now,
        warned=False,
        breached=False,
        due_at=None,
        met_at=None,
        breached_at=None,
        cycle=clock.cycle + 1,
    )
    return _schedule(fresh, cal)


def retarget(
    clock: Clock,
    target: Target,
    warn_fraction: float,
    cal: Calendar,
    old_cal: Calendar,
    now: datetime,
) -> Clock:
    """A priority change keeps the time consumed and recomputes the due instants."""
    clock = checkpoint(clock, old_cal, now)
    changed = replace(
        clock, target=target.duration, calendar=target.calendar, warn_fraction=warn_fraction
    )
    if changed.breached and changed.consumed < changed.target:
        changed = replace(changed, breached=False, breached_at=None, due_at=None)
    if changed.warned and changed.consumed < changed.target * warn_fraction:
        changed = replace(changed, warned=False)
    return _schedule(changed, cal)


def fire(clock: Clock, now: datetime) -> tuple[Clock, list[ClockEvent]]:
    """Fire the warning and the breach whose instants have come, each exactly once."""
    events: list[ClockEvent] = []
    if clock.state is not ClockState.RUNNING:
        return clock, events
    if not clock.warned and clock.warn_due_at is not None and clock.warn_due_at <= now:
        events.append(_event("sla_warning", clock, clock.warn_due_at))
        clock = replace(clock, warned=True, warn_due_at=None)
    if not clock.breached and clock.due_at is not None and clock.due_at <= now:
        events.append(_event("sla_breach", clock, clock.due_at))
        clock = replace(clock, breached=True, breached_at=clock.due_at)
    return clock, events


def _event(kind: str, clock: Clock, at: datetime) -> ClockEvent:
    return ClockEvent(
        type=kind,
        metric=clock.metric,
        at=at,
        data={
            "metric": clock.metric.value,
            "target_seconds": int(clock.target.total_seconds()),
            "calendar": clock.calendar,
            "due_at": (clock.due_at or at).isoformat(),
            "cycle": clock.cycle,
        },
    )
