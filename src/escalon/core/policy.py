"""The compiled policy: everything configuration decides, as one immutable value per version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from escalon.core.communication import Plan
from escalon.core.delivery import Delivery
from escalon.core.org import Org, RoleHolder
from escalon.core.organisation import Customer, Person, Service, Team
from escalon.core.paths import Path
from escalon.core.priority import PriorityRules
from escalon.core.schedules import Schedule
from escalon.core.sla import Calendar, SlaPolicy
from escalon.core.triggers import Trigger


@dataclass(frozen=True)
class Policy:
    priority: PriorityRules = field(default_factory=PriorityRules)
    sla: tuple[SlaPolicy, ...] = ()
    calendars: Mapping[str, Calendar] = field(default_factory=dict)
    customers: Mapping[str, Customer] = field(default_factory=dict)
    services: Mapping[str, Service] = field(default_factory=dict)
    teams: Mapping[str, Team] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    paths: tuple[Path, ...] = ()
    routes: Mapping[str, str] = field(default_factory=dict)
    triggers: tuple[Trigger, ...] = ()
    communication: Mapping[int, Plan] = field(default_factory=dict)
    delivery: Delivery = field(default_factory=Delivery)
    schedules: Mapping[str, Schedule] = field(default_factory=dict)
    roles: Mapping[str, RoleHolder] = field(default_factory=dict)

    def org(self) -> Org:
        return self._org

    @cached_property
    def _org(self) -> Org:
        """One per policy version, so its indexes (who is in which team) are built once."""
        return Org(
            self.people, self.teams, self.calendars, self.customers, self.schedules, self.roles
        )

    def route(self, category: str | None) -> str | None:
        """The team a functional escalation goes to: the route, else a team with the expertise."""
        if not category:
            return None
        if category in self.routes:
            return self.routes[category]
        return next((t.key for t in self.teams.values() if category in t.expertise), None)
