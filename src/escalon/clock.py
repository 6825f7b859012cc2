"""The one injectable clock: real time in production, a stored virtual time in a sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from escalon.store.models import Meta

MODE_KEY = "clock_mode"
NOW_KEY = "virtual_now"


class Clock(Protocol):
    virtual: bool

    def now(self) -> datetime: ...


class SystemClock:
    virtual = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """Time that moves only when told; every process on the sandbox database shares it."""

    virtual = True

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def now(self) -> datetime:
        with self._sessions() as session:
            value = session.scalar(select(Meta.value).where(Meta.key == NOW_KEY))
        if value is None:
            raise RuntimeError("sandbox database has no virtual time; run `escalon db init`")
        return datetime.fromisoformat(value)

    @staticmethod
    def set(session: Session, instant: datetime) -> None:
        """Move the stored time inside the caller's transaction."""
        row = session.get(Meta, NOW_KEY)
        text = instant.astimezone(UTC).isoformat()
        if row is None:
            session.add(Meta(key=NOW_KEY, value=text))
        else:
            row.value = text


def clock_for(sessions: sessionmaker[Session]) -> Clock:
    """A database initialised as a sandbox keeps its own time."""
    with sessions() as session:
        mode = session.scalar(select(Meta.value).where(Meta.key == MODE_KEY))
    if mode == "virtual":
        return VirtualClock(sessions)
    return SystemClock()
