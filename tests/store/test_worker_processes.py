"""Worker processes on PostgreSQL: a mass breach fires exactly once, even when a worker is killed.

20,000 cases (ESCALON_MASS_BREACH_CASES overrides, for a quick run) whose first-response
timers are all due in the same second; four worker processes, each with its own engine and
App, loop `fire_due` until nothing is due. One is SIGKILLed while it holds a claimed batch,
a replacement is started, and the database must then show every breach and every automatic
escalation exactly once, nothing left due, and an intact audit chain.

Seeding: ONE case is created through the service; its rows (case, SLA clocks, its one "sla"
timer) are cloned in SQL, so the workers see exactly what the service writes, at a rate the
service could not reach (~100 cases/s).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as EventType
from typing import Any

from sqlalchemy import func, select, text

from escalon.services import journal, timers
from escalon.services.context import App
from escalon.store.engine import make_engine
from escalon.store.models import (
    AuditEntry,
    Case,
    EscalationRow,
    Event,
    Notification,
    Timer,
)
from tests.conftest import make_app
from tests.services.helpers import create
from tests.support.clone import clone_case

CASES = int(os.environ.get("ESCALON_MASS_BREACH_CASES", "20000"))
WORKERS = 4
BATCH = 50  # fire_due's default batch
KILL_AFTER = CASES // 4  # about this many breaches fired (the victim its share) before the kill
TRIGGER = "first response breach alerts the team manager"
SPAWN = multiprocessing.get_context("spawn")


def _clone(app: App, template_id: int, clones: int) -> None:
    with app.transaction(notify=False) as session:
        clone_case(session, template_id, clones)
    with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) cases, sla_clocks, timers"))


def _seed(app: App) -> datetime:
    """CASES open P3 cases, every first-response timer due at 14:30 Budapest; the breach instant."""
    view = create(app, team="frontline-bud", assignee="anna")  # bosphorus-textiles, I3 × U3
    assert view.priority == "P3"
    breach = next(c.due_at for c in view.clocks if c.metric == "first_response")
    assert breach is not None
    with app.reading() as session:
        template = session.scalars(select(Case).where(Case.ref == view.ref)).one()
        (timer,) = session.scalars(select(Timer).where(Timer.case_id == template.id))
        assert session.scalar(select(func.count()).select_from(EscalationRow)) == 0
    assert (timer.kind, timer.subject) == ("sla", "first_response:sla_warning")
    assert timer.due_at < breach
    _clone(app, template.id, CASES - 1)
    with app.reading() as session:
        due = session.execute(
            select(func.count(), func.min(Timer.due_at), func.max(Timer.due_at))
        ).one()
    assert tuple(due) == (CASES, timer.due_at, timer.due_at)
    return breach


def _work(
    url: str, now: str, fired: Synchronized[int], backend: Queue[int], progressed: EventType
) -> None:
    """One worker process: its own engine and App; fire until nothing is due at `now`.

    `progressed` is set once it has fired its share of the breaches before the kill.
    """
    app = App.from_engine(make_engine(url))
    instant = datetime.fromisoformat(now)
    with app.transaction(notify=False) as session:  # the pool's one connection, from now on
        backend.put(int(session.scalar(text("SELECT pg_backend_pid()"))))
    while True:
        count = timers.fire_due(app, instant, limit=BATCH)  # one batch: progress after each
        with fired.get_lock():
            fired.value += count
        if fired.value >= KILL_AFTER // WORKERS:
            progressed.set()
        if count:
            continue
        due = timers.next_due(app)
        if due is None or due > instant:
            break
        _wait_for_holder(app, instant)
    app.engine.dispose()


def _wait_for_holder(app: App, instant: datetime) -> None:
    """Block until whoever holds the first due timer or its case lets go.

    What is still due but unclaimable is locked by another worker's open batch (or by a
    killed worker's backend until PostgreSQL notices the dead connection); waiting on the
    row lock returns the moment it is released, instead of polling on a guess.
    """
    first = (
        select(Timer.id, Timer.case_id)
        .where(Timer.due_at <= instant)
        .order_by(Timer.due_at, Timer.id)
        .limit(1)
    )
    with app.transaction(notify=False) as session:
        session.execute(text("SET LOCAL lock_timeout = '60s'"))
        held = session.execute(first.with_for_update()).first()
        if held is not None:
            session.execute(select(Case.id).where(Case.id == held.case_id).with_for_update())
        session.rollback()


@dataclass
class WorkerProcess:
    process: SpawnProcess
    fired: Synchronized[int]
    backend: int
    progressed: EventType


def _start(url: str, now: datetime, count: int = 1) -> list[WorkerProcess]:
    """Start `count` worker processes at once; return when each has connected."""
    started = []
    for _ in range(count):
        fired: Synchronized[int] = SPAWN.Value("i", 0)
        backend: Queue[int] = SPAWN.Queue()
        progressed = SPAWN.Event()
        args = (url, now.isoformat(), fired, backend, progressed)
        process = SPAWN.Process(target=_work, args=args)
        process.start()
        started.append((process, fired, backend, progressed))
    return [WorkerProcess(p, f, b.get(timeout=120), e) for p, f, b, e in started]


def _count(app: App, query: Any) -> int:
    with app.reading() as session:
        return int(session.scalar(query) or 0)


def _in_transaction(app: App, backend: int) -> bool:
    """Whether the backend holds a transaction id: it has claimed (locked) timer rows."""
    query = text("SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = :pid")
    with app.engine.connect() as conn:
        return bool(conn.execute(query, {"pid": backend}).scalar())


def test_four_worker_processes_fire_a_mass_breach_once_when_one_is_killed(
    postgresql_url: str,
) -> None:
    app = make_app(postgresql_url)
    breach = _seed(app)
    audit_before = _count(app, select(func.count()).select_from(AuditEntry))
    escalations = select(func.count()).select_from(EscalationRow)

    workers = _start(postgresql_url, breach, WORKERS)
    victim = workers[0]
    patience = time.monotonic() + 120 + CASES / 10
    assert victim.progressed.wait(patience - time.monotonic()), "the victim made no progress"
    assert victim.process.is_alive(), f"the victim exited early: {victim.process.exitcode}"
    while not _in_transaction(app, victim.backend):  # kill it while it holds a claimed batch
        assert time.monotonic() < patience
    assert victim.process.pid is not None
    os.kill(victim.process.pid, signal.SIGKILL)
    victim.process.join(timeout=30)
    at_kill = _count(app, escalations)
    assert victim.process.exitcode == -signal.SIGKILL
    assert at_kill < CASES, "the run ended before the kill: nothing was tested"
    workers += _start(postgresql_url, breach)  # a replacement, as a supervisor would start

    for worker in workers[1:]:
        worker.process.join(timeout=max(1.0, patience - time.monotonic()))
        assert worker.process.exitcode == 0, f"worker {worker.process.pid} did not finish"
    # Everything committed after the kill, the dead worker's claimed batch included, was
    # fired by the others.
    assert sum(w.fired.value for w in workers[1:]) >= CASES - at_kill

    metric = Event.data["metric"].as_string()
    with app.reading() as session:
        breaches = session.execute(
            select(Event.case_id, func.count())
            .where(Event.type == "sla_breach", metric == "first_response")
            .group_by(Event.case_id)
        ).all()
        warnings = session.scalar(
            select(func.count()).where(Event.type == "sla_warning", metric == "first_response")
        )
        automatic = session.execute(
            select(EscalationRow.case_id, func.count())
            .where(EscalationRow.type == "automatic", EscalationRow.trigger == TRIGGER)
            .group_by(EscalationRow.case_id)
        ).all()
        all_escalations = session.scalar(escalations)
        raised = session.scalar(
            select(func.count()).select_from(Event).where(Event.type == "escalation_raised")
        )
        outbox = session.scalar(select(func.count()).select_from(Notification))
        still_due = session.scalar(select(func.count()).where(Timer.due_at <= breach))
        first_response_timers = session.scalar(
            select(func.count()).where(Timer.subject.like("first_response:%"))
        )
        unbreached = session.scalar(select(func.count()).where(Case.breached.is_(False)))
        audit_after = session.scalar(select(func.count()).select_from(AuditEntry))
        report = journal.verify(session)

    assert sum(n for _, n in breaches) == len(breaches) == CASES
    assert [case for case, n in breaches if n > 1] == []
    assert warnings == CASES
    assert sum(n for _, n in automatic) == len(automatic) == all_escalations == CASES
    assert [case for case, n in automatic if n > 1] == []
    assert raised == outbox == CASES
    assert still_due == 0
    assert first_response_timers == 0
    assert unbreached == 0
    assert report.ok, report
    assert audit_after == audit_before + 3 * CASES  # warning, breach, escalation raised
    app.engine.dispose()
