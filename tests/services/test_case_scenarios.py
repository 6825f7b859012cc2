"""Story tests through the service layer with the virtual clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from escalon.clock import VirtualClock
from escalon.schemas.cases import CaseUpdate, CommentCreate, PriorityOverride, StatusChange
from escalon.services import cases
from escalon.services.context import App
from tests.conftest import BUDAPEST
from tests.services.helpers import clock, create, events, run_for


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BUDAPEST).astimezone(UTC)


def test_vip_customer_raises_p2_to_p1_with_a_two_step_explanation(app: App) -> None:
    case = create(app, customer="duna-bank", impact=2, urgency=2)

    assert case.priority == "P1"
    assert case.priority_explanation == ["matrix I2×U2 → P2", "customer tier vip → P1"]
    assert case.sla_policy == "vip"
    assert clock(case, "first_response").calendar == "24x7"


def test_six_hour_response_breach_fires_once_in_business_hours(app: App) -> None:
    app_now = app.clock.now()
    run_for(app, hours=8)  # Monday 16:00 in Budapest
    assert app.clock.now() == app_now + timedelta(hours=8)
    case = create(app)
    # 1 h on Monday, 3 h Tuesday morning, 2 h after lunch: due Tuesday 15:00, warned 13:30.
    assert clock(case, "first_response").due_at == local(2026, 11, 24, 15, 0)

    run_for(app, days=3)

    breaches = events(app, case.ref, "sla_breach")
    warnings = events(app, case.ref, "sla_warning")
    first_response = [e for e in breaches if e.data["metric"] == "first_response"]
    assert [e.at for e in first_response] == [local(2026, 11, 24, 15, 0)]
    assert local(2026, 11, 24, 13, 30) in [e.at for e in warnings]
    for event in breaches + warnings:
        at = event.at.astimezone(BUDAPEST)
        assert at.weekday() < 5 and 9 <= at.hour < 17, f"{event.type} fired at night: {at}"


def test_breach_not_fired_before_its_instant(app: App) -> None:
    case = create(app)  # Monday 08:00, due 16:00
    run_for(app, hours=7, minutes=59)
    assert events(app, case.ref, "sla_breach") == []
    run_for(app, minutes=1)
    assert len(events(app, case.ref, "sla_breach")) == 1
    assert cases.get_case(app, case.ref).breached


def test_waiting_on_customer_pauses_and_the_customer_reply_resumes(app: App) -> None:
    case = create(app)
    run_for(app, hours=2)  # 10:00, one business hour used
    cases.add_comment(app, case.ref, CommentCreate(kind="reply", body="Which browser?"), "anna")
    paused = cases.change_status(app, case.ref, StatusChange(status="waiting_on_customer"), "a")
    assert clock(paused, "resolution").status == "paused"
    assert clock(paused, "resolution").consumed_seconds == 3600

    run_for(app, days=1)  # Tuesday 10:00: nothing consumed while waiting
    resumed = cases.add_comment(
        app, case.ref, CommentCreate(kind="customer", body="Firefox"), "customer"
    )

    assert resumed.status == "open"
    resolution = clock(resumed, "resolution")
    assert resolution.status == "running"
    assert resolution.consumed_seconds == 3600
    assert events(app, case.ref, "sla_breach") == []


def test_priority_change_keeps_consumed_time_and_moves_the_due_instant(app: App) -> None:
    case = create(app)  # P3: first response 6 h on the office calendar
    run_for(app, hours=1, minutes=30)  # 09:30: 30 business minutes used

    raised = cases.update_case(app, case.ref, CaseUpdate(impact=2, urgency=2), "anna")

    assert raised.priority == "P2"
    first = clock(raised, "first_response")
    assert first.target_seconds == 3600
    assert first.consumed_seconds == 1800
    assert first.due_at == local(2026, 11, 23, 10, 0)
    changed = events(app, case.ref, "priority_changed")
    assert changed[0].data["from"] == "P3" and changed[0].data["to"] == "P2"


def test_customer_messages_never_count_as_a_first_response(app: App) -> None:
    case = create(app)
    run_for(app, hours=2)
    after_customer = cases.add_comment(
        app, case.ref, CommentCreate(kind="customer", body="Any news?"), "customer"
    )
    assert clock(after_customer, "first_response").status == "running"
    assert after_customer.first_response_at is None

    after_note = cases.add_comment(
        app, case.ref, CommentCreate(kind="note", body="Looking at logs"), "anna"
    )
    assert clock(after_note, "first_response").status == "running"

    replied = cases.add_comment(app, case.ref, CommentCreate(kind="reply", body="On it"), "anna")
    assert clock(replied, "first_response").status == "met"
    assert replied.first_response_at == app.clock.now()


def test_update_interval_restarts_on_stakeholder_update_not_on_internal_note(app: App) -> None:
    case = create(app, customer="duna-bank", impact=1, urgency=1)  # vip P1: update every 1 h
    run_for(app, minutes=40)
    noted = cases.add_comment(app, case.ref, CommentCreate(kind="note", body="internal"), "a")
    assert clock(noted, "update_interval").cycle == 1
    updated = cases.add_comment(app, case.ref, CommentCreate(kind="update", body="status"), "a")
    interval = clock(updated, "update_interval")
    assert interval.cycle == 2
    assert interval.due_at == app.clock.now() + timedelta(hours=1)


def test_override_needs_a_reason_and_is_recorded(app: App) -> None:
    case = create(app)
    overridden = cases.override_priority(
        app,
        case.ref,
        PriorityOverride(priority="P1", reason="Board demo at 14:00 depends on the portal"),
        "manager-gabor",
    )
    assert overridden.priority == "P1"
    assert overridden.priority_explanation[-1].startswith("override by manager-gabor → P1")
    assert events(app, case.ref, "priority_overridden")[0].actor == "manager-gabor"


def test_resolving_meets_all_clocks_and_stops_timers(app: App) -> None:
    case = create(app)
    resolved = cases.change_status(app, case.ref, StatusChange(status="resolved"), "anna")
    assert {c.status for c in resolved.clocks} == {"met"}
    run_for(app, days=10)
    assert events(app, case.ref, "sla_warning", "sla_breach") == []


def test_resolving_after_the_due_instant_before_the_worker_ran_still_records_the_breach(
    app: App,
) -> None:
    case = create(app)  # first response due Monday 16:00 in Budapest
    with app.transaction() as session:  # time passes, but no worker processes the timer
        VirtualClock.set(session, local(2026, 11, 23, 16, 30))

    resolved = cases.change_status(app, case.ref, StatusChange(status="resolved"), "anna")

    breach = events(app, case.ref, "sla_breach")
    assert [e.data["metric"] for e in breach] == ["first_response"]
    assert breach[0].data["due_at"].startswith("2026-11-23T15:00:00")
    assert resolved.breached
    assert clock(resolved, "first_response").status == "met"
