"""Routing in the services: who a new case goes to, and how loaded each candidate is.

A case is routed when it names (or its category's route names) a team that routes its
own work: a follow-the-sun team (to the region working now) or one with `auto_assign`.
A case that names its assignee, or a team that assigns by hand, is left as given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from escalon.core.case import DONE
from escalon.core.policy import Policy
from escalon.core.routing import Decision, Need, route
from escalon.store.models import Case


def load_of(session: Session) -> Callable[[str], int]:
    """Open cases per assignee, read once per decision and only for those asked about."""
    cache: dict[str, int] = {}

    def load(person: str) -> int:
        if person not in cache:
            query = select(func.count()).where(Case.assignee == person, Case.status.not_in(DONE))
            cache[person] = int(session.scalar(query) or 0)
        return cache[person]

    return load


def routes_itself(policy: Policy, team: str | None) -> bool:
    found = policy.teams.get(team or "")
    return found is not None and (found.auto_assign or bool(found.follow_the_sun))


def route_new_case(
    session: Session, policy: Policy, values: dict[str, Any], now: datetime
) -> Decision | None:
    """Where a new case goes, or None when it stays as given."""
    if values.get("assignee"):
        return None
    team = values.get("team") or policy.route(values.get("category"))
    if not routes_itself(policy, team):
        return None
    need = Need(values.get("category"), values.get("language"))
    return route(policy.org(), team, need, load_of(session), now)
