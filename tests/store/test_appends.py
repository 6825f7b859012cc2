"""Appended rows (timeline, outbox, audit) are written at commit, and only then."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from escalon.services import journal
from escalon.services.context import App
from escalon.store import appends, ids
from escalon.store.models import AuditEntry, Event
from tests.services.helpers import create


def _count(app: App, model: type[Event] | type[AuditEntry]) -> int:
    with app.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_rows_queued_in_a_rolled_back_savepoint_are_not_written(app: App) -> None:
    case = create(app)
    events, entries = _count(app, Event), _count(app, AuditEntry)
    now = app.clock.now()
    with app.transaction() as session:
        case_id = session.scalar(select(Event.case_id).limit(1))
        assert case_id is not None
        journal.record(
            session, case_id=case_id, ref=case.ref, at=now, actor="t", type="kept", data={}
        )
        with pytest.raises(RuntimeError), appends.attempt(session):
            journal.record(
                session, case_id=case_id, ref=case.ref, at=now, actor="t", type="gone", data={}
            )
            raise RuntimeError("the savepoint rolls back")
    assert _count(app, Event) == events + 1
    assert _count(app, AuditEntry) == entries + 1
    with app.reading() as session:
        assert journal.verify(session).ok
        types = set(session.scalars(select(Event.type)))
    assert "kept" in types and "gone" not in types


def test_a_transaction_that_fails_writes_none_of_its_queued_rows(app: App) -> None:
    case = create(app)
    events = _count(app, Event)
    with pytest.raises(RuntimeError), app.transaction() as session:
        case_id = session.scalar(select(Event.case_id).limit(1))
        assert case_id is not None
        journal.record(
            session, case_id=case_id, ref=case.ref, at=app.clock.now(), actor="t", type="x", data={}
        )
        raise RuntimeError("use case fails")
    assert _count(app, Event) == events


def test_ids_handed_out_ahead_are_unique_increasing_and_above_every_stored_id(app: App) -> None:
    create(app)
    with app.transaction() as session:
        stored = session.scalar(select(func.max(Event.id))) or 0
        values = [ids.next_id(session, Event) for _ in range(120)]  # more than one block ahead
    assert values == sorted(values) and len(set(values)) == len(values)
    assert values[0] > stored
