"""The case pages: a new case, the case page, and the actions on it.

Every action is a plain form posted to its own URL and answered with a redirect back to the
case (so a reload never posts twice); a refused form renders the page again with the
message beside the field that caused it and everything the user typed still in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from escalon.api.deps import AppDep
from escalon.core import escalation as rules
from escalon.core.errors import DomainError
from escalon.core.escalation import Action
from escalon.schemas.cases import CaseCreate, CommentCreate, PriorityOverride, StatusChange
from escalon.schemas.communication import StakeholderUpdate
from escalon.schemas.escalations import EscalationFilter, HandoverOffer
from escalon.schemas.notifications import NotificationFilter
from escalon.services import cases, escalations, explain, handovers, stakeholder_updates
from escalon.services.accounts import Viewer
from escalon.services.context import App
from escalon.services.notifications import list_notifications
from escalon.web.forms import Failed, Refusal, compact_rows, parse
from escalon.web.pages import choices_of, zone_of
from escalon.web.rendering import render
from escalon.web.session import NO_SUCH_ACTION, ViewerDep, checked_form
from escalon.web.words import WORDS, options

router = APIRouter(include_in_schema=False)
LONGEST_TIMELINE = 500
PLAN_ROWS = 4  # empty step rows the plan form offers; blank rows are left out
# Each lifecycle action a person takes, and the form (and URL) that takes it.
FORMS = {
    Action.SUPPLY_REASON: "reason",
    Action.APPROVE: "approve",
    Action.ACKNOWLEDGE: "acknowledge",
    Action.PROPOSE_PLAN: "plan",
    Action.ACCEPT_PLAN: "accept",
    Action.REJECT_PLAN: "refuse",
    Action.RESOLVE: "resolve",
    Action.REJECT: "reject",
}


def allowed(state: str) -> set[str]:
    """The forms an escalation in `state` shows."""
    return {FORMS[a] for a in rules.actions_in(rules.State(state))}


def reason_categories() -> list[tuple[str, str]]:
    return options("reason")


@router.get("/cases/new")
def new_case_page(request: Request, app: AppDep, viewer: ViewerDep) -> HTMLResponse:
    return _new_case(request, app, viewer, Failed("case", {}, {"assignee": viewer.name}))


def _new_case(
    request: Request, app: App, viewer: Viewer, failed: Failed, status: int = 200
) -> HTMLResponse:
    return render(
        request, viewer, "case_new.html", status=status, zone=zone_of(app, viewer),
        failed=failed, risks=list(WORDS["risk"]), choices=choices_of(app),
    )  # fmt: skip


@router.post("/cases")
async def create_case(request: Request, app: AppDep, viewer: ViewerDep) -> Response:
    fields = await checked_form(request, viewer)
    flags = [name.removeprefix("risk.") for name in fields if name.startswith("risk.")]
    kept = {k: v for k, v in fields.items() if not k.startswith("risk.")}
    try:
        data = parse(CaseCreate, kept, ZoneInfo(zone_of(app, viewer)), risk_flags=flags)
        ref = cases.create_case(app, data, viewer.name).ref
    except Refusal as refusal:
        return _new_case(request, app, viewer, Failed("case", refusal.errors, fields), 422)
    except DomainError as exc:
        refused = Refusal.of(exc, fields, "title")
        return _new_case(request, app, viewer, Failed("case", refused.errors, fields), 422)
    return RedirectResponse(f"/cases/{ref}", status_code=303)


@router.get("/cases/{ref}")
def case_page(request: Request, app: AppDep, viewer: ViewerDep, ref: str) -> HTMLResponse:
    return show_case(request, app, viewer, ref)


def show_case(
    request: Request,
    app: App,
    viewer: Viewer,
    ref: str,
    failed: Failed | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The whole case: fields, priority and why, clocks, path and what comes next, the
    escalations with their actions, handovers, and one timeline of events and messages."""
    try:
        case = cases.get_case(app, ref)
    except DomainError as exc:
        return render(request, viewer, "refused.html", status=404, message=exc.message)
    page = EscalationFilter(case=ref, limit=LONGEST_TIMELINE)
    messages = list_notifications(app, NotificationFilter(case=ref, limit=LONGEST_TIMELINE))
    timeline: list[tuple[datetime, str, Any]] = [
        (e.at, "event", e) for e in cases.timeline(app, ref)
    ] + [(n.created_at, "message", n) for n in messages.items]
    timeline.sort(key=lambda entry: entry[0], reverse=True)
    return render(
        request, viewer, "case.html", status=status, zone=zone_of(app, viewer),
        case=case, path=explain.explain_case(app, ref),
        escalations=escalations.list_escalations(app, page).items,
        handovers=handovers.list_for_case(app, ref), timeline=timeline,
        now=app.clock.now(), failed=failed or Failed("", {}, {}),
        choices=choices_of(app), allowed=allowed,
        categories=reason_categories(), plan_rows=PLAN_ROWS,
        outcomes=options("outcome"),
    )  # fmt: skip


async def act(
    request: Request,
    app: App,
    viewer: Viewer,
    ref: str,
    form: str,
    model: type[BaseModel],
    use: Any,
    default_field: str,
    anchor: str | None = None,
) -> Response:
    """Run one action form: parse it into `model`, call `use(data)`, then back to the case
    (at `anchor`, else at the form); a refusal re-renders the case page with the message
    beside the field."""
    fields = compact_rows(await checked_form(request, viewer))
    try:
        use(parse(model, fields, ZoneInfo(zone_of(app, viewer))))
    except Refusal as refusal:
        return show_case(request, app, viewer, ref, Failed(form, refusal.errors, fields), 422)
    except DomainError as exc:
        refused = Refusal.of(exc, fields, default_field)
        return show_case(request, app, viewer, ref, Failed(form, refused.errors, fields), 422)
    return RedirectResponse(f"/cases/{ref}#{anchor or form}", status_code=303)


# POST /cases/{ref}/{action}: the form's name, its schema, the use case, the field a
# refusal without one is shown beside.
ACTIONS: dict[str, tuple[str, type[BaseModel], Any, str]] = {
    "comments": ("comment", CommentCreate, cases.add_comment, "body"),
    "status": ("status", StatusChange, cases.change_status, "status"),
    "priority": ("priority", PriorityOverride, cases.override_priority, "priority"),
    "updates": ("update", StakeholderUpdate, stakeholder_updates.post_update, "status"),
    "handovers": ("handover", HandoverOffer, handovers.offer, "to_person"),
}


@router.post("/cases/{ref}/{action}")
async def case_action(
    request: Request, app: AppDep, viewer: ViewerDep, ref: str, action: str
) -> Response:
    """Reply or note, status, priority override, stakeholder update, handover offer."""
    if action not in ACTIONS:
        return render(request, viewer, "refused.html", status=404, message=NO_SUCH_ACTION)
    form, model, use_case, field = ACTIONS[action]

    def use(data: BaseModel) -> None:
        use_case(app, ref, data, viewer.name)

    return await act(request, app, viewer, ref, form, model, use, field)
