"""Durations as people write them in configuration and on the command line: `4h`, `1h30m`, `90s`."""

from __future__ import annotations

import re
from datetime import timedelta

from escalon.core.errors import InvalidValue

_PART = re.compile(r"(\d+)(w|d|h|m|s)")
_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str, field: str | None = None) -> timedelta:
    """Parse `2d4h30m`, `45m`, `10s`; `d` is 24 hours of calendar time."""
    compact = str(text).strip().lower().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise InvalidValue(f"{text!r} is not a duration (use e.g. 4h, 1h30m, 45m)", field)
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(compact))
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise InvalidValue(f"{text!r} is too long for a duration", field) from None


def format_duration(value: timedelta) -> str:
    """Render a duration compactly (`1h30m`), the inverse of `parse_duration` for whole seconds."""
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    if total == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return sign + "".join(parts)
