"""On-call schedules: explicit instants first, then properties against a brute-force reference.

DST changes used: Budapest 2026-03-29 (02:00 CET -> 03:00 CEST) and 2026-10-25 (03:00 CEST ->
02:00 CET); New York 2026-03-08 (02:00 EST -> 03:00 EDT) and 2026-11-01 (02:00 EDT -> 01:00
EST); Lord Howe (a 30-minute change) in the property tests only.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalon.core.calendar_hours import WeekHours, parse_hours
from escalon.core.schedules import (
    Layer,
    OnCall,
    Override,
    Schedule,
    ScheduleError,
    Shift,
    check_schedule,
)
from tests.support.wall_time import first_instant

BUDAPEST = ZoneInfo("Europe/Budapest")
NEW_YORK = ZoneInfo("America/New_York")
US = timedelta(microseconds=1)
H = timedelta(hours=1)
D = timedelta(days=1)
W = timedelta(days=7)


def b(mo: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> datetime:
    """Budapest wall time in 2026."""
    return datetime(2026, mo, d, h, mi, fold=fold, tzinfo=BUDAPEST)


def n(mo: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> datetime:
    """New York wall time in 2026."""
    return datetime(2026, mo, d, h, mi, fold=fold, tzinfo=NEW_YORK)


def u(mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """UTC in 2026."""
    return datetime(2026, mo, d, h, mi, tzinfo=UTC)


def layer(name: str, members: str, start: datetime, length: timedelta, hours: Any = None) -> Layer:
    restrict = None if hours is None else parse_hours(hours)
    return Layer(name, tuple(members.split()), start, length, restrict)


def schedule(
    *layers: Layer, overrides: tuple[Override, ...] = (), zone: str = "Europe/Budapest"
) -> Schedule:
    return Schedule("ops", "Operations", zone, layers, overrides)


def table(rows: list[tuple[Any, ...]]) -> list[Any]:
    """Rows whose first column is the case's name, as pytest params."""
    return [pytest.param(*row[1:], id=row[0]) for row in rows]


# -- rotations across DST -------------------------------------------------------------------

NY = "America/New_York"
DAILY_BUD = schedule(layer("daily", "ann bob", datetime(2026, 3, 1, 9), D))
WEEKLY_BUD = schedule(layer("weekly", "ann bob cy", datetime(2026, 1, 5, 9), W))
HALVES_BUD = schedule(layer("halves", "ann bob", datetime(2026, 3, 1, 8), 12 * H))
DAILY_NYC = schedule(layer("daily", "ann bob", datetime(2026, 3, 1, 9), D), zone=NY)
WEEKLY_NYC = schedule(layer("weekly", "ann bob cy", datetime(2026, 1, 5, 9), W), zone=NY)

ROTATIONS = [
    # (id, schedule, at, person, since, until, hours in the turn)
    ("daily-bud-spring-before", DAILY_BUD, b(3, 29, 8, 59), "bob", u(3, 28, 8), u(3, 29, 7), 23),
    ("daily-bud-spring-after", DAILY_BUD, b(3, 29, 9), "ann", u(3, 29, 7), u(3, 30, 7), 24),
    ("daily-bud-fall-before", DAILY_BUD, b(10, 25, 8, 59), "bob", u(10, 24, 7), u(10, 25, 8), 25),
    ("daily-bud-fall-after", DAILY_BUD, b(10, 25, 9), "ann", u(10, 25, 8), u(10, 26, 8), 24),
    ("weekly-bud-spring-before", WEEKLY_BUD, b(3, 30, 8, 59), "cy", u(3, 23, 8), u(3, 30, 7), 167),
    ("weekly-bud-spring-after", WEEKLY_BUD, b(3, 30, 9), "ann", u(3, 30, 7), u(4, 6, 7), 168),
    ("weekly-bud-fall-before", WEEKLY_BUD, b(10, 26, 8, 59), "cy", u(10, 19, 7), u(10, 26, 8), 169),
    ("weekly-bud-fall-after", WEEKLY_BUD, b(10, 26, 9), "ann", u(10, 26, 8), u(11, 2, 8), 168),
    ("daily-nyc-spring-before", DAILY_NYC, n(3, 8, 8, 59), "ann", u(3, 7, 14), u(3, 8, 13), 23),
    ("daily-nyc-spring-after", DAILY_NYC, n(3, 8, 9), "bob", u(3, 8, 13), u(3, 9, 13), 24),
    ("daily-nyc-fall-before", DAILY_NYC, n(11, 1, 8, 59), "ann", u(10, 31, 13), u(11, 1, 14), 25),
    ("daily-nyc-fall-after", DAILY_NYC, n(11, 1, 9), "bob", u(11, 1, 14), u(11, 2, 14), 24),
    ("weekly-nyc-spring", WEEKLY_NYC, n(3, 8, 12), "cy", u(3, 2, 14), u(3, 9, 13), 167),
    ("weekly-nyc-fall", WEEKLY_NYC, n(11, 1, 12), "ann", u(10, 26, 13), u(11, 2, 14), 169),
    ("12h-spring-night", HALVES_BUD, b(3, 29, 7, 59), "bob", u(3, 28, 19), u(3, 29, 6), 11),
    ("12h-spring-day", HALVES_BUD, b(3, 29, 8), "ann", u(3, 29, 6), u(3, 29, 18), 12),
    ("12h-fall-repeated", HALVES_BUD, b(10, 25, 2, 30, 1), "bob", u(10, 24, 18), u(10, 25, 7), 13),
]  # fmt: skip


@pytest.mark.parametrize(("sched", "at", "person", "since", "until", "hours"), table(ROTATIONS))
def test_a_rotation_hands_off_at_the_same_local_time_on_both_sides_of_a_dst_change(
    sched: Schedule, at: datetime, person: str, since: datetime, until: datetime, hours: int
) -> None:
    got = sched.on_call(at)
    assert got == OnCall(person, f"layer {sched.layers[0].name}", since, until)
    assert got.until - got.since == hours * H  # type: ignore[operator]


def test_answers_are_utc_instants_whatever_zone_the_question_came_in() -> None:
    got = DAILY_NYC.on_call(n(3, 8, 12))
    assert got is not None and got.since is not None and got.until is not None
    assert got.since.tzinfo is UTC and got.until.tzinfo is UTC


def nights(zone: str, hour: int, minute: int) -> Schedule:
    return schedule(layer("nights", "ann bob", datetime(2026, 3, 1, hour, minute), D), zone=zone)


NYC_0230, NYC_0130 = nights(NY, 2, 30), nights(NY, 1, 30)
BUD_0230 = nights("Europe/Budapest", 2, 30)
GAP_AND_REPEAT = [
    # A hand-off at 02:30 on spring-forward night happens when the gap ends (03:00 summer time).
    ("nyc-skipped-0230", NYC_0230, u(3, 8, 6, 59), "ann", u(3, 7, 7, 30), u(3, 8, 7)),
    ("nyc-after-the-gap", NYC_0230, u(3, 8, 7), "bob", u(3, 8, 7), u(3, 9, 6, 30)),
    ("bud-skipped-0230", BUD_0230, u(3, 29, 0, 59), "bob", u(3, 28, 1, 30), u(3, 29, 1)),
    ("bud-after-the-gap", BUD_0230, b(3, 29, 3), "ann", u(3, 29, 1), u(3, 30, 0, 30)),
    # A hand-off at 01:30 on fall-back night happens at the first 01:30 (summer time) ...
    ("nyc-repeated-first", NYC_0130, n(11, 1, 1, 29), "ann", u(10, 31, 5, 30), u(11, 1, 5, 30)),
    ("nyc-repeated-second", NYC_0130, n(11, 1, 1, 15, 1), "bob", u(11, 1, 5, 30), u(11, 2, 6, 30)),
    # ... and at 02:30 in Budapest, repeated between 03:00 summer time and 02:00 winter time.
    ("bud-repeated-first", BUD_0230, b(10, 25, 2, 45), "ann", u(10, 25, 0, 30), u(10, 26, 1, 30)),
]  # fmt: skip


@pytest.mark.parametrize(("sched", "at", "person", "since", "until"), table(GAP_AND_REPEAT))
def test_a_skipped_hand_off_time_is_the_end_of_the_gap_and_a_repeated_one_its_first_occurrence(
    sched: Schedule, at: datetime, person: str, since: datetime, until: datetime
) -> None:
    assert sched.on_call(at) == OnCall(person, "layer nights", since, until)


def weekly_from(start: datetime) -> Schedule:
    return schedule(layer("weekly", "ann bob cy", start, W))


JUNE_1, APRIL_6 = weekly_from(datetime(2026, 6, 1, 9)), weekly_from(datetime(2026, 4, 6, 9))
BEFORE_START = [
    ("the-turn-just-before", JUNE_1, b(6, 1, 8, 59), "cy", u(5, 25, 7), u(6, 1, 7)),
    ("two-turns-before", JUNE_1, b(5, 25, 8, 59), "bob", u(5, 18, 7), u(5, 25, 7)),
    ("backwards-across-spring-dst", APRIL_6, b(3, 25, 12), "bob", u(3, 23, 8), u(3, 30, 7)),
    (
        "years-before",
        APRIL_6,
        datetime(2020, 1, 1, tzinfo=BUDAPEST),
        "ann",
        datetime(2019, 12, 30, 8, tzinfo=UTC),
        datetime(2020, 1, 6, 8, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(("sched", "at", "person", "since", "until"), table(BEFORE_START))
def test_before_its_start_a_rotation_runs_backwards(
    sched: Schedule, at: datetime, person: str, since: datetime, until: datetime
) -> None:
    assert sched.on_call(at) == OnCall(person, "layer weekly", since, until)


# -- layers and overrides -------------------------------------------------------------------
# Week of Monday 2026-11-23 (CET, UTC+1): base turn 46 (ann), office day 322 (xena) on Monday.

BASE = layer("base", "ann bob", datetime(2026, 1, 5, 9), W)
OFFICE = layer("office", "xena yuri", datetime(2026, 1, 5, 9), D, {"mon-fri": "09:00-17:00"})
WEEKEND = layer("weekend", "wes zoe", datetime(2026, 1, 3), W, {"sat-sun": "00:00-24:00"})
SUPPORT = schedule(BASE, OFFICE)
THREE = schedule(BASE, OFFICE, WEEKEND)
OVERS = schedule(
    BASE,
    OFFICE,
    overrides=(
        Override("olga", b(11, 25, 12), b(11, 25, 14)),
        Override("pete", b(11, 25, 13), b(11, 25, 20)),
        Override("ann", b(11, 26, 0), b(11, 26, 6)),
    ),
)
OFFICE_SRC, BASE_SRC = "layer office", "layer base"

LAYERED = [
    ("restricted-inside", SUPPORT, b(11, 25, 10), "xena", OFFICE_SRC, u(11, 25, 8), u(11, 25, 16)),
    ("restricted-before", SUPPORT, b(11, 25, 8, 59), "ann", BASE_SRC, u(11, 24, 16), u(11, 25, 8)),
    ("restricted-closing", SUPPORT, b(11, 25, 17), "ann", BASE_SRC, u(11, 25, 16), u(11, 26, 8)),
    ("restricted-weekend", SUPPORT, b(11, 28, 12), "ann", BASE_SRC, u(11, 27, 16), u(11, 30, 8)),
    ("restricted-next-turn", SUPPORT, b(11, 30, 18), "bob", BASE_SRC, u(11, 30, 16), u(12, 1, 8)),
    ("three-weekend", THREE, b(11, 28, 12), "zoe", "layer weekend", u(11, 27, 23), u(11, 29, 23)),
    ("three-friday-evening", THREE, b(11, 27, 20), "ann", BASE_SRC, u(11, 27, 16), u(11, 27, 23)),
    ("three-monday-early", THREE, b(11, 30, 8), "ann", BASE_SRC, u(11, 29, 23), u(11, 30, 8)),
    ("three-monday-office", THREE, b(11, 30, 10), "yuri", OFFICE_SRC, u(11, 30, 8), u(11, 30, 16)),
    ("override-not-yet", OVERS, b(11, 25, 11), "xena", OFFICE_SRC, u(11, 25, 8), u(11, 25, 11)),
    ("override-wins", OVERS, b(11, 25, 12, 30), "olga", "override", u(11, 25, 11), u(11, 25, 12)),
    ("later-override-wins", OVERS, b(11, 25, 13), "pete", "override", u(11, 25, 12), u(11, 25, 19)),
    ("override-ended", OVERS, b(11, 25, 20), "ann", BASE_SRC, u(11, 25, 19), u(11, 25, 23)),
    ("override-same-person", OVERS, b(11, 26, 3), "ann", "override", u(11, 25, 23), u(11, 26, 5)),
    ("after-that-override", OVERS, b(11, 26, 6), "ann", BASE_SRC, u(11, 26, 5), u(11, 26, 8)),
]  # fmt: skip


@pytest.mark.parametrize(("sched", "at", "person", "source", "since", "until"), table(LAYERED))
def test_an_override_beats_the_top_layer_that_has_someone_and_later_layers_are_on_top(
    sched: Schedule, at: datetime, person: str, source: str, since: datetime, until: datetime
) -> None:
    assert sched.on_call(at) == OnCall(person, source, since, until)


def test_the_order_of_layers_decides_which_one_is_on_top() -> None:
    got = schedule(WEEKEND, BASE, OFFICE).on_call(b(11, 28, 12))
    assert got is not None and (got.person, got.source) == ("ann", "layer base")


def test_of_overlapping_overrides_the_later_in_the_list_wins_where_they_overlap() -> None:
    swapped = schedule(
        BASE,
        overrides=(
            Override("pete", b(11, 25, 13), b(11, 25, 20)),
            Override("olga", b(11, 25, 12), b(11, 25, 14)),
        ),
    )
    assert swapped.shifts(u(11, 25, 11), u(11, 25, 20)) == [
        Shift("olga", "override", u(11, 25, 11), u(11, 25, 13)),
        Shift("pete", "override", u(11, 25, 13), u(11, 25, 19)),
        Shift("ann", "layer base", u(11, 25, 19), u(11, 25, 20)),
    ]


def test_nobody_is_on_call_outside_the_hours_of_the_only_layer() -> None:
    office_only = schedule(OFFICE)
    assert office_only.on_call(b(11, 25, 18)) is None
    assert office_only.on_call(b(11, 28, 12)) is None


SPLIT_DAY = {"mon": ["09:00-12:00", "12:00-17:00"]}
ACROSS_WEEKS = {"sun": "18:00-24:00", "mon": "00:00-08:00"}
WINDOWS = [
    # (id, hours, at, since, until) for a weekly layer: ann's turn runs Wed 18 to Wed 25 noon
    ("touching-intervals", SPLIT_DAY, b(11, 23, 12), u(11, 23, 8), u(11, 23, 16)),
    ("overnight-interval", {"wed": "22:00-06:00"}, b(11, 19, 3), u(11, 18, 21), u(11, 19, 5)),
    ("sunday-night-into-monday", {"sun": "22:00-06:00"}, b(11, 23, 3), u(11, 22, 21), u(11, 23, 5)),
    ("touching-at-week-end", ACROSS_WEEKS, b(11, 23, 1), u(11, 22, 17), u(11, 23, 7)),
]  # fmt: skip


@pytest.mark.parametrize(("hours", "at", "since", "until"), table(WINDOWS))
def test_restrict_hours_run_overnight_and_touching_ones_count_as_one_window(
    hours: Any, at: datetime, since: datetime, until: datetime
) -> None:
    sched = schedule(layer("w", "ann bob", datetime(2026, 11, 18, 12), W, hours))
    assert sched.on_call(at) == OnCall("ann", "layer w", since, until)


def test_restrict_hours_that_the_clocks_skip_leave_no_trace_that_night() -> None:
    nightly = layer("nightly", "nina", datetime(2026, 1, 4), D, {"sun": "02:00-03:00"})
    sched = schedule(BASE, nightly)
    assert sched.shifts(b(3, 29), b(3, 29, 6)) == [
        Shift("bob", "layer base", u(3, 28, 23), u(3, 29, 4))
    ]
    got = sched.on_call(b(3, 22, 2, 30))
    assert got == OnCall("nina", "layer nightly", u(3, 22, 1), u(3, 22, 2))


def test_windows_whose_gap_the_clocks_skip_run_together_as_one_stretch() -> None:
    hours = {"sun": ["01:30-02:15", "02:45-04:00"]}  # 02:15-02:45 never happens on 03-29
    sched = schedule(layer("w", "ann", datetime(2026, 1, 1), D, hours))
    for at in (b(3, 29, 1, 45), b(3, 29, 3, 30)):
        assert sched.on_call(at) == OnCall("ann", "layer w", u(3, 29, 0, 30), u(3, 29, 2))


def test_a_turn_the_clocks_skip_joins_the_turns_of_one_person_around_it() -> None:
    hourly = schedule(layer("hourly", "ann bob", datetime(2026, 3, 29), H))  # ann's 02:00 skipped
    for at in (b(3, 29, 1, 30), b(3, 29, 3, 30)):
        assert hourly.on_call(at) == OnCall("bob", "layer hourly", u(3, 29, 0), u(3, 29, 2))


# -- shifts and hand-offs -------------------------------------------------------------------


def test_shifts_give_the_final_schedule_with_overrides_cut_in() -> None:
    assert OVERS.shifts(b(11, 25), b(11, 26, 12)) == [
        Shift("ann", "layer base", u(11, 24, 23), u(11, 25, 8)),
        Shift("xena", "layer office", u(11, 25, 8), u(11, 25, 11)),
        Shift("olga", "override", u(11, 25, 11), u(11, 25, 12)),
        Shift("pete", "override", u(11, 25, 12), u(11, 25, 19)),
        Shift("ann", "layer base", u(11, 25, 19), u(11, 25, 23)),
        Shift("ann", "override", u(11, 25, 23), u(11, 26, 5)),
        Shift("ann", "layer base", u(11, 26, 5), u(11, 26, 8)),
        Shift("yuri", "layer office", u(11, 26, 8), u(11, 26, 11)),
    ]


def test_shifts_leave_out_the_gaps_when_nobody_is_on_call() -> None:
    assert schedule(OFFICE).shifts(b(11, 27), b(11, 30, 12)) == [
        Shift("xena", "layer office", u(11, 27, 8), u(11, 27, 16)),
        Shift("yuri", "layer office", u(11, 30, 8), u(11, 30, 11)),
    ]


def test_shifts_merge_consecutive_turns_and_touching_overrides_of_one_person() -> None:
    sched = schedule(
        layer("daily", "ann ann bob", datetime(2026, 11, 23), D),
        overrides=(
            Override("olga", b(11, 28, 6), b(11, 28, 12)),
            Override("olga", b(11, 28, 12), b(11, 28, 18)),
        ),
    )
    assert sched.shifts(b(11, 23), b(11, 29)) == [
        Shift("ann", "layer daily", u(11, 22, 23), u(11, 24, 23)),
        Shift("bob", "layer daily", u(11, 24, 23), u(11, 25, 23)),
        Shift("ann", "layer daily", u(11, 25, 23), u(11, 27, 23)),
        Shift("bob", "layer daily", u(11, 27, 23), u(11, 28, 5)),
        Shift("olga", "override", u(11, 28, 5), u(11, 28, 17)),
        Shift("bob", "layer daily", u(11, 28, 17), u(11, 28, 23)),
    ]
    assert sched.on_call(b(11, 24, 12)) == OnCall(
        "ann", "layer daily", u(11, 22, 23), u(11, 24, 23)
    )


def test_shifts_of_an_empty_range_are_empty_and_a_reversed_range_is_refused() -> None:
    assert SUPPORT.shifts(b(11, 25), b(11, 25)) == []
    with pytest.raises(ValueError, match=r"end: .* is before start"):
        SUPPORT.shifts(b(11, 25), b(11, 24))


SOLO = layer("solo", "ann", datetime(2026, 1, 1), D)
SOLO_DAYS = layer("days", "ann", datetime(2026, 1, 1), D, {"mon-fri": "09:00-17:00"})
SOLO_BUT_BOB = schedule(SOLO, overrides=(Override("bob", b(12, 31, 12), b(12, 31, 14)),))
HANDOFFS = [
    ("office-closes", SUPPORT, b(11, 25, 10), u(11, 25, 16)),
    ("across-dst", DAILY_BUD, b(3, 28, 12), u(3, 29, 7)),
    ("an-override-for-the-same-person-is-no-hand-off", OVERS, b(11, 25, 20), u(11, 26, 8)),
    ("to-nobody", schedule(OFFICE), b(11, 25, 10), u(11, 25, 16)),
    ("from-nobody", schedule(OFFICE), b(11, 25, 18), u(11, 26, 8)),
    ("one-member-never", schedule(SOLO), b(11, 25), None),
    ("same-person-in-every-layer-never", schedule(SOLO, SOLO_DAYS), b(11, 25), None),
    ("override-starts", SOLO_BUT_BOB, b(11, 25), u(12, 31, 11)),
    ("override-ends", SOLO_BUT_BOB, b(12, 31, 13), u(12, 31, 13)),
    ("after-the-last-override", SOLO_BUT_BOB, b(12, 31, 14), None),
]


@pytest.mark.parametrize(("sched", "at", "expected"), table(HANDOFFS))
def test_next_handoff_is_the_first_instant_someone_else_or_nobody_takes_over(
    sched: Schedule, at: datetime, expected: datetime | None
) -> None:
    assert sched.next_handoff(at) == expected


def test_an_unrestricted_one_person_layer_holds_for_ever() -> None:
    assert schedule(SOLO).on_call(b(11, 25)) == OnCall("ann", "layer solo", None, None)


# -- refusals -------------------------------------------------------------------------------

NAIVE = datetime(2026, 11, 25, 10)
NAIVE_CALLS = [
    ("on_call", lambda: SUPPORT.on_call(NAIVE)),
    ("shifts-start", lambda: SUPPORT.shifts(NAIVE, b(11, 26))),
    ("shifts-end", lambda: SUPPORT.shifts(b(11, 24), NAIVE)),
    ("next_handoff", lambda: SUPPORT.next_handoff(NAIVE)),
]


@pytest.mark.parametrize("call", table(NAIVE_CALLS))
def test_a_naive_datetime_is_refused(call: Any) -> None:
    with pytest.raises(ValueError, match="2026-11-25T10:00:00 has no time zone"):
        call()


TUESDAY_BACKWARDS = ((), ((600, 540),), (), (), (), (), ())
BACKWARDS = (Override("bob", b(1, 2), b(1, 1)),)
HALF_NAIVE = (Override("bob", NAIVE, b(1, 1)),)
BROKEN = [
    ("no-members", schedule(replace(SOLO, members=())), "layers[0].members"),
    ("zero-length", schedule(replace(SOLO, length=timedelta(0))), "layers[0].length"),
    ("aware-start", schedule(replace(SOLO, start=b(1, 1))), "layers[0].start"),
    ("same-name", schedule(BASE, BASE), "layers[1].name"),
    ("no-hours", schedule(replace(SOLO, restrict=((),) * 7)), "layers[0].restrict"),
    ("backwards-hours", schedule(replace(SOLO, restrict=TUESDAY_BACKWARDS)), "layers[0].restrict"),
    ("six-days", schedule(replace(SOLO, restrict=(((540, 600),),) * 6)), "layers[0].restrict"),
    ("override-backwards", schedule(SOLO, overrides=BACKWARDS), "overrides[0].end"),
    ("override-naive", schedule(SOLO, overrides=HALF_NAIVE), "overrides[0]: start"),
    ("unknown-zone", schedule(SOLO, zone="Europe/Atlantis"), "timezone: unknown time zone"),
]  # fmt: skip


@pytest.mark.parametrize(("sched", "where"), table(BROKEN))
def test_a_broken_schedule_is_reported_by_place_and_refused_by_the_queries(
    sched: Schedule, where: str
) -> None:
    problems = check_schedule(sched)
    assert len(problems) == 1 and problems[0].startswith(where)
    with pytest.raises(ScheduleError, match=f"schedule 'ops': .*{re.escape(where)}"):
        sched.on_call(b(11, 25))


def test_a_sound_schedule_has_no_problems() -> None:
    assert check_schedule(THREE) == [] and check_schedule(OVERS) == []


# -- properties against a brute-force reference -----------------------------------------------


def in_hours(week: WeekHours, zone: ZoneInfo, at: datetime) -> bool:
    local = at.astimezone(zone).date()
    for day in (local - D, local, local + D):
        midnight = datetime.combine(day, time())
        for start, end in week[day.weekday()]:
            opens = first_instant(midnight + timedelta(minutes=start), zone)
            if opens <= at < first_instant(midnight + timedelta(minutes=end), zone):
                return True
    return False


def reference(sched: Schedule, at: datetime) -> tuple[str, str] | None:
    """Who is on call by the rules read literally: last covering override, else the last
    layer with someone, the turn found by trying every turn near the wall-clock guess."""
    zone = ZoneInfo(sched.timezone)
    for override in reversed(sched.overrides):
        if override.start <= at < override.end:
            return override.person, "override"
    for lay in reversed(sched.layers):
        if lay.restrict is not None and not in_hours(lay.restrict, zone, at):
            continue
        guess = (at.astimezone(zone).replace(tzinfo=None) - lay.start) // lay.length
        for k in range(guess - 4, guess + 5):
            begins = first_instant(lay.start + k * lay.length, zone)
            if begins <= at < first_instant(lay.start + (k + 1) * lay.length, zone):
                return lay.members[k % len(lay.members)], f"layer {lay.name}"
        raise AssertionError(f"no turn of {lay.name} holds {at}")
    return None


def answer(got: OnCall | None) -> tuple[str, str] | None:
    return None if got is None else (got.person, got.source)


# Each zone with the days its clocks change in 2026; schedules and instants cluster around them.
SEASONS = [
    ("Europe/Budapest", date(2026, 3, 29)),
    ("Europe/Budapest", date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Australia/Lord_Howe", date(2026, 4, 5)),
    ("Australia/Lord_Howe", date(2026, 10, 4)),
]
LENGTHS = [30 * timedelta(minutes=1), H, 90 * timedelta(minutes=1), 12 * H, D, 25 * H, W]
HOURS: list[WeekHours | None] = [
    None,
    parse_hours({"mon-fri": "09:00-17:00"}),
    parse_hours({"sat-sun": "00:00-24:00"}),
    parse_hours({"sat": "22:00-01:30", "sun": ["01:30-02:15", "02:45-04:00"]}),
    parse_hours(
        {"mon": "22:00-06:00", "wed-sat": ["01:00-03:00", "12:00-13:00"], "sun": "23:00-00:30"}
    ),
    parse_hours("24x7"),
]
HALF_HOURS = 30 * timedelta(minutes=1)


@st.composite
def schedules_and_instants(draw: st.DrawFn) -> tuple[Schedule, datetime]:
    zone_name, day = draw(st.sampled_from(SEASONS))
    zone = ZoneInfo(zone_name)
    anchor = datetime.combine(day, time())
    layers = []
    for i in range(draw(st.integers(1, 3))):
        members = draw(st.lists(st.sampled_from(["ann", "bob", "cy"]), min_size=1, max_size=4))
        start = anchor + draw(st.integers(-960, 960)) * HALF_HOURS
        length = draw(st.sampled_from(LENGTHS))
        layers.append(Layer(f"l{i}", tuple(members), start, length, draw(st.sampled_from(HOURS))))
    overrides = []
    for _ in range(draw(st.integers(0, 3))):
        start = (anchor + draw(st.integers(-480, 480)) * HALF_HOURS).replace(tzinfo=zone)
        end = start + draw(st.integers(1, 144)) * HALF_HOURS
        overrides.append(Override(draw(st.sampled_from(["olga", "ann"])), start, end))
    base = anchor.replace(tzinfo=zone).astimezone(UTC)
    at = base + draw(
        st.one_of(
            st.integers(-480, 480).map(lambda n: n * HALF_HOURS),  # on the hand-off grid
            st.integers(0, 4 * 60).map(lambda n: n * timedelta(minutes=1)),  # the change night
            st.integers(-10 * 86400, 10 * 86400).map(lambda s: timedelta(seconds=s)),
        )
    )
    return Schedule("p", "property", zone_name, tuple(layers), tuple(overrides)), at


fast = settings(max_examples=200, deadline=None)


@fast
@given(schedules_and_instants())
def test_on_call_agrees_with_the_rules_read_literally(case: tuple[Schedule, datetime]) -> None:
    sched, at = case
    assert answer(sched.on_call(at)) == reference(sched, at)


@fast
@given(schedules_and_instants(), st.floats(0, 1))
def test_the_answer_holds_from_since_to_until_and_changes_at_both_ends(
    case: tuple[Schedule, datetime], fraction: float
) -> None:
    sched, at = case
    got = sched.on_call(at)
    if got is None:
        return
    expected = (got.person, got.source)
    if got.since is not None:
        assert got.since <= at
        assert answer(sched.on_call(got.since)) == expected == reference(sched, got.since)
        assert reference(sched, got.since - US) != expected
    if got.until is not None:
        assert at < got.until
        assert reference(sched, got.until) != expected
        assert reference(sched, got.until - US) == expected
    if got.since is not None and got.until is not None:
        inside = got.since + (got.until - got.since) * fraction
        assert reference(sched, min(inside, got.until - US)) == expected


@fast
@given(schedules_and_instants())
def test_on_call_agrees_with_the_shift_that_contains_the_instant(
    case: tuple[Schedule, datetime],
) -> None:
    sched, at = case
    start, end = at - 3 * D, at + 3 * D
    shifts = sched.shifts(start, end)
    holding = [s for s in shifts if s.start <= at < s.end]
    got = sched.on_call(at)
    if got is None:
        assert holding == []
        return
    assert len(holding) == 1
    shift = holding[0]
    assert (shift.person, shift.source) == (got.person, got.source)
    assert shift.start == (start if got.since is None else max(got.since, start))
    assert shift.end == (end if got.until is None else min(got.until, end))
    for before, after in pairwise(shifts):
        assert before.end <= after.start
        assert before.end < after.start or (before.person, before.source) != (
            after.person,
            after.source,
        )


@fast
@given(schedules_and_instants())
def test_next_handoff_is_the_first_change_of_person(case: tuple[Schedule, datetime]) -> None:
    sched, at = case
    handoff = sched.next_handoff(at)
    person = answer(sched.on_call(at))
    if handoff is None:
        horizon = [s.person for s in sched.shifts(at, at + 60 * D)]
        assert set(horizon) <= {person[0]} if person else horizon == []
        return
    assert handoff > at
    shifts = sched.shifts(at, handoff)
    if person is None:
        assert shifts == []
    else:
        assert {s.person for s in shifts} == {person[0]}
        assert sum((s.end - s.start for s in shifts), timedelta(0)) == handoff - at
    before, after = reference(sched, handoff - US), reference(sched, handoff)
    assert (before and before[0]) != (after and after[0])
