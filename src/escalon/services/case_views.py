"""Turning case rows into the `CaseRead` view that every edge shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from escalon.core.priority import label
from escalon.core.sla import Clock
from escalon.schemas.cases import CaseRead, ClockRead, Deadline, ProjectImpact
from escalon.store import clocks as clock_rows
from escalon.store.models import Case


def case_fields(row: Case) -> dict[str, Any]:
    """The plain mapping core rules read."""
    return {
        "kind": row.kind,
        "category": row.category,
        "audience": row.audience,
        "customer": row.customer,
        "customer_tier": row.customer_tier,
        "services": row.services,
        "risk_flags": row.risk_flags,
        "impact": row.impact,
        "urgency": row.urgency,
        "priority": row.priority,
        "status": row.status,
        "team": row.team,
        "assignee": row.assignee,
        "language": row.language,
        "region": row.region,
    }


def read_case(session: Session, row: Case, clocks: Sequence[Clock] | None = None) -> CaseRead:
    """The view of a case; pass the clocks when the caller already holds them."""
    if clocks is None:
        clocks = [clock_rows.to_core(c) for c in clock_rows.load(session, row.id)]
    deadline = None
    if row.deadline_at is not None:
        deadline = Deadline(at=row.deadline_at, consequence=row.deadline_consequence or "")
    return CaseRead(
        ref=row.ref or "",
        title=row.title,
        description=row.description,
        kind=row.kind,
        category=row.category,
        audience=row.audience,
        customer=row.customer,
        customer_tier=row.customer_tier,
        services=row.services,
        affected_customers=row.affected_customers,
        reporter=row.reporter,
        assignee=row.assignee,
        team=row.team,
        support_level=row.support_level,
        impact=row.impact,
        urgency=row.urgency,
        risk_flags=row.risk_flags,
        language=row.language,
        region=row.region,
        status=row.status,
        priority=label(row.priority),
        priority_explanation=row.priority_explanation,
        priority_override=row.priority_override,
        deadline=deadline,
        project=ProjectImpact.model_validate(row.project) if row.project else None,
        links=row.links,
        contacts=row.contacts,
        watchers=row.watchers,
        policy_version=row.policy_version_id,
        sla_policy=row.sla_policy,
        breached=row.breached,
        clocks=[
            ClockRead(
                metric=c.metric.value,
                status=c.status,
                target_seconds=int(c.target.total_seconds()),
                calendar=c.calendar,
                consumed_seconds=c.consumed.total_seconds(),
                due_at=c.due_at,
                warn_at=c.warn_due_at,
                warned=c.warned,
                breached=c.breached,
                breached_at=c.breached_at,
                met_at=c.met_at,
                cycle=c.cycle,
            )
            for c in clocks
        ],
        created_at=row.created_at,
        updated_at=row.updated_at,
        first_response_at=row.first_response_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
    )
