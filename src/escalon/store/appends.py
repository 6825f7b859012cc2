"""Rows a transaction only ever appends: written together, in order, as it commits.

Timeline events, outbox messages and audit entries are never read back by the transaction
that writes them. Added as ORM objects, each costs an INSERT … RETURNING of its own on
SQLite; queued here, a worker's batch writes each table in one executemany. A table may
name a step that completes its rows at write time (the audit chain links them there, under
its lock, as late as possible).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import DeclarativeBase, Session

from escalon.store import scratch

Rows = list[dict[str, Any]]
Complete = Callable[[Session, Rows], None]

_KEY = "escalon.appends"
_last: dict[type[DeclarativeBase], Complete] = {}


def completed_by(model: type[DeclarativeBase], complete: Complete) -> None:
    """Run `complete` on the model's queued rows just before they are inserted, last."""
    _last[model] = complete


def queue(session: Session, model: type[DeclarativeBase], values: dict[str, Any]) -> None:
    _queues(session).setdefault(model, []).append(values)


@event.listens_for(Session, "before_commit")
def write(session: Session) -> None:
    """Insert what is queued as the transaction commits, whoever commits it.

    Plain tables first, those completed at write time last. A savepoint's release also
    passes here; its rows wait for the real commit.
    """
    if session.in_nested_transaction():
        return
    queues = scratch.drop(session, _KEY)
    if not queues:
        return
    session.flush()  # the rows they refer to (a new case, an escalation) go first
    for model in sorted(queues, key=lambda m: m in _last):
        rows = queues[model]
        if not rows:
            continue
        if model in _last:
            _last[model](session, rows)
        session.connection().execute(insert(model.__table__), rows)


@contextmanager
def attempt(session: Session) -> Iterator[None]:
    """A savepoint whose queued rows are dropped with it when it rolls back."""
    marks = {model: len(rows) for model, rows in _queues(session).items()}
    try:
        with session.begin_nested():
            yield
    except BaseException:
        for model, rows in _queues(session).items():
            del rows[marks.get(model, 0) :]
        raise


def _queues(session: Session) -> dict[type[DeclarativeBase], Rows]:
    return scratch.held(session, _KEY, dict[type[DeclarativeBase], Rows])
