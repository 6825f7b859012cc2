"""A slow, obviously right reading of a local wall time, to check fast ones against."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def first_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant whose local clock shows `wall` or later: both folds tried and, in
    a gap (no fold round-trips), a minute-by-minute step to the end of the gap."""
    readings = [wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)]
    real = [u for u in readings if u.astimezone(zone).replace(tzinfo=None) == wall]
    if real:
        return min(real)
    instant = min(readings)
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=1)
    return instant
