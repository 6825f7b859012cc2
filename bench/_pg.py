"""A throwaway PostgreSQL cluster for the benchmarks (not a test fixture).

    with throwaway_postgres() as url:   # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
        ...

Same approach as tests/support/postgres.py: pytest-postgresql's PostgreSQLExecutor drives the
machine's pg_ctl through tests/support/pg_ctl_wrapper.sh (which runs it as the `postgres` OS
user when we are root), in a temporary directory, on a free port, with trust authentication
and TCP only. The cluster is stopped and its directory removed on exit.

Settings: `synchronous_commit=off` and `fsync=off` by default. SQLite in WAL mode with
`synchronous=NORMAL` (what escalon's engine sets) does not sync at commit either, so the two
databases are compared on equal terms; pass `durable=True` for a cluster that syncs every
commit.

`postgres_or_skip()` yields the URL, or None after printing why no cluster could be started,
so a benchmark skips its PostgreSQL part instead of failing: benchmarks are not tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRAPPER = ROOT / "tests" / "support" / "pg_ctl_wrapper.sh"
PG_CTL_ENV = "ESCALON_PG_CTL"
PG_OS_USER_ENV = "ESCALON_PG_OS_USER"
HOST = "127.0.0.1"
USER = "postgres"


def real_pg_ctl() -> str:
    return os.environ.get(PG_CTL_ENV) or shutil.which("pg_ctl") or "/usr/local/bin/pg_ctl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def postgres_unavailable() -> str | None:
    """Why a throwaway cluster cannot be started here, or None."""
    try:
        import psycopg  # noqa: F401
        from pytest_postgresql.executors import PostgreSQLExecutor  # noqa: F401
    except ImportError as exc:
        return f"missing Python package: {exc.name} (pip install -e '.[test]')"
    pg_ctl = real_pg_ctl()
    if not (os.path.isfile(pg_ctl) and os.access(pg_ctl, os.X_OK)):
        return f"pg_ctl not found: {pg_ctl!r} (install PostgreSQL 15 or set {PG_CTL_ENV})"
    if not os.access(WRAPPER, os.X_OK):
        return f"{WRAPPER} is missing or not executable"
    if os.geteuid() == 0:
        import pwd

        os_user = os.environ.get(PG_OS_USER_ENV, "postgres")
        try:
            pwd.getpwnam(os_user)
        except KeyError:
            return f"running as root and the OS user {os_user!r} does not exist"
        if shutil.which("runuser") is None:
            return "running as root but `runuser` is not installed"
    return None


@contextmanager
def throwaway_postgres(durable: bool = False) -> Iterator[str]:
    """Start one PostgreSQL cluster; yield its SQLAlchemy URL (database `postgres`)."""
    reason = postgres_unavailable()
    if reason is not None:
        raise RuntimeError(reason)
    from pytest_postgresql.executors import PostgreSQLExecutor

    os.environ.setdefault(PG_CTL_ENV, real_pg_ctl())  # the wrapper resolves pg_ctl the same way
    options = "-c shared_buffers=256MB -c max_wal_size=4GB"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    options += " -c unix_socket_directories=''"  # after the executor's own: TCP only
    workdir = Path(tempfile.mkdtemp(prefix="escalon-bench-pg-"))
    port = free_port()
    executor = PostgreSQLExecutor(
        executable=str(WRAPPER),
        host=HOST,
        port=port,
        datadir=str(workdir / "data"),
        unixsocketdir=str(workdir),
        logfile=str(workdir / "postgresql.log"),
        startparams="-w -t 60",
        dbname="postgres",
        user=USER,
        postgres_options=options,
        timeout=120,
    )
    started = time.perf_counter()
    try:
        executor.start()
        _wait_until_ready(f"host={HOST} port={port} user={USER} dbname=postgres")
        print(f"[pg] PostgreSQL started on port {port} in {time.perf_counter() - started:.1f}s")
        yield f"postgresql+psycopg://{USER}@{HOST}:{port}/postgres"
    finally:
        try:
            if executor.running():
                executor.stop()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_ready(dsn: str, seconds: float = 60) -> None:
    """`pg_ctl -w` may return while the server still answers "starting up"; wait it out."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def postgres_or_skip(durable: bool = False) -> Iterator[str | None]:
    """Like throwaway_postgres, but yield None (and say why) when no cluster can start."""
    reason = postgres_unavailable()
    if reason is not None:
        print(f"[postgres] skipped: {reason}")
        yield None
        return
    with ExitStack() as stack:
        try:
            url: str | None = stack.enter_context(throwaway_postgres(durable))
        except Exception as exc:  # a benchmark reports and goes on without PostgreSQL
            print(f"[postgres] skipped: the cluster did not start: {exc}")
            url = None
        yield url


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(raw_dsn(url), autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def raw_dsn(url: str) -> str:
    """The libpq connection string for a `postgresql+psycopg://` URL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return (
        f"host={parsed.host} port={parsed.port} user={parsed.username} "
        f"dbname={parsed.database or 'postgres'}"
    )
