"""Triggers: declarative rules that escalate or notify when a case changes or a clock fires.

Immediate rules are edge-triggered: a rule fires when its condition becomes true (on
creation, or by a change), not again on every later edit while it stays true. Time rules
fire from SLA warnings and breaches, each of which happens once per clock cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from escalon.core.conditions import Condition
from escalon.core.escalation import ReasonCategory, Type
from escalon.core.paths import TargetRef
from escalon.core.sla import Metric


class On(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"


class Do(StrEnum):
    ESCALATE = "escalate"
    NOTIFY = "notify"
    WATCH = "watch"  # the targets become the case's watchers (a VIP's account manager)


IMMEDIATE = frozenset({On.CREATED, On.CHANGED})
DEFAULT_CATEGORY = {
    On.SLA_BREACH: ReasonCategory.SLA_BREACH,
    On.SLA_WARNING: ReasonCategory.PROGRESS,
}


@dataclass(frozen=True)
class Trigger:
    name: str
    on: frozenset[On]
    when: Condition
    action: Do = Do.ESCALATE
    type: Type = Type.AUTOMATIC
    targets: tuple[TargetRef, ...] = ()
    level: int | None = None
    metric: Metric | None = None
    category: ReasonCategory | None = None
    reason: str | None = None
    channels: tuple[str, ...] = ("email",)

    def reason_category(self, event: On) -> ReasonCategory:
        return self.category or DEFAULT_CATEGORY.get(event, ReasonCategory.CIRCUMSTANCES)

    def reason_text(self, event: On, facts: Mapping[str, Any], metric: str | None) -> str:
        """The business reason an automatic escalation carries: configured, else derived."""
        if self.reason:
            return self.reason
        priority = f"P{facts.get('priority')}"
        if event is On.SLA_BREACH:
            return f"the {metric} promise of this {priority} case is broken"
        if event is On.SLA_WARNING:
            return f"the {metric} promise of this {priority} case is about to break"
        return f"the case now meets the rule {self.name!r} and needs attention at once"


def on_case(
    triggers: Sequence[Trigger], before: Mapping[str, Any] | None, after: Mapping[str, Any]
) -> list[tuple[Trigger, On]]:
    """Immediate rules whose condition just became true; `before` is None on creation."""
    event = On.CREATED if before is None else On.CHANGED
    fired = []
    for trigger in triggers:
        if event not in trigger.on or not trigger.when.matches(after):
            continue
        if before is not None and trigger.when.matches(before):
            continue  # it was already true: it fired then
        fired.append((trigger, event))
    return fired


def on_clock(
    triggers: Sequence[Trigger], event: str, metric: str, facts: Mapping[str, Any]
) -> list[tuple[Trigger, On]]:
    """Time rules for one SLA warning or breach that just fired."""
    try:
        kind = On(event)
    except ValueError:
        return []
    return [
        (t, kind)
        for t in triggers
        if kind in t.on and (t.metric is None or t.metric.value == metric) and t.when.matches(facts)
    ]
