"""The whole `escalon.yaml` document, section by section."""

from __future__ import annotations

from pydantic import Field

from escalon.policy.escalation_schema import DeliverySpec, PathSpec, PlanSpec, TriggerSpec
from escalon.policy.organisation_schema import PersonSpec, RoleSpec, ScheduleSpec, TeamSpec
from escalon.policy.schema import (
    CalendarConfig,
    CustomerSpec,
    Key,
    PriorityLabel,
    PrioritySpec,
    ServiceSpec,
    SlaSpec,
    Strict,
    Text,
)


class PolicyDocument(Strict):
    """One `escalon.yaml`. Every section has a working default, so `{}` is a valid policy
    (default matrix and modifiers, no SLA): the service compiles it before any is applied."""

    organisation: Text | None = None
    calendars: dict[Key, CalendarConfig] = Field(default_factory=dict)
    customers: dict[Key, CustomerSpec] = Field(default_factory=dict)
    services: dict[Key, ServiceSpec] = Field(default_factory=dict)
    people: dict[Key, PersonSpec] = Field(default_factory=dict)
    teams: dict[Key, TeamSpec] = Field(default_factory=dict)
    roles: dict[Key, RoleSpec] = Field(default_factory=dict)
    schedules: dict[Key, ScheduleSpec] = Field(default_factory=dict)
    priority: PrioritySpec | None = None
    sla: list[SlaSpec] = Field(default_factory=list)
    escalation_paths: list[PathSpec] = Field(default_factory=list)
    functional_routes: dict[Text, Key] = Field(default_factory=dict)
    triggers: list[TriggerSpec] = Field(default_factory=list)
    communication_plans: dict[PriorityLabel, PlanSpec] = Field(default_factory=dict)
    notifications: DeliverySpec = Field(default_factory=DeliverySpec)
