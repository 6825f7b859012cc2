"""Benchmark (c): the worker's poll with many open cases and nothing due.

Run: /work/venv/bin/python bench/bench_worker_poll.py [--sizes 10000,1000000] [--reps 2000]
     [--db sqlite,postgres]

For each database (a temp-file SQLite in WAL mode, and a throwaway PostgreSQL 15 cluster from
bench/_pg.py) the schema is created by the real migrations and the example policy applied,
then `cases` and `timers` are bulk-loaded directly (one open case and one SLA timer per case,
due at a random instant between 1 hour and 30 days from now, so nothing is due): raw
sqlite3 executemany with values encoded by SQLAlchemy's own bind processors, or COPY on
PostgreSQL (followed by VACUUM ANALYZE there). The table grows from the first size to the
next, and at each size these are timed, interleaved in rounds, p50/p99 in ms:

  tick        Worker(app).tick(): reads the clock, opens a transaction, runs fire_due's claim
              query, finds nothing, commits
  next_due    timers.next_due(app): SELECT min(due_at) FROM timers
  bare query  baseline: the exact claim SQL that tick sends (captured from SQLAlchemy),
              executed on a raw sqlite3 / psycopg connection in autocommit mode
  bare txn    baseline: the same inside BEGIN [IMMEDIATE] ... COMMIT, as the worker runs it

The claim query's plan is printed at each size (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
(ANALYZE, BUFFERS) on PostgreSQL) to show it is an index range scan on ix_timers_due_at.
Goal: tick the same within noise at every size, under 2 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.engine import make_url

import _pg
from escalon.services import timers
from escalon.services.context import App
from escalon.services.policies import apply_policy
from escalon.services.sandbox import init_database
from escalon.store.engine import make_engine
from escalon.store.models import Case, Timer
from escalon.worker.runner import Worker

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "escalon.yaml"
BATCH = 50_000
CUSTOMERS = (("duna-bank", "vip", "hu"), ("vltava-logistics", "gold", "cs"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


# --- data ---------------------------------------------------------------------------------


def _case_template(now: datetime, version_id: int) -> dict[str, Any]:
    """Python values of one open case (the columns that vary are filled per row)."""
    return {
        "id": 0,
        "ref": "",
        "title": "",
        "description": "",
        "kind": "incident",
        "category": "network",
        "audience": "external",
        "customer": "duna-bank",
        "customer_tier": "vip",
        "services": ["payments-gateway"],
        "affected_customers": [],
        "reporter": "bench",
        "assignee": None,
        "team": "network-engineers",
        "support_level": 1,
        "impact": 2,
        "urgency": 2,
        "risk_flags": [],
        "language": "hu",
        "region": None,
        "status": "open",
        "priority": 1,
        "priority_explanation": [],
        "priority_override": None,
        "deadline_at": None,
        "deadline_consequence": None,
        "project": None,
        "links": [],
        "contacts": [],
        "watchers": [],
        "policy_version_id": version_id,
        "sla_policy": "vip",
        "breached": False,
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "created_at": now,
        "updated_at": now,
    }


CASE_COLUMNS = [c.name for c in Case.__table__.c]
TIMER_COLUMNS = [c.name for c in Timer.__table__.c]


@dataclass
class Encoder:
    """Python value -> what the driver receives, per column, as escalon's models store it."""

    encode: Callable[[str, str, Any], Any]

    def case_template(self, now: datetime, version_id: int) -> list[Any]:
        values = _case_template(now, version_id)
        return [self.encode("cases", name, values[name]) for name in CASE_COLUMNS]


def sqlite_encoder(engine: Engine) -> Encoder:
    """SQLAlchemy's own bind processors, so the stored text is exactly what the ORM writes."""
    dialect = engine.dialect
    processors: dict[tuple[str, str], Any] = {}
    for table in (Case.__table__, Timer.__table__):
        for column in table.c:
            processors[(table.name, column.name)] = column.type.dialect_impl(
                dialect
            ).bind_processor(dialect)

    def encode(table: str, name: str, value: Any) -> Any:
        proc = processors[(table, name)]
        return value if proc is None or value is None else proc(value)

    return Encoder(encode)


def postgres_encoder() -> Encoder:
    """COPY text: naive UTC timestamps (UTCDateTime), JSON text for the JSONB columns."""

    def encode(table: str, name: str, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(value, (list, dict)):
            return json.dumps(value)
        return value

    return Encoder(encode)


def generate(
    encoder: Encoder, start: int, stop: int, now: datetime, version_id: int, seed: int
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Batches of (case rows, timer rows) for ids start+1..stop, one SLA timer per case."""
    rng = random.Random(seed + start)
    template = encoder.case_template(now, version_id)
    at = {name: i for i, name in enumerate(CASE_COLUMNS)}
    created = encoder.encode("timers", "created_at", now)
    horizon = 30 * 86_400 - 3600
    for lo in range(start, stop, BATCH):
        cases: list[tuple[Any, ...]] = []
        timer_rows: list[tuple[Any, ...]] = []
        for case_id in range(lo + 1, min(lo + BATCH, stop) + 1):
            row = template.copy()
            customer, tier, language = CUSTOMERS[case_id % 2]
            row[at["id"]] = case_id
            row[at["ref"]] = f"ESC-{1000 + case_id}"
            row[at["title"]] = f"Bench case {case_id}: payments gateway latency"
            row[at["customer"]] = customer
            row[at["customer_tier"]] = tier
            row[at["language"]] = language
            row[at["priority"]] = 1 + case_id % 3
            cases.append(tuple(row))
            due = now + timedelta(seconds=3600 + rng.random() * horizon)
            timer_rows.append(
                (
                    case_id,
                    case_id,
                    "sla",
                    "first_response:sla_warning",
                    encoder.encode("timers", "due_at", due),
                    created,
                )
            )
        yield cases, timer_rows


# --- databases ------------------------------------------------------------------------------


class Database:
    name = ""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        init_database(self.engine)
        self.app = App.from_engine(self.engine)
        self.version_id = apply_policy(self.app, POLICY.read_text(), "bench").version
        self.loaded = 0

    def load(self, size: int, seed: int) -> float:
        raise NotImplementedError

    def bare(self, sql: str, params: Any, transaction: bool) -> Callable[[], Any]:
        raise NotImplementedError

    def explain(self, sql: str, params: Any) -> str:
        raise NotImplementedError

    def close(self) -> None:
        self.engine.dispose()


class SqliteDatabase(Database):
    name = "sqlite"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.path = make_url(url).database or ""
        self.raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)

    def load(self, size: int, seed: int) -> float:
        encoder = sqlite_encoder(self.engine)
        now = datetime.now(UTC)
        began = time.perf_counter()
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute("PRAGMA cache_size=-1000000")  # ~1 GB page cache for the load only
        conn.execute("PRAGMA synchronous=OFF")
        case_sql = (
            f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in CASE_COLUMNS)})"
        )
        timer_sql = f"INSERT INTO timers ({', '.join(TIMER_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)"
        conn.execute("BEGIN")
        batches = generate(encoder, self.loaded, size, now, self.version_id, seed)
        for cases, timer_rows in batches:
            conn.executemany(case_sql, cases)
            conn.executemany(timer_sql, timer_rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        self.loaded = size
        return time.perf_counter() - began

    def bare(self, sql: str, params: Any, transaction: bool) -> Callable[[], Any]:
        conn = self.raw

        def query() -> Any:
            return conn.execute(sql, params).fetchall()

        def txn() -> Any:
            conn.execute("BEGIN IMMEDIATE")
            rows = conn.execute(sql, params).fetchall()
            conn.execute("COMMIT")
            return rows

        return txn if transaction else query

    def explain(self, sql: str, params: Any) -> str:
        rows = self.raw.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        return "\n".join(f"  {row[-1]}" for row in rows)

    def close(self) -> None:
        self.raw.close()
        super().close()


class PostgresDatabase(Database):
    name = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg

        super().__init__(url)
        self.raw = psycopg.connect(_pg.raw_dsn(url), autocommit=True)
        self.raw_txn = psycopg.connect(_pg.raw_dsn(url), autocommit=False)

    def load(self, size: int, seed: int) -> float:
        import psycopg

        encoder = postgres_encoder()
        now = datetime.now(UTC)
        began = time.perf_counter()
        with psycopg.connect(_pg.raw_dsn(self.url)) as conn:
            with conn.cursor() as cur:
                batches = generate(encoder, self.loaded, size, now, self.version_id, seed)
                for cases, timer_rows in batches:
                    with cur.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                        for row in cases:
                            copy.write_row(row)
                    with cur.copy(f"COPY timers ({', '.join(TIMER_COLUMNS)}) FROM STDIN") as copy:
                        for row in timer_rows:
                            copy.write_row(row)
                # Ids were given explicitly: move the sequences past them, as the app expects.
                for table in ("cases", "timers"):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
            conn.commit()
        loaded = time.perf_counter() - began
        with psycopg.connect(_pg.raw_dsn(self.url), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE) cases")
            conn.execute("VACUUM (ANALYZE) timers")
        print(f"  [postgres] VACUUM ANALYZE took {time.perf_counter() - began - loaded:.1f}s")
        self.loaded = size
        return time.perf_counter() - began

    def bare(self, sql: str, params: Any, transaction: bool) -> Callable[[], Any]:
        conn = self.raw_txn if transaction else self.raw

        def query() -> Any:
            return conn.execute(sql, params).fetchall()

        def txn() -> Any:
            rows = conn.execute(sql, params).fetchall()  # psycopg sends BEGIN first
            conn.commit()
            return rows

        return txn if transaction else query

    def explain(self, sql: str, params: Any) -> str:
        rows = self.raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
        return "\n".join(f"  {row[0]}" for row in rows)

    def close(self) -> None:
        self.raw.close()
        self.raw_txn.close()
        super().close()


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    params: Any


def capture(engine: Engine, action: Callable[[], Any], needle: str) -> Statement:
    """The SQL and driver parameters `action` sends whose text contains `needle`."""
    seen: list[Statement] = []

    def listener(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if needle in sql:
            seen.append(Statement(sql, params))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    if not seen:
        raise RuntimeError(f"no statement containing {needle!r} was sent")
    return seen[0]


@dataclass
class Row:
    db: str
    size: int
    what: str
    times: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return pct(self.times, 50)

    @property
    def p99(self) -> float:
        return pct(self.times, 99)


def measure(db: Database, reps: int, rounds: int = 4) -> list[Row]:
    app = db.app
    worker = Worker(app)
    claim = capture(db.engine, worker.tick, "FROM timers")
    candidates: dict[str, Callable[[], Any]] = {
        "tick": worker.tick,
        "next_due": lambda: timers.next_due(app),
        "bare query": db.bare(claim.sql, claim.params, transaction=False),
        "bare txn": db.bare(claim.sql, claim.params, transaction=True),
    }
    rows = {what: Row(db.name, db.loaded, what) for what in candidates}
    for fn in candidates.values():  # warm-up: caches, pool, prepared statements
        for _ in range(50):
            fn()
    per_round = max(1, reps // rounds)
    clock = time.perf_counter
    for _ in range(rounds):
        for what, fn in candidates.items():
            times = rows[what].times
            for _ in range(per_round):
                began = clock()
                fn()
                times.append((clock() - began) * 1000)
    if worker.fired:
        print(f"  WARNING: the worker fired {worker.fired} timers; something was due")
    return list(rows.values())


def show_plan(db: Database) -> None:
    worker = Worker(db.app)
    claim = capture(db.engine, worker.tick, "FROM timers")
    print(f"  claim query as sent by fire_due: {' '.join(claim.sql.split())}")
    print(f"  plan ({db.name}, {db.loaded:,} timers):")
    print(db.explain(claim.sql, claim.params))
    nxt = capture(db.engine, lambda: timers.next_due(db.app), "FROM timers")
    print(f"  next_due: {' '.join(nxt.sql.split())}")
    print(db.explain(nxt.sql, nxt.params))


def run(db: Database, sizes: list[int], reps: int, budget: float, seed: int) -> list[Row]:
    results: list[Row] = []
    for size in sizes:
        added = size - db.loaded
        print(f"\n[{db.name}] loading {added:,} cases + timers (to {size:,}) ...")
        took = db.load(size, seed)
        with db.app.sessions() as session:
            count = session.scalar(select(Timer.id).order_by(Timer.id.desc()).limit(1))
        earliest = timers.next_due(db.app)
        if earliest is None or earliest <= datetime.now(UTC):
            raise RuntimeError(f"the loaded timers read back wrong: earliest due {earliest}")
        print(
            f"[{db.name}] {count:,} cases/timers loaded in {took:.1f}s; "
            f"earliest due {earliest:%Y-%m-%d %H:%M:%S} UTC (nothing due)"
        )
        show_plan(db)
        rows = measure(db, reps)
        for row in rows:
            print(f"  {row.what:<11} p50 {row.p50:7.3f} ms   p99 {row.p99:7.3f} ms")
        results.extend(rows)
        rate = added / max(took, 1e-9)
        nxt = next((s for s in sizes if s > size), None)
        if nxt is not None and (nxt - size) / rate > budget:
            print(
                f"[{db.name}] loading {nxt:,} would take ~{(nxt - size) / rate:.0f}s "
                f"(> {budget:.0f}s budget): stopping at {size:,}"
            )
            break
    return results


def summary(results: list[Row]) -> None:
    print("\nSummary: worker poll with nothing due (ms; goal: tick flat across sizes, < 2 ms)")
    header = f"{'db':<9} {'open cases':>10}  {'what':<11} {'p50':>8} {'p99':>8}  {'n':>5}"
    print(header)
    print("-" * len(header))
    for row in results:
        print(
            f"{row.db:<9} {row.size:>10,}  {row.what:<11} {row.p50:8.3f} {row.p99:8.3f}"
            f"  {len(row.times):>5}"
        )
    table: dict[tuple[str, str], dict[int, Row]] = {}
    for row in results:
        table.setdefault((row.db, row.what), {})[row.size] = row
    for (db, what), by_size in table.items():
        sizes = sorted(by_size)
        if what in ("tick", "bare query") and len(sizes) > 1:
            small, large = by_size[sizes[0]], by_size[sizes[-1]]
            print(
                f"{db}: {what} p50 {small.p50:.3f} ms at {sizes[0]:,} vs {large.p50:.3f} ms at "
                f"{sizes[-1]:,} (x{large.p50 / small.p50:.2f})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--budget", type=float, default=240.0, help="seconds a load may take before giving up"
    )
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    wanted = {d.strip() for d in args.db.split(",")}
    results: list[Row] = []
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory(prefix="escalon-bench-poll-") as tmp:
            db: Database = SqliteDatabase(f"sqlite:///{tmp}/poll.db")
            try:
                results += run(db, sizes, args.reps, args.budget, args.seed)
            finally:
                db.close()
    if "postgres" in wanted:
        with _pg.postgres_or_skip() as url:
            if url is not None:
                print(f"[postgres] server {_pg.server_version(url)}")
                db = PostgresDatabase(url)
                try:
                    results += run(db, sizes, args.reps, args.budget, args.seed)
                finally:
                    db.close()
    summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
