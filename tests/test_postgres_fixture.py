"""The PostgreSQL test fixtures (tests/support/postgres.py) work."""

from __future__ import annotations

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

from tests.support import postgres as pg_support

# Databases seen by test_each_use_gets_a_fresh_database, in run order.
_seen_databases: list[str] = []


def test_roundtrip_on_postgresql_15(postgresql_url: str) -> None:
    assert postgresql_url.startswith("postgresql+psycopg://")
    metadata = MetaData()
    things = Table(
        "things",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(50), nullable=False),
    )
    engine = create_engine(postgresql_url)
    try:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(things.insert(), [{"id": 1, "name": "escalon"}])
        with engine.connect() as conn:
            rows = conn.execute(select(things.c.id, things.c.name)).all()
            version = conn.execute(text("SELECT version()")).scalar_one()
            version_num = int(conn.execute(text("SHOW server_version_num")).scalar_one())
            database = conn.execute(text("SELECT current_database()")).scalar_one()
    finally:
        engine.dispose()

    assert [tuple(r) for r in rows] == [(1, "escalon")]
    assert version.startswith("PostgreSQL 15"), version
    assert 150000 <= version_num < 160000
    assert database == make_url(postgresql_url).database


@pytest.mark.parametrize("run", [1, 2])
def test_each_use_gets_a_fresh_database(postgresql_url: str, run: int) -> None:
    engine = create_engine(postgresql_url)
    try:
        with engine.begin() as conn:
            database = conn.execute(text("SELECT current_database()")).scalar_one()
            # Empty, although the previous run left a table in its database.
            assert inspect(conn).get_table_names() == []
            conn.execute(text("CREATE TABLE leftover (id integer)"))
            # Earlier runs' databases were dropped after their test.
            still_there = (
                conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"),
                    {"names": _seen_databases},
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()

    assert database == make_url(postgresql_url).database
    assert database not in _seen_databases
    assert still_there == []
    _seen_databases.append(database)


def test_two_databases_in_one_test_are_different(postgresql_server_url: str) -> None:
    with (
        pg_support.fresh_database(postgresql_server_url) as first,
        pg_support.fresh_database(postgresql_server_url) as second,
    ):
        assert first != second
        assert make_url(first).database != make_url(second).database
        assert first.startswith(postgresql_server_url)


def test_skip_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pg_support.SKIP_ENV, "skip")
    with pytest.raises(pytest.skip.Exception):
        pg_support.skip_if_disabled()
    monkeypatch.setenv(pg_support.SKIP_ENV, "")
    pg_support.skip_if_disabled()  # no skip
