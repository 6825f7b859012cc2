"""Retry rules for the outbox: backoff, jitter, cap and dead letters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalon.core.delivery import Retry, State, after_attempt

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("failed", "draw", "wait"),
    [
        (1, 0.0, 30 * S),
        (2, 0.0, 60 * S),
        (3, 0.0, 120 * S),
        (1, 0.999999, 15 * S),
        (8, 0.0, 3600 * S),  # 30 s × 2^7 = 64 min, capped at an hour
        (20, 0.0, 3600 * S),
    ],
)
def test_wait_doubles_from_thirty_seconds_up_to_an_hour(failed, draw, wait) -> None:
    assert Retry().wait(failed, draw) == pytest.approx(wait, abs=timedelta(milliseconds=1))


@given(st.integers(1, 30), st.floats(0, 1, exclude_max=True))
def test_jitter_takes_off_at_most_half_and_never_adds(failed: int, draw: float) -> None:
    retry = Retry()
    bare = retry.wait(failed, 0.0)
    assert bare / 2 <= retry.wait(failed, draw) <= bare


def test_a_success_is_sent_and_leaves_the_queue() -> None:
    outcome = after_attempt(Retry(), 3, True, NOW, 0.5)
    assert (outcome.state, outcome.next_attempt_at) == (State.SENT, None)


def test_a_failure_waits_then_the_last_attempt_makes_a_dead_letter() -> None:
    retry = Retry(attempts=3)
    first = after_attempt(retry, 1, False, NOW, 0.0)
    assert (first.state, first.next_attempt_at) == (State.PENDING, NOW + 30 * S)
    second = after_attempt(retry, 2, False, NOW, 0.0)
    assert second.next_attempt_at == NOW + 60 * S
    last = after_attempt(retry, 3, False, NOW, 0.0)
    assert (last.state, last.next_attempt_at) == (State.DEAD, None)


def test_a_wait_before_any_failure_is_an_error() -> None:
    with pytest.raises(ValueError, match="failed >= 1"):
        Retry().wait(0, 0.0)
