"""What the policy names, looked up as the edges need it: a 404 that lists the known keys,
and instants read the way the organisation writes them (in a person's or schedule's zone)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from escalon.core.errors import InvalidValue, NotFound

# Business calendars answer for these years; a day's margin keeps every zone inside them.
EARLIEST, LATEST = datetime(2, 1, 2, tzinfo=UTC), datetime(9998, 12, 30, tzinfo=UTC)
T = TypeVar("T")


def named(found: Mapping[str, T], key: str, noun: str) -> T:
    """The named item, else a 404 that lists the known keys so the caller can correct it."""
    if key not in found:
        known = ", ".join(sorted(found)) or "none are defined"
        raise NotFound(f"{noun} {key!r} does not exist (known: {known})", noun)
    return found[key]


def instant_in(at: datetime, zone: str, field: str) -> datetime:
    """`at` in UTC; one without an offset is read in the zone of whom it concerns."""
    instant: datetime | None
    try:
        instant = (at if at.tzinfo else at.replace(tzinfo=ZoneInfo(zone))).astimezone(UTC)
    except OverflowError:
        instant = None
    if instant is None or not EARLIEST <= instant <= LATEST:
        raise InvalidValue(f"{at.isoformat()} is outside the years 2 to 9998", field)
    return instant
