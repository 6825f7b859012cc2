"""What every use case needs: sessions, the clock, compiled policies, a worker to wake."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from escalon.clock import Clock, clock_for
from escalon.config import Settings
from escalon.core.errors import NotFound
from escalon.core.policy import Policy
from escalon.core.schedules import Override
from escalon.policy.compile import compile_policy
from escalon.store import overrides
from escalon.store.engine import is_postgres, make_engine, make_read_sessions, make_sessions
from escalon.store.models import PolicyVersion

Live = tuple[tuple[str, Override], ...]


class PolicyCache:
    """Compiled policies by version; a version never changes once stored, so caching is safe."""

    def __init__(self) -> None:
        self._compiled: dict[int | None, Policy] = {}
        self._covered: dict[tuple[int | None, Live], Policy] = {}
        self._lock = threading.Lock()

    def in_force(self, session: Session, version_id: int | None, since: datetime) -> Policy:
        """The version with the schedule overrides taken through the API that are live at
        `since` added on top of its own: cover is operational, not a new policy version.

        The same version with the same overrides gives the same object, so the indexes its
        organisation builds are reused across transactions.
        """
        policy = self.get(session, version_id)
        if not policy.schedules:
            return policy
        live = tuple(o for o in overrides.live(session, since) if o[0] in policy.schedules)
        if not live:
            return policy
        key = (version_id, live)
        with self._lock:
            cached = self._covered.get(key)
        if cached is not None:
            return cached
        extra: dict[str, list[Override]] = {}
        for schedule, override in live:
            extra.setdefault(schedule, []).append(override)
        schedules = {
            k: replace(s, overrides=(*s.overrides, *extra[k])) if k in extra else s
            for k, s in policy.schedules.items()
        }
        covered = replace(policy, schedules=schedules)
        with self._lock:
            if len(self._covered) > 64:
                self._covered.clear()
            self._covered[key] = covered
        return covered

    def get(self, session: Session, version_id: int | None) -> Policy:
        with self._lock:
            cached = self._compiled.get(version_id)
        if cached is not None:
            return cached
        if version_id is None:
            policy = compile_policy({})
        else:
            row = session.get(PolicyVersion, version_id)
            if row is None:
                raise NotFound(f"policy version {version_id} does not exist", "version")
            policy = compile_policy(row.document)
        with self._lock:
            self._compiled[version_id] = policy
        return policy


@dataclass
class App:
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    policies: PolicyCache = field(default_factory=PolicyCache)
    listeners: list[Callable[[], None]] = field(default_factory=list)
    readers: sessionmaker[Session] = field(init=False)
    _writing: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.readers = make_read_sessions(self.engine)

    def reading(self) -> Session:
        """A session for reads only; on SQLite it never waits for the writer."""
        return self.readers()

    @classmethod
    def from_settings(cls, settings: Settings) -> App:
        engine = make_engine(settings.database_url)
        return cls.from_engine(engine)

    @classmethod
    def from_engine(cls, engine: Engine, clock: Clock | None = None) -> App:
        return cls(
            engine=engine,
            sessions=make_sessions(engine),
            clock=clock or clock_for(make_read_sessions(engine)),
        )

    @contextmanager
    def transaction(self, notify: bool = True) -> Iterator[Session]:
        """One use case, one transaction; listeners (the worker) hear after it commits.

        SQLite has one writer: threads of this process queue on a lock here instead of
        sleeping in SQLite's busy handler, whose backoff adds tens of milliseconds.
        """
        with self._write_turn(), self.sessions.begin() as session:
            yield session
        if notify:
            for listener in self.listeners:
                listener()

    @contextmanager
    def _write_turn(self) -> Iterator[None]:
        if is_postgres(self.engine):
            yield
            return
        with self._writing:
            yield

    def refresh_clock(self) -> None:
        """Re-read the clock mode after `db init --sandbox` changed it."""
        self.clock = clock_for(self.readers)
