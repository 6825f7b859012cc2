"""Escalation rules: lifecycle table, business reasons, handoffs, plans, outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from escalon.core import escalation as esc
from escalon.core.errors import Forbidden, InvalidTransition, InvalidValue, ReasonRequired
from escalon.core.escalation import Action, State, Type

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GOOD = "Card payments fail for Duna Bank's 40,000 customers since 08:00"


def reason() -> esc.Reason:
    return esc.check_reason("progress_unsatisfactory", GOOD)


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (State.REQUESTED, Action.ACKNOWLEDGE, State.ACKNOWLEDGED),
        (State.REASON_REQUESTED, Action.SUPPLY_REASON, State.REQUESTED),
        (State.REASON_REQUESTED, Action.CLOSE_NO_REASON, State.CLOSED_NO_REASON),
        (State.PENDING_APPROVAL, Action.APPROVE, State.REQUESTED),
        (State.ACKNOWLEDGED, Action.PROPOSE_PLAN, State.PLAN_PROPOSED),
        (State.PLAN_PROPOSED, Action.ACCEPT_PLAN, State.PLAN_ACCEPTED),
        (State.PLAN_PROPOSED, Action.REJECT_PLAN, State.ACKNOWLEDGED),
        (State.PLAN_ACCEPTED, Action.RESOLVE, State.RESOLVED),
    ],
)
def test_lifecycle_allows_the_transitions_of_the_design(state, action, expected) -> None:
    assert esc.next_state(state, action) is expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.RESOLVED, Action.ACKNOWLEDGE),
        (State.REASON_REQUESTED, Action.ACKNOWLEDGE),
        (State.PENDING_APPROVAL, Action.ACKNOWLEDGE),
        (State.REQUESTED, Action.ACCEPT_PLAN),
        (State.CLOSED_NO_REASON, Action.SUPPLY_REASON),
    ],
)
def test_illegal_transition_names_the_state_and_the_action(state, action) -> None:
    with pytest.raises(InvalidTransition) as caught:
        esc.next_state(state, action)
    assert state.value in caught.value.message and action.value in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "escalated",
        "User escalated!",
        "need it now",
        "ASAP",
        "sürgős",
        "эскалировано",
        "urgentní",
        "çok acil",
        "Срочно!!",
    ],
)
def test_non_reasons_are_refused_saying_what_is_missing(text: str) -> None:
    with pytest.raises(ReasonRequired) as caught:
        esc.check_reason("progress_unsatisfactory", text)
    assert caught.value.field == "reason.text"
    assert "hurts the business" in caught.value.message


def test_a_business_reason_is_accepted() -> None:
    assert reason().text == GOOD


def test_a_deadline_reason_needs_its_date_and_consequence() -> None:
    with pytest.raises(ReasonRequired) as no_date:
        esc.check_reason("deadline_at_risk", GOOD)
    assert no_date.value.field == "reason.deadline"
    with pytest.raises(ReasonRequired) as no_consequence:
        esc.check_reason("deadline_at_risk", GOOD, date(2026, 12, 1))
    assert no_consequence.value.field == "reason.consequence"
    ok = esc.check_reason("deadline_at_risk", GOOD, date(2026, 12, 1), "1 MEUR penalty")
    assert ok.consequence == "1 MEUR penalty"


def test_unknown_reason_category_is_named() -> None:
    with pytest.raises(InvalidValue) as caught:
        esc.check_reason("feelings", GOOD)
    assert caught.value.field == "reason.category"


def test_manual_escalation_without_reason_waits_for_one() -> None:
    raised = esc.raise_escalation(Type.HIERARCHICAL, "anna", NOW, None, priority=1)
    assert raised.state is State.REASON_REQUESTED


def test_automatic_escalation_needs_no_typed_reason() -> None:
    raised = esc.raise_escalation(Type.AUTOMATIC, "escalon", NOW, None, priority=1)
    assert raised.state is State.REQUESTED


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        (1, State.REQUESTED),
        (2, State.REQUESTED),
        (3, State.PENDING_APPROVAL),
        (4, State.PENDING_APPROVAL),
    ],
)
def test_non_urgent_hierarchical_escalations_need_approval_where_the_path_asks(
    priority: int, expected: State
) -> None:
    raised = esc.raise_escalation(
        Type.HIERARCHICAL, "anna", NOW, reason(), priority=priority, path_requires_approval=True
    )
    assert raised.state is expected


def test_handoff_lists_its_missing_parts() -> None:
    handoff = esc.Handoff(summary="Payments down", impact="All card payments")
    assert handoff.missing() == ("steps_taken", "customer", "time_constraints", "help_needed")


def test_acknowledge_records_the_handoff_rating_and_refuses_bad_ones() -> None:
    raised = esc.raise_escalation(Type.FUNCTIONAL, "anna", NOW, reason(), priority=2)
    acked = esc.acknowledge(raised, "ferenc", NOW, 4)
    assert (acked.state, acked.acknowledged_by, acked.handoff_rating) == (
        State.ACKNOWLEDGED,
        "ferenc",
        4,
    )
    with pytest.raises(InvalidValue) as caught:
        esc.acknowledge(raised, "ferenc", NOW, 6)
    assert caught.value.field == "rating"


def test_only_the_initiator_decides_on_the_plan_and_a_rejected_plan_can_be_replaced() -> None:
    raised = esc.raise_escalation(Type.FUNCTIONAL, "anna", NOW, reason(), priority=2)
    acked = esc.acknowledge(raised, "ferenc", NOW, 5)
    item = esc.PlanItem("Renew the gateway certificate", "ferenc", NOW)
    proposed = esc.propose_plan(acked, [item])
    with pytest.raises(Forbidden):
        esc.decide_plan(proposed, "ferenc", accept=True)
    rejected = esc.decide_plan(proposed, "anna", accept=False)
    assert rejected.state is State.ACKNOWLEDGED
    accepted = esc.decide_plan(esc.propose_plan(rejected, [item]), "anna", accept=True)
    assert accepted.state is State.PLAN_ACCEPTED


def test_no_change_is_an_outcome_too() -> None:
    raised = esc.raise_escalation(Type.HIERARCHICAL, "anna", NOW, reason(), priority=1)
    done = esc.resolve(esc.acknowledge(raised, "gabor", NOW, None), "no_change")
    assert (done.state, done.outcome) == (State.RESOLVED, esc.Outcome.NO_CHANGE)
    with pytest.raises(InvalidValue):
        esc.resolve(raised, "whatever")


def test_plan_steps_need_owner_and_aware_due() -> None:
    with pytest.raises(InvalidValue) as caught:
        esc.PlanItem("Call vendor", "", NOW)
    assert caught.value.field == "plan.owner"
    with pytest.raises(InvalidValue):
        esc.PlanItem("Call vendor", "kim", datetime(2026, 11, 23, 9, 0))
