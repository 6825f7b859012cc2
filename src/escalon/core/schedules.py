"""On-call schedules: who is on call at an instant, the final schedule, the next hand-off.

A schedule stacks rotation layers under overrides. As in PagerDuty, a later layer is drawn on
top of the earlier ones: the person on call is the one of the override covering the instant,
else of the last layer that has someone then (a layer restricted to some weekly hours has
nobody outside them, so the layer below shows through), else nobody. Among overlapping
overrides the later one wins.

Rotations run on the wall clock of the schedule's zone: a rotation handing off at 09:00 does
so at 09:00 on both sides of a DST change, so that turn lasts 23 or 25 hours. A wall time is
turned into an instant as the first instant at which the local clock shows that time or later,
which is what `BusinessCalendar` does too:
  * a wall time repeated when the clocks go back is taken at its first occurrence (fold=0);
  * a wall time skipped when they go forward is the end of the gap (02:30 in Budapest on
    2026-03-29 is 03:00 summer time). zoneinfo's own fold=0 reading would give 03:30, past the
    gap by its width, so a hand-off at 02:30 would come after one at 03:00; this reading keeps
    hand-offs in order and merely empties a turn that lies wholly in the gap.

Queries locate a turn arithmetically from the local wall time and then correct the guess
against the exact instants, so they cost O(1) per layer and O(log n) in the overrides.
Inside, wall times are carried as datetimes labelled UTC: arithmetic and comparisons on them
then avoid `datetime.replace`, which costs more than the rest of a lookup; only `_instant`
turns one into a real instant.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from heapq import heappop, heappush
from itertools import pairwise
from math import lcm
from typing import Generic, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from escalon.core.calendar_hours import DAY_MINUTES, WEEK_MINUTES, WeekHours, load_zone

__all__ = ["Layer", "OnCall", "Override", "Schedule", "ScheduleError", "Shift", "check_schedule"]

L = TypeVar("L")
_US = timedelta(microseconds=1)
_WEEK = timedelta(days=7)
_MONDAY = datetime(2001, 1, 1, tzinfo=UTC)  # weekly windows are counted from this Monday
_LONGEST_REPEAT = timedelta(days=2 * 366)  # how far next_handoff looks past the overrides
_LONGEST_GAP = timedelta(days=1)  # the most clocks ever skipped (Samoa 2011, Kwajalein 1993)


class ScheduleError(ValueError):
    """The schedule cannot be evaluated; the message lists each problem with its place."""


@dataclass(frozen=True)
class Layer:
    """A rotation: turn k starts at local wall time `start + k * length` (k may be negative)
    and belongs to `members[k % len(members)]`; `restrict` limits it to weekly local hours."""

    name: str
    members: tuple[str, ...]
    start: datetime  # naive, wall time in the schedule's zone
    length: timedelta
    restrict: WeekHours | None = None

    @cached_property
    def _turns(self) -> _Cycle[str]:
        offsets = tuple(self.length * i for i in range(len(self.members)))
        origin = self.start.replace(tzinfo=UTC)  # a wall time, see the module doc
        return _Cycle(origin, self.length * len(self.members), offsets, self.members)

    @cached_property
    def _windows(self) -> _Cycle[bool] | None:
        """The restrict hours as alternating in/out segments; None when they cover the week."""
        if self.restrict is None:
            return None
        edges = _window_edges(self.restrict)
        if edges is None:
            return None
        offsets = tuple(timedelta(minutes=m) for m in edges)
        return _Cycle(_MONDAY, _WEEK, offsets, (True, False) * (len(edges) // 2))


@dataclass(frozen=True)
class Override:
    """`person` is on call during [start, end) (aware instants) whatever the layers say."""

    person: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class OnCall:
    """Who answers now and for how long: `since`/`until` bound the longest stretch around
    the instant with the same person from the same source; None means unbounded."""

    person: str
    source: str  # "override" or "layer <name>"
    since: datetime | None
    until: datetime | None


@dataclass(frozen=True)
class Shift:
    person: str
    source: str
    start: datetime
    end: datetime


class _Stretch(NamedTuple):
    person: str | None
    source: str
    since: datetime | None
    until: datetime | None


@dataclass(frozen=True)
class Schedule:
    key: str
    name: str
    timezone: str
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = ()

    def on_call(self, at: datetime) -> OnCall | None:
        found = self._stretch(_utc(at, "at"))
        if found.person is None:
            return None
        return OnCall(found.person, found.source, found.since, found.until)

    def shifts(self, start: datetime, end: datetime) -> list[Shift]:
        """The final schedule over [start, end): who is on call, in order, gaps left out."""
        cursor, end = _utc(start, "start"), _utc(end, "end")
        if end < cursor:
            raise ValueError(f"end: {end.isoformat()} is before start {cursor.isoformat()}")
        out: list[Shift] = []
        while cursor < end:  # stretches are maximal, so consecutive shifts always differ
            found = self._stretch(cursor)
            stop = end if found.until is None else min(found.until, end)
            if found.person is not None:
                out.append(Shift(found.person, found.source, cursor, stop))
            cursor = stop
        return out

    def next_handoff(self, at: datetime) -> datetime | None:
        """The first instant after `at` when someone else (or nobody) takes over.

        A change of source alone (an override for whoever is on call anyway) is no hand-off.
        Once the overrides are over the layers repeat, so looking two repeats ahead (at most
        `_LONGEST_REPEAT` each) settles that the person never changes; then None.
        """
        at = _utc(at, "at")
        plan = self._plan
        limit = max(at, plan.quiet_from or at) + 2 * plan.repeat + timedelta(days=1)
        current = self._stretch(at)
        while current.until is not None and current.until <= limit:
            following = self._stretch(current.until)
            if following.person != current.person:
                return current.until
            current = following
        return None

    @cached_property
    def _plan(self) -> _Plan:
        problems = check_schedule(self)
        if problems:
            raise ScheduleError(f"schedule {self.key!r}: " + "; ".join(problems))
        pieces = _flatten(self.overrides)
        return _Plan(
            zone=load_zone(self.timezone),
            starts=[p[0] for p in pieces],
            ends=[p[1] for p in pieces],
            people=[p[2] for p in pieces],
            quiet_from=max((o.end.astimezone(UTC) for o in self.overrides), default=None),
            repeat=_repeat(self.layers),
        )

    def _stretch(self, at: datetime) -> _Stretch:
        """The answer at the UTC instant `at` and the longest stretch around it holding it."""
        plan = self._plan
        i = bisect_right(plan.starts, at) - 1
        if i >= 0 and at < plan.ends[i]:
            return _Stretch(plan.people[i], "override", plan.starts[i], plan.ends[i])
        since = plan.ends[i] if i >= 0 else None
        until = plan.starts[i + 1] if i + 1 < len(plan.starts) else None
        wall = _wall(at, plan.zone)
        for layer in reversed(self.layers):
            person, low, high = _layer_at(layer, at, wall, plan.zone)
            since, until = _later(since, low), _earlier(until, high)
            if person is not None:
                return _Stretch(person, f"layer {layer.name}", since, until)
        return _Stretch(None, "", since, until)


@dataclass(frozen=True)
class _Plan:
    """What a schedule derives once: its zone and its overrides made disjoint."""

    zone: ZoneInfo
    starts: list[datetime]
    ends: list[datetime]
    people: list[str]
    quiet_from: datetime | None  # after this no override applies
    repeat: timedelta


@dataclass(frozen=True)
class _Cycle(Generic[L]):
    """Segments repeating in wall time: segment i starts at
    `origin + (i // n) * period + offsets[i % n]` and carries `labels[i % n]`."""

    origin: datetime
    period: timedelta
    offsets: tuple[timedelta, ...]
    labels: tuple[L, ...]

    @cached_property
    def constant(self) -> bool:
        return len(set(self.labels)) == 1

    @cached_property
    def may_vanish(self) -> bool:
        """Whether a DST gap can swallow a whole segment: only one no longer than a gap."""
        bounds = (*self.offsets, self.offsets[0] + self.period)
        return min(end - start for start, end in pairwise(bounds)) <= _LONGEST_GAP

    def wall_start(self, i: int) -> datetime:
        cycles, rest = divmod(i, len(self.offsets))
        return self.origin + cycles * self.period + self.offsets[rest]

    def label(self, i: int) -> L:
        return self.labels[i % len(self.labels)]

    def locate(
        self, at: datetime, wall: datetime, zone: ZoneInfo
    ) -> tuple[L, datetime | None, datetime | None]:
        """The label at `at` (local wall time `wall`) and the UTC bounds of its run.

        The guess from the wall time can be one segment off near a DST change (a repeated
        hour reads earlier than it is) or at the week's wrap, so it is moved against the exact
        instants. Neighbours with the same label, and segments a DST gap empties, extend the
        run: the answer does not change there.
        """
        if self.constant:
            return self.labels[0], None, None
        known: dict[int, datetime] = {}

        def start(i: int) -> datetime:
            if i not in known:
                known[i] = _instant(self.wall_start(i), zone)
            return known[i]

        cycles, rest = divmod(wall - self.origin, self.period)
        i = cycles * len(self.offsets) + bisect_right(self.offsets, rest) - 1
        while start(i) > at:
            i -= 1
        while start(i + 1) <= at:
            i += 1
        label = self.label(i)
        low = i
        while True:
            while self.label(low - 1) == label:
                low -= 1
            if not self.may_vanish or start(low - 1) < start(low):
                break
            low -= 1
        high = i + 1
        while True:
            while self.label(high) == label:
                high += 1
            if not self.may_vanish or start(high) < start(high + 1):
                break
            high += 1
        return label, start(low), start(high)


def _layer_at(
    layer: Layer, at: datetime, wall: datetime, zone: ZoneInfo
) -> tuple[str | None, datetime | None, datetime | None]:
    """Who the layer has at `at` (None outside its hours) and the bounds of that answer."""
    low: datetime | None = None
    high: datetime | None = None
    windows = layer._windows
    if windows is not None:
        inside, low, high = windows.locate(at, wall, zone)
        if not inside:
            return None, low, high
    person, first, last = layer._turns.locate(at, wall, zone)
    return person, _later(low, first), _earlier(high, last)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant at which the local clock shows `wall` or later (see the module doc).

    `zone.utcoffset` reads only the fields of `wall` (fold=0: the earlier offset when the
    time is repeated), so the UTC label does not disturb it.
    """
    offset = _offset(zone, wall)
    instant = wall - offset
    if instant.astimezone(zone).utcoffset() == offset:
        return instant
    # In a gap fold=0 reads the wall time with the offset before the jump (landing after the
    # gap) and fold=1 with the one after it (landing before): the jump lies between them.
    before, after = wall - _offset(zone, wall.replace(fold=1)), instant
    while after - before > _US:
        middle = before + (after - before) // 2
        if _wall(middle, zone) >= wall:
            after = middle
        else:
            before = middle
    return after


def _offset(zone: ZoneInfo, wall: datetime) -> timedelta:
    offset = zone.utcoffset(wall)
    assert offset is not None  # a ZoneInfo always has one
    return offset


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """The local wall time at a UTC instant, labelled UTC (see the module doc)."""
    return instant + _offset(zone, instant.astimezone(zone))


def _window_edges(week: WeekHours) -> list[int] | None:
    """Weekly hours as sorted, non-touching [start, end) minutes from Monday 00:00, flattened
    to start, end, start, ...; touching intervals (also across Sunday night) are merged so
    that every edge is a real change. None when the hours cover the whole week."""
    spans = sorted(
        (d * DAY_MINUTES + s, d * DAY_MINUTES + e) for d, day in enumerate(week) for s, e in day
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if len(merged) > 1 and merged[-1][1] >= merged[0][0] + WEEK_MINUTES:
        first = merged.pop(0)
        merged[-1][1] = max(merged[-1][1], first[1] + WEEK_MINUTES)
    if len(merged) == 1 and merged[0][1] - merged[0][0] >= WEEK_MINUTES:
        return None
    return [minute for span in merged for minute in span]


def _flatten(overrides: tuple[Override, ...]) -> list[tuple[datetime, datetime, str]]:
    """Disjoint (start, end, person) pieces, sorted; where overrides overlap the later one
    wins, and touching pieces of one person are merged so that every edge is a hand-off."""
    spans = sorted(
        (o.start.astimezone(UTC), o.end.astimezone(UTC), i, o.person)
        for i, o in enumerate(overrides)
    )
    points = sorted({t for start, end, _, _ in spans for t in (start, end)})
    active: list[tuple[int, datetime, str]] = []  # (-position, end, person): latest on top
    out: list[tuple[datetime, datetime, str]] = []
    n = 0
    for low, high in pairwise(points):
        while n < len(spans) and spans[n][0] <= low:
            _, end, position, person = spans[n]
            heappush(active, (-position, end, person))
            n += 1
        while active and active[0][1] <= low:
            heappop(active)
        if not active:
            continue
        person = active[0][2]
        if out and out[-1][1] == low and out[-1][2] == person:
            out[-1] = (out[-1][0], high, person)
        else:
            out.append((low, high, person))
    return out


def _repeat(layers: tuple[Layer, ...]) -> timedelta:
    """After how much wall time every layer is back in the same phase (capped)."""
    micros = 1
    for layer in layers:
        micros = lcm(micros, layer.length * len(layer.members) // _US)
        if layer._windows is not None:
            micros = lcm(micros, _WEEK // _US)
        if micros > _LONGEST_REPEAT // _US:
            return _LONGEST_REPEAT
    return timedelta(microseconds=micros)


def check_schedule(schedule: Schedule) -> list[str]:
    """Every problem that makes the schedule meaningless, each naming its place; [] if none.

    Config loaders report them all at once; the queries raise `ScheduleError` with them.
    """
    problems: list[str] = []
    try:
        load_zone(schedule.timezone)
    except ValueError as error:
        problems.append(str(error))
    seen: set[str] = set()
    for i, layer in enumerate(schedule.layers):
        where = f"layers[{i}]"
        if not layer.members:
            problems.append(f"{where}.members: a layer needs at least one member")
        if layer.length <= timedelta(0):
            problems.append(f"{where}.length: must be positive, got {layer.length}")
        if layer.start.tzinfo is not None:
            problems.append(f"{where}.start: must be a naive wall time in the schedule's zone")
        if layer.name in seen:
            problems.append(f"{where}.name: {layer.name!r} names two layers")
        seen.add(layer.name)
        if layer.restrict is not None and not _sound_week(layer.restrict):
            problems.append(f"{where}.restrict: needs seven days of intervals, some hours")
    for i, override in enumerate(schedule.overrides):
        where = f"overrides[{i}]"
        if not (_aware(override.start) and _aware(override.end)):
            problems.append(f"{where}: start and end must be time-zone aware")
        elif override.end <= override.start:
            problems.append(f"{where}.end: {override.end.isoformat()} is not after its start")
    return problems


def _sound_week(week: WeekHours) -> bool:
    """Seven days of (start, end) minutes, each at most a day long, not all empty: the shape
    `parse_hours` produces, which the window arithmetic relies on."""
    intervals = [span for day in week for span in day]
    shaped = all(0 <= s < DAY_MINUTES and s < e <= s + DAY_MINUTES for s, e in intervals)
    return len(week) == 7 and bool(intervals) and shaped


def _aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None


def _utc(value: datetime, name: str) -> datetime:
    if not _aware(value):
        raise ValueError(f"{name}: {value.isoformat()} has no time zone; pass an aware datetime")
    return value.astimezone(UTC)


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two lower bounds, None meaning since forever."""
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier of two upper bounds, None meaning for ever."""
    return b if a is None else a if b is None else min(a, b)
