"""One change to one locked case: what every use case on a case needs, read once.

Case, escalation and timer use cases all work on an `Edit`: the case row locked for the
transaction, the policy version that governs it, the instant, and the actor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalon.core import case as rules
from escalon.core.errors import NotFound
from escalon.core.policy import Policy
from escalon.core.sla import Clock
from escalon.schemas.cases import CaseRead
from escalon.services.case_views import case_fields, read_case
from escalon.services.context import App
from escalon.services.journal import note
from escalon.store import clocks as clock_rows
from escalon.store.models import Case, EscalationRow, Handover

SYSTEM = "escalon"


@dataclass
class Edit:
    app: App
    session: Session
    row: Case
    policy: Policy
    now: datetime
    actor: str
    saved: Sequence[Clock] | None = None

    def note(self, type: str, data: dict[str, Any], actor: str | None = None) -> None:
        note(self.session, self.row, self.now, actor or self.actor, type, data)

    def facts(self) -> dict[str, Any]:
        return rules.case_facts(case_fields(self.row), self.policy)

    def save_clocks(self, clocks: Sequence[Clock]) -> None:
        clock_rows.save_for_case(self.session, self.row, clocks, self.now)
        self.saved = clocks

    def held_clocks(self) -> list[Clock]:
        """The clocks as saved in this edit, else as stored (without firing anything)."""
        if self.saved is not None:
            return list(self.saved)
        return [clock_rows.to_core(c) for c in clock_rows.load(self.session, self.row.id)]

    def view(self) -> CaseRead:
        return read_case(self.session, self.row, self.saved)


def locked(session: Session, ref: str) -> Case:
    row = session.scalar(select(Case).where(Case.ref == ref.upper()).with_for_update())
    if row is None:
        raise NotFound(f"case {ref} does not exist", "ref")
    return row


def find_case(session: Session, ref: str) -> Case:
    """The case for reading only, without a lock."""
    row = session.scalar(select(Case).where(Case.ref == ref.upper()))
    if row is None:
        raise NotFound(f"case {ref} does not exist", "ref")
    return row


@contextmanager
def editing(app: App, ref: str, actor: str) -> Iterator[Edit]:
    now = app.clock.now()
    with app.transaction() as session:
        row = locked(session, ref)
        yield edit_of(app, session, row, now, actor)
        row.updated_at = now


def case_ref_of(app: App, model: type[EscalationRow] | type[Handover], row_id: int) -> str:
    """The case a child record belongs to, so a use case can lock the case first."""
    noun = model.__tablename__.rstrip("s")
    with app.reading() as session:
        ref = session.scalar(
            select(Case.ref).join(model, model.case_id == Case.id).where(model.id == row_id)
        )
    if ref is None:
        raise NotFound(f"{noun} {row_id} does not exist", noun)
    return ref


def edit_of(app: App, session: Session, row: Case, now: datetime, actor: str) -> Edit:
    """An `Edit` on a row the caller already holds (created, or locked by the worker)."""
    policy = app.policies.in_force(session, row.policy_version_id, now)
    return Edit(app, session, row, policy, now, actor)
