"""Outbox rows withdrawn before they go: the question they asked has been answered."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from escalon.core.delivery import OUTSTANDING, State
from escalon.store.models import Notification


def cancel(session: Session, case_id: int, escalation_id: int | None = None) -> int:
    """Withdraw the case's (or one escalation's) messages not yet sent; returns how many.

    A message a worker holds right now is withdrawn too: the worker sees, when it records
    the attempt, that the row is no longer its own and leaves it alone.
    """
    query = update(Notification).where(
        Notification.case_id == case_id,
        Notification.state.in_([s.value for s in OUTSTANDING]),
    )
    if escalation_id is not None:
        query = query.where(Notification.escalation_id == escalation_id)
    values = {"state": State.CANCELLED.value, "next_attempt_at": None}
    result = session.execute(query.values(**values).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
