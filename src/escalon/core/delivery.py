"""When to try a message again, and when to give up on it.

Exponential backoff with jitter: the n-th failed attempt waits `first × factor^(n−1)`,
capped, then a random share of it is taken off so that a storm of failures against one
server does not come back as a storm of retries at the same instant. The random draw is
passed in, so the rule stays a function of its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"  # due at next_attempt_at (first try or a retry)
    SENDING = "sending"  # claimed by a worker until next_attempt_at (its lease)
    SENT = "sent"
    DEAD = "dead"  # attempts exhausted: a dead letter, retryable by a manager
    CANCELLED = "cancelled"  # no longer applies (acknowledged, resolved)


#: States in which a message still has to go, and may be claimed when due.
OUTSTANDING = frozenset({State.PENDING, State.SENDING})

#: How long a message may wait for others to the same recipient and channel, so that a
#: storm of breaches arrives as one digest instead of hundreds of messages.
DIGEST_WINDOW = timedelta(minutes=1)


def held_until(created_at: datetime, priority: int, window: timedelta = DIGEST_WINDOW) -> datetime:
    """When a new message is first due: a P1's at once, the others after the window.

    A P1 first notice is therefore never held back at all; anything else is held at most
    one window, in which the messages for the same recipient gather into one digest.
    """
    return created_at if priority == 1 else created_at + window


@dataclass(frozen=True)
class Retry:
    first: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)
    attempts: int = 8
    jitter: float = 0.5  # at most this share of the wait is taken off at random
    lease: timedelta = timedelta(minutes=2)  # a claimed message is claimed again after this

    def wait(self, failed: int, draw: float) -> timedelta:
        """The wait after the `failed`-th failed attempt; `draw` is uniform in [0, 1)."""
        if failed < 1:
            raise ValueError("the wait follows a failed attempt (failed >= 1)")
        seconds = min(
            self.first.total_seconds() * self.factor ** (failed - 1), self.cap.total_seconds()
        )
        return timedelta(seconds=seconds * (1 - self.jitter * draw))


@dataclass(frozen=True)
class Delivery:
    """A policy's delivery settings: the storm window and how hard to retry."""

    window: timedelta = DIGEST_WINDOW
    retry: Retry = Retry()


@dataclass(frozen=True)
class Outcome:
    state: State
    next_attempt_at: datetime | None


def after_attempt(retry: Retry, attempts: int, ok: bool, now: datetime, draw: float) -> Outcome:
    """The message's state after its `attempts`-th attempt (counted including this one)."""
    if ok:
        return Outcome(State.SENT, None)
    if attempts >= retry.attempts:
        return Outcome(State.DEAD, None)
    return Outcome(State.PENDING, now + retry.wait(attempts, draw))
