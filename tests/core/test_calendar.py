"""BusinessCalendar: explicit instants first, then properties over DST dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalon.core.calendar import BusinessCalendar, CalendarError

BUDAPEST = ZoneInfo("Europe/Budapest")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)


class FakeHolidays:
    """A HolidaySource from fixed dates, so tests/core needs no holiday package."""

    def __init__(self, closed: Mapping[date, str] = {}, working: frozenset[date] = frozenset()):
        self.closed = dict(closed)
        self.working = working
        self.calls: list[tuple[str, str | None, int]] = []

    def holidays(self, country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
        self.calls.append((country, subdivision, year))
        return {d: n for d, n in self.closed.items() if d.year == year}

    def working_days(self, country: str, subdivision: str | None, year: int) -> frozenset[date]:
        return frozenset(d for d in self.working if d.year == year)


class EveryDayHoliday:
    def holidays(self, country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
        first = date(year, 1, 1).toordinal()
        return {
            date.fromordinal(o): "closed" for o in range(first, date(year, 12, 31).toordinal() + 1)
        }

    def working_days(self, country: str, subdivision: str | None, year: int) -> frozenset[date]:
        return frozenset()


HU_FAKE = FakeHolidays(
    {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 1, 2): "Bridge day",
        date(2026, 3, 16): "Holiday on a Monday",
    },
    frozenset({date(2026, 1, 10)}),  # a Saturday worked in exchange for the bridge day
)
OFFICE_CONFIG: dict[str, Any] = {
    "timezone": "Europe/Budapest",
    "hours": {"mon-fri": ["09:00-12:00", "13:00-17:00"]},
    "holidays": {"country": "HU"},
    "closed": ["2026-01-14", {"date": "2026-01-15", "hours": ["09:00-12:00"]}],
}
OFFICE = BusinessCalendar.from_config(OFFICE_CONFIG, holidays=HU_FAKE, name="office")


def bud(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=BUDAPEST)


def nyc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=NEW_YORK)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def calendar(hours: Any, zone: str = "Europe/Budapest", **more: Any) -> BusinessCalendar:
    return BusinessCalendar.from_config({"timezone": zone, "hours": hours, **more})


# -- office hours: Budapest Mon–Fri 09:00–12:00, 13:00–17:00 -------------------------------

ADD_CASES = [
    (
        "target reached exactly at 12:00 is due at 12:00",
        bud(2026, 1, 5, 9),
        3 * H,
        bud(2026, 1, 5, 12),
    ),
    ("crossing lunch skips 12:00-13:00", bud(2026, 1, 5, 11), 2 * H, bud(2026, 1, 5, 14)),
    ("start during lunch waits for 13:00", bud(2026, 1, 5, 12, 30), H, bud(2026, 1, 5, 14)),
    ("start before opening waits for 09:00", bud(2026, 1, 5, 7), 30 * M, bud(2026, 1, 5, 9, 30)),
    ("due exactly at Friday close stays Friday", bud(2026, 1, 16, 16), H, bud(2026, 1, 16, 17)),
    ("crossing a weekend", bud(2026, 1, 16, 16), 2 * H, bud(2026, 1, 19, 10)),
    ("start on Sunday waits for Monday", bud(2026, 1, 18, 10), H, bud(2026, 1, 19, 10)),
    ("holiday and bridge day are skipped", bud(2025, 12, 31, 16), 2 * H, bud(2026, 1, 5, 10)),
    ("working Saturday has weekday hours", bud(2026, 1, 9, 16), 2 * H, bud(2026, 1, 10, 10)),
    ("working Saturday keeps its lunch", bud(2026, 1, 10, 11), 2 * H, bud(2026, 1, 10, 14)),
    ("closed date is skipped", bud(2026, 1, 13, 16), 2 * H, bud(2026, 1, 15, 10)),
    ("partial day opens only its hours", bud(2026, 1, 15, 11), 2 * H, bud(2026, 1, 16, 10)),
    ("five full days end Friday 17:00", bud(2026, 1, 19, 9), 35 * H, bud(2026, 1, 23, 17)),
    (
        "zero duration returns start though closed",
        bud(2026, 1, 17, 10),
        timedelta(0),
        bud(2026, 1, 17, 10),
    ),
    (
        "microseconds are exact",
        bud(2026, 1, 5, 11, 59, 59, 999_999),
        2 * US,
        bud(2026, 1, 5, 13, 0, 0, 1),
    ),
]


@pytest.mark.parametrize(
    ("start", "duration", "due"), [c[1:] for c in ADD_CASES], ids=[c[0] for c in ADD_CASES]
)
def test_office_add_returns_earliest_due_instant(
    start: datetime, duration: timedelta, due: datetime
) -> None:
    result = OFFICE.add(start, duration)
    assert result == due
    assert result.tzinfo is UTC


ELAPSED_CASES = [
    ("a full day is seven hours", bud(2026, 1, 5, 9), bud(2026, 1, 5, 17), 7 * H),
    ("lunch does not count", bud(2026, 1, 5, 11, 30), bud(2026, 1, 5, 13, 30), H),
    ("a weekend does not count", bud(2026, 1, 16, 16), bud(2026, 1, 19, 10), 2 * H),
    ("holiday and bridge day do not count", bud(2025, 12, 31, 9), bud(2026, 1, 5, 9), 7 * H),
    ("working Saturday counts", bud(2026, 1, 9, 9), bud(2026, 1, 12, 9), 14 * H),
    ("partial day counts its hours only", bud(2026, 1, 15, 0), bud(2026, 1, 16, 0), 3 * H),
    ("closed date counts nothing", bud(2026, 1, 14, 0), bud(2026, 1, 15, 0), timedelta(0)),
    ("Sunday counts nothing", bud(2026, 1, 18, 0), bud(2026, 1, 19, 0), timedelta(0)),
    ("same instant is zero", bud(2026, 1, 5, 10), bud(2026, 1, 5, 10), timedelta(0)),
    ("end is excluded", bud(2026, 1, 5, 11), bud(2026, 1, 5, 12), H),
    ("a four-week span", bud(2026, 2, 2, 0), bud(2026, 3, 2, 0), 20 * 7 * H),
    ("any input zone gives the same", utc(2026, 1, 5, 8), nyc(2026, 1, 5, 6), 3 * H),
]


@pytest.mark.parametrize(
    ("start", "end", "expected"), [c[1:] for c in ELAPSED_CASES], ids=[c[0] for c in ELAPSED_CASES]
)
def test_office_elapsed_counts_open_time_only(
    start: datetime, end: datetime, expected: timedelta
) -> None:
    assert OFFICE.elapsed(start, end) == expected


OPEN_CASES = [
    ("opening instant is open", bud(2026, 1, 5, 9), True),
    ("closing instant is closed", bud(2026, 1, 5, 12), False),
    ("last microsecond before closing is open", bud(2026, 1, 5, 11, 59, 59, 999_999), True),
    ("lunch is closed", bud(2026, 1, 5, 12, 30), False),
    ("Saturday is closed", bud(2026, 1, 17, 10), False),
    ("working Saturday is open", bud(2026, 1, 10, 10), True),
    ("working Saturday lunch is closed", bud(2026, 1, 10, 12, 30), False),
    ("public holiday is closed", bud(2026, 1, 1, 10), False),
    ("bridge day is closed", bud(2026, 1, 2, 10), False),
    ("closed date is closed", bud(2026, 1, 14, 10), False),
    ("partial day is open in its hours", bud(2026, 1, 15, 10), True),
    ("partial day is closed outside its hours", bud(2026, 1, 15, 14), False),
]


@pytest.mark.parametrize(
    ("at", "expected"), [c[1:] for c in OPEN_CASES], ids=[c[0] for c in OPEN_CASES]
)
def test_office_is_open(at: datetime, expected: bool) -> None:
    assert OFFICE.is_open(at) is expected


NEXT_OPEN_CASES = [
    ("open now returns the same instant", bud(2026, 1, 5, 10, 17), bud(2026, 1, 5, 10, 17)),
    ("closing time returns the next opening", bud(2026, 1, 5, 12), bud(2026, 1, 5, 13)),
    ("Friday evening returns Monday", bud(2026, 1, 16, 17), bud(2026, 1, 19, 9)),
    ("New Year's Eve evening skips holidays", bud(2025, 12, 31, 17), bud(2026, 1, 5, 9)),
    ("Friday before working Saturday returns Saturday", bud(2026, 1, 9, 18), bud(2026, 1, 10, 9)),
]


@pytest.mark.parametrize(
    ("at", "expected"), [c[1:] for c in NEXT_OPEN_CASES], ids=[c[0] for c in NEXT_OPEN_CASES]
)
def test_office_next_open(at: datetime, expected: datetime) -> None:
    result = OFFICE.next_open(at)
    assert result == expected
    assert result.tzinfo is UTC


def test_holiday_source_is_asked_once_per_year() -> None:
    source = FakeHolidays({date(2026, 5, 1): "Labour Day"})
    cal = BusinessCalendar.from_config(OFFICE_CONFIG, holidays=source)
    for day in range(1, 29):
        cal.is_open(bud(2026, 5, day, 10))
        cal.add(bud(2026, 5, day, 10), 20 * H)
    assert sorted(set(source.calls)) == [("HU", None, 2026)]
    assert len(source.calls) == 1


# -- overnight intervals -------------------------------------------------------------------

NIGHTS = BusinessCalendar.from_config(
    {
        "timezone": "Europe/Budapest",
        "hours": {"mon-fri": ["22:00-06:00"]},
        "holidays": {"country": "HU"},
    },
    holidays=FakeHolidays(
        {date(2026, 2, 4): "Wednesday holiday", date(2026, 2, 9): "Monday holiday"}
    ),
)

NIGHT_OPEN_CASES = [
    ("Monday night runs into Tuesday", bud(2026, 2, 3, 2), True),
    ("Monday small hours belong to Sunday night", bud(2026, 2, 2, 2), False),
    ("Friday night runs into Saturday", bud(2026, 2, 7, 3), True),
    ("Saturday night is closed", bud(2026, 2, 8, 3), False),
    ("night before a holiday stays open past midnight", bud(2026, 2, 4, 2), True),
    ("the holiday's own night is closed", bud(2026, 2, 4, 23), False),
    ("holiday night is closed after midnight too", bud(2026, 2, 5, 2), False),
    ("Monday holiday closes its night", bud(2026, 2, 9, 23), False),
    ("Monday holiday night stays closed on Tuesday", bud(2026, 2, 10, 3), False),
    ("six o'clock is closing time", bud(2026, 2, 3, 6), False),
]


@pytest.mark.parametrize(
    ("at", "expected"), [c[1:] for c in NIGHT_OPEN_CASES], ids=[c[0] for c in NIGHT_OPEN_CASES]
)
def test_overnight_interval_belongs_to_the_day_it_starts(at: datetime, expected: bool) -> None:
    assert NIGHTS.is_open(at) is expected


def test_overnight_add_reaching_six_is_due_at_six() -> None:
    assert NIGHTS.add(bud(2026, 2, 2, 21), 8 * H) == bud(2026, 2, 3, 6)


def test_overnight_add_continues_next_night() -> None:
    assert NIGHTS.add(bud(2026, 2, 2, 23), 8 * H) == bud(2026, 2, 3, 23)


def test_overnight_week_counts_each_night_once() -> None:
    # Mon–Fri nights of 8 h, less the Wednesday holiday's night.
    assert NIGHTS.elapsed(bud(2026, 2, 2), bud(2026, 2, 9)) == 32 * H


@pytest.mark.parametrize(
    ("night", "expected"),
    [(date(2026, 3, 28), 7 * H), (date(2026, 10, 24), 9 * H), (date(2026, 3, 21), 8 * H)],
    ids=["spring forward loses an hour", "fall back gains an hour", "ordinary night"],
)
def test_overnight_interval_across_dst(night: date, expected: timedelta) -> None:
    cal = calendar({"mon-sun": ["22:00-06:00"]})
    start = bud(night.year, night.month, night.day, 12)
    assert cal.elapsed(start, start + timedelta(days=1)) == expected


# -- always open ---------------------------------------------------------------------------


def test_always_open_counts_wall_time() -> None:
    cal = BusinessCalendar.always_open()
    start = nyc(2026, 3, 7, 12)
    assert cal.timezone == "UTC"
    assert cal.is_open(start)
    assert cal.next_open(start) == start
    assert cal.add(start, 120 * H) == start.astimezone(UTC) + 120 * H  # real hours
    assert cal.elapsed(start, nyc(2026, 3, 9, 12)) == 47 * H  # New York lost an hour


def test_24x7_local_calendar_respects_closed_dates_and_dst() -> None:
    cal = calendar("24x7", closed=["2026-03-30", {"date": "2026-03-31", "hours": ["10:00-11:00"]}])
    assert cal.elapsed(bud(2026, 3, 29), bud(2026, 3, 30)) == 23 * H
    assert cal.elapsed(bud(2026, 3, 29), bud(2026, 4, 1)) == 24 * H
    assert cal.add(bud(2026, 3, 29, 23), 2 * H) == bud(2026, 3, 31, 11)
    assert not cal.is_open(bud(2026, 3, 30, 12))


# -- DST ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("Europe/Budapest", date(2026, 3, 29), 23),
        ("Europe/Budapest", date(2026, 10, 25), 25),
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("America/New_York", date(2026, 7, 1), 24),
    ],
)
def test_whole_day_lasts_what_the_wall_clock_shows(zone: str, day: date, hours: int) -> None:
    cal = calendar({"mon-sun": ["00:00-24:00"]}, zone)
    tz = ZoneInfo(zone)
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    assert cal.elapsed(midnight, next_midnight) == hours * H
    assert cal.add(midnight, hours * H) == next_midnight


def test_opening_inside_spring_gap_opens_when_the_gap_ends() -> None:
    cal = calendar({"mon-sun": ["02:30-04:00"]})
    assert cal.next_open(bud(2026, 3, 29, 0)) == utc(2026, 3, 29, 1)  # 03:00 summer time
    assert cal.elapsed(bud(2026, 3, 29, 0), bud(2026, 3, 29, 12)) == H


def test_interval_wholly_inside_spring_gap_is_empty() -> None:
    cal = calendar({"mon-sun": ["02:10-02:50"]})
    assert cal.elapsed(bud(2026, 3, 29, 0), bud(2026, 3, 30, 0)) == timedelta(0)
    assert cal.next_open(bud(2026, 3, 29, 0)) == bud(2026, 3, 30, 2, 10)


def test_repeated_wall_time_at_fall_back_takes_first_occurrence() -> None:
    cal = calendar({"mon-sun": ["02:30-04:00"]})
    assert cal.next_open(bud(2026, 10, 25, 0)) == utc(2026, 10, 25, 0, 30)  # 02:30 summer time
    assert cal.elapsed(bud(2026, 10, 25, 0), bud(2026, 10, 25, 12)) == 2 * H + 30 * M
    ny = calendar({"mon-sun": ["01:30-02:30"]}, "America/New_York")
    assert ny.elapsed(nyc(2026, 11, 1, 0), nyc(2026, 11, 1, 12)) == 2 * H


def test_new_york_business_hours_across_spring_forward_weekend() -> None:
    cal = calendar({"mon-fri": ["09:00-17:00"]}, "America/New_York")
    assert cal.add(nyc(2026, 3, 6, 16), 2 * H) == utc(2026, 3, 9, 14)  # Monday 10:00 EDT
    assert (
        cal.elapsed(utc(2026, 3, 6, 21), utc(2026, 3, 9, 13)) == H
    )  # Fri 16:00 EST..Mon 09:00 EDT


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: OFFICE.add(datetime(2026, 1, 5, 9), H), "start"),
        (lambda: OFFICE.elapsed(datetime(2026, 1, 5, 9), bud(2026, 1, 5, 10)), "start"),
        (lambda: OFFICE.elapsed(bud(2026, 1, 5, 9), datetime(2026, 1, 5, 10)), "end"),
        (lambda: OFFICE.is_open(datetime(2026, 1, 5, 9)), "at"),
        (lambda: OFFICE.next_open(datetime(2026, 1, 5, 9)), "at"),
    ],
    ids=["add", "elapsed start", "elapsed end", "is_open", "next_open"],
)
def test_naive_datetime_is_refused(call: Any, field: str) -> None:
    with pytest.raises(CalendarError, match="timezone-aware") as info:
        call()
    assert info.value.field == field


def test_negative_duration_is_refused() -> None:
    with pytest.raises(CalendarError) as info:
        OFFICE.add(bud(2026, 1, 5, 9), -US)
    assert info.value.field == "duration"


def test_end_before_start_is_refused_not_zero() -> None:
    with pytest.raises(CalendarError) as info:
        OFFICE.elapsed(bud(2026, 1, 5, 10), bud(2026, 1, 5, 9))
    assert info.value.field == "end"


def test_calendar_never_open_gives_up_instead_of_looping() -> None:
    config = {key: OFFICE_CONFIG[key] for key in ("timezone", "hours", "holidays")}
    cal = BusinessCalendar.from_config(config, holidays=EveryDayHoliday())
    with pytest.raises(CalendarError, match="no open time"):
        cal.add(bud(2026, 1, 5, 9), H)
    with pytest.raises(CalendarError, match="no open time"):
        cal.next_open(bud(2026, 1, 5, 9))


def _hours(**days: Any) -> dict[str, Any]:
    return {"timezone": "Europe/Budapest", "hours": days}


BAD_CONFIGS = [
    (
        _hours(**{"mon-fri": ["09:00-12:00", "13:00-1700"]}),
        "hours.mon-fri[1]",
        "'13:00-1700' is not an interval HH:MM-HH:MM",
    ),
    ({"timezone": "Europe/Budapest"}, "hours", "missing"),
    (_hours(mon=["09:00-12:00", "11:00-13:00"]), "hours.mon[1]", "overlaps"),
    (
        _hours(**{"mon-fri": ["09:00-17:00"], "fri": ["09:00-12:00"]}),
        "hours.fri",
        "fri is already given by 'mon-fri'",
    ),
    (_hours(**{"mon-fry": ["09:00-17:00"]}), "hours.mon-fry", "is not a day"),
    (_hours(mon=["09:00-25:00"]), "hours.mon[0]", "outside 00:00-24:00"),
    (_hours(mon=["09:00-09:00"]), "hours.mon[0]", "empty"),
    (_hours(mon=["22:00-06:00"], tue=["05:00-08:00"]), "hours.tue", "overlaps mon 22:00-06:00"),
    (_hours(mon=[]), "hours", "no opening hours"),
    ({"timezone": "Europe/Budapest", "hours": "24/7"}, "hours", "'24x7'"),
    ({"timezone": "Europe/Budapst", "hours": "24x7"}, "timezone", "unknown time zone"),
    ({"hours": "24x7"}, "timezone", "IANA"),
    ({"timezone": "UTC", "hours": "24x7", "closed": ["2026-13-01"]}, "closed[0]", "not a date"),
    (
        {"timezone": "UTC", "hours": "24x7", "closed": ["2026-12-24", date(2026, 12, 24)]},
        "closed[1]",
        "listed twice",
    ),
    (
        {"timezone": "UTC", "hours": "24x7", "closed": [{"date": "2026-12-31", "hours": ["9-12"]}]},
        "closed[0].hours[0]",
        "not an interval",
    ),
    (
        {"timezone": "UTC", "hours": "24x7", "closed": [{"day": "2026-12-31"}]},
        "closed[0]",
        "unknown key 'day'",
    ),
    (
        {"timezone": "UTC", "hours": "24x7", "holidays": {"country": "Hungary"}},
        "holidays.country",
        "country code",
    ),
    (
        {"timezone": "UTC", "hours": "24x7", "holidays": {"country": "HU"}},
        "holidays",
        "holiday source",
    ),
    ({"timezone": "UTC", "hours": "24x7", "timezon": "UTC"}, "timezon", "unknown key"),
]


@pytest.mark.parametrize(
    ("config", "field", "message"), BAD_CONFIGS, ids=[c[1] + ": " + c[2] for c in BAD_CONFIGS]
)
def test_bad_config_error_names_the_field(config: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(CalendarError) as info:
        BusinessCalendar.from_config(config)
    assert info.value.field == field
    assert message in str(info.value)
    assert str(info.value).startswith(f"{field}: ")
    assert isinstance(info.value, ValueError)


def test_bad_interval_message_reads_as_documented() -> None:
    with pytest.raises(CalendarError) as info:
        BusinessCalendar.from_config(_hours(**{"mon-fri": ["09:00-12:00", "13:00-1700"]}))
    assert str(info.value) == "hours.mon-fri[1]: '13:00-1700' is not an interval HH:MM-HH:MM"


def test_config_accepts_yaml_dates_ranges_and_single_strings() -> None:
    cal = BusinessCalendar.from_config(
        {
            "timezone": "Europe/Budapest",
            "hours": {"fri-mon": "10:00-14:00", "Wed": ["09:00-12:00"]},
            "closed": [date(2026, 1, 9), {"date": date(2026, 1, 12)}],
        }
    )
    assert cal.is_open(bud(2026, 1, 10, 11))  # Saturday inside the wrapping range
    assert not cal.is_open(bud(2026, 1, 6, 11))  # Tuesday not in any range
    assert not cal.is_open(bud(2026, 1, 9, 11))  # closed Friday
    assert not cal.is_open(bud(2026, 1, 12, 11))  # closed Monday, mapping without hours


# -- properties ----------------------------------------------------------------------------

PROPERTY_CALENDARS = {
    "budapest": BusinessCalendar.from_config(
        {
            "timezone": "Europe/Budapest",
            "hours": {
                "mon-fri": ["09:00-12:00", "13:00-17:00"],
                "sun": ["02:30-03:30", "22:00-02:15"],  # in the DST hour, and overnight
            },
            "holidays": {"country": "HU"},
            "closed": ["2026-10-26", {"date": "2026-03-27", "hours": ["02:00-03:00"]}],
        },
        holidays=FakeHolidays({date(2026, 3, 30): "holiday"}, frozenset({date(2026, 3, 28)})),
    ),
    "new_york": calendar(
        {
            "mon-fri": ["08:00-18:00"],
            "sat": ["12:00-14:00"],
            "sun": ["00:30-01:30", "01:45-02:45", "23:00-00:10"],
        },
        "America/New_York",
    ),
    "24x7_budapest": calendar("24x7", closed=["2026-10-24"]),
    "24x7_utc": BusinessCalendar.always_open(),
}
DST_INSTANTS = [
    utc(2026, 3, 29, 1),  # Budapest spring forward
    utc(2026, 10, 25, 1),  # Budapest fall back
    utc(2026, 3, 8, 7),  # New York spring forward
    utc(2026, 11, 1, 6),  # New York fall back
]
ZONES = [UTC, BUDAPEST, NEW_YORK]
DAY_US = 86_400_000_000


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """Around DST changes, sometimes snapped to the quarter hour to hit boundaries exactly."""
    base = draw(st.sampled_from(DST_INSTANTS))
    offset = draw(st.integers(-4 * DAY_US, 4 * DAY_US))
    if draw(st.booleans()):
        offset -= offset % (15 * 60_000_000)
    return (base + timedelta(microseconds=offset)).astimezone(draw(st.sampled_from(ZONES)))


durations = st.one_of(
    st.integers(0, 3 * DAY_US).map(lambda us: timedelta(microseconds=us)),
    st.integers(0, 240).map(lambda quarters: quarters * 15 * M),
)
calendars = pytest.mark.parametrize("name", sorted(PROPERTY_CALENDARS))
fast = settings(max_examples=250, deadline=None)


@calendars
@fast
@given(start=instants(), duration=durations)
def test_elapsed_inverts_add_exactly(name: str, start: datetime, duration: timedelta) -> None:
    cal = PROPERTY_CALENDARS[name]
    assert cal.elapsed(start, cal.add(start, duration)) == duration


@calendars
@fast
@given(start=instants(), first=durations, second=durations)
def test_add_is_monotonic_in_duration(
    name: str, start: datetime, first: timedelta, second: timedelta
) -> None:
    cal = PROPERTY_CALENDARS[name]
    short, long = sorted((first, second))
    assert start <= cal.add(start, short) <= cal.add(start, long)


@calendars
@fast
@given(start=instants(), duration=durations)
def test_add_never_lands_inside_a_closed_period(
    name: str, start: datetime, duration: timedelta
) -> None:
    cal = PROPERTY_CALENDARS[name]
    due = cal.add(start, duration)
    if duration and due > start:
        assert cal.is_open(due - US)  # so `due` is open or the end of an open interval


@calendars
@fast
@given(a=instants(), b=instants(), c=instants())
def test_elapsed_is_additive(name: str, a: datetime, b: datetime, c: datetime) -> None:
    cal = PROPERTY_CALENDARS[name]
    a, b, c = sorted((a, b, c), key=lambda t: t.astimezone(UTC))  # same-zone < ignores fold
    assert cal.elapsed(a, c) == cal.elapsed(a, b) + cal.elapsed(b, c)


@calendars
@fast
@given(at=instants())
def test_is_open_and_next_open_agree_with_elapsed(name: str, at: datetime) -> None:
    cal = PROPERTY_CALENDARS[name]
    assert cal.is_open(at) == (cal.elapsed(at, at.astimezone(UTC) + US) == US)
    opens = cal.next_open(at)
    assert cal.is_open(opens)
    assert cal.elapsed(at, opens) == timedelta(0)
    assert (opens == at.astimezone(UTC)) == cal.is_open(at)  # fold=1 never equals across zones
