"""A calendar open whenever any of its parts is: the hours of a follow-the-sun team.

Budapest, New York and Singapore offices together cover most of the day; an SLA of such a
team counts on their union, so a P2 opened at 16:55 in Budapest keeps its clock running
when New York takes over at 17:00 instead of waiting for Budapest's morning. Built from
the parts' own answers (open now, open until, next open), so each part keeps its time
zone, holidays and DST.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Part(Protocol):
    def is_open(self, at: datetime) -> bool: ...
    def next_open(self, at: datetime) -> datetime: ...
    def open_until(self, at: datetime) -> datetime: ...


_ZERO = timedelta(0)
_MAX_STRETCHES = 100_000  # ten years of a few stretches a day; beyond it a config is wrong


@dataclass(frozen=True, eq=False)
class UnionCalendar:
    parts: tuple[Part, ...]
    name: str = ""

    def is_open(self, at: datetime) -> bool:
        return any(part.is_open(at) for part in self.parts)

    def next_open(self, at: datetime) -> datetime:
        return min(part.next_open(at) for part in self.parts).astimezone(UTC)

    def open_until(self, at: datetime) -> datetime:
        """The end of the stretch in which some part stays open; `at` when all are closed."""
        end = at.astimezone(UTC)
        while True:
            later = max((p.open_until(end) for p in self.parts if p.is_open(end)), default=end)
            if later <= end:
                return end
            end = later.astimezone(UTC)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant by which `duration` of open time (in any part) has passed."""
        if duration < _ZERO:
            raise ValueError(f"{duration} is negative")
        need, at = duration, start.astimezone(UTC)
        if need == _ZERO:
            return at
        for _ in range(_MAX_STRETCHES):
            at = self.next_open(at)
            end = self.open_until(at)
            if need <= end - at:
                return at + need
            need -= end - at
            at = end
        raise ValueError("no open time within the search limit")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time in [start, end) in any part, each overlap counted once."""
        if end < start:
            raise ValueError(f"{end.isoformat()} is before start")
        total, at = _ZERO, start.astimezone(UTC)
        for _ in range(_MAX_STRETCHES):
            at = self.next_open(at)
            if at >= end:
                return total
            stop = min(self.open_until(at), end)
            total += stop - at
            at = stop
        raise ValueError("no end within the search limit")
