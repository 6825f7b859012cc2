"""The store on SQLite and PostgreSQL: migrations, timers fired exactly once, audit chain."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text, update

from escalon.clock import VirtualClock
from escalon.services import editing, journal, policies, timers
from escalon.services.context import App
from escalon.store.engine import is_postgres
from escalon.store.models import AuditEntry, Base, Event, Timer
from escalon.worker.runner import Worker
from tests.services.helpers import create, events


def test_migrations_build_exactly_the_models(app: App) -> None:
    with app.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def _move_time(app: App, delta: timedelta) -> datetime:
    now = app.clock.now() + delta
    with app.transaction() as session:
        VirtualClock.set(session, now)
    return now


def test_concurrent_workers_fire_each_breach_exactly_once(app: App) -> None:
    refs = [create(app, customer="duna-bank", impact=1, urgency=1).ref for _ in range(12)]
    now = _move_time(app, timedelta(hours=6))
    workers = [Worker(app) for _ in range(3)]
    threads = [threading.Thread(target=timers.fire_due, args=(app, now)) for _ in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for ref in refs:
        fired = [(e.type, e.data["metric"]) for e in events(app, ref, "sla_warning", "sla_breach")]
        assert len(fired) == len(set(fired)) == 6  # warning and breach for three clocks
    assert timers.fire_due(app, now) == 0


class WorkerKilled(BaseException):
    """Like a SIGKILL seen from inside: nothing in the worker may catch it."""


def test_a_worker_dying_mid_batch_loses_no_timer(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    refs = [create(app).ref for _ in range(3)]
    now = _move_time(app, timedelta(hours=9))
    original = editing.note

    def dies_on_second_case(session, case, *args):  # type: ignore[no-untyped-def]
        if case.ref == refs[1]:
            raise WorkerKilled
        return original(session, case, *args)

    monkeypatch.setattr(editing, "note", dies_on_second_case)
    with pytest.raises(WorkerKilled):
        timers.fire_due(app, now)
    assert events(app, refs[0], "sla_breach") == []  # the whole batch rolled back
    monkeypatch.setattr(editing, "note", original)
    timers.fire_due(app, now)

    for ref in refs:
        fired = [(e.type, e.data["metric"]) for e in events(app, ref, "sla_breach")]
        assert ("sla_breach", "first_response") in fired
        assert len(fired) == len(set(fired))


def test_a_timer_that_fails_is_rolled_back_alone_and_stays_due(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = [create(app).ref for _ in range(3)]
    now = _move_time(app, timedelta(hours=9))
    original = editing.note

    def fails_on_second_case(session, case, *args):  # type: ignore[no-untyped-def]
        if case.ref == refs[1]:
            raise RuntimeError("a bad row")
        return original(session, case, *args)

    monkeypatch.setattr(editing, "note", fails_on_second_case)
    timers.fire_due(app, now)
    assert events(app, refs[1], "sla_breach") == []
    assert [e.data["metric"] for e in events(app, refs[0], "sla_breach")] == ["first_response"]
    monkeypatch.setattr(editing, "note", original)
    timers.fire_due(app, now)
    assert [e.data["metric"] for e in events(app, refs[1], "sla_breach")] == ["first_response"]


def test_poll_with_nothing_due_fires_nothing_and_sleeps_until_next_due(app: App) -> None:
    create(app)  # first response warns at 14:30 Budapest, 6.5 h from now
    worker = Worker(app, max_idle=0.5)
    assert worker.tick() == 0
    assert timers.next_due(app) == datetime(2026, 11, 23, 13, 30, tzinfo=UTC)


def test_claim_query_is_an_index_range_scan(app: App) -> None:
    with app.engine.connect() as connection:
        if is_postgres(app.engine):
            connection.execute(text("SET enable_seqscan = off"))
            plan = (
                connection.execute(
                    text(
                        "EXPLAIN SELECT id FROM timers WHERE due_at <= now() ORDER BY due_at, id "
                        "LIMIT 1"
                    )
                )
                .scalars()
                .all()
            )
        else:
            plan = [
                row[-1]
                for row in connection.execute(
                    text(
                        "EXPLAIN QUERY PLAN SELECT id FROM timers WHERE due_at <= '2030-01-01' "
                        "ORDER BY due_at, id LIMIT 1"
                    )
                )
            ]
    assert any("ix_timers_due_at" in line for line in plan), plan


def test_audit_verify_names_the_first_tampered_entry(app: App) -> None:
    ref = create(app).ref
    with app.sessions() as session:
        assert journal.verify(session).ok
        target = session.scalars(select(AuditEntry.id).where(AuditEntry.entity_id == ref)).one()
    with app.transaction() as session:
        session.execute(
            update(AuditEntry).where(AuditEntry.id == target).values(data={"title": "forged"})
        )
    with app.sessions() as session:
        report = journal.verify(session)
    assert not report.ok
    assert report.broken_at == target
    assert report.problem == "content does not match its hash"


def test_a_new_policy_version_does_not_rewrite_open_cases(app: App) -> None:
    before = create(app)
    stricter = (
        "organisation: Stricter\nsla:\n  - name: all\n    targets:\n"
        "      P3: {first_response: 1h}\n"
    )
    info = policies.apply_policy(app, stricter, "tests")
    after = create(app)
    assert after.policy_version == info.version != before.policy_version
    assert [c.metric for c in after.clocks] == ["first_response"]
    timers.advance(app, timedelta(hours=12))
    old = [e.data["metric"] for e in events(app, before.ref, "sla_breach")]
    assert old == ["first_response"]
    again = policies.apply_policy(app, stricter, "tests")
    assert again.unchanged and again.version == info.version


def test_events_and_audit_entries_carry_the_case_id(app: App) -> None:
    ref = create(app).ref
    with app.sessions() as session:
        event = session.scalars(select(Event).order_by(Event.id.desc()).limit(1)).one()
        timer = session.scalars(select(Timer)).first()
    assert event.case_id and timer is not None and timer.case_id == event.case_id
    assert events(app, ref)[0].type == "case_created"
