"""Shared fixtures: an escalon app on a sandbox database, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from escalon.services import policies
from escalon.services.context import App
from escalon.services.sandbox import init_database
from escalon.store.engine import make_engine

pytest_plugins = ["tests.support.postgres"]

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "escalon.yaml"
BUDAPEST = ZoneInfo("Europe/Budapest")
# Monday 23 November 2026, 08:00 in Budapest: an hour before the office opens.
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=BUDAPEST)


def make_app(url: str, start: datetime = MONDAY_8, policy: bool = True) -> App:
    engine = make_engine(url)
    init_database(engine, sandbox=True, start=start.astimezone(UTC))
    app = App.from_engine(engine)
    if policy:
        policies.apply_policy(app, EXAMPLE.read_text(encoding="utf-8"), "tests")
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'escalon.db'}"
    url: str = request.getfixturevalue("postgresql_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'escalon.db'}"


@pytest.fixture
def app(db_url: str) -> Iterator[App]:
    """The example organisation on a sandbox whose time starts Monday 08:00 in Budapest."""
    application = make_app(db_url)
    yield application
    application.engine.dispose()


@pytest.fixture
def sqlite_app(sqlite_url: str) -> Iterator[App]:
    application = make_app(sqlite_url)
    yield application
    application.engine.dispose()
