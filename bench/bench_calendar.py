"""Benchmark: BusinessCalendar.add/elapsed against pandas' CustomBusinessHour, same calendar.

Run: /work/venv/bin/python bench/bench_calendar.py [--n 4000] [--rounds 5] [--seed 7]

Calendar: Europe/Budapest, Mon–Fri 09:00–12:00 and 13:00–17:00, Hungarian public holidays
(bridge days off included) of 2025–2027. pandas' CustomBusinessHour takes a weekmask and a
holiday list, so it cannot express Hungary's working Saturdays (2025-05-17, 2026-01-10, ...);
our calendar is fed a holiday source that drops them, and both sides see the same calendar.

Inputs: random instants in 2025–2027 seen in local time, whole-hour durations 1–40 h (pandas
adds whole hours only). Timing alternates ours/pandas for several rounds on a warm cache and
reports the median ratio, since the machine is noisy. Import pandas only here.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Budapest")
CONFIG = {
    "timezone": "Europe/Budapest",
    "hours": {"mon-fri": ["09:00-12:00", "13:00-17:00"]},
    "holidays": {"country": "HU"},
}
YEARS = (2025, 2026, 2027)


class _NoWorkingSaturdays:
    """Real Hungarian holidays, but no weekend working days: what pandas can express."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def holidays(self, country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
        closed: Mapping[date, str] = self.inner.holidays(country, subdivision, year)
        return closed

    def working_days(self, country: str, subdivision: str | None, year: int) -> frozenset[date]:
        return frozenset()


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def _inputs(n: int, seed: int) -> tuple[list[datetime], list[int], list[datetime]]:
    rng = random.Random(seed)
    lo = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    hi = datetime(2027, 12, 10, tzinfo=UTC).timestamp()  # 40 h from here stays in 2027
    starts = [
        datetime.fromtimestamp(int(rng.uniform(lo, hi)), UTC).astimezone(ZONE) for _ in range(n)
    ]
    hours = [rng.randint(1, 40) for _ in range(n)]
    ends = [s + timedelta(seconds=rng.randint(0, 10 * 86400)) for s in starts]
    return starts, hours, ends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="random inputs")
    parser.add_argument("--rounds", type=int, default=5, help="alternating timing rounds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    try:
        import escalon  # noqa: F401
    except ModuleNotFoundError:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import numpy as np
    import pandas as pd
    from pandas.tseries.offsets import CustomBusinessDay, CustomBusinessHour

    from escalon.core.calendar import BusinessCalendar
    from escalon.holiday_source import PackageHolidaySource

    source = PackageHolidaySource()
    calendar = BusinessCalendar.from_config(CONFIG, holidays=_NoWorkingSaturdays(source))
    closed = sorted(d for y in YEARS for d in source.holidays("HU", None, y))
    working_saturdays = sorted(d for y in YEARS for d in source.working_days("HU", None, y))
    weekmask = "Mon Tue Wed Thu Fri"
    offsets = {
        h: CustomBusinessHour(
            n=h,
            start=["09:00", "13:00"],
            end=["12:00", "17:00"],
            weekmask=weekmask,
            holidays=closed,
        )
        for h in range(1, 41)
    }
    business_day = CustomBusinessDay(weekmask=weekmask, holidays=closed)

    starts, hours, ends = _inputs(args.n, args.seed)
    durations = [timedelta(hours=h) for h in hours]
    local_starts = [pd.Timestamp(s.replace(tzinfo=None)) for s in starts]
    pairs = list(zip(starts, ends, strict=True))
    local_pairs = [(s.replace(tzinfo=None), e.replace(tzinfo=None)) for s, e in pairs]
    n_elapsed_pandas = min(len(pairs), 600)  # the pandas side of elapsed is slow

    def ours_add() -> list[datetime]:
        add = calendar.add
        return [add(s, d) for s, d in zip(starts, durations, strict=True)]

    def pandas_add() -> list[Any]:
        return [t + offsets[h] for t, h in zip(local_starts, hours, strict=True)]

    def ours_elapsed() -> list[timedelta]:
        elapsed = calendar.elapsed
        return [elapsed(s, e) for s, e in pairs]

    day_parts = (
        (timedelta(hours=9), timedelta(hours=12)),
        (timedelta(hours=13), timedelta(hours=17)),
    )

    def pandas_elapsed_one(start: datetime, end: datetime) -> timedelta:
        # Business days by pandas' own holiday calendar, then clip each opening to [start, end).
        days = pd.date_range(pd.Timestamp(start).normalize(), end, freq=business_day)
        base = days.to_numpy()
        lo, hi = np.datetime64(start, "us"), np.datetime64(end, "us")
        total = np.timedelta64(0, "us")
        for open_at, close_at in day_parts:
            a = np.maximum(base + np.timedelta64(open_at), lo)
            b = np.minimum(base + np.timedelta64(close_at), hi)
            total += np.clip(b - a, np.timedelta64(0, "us"), None).sum()
        return timedelta(microseconds=int(total // np.timedelta64(1, "us")))

    def pandas_elapsed() -> list[timedelta]:
        return [pandas_elapsed_one(s, e) for s, e in local_pairs[:n_elapsed_pandas]]

    cold = _timed(ours_add)  # fills the per-date cache: the one-off cost
    ours_results, pandas_results = ours_add(), pandas_add()
    ours_el, pandas_el = ours_elapsed(), pandas_elapsed()

    add_rates: list[tuple[float, float]] = []
    elapsed_rates: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        add_rates.append((args.n / _timed(ours_add), args.n / _timed(pandas_add)))
        elapsed_rates.append(
            (args.n / _timed(ours_elapsed), n_elapsed_pandas / _timed(pandas_elapsed))
        )

    # -- result comparison ---------------------------------------------------------------
    same = boundary = other = 0
    examples: list[str] = []
    for start, h, ours, theirs in zip(starts, hours, ours_results, pandas_results, strict=True):
        ours_local = ours.astimezone(ZONE).replace(tzinfo=None)
        theirs_local = theirs.to_pydatetime()
        if ours_local == theirs_local:
            same += 1
            continue
        # pandas moves a due time that lands exactly on a closing time to the next opening.
        at_close = calendar.is_open(ours - timedelta(microseconds=1)) and not calendar.is_open(ours)
        next_open = calendar.next_open(ours).astimezone(ZONE).replace(tzinfo=None)
        if at_close and next_open == theirs_local:
            boundary += 1
        else:
            other += 1
            if len(examples) < 5:
                examples.append(f"  {start.isoformat()} + {h}h: ours {ours_local}, pandas {theirs}")
    consistent = sum(
        calendar.elapsed(s, r) == d for s, d, r in zip(starts, durations, ours_results, strict=True)
    )
    el_same = sum(a == b for a, b in zip(ours_el, pandas_el, strict=False))

    ours_add_rate = statistics.median(o for o, _ in add_rates)
    pandas_add_rate = statistics.median(p for _, p in add_rates)
    add_ratio = statistics.median(o / p for o, p in add_rates)
    ours_el_rate = statistics.median(o for o, _ in elapsed_rates)
    pandas_el_rate = statistics.median(p for _, p in elapsed_rates)
    el_ratio = statistics.median(o / p for o, p in elapsed_rates)

    print(f"calendar: {CONFIG['timezone']} Mon-Fri 09-12,13-17, HU holidays {YEARS[0]}-{YEARS[-1]}")
    left_out = ", ".join(d.isoformat() for d in working_saturdays)
    print(f"  {len(closed)} closed days; working Saturdays left out (pandas cannot): {left_out}")
    print(f"inputs: {args.n} random local starts, 1-40 h; {args.rounds} alternating rounds")
    print(f"cold first pass of ours (fills the date cache): {args.n / cold:,.0f} add/s")
    print("add results vs pandas:")
    print(f"  identical: {same}")
    print(f"  pandas moved a due time at a closing time to the next opening: {boundary}")
    print(f"  other differences: {other}")
    for line in examples:
        print(line)
    print(f"  elapsed(start, add(start, d)) == d: {consistent}/{args.n}")
    print(f"elapsed results vs pandas-based sum: identical {el_same}/{n_elapsed_pandas}")
    print()
    print(f"{'operation':<10} {'ours calls/s':>14} {'pandas calls/s':>15} {'ratio':>8}")
    print(f"{'add':<10} {ours_add_rate:>14,.0f} {pandas_add_rate:>15,.0f} {add_ratio:>7.1f}x")
    print(f"{'elapsed':<10} {ours_el_rate:>14,.0f} {pandas_el_rate:>15,.0f} {el_ratio:>7.1f}x")
    print("(pandas elapsed: date_range of CustomBusinessDay + clipped openings; no built-in)")
    if other or same + boundary != args.n or consistent != args.n:
        sys.exit("FAILED: unexplained differences")


if __name__ == "__main__":
    main()
