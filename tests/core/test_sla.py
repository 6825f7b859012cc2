"""SLA clocks with explicit instants: warn and breach once, pause, retarget, restart, calendars."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalon.core import sla
from escalon.core.calendar import BusinessCalendar
from escalon.core.sla import Clock, ClockState, Metric, Target

H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)
BUDAPEST = ZoneInfo("Europe/Budapest")
ALWAYS = BusinessCalendar.always_open()
OFFICE = BusinessCalendar.from_config(
    {"timezone": "Europe/Budapest", "hours": {"mon-fri": ["09:00-12:00", "13:00-17:00"]}}
)


def utc(hour: int, minute: int = 0, day: int = 23) -> datetime:
    """An instant on Monday 23 November 2026 (or another November day), in UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Budapest wall-clock instant in November 2026 (23 = Monday; CET, UTC+1)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BUDAPEST)


def resolution(hours: float, calendar: str = "24x7") -> Target:
    return Target(Metric.RESOLUTION, timedelta(hours=hours), calendar)


def start(hours: float = 4, at: datetime | None = None, cal: BusinessCalendar = ALWAYS) -> Clock:
    return sla.start_clock(resolution(hours), 0.75, cal, at or utc(9))


def fired(clock: Clock, now: datetime) -> tuple[Clock, list[tuple[str, datetime]]]:
    clock, events = sla.fire(clock, now)
    return clock, [(e.type, e.at) for e in events]


# --- warning and breach on 24x7 -------------------------------------------------------------


def test_new_clock_runs_with_due_and_warning_instants():
    clock = start(4)
    assert clock.state is ClockState.RUNNING
    assert clock.status == "running"
    assert (clock.consumed, clock.started_at) == (timedelta(0), utc(9))
    assert (clock.warn_due_at, clock.due_at) == (utc(12), utc(13))
    assert clock.next_timer() == ("sla_warning", utc(12))
    assert clock.next_timer_for() == ("resolution:sla_warning", utc(12))


def test_24x7_clock_warns_at_75_percent_and_breaches_at_100_percent_each_once():
    steps = [
        (utc(11, 59), []),
        (utc(12), [("sla_warning", utc(12))]),
        (utc(12), []),
        (utc(12, 30), []),
        (utc(13), [("sla_breach", utc(13))]),
        (utc(13), []),
        (utc(18), []),
    ]
    clock = start(4)
    for now, expected in steps:
        clock, events = fired(clock, now)
        assert events == expected, now
    assert clock.status == "breached"
    assert clock.breached_at == utc(13)
    assert clock.next_timer() is None


def test_late_fire_emits_warning_then_breach_at_their_own_instants():
    clock, events = fired(start(4), utc(15))
    assert events == [("sla_warning", utc(12)), ("sla_breach", utc(13))]
    assert fired(clock, utc(16))[1] == []


def test_next_timer_moves_from_warning_to_breach_to_none():
    clock = start(4)
    clock, _ = fired(clock, utc(12))
    assert clock.next_timer() == ("sla_breach", utc(13))
    clock, _ = fired(clock, utc(13))
    assert clock.next_timer() is None


def test_events_carry_metric_target_calendar_due_and_cycle():
    _, events = sla.fire(start(4), utc(13))
    breach = events[1]
    assert breach.metric is Metric.RESOLUTION
    assert dict(breach.data) == {
        "metric": "resolution",
        "target_seconds": 4 * 3600,
        "calendar": "24x7",
        "due_at": utc(13).isoformat(),
        "cycle": 1,
    }


def test_breached_clock_keeps_consuming_time():
    clock, _ = fired(start(4), utc(13))
    later = sla.checkpoint(clock, ALWAYS, utc(15, 30))
    assert later.state is ClockState.RUNNING
    assert later.status == "breached"
    assert later.consumed == timedelta(hours=6, minutes=30)
    assert later.consumed > later.target


# --- pause, resume, meet, reopen, restart ---------------------------------------------------


def test_pause_stops_consumption_and_resume_continues_with_consumed_time():
    paused = sla.pause(start(4), ALWAYS, utc(10))
    assert paused.state is ClockState.PAUSED
    assert paused.consumed == H
    assert (paused.due_at, paused.warn_due_at, paused.next_timer()) == (None, None, None)
    assert sla.checkpoint(paused, ALWAYS, utc(11)).consumed == H
    assert sla.fire(paused, utc(20)) == (paused, [])

    resumed = sla.resume(paused, ALWAYS, utc(12))
    assert resumed.state is ClockState.RUNNING
    assert resumed.consumed == H
    assert (resumed.warn_due_at, resumed.due_at) == (utc(14), utc(15))
    assert sla.checkpoint(resumed, ALWAYS, utc(13)).consumed == 2 * H


def test_pause_and_resume_are_idempotent():
    paused = sla.pause(start(4), ALWAYS, utc(10))
    assert sla.pause(paused, ALWAYS, utc(11)) == paused
    running = start(4)
    assert sla.resume(running, ALWAYS, utc(10)) == running


def test_paused_breached_clock_stays_breached_and_resumes_breached():
    clock, _ = fired(start(4), utc(13))
    paused = sla.pause(clock, ALWAYS, utc(14))
    assert (paused.state, paused.status) == (ClockState.PAUSED, "breached")
    assert (paused.consumed, paused.due_at) == (5 * H, utc(13))
    resumed = sla.resume(paused, ALWAYS, utc(16))
    assert resumed.status == "breached"
    assert fired(resumed, utc(20))[1] == []
    assert sla.checkpoint(resumed, ALWAYS, utc(17)).consumed == 6 * H


def test_meet_stops_the_clock_and_its_events():
    met = sla.meet(start(4), ALWAYS, utc(11))
    assert (met.state, met.status, met.met_at, met.consumed) == (
        ClockState.MET,
        "met",
        utc(11),
        2 * H,
    )
    assert sla.checkpoint(met, ALWAYS, utc(15)).consumed == 2 * H
    assert fired(met, utc(15))[1] == []
    assert met.next_timer() is None
    assert sla.meet(met, ALWAYS, utc(12)) == met


def test_reopen_continues_from_the_consumed_time():
    met = sla.meet(start(4), ALWAYS, utc(11))
    reopened = sla.reopen(met, ALWAYS, utc(20))
    assert (reopened.state, reopened.consumed, reopened.met_at) == (
        ClockState.RUNNING,
        2 * H,
        None,
    )
    assert (reopened.warn_due_at, reopened.due_at) == (utc(21), utc(22))
    assert sla.reopen(reopened, ALWAYS, utc(21)) == reopened


def test_reopen_of_a_breached_clock_stays_breached_without_a_second_breach():
    clock, _ = fired(start(4), utc(14))
    reopened = sla.reopen(sla.meet(clock, ALWAYS, utc(15)), ALWAYS, utc(16))
    assert reopened.status == "breached"
    assert fired(reopened, utc(23))[1] == []


def test_restart_begins_a_new_cycle_from_zero():
    clock, _ = fired(start(4), utc(14))
    fresh = sla.restart(clock, ALWAYS, utc(14))
    assert fresh.cycle == 2
    assert (fresh.consumed, fresh.started_at, fresh.status) == (timedelta(0), utc(14), "running")
    assert (fresh.warned, fresh.breached, fresh.breached_at) == (False, False, None)
    assert (fresh.warn_due_at, fresh.due_at) == (utc(17), utc(18))
    _, events = sla.fire(fresh, utc(18))
    assert [(e.type, e.at, e.data["cycle"]) for e in events] == [
        ("sla_warning", utc(17), 2),
        ("sla_breach", utc(18), 2),
    ]


def test_restart_runs_a_met_clock_again():
    fresh = sla.restart(sla.meet(start(4), ALWAYS, utc(10)), ALWAYS, utc(11))
    assert (fresh.state, fresh.met_at, fresh.due_at) == (ClockState.RUNNING, None, utc(15))


# --- retarget (a priority change) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "warn_due", "due"),
    [(8, utc(15), utc(17)), (2, utc(10, 30), utc(11)), (4, utc(12), utc(13))],
)
def test_retarget_keeps_consumed_time_and_moves_due_at(hours, warn_due, due):
    clock = sla.retarget(start(4), resolution(hours), 0.75, ALWAYS, ALWAYS, utc(10))
    assert clock.consumed == H
    assert clock.target == timedelta(hours=hours)
    assert (clock.warn_due_at, clock.due_at) == (warn_due, due)


def test_retarget_below_the_consumed_time_is_due_at_once():
    clock = sla.retarget(start(4), resolution(0.5), 0.75, ALWAYS, ALWAYS, utc(10))
    assert (clock.warn_due_at, clock.due_at) == (utc(10), utc(10))
    assert fired(clock, utc(10))[1] == [("sla_warning", utc(10)), ("sla_breach", utc(10))]


def test_retarget_to_a_larger_target_after_a_breach_unbreaches():
    clock, _ = fired(start(4), utc(13))
    larger = sla.retarget(clock, resolution(8), 0.75, ALWAYS, ALWAYS, utc(14))
    assert (larger.breached, larger.breached_at, larger.status) == (False, None, "running")
    assert larger.consumed == 5 * H
    assert larger.due_at == utc(17)
    assert fired(larger, utc(17))[1] == [("sla_warning", utc(15)), ("sla_breach", utc(17))]


def test_retarget_to_a_target_still_exceeded_stays_breached_and_does_not_breach_again():
    clock, _ = fired(start(4), utc(13))
    smaller = sla.retarget(clock, resolution(2), 0.75, ALWAYS, ALWAYS, utc(14))
    assert (smaller.status, smaller.breached_at) == ("breached", utc(13))
    assert fired(smaller, utc(20))[1] == []


def test_retarget_of_a_paused_clock_keeps_it_paused_with_its_consumed_time():
    paused = sla.pause(start(4), ALWAYS, utc(10))
    changed = sla.retarget(paused, resolution(8), 0.75, ALWAYS, ALWAYS, utc(12))
    assert (changed.state, changed.consumed, changed.due_at) == (ClockState.PAUSED, H, None)
    assert sla.resume(changed, ALWAYS, utc(12)).due_at == utc(19)


def test_retarget_counts_the_past_on_the_old_calendar_and_the_rest_on_the_new():
    # Office time Monday 08:00 → 10:00 local is one business hour; then 3 hours on 24x7.
    office = sla.start_clock(resolution(24, "office"), 0.75, OFFICE, local(23, 8))
    changed = sla.retarget(office, resolution(4), 0.75, ALWAYS, OFFICE, local(23, 10))
    assert (changed.consumed, changed.calendar) == (H, "24x7")
    assert changed.due_at == local(23, 13)


# --- a real business calendar (Budapest office, 09-12 and 13-17) ---------------------------


def test_office_6h_target_from_monday_0800_is_due_1600_and_warns_1430():
    clock = sla.start_clock(resolution(6, "office"), 0.75, OFFICE, local(23, 8))
    assert clock.due_at == local(23, 16)
    assert clock.warn_due_at == local(23, 14, 30)


@pytest.mark.parametrize(
    ("started", "hours", "due"),
    [
        (local(23, 8), 6, local(23, 16)),  # opens at 09:00, lunch is not counted
        (local(23, 9), 3, local(23, 12)),  # reached exactly at the lunch closing: due 12:00
        (local(23, 16), 2, local(24, 10)),  # one hour today, one tomorrow morning
        (local(23, 16), 1, local(23, 17)),  # reached exactly at closing: not the next morning
        (local(23, 12, 30), 1, local(23, 14)),  # started during lunch
        (local(23, 20), 0.5, local(24, 9, 30)),  # started at night
        (local(27, 16), 2, local(30, 10)),  # Friday afternoon: due Monday morning
        (local(28, 11), 1, local(30, 10)),  # started on Saturday
    ],
)
def test_office_target_is_never_due_strictly_inside_a_closed_period(started, hours, due):
    clock = sla.start_clock(resolution(hours, "office"), 0.75, OFFICE, started)
    assert clock.due_at == due
    assert OFFICE.is_open(clock.due_at - US), "the last instant before due must be open time"


def test_office_clock_consumes_only_open_time_overnight():
    clock = sla.start_clock(resolution(6, "office"), 0.75, OFFICE, local(23, 16))
    assert sla.checkpoint(clock, OFFICE, local(24, 9, 30)).consumed == 90 * M


def test_office_clock_resumed_in_the_evening_is_due_next_business_day():
    clock = sla.start_clock(resolution(2, "office"), 0.75, OFFICE, local(23, 9))
    paused = sla.pause(clock, OFFICE, local(23, 10))
    resumed = sla.resume(paused, OFFICE, local(23, 19))
    assert resumed.due_at == local(24, 10)


# --- properties on a 24x7 calendar ----------------------------------------------------------

STEP = st.tuples(
    st.sampled_from(["pause", "resume", "checkpoint", "fire", "restart"]),
    st.integers(min_value=0, max_value=6 * 3600),
)


def apply(clock: Clock, op: str, now: datetime) -> tuple[Clock, list[sla.ClockEvent]]:
    if op == "fire":
        return sla.fire(clock, now)
    if op == "restart":
        return sla.restart(clock, ALWAYS, now), []
    function = {"pause": sla.pause, "resume": sla.resume, "checkpoint": sla.checkpoint}[op]
    return function(clock, ALWAYS, now), []


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(STEP.filter(lambda s: s[0] != "restart"), max_size=30),
    target_minutes=st.integers(min_value=1, max_value=48 * 60),
    tail=st.integers(min_value=0, max_value=3600),
)
def test_consumed_time_equals_total_running_time(steps, target_minutes, tail):
    now = utc(9)
    clock = sla.start_clock(resolution(target_minutes / 60), 0.75, ALWAYS, now)
    running, expected = True, timedelta(0)
    for op, gap in steps:
        step = timedelta(seconds=gap)
        expected += step if running else timedelta(0)
        now += step
        clock, _ = apply(clock, op, now)
        running = {"pause": False, "resume": True}.get(op, running)
        assert (clock.state is ClockState.RUNNING) is running
    end = now + timedelta(seconds=tail)
    expected += timedelta(seconds=tail) if running else timedelta(0)
    assert sla.checkpoint(clock, ALWAYS, end).consumed == expected


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(STEP, max_size=40),
    target_minutes=st.integers(min_value=1, max_value=6 * 60),
)
def test_fire_never_emits_the_same_event_twice_in_one_cycle(steps, target_minutes):
    now = utc(9)
    clock = sla.start_clock(resolution(target_minutes / 60), 0.75, ALWAYS, now)
    seen: Counter[tuple[int, str]] = Counter()
    for op, gap in [*steps, ("fire", 0)]:
        now += timedelta(seconds=gap)
        clock, events = apply(clock, op, now)
        for event in events:
            assert event.at <= now
            assert event.data["cycle"] == clock.cycle
            seen[(clock.cycle, event.type)] += 1
    assert all(count == 1 for count in seen.values()), seen
    for cycle, kind in seen:
        if kind == "sla_breach":
            assert (cycle, "sla_warning") in seen
