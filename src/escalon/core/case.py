"""Case rules: the status lifecycle, the facts conditions read, and how clocks react.

Each reaction takes the clocks and the instant, and returns the new clocks plus the events to
record; the service layer persists both and reschedules the timers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from escalon.core import sla
from escalon.core.errors import InvalidTransition, InvalidValue
from escalon.core.organisation import highest_value
from escalon.core.policy import Policy
from escalon.core.sla import Clock, ClockEvent, ClockState, Metric

KINDS = ("incident", "service_request", "complaint", "compliance", "hr", "quality", "project")
AUDIENCES = ("external", "internal")
RISK_FLAGS = ("security", "data_loss", "legal", "safety", "reputation")
STATUSES = ("new", "open", "waiting_on_customer", "resolved", "closed", "reopened")
COMMENT_KINDS = ("reply", "note", "customer", "update")

TRANSITIONS: Mapping[str, frozenset[str]] = {
    "new": frozenset({"open", "waiting_on_customer", "resolved"}),
    "open": frozenset({"waiting_on_customer", "resolved"}),
    "waiting_on_customer": frozenset({"open", "resolved"}),
    "resolved": frozenset({"closed", "reopened"}),
    "closed": frozenset({"reopened"}),
    "reopened": frozenset({"open", "waiting_on_customer", "resolved"}),
}
ACTIVE = frozenset({"new", "open", "reopened"})
DONE = frozenset({"resolved", "closed"})


def check_transition(current: str, target: str) -> None:
    if target not in STATUSES:
        raise InvalidValue(f"{target!r} is not a status ({', '.join(STATUSES)})", "status")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
        raise InvalidTransition(
            f"a {current} case cannot become {target} (allowed: {allowed})", "status"
        )


def case_facts(case: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    """The flat facts that conditions read, resolving customer tier and service value."""
    customer = policy.customers.get(case.get("customer") or "")
    services = list(case.get("services") or [])
    values = [policy.services[s].business_value for s in services if s in policy.services]
    return {
        "kind": case.get("kind"),
        "category": case.get("category"),
        "audience": case.get("audience"),
        "customer": case.get("customer"),
        "customer_tier": case.get("customer_tier") or (customer.tier if customer else None),
        "services": services,
        "service_value": highest_value(values),
        "risk_flags": list(case.get("risk_flags") or []),
        "impact": case.get("impact"),
        "urgency": case.get("urgency"),
        "priority": case.get("priority"),
        "status": case.get("status"),
        "team": case.get("team"),
        "assignee": case.get("assignee"),
        "language": case.get("language"),
        "region": case.get("region"),
    }


@dataclass(frozen=True)
class ClockPlan:
    clocks: tuple[Clock, ...]
    policy_name: str | None
    events: tuple[ClockEvent, ...] = ()


def _cal(policy: Policy, name: str) -> sla.Calendar:
    return policy.calendars[name]


def open_clocks(policy: Policy, facts: Mapping[str, Any], now: datetime) -> ClockPlan:
    """Start one clock per target of the SLA policy that governs the case at its priority."""
    chosen = sla.select_policy(policy.sla, facts)
    if chosen is None:
        return ClockPlan((), None)
    clocks = tuple(
        sla.start_clock(target, chosen.warn_at, _cal(policy, target.calendar), now)
        for target in chosen.targets_for(int(facts["priority"])).values()
    )
    if facts.get("status") in chosen.pause_statuses:
        clocks = tuple(sla.pause(c, _cal(policy, c.calendar), now) for c in clocks)
    return ClockPlan(clocks, chosen.name)


def _map(
    clocks: Sequence[Clock], policy: Policy, metrics: set[Metric], fn: Any, now: datetime
) -> tuple[Clock, ...]:
    return tuple(fn(c, _cal(policy, c.calendar), now) if c.metric in metrics else c for c in clocks)


ALL_METRICS = set(Metric)


def on_status(
    policy: Policy,
    policy_name: str | None,
    clocks: Sequence[Clock],
    old: str,
    new: str,
    now: datetime,
) -> tuple[Clock, ...]:
    """Pause while waiting on the customer, stop on resolution, run again on reopening."""
    chosen = next((p for p in policy.sla if p.name == policy_name), None)
    pausing = chosen.pause_statuses if chosen else frozenset({"waiting_on_customer"})
    result = tuple(clocks)
    if new in DONE:
        return _map(result, policy, ALL_METRICS, sla.meet, now)
    if new == "reopened":
        result = _map(result, policy, {Metric.RESOLUTION}, sla.reopen, now)
        result = _map(result, policy, {Metric.UPDATE_INTERVAL}, sla.restart, now)
    if new in pausing:
        return _map(result, policy, ALL_METRICS, sla.pause, now)
    if old in pausing:
        result = _map(result, policy, ALL_METRICS, sla.resume, now)
    return result


def on_comment(
    policy: Policy, clocks: Sequence[Clock], kind: str, now: datetime
) -> tuple[Clock, ...]:
    """An agent's public reply or update answers the customer; notes and customer words do not."""
    if kind not in COMMENT_KINDS:
        raise InvalidValue(f"{kind!r} is not a comment kind ({', '.join(COMMENT_KINDS)})", "kind")
    if kind not in ("reply", "update"):
        return tuple(clocks)
    result = _map(clocks, policy, {Metric.FIRST_RESPONSE}, sla.meet, now)
    return tuple(
        _restart_update(c, _cal(policy, c.calendar), now)
        if c.metric is Metric.UPDATE_INTERVAL and c.state is not ClockState.MET
        else c
        for c in result
    )


def _restart_update(clock: Clock, cal: sla.Calendar, now: datetime) -> Clock:
    """A new update cycle; it stays paused while the case's clocks are paused."""
    fresh = sla.restart(clock, cal, now)
    return sla.pause(fresh, cal, now) if clock.state is ClockState.PAUSED else fresh


def on_priority(
    policy: Policy,
    policy_name: str | None,
    clocks: Sequence[Clock],
    facts: Mapping[str, Any],
    status: str,
    now: datetime,
) -> ClockPlan:
    """Keep the time consumed; recompute targets for the new priority (and governing policy)."""
    chosen = sla.select_policy(policy.sla, facts)
    if chosen is None:
        return ClockPlan(tuple(clocks), policy_name)
    targets = chosen.targets_for(int(facts["priority"]))
    result: list[Clock] = []
    existing = {c.metric: c for c in clocks}
    for metric, target in targets.items():
        clock = existing.get(metric)
        cal = _cal(policy, target.calendar)
        if clock is None:
            if status in DONE:
                continue
            fresh = sla.start_clock(target, chosen.warn_at, cal, now)
            if status in chosen.pause_statuses:
                fresh = sla.pause(fresh, cal, now)
            result.append(fresh)
        elif clock.state is ClockState.MET:
            result.append(clock)
        else:
            old_cal = _cal(policy, clock.calendar)
            result.append(sla.retarget(clock, target, chosen.warn_at, cal, old_cal, now))
    kept = [c for c in clocks if c.metric not in targets and c.state is ClockState.MET]
    return ClockPlan((*result, *kept), chosen.name)


def fire_due(policy: Policy, clocks: Sequence[Clock], now: datetime) -> ClockPlan:
    """Fire every warning and breach due by `now`, in instant order."""
    fired: list[ClockEvent] = []
    result = []
    for clock in clocks:
        clock, events = sla.fire(clock, now)
        fired.extend(events)
        result.append(clock)
    fired.sort(key=lambda e: e.at)
    return ClockPlan(tuple(result), None, tuple(fired))
