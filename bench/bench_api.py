"""Benchmark (b): cases created per second through the real HTTP API, SQLite and PostgreSQL.

Run: /work/venv/bin/python bench/bench_api.py [--count 1000] [--threads 1,4] [--warmup 50]
     [--db sqlite,postgres]

For each database (a temp-file SQLite in WAL mode, and a throwaway PostgreSQL 15 cluster from
bench/_pg.py) this process creates the schema by the real migrations, applies
examples/escalon.yaml and creates an agent token; then it starts the server in a subprocess
set up the way `escalon serve` does it (api/server.py: a Worker with max_idle 0.5 s in a
thread, woken by every commit through app.listeners, and uvicorn on 127.0.0.1 at a free port,
log level info). The server gets its own process so the client's threads do not share its
GIL; both share the machine's cores.

The client, httpx.Client (one per thread, keep-alive), sends after a warm-up a fixed number of
requests split over 1 and over 4 threads:

  POST /api/v1/cases   a vip customer's case on a critical service (priority, SLA clocks,
                       timer, timeline event and hash-chained audit entry, one transaction)
  GET /healthz         baseline: the HTTP stack's own ceiling, no database

and reports requests per second (wall time of the whole batch) and p50/p99 latency per
request; `× healthz` is the case rate as a fraction of the healthz rate at the same thread
count.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

import _pg
from escalon.services.context import App
from escalon.services.policies import apply_policy
from escalon.services.sandbox import init_database
from escalon.services.tokens import create_token
from escalon.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "escalon.yaml"
HOST = "127.0.0.1"
MAX_IDLE = 0.5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


# --- the server (subprocess) ----------------------------------------------------------------


def serve(url: str, port: int) -> None:
    """`escalon serve` after `db init` (api/server.py), on the given database."""
    import logging

    from escalon.api.server import serve as run_server

    logging.basicConfig(level=logging.INFO)
    worker = run_server(App.from_engine(make_engine(url)), HOST, port, MAX_IDLE)
    print(f"bench server: worker fired {worker.fired} timers", flush=True)


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def start_server(url: str, workdir: Path) -> Server:
    port = free_port()
    log = workdir / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", url, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(workdir),
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
    server = Server(proc, f"http://{HOST}:{port}", log)
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{server.tail()}")
        try:
            if httpx.get(server.base + "/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"the server did not answer within 60 s:\n{server.tail()}")


# --- the client ---------------------------------------------------------------------------


CASE = {
    "title": "Card payments time out at checkout",
    "customer": "duna-bank",
    "services": ["payments-gateway"],
    "impact": 2,
    "urgency": 2,
    "category": "payments",
    "reporter": "bench",
}


@dataclass
class Run:
    db: str
    what: str
    threads: int
    count: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def request(client: httpx.Client, what: str) -> httpx.Response:
    if what == "healthz":
        return client.get("/healthz")
    return client.post("/api/v1/cases", json=CASE)


def drive(base: str, token: str, db: str, what: str, threads: int, count: int, warmup: int) -> Run:
    expected = 200 if what == "healthz" else 201
    run = Run(db, what, threads, count)
    lock = threading.Lock()
    ready = threading.Barrier(threads + 1)
    go = threading.Event()
    shares = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    first_error: list[str] = []

    def client_thread(share: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        times: list[float] = []
        errors = 0
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for _ in range(max(1, warmup // threads)):
                request(client, what)
            ready.wait()
            go.wait()
            clock = time.perf_counter
            for _ in range(share):
                began = clock()
                response = request(client, what)
                times.append((clock() - began) * 1000)
                if response.status_code != expected:
                    errors += 1
                    if not first_error:
                        first_error.append(f"{response.status_code} {response.text[:300]}")
        with lock:
            run.latencies.extend(times)
            run.errors += errors

    workers = [threading.Thread(target=client_thread, args=(share,)) for share in shares]
    for t in workers:
        t.start()
    ready.wait()
    began = time.perf_counter()
    go.set()
    for t in workers:
        t.join()
    run.seconds = time.perf_counter() - began
    if first_error:
        print(f"  first error: {first_error[0]}")
    return run


def prepare(url: str) -> str:
    """Schema, policy and an agent token; returns the token."""
    engine = make_engine(url)
    try:
        init_database(engine)
        app = App.from_engine(engine)
        apply_policy(app, POLICY.read_text(), "bench")
        return create_token(app, "bench", "agent")
    finally:
        engine.dispose()


def bench_database(db: str, url: str, args: argparse.Namespace, workdir: Path) -> list[Run]:
    token = prepare(url)
    server = start_server(url, workdir)
    runs: list[Run] = []
    try:
        print(f"[{db}] server up at {server.base}")
        for threads in args.threads:
            for what in ("healthz", "create case"):
                run = drive(server.base, token, db, what, threads, args.count, args.warmup)
                runs.append(run)
                print(
                    f"[{db}] {what:<11} {threads} thread(s): {run.count} in {run.seconds:.2f}s = "
                    f"{run.rate:7.1f}/s  p50 {pct(run.latencies, 50):6.2f} ms  "
                    f"p99 {pct(run.latencies, 99):6.2f} ms  errors {run.errors}"
                )
    finally:
        server.stop()
        print(f"[{db}] server stopped; last log lines:")
        print("\n".join("    " + line for line in server.tail(3).splitlines()))
    return runs


def summary(runs: list[Run]) -> None:
    print("\nSummary: through the real HTTP server (uvicorn + embedded worker)")
    header = (
        f"{'db':<9} {'request':<12} {'thr':>3} {'n':>5} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'x healthz':>9} {'err':>4}"
    )
    print(header)
    print("-" * len(header))
    health = {(r.db, r.threads): r.rate for r in runs if r.what == "healthz"}
    for r in runs:
        base = health.get((r.db, r.threads))
        ratio = f"{r.rate / base:9.3f}" if base and r.what != "healthz" else f"{'':>9}"
        print(
            f"{r.db:<9} {r.what:<12} {r.threads:>3} {r.count:>5} {r.rate:8.1f} "
            f"{pct(r.latencies, 50):8.2f} {pct(r.latencies, 99):8.2f} {ratio} {r.errors:>4}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--threads", default="1,4")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return 0
    args.threads = [int(t) for t in args.threads.split(",")]
    wanted = {d.strip() for d in args.db.split(",")}
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="escalon-bench-api-") as tmp:
        workdir = Path(tmp)
        if "sqlite" in wanted:
            runs += bench_database("sqlite", f"sqlite:///{workdir}/api.db", args, workdir)
        if "postgres" in wanted:
            with _pg.postgres_or_skip() as url:
                if url is not None:
                    runs += bench_database("postgres", url, args, workdir)
    summary(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
