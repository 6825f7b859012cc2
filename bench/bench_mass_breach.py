"""Benchmark (e): a mass breach — many first-response targets breaching in the same minute.

Run: /work/venv/bin/python bench/bench_mass_breach.py [--cases 100000] [--db sqlite,postgres]
     [--workers 1,2,4] [--batch 50] [--no-verify]
     /work/venv/bin/python bench/bench_mass_breach.py --profile [--cases 2000]

Each configuration gets a fresh sandbox database (the real migrations, the example policy,
the virtual clock at Monday 2026-11-23 08:00 Budapest). ONE template case is created through
the service (bosphorus-textiles, impact 3 × urgency 3 → P3, team frontline-bud, assignee
anna: a 6 h business first-response target, warning at 14:30 and breach at 16:00 Budapest);
its rows are then cloned in SQL (INSERT … SELECT over a recursive counter, portable to both
databases): N−1 more cases with new ids and refs, their `sla_clocks` rows and their one "sla"
timer each, so every timer is due at the same instant and the worker sees exactly what the
service writes. The virtual clock is moved to the breach instant.

Per configuration (1 worker process on SQLite; 1, 2 and 4 worker processes on PostgreSQL):

  raw     baseline: the same number of processes claim the same N timer rows with bare SQL
          (sqlite3 / psycopg, no ORM): `SELECT id FROM timers WHERE due_at <= ? ORDER BY
          due_at, id LIMIT <batch> [FOR UPDATE SKIP LOCKED]`, then one `UPDATE timers SET
          due_at = <later>` for the batch, one transaction per batch (`BEGIN IMMEDIATE` on
          SQLite). The rows are then put back and (PostgreSQL) vacuumed.
  worker  the same processes each build their own engine and App from the URL and loop
          `timers.fire_due(app, breach)` until nothing is due: per case the warning and the
          breach events, the automatic escalation "first response breach alerts the team
          manager", its outbox notification, three audit entries and the next timer.

Processes are spawned and warmed (imports, connection, compiled policy) before the clock
starts; the time runs until the last process has found nothing due, i.e. until every
automatic escalation is recorded. Then the result is checked in the database: N breaches and
N escalations, one per case, nothing left due, and the audit chain verified (`--no-verify`
skips the chain walk). On PostgreSQL a sampler reads `pg_stat_activity` of the worker
connections every 100 ms and prints where their backends spent the run (running, waiting
for the Python side inside a transaction, waiting for a lock, and which).

`--profile`: no processes; SQLite only; fires the seeded timers in this process under
cProfile and prints the top 25 functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import queue
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.engine import make_url

import _pg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from escalon.clock import VirtualClock
from escalon.schemas.cases import CaseCreate
from escalon.services import journal, timers
from escalon.services.cases import create_case
from escalon.services.context import App
from escalon.services.policies import apply_policy
from escalon.services.sandbox import init_database
from escalon.store.engine import is_postgres, make_engine
from escalon.store.models import (
    AuditEntry,
    Case,
    EscalationRow,
    Event,
    Notification,
    Timer,
)
from tests.support.clone import clone_case

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "escalon.yaml"
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/Budapest"))
TRIGGER = "first response breach alerts the team manager"
APP_NAME = "escalon-mass-breach"
PARKED = timedelta(days=3650)  # where the raw baseline moves a claimed timer
SPAWN = multiprocessing.get_context("spawn")


# --- seeding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    cases: int
    template_id: int
    last_id: int
    timer_due: datetime  # the stored due_at of every case's one "sla" timer
    breach: datetime  # the first-response due instant: the worker fires at this time


def seed(app: App, cases: int) -> Seeded:
    """One template case through the service, then its rows cloned in SQL to `cases` cases."""
    view = create_case(
        app,
        CaseCreate(
            title="Customer portal login fails for the whole office",
            customer="bosphorus-textiles",
            impact=3,
            urgency=3,
            team="frontline-bud",
            assignee="anna",
        ),
        "bench",
    )
    first = next(c for c in view.clocks if c.metric == "first_response")
    with app.reading() as session:
        template = session.scalar(select(Case).where(Case.ref == view.ref))
        assert template is not None
        rows = list(session.scalars(select(Timer).where(Timer.case_id == template.id)))
        escalations = session.scalar(select(func.count()).select_from(EscalationRow))
    if view.priority != "P3" or len(rows) != 1 or rows[0].kind != "sla" or escalations:
        raise RuntimeError(f"unexpected template case: {view.priority}, {rows}, {escalations}")
    if first.due_at is None:
        raise RuntimeError("the template case has no first-response due instant")
    with app.transaction(notify=False) as session:
        last = clone_case(session, template.id, cases - 1)
        VirtualClock.set(session, first.due_at)
    if is_postgres(app.engine):
        with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) cases, sla_clocks, timers"))
    return Seeded(cases, template.id, last, rows[0].due_at, first.due_at)


def new_app(url: str) -> App:
    engine = make_engine(url)
    init_database(engine, sandbox=True, start=MONDAY_8.astimezone(UTC))
    app = App.from_engine(engine)
    apply_policy(app, POLICY.read_text(encoding="utf-8"), "bench")
    return app


# --- the worker and the raw baseline, each in its own process ---------------------------------


def fire_until_done(app: App, now: datetime, progress: Callable[[int], None] | None = None) -> int:
    """Loop fire_due until no timer is due at `now`; a row held by another worker is waited for."""
    fired = 0
    while True:
        count = timers.fire_due(app, now)
        fired += count
        if progress is not None:
            progress(fired)
        if count:
            continue
        due = timers.next_due(app)
        if due is None or due > now:
            return fired
        time.sleep(0.01)  # the rest is claimed by other workers (or a dead one's backend)


def _worker_process(url: str, now: str, ready: Queue[int], go: EventType, done: Queue[Any]) -> None:
    app = App.from_engine(make_engine(url))
    instant = datetime.fromisoformat(now)
    with app.reading() as session:  # connect and compile the policy before the clock starts
        version = session.scalar(select(Case.policy_version_id).limit(1))
        app.policies.get(session, version)
    timers.next_due(app)
    ready.put(os.getpid())
    go.wait()
    fired = fire_until_done(app, instant)
    done.put((os.getpid(), fired, time.monotonic()))
    app.engine.dispose()


def _raw_process(
    url: str,
    bound: Any,
    parked: Any,
    batch: int,
    ready: Queue[int],
    go: EventType,
    done: Queue[Any],
) -> None:
    claimed = 0
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database or "", isolation_level=None, timeout=30)
        conn.execute("PRAGMA synchronous=NORMAL")
        claim = "SELECT id FROM timers WHERE due_at <= ? ORDER BY due_at, id LIMIT ?"
        ready.put(os.getpid())
        go.wait()
        while True:
            conn.execute("BEGIN IMMEDIATE")
            ids = [row[0] for row in conn.execute(claim, (bound, batch))]
            if ids:
                marks = ", ".join("?" for _ in ids)
                conn.execute(f"UPDATE timers SET due_at = ? WHERE id IN ({marks})", (parked, *ids))
            conn.execute("COMMIT")
            if not ids:
                break
            claimed += len(ids)
        conn.close()
    else:
        import psycopg

        claim = (
            "SELECT id FROM timers WHERE due_at <= %s ORDER BY due_at, id LIMIT %s "
            "FOR UPDATE SKIP LOCKED"
        )
        with psycopg.connect(_pg.raw_dsn(url)) as pg:
            ready.put(os.getpid())
            go.wait()
            while True:
                with pg.transaction():
                    ids = [row[0] for row in pg.execute(claim, (bound, batch))]
                    if ids:
                        pg.execute(
                            "UPDATE timers SET due_at = %s WHERE id = ANY(%s)", (parked, ids)
                        )
                if not ids:
                    break
                claimed += len(ids)
    done.put((os.getpid(), claimed, time.monotonic()))


@dataclass
class Run:
    seconds: float
    per_process: list[int]
    waits: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.per_process)


def run_processes(
    target: Callable[..., None],
    count: int,
    args: tuple[Any, ...],
    progress: Callable[[], str] | None = None,
) -> Run:
    """Spawn `count` processes, wait until all are warm, start the clock, wait for all to end.

    `progress`, if given, is printed every 30 s while the processes run.
    """
    ready: Queue[int] = SPAWN.Queue()
    done: Queue[Any] = SPAWN.Queue()
    go = SPAWN.Event()
    procs: list[SpawnProcess] = [
        SPAWN.Process(target=target, args=(*args, ready, go, done)) for _ in range(count)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=120)
    began = time.monotonic()
    go.set()
    results: list[Any] = []
    while len(results) < count:
        try:
            results.append(done.get(timeout=30))
        except queue.Empty:
            if not any(proc.is_alive() for proc in procs):
                raise RuntimeError("the processes died without reporting") from None
            if progress is not None:
                print(f"    … {time.monotonic() - began:5.0f}s: {progress()}", flush=True)
    for proc in procs:
        proc.join(timeout=60)
        if proc.exitcode != 0:
            raise RuntimeError(f"process {proc.pid} exited with {proc.exitcode}")
    return Run(max(r[2] for r in results) - began, [r[1] for r in results])


@contextmanager
def sampling(url: str) -> Iterator[Counter[str]]:
    """Where the worker backends are, every 100 ms: state and wait event per backend sample."""
    import psycopg

    tally: Counter[str] = Counter()
    stop = threading.Event()

    def sample() -> None:
        query = (
            "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()"
        )
        with psycopg.connect(_pg.raw_dsn(url), autocommit=True) as conn:
            while not stop.wait(0.1):
                for state, kind, name in conn.execute(query, (APP_NAME,)):
                    if state == "active" and kind is None:
                        tally["running a statement"] += 1
                    elif state == "active":
                        tally[f"waiting: {kind}/{name}"] += 1
                    elif state == "idle in transaction":
                        tally["idle in transaction (Python working)"] += 1
                    else:
                        tally[f"{state} (between transactions)"] += 1

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield tally
    finally:
        stop.set()
        thread.join(timeout=5)


# --- one configuration ------------------------------------------------------------------------


@dataclass
class Result:
    db: str
    workers: int
    cases: int
    raw: Run
    worker: Run
    checks: str

    @property
    def raw_rate(self) -> float:
        return self.raw.total / self.raw.seconds

    @property
    def worker_rate(self) -> float:
        return self.worker.total / self.worker.seconds


def encode_due(engine: Engine, value: datetime) -> Any:
    """A due instant as the driver receives it for `timers.due_at` (SQLAlchemy's own binding)."""
    column_type = Timer.__table__.c.due_at.type
    process = column_type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    return process(value) if process is not None else value


def check(app: App, seeded: Seeded, verify: bool) -> str:
    """The outcome in the database: exactly one breach and one escalation per case."""
    n = seeded.cases
    with app.reading() as session:
        breaches = session.execute(
            select(Event.case_id, func.count())
            .where(Event.type == "sla_breach")
            .group_by(Event.case_id)
        ).all()
        escalations = session.execute(
            select(EscalationRow.case_id, func.count())
            .where(EscalationRow.type == "automatic", EscalationRow.trigger == TRIGGER)
            .group_by(EscalationRow.case_id)
        ).all()
        due = session.scalar(
            select(func.count()).select_from(Timer).where(Timer.due_at <= seeded.breach)
        )
        notifications = session.scalar(select(func.count()).select_from(Notification))
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
    problems = []
    if len(breaches) != n or any(c != 1 for _, c in breaches):
        problems.append(f"breaches on {len(breaches)} cases, max {max(c for _, c in breaches)}")
    if len(escalations) != n or any(c != 1 for _, c in escalations):
        problems.append(f"escalations on {len(escalations)} cases")
    if due:
        problems.append(f"{due} timers still due")
    summary = f"{n:,} breaches, {n:,} escalations, {notifications:,} notifications, "
    summary += f"{audit:,} audit entries"
    if verify:
        began = time.perf_counter()
        with app.reading() as session:
            report = journal.verify(session)
        if not report.ok:
            problems.append(f"audit chain broken at {report.broken_at}: {report.problem}")
        summary += f", chain verified in {time.perf_counter() - began:.1f}s"
    if problems:
        raise RuntimeError("; ".join(problems))
    return summary


def measure(db: str, url: str, workers: int, cases: int, batch: int, verify: bool) -> Result:
    began = time.perf_counter()
    app = new_app(url)
    seeded = seed(app, cases)
    print(
        f"[{db} ×{workers}] {cases:,} cases seeded in {time.perf_counter() - began:.1f}s "
        f"(timers due {seeded.timer_due:%H:%M:%S}, firing at the breach {seeded.breach:%H:%M:%S}"
        " UTC)",
        flush=True,
    )
    bound = encode_due(app.engine, seeded.timer_due)
    parked = encode_due(app.engine, seeded.timer_due + PARKED)
    raw = run_processes(_raw_process, workers, (url, bound, parked, batch))
    if raw.total != cases:
        raise RuntimeError(f"raw claim took {raw.total} rows, not {cases}")
    with app.transaction(notify=False) as session:
        session.execute(update(Timer).where(Timer.kind == "sla").values(due_at=seeded.timer_due))
    if is_postgres(app.engine):
        with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) timers"))
    print(
        f"[{db} ×{workers}] raw claim-and-update: {raw.total:,} rows in {raw.seconds:.2f}s "
        f"= {raw.total / raw.seconds:,.0f} rows/s",
        flush=True,
    )
    breach = seeded.breach.isoformat()

    def escalated() -> str:
        with app.reading() as session:
            count = session.scalar(select(func.count()).select_from(EscalationRow)) or 0
        return f"{count:,} escalations recorded"

    if db == "postgres":
        with sampling(url) as waits:
            tagged = f"{url}?application_name={APP_NAME}"
            worker = run_processes(_worker_process, workers, (tagged, breach), escalated)
        worker.waits = waits
    else:
        worker = run_processes(_worker_process, workers, (url, breach), escalated)
    print(
        f"[{db} ×{workers}] worker: {worker.total:,} timers in {worker.seconds:.2f}s "
        f"= {worker.total / worker.seconds:,.0f} rows/s (per process {worker.per_process})",
        flush=True,
    )
    if worker.waits:
        samples = sum(worker.waits.values())
        for what, count in worker.waits.most_common():
            print(f"    backends {what:<44} {100 * count / samples:5.1f} %")
    checks = check(app, seeded, verify)
    print(f"[{db} ×{workers}] checked: {checks}", flush=True)
    app.engine.dispose()
    return Result(db, workers, cases, raw, worker, checks)


@contextmanager
def pg_database(server_url: str) -> Iterator[str]:
    """A fresh database on the throwaway cluster, dropped afterwards."""
    import psycopg

    name = f"mass_breach_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg.raw_dsn(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(_pg.raw_dsn(server_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def profile(cases: int) -> None:
    with tempfile.TemporaryDirectory(prefix="escalon-bench-breach-") as tmp:
        app = new_app(f"sqlite:///{tmp}/profile.db")
        seeded = seed(app, cases)
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        fired = fire_until_done(app, seeded.breach)
        profiler.disable()
        took = time.perf_counter() - began
        print(
            f"[profile] sqlite, 1 worker in-process: {fired:,} timers in {took:.2f}s "
            f"under cProfile ({fired / took:,.0f}/s)"
        )
        print(f"[profile] {check(app, seeded, verify=True)}")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())
        app.engine.dispose()


def summary(results: list[Result]) -> None:
    print("\nSummary: mass breach, rows/s until every automatic escalation is recorded")
    header = (
        f"{'db':<9} {'workers':>7} {'cases':>8}  {'raw rows/s':>10} {'worker rows/s':>13}"
        f" {'worker s':>9} {'worker/raw':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.db:<9} {r.workers:>7} {r.cases:>8,}  {r.raw_rate:>10,.0f} {r.worker_rate:>13,.0f}"
            f" {r.worker.seconds:>9.1f} {r.worker_rate / r.raw_rate:>10.3f}"
        )
    print("raw = bare claim (SELECT … LIMIT batch [FOR UPDATE SKIP LOCKED]) + UPDATE per batch;")
    print("worker = timers.fire_due in each process: breach, escalation, outbox, audit per case.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cases", type=int, default=None, help="cases (default 100,000; 2,000 with --profile)"
    )
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--workers", default="1,2,4", help="PostgreSQL worker process counts")
    parser.add_argument("--batch", type=int, default=50, help="raw claim batch (fire_due's)")
    parser.add_argument("--no-verify", action="store_true", help="skip the audit chain walk")
    parser.add_argument("--profile", action="store_true", help="cProfile a SQLite run, in-process")
    args = parser.parse_args()
    if args.profile:
        profile(args.cases or 2000)
        return 0
    cases = args.cases or 100_000
    wanted = {d.strip() for d in args.db.split(",")}
    counts = [int(c) for c in args.workers.split(",")]
    verify = not args.no_verify
    results: list[Result] = []
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory(prefix="escalon-bench-breach-") as tmp:
            url = f"sqlite:///{tmp}/breach.db"
            results.append(measure("sqlite", url, 1, cases, args.batch, verify))
    if "postgres" in wanted:
        with _pg.postgres_or_skip() as server:
            if server is not None:
                print(f"[postgres] server {_pg.server_version(server)}")
                for count in counts:
                    with pg_database(server) as url:
                        results.append(measure("postgres", url, count, cases, args.batch, verify))
    summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
