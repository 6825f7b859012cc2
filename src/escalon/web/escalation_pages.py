"""The escalate form and the escalation's lifecycle on the case page: acknowledge with a
handoff rating, supply a reason, approve, reject, propose and decide a plan, record the
outcome; and the answer to a handover offer.

The escalate form refuses an escalation without a business reason here, where the person
is present to give one, and shows every missing part at once (the reason's and the
handoff's) while they type, from the same core rules the service applies.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from escalon.api.deps import AppDep
from escalon.core import escalation as rules
from escalon.core.errors import DomainError
from escalon.schemas.escalations import (
    Acknowledgement,
    EscalationCreate,
    HandoverDecline,
    PlanDecision,
    PlanProposal,
    ReasonIn,
    Rejection,
    Resolution,
)
from escalon.services import cases, escalations, handovers
from escalon.services.accounts import Viewer
from escalon.services.context import App
from escalon.services.editing import case_ref_of
from escalon.store.models import EscalationRow, Handover
from escalon.web.case_pages import act, reason_categories
from escalon.web.forms import Failed, Refusal, nested, parse
from escalon.web.pages import choices_of, zone_of
from escalon.web.rendering import render
from escalon.web.session import NO_SUCH_ACTION, ViewerDep, checked_form

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]  # one alias, a fresh Path per parameter


@router.get("/cases/{ref}/escalate")
def escalate_page(request: Request, app: AppDep, viewer: ViewerDep, ref: str) -> HTMLResponse:
    try:
        case = cases.get_case(app, ref)
    except DomainError as exc:
        return render(request, viewer, "refused.html", status=404, message=exc.message)
    start = {"type": "hierarchical", "handoff.summary": case.title}
    start["handoff.customer"] = case.customer or ""
    return _escalate(request, app, viewer, ref, Failed("escalate", {}, start))


def _escalate(
    request: Request, app: App, viewer: Viewer, ref: str, failed: Failed, status: int = 200
) -> HTMLResponse:
    return render(
        request, viewer, "escalate.html", status=status, zone=zone_of(app, viewer),
        case=cases.get_case(app, ref), failed=failed, teams=choices_of(app)["teams"],
        categories=reason_categories(), parts=rules.HANDOFF_PARTS,
        check=_check(failed.values),
    )  # fmt: skip


def _check(fields: dict[str, str]) -> dict[str, Any]:
    """What the form still lacks: the reason's problems (by field) and the handoff's gaps."""
    reason = nested(fields, ZoneInfo("UTC")).get("reason", {})
    deadline: date | None
    try:
        deadline = date.fromisoformat(reason.get("deadline", ""))
    except ValueError:
        deadline = None
    problems = rules.reason_problems(
        reason.get("category"), reason.get("text"), deadline, reason.get("consequence")
    )
    handoff = rules.Handoff(**{p: fields.get(f"handoff.{p}", "") for p in rules.HANDOFF_PARTS})
    return {"reason": {p.field: p.message for p in problems}, "handoff": handoff.missing()}


@router.post("/cases/{ref}/escalate/check")
async def escalate_check(request: Request, app: AppDep, viewer: ViewerDep, ref: str) -> Response:
    """The missing parts, while the user types (htmx); the form's own submit decides."""
    fields = await checked_form(request, viewer)
    return render(request, viewer, "escalate_check.html", check=_check(fields))


@router.post("/cases/{ref}/escalate")
async def escalate(request: Request, app: AppDep, viewer: ViewerDep, ref: str) -> Response:
    fields = await checked_form(request, viewer)
    try:
        cases.get_case(app, ref)
    except DomainError as exc:
        return render(request, viewer, "refused.html", status=404, message=exc.message)
    if fields.get("type") != "functional":
        fields.pop("team", None)  # a team is chosen only for a functional escalation
    try:
        missing = _check(fields)["reason"]
        if missing:
            raise Refusal(missing, fields)
        data = parse(EscalationCreate, fields, ZoneInfo(zone_of(app, viewer)))
        raised = escalations.raise_escalation(app, ref, data, viewer.name)
    except Refusal as refusal:
        return _escalate(request, app, viewer, ref, Failed("escalate", refusal.errors, fields), 422)
    except DomainError as exc:
        refused = Refusal.of(exc, fields, "type")
        return _escalate(request, app, viewer, ref, Failed("escalate", refused.errors, fields), 422)
    return RedirectResponse(f"/cases/{ref}#escalation-{raised.id}", status_code=303)


async def _on_escalation(
    request: Request,
    app: App,
    viewer: Viewer,
    escalation_id: int,
    action: str,
    model: type[BaseModel],
    use: Any,
    default_field: str,
) -> Response:
    """One lifecycle action, with its refusals shown in that escalation's own form."""
    try:
        ref = case_ref_of(app, EscalationRow, escalation_id)
    except DomainError as exc:
        return render(request, viewer, "refused.html", status=404, message=exc.message)
    form, anchor = f"{action}-{escalation_id}", f"escalation-{escalation_id}"
    return await act(request, app, viewer, ref, form, model, use, default_field, anchor)


class _Nothing(BaseModel):
    """The approve form carries no fields but its CSRF token."""


@router.post("/escalations/{escalation_id}/{action}")
async def escalation_action(
    request: Request,
    app: AppDep,
    viewer: ViewerDep,
    action: str,
    escalation_id: Id,
) -> Response:
    me, eid = viewer.name, escalation_id
    actions: dict[str, tuple[type[BaseModel], Any, str]] = {
        "acknowledge": (
            Acknowledgement,
            lambda d: escalations.acknowledge(app, eid, d.rating, me),
            "rating",
        ),
        "reason": (ReasonIn, lambda d: _supply_reason(app, eid, d, me), "text"),
        "approve": (_Nothing, lambda d: _approve(app, viewer, eid), "form"),
        "reject": (Rejection, lambda d: escalations.reject(app, eid, d.reason, me), "reason"),
        "plan": (PlanProposal, lambda d: escalations.propose_plan(app, eid, d, me), "items"),
        "accept": (
            PlanDecision,
            lambda d: escalations.decide_plan(app, eid, True, d, me),
            "comment",
        ),
        "refuse": (
            PlanDecision,
            lambda d: escalations.decide_plan(app, eid, False, d, me),
            "comment",
        ),
        "resolve": (Resolution, lambda d: escalations.resolve(app, eid, d, me), "outcome"),
    }
    if action not in actions:
        return render(request, viewer, "refused.html", status=404, message=NO_SUCH_ACTION)
    model, use, field = actions[action]
    return await _on_escalation(request, app, viewer, eid, action, model, use, field)


def _supply_reason(app: App, escalation_id: int, data: ReasonIn, actor: str) -> None:
    """Every problem of the reason at once, beside this form's own `category` and `text`."""
    problems = rules.reason_problems(data.category, data.text, data.deadline, data.consequence)
    if problems:
        named = {(p.field or "text").removeprefix("reason."): p.message for p in problems}
        raise Refusal(named)
    escalations.supply_reason(app, escalation_id, data, actor)


def _approve(app: App, viewer: Viewer, escalation_id: int) -> None:
    if not viewer.may("manager"):
        raise DomainError("only a manager may approve an escalation", "form")
    escalations.approve(app, escalation_id, viewer.name)


@router.post("/handovers/{handover_id}/{answer}")
async def answer_handover(
    request: Request,
    app: AppDep,
    viewer: ViewerDep,
    answer: str,
    handover_id: Id,
) -> Response:
    """Accepting moves the case to the receiver; declining needs a reason."""
    uses: dict[str, tuple[type[BaseModel], Any]] = {
        "accept": (_Nothing, lambda d: handovers.accept(app, handover_id, viewer.name)),
        "decline": (
            HandoverDecline,
            lambda d: handovers.decline(app, handover_id, d.reason, viewer.name),
        ),
    }
    try:
        ref = case_ref_of(app, Handover, handover_id)
    except DomainError as exc:
        return render(request, viewer, "refused.html", status=404, message=exc.message)
    if answer not in uses:
        return render(request, viewer, "refused.html", status=404, message=NO_SUCH_ACTION)
    model, use = uses[answer]
    form = f"handover-{handover_id}"
    return await act(request, app, viewer, ref, form, model, use, "reason")
