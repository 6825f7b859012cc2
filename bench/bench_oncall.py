"""Benchmark: Schedule.on_call for every hour of a year, against a naive walk and a year table.

Run: /work/venv/bin/python bench/bench_oncall.py [--year 2026] [--overrides 200] [--rounds 3]
     [--seed 7]

Schedule, Europe/Budapest, layers bottom to top, all started in the first week of the
year before (a schedule that has been running for a year):
  * weekly:  6 people, hand-off Monday 09:00, around the clock;
  * office:  4 people, daily hand-off 09:00, restricted to Mon-Fri 09:00-17:00;
  * weekend: 3 people, weekly hand-off Friday 18:00, restricted to Fri 18:00 - Mon 08:00;
plus 200 overrides (seeded) of 1-24 h starting at random half-hours of the year, some of
them overlapping, so later-wins is exercised.

Queries: every whole UTC hour of the year (8,760 instants, aware), which hits hand-offs
exactly, on both sides of both DST changes.

Baselines, timed in the same run with rounds alternating, reported as ratios because the
machine is noisy:
  * naive: the rules read literally. Overrides are scanned from the last; each layer's turn
    is found by walking turn by turn from the layer's start, converting every hand-off to
    UTC on the way; restrict hours are checked day by day. It shares no code with the
    engine, so it is also the check: all 8,760 answers must agree. Its cost grows with the
    distance to the layer's start (here ~80 weekly and ~540 daily steps on average), which is
    the real price of walking, not a straw man: it is how a first version would be written.
  * table: the year's final schedule computed once with `shifts()` (timed in), then
    bisected per query. This is what a caller asking many questions about one known range
    should do, so it is the honest competitor for bulk use; on_call is for point questions
    about any instant, with no range known in advance. Its answers are checked too.
Also times `shifts()` over the whole year on its own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from bisect import bisect_right
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.wall_time import first_instant

ZONE_NAME = "Europe/Budapest"
ZONE = ZoneInfo(ZONE_NAME)
PEOPLE = [f"p{i:02d}" for i in range(16)]
Answer = tuple[str, str] | None


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def _first_monday(year: int) -> date:
    day = date(year, 1, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def build_schedule(year: int, n_overrides: int, seed: int) -> Any:
    from escalon.core.calendar_hours import parse_hours
    from escalon.core.schedules import Layer, Override, Schedule

    monday = datetime.combine(_first_monday(year - 1), clock())
    layers = (
        Layer("weekly", tuple(PEOPLE[0:6]), monday + timedelta(hours=9), timedelta(days=7)),
        Layer(
            "office",
            tuple(PEOPLE[6:10]),
            monday + timedelta(hours=9),
            timedelta(days=1),
            parse_hours({"mon-fri": "09:00-17:00"}),
        ),
        Layer(
            "weekend",
            tuple(PEOPLE[10:13]),
            monday + timedelta(days=4, hours=18),
            timedelta(days=7),
            parse_hours({"fri": "18:00-24:00", "sat-sun": "00:00-24:00", "mon": "00:00-08:00"}),
        ),
    )
    rng = random.Random(seed)
    first = datetime(year, 1, 1, tzinfo=ZONE)
    overrides = []
    for _ in range(n_overrides):
        start = first + timedelta(minutes=30 * rng.randrange(365 * 48))
        end = start + timedelta(minutes=30 * rng.randint(2, 48))
        overrides.append(Override(rng.choice(PEOPLE), start, end))
    return Schedule("bench", "Benchmark", ZONE_NAME, layers, tuple(overrides))


# -- the naive reading ------------------------------------------------------------------------


def naive_instant(wall: datetime) -> datetime:
    return first_instant(wall, ZONE)


def naive_turn(layer: Any, at: datetime) -> int:
    """Walk turn by turn from the layer's start to the turn holding `at`."""
    k = 0
    if naive_instant(layer.start) <= at:
        while naive_instant(layer.start + (k + 1) * layer.length) <= at:
            k += 1
    else:
        k = -1
        while naive_instant(layer.start + k * layer.length) > at:
            k -= 1
    return k


def naive_in_hours(layer: Any, at: datetime) -> bool:
    local = at.astimezone(ZONE).date()
    for offset in (-1, 0, 1):
        day = local + timedelta(days=offset)
        midnight = datetime.combine(day, clock())
        for start, end in layer.restrict[day.weekday()]:
            opens = naive_instant(midnight + timedelta(minutes=start))
            if opens <= at < naive_instant(midnight + timedelta(minutes=end)):
                return True
    return False


def naive_on_call(schedule: Any, at: datetime) -> Answer:
    for override in reversed(schedule.overrides):
        if override.start <= at < override.end:
            return override.person, "override"
    for layer in reversed(schedule.layers):
        if layer.restrict is not None and not naive_in_hours(layer, at):
            continue
        return layer.members[naive_turn(layer, at) % len(layer.members)], f"layer {layer.name}"
    return None


# -- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--overrides", type=int, default=200, help="random overrides")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timing rounds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    try:
        import escalon  # noqa: F401
    except ModuleNotFoundError:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

    schedule = build_schedule(args.year, args.overrides, args.seed)
    year_start = datetime(args.year, 1, 1, tzinfo=UTC)
    year_end = datetime(args.year + 1, 1, 1, tzinfo=UTC)
    hours = int((year_end - year_start) / timedelta(hours=1))
    instants = [year_start + timedelta(hours=h) for h in range(hours)]
    n = len(instants)

    def ours() -> list[Answer]:
        on_call = schedule.on_call
        return [None if (a := on_call(t)) is None else (a.person, a.source) for t in instants]

    def naive() -> list[Answer]:
        return [naive_on_call(schedule, t) for t in instants]

    def year_shifts() -> list[Any]:
        result: list[Any] = schedule.shifts(year_start, year_end)
        return result

    def table() -> list[Answer]:
        shifts = schedule.shifts(year_start, year_end)
        starts = [s.start for s in shifts]
        out: list[Answer] = []
        for t in instants:
            i = bisect_right(starts, t) - 1
            hit = shifts[i] if i >= 0 and t < shifts[i].end else None
            out.append(None if hit is None else (hit.person, hit.source))
        return out

    cold = _timed(ours)  # the first call builds the schedule's plan (overrides made disjoint)
    ours_answers, naive_answers, table_answers = ours(), naive(), table()
    n_shifts = len(year_shifts())

    rates: list[tuple[float, float, float]] = []
    shift_times: list[float] = []
    for _ in range(args.rounds):
        ours_rate = n / _timed(ours)
        naive_rate = n / _timed(naive)
        table_rate = n / _timed(table)
        shift_times.append(_timed(year_shifts))
        rates.append((ours_rate, naive_rate, table_rate))

    naive_same = sum(a == b for a, b in zip(ours_answers, naive_answers, strict=True))
    table_same = sum(a == b for a, b in zip(ours_answers, table_answers, strict=True))
    nobody = sum(a is None for a in ours_answers)
    by_source: dict[str, int] = {}
    for answer in ours_answers:
        if answer is not None:
            by_source[answer[1]] = by_source.get(answer[1], 0) + 1
    mismatches = [
        f"  {t.isoformat()}: ours {a}, naive {b}"
        for t, a, b in zip(instants, ours_answers, naive_answers, strict=True)
        if a != b
    ]

    ours_rate = statistics.median(r[0] for r in rates)
    naive_rate = statistics.median(r[1] for r in rates)
    table_rate = statistics.median(r[2] for r in rates)
    naive_ratio = statistics.median(r[0] / r[1] for r in rates)
    table_ratio = statistics.median(r[0] / r[2] for r in rates)
    shifts_ms = statistics.median(shift_times) * 1000

    print(f"schedule: {ZONE_NAME}, 3 layers (weekly 6, office Mon-Fri 09-17 daily 4, weekend 3)")
    print(f"  layers started {schedule.layers[0].start:%Y-%m-%d}; {args.overrides} overrides")
    print(f"queries: every UTC hour of {args.year}: {n}; {args.rounds} alternating rounds")
    print(f"  answered by: {dict(sorted(by_source.items()))}, nobody: {nobody}")
    print(f"cold first pass of on_call (builds the plan): {n / cold:,.0f} queries/s")
    print(f"answers identical to naive: {naive_same}/{n}; to table: {table_same}/{n}")
    for line in mismatches[:5]:
        print(line)
    print()
    print(f"{'method':<28} {'queries/s':>12} {'on_call is':>12}")
    print(f"{'on_call':<28} {ours_rate:>12,.0f} {'':>12}")
    print(f"{'naive walk from layer start':<28} {naive_rate:>12,.0f} {naive_ratio:>10.1f}x")
    print(f"{'table: shifts() + bisect':<28} {table_rate:>12,.0f} {table_ratio:>10.2f}x")
    print(f"shifts() over the whole year: {shifts_ms:.1f} ms for {n_shifts} shifts")
    if naive_same != n or table_same != n:
        sys.exit("FAILED: answers differ")


if __name__ == "__main__":
    main()
