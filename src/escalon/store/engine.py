"""Engines and sessions, made by factories so nothing connects at import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "escalon_read_only"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """SQLite gets WAL, a busy timeout, and immediate write transactions (no upgrade races)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        _sqlite_pragmas(engine, memory=":memory:" in url or url.endswith("://"))
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    # psycopg's executemany sends one INSERT per row; SQLAlchemy's "insertmanyvalues" sends
    # one per page of rows, which is what a worker's batch of appended rows needs.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def _sqlite_pragmas(engine: Engine, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads: on SQLite they take no write lock, so readers never queue."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
