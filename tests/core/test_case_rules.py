"""Case rules: the status lifecycle, case facts, and how SLA clocks react to what happens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from escalon.core import case as rules
from escalon.core.calendar import BusinessCalendar
from escalon.core.conditions import Condition
from escalon.core.errors import InvalidTransition, InvalidValue
from escalon.core.organisation import Customer, Service
from escalon.core.policy import Policy
from escalon.core.sla import Clock, ClockState, Metric, SlaPolicy, Target

H = timedelta(hours=1)
M = timedelta(minutes=1)
BUDAPEST = ZoneInfo("Europe/Budapest")
FR, UPD, RES = Metric.FIRST_RESPONSE, Metric.UPDATE_INTERVAL, Metric.RESOLUTION


def utc(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BUDAPEST)


def targets(first: timedelta, update: timedelta, resolve: timedelta, cal: str = "24x7"):
    return {
        FR: Target(FR, first, cal),
        UPD: Target(UPD, update, cal),
        RES: Target(RES, resolve, cal),
    }


VIP_SLA = SlaPolicy(
    "vip",
    Condition.parse({"field": "customer_tier", "op": "eq", "value": "vip"}),
    {1: targets(15 * M, H, 4 * H), 2: targets(30 * M, 2 * H, 8 * H)},
)
STANDARD_SLA = SlaPolicy(
    "standard",
    Condition.parse(None),
    {
        1: targets(30 * M, H, 8 * H),
        2: targets(H, 4 * H, 16 * H),
        3: targets(2 * H, 8 * H, 24 * H, "office"),
        4: {RES: Target(RES, 40 * H, "office")},
    },
)
CALENDARS = {
    "24x7": BusinessCalendar.always_open(),
    "office": BusinessCalendar.from_config(
        {"timezone": "Europe/Budapest", "hours": {"mon-fri": ["09:00-12:00", "13:00-17:00"]}}
    ),
}
POLICY = Policy(
    sla=(VIP_SLA, STANDARD_SLA),
    calendars=CALENDARS,
    customers={
        "acme": Customer("acme", "Acme Bank", tier="vip"),
        "bolt": Customer("bolt", "Bolt Ltd"),
    },
    services={
        "payments": Service("payments", "Payments", business_value="critical"),
        "mail": Service("mail", "Mail", business_value="high"),
        "wiki": Service("wiki", "Wiki", business_value="low"),
    },
)


def facts(customer: str = "acme", priority: int = 2, status: str = "new", **more: Any):
    return rules.case_facts(
        {"customer": customer, "priority": priority, "status": status, **more}, POLICY
    )


def opened(at: datetime = utc(9), **kwargs: Any) -> tuple[Clock, ...]:
    """The clocks of a vip P2 case (30m / 2h / 8h on 24x7) unless told otherwise."""
    return rules.open_clocks(POLICY, facts(**kwargs), at).clocks


def by_metric(clocks: tuple[Clock, ...] | list[Clock]) -> dict[Metric, Clock]:
    return {c.metric: c for c in clocks}


def status(clocks, old: str, new: str, at: datetime, policy_name: str | None = "vip"):
    return rules.on_status(POLICY, policy_name, clocks, old, new, at)


# --- status lifecycle -----------------------------------------------------------------------

STATUSES = ["new", "open", "waiting_on_customer", "resolved", "closed", "reopened"]
ALLOWED = {
    ("new", "open"),
    ("new", "waiting_on_customer"),
    ("new", "resolved"),
    ("open", "waiting_on_customer"),
    ("open", "resolved"),
    ("waiting_on_customer", "open"),
    ("waiting_on_customer", "resolved"),
    ("resolved", "closed"),
    ("resolved", "reopened"),
    ("closed", "reopened"),
    ("reopened", "open"),
    ("reopened", "waiting_on_customer"),
    ("reopened", "resolved"),
}
REFUSED = sorted(set(product(STATUSES, STATUSES)) - ALLOWED)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition_passes(current: str, target: str):
    rules.check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refused_transition_names_both_states_and_the_status_field(current: str, target: str):
    with pytest.raises(InvalidTransition) as caught:
        rules.check_transition(current, target)
    assert caught.value.field == "status"
    assert f"a {current} case cannot become {target}" in caught.value.message


def test_transition_table_is_exactly_the_design_lifecycle():
    table = {(a, b) for a, targets in rules.TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


def test_unknown_status_is_an_invalid_value_of_status():
    with pytest.raises(InvalidValue) as caught:
        rules.check_transition("open", "done")
    assert caught.value.field == "status"
    assert "'done' is not a status" in caught.value.message


# --- case facts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "tier"),
    [
        ({"customer": "acme"}, "vip"),
        ({"customer": "bolt"}, "standard"),
        ({"customer": "acme", "customer_tier": "gold"}, "gold"),
        ({"customer": "ghost"}, None),
        ({}, None),
    ],
)
def test_case_facts_resolves_customer_tier_from_the_policy_customers(case, tier):
    assert rules.case_facts(case, POLICY)["customer_tier"] == tier


@pytest.mark.parametrize(
    ("services", "value"),
    [
        (["wiki", "payments", "mail", "ghost"], "critical"),
        (["wiki", "mail"], "high"),
        (["wiki"], "low"),
        (["ghost"], None),
        ([], None),
        (None, None),
    ],
)
def test_case_facts_service_value_is_the_highest_of_the_case_services(services, value):
    assert rules.case_facts({"services": services}, POLICY)["service_value"] == value


def test_case_facts_passes_fields_through_and_lists_are_never_none():
    result = rules.case_facts(
        {"kind": "incident", "audience": "external", "impact": 2, "urgency": 1, "priority": 1},
        POLICY,
    )
    assert (result["kind"], result["audience"], result["impact"]) == ("incident", "external", 2)
    assert (result["services"], result["risk_flags"]) == ([], [])


# --- opening clocks -------------------------------------------------------------------------


def test_open_clocks_starts_one_running_clock_per_target_of_the_first_matching_policy():
    plan = rules.open_clocks(POLICY, facts("acme", 2), utc(9))
    assert plan.policy_name == "vip"
    clocks = by_metric(plan.clocks)
    assert set(clocks) == {FR, UPD, RES}
    assert {c.state for c in plan.clocks} == {ClockState.RUNNING}
    assert {c.started_at for c in plan.clocks} == {utc(9)}
    assert [clocks[m].due_at for m in (FR, UPD, RES)] == [utc(9, 30), utc(11), utc(17)]


def test_open_clocks_uses_the_policy_order_not_the_most_specific_policy():
    reversed_policy = Policy(sla=(STANDARD_SLA, VIP_SLA), calendars=CALENDARS)
    plan = rules.open_clocks(reversed_policy, facts("acme", 2), utc(9))
    assert plan.policy_name == "standard"
    assert by_metric(plan.clocks)[RES].target == 16 * H


def test_standard_customer_falls_through_to_the_catch_all_policy():
    plan = rules.open_clocks(POLICY, facts("bolt", 4), local(23, 8))
    assert plan.policy_name == "standard"
    assert [(c.metric, c.calendar) for c in plan.clocks] == [(RES, "office")]


def test_open_clocks_without_a_matching_policy_starts_nothing():
    vip_only = Policy(sla=(VIP_SLA,), calendars=CALENDARS)
    plan = rules.open_clocks(vip_only, facts("bolt", 2), utc(9))
    assert (plan.clocks, plan.policy_name) == ((), None)


def test_case_opened_waiting_on_the_customer_starts_its_clocks_paused():
    clocks = opened(status="waiting_on_customer")
    assert {c.state for c in clocks} == {ClockState.PAUSED}


# --- comments -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["customer", "note"])
def test_customer_message_or_internal_note_changes_no_clock(kind: str):
    clocks = opened()
    assert rules.on_comment(POLICY, clocks, kind, utc(9, 10)) == clocks


@pytest.mark.parametrize("kind", ["reply", "update"])
def test_reply_or_update_meets_first_response_and_restarts_update_interval(kind: str):
    clocks = opened()
    after = by_metric(rules.on_comment(POLICY, clocks, kind, utc(9, 10)))
    assert (after[FR].state, after[FR].met_at, after[FR].consumed) == (
        ClockState.MET,
        utc(9, 10),
        10 * M,
    )
    assert (after[UPD].cycle, after[UPD].consumed, after[UPD].started_at) == (2, 0 * M, utc(9, 10))
    assert after[UPD].due_at == utc(11, 10)
    assert after[RES] == by_metric(clocks)[RES]


def test_customer_message_never_counts_as_first_response():
    clocks = opened()
    for at in (utc(9, 5), utc(9, 20)):
        clocks = rules.on_comment(POLICY, clocks, "customer", at)
    clocks = rules.fire_due(POLICY, clocks, utc(9, 30)).clocks
    first = by_metric(clocks)[FR]
    assert (first.state, first.status) == (ClockState.RUNNING, "breached")


@pytest.mark.parametrize(
    ("kind", "cycle", "due"),
    [
        ("note", 2, utc(11, 10)),
        ("customer", 2, utc(11, 10)),
        ("reply", 3, utc(12)),
        ("update", 3, utc(12)),
    ],
)
def test_internal_note_never_restarts_the_update_interval_while_a_reply_does(kind, cycle, due):
    clocks = rules.on_comment(POLICY, opened(), "reply", utc(9, 10))
    later = by_metric(rules.on_comment(POLICY, clocks, kind, utc(10)))[UPD]
    assert (later.cycle, later.due_at) == (cycle, due)


def test_each_reply_restarts_the_update_interval_but_first_response_stays_at_the_first():
    clocks = rules.on_comment(POLICY, opened(), "reply", utc(9, 10))
    clocks = by_metric(rules.on_comment(POLICY, clocks, "update", utc(10, 40)))
    assert clocks[FR].met_at == utc(9, 10)
    assert (clocks[UPD].cycle, clocks[UPD].due_at) == (3, utc(12, 40))


def test_unknown_comment_kind_is_refused_naming_kind():
    with pytest.raises(InvalidValue) as caught:
        rules.on_comment(POLICY, opened(), "email", utc(9, 10))
    assert caught.value.field == "kind"


def test_reply_while_waiting_on_the_customer_keeps_the_update_interval_paused():
    clocks = status(opened(), "new", "waiting_on_customer", utc(9, 5))
    after = by_metric(rules.on_comment(POLICY, clocks, "reply", utc(9, 10)))
    assert after[UPD].state is ClockState.PAUSED
    assert (after[UPD].cycle, after[UPD].consumed) == (2, 0 * M)


# --- status changes -------------------------------------------------------------------------


def test_waiting_on_customer_pauses_all_clocks_and_leaving_it_resumes_them():
    clocks = rules.on_comment(POLICY, opened(), "reply", utc(9, 10))
    waiting = by_metric(status(clocks, "open", "waiting_on_customer", utc(10)))
    assert waiting[FR].state is ClockState.MET
    assert {waiting[UPD].state, waiting[RES].state} == {ClockState.PAUSED}
    assert (waiting[UPD].consumed, waiting[RES].consumed) == (50 * M, H)

    back = by_metric(status(tuple(waiting.values()), "waiting_on_customer", "open", utc(12)))
    assert {back[UPD].state, back[RES].state} == {ClockState.RUNNING}
    assert (back[UPD].consumed, back[RES].consumed) == (50 * M, H)
    assert (back[UPD].due_at, back[RES].due_at) == (utc(13, 10), utc(19))


def test_a_policy_without_pause_statuses_keeps_clocks_running_while_waiting():
    never = SlaPolicy("never", Condition.parse(None), VIP_SLA.targets, pause_statuses=frozenset())
    policy = Policy(sla=(never,), calendars=CALENDARS)
    clocks = rules.open_clocks(policy, facts(), utc(9)).clocks
    waiting = rules.on_status(policy, "never", clocks, "open", "waiting_on_customer", utc(10))
    assert {c.state for c in waiting} == {ClockState.RUNNING}


@pytest.mark.parametrize("old", ["open", "waiting_on_customer"])
def test_resolving_meets_all_clocks(old: str):
    clocks = status(opened(), "new", old, utc(9, 5))
    resolved = status(clocks, old, "resolved", utc(9, 20))
    assert {c.state for c in resolved} == {ClockState.MET}
    assert {c.met_at for c in resolved} == {utc(9, 20)}
    assert status(resolved, "resolved", "closed", utc(12)) == resolved


@pytest.mark.parametrize("old", ["resolved", "closed"])
def test_reopening_runs_resolution_again_with_its_consumed_time(old: str):
    clocks = rules.on_comment(POLICY, opened(), "reply", utc(9, 10))
    clocks = status(clocks, "open", "resolved", utc(11))
    if old == "closed":
        clocks = status(clocks, "resolved", "closed", utc(12))
    reopened = by_metric(status(clocks, old, "reopened", utc(15)))
    assert (reopened[RES].state, reopened[RES].consumed) == (ClockState.RUNNING, 2 * H)
    assert reopened[RES].due_at == utc(21)
    assert (reopened[UPD].state, reopened[UPD].consumed) == (ClockState.RUNNING, 0 * M)
    assert reopened[UPD].due_at == utc(17)
    assert (reopened[FR].state, reopened[FR].met_at) == (ClockState.MET, utc(9, 10))


@pytest.mark.parametrize("new", ["resolved", "waiting_on_customer"])
def test_firing_due_clocks_before_a_status_change_keeps_the_breach(new: str):
    clocks = status(opened(), "new", "open", utc(9))
    caught_up = rules.fire_due(POLICY, clocks, utc(17, 30))
    assert "sla_breach" in {e.type for e in caught_up.events}
    after = by_metric(status(caught_up.clocks, "open", new, utc(17, 30)))
    assert (after[RES].breached, after[RES].breached_at) == (True, utc(17))


# --- priority changes -----------------------------------------------------------------------


def test_priority_change_keeps_consumed_time_and_retargets():
    clocks = rules.on_comment(POLICY, opened(), "reply", utc(9, 10))
    plan = rules.on_priority(POLICY, "vip", clocks, facts(priority=1), "open", utc(10))
    assert plan.policy_name == "vip"
    after = by_metric(plan.clocks)
    assert after[FR] == by_metric(clocks)[FR]
    assert (after[UPD].consumed, after[UPD].target, after[UPD].due_at) == (50 * M, H, utc(10, 10))
    assert (after[RES].consumed, after[RES].target) == (H, 4 * H)
    assert (after[RES].warn_due_at, after[RES].due_at) == (utc(12), utc(13))


def test_priority_change_counts_past_office_time_then_the_new_24x7_target():
    clocks = rules.open_clocks(POLICY, facts("bolt", 3), local(23, 8)).clocks
    plan = rules.on_priority(POLICY, "standard", clocks, facts("bolt", 1), "open", local(23, 10))
    after = by_metric(plan.clocks)
    assert {c.consumed for c in plan.clocks} == {H}
    assert {c.calendar for c in plan.clocks} == {"24x7"}
    assert after[RES].due_at == local(23, 17)


def test_priority_change_while_waiting_keeps_clocks_paused_and_starts_new_targets_paused():
    clocks = rules.open_clocks(POLICY, facts("bolt", 4), local(23, 9)).clocks
    clocks = status(clocks, "new", "waiting_on_customer", local(23, 10), "standard")
    plan = rules.on_priority(
        POLICY, "standard", clocks, facts("bolt", 3), "waiting_on_customer", local(23, 11)
    )
    after = by_metric(plan.clocks)
    assert {c.state for c in plan.clocks} == {ClockState.PAUSED}
    assert (after[RES].consumed, after[FR].consumed, after[UPD].consumed) == (H, 0 * M, 0 * M)


def test_priority_change_on_a_resolved_case_starts_no_new_clocks():
    clocks = rules.open_clocks(POLICY, facts("bolt", 4), local(23, 9)).clocks
    clocks = status(clocks, "open", "resolved", local(23, 10), "standard")
    plan = rules.on_priority(
        POLICY, "standard", clocks, facts("bolt", 3), "resolved", local(23, 11)
    )
    assert [(c.metric, c.state) for c in plan.clocks] == [(RES, ClockState.MET)]


# --- firing ---------------------------------------------------------------------------------


def test_fire_due_returns_events_in_instant_order_each_once():
    clocks = tuple(reversed(opened()))  # resolution first: the order must come from the instants
    first = rules.fire_due(POLICY, clocks, utc(10, 45))
    assert [(e.metric, e.type, e.at) for e in first.events] == [
        (FR, "sla_warning", utc(9, 22).replace(second=30)),
        (FR, "sla_breach", utc(9, 30)),
        (UPD, "sla_warning", utc(10, 30)),
    ]
    second = rules.fire_due(POLICY, first.clocks, utc(18))
    assert [(e.metric, e.type, e.at) for e in second.events] == [
        (UPD, "sla_breach", utc(11)),
        (RES, "sla_warning", utc(15)),
        (RES, "sla_breach", utc(17)),
    ]
    assert rules.fire_due(POLICY, second.clocks, utc(19)).events == ()
    assert [c.metric for c in second.clocks] == [RES, UPD, FR]
