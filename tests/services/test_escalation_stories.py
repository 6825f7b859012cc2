"""Escalation stories on the example organisation, with the virtual clock, on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from escalon.core.errors import Forbidden, InvalidTransition, ReasonRequired
from escalon.schemas.cases import CaseUpdate, StatusChange
from escalon.schemas.escalations import (
    EscalationCreate,
    EscalationFilter,
    EscalationRead,
    HandoverOffer,
    PlanDecision,
    PlanProposal,
    ReasonIn,
    Resolution,
)
from escalon.services import cases, escalations, handovers
from escalon.services.context import App
from escalon.services.explain import explain_case
from escalon.store.models import Notification, Timer
from tests.conftest import MONDAY_8
from tests.services.helpers import create, events, run_for

REASON = {
    "category": "progress_unsatisfactory",
    "text": "Invoices cannot be sent to Vltava and month-end closing is blocked",
}
HANDOFF = {
    "summary": "VAT line missing on invoices",
    "steps_taken": "Checked the template",
    "impact": "Month-end invoicing blocked",
    "customer": "Vltava Logistics",
    "time_constraints": "Month end on Friday",
    "help_needed": "A decision on a manual workaround",
}


def escalate(app: App, ref: str, actor: str = "anna", **body: Any) -> EscalationRead:
    data = {"type": "hierarchical", "reason": REASON, "handoff": HANDOFF} | body
    return escalations.raise_escalation(app, ref, EscalationCreate.model_validate(data), actor)


def of_case(app: App, ref: str) -> list[EscalationRead]:
    return escalations.list_escalations(app, EscalationFilter(case=ref)).items


def outage(app: App) -> str:
    return create(
        app,
        title="Core network down",
        impact=1,
        urgency=1,
        category="network",
        customer="duna-bank",
        team="frontline-bud",
        assignee="anna",
    ).ref


def test_a_network_outage_climbs_four_levels(app: App) -> None:
    ref = outage(app)
    [esc] = [e for e in of_case(app, ref) if e.trigger == "critical network outage"]
    assert (esc.type, esc.level, esc.level_name) == ("automatic", 1, "Frontline troubleshooting")
    run_for(app, minutes=61)
    moves = [e.data for e in events(app, ref, "escalation_moved")]
    assert [(m["from"], m["to"]) for m in moves] == [(1, 2), (2, 3), (3, 4)]
    assert moves[1]["targets"][0]["name"] == "Kim Lee"
    assert "not acknowledged within 15m at level 2" in moves[1]["why"]
    assert cases.get_case(app, ref).support_level == 4
    climbed = escalations.get_escalation(app, esc.id)
    assert (climbed.level, climbed.level_name) == (4, "IT management")


def test_acknowledging_stops_moves_and_drops_the_stale_timer(app: App) -> None:
    ref = outage(app)
    [esc] = [e for e in of_case(app, ref) if e.trigger == "critical network outage"]
    run_for(app, minutes=5)
    escalations.acknowledge(app, esc.id, 4, "anna")
    run_for(app, hours=2)
    assert events(app, ref, "escalation_moved") == []
    with app.reading() as session:
        kinds = session.scalars(select(Timer.subject).where(Timer.kind == "escalation"))
        assert str(esc.id) not in set(kinds)
    assert escalations.get_escalation(app, esc.id).handoff_rating == 4


def test_acknowledging_withdraws_the_escalations_unsent_messages_at_once(app: App) -> None:
    ref = outage(app)
    [esc] = [e for e in of_case(app, ref) if e.trigger == "critical network outage"]

    def messages() -> list[Notification]:
        with app.reading() as session:
            query = select(Notification).where(Notification.escalation_id == esc.id)
            return list(session.scalars(query))

    assert messages() and {m.state for m in messages()} == {"pending"}
    escalations.acknowledge(app, esc.id, 4, "anna")
    assert {m.state for m in messages()} == {"cancelled"}
    (ack,) = events(app, ref, "escalation_acknowledged")
    assert ack.data["messages_withdrawn"] == len(messages())
    run_for(app, hours=3)
    assert {m.state for m in messages()} == {"cancelled"}  # no reminder, no new level


def test_a_payment_question_is_routed_to_finance(app: App) -> None:
    ref = create(
        app, title="Refund not booked", category="payments", team="frontline-bud", assignee="anna"
    ).ref
    esc = escalate(app, ref, type="functional")
    assert esc.team == "finance"
    with app.reading() as session:
        to = set(
            session.scalars(
                select(Notification.recipient).where(Notification.escalation_id == esc.id)
            )
        )
    assert to == {"finance"}
    [offer] = handovers.list_for_case(app, ref)  # expertise lacking: a handover is proposed
    assert (offer.to_team, offer.state, offer.escalation) == ("finance", "offered", esc.id)
    handovers.accept(app, offer.id, "ferenc")
    case = cases.get_case(app, ref)
    assert (case.team, case.assignee) == ("finance", "ferenc")


def test_a_security_incident_is_escalated_to_the_security_lead_at_once(app: App) -> None:
    ref = create(app, title="Phishing mail reached staff", risk_flags=["security"]).ref
    [esc] = of_case(app, ref)
    assert (esc.type, esc.trigger, esc.state) == ("hierarchical", "security risk", "requested")
    assert esc.reason is not None and esc.reason["category"] == "security_legal_safety"
    raised = events(app, ref, "escalation_raised")[0].data
    assert [t["key"] for t in raised["targets"]] == ["lilla"]


def test_a_later_security_flag_escalates_once(app: App) -> None:
    ref = create(app, title="Odd logins on the portal").ref
    assert of_case(app, ref) == []
    change = CaseUpdate(risk_flags=["security"])
    cases.update_case(app, ref, change, "anna")
    cases.update_case(app, ref, CaseUpdate(description="more logins seen"), "anna")
    assert [e.trigger for e in of_case(app, ref)] == ["security risk"]


def test_an_escalation_without_a_reason_is_asked_for_one_then_closed(app: App) -> None:
    ref = create(app, team="frontline-bud", assignee="anna").ref
    esc = escalate(app, ref, reason=None)
    assert esc.state == "reason_requested"
    assert esc.next_step is not None and esc.next_step.kind == "close_no_reason"
    run_for(app, hours=4, minutes=1)
    assert escalations.get_escalation(app, esc.id).state == "closed_no_reason"
    assert len(events(app, ref, "escalation_closed_no_reason")) == 1


def test_a_non_reason_is_refused_naming_the_field(app: App) -> None:
    ref = create(app).ref
    with pytest.raises(ReasonRequired) as refused:
        escalate(app, ref, reason={"category": "other", "text": "escalated"})
    assert refused.value.field == "reason.text"
    assert of_case(app, ref) == []


def test_a_supplied_reason_sends_a_p3_hierarchical_escalation_for_approval(app: App) -> None:
    ref = create(app, team="frontline-bud", assignee="anna").ref  # P3 on "standard support"
    esc = escalate(app, ref, reason=None)
    esc = escalations.supply_reason(app, esc.id, ReasonIn.model_validate(REASON), "anna")
    assert esc.state == "pending_approval"
    esc = escalations.approve(app, esc.id, "csilla")
    assert (esc.state, esc.approved_by, esc.level) == ("requested", "csilla", 2)


def test_an_sla_breach_alerts_the_team_manager_without_reassigning(app: App) -> None:
    ref = create(app, team="frontline-bud", assignee="anna").ref  # P3: 6 business hours
    run_for(app, hours=9, minutes=1)  # 17:01 Budapest
    [esc] = of_case(app, ref)
    assert (esc.type, esc.trigger) == ("automatic", "first response breach alerts the team manager")
    raised = events(app, ref, "escalation_raised")[0].data
    assert [t["name"] for t in raised["targets"]] == ["Csilla Nagy"]
    case = cases.get_case(app, ref)
    assert (case.team, case.assignee) == ("frontline-bud", "anna")
    assert events(app, ref, "case_reassigned") == []


def test_a_p1_case_is_escalated_a_fifth_time(app: App) -> None:
    ref = create(app, title="Payments down", impact=1, urgency=1, customer="duna-bank").ref
    for _ in range(5):
        escalate(app, ref, actor="bence")
    numbers = [e.number for e in of_case(app, ref)]
    assert numbers == [1, 2, 3, 4, 5]
    assert cases.get_case(app, ref).priority == "P1"


def test_a_plan_is_decided_only_by_the_initiator(app: App) -> None:
    ref = create(app, team="frontline-bud", assignee="anna", impact=2, urgency=2).ref
    esc = escalate(app, ref)
    escalations.acknowledge(app, esc.id, 5, "csilla")
    due = (MONDAY_8 + timedelta(days=1)).isoformat()
    plan = PlanProposal.model_validate(
        {"items": [{"step": "Patch", "owner": "csilla", "due": due}]}
    )
    escalations.propose_plan(app, esc.id, plan, "csilla")
    with pytest.raises(Forbidden):
        escalations.decide_plan(app, esc.id, True, PlanDecision(), "csilla")
    assert escalations.decide_plan(app, esc.id, True, PlanDecision(), "anna").state == (
        "plan_accepted"
    )
    done = escalations.resolve(app, esc.id, Resolution(outcome="no_change"), "csilla")
    assert (done.state, done.outcome) == ("resolved", "no_change")


def test_resolving_a_case_ends_its_escalations_and_refuses_new_ones(app: App) -> None:
    ref = outage(app)
    cases.change_status(app, ref, StatusChange(status="resolved"), "anna")
    assert {e.state for e in of_case(app, ref)} == {"resolved"}
    run_for(app, hours=2)
    assert events(app, ref, "escalation_moved") == []
    with pytest.raises(InvalidTransition):
        escalate(app, ref)


def test_a_handover_moves_ownership_only_when_accepted(app: App) -> None:
    ref = create(app, team="frontline-bud", assignee="anna").ref
    with pytest.raises(Forbidden):
        handovers.offer(app, ref, HandoverOffer(to_person="bence"), "bence")
    offer = handovers.offer(
        app, ref, HandoverOffer(to_person="bence", note="Czech customer"), "anna"
    )
    assert cases.get_case(app, ref).assignee == "anna"
    with pytest.raises(Forbidden):
        handovers.accept(app, offer.id, "david")
    handovers.accept(app, offer.id, "bence")
    assert cases.get_case(app, ref).assignee == "bence"
    second = handovers.offer(app, ref, HandoverOffer(to_team="finance"), "bence")
    handovers.decline(app, second.id, "not a billing matter", "ferenc")
    assert cases.get_case(app, ref).assignee == "bence"


def test_explain_names_the_path_the_level_and_the_next_step(app: App) -> None:
    ref = outage(app)
    explanation = explain_case(app, ref)
    assert explanation.path == "critical network outage"
    assert explanation.level_name == "Frontline troubleshooting"
    first = next(n for n in explanation.next if "escalation #1" in n.text)
    assert first.at == MONDAY_8 + timedelta(minutes=15)
    assert "level 2: Network engineers (Network engineers) by email, chat" in first.text
