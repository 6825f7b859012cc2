"""Reading one business calendar's configuration into plain minute intervals.

Kept apart from the engine in `calendar.py` so that every config error can name its exact
place (``hours.mon-fri[1]``) while the engine stays small. Standard library only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MINUTES = 1440
WEEK_MINUTES = 7 * DAY_MINUTES
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONFIG_KEYS = ("timezone", "hours", "holidays", "closed", "description")

# Minutes from the midnight of the day that owns the interval; the end may pass 1440
# (an overnight interval runs into the next day but still belongs to the day it starts on).
Interval = tuple[int, int]
DayHours = tuple[Interval, ...]
WeekHours = tuple[DayHours, ...]  # seven entries, Monday first

ALWAYS: WeekHours = (((0, DAY_MINUTES),),) * 7

_INTERVAL = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COUNTRY = re.compile(r"[A-Za-z]{2,3}")


class CalendarError(ValueError):
    """Bad calendar configuration or bad argument; `field` names the place, e.g. 'timezone'."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CalendarSpec:
    """A validated calendar config: what `BusinessCalendar` is built from."""

    timezone: str
    week: WeekHours
    country: str | None
    subdivision: str | None
    overrides: Mapping[date, DayHours]  # `closed` entries: () = closed all day


def format_interval(interval: Interval) -> str:
    start, end = interval
    end_hour = 24 if end == DAY_MINUTES else end // 60 % 24
    return f"{start // 60:02d}:{start % 60:02d}-{end_hour:02d}:{end % 60:02d}"


def parse_interval(text: object, field: str) -> Interval:
    """`HH:MM-HH:MM`; an end before the start runs past midnight, 24:00 ends the day."""
    match = _INTERVAL.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(f"{text!r} is not an interval HH:MM-HH:MM", field)
    sh, sm, eh, em = (int(g) for g in match.groups())
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
        raise CalendarError(f"{text!r} has a time outside 00:00-24:00", field)
    start, end = sh * 60 + sm, eh * 60 + em
    if start == end:
        raise CalendarError(f"{text!r} is empty (for a whole day write 00:00-24:00)", field)
    if end < start:
        end += DAY_MINUTES
    return start, end


def parse_day_hours(value: object, field: str) -> DayHours:
    """A list of intervals for one day, sorted; overlaps are refused rather than merged."""
    if isinstance(value, str):
        return (parse_interval(value, field),)
    if not isinstance(value, list | tuple):
        raise CalendarError(f"expected a list of HH:MM-HH:MM intervals, got {value!r}", field)
    parsed = sorted((parse_interval(t, f"{field}[{i}]"), i) for i, t in enumerate(value))
    for (prev, i), (cur, j) in pairwise(parsed):
        if cur[0] < prev[1]:
            raise CalendarError(f"{value[j]!r} overlaps {value[i]!r}", f"{field}[{j}]")
    return tuple(interval for interval, _ in parsed)


def parse_day_key(key: object, field: str) -> list[int]:
    """`mon` or a range `mon-fri`; a range may wrap past Sunday (`fri-mon`)."""
    parts = key.strip().lower().split("-") if isinstance(key, str) else []
    if not parts or len(parts) > 2 or any(p not in DAY_NAMES for p in parts):
        raise CalendarError(f"{key!r} is not a day (mon..sun) or a range like mon-fri", field)
    first, last = DAY_NAMES.index(parts[0]), DAY_NAMES.index(parts[-1])
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def parse_hours(value: object) -> WeekHours:
    if value is None:
        raise CalendarError("missing; give e.g. {'mon-fri': ['09:00-17:00']} or '24x7'", "hours")
    if isinstance(value, str):
        if value.strip().lower() == "24x7":
            return ALWAYS
        raise CalendarError(f"{value!r} is neither '24x7' nor a mapping of days", "hours")
    if not isinstance(value, Mapping):
        raise CalendarError(f"expected a mapping of days to intervals, got {value!r}", "hours")
    week: list[DayHours | None] = [None] * 7
    owner: list[str] = [""] * 7
    for key, day_value in value.items():
        field = f"hours.{key}"
        days = parse_day_key(key, field)
        hours = parse_day_hours(day_value, field)
        for day in days:
            if week[day] is not None:
                raise CalendarError(f"{DAY_NAMES[day]} is already given by {owner[day]!r}", field)
            week[day], owner[day] = hours, str(key)
    result = tuple(hours or () for hours in week)
    if not any(result):
        raise CalendarError("no opening hours on any day", "hours")
    _check_overnight_overlaps(result, owner)
    return result


def _check_overnight_overlaps(week: WeekHours, owner: list[str]) -> None:
    """An interval running past midnight must end before the next day's first one starts."""
    for day, hours in enumerate(week):
        if not hours or hours[-1][1] <= DAY_MINUTES:
            continue
        tail_end = hours[-1][1] - DAY_MINUTES
        following = (day + 1) % 7
        for interval in week[following]:
            if interval[0] < tail_end:
                raise CalendarError(
                    f"{DAY_NAMES[following]} {format_interval(interval)} overlaps "
                    f"{DAY_NAMES[day]} {format_interval(hours[-1])} running past midnight",
                    f"hours.{owner[following]}",
                )


def parse_date(value: object, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarError(f"{value!r} is not a date YYYY-MM-DD", field)


def parse_closed(value: object) -> dict[date, DayHours]:
    """Dates closed all day, or `{date, hours}` partial days open only those hours."""
    if value is None:
        return {}
    if not isinstance(value, list | tuple):
        raise CalendarError(f"expected a list of dates, got {value!r}", "closed")
    out: dict[date, DayHours] = {}
    seen: dict[date, str] = {}
    for i, item in enumerate(value):
        field = f"closed[{i}]"
        if isinstance(item, Mapping):
            unknown = sorted(str(k) for k in item if k not in ("date", "hours"))
            if unknown:
                raise CalendarError(f"unknown key {unknown[0]!r} (use date, hours)", field)
            day = parse_date(item.get("date"), f"{field}.date")
            raw = item.get("hours")
            hours = () if raw is None else parse_day_hours(raw, f"{field}.hours")
        else:
            day, hours = parse_date(item, field), ()
        if day in seen:
            raise CalendarError(f"{day} is listed twice (also {seen[day]})", field)
        out[day], seen[day] = hours, field
    return out


def parse_region(value: object) -> tuple[str | None, str | None]:
    """`{country, subdivision?}` (or just `"HU"`) naming whose public holidays close the days."""
    if value is None:
        return None, None
    if isinstance(value, str):
        value = {"country": value}
    if not isinstance(value, Mapping):
        raise CalendarError(f"expected {{country: XX, subdivision: ..}}, got {value!r}", "holidays")
    unknown = sorted(str(k) for k in value if k not in ("country", "subdivision"))
    if unknown:
        raise CalendarError(f"unknown key {unknown[0]!r} (use country, subdivision)", "holidays")
    country = value.get("country")
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country.strip()):
        raise CalendarError(f"{country!r} is not a country code like HU", "holidays.country")
    subdivision = value.get("subdivision")
    if subdivision is not None and (not isinstance(subdivision, str) or not subdivision.strip()):
        raise CalendarError(
            f"{subdivision!r} is not a subdivision code (quote it in YAML)", "holidays.subdivision"
        )
    return country.strip().upper(), subdivision.strip() if subdivision else None


def load_zone(value: object) -> ZoneInfo:
    if not isinstance(value, str) or not value.strip():
        raise CalendarError(f"{value!r} is not an IANA time zone like Europe/Budapest", "timezone")
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CalendarError(f"unknown time zone {value!r}", "timezone") from None


def parse_config(mapping: Mapping[str, Any]) -> CalendarSpec:
    if not isinstance(mapping, Mapping):
        raise CalendarError(f"a calendar must be a mapping, got {type(mapping).__name__}")
    unknown = sorted(str(k) for k in mapping if k not in CONFIG_KEYS)
    if unknown:
        raise CalendarError(f"unknown key (known: {', '.join(CONFIG_KEYS)})", unknown[0])
    zone = load_zone(mapping.get("timezone"))
    week = parse_hours(mapping.get("hours"))
    country, subdivision = parse_region(mapping.get("holidays"))
    overrides = parse_closed(mapping.get("closed"))
    return CalendarSpec(zone.key, week, country, subdivision, overrides)


def workday_hours(week: WeekHours) -> DayHours:
    """The most common non-empty Mon–Fri schedule (earliest day wins a tie): the hours a
    weekend day gets when the country declares it a working day."""
    counts = Counter(hours for hours in week[:5] if hours)
    return counts.most_common(1)[0][0] if counts else ()
