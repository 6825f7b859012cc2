"""Business calendars: when is the desk open, and how much open time lies between two instants.

Times of day are local wall-clock times in the calendar's time zone; every computation runs on
UTC instants in integer microseconds, so `elapsed(s, add(s, d)) == d` holds exactly.

DST and wall-clock rules (why an hour can go missing):
  * An opening interval is converted to UTC boundary by boundary, so on a DST day it lasts what
    a wall clock shows: a 00:00-24:00 day has 23 h at spring-forward and 25 h at fall-back.
  * A wall time in the spring-forward gap (02:30 in Budapest on the last Sunday of March) does
    not exist; it is taken as the first instant after the gap (03:00 summer time). An interval
    wholly inside the gap is therefore empty.
  * A wall time repeated at fall-back is taken at its first occurrence (fold=0).

Overnight intervals: `22:00-06:00` listed on Monday runs Mon 22:00 -> Tue 06:00 and belongs to
Monday: a Monday holiday closes all of it, a Tuesday holiday none of it.

Precedence for one date: a `closed` entry (closed all day, or open only its own hours) beats a
public holiday (closed), which beats a country's weekend working day (the calendar's ordinary
weekday hours, if the calendar has none that weekday), which beats the weekly hours.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from escalon.core.calendar_hours import (
    ALWAYS,
    CalendarError,
    DayHours,
    WeekHours,
    load_zone,
    parse_config,
    workday_hours,
)

__all__ = ["BusinessCalendar", "CalendarError", "HolidaySource"]

_US = 1_000_000
_DAY_US = 86400 * _US
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO = timedelta(0)
_ONE_US = timedelta(microseconds=1)
_MAX_CLOSED_DAYS = 3660  # give up after ten years without a single open minute
_CACHE_LIMIT = 1 << 15  # cached dates (~90 years); the cache is dropped when it grows past this
_FIRST_ORDINAL = date(2, 1, 1).toordinal()  # keeps local midnight +- offsets representable
_LAST_ORDINAL = date(9998, 12, 31).toordinal()


class HolidaySource(Protocol):
    """Where public holidays come from; the core never imports a holiday package itself."""

    def holidays(self, country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
        """Closed public holidays of the year, bridge days off included."""
        ...

    def working_days(self, country: str, subdivision: str | None, year: int) -> frozenset[date]:
        """Weekend days of the year that the country declares working days."""
        ...


class _Day(NamedTuple):
    """One local date's open time, clipped to [start, end) = local midnight to next midnight.

    Intervals are UTC epoch microseconds, merged and sorted; `cum_start[i]`/`cum_end[i]` are the
    open microseconds of the day before / through interval i, so lookups are one bisect.
    """

    start: int
    end: int
    starts: list[int]
    ends: list[int]
    cum_start: list[int]
    cum_end: list[int]
    total: int


def _naive_us(value: datetime) -> int:
    days = value.toordinal() - _EPOCH_ORDINAL
    seconds = days * 86400 + value.hour * 3600 + value.minute * 60 + value.second
    return seconds * _US + value.microsecond


def _instant_us(value: object, name: str) -> int:
    if not isinstance(value, datetime):
        raise CalendarError(f"expected a datetime, got {type(value).__name__}", name)
    offset = value.utcoffset()
    if offset is None:
        raise CalendarError(f"{value.isoformat()} must be timezone-aware", name)
    return _naive_us(value) - (offset.days * 86400 + offset.seconds) * _US - offset.microseconds


def _utc(us: int) -> datetime:
    seconds, micro = divmod(us, _US)
    return _EPOCH_UTC + timedelta(0, seconds, micro)


def _before(day: _Day, at: int) -> int:
    """Open microseconds of `day` before `at` (which lies within the day)."""
    _, _, starts, ends, cum_start, cum_end, _ = day  # unpacking beats attribute access
    i = bisect_right(starts, at) - 1
    if i < 0:
        return 0
    if at >= ends[i]:
        return cum_end[i]
    return cum_start[i] + at - starts[i]


@dataclass(frozen=True, eq=False)
class BusinessCalendar:
    """Opening hours in one time zone, minus holidays; build it with `from_config`.

    Instances memoize their dates, so share one per configured calendar; equality is identity
    because two calendars with the same rules but different holiday sources are not the same.
    """

    timezone: str
    week: WeekHours = field(repr=False)
    country: str | None = None
    subdivision: str | None = None
    overrides: Mapping[date, DayHours] = field(default_factory=dict, repr=False)
    holiday_source: HolidaySource | None = field(default=None, repr=False)
    name: str = ""
    _zone: ZoneInfo = field(init=False, repr=False)
    _workday: DayHours = field(init=False, repr=False)
    _guess: int = field(init=False, repr=False)  # added to UTC us, floor-divided: a date
    _days: dict[int, _Day] = field(init=False, repr=False, default_factory=dict)
    _years: dict[int, tuple[frozenset[date], frozenset[date]]] = field(
        init=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", load_zone(self.timezone))
        object.__setattr__(self, "_workday", workday_hours(self.week))
        offset = _EPOCH_UTC.astimezone(self._zone).utcoffset() or _ZERO
        object.__setattr__(self, "_guess", offset // _ONE_US + _EPOCH_ORDINAL * _DAY_US)
        if self.country is not None and self.holiday_source is None:
            raise CalendarError(
                f"public holidays of {self.country} need a holiday source", "holidays"
            )

    @classmethod
    def from_config(
        cls, mapping: Mapping[str, Any], *, holidays: HolidaySource | None = None, name: str = ""
    ) -> BusinessCalendar:
        spec = parse_config(mapping)
        return cls(
            spec.timezone,
            spec.week,
            spec.country,
            spec.subdivision,
            spec.overrides,
            holidays if spec.country is not None else None,
            name,
        )

    @classmethod
    @cache  # one shared instance, so its per-date cache is shared too
    def always_open(cls) -> BusinessCalendar:
        """24x7 in UTC: business time equals wall time."""
        return cls("UTC", ALWAYS, name="24x7")

    # -- public queries -------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which `duration` of open time has passed since `start`.

        A target met exactly at a closing time is due then (12:00, not 13:00 after lunch).
        A zero duration returns `start` itself, even when closed (as a UTC datetime).
        """
        now = _instant_us(start, "start")
        if not isinstance(duration, timedelta):
            raise CalendarError(f"expected a timedelta, got {type(duration).__name__}", "duration")
        need = (duration.days * 86400 + duration.seconds) * _US + duration.microseconds
        if need <= 0:
            if need < 0:
                raise CalendarError(f"{duration} is negative", "duration")
            return _utc(now)
        ordinal, day = self._locate(now)
        days = self._days
        closed_run = 0
        while True:
            day_start, _, starts, _, cum_start, cum_end, total = day
            if total:
                done = _before(day, now) if now > day_start else 0
                left = total - done
                if need <= left:
                    target = done + need
                    j = bisect_left(cum_end, target)  # left: a target met at a close stays there
                    return _utc(starts[j] + target - cum_start[j])
                need -= left
                closed_run = 0
            else:
                closed_run += 1
                if closed_run > _MAX_CLOSED_DAYS:
                    raise CalendarError("no open time within ten years", "hours")
            ordinal += 1
            day = days.get(ordinal) or self._day(ordinal)
            now = day.start

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time in [start, end). An end before the start is refused, not read as zero,
        because it means the caller mixed up its instants."""
        first = _instant_us(start, "start")
        last = _instant_us(end, "end")
        if last <= first:
            if last < first:
                raise CalendarError(f"{end.isoformat()} is before start", "end")
            return _ZERO
        ordinal, day = self._locate(first)
        if last < day.end:
            return timedelta(microseconds=_before(day, last) - _before(day, first))
        total = day.total - _before(day, first)
        days = self._days
        ordinal += 1
        day = days.get(ordinal) or self._day(ordinal)
        while last >= day.end:
            total += day.total
            ordinal += 1
            day = days.get(ordinal) or self._day(ordinal)
        return timedelta(microseconds=total + _before(day, last))

    def is_open(self, at: datetime) -> bool:
        now = _instant_us(at, "at")
        _, day = self._locate(now)
        i = bisect_right(day.starts, now) - 1
        return i >= 0 and now < day.ends[i]

    def open_until(self, at: datetime) -> datetime:
        """The end of the open interval holding `at`; `at` itself (in UTC) when closed."""
        now = _instant_us(at, "at")
        _, day = self._locate(now)
        i = bisect_right(day.starts, now) - 1
        return _utc(day.ends[i] if i >= 0 and now < day.ends[i] else now)

    def next_open(self, at: datetime) -> datetime:
        """The first open instant at or after `at` (`at` itself, in UTC, if open now)."""
        now = _instant_us(at, "at")
        ordinal, day = self._locate(now)
        for _ in range(_MAX_CLOSED_DAYS):
            i = bisect_right(day.starts, now)
            if i and now < day.ends[i - 1]:
                return _utc(now)
            if i < len(day.starts):
                return _utc(day.starts[i])
            ordinal += 1
            day = self._day(ordinal)
            now = day.start
        raise CalendarError("no open time within ten years", "hours")

    # -- per-date precomputation ----------------------------------------------------------

    def _locate(self, us: int) -> tuple[int, _Day]:
        """The local date whose [midnight, next midnight) holds `us`.

        The guess uses one fixed UTC offset of the zone; it is off by a day only near
        midnight in the other season, and the loops settle that against the exact bounds.
        """
        ordinal = (us + self._guess) // _DAY_US
        day = self._days.get(ordinal) or self._day(ordinal)
        while us < day.start:
            ordinal -= 1
            day = self._day(ordinal)
        while us >= day.end:
            ordinal += 1
            day = self._day(ordinal)
        return ordinal, day

    def _day(self, ordinal: int) -> _Day:
        day = self._days.get(ordinal)
        if day is None:
            if len(self._days) >= _CACHE_LIMIT:
                self._days.clear()
            day = self._days[ordinal] = self._build_day(ordinal)
        return day

    def _build_day(self, ordinal: int) -> _Day:
        if not _FIRST_ORDINAL <= ordinal <= _LAST_ORDINAL:
            raise CalendarError("outside the supported dates (years 2 to 9998)")
        lo = self._wall_us(datetime.fromordinal(ordinal))
        hi = self._wall_us(datetime.fromordinal(ordinal + 1))
        pieces = sorted(
            (max(s, lo), min(e, hi))
            for s, e in self._owned(ordinal - 1) + self._owned(ordinal)
            if min(e, hi) > max(s, lo)
        )
        starts: list[int] = []
        ends: list[int] = []
        for s, e in pieces:
            if ends and s <= ends[-1]:  # touching or overlapping: one interval
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        cum_start: list[int] = []
        cum_end: list[int] = []
        total = 0
        for s, e in zip(starts, ends, strict=True):
            cum_start.append(total)
            total += e - s
            cum_end.append(total)
        return _Day(lo, hi, starts, ends, cum_start, cum_end, total)

    def _owned(self, ordinal: int) -> list[tuple[int, int]]:
        """UTC bounds of the intervals that start on this local date (may end the next day)."""
        midnight = datetime.fromordinal(ordinal)
        return [
            (
                self._wall_us(midnight + timedelta(minutes=s)),
                self._wall_us(midnight + timedelta(minutes=e)),
            )
            for s, e in self._hours_on(midnight.date())
        ]

    def _hours_on(self, day: date) -> DayHours:
        hours = self.overrides.get(day)
        if hours is not None:
            return hours
        hours = self.week[day.weekday()]
        if self.country is None:
            return hours
        closed, working = self._year(day.year)
        if day in closed:
            return ()
        if not hours and day in working:
            return self._workday
        return hours

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        got = self._years.get(year)
        if got is None:
            source, country = self.holiday_source, self.country
            assert source is not None and country is not None
            closed = frozenset(source.holidays(country, self.subdivision, year))
            working = frozenset(source.working_days(country, self.subdivision, year))
            got = self._years[year] = (closed, working - closed)
        return got

    def _wall_us(self, wall: datetime) -> int:
        """UTC microseconds of a local wall time: fold=0 when repeated, gap end when missing."""
        zone = self._zone
        offset = wall.replace(tzinfo=zone).utcoffset()
        assert offset is not None
        utc = wall - offset
        if utc.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None) == wall:
            return _naive_us(utc)
        # In a gap fold=0 and fold=1 give the offsets either side of the jump; the jump
        # itself lies between the two readings, so bisect for it (tz data is whole seconds).
        other = wall.replace(tzinfo=zone, fold=1).utcoffset()
        assert other is not None
        a, b = _naive_us(wall - other) // _US, _naive_us(utc) // _US
        lo, hi = min(a, b), max(a, b)
        before = self._offset_at(lo)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._offset_at(mid) == before:
                lo = mid
            else:
                hi = mid
        return hi * _US

    def _offset_at(self, seconds: int) -> timedelta | None:
        return _utc(seconds * _US).astimezone(self._zone).utcoffset()
