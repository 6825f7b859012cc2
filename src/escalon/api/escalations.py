"""Escalation and handover routes: they translate HTTP into service calls and nothing more.

Who acts is the token's name; approving needs a manager, everything else an agent. Domain
errors become HTTP in `api.errors`: a state that forbids the action is a 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from escalon.api.deps import AppDep, CurrentUser
from escalon.api.errors import CONFLICT
from escalon.schemas.escalations import (
    Acknowledgement,
    EscalationCreate,
    EscalationFilter,
    EscalationPage,
    EscalationRead,
    ExplanationRead,
    HandoverDecline,
    HandoverOffer,
    HandoverRead,
    PlanDecision,
    PlanProposal,
    ReasonIn,
    Rejection,
    Resolution,
)
from escalon.services import escalations, explain, handovers
from escalon.services.context import App
from escalon.services.tokens import Principal

router = APIRouter(prefix="/api/v1", tags=["escalations"])

# Ids are bounded so a huge number is a 422 naming the field, not a database overflow.
EscalationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The escalation's id")]
HandoverId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The handover's id")]
# The same bound as `EscalationFilter.case`, so a long ref is refused as input.
CaseRef = Annotated[str, Path(min_length=1, max_length=32, description="The case's ref")]


@router.post("/cases/{ref}/escalations", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def raise_escalation(
    ref: CaseRef, body: EscalationCreate, app: AppDep, user: CurrentUser
) -> EscalationRead:
    """Anyone with access to the case may escalate it; a missing reason is asked for."""
    user.require("agent")
    return escalations.raise_escalation(app, ref, body, user.name)


@router.get("/cases/{ref}/escalations")
def case_escalations(
    ref: CaseRef,
    app: AppDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> EscalationPage:
    flt = EscalationFilter(case=ref, limit=limit, offset=offset)
    return escalations.list_escalations(app, flt)


@router.get("/cases/{ref}/explain")
def explain_case(ref: CaseRef, app: AppDep, user: CurrentUser) -> ExplanationRead:
    """Which path and level govern the case and why, and what happens next and when."""
    return explain.explain_case(app, ref)


@router.get("/escalations")
def list_escalations(
    app: AppDep, user: CurrentUser, flt: Annotated[EscalationFilter, Query()]
) -> EscalationPage:
    return escalations.list_escalations(app, flt)


@router.get("/escalations/{escalation_id}")
def get_escalation(escalation_id: EscalationId, app: AppDep, user: CurrentUser) -> EscalationRead:
    return escalations.get_escalation(app, escalation_id)


@router.post("/escalations/{escalation_id}/reason", responses=CONFLICT)
def supply_reason(
    escalation_id: EscalationId, body: ReasonIn, app: AppDep, user: CurrentUser
) -> EscalationRead:
    user.require("agent")
    return escalations.supply_reason(app, escalation_id, body, user.name)


@router.post("/escalations/{escalation_id}/approve", responses=CONFLICT)
def approve(escalation_id: EscalationId, app: AppDep, user: CurrentUser) -> EscalationRead:
    """A supervisor lets a non-urgent hierarchical escalation through to management."""
    user.require("manager")
    return escalations.approve(app, escalation_id, user.name)


@router.post("/escalations/{escalation_id}/reject", responses=CONFLICT)
def reject(
    escalation_id: EscalationId, body: Rejection, app: AppDep, user: CurrentUser
) -> EscalationRead:
    user.require("agent")
    return escalations.reject(app, escalation_id, body.reason, user.name)


@router.post("/escalations/{escalation_id}/acknowledge", responses=CONFLICT)
def acknowledge(
    escalation_id: EscalationId,
    app: AppDep,
    user: CurrentUser,
    body: Acknowledgement | None = None,
) -> EscalationRead:
    """The body is optional: rating the handoff is encouraged, not required."""
    user.require("agent")
    rating = body.rating if body else None
    return escalations.acknowledge(app, escalation_id, rating, user.name)


@router.post("/escalations/{escalation_id}/plan", responses=CONFLICT)
def propose_plan(
    escalation_id: EscalationId, body: PlanProposal, app: AppDep, user: CurrentUser
) -> EscalationRead:
    user.require("agent")
    return escalations.propose_plan(app, escalation_id, body, user.name)


@router.post("/escalations/{escalation_id}/plan/accept", responses=CONFLICT)
def accept_plan(
    escalation_id: EscalationId,
    app: AppDep,
    user: CurrentUser,
    body: PlanDecision | None = None,
) -> EscalationRead:
    """Only the initiator decides on the plan (403 for anyone else)."""
    return _decide(app, user, escalation_id, True, body)


@router.post("/escalations/{escalation_id}/plan/reject", responses=CONFLICT)
def reject_plan(
    escalation_id: EscalationId,
    app: AppDep,
    user: CurrentUser,
    body: PlanDecision | None = None,
) -> EscalationRead:
    return _decide(app, user, escalation_id, False, body)


def _decide(
    app: App, user: Principal, escalation_id: int, accept: bool, body: PlanDecision | None
) -> EscalationRead:
    user.require("agent")
    return escalations.decide_plan(app, escalation_id, accept, body or PlanDecision(), user.name)


@router.post("/escalations/{escalation_id}/resolve", responses=CONFLICT)
def resolve(
    escalation_id: EscalationId, body: Resolution, app: AppDep, user: CurrentUser
) -> EscalationRead:
    user.require("agent")
    return escalations.resolve(app, escalation_id, body, user.name)


@router.post(
    "/cases/{ref}/handovers",
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT,
    tags=["handovers"],
)
def offer_handover(
    ref: CaseRef, body: HandoverOffer, app: AppDep, user: CurrentUser
) -> HandoverRead:
    """Only the current assignee offers; ownership moves when the receiver accepts."""
    user.require("agent")
    return handovers.offer(app, ref, body, user.name)


@router.get("/cases/{ref}/handovers", tags=["handovers"])
def case_handovers(ref: CaseRef, app: AppDep, user: CurrentUser) -> list[HandoverRead]:
    return handovers.list_for_case(app, ref)


@router.post("/handovers/{handover_id}/accept", responses=CONFLICT, tags=["handovers"])
def accept_handover(handover_id: HandoverId, app: AppDep, user: CurrentUser) -> HandoverRead:
    user.require("agent")
    return handovers.accept(app, handover_id, user.name)


@router.post("/handovers/{handover_id}/decline", responses=CONFLICT, tags=["handovers"])
def decline_handover(
    handover_id: HandoverId, body: HandoverDecline, app: AppDep, user: CurrentUser
) -> HandoverRead:
    user.require("agent")
    return handovers.decline(app, handover_id, body.reason, user.name)
