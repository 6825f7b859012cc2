"""The escalation sections of `escalon.yaml`: paths with levels, functional routes, triggers.

Only single values are checked here; references (an unknown team, a level without a target)
are checked by `lint` against the whole document.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PlainValidator, model_validator

from escalon.core.escalation import ReasonCategory, Type
from escalon.core.organisation import CHANNELS
from escalon.core.paths import Role
from escalon.core.triggers import On
from escalon.policy.schema import (
    METRICS,
    Duration,
    Key,
    Strict,
    Text,
    When,
    fail,
    one_of,
)

# The words the YAML accepts are the core's own, so the two can never drift apart.
ROLES = tuple(r.value for r in Role)
TRIGGER_EVENTS = tuple(o.value for o in On)
ESCALATION_TYPES = tuple(t.value for t in Type)
REASON_CATEGORIES = tuple(c.value for c in ReasonCategory)


def _steps_up(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise fail(f"{value!r} is not a number of steps up the manager chain (1-10)")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 20:
        raise fail(f"{value!r} is not a number of repeats (0-20)")
    return value


def _level_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
        raise fail(f"{value!r} is not a level number (1 is the first level)")
    return value


def _share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise fail(f"{value!r} is not a fraction of the target above 0 and up to 1 (e.g. 0.5)")
    return float(value)


def _events(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    check = one_of(TRIGGER_EVENTS, "trigger event")
    return [check(item) for item in items]


Channel = Annotated[str, PlainValidator(one_of(CHANNELS, "channel"))]
Metric = Annotated[str, PlainValidator(one_of(METRICS, "SLA metric"))]
EscalationType = Annotated[str, PlainValidator(one_of(ESCALATION_TYPES, "escalation type"))]
ReasonCategoryName = Annotated[str, PlainValidator(one_of(REASON_CATEGORIES, "reason category"))]
PathAudience = Annotated[
    str, PlainValidator(one_of(("any", "external", "internal"), "path audience"))
]
WhenUnavailable = Annotated[str, PlainValidator(one_of(("skip", "wait"), "rule"))]
TriggerAction = Annotated[
    str, PlainValidator(one_of(("escalate", "notify", "watch"), "trigger action"))
]
StepsUp = Annotated[int, PlainValidator(_steps_up)]
Count = Annotated[int, PlainValidator(_count)]
LevelNumber = Annotated[int, PlainValidator(_level_number)]
Share = Annotated[float, PlainValidator(_share)]
Events = Annotated[list[str], PlainValidator(_events)]


class TargetRefSpec(Strict):
    """Exactly one of a team, a person, an on-call schedule, or a role.

    A role is relative to the case (assignee, assignee_manager, team_manager) or one the
    `roles` section names; lint checks the name exists.
    """

    team: Key | None = None
    person: Key | None = None
    schedule: Key | None = None
    role: Key | None = None
    up: StepsUp = 1

    @model_validator(mode="after")
    def _one_target(self) -> TargetRefSpec:
        kinds = ("team", "person", "schedule", "role")
        named = [k for k in kinds if getattr(self, k) is not None]
        if len(named) != 1:
            raise fail("a target needs exactly one of 'team', 'person', 'schedule' or 'role'")
        if self.up != 1 and self.role not in ("assignee_manager", "team_manager"):
            raise fail(
                "'up' climbs a manager chain: use it with role assignee_manager or team_manager"
            )
        return self


class SlaMoveSpec(Strict):
    metric: Metric
    fraction: Share


class LevelSpec(Strict):
    name: Text
    targets: list[TargetRefSpec] = Field(default_factory=list)
    ack: Duration | None = None
    after: Duration | None = None
    sla: SlaMoveSpec | None = None
    calendar: Key | None = None
    channels: list[Channel] = Field(default_factory=lambda: ["email"])
    when_unavailable: WhenUnavailable = "wait"


class PathSpec(Strict):
    name: Text
    when: When = None
    audience: PathAudience = "any"
    approval: bool = False
    reassign_on_breach: bool = False
    repeat: Count = 0
    reason_deadline: Duration = "4h"
    levels: list[LevelSpec] = Field(default_factory=list)


class TriggerReasonSpec(Strict):
    category: ReasonCategoryName | None = None
    text: Text | None = None


class TriggerSpec(Strict):
    name: Text
    events: Events
    when: When = None
    action: TriggerAction = "escalate"
    type: EscalationType = "automatic"
    targets: list[TargetRefSpec] = Field(default_factory=list)
    level: LevelNumber | None = None
    metric: Metric | None = None
    reason: TriggerReasonSpec | None = None
    channels: list[Channel] = Field(default_factory=lambda: ["email"])


class PlanSpec(Strict):
    """A communication plan for one priority: `communication_plans: {P1: {...}}`."""

    first_notice: bool = False
    cadence: Duration | None = None
    audiences: list[TargetRefSpec] = Field(default_factory=list)
    customer: bool = False
    channels: list[Channel] = Field(default_factory=lambda: ["email"])


class RetrySpec(Strict):
    first: Duration = "30s"
    cap: Duration = "1h"
    attempts: Annotated[int, Field(ge=1, le=50)] = 8


class DeliverySpec(Strict):
    """`notifications:` how long a storm gathers into a digest, and how hard to retry."""

    digest_window: Duration = "1m"
    retry: RetrySpec = Field(default_factory=RetrySpec)
