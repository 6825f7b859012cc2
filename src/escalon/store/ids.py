"""Primary keys handed out before the insert, so a batch need not flush to learn them.

An escalation's id is written into its events, notifications and timer at once; asking
the database for it by flushing costs a flush per escalation, which dominates a mass
breach; a timer's, an INSERT … RETURNING of its own on SQLite. PostgreSQL hands out values
of the table's sequence; SQLite, whose one writer holds the database for the whole
transaction, continues from the largest id.
"""

from __future__ import annotations

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from escalon.store import scratch
from escalon.store.models import Base

_KEY = "escalon.ids"
_SPARE = "escalon.ids.spare"
_AHEAD = 50


def next_id(session: Session, model: type[Base]) -> int:
    table = model.__tablename__
    if session.get_bind().dialect.name == "postgresql":
        return _from_sequence(session, table)
    issued = scratch.held(session, _KEY, dict[str, int])
    last = issued.get(table)
    if last is None:
        key = inspect(model).primary_key[0]
        last = session.scalar(select(func.coalesce(func.max(key), 0))) or 0
    issued[table] = last + 1
    return last + 1


def _from_sequence(session: Session, table: str) -> int:
    """Values are taken from the sequence `_AHEAD` at a time; unused ones leave a gap."""
    spare = scratch.held(session, _SPARE, dict[str, list[int]])
    values = spare.get(table)
    if not values:
        values = spare[table] = list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :ahead)"
                ),
                {"table": table, "ahead": _AHEAD},
            )
        )
        values.reverse()
    return int(values.pop())
