"""The `holidays` package behind BusinessCalendar: real Hungarian and German dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalon.core.calendar import CalendarError
from escalon.holiday_source import PackageHolidaySource, load_calendar

BUDAPEST = ZoneInfo("Europe/Budapest")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
HU_OFFICE = load_calendar(
    {
        "timezone": "Europe/Budapest",
        "hours": {"mon-fri": ["09:00-12:00", "13:00-17:00"]},
        "holidays": {"country": "HU"},
    },
    name="hu-office",
)


def bud(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=BUDAPEST)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (bud(2026, 1, 10, 9), True),
        (bud(2026, 1, 10, 11, 59), True),
        (bud(2026, 1, 10, 12, 30), False),
        (bud(2026, 1, 10, 16, 59), True),
        (bud(2026, 1, 10, 17), False),
        (bud(2026, 1, 17, 10), False),
    ],
    ids=["09:00", "11:59", "lunch", "16:59", "17:00", "ordinary Saturday"],
)
def test_hungarian_working_saturday_has_weekday_hours(at: datetime, expected: bool) -> None:
    assert HU_OFFICE.is_open(at) is expected


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 1), date(2026, 1, 2), date(2026, 12, 24), date(2026, 12, 25)],
    ids=["new year", "bridge day", "christmas eve", "christmas"],
)
def test_hungarian_holidays_and_bridge_day_are_closed(day: date) -> None:
    start = datetime(day.year, day.month, day.day, tzinfo=BUDAPEST)
    assert not HU_OFFICE.is_open(start + 10 * H)
    assert HU_OFFICE.elapsed(start, start + 24 * H) == timedelta(0)


def test_new_year_deadline_skips_holiday_bridge_day_and_weekend() -> None:
    assert HU_OFFICE.add(bud(2025, 12, 31, 16), 2 * H) == bud(2026, 1, 5, 10)


def test_friday_deadline_runs_into_the_working_saturday() -> None:
    assert HU_OFFICE.add(bud(2026, 1, 9, 16), 2 * H) == bud(2026, 1, 10, 10)


def test_christmas_closure_reopens_on_monday() -> None:
    assert HU_OFFICE.next_open(bud(2026, 12, 23, 17)) == bud(2026, 12, 28, 9)


def test_subdivision_holidays_apply_only_there() -> None:
    hours = {"mon-fri": ["09:00-17:00"]}
    bavaria = load_calendar(
        {
            "timezone": "Europe/Berlin",
            "hours": hours,
            "holidays": {"country": "DE", "subdivision": "BY"},
        }
    )
    berlin = load_calendar(
        {
            "timezone": "Europe/Berlin",
            "hours": hours,
            "holidays": {"country": "DE", "subdivision": "BE"},
        }
    )
    epiphany = datetime(2026, 1, 6, 10, tzinfo=BERLIN)
    assert not bavaria.is_open(epiphany)
    assert berlin.is_open(epiphany)


@pytest.mark.parametrize(
    ("region", "field"),
    [
        ({"country": "XX"}, "holidays.country"),
        ({"country": "DE", "subdivision": "ZZ"}, "holidays.subdivision"),
    ],
)
def test_unknown_region_is_refused_when_loading(region: dict[str, str], field: str) -> None:
    with pytest.raises(CalendarError) as info:
        load_calendar({"timezone": "UTC", "hours": "24x7", "holidays": region})
    assert info.value.field == field


def test_source_reports_bridge_day_and_working_saturdays_for_the_year_only() -> None:
    source = PackageHolidaySource()
    closed = source.holidays("HU", None, 2026)
    working = source.working_days("HU", None, 2026)
    assert date(2026, 1, 2) in closed
    assert date(2026, 1, 10) in working
    assert all(d.year == 2026 for d in closed) and all(d.year == 2026 for d in working)
    assert all(d.weekday() >= 5 for d in working)


def test_source_lookups_are_cached() -> None:
    source = PackageHolidaySource()
    assert source.holidays("HU", None, 2027) is PackageHolidaySource().holidays("HU", None, 2027)


def test_results_are_utc() -> None:
    assert HU_OFFICE.add(bud(2026, 1, 5, 9), H).tzinfo is UTC
