"""State a module keeps for one transaction, dropped when the transaction ends.

Queued appends, ids handed out ahead and a worker's batch of rows are true only inside the
transaction that made them: after it commits another writer may move on, after a rollback
they describe nothing. Kept in `session.info` under keys registered here, they are dropped
when the session's outermost transaction ends, whichever way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

T = TypeVar("T")
_keys: set[str] = set()


def held(session: Session, key: str, default: Callable[[], T]) -> T:
    """The transaction's value under `key`, made by `default` on first use."""
    _keys.add(key)
    if key not in session.info:
        session.info[key] = default()
    value: T = session.info[key]
    return value


def peek(session: Session, key: str) -> Any:
    return session.info.get(key)


def drop(session: Session, key: str) -> Any:
    return session.info.pop(key, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        for key in _keys:
            session.info.pop(key, None)
