"""Public holidays from the `holidays` package, behind the core's `HolidaySource` protocol.

This is the shell side: the pure calendar in `escalon.core.calendar` only sees the protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import holidays as holiday_package

from escalon.core.calendar import BusinessCalendar, CalendarError


class PackageHolidaySource:
    """Holidays and weekend working days of the `holidays` package, cached per country-year.

    Bridge days off (Hungary's 2026-01-02) are in the package's holiday list, so they close
    the day like any holiday; the Saturdays worked in exchange are its `weekend_workdays`.
    """

    def holidays(self, country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
        return _year_table(country, subdivision, year)[0]

    def working_days(self, country: str, subdivision: str | None, year: int) -> frozenset[date]:
        return _year_table(country, subdivision, year)[1]

    def check(self, country: str, subdivision: str | None) -> None:
        """Refuse an unknown country or subdivision now rather than at the first SLA."""
        _check_region(country, subdivision)


def load_calendar(mapping: Mapping[str, Any], *, name: str = "") -> BusinessCalendar:
    """A calendar from its config, with the `holidays` package as the holiday source."""
    source = PackageHolidaySource()
    calendar = BusinessCalendar.from_config(mapping, holidays=source, name=name)
    if calendar.country is not None:
        source.check(calendar.country, calendar.subdivision)
    return calendar


@lru_cache(maxsize=256)
def _check_region(country: str, subdivision: str | None) -> None:
    try:
        holiday_package.country_holidays(country, subdiv=subdivision, years=[])
    except NotImplementedError as exc:
        field = "holidays.country"
        if subdivision is not None and country in holiday_package.list_supported_countries():
            field = "holidays.subdivision"
        raise CalendarError(f"not known to the holidays package ({exc})", field) from None


@lru_cache(maxsize=1024)
def _year_table(
    country: str, subdivision: str | None, year: int
) -> tuple[Mapping[date, str], frozenset[date]]:
    """Building one country-year costs about a millisecond (the first, ~100 ms), so keep it."""
    _check_region(country, subdivision)
    table = holiday_package.country_holidays(country, subdiv=subdivision, years=year)
    closed = MappingProxyType({day: str(n) for day, n in table.items() if day.year == year})
    working = frozenset(d for d in getattr(table, "weekend_workdays", ()) if d.year == year)
    return closed, working
