"""Initialising a database, as a real deployment or as a sandbox with its own time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from escalon.clock import MODE_KEY, VirtualClock
from escalon.store.engine import make_sessions
from escalon.store.migrate import upgrade
from escalon.store.models import Meta


def init_database(engine: Engine, sandbox: bool = False, start: datetime | None = None) -> None:
    """Create or upgrade the schema; a sandbox starts its virtual time at `start`."""
    upgrade(engine)
    if not sandbox:
        return
    begin = (start or datetime.now(UTC).replace(second=0, microsecond=0)).astimezone(UTC)
    with make_sessions(engine).begin() as session:
        row = session.get(Meta, MODE_KEY)
        if row is None:
            session.add(Meta(key=MODE_KEY, value="virtual"))
            VirtualClock.set(session, begin)
