"""pytest plugin: a throwaway PostgreSQL cluster for the test session.

Load it with ``pytest_plugins = ["tests.support.postgres"]`` in the root
``tests/conftest.py``.  Fixtures:

``postgresql_server_url`` (session)
    Starts ONE PostgreSQL cluster per test session (pytest-postgresql's
    ``postgresql_proc`` with the machine's ``pg_ctl``, run through
    ``pg_ctl_wrapper.sh`` so it also works as root) and yields the base URL
    ``postgresql+psycopg://postgres@127.0.0.1:PORT/`` (no database name; trust
    authentication, so there is no password).

``postgresql_url`` (function)
    A fresh, empty database on that server with a unique name; yields
    ``postgresql+psycopg://postgres@127.0.0.1:PORT/DBNAME`` and drops the
    database (``WITH (FORCE)``) afterwards.

Environment:

``ESCALON_TEST_POSTGRES=skip``
    The fixtures skip.  Otherwise a PostgreSQL that cannot be started is a test
    ERROR, never a skip.
``ESCALON_PG_CTL``
    The real ``pg_ctl`` (default: ``pg_ctl`` on PATH, else /usr/local/bin/pg_ctl).
``ESCALON_PG_OS_USER``
    OS user that runs PostgreSQL when the tests run as root (default: postgres).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_postgresql import factories
from pytest_postgresql.executors import PostgreSQLExecutor

SKIP_ENV = "ESCALON_TEST_POSTGRES"
PG_CTL_ENV = "ESCALON_PG_CTL"
PG_OS_USER_ENV = "ESCALON_PG_OS_USER"
DEFAULT_PG_CTL = "/usr/local/bin/pg_ctl"
WRAPPER = Path(__file__).resolve().with_name("pg_ctl_wrapper.sh")

PG_USER = "postgres"
PG_HOST = "127.0.0.1"
MAINTENANCE_DB = "postgres"

_start_seconds: float | None = None


def real_pg_ctl() -> str:
    """The real pg_ctl: $ESCALON_PG_CTL, else pg_ctl on PATH, else /usr/local/bin/pg_ctl."""
    return os.environ.get(PG_CTL_ENV) or shutil.which("pg_ctl") or DEFAULT_PG_CTL


def skip_if_disabled() -> None:
    """pytest.skip when ESCALON_TEST_POSTGRES=skip."""
    if os.environ.get(SKIP_ENV, "").strip().lower() == "skip":
        pytest.skip(f"PostgreSQL tests disabled ({SKIP_ENV}=skip)")


# One cluster per session: random free port, trust auth, data in pytest's tmp
# dir.  Durability is pointless for a throwaway cluster, so it is switched off.
# Unix sockets are switched off too (the later -c wins): everything goes over
# TCP, and nothing has to be created in a shared socket directory.
escalon_postgresql_proc = factories.postgresql_proc(
    executable=str(WRAPPER),
    host=PG_HOST,
    port=None,
    user=PG_USER,
    dbname="escalon",
    startparams="-w -t 60",
    postgres_options=(
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c unix_socket_directories=''"
    ),
)


def _check_prerequisites() -> None:
    pg_ctl = real_pg_ctl()
    if not (os.path.isfile(pg_ctl) and os.access(pg_ctl, os.X_OK)):
        raise RuntimeError(
            f"pg_ctl not found or not executable: {pg_ctl!r}. Install the PostgreSQL 15 server "
            f"binaries, put pg_ctl on PATH or set {PG_CTL_ENV}; or set {SKIP_ENV}=skip to skip "
            f"the PostgreSQL tests."
        )
    if not os.access(WRAPPER, os.X_OK):
        raise RuntimeError(f"{WRAPPER} is not executable (chmod +x it)")
    if os.geteuid() == 0:
        import pwd

        os_user = os.environ.get(PG_OS_USER_ENV, "postgres")
        try:
            pwd.getpwnam(os_user)
        except KeyError:
            raise RuntimeError(
                f"running as root, and PostgreSQL refuses to: the OS user {os_user!r} that "
                f"should run it does not exist (useradd --system {os_user})"
            ) from None
        if shutil.which("runuser") is None:
            raise RuntimeError("running as root but `runuser` (util-linux) is not installed")


def _url(port: int, dbname: str = "") -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{port}/{dbname}"


@pytest.fixture(scope="session")
def postgresql_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL (no database) of the session's PostgreSQL cluster."""
    global _start_seconds
    skip_if_disabled()
    _check_prerequisites()
    # The wrapper resolves pg_ctl the same way; pin it so both agree.
    os.environ.setdefault(PG_CTL_ENV, real_pg_ctl())
    started = time.perf_counter()
    proc: PostgreSQLExecutor = request.getfixturevalue("escalon_postgresql_proc")
    _start_seconds = time.perf_counter() - started
    yield _url(proc.port)


def _admin_connect(server_url: str):  # -> psycopg.Connection
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    return psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname=MAINTENANCE_DB,
        autocommit=True,
    )


def create_database(server_url: str, name: str | None = None) -> str:
    """Create an empty database on the server; return its SQLAlchemy URL."""
    from psycopg import sql

    name = name or f"escalon_test_{uuid.uuid4().hex[:16]}"
    with _admin_connect(server_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server_url.rstrip("/") + "/" + name


def drop_database(database_url: str) -> None:
    """Drop the database named in ``database_url``, closing its connections."""
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    assert name, f"no database name in {database_url!r}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _admin_connect(database_url) as conn:
        conn.execute(drop)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Context manager: a new empty database, dropped on exit."""
    url = create_database(server_url)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def postgresql_url(postgresql_server_url: str) -> Iterator[str]:
    """URL of a fresh, empty database, dropped after the test."""
    skip_if_disabled()
    with fresh_database(postgresql_server_url) as url:
        yield url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _start_seconds is not None:
        terminalreporter.write_line(
            f"escalon: PostgreSQL test cluster started in {_start_seconds:.2f}s "
            f"(pg_ctl: {real_pg_ctl()})"
        )
