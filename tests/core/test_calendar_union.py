"""A union of calendars: open when any part is, business time counted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from escalon.core.calendar import BusinessCalendar
from escalon.core.calendar_union import UnionCalendar

BUDAPEST = BusinessCalendar.from_config(
    {"timezone": "Europe/Budapest", "hours": {"mon-fri": ["09:00-17:00"]}}
)
NEW_YORK = BusinessCalendar.from_config(
    {"timezone": "America/New_York", "hours": {"mon-fri": ["09:00-17:00"]}}
)
SINGAPORE = BusinessCalendar.from_config(
    {"timezone": "Asia/Singapore", "hours": {"mon-fri": ["09:00-18:00"]}}
)
SUN = UnionCalendar((BUDAPEST, NEW_YORK, SINGAPORE), "sun")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_clock_runs_on_in_new_york_when_budapest_closes() -> None:
    # 16:55 in Budapest; New York works 14:00-22:00 UTC, Singapore from 01:00 UTC
    assert SUN.add(utc(2026, 11, 23, 15, 55), timedelta(hours=8)) == utc(2026, 11, 24, 2, 55)
    assert SUN.open_until(utc(2026, 11, 23, 15, 55)) == utc(2026, 11, 23, 22, 0)


def test_overlapping_hours_count_once() -> None:
    # Budapest 08-16 UTC and New York 14-22 UTC overlap for two hours: 14 hours, not 16
    assert SUN.elapsed(utc(2026, 11, 23, 8), utc(2026, 11, 23, 22)) == timedelta(hours=14)


def test_the_weekend_gap_is_closed() -> None:
    saturday = utc(2026, 11, 28, 12)
    assert not SUN.is_open(saturday)
    assert SUN.next_open(saturday) == utc(2026, 11, 30, 1)  # Monday 09:00 in Singapore


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1)),
    st.integers(min_value=0, max_value=200 * 60),
)
def test_adding_then_measuring_gives_the_duration_back(start: datetime, minutes: int) -> None:
    begin = start.replace(tzinfo=UTC)
    duration = timedelta(minutes=minutes)
    assert SUN.elapsed(begin, SUN.add(begin, duration)) == duration
