"""The compiled policy: everything configuration decides, as one immutable value per version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from escalon.core.organisation import Customer, Person, Service, Team
from escalon.core.priority import PriorityRules
from escalon.core.sla import Calendar, SlaPolicy


@dataclass(frozen=True)
class Policy:
    priority: PriorityRules = field(default_factory=PriorityRules)
    sla: tuple[SlaPolicy, ...] = ()
    calendars: Mapping[str, Calendar] = field(default_factory=dict)
    customers: Mapping[str, Customer] = field(default_factory=dict)
    services: Mapping[str, Service] = field(default_factory=dict)
    teams: Mapping[str, Team] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
