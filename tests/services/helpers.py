"""Small builders shared by the service tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from escalon.schemas.cases import CaseCreate, CaseRead
from escalon.services import cases
from escalon.services.context import App
from escalon.services.timers import advance
from escalon.store.models import Case, Event


def create(app: App, **fields: Any) -> CaseRead:
    values: dict[str, Any] = {
        "title": "Portal login is slow",
        "impact": 3,
        "urgency": 3,
        "customer": "bosphorus-textiles",
    }
    values.update(fields)
    return cases.create_case(app, CaseCreate.model_validate(values), "agent-anna")


def clock(case: CaseRead, metric: str) -> Any:
    return next(c for c in case.clocks if c.metric == metric)


def events(app: App, ref: str, *types: str) -> list[Event]:
    with app.sessions() as session:
        query = (
            select(Event)
            .join(Case, Case.id == Event.case_id)
            .where(Case.ref == ref)
            .order_by(Event.id)
        )
        if types:
            query = query.where(Event.type.in_(types))
        return list(session.scalars(query))


def run_for(app: App, **delta: float) -> None:
    advance(app, timedelta(**delta))
