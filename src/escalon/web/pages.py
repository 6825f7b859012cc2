"""Web pages: sign-in and the queues. Routes turn HTTP into service calls and templates;
the rules stay in the services, exactly as the API uses them."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from escalon.api.deps import AppDep
from escalon.core import case as case_rules
from escalon.core.errors import Unauthorized
from escalon.services import accounts, queues
from escalon.services.accounts import Viewer
from escalon.services.context import App
from escalon.services.policies import current_version_id
from escalon.web.rendering import render
from escalon.web.session import (
    COOKIE,
    EXPIRED,
    LOGIN_COOKIE,
    BadForm,
    ViewerDep,
    checked_form,
    form_of,
    safe_next,
)

router = APIRouter(include_in_schema=False)
STATUSES = tuple(s for s in case_rules.STATUSES if s not in case_rules.DONE)  # queues: open


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request, None, "login.html", form={}, error=None, next=safe_next(next), login_csrf=token
    )
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.post("/login")
async def login(request: Request, app: AppDep) -> Response:
    form = await form_of(request)
    sent, expected = form.get("csrf", ""), request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        raise BadForm(403, EXPIRED)
    target = safe_next(form.get("next"))
    try:
        token, _ = accounts.sign_in(app, form.get("name", "").strip(), form.get("password", ""))
    except Unauthorized:
        fresh = secrets.token_urlsafe(24)
        kept = {"name": form.get("name", "")}  # never the password
        response = render(
            request, None, "login.html", status=401, form=kept,
            error="wrong", next=target, login_csrf=fresh,
        )  # fmt: skip
        response.set_cookie(LOGIN_COOKIE, fresh, httponly=True, samesite="strict")
        return response
    done = RedirectResponse(target, status_code=303)
    done.set_cookie(COOKIE, token, httponly=True, samesite="lax", max_age=12 * 3600)
    done.delete_cookie(LOGIN_COOKIE)
    return done


@router.post("/logout")
async def logout(request: Request, app: AppDep, viewer: ViewerDep) -> RedirectResponse:
    await checked_form(request, viewer)
    accounts.sign_out(app, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/queue")
def queue_page(
    request: Request,
    app: AppDep,
    viewer: ViewerDep,
    view: Annotated[str, Query()] = "mine",
    priority: Annotated[str, Query()] = "",
    status: Annotated[str, Query()] = "",
    customer: Annotated[str, Query()] = "",
    category: Annotated[str, Query()] = "",
) -> HTMLResponse:
    """A queue with its filters; unknown values are ignored, never an error page."""
    view = view if view in queues.QUEUES else "mine"
    filters = queues.Filters(
        priority=int(priority[-1]) if priority in ("P1", "P2", "P3", "P4") else None,
        status=status if status in STATUSES else None,
        customer=customer or None,
        category=category or None,
    )
    rows = queues.queue(app, view, viewer.name, filters)
    template = "queue_rows.html" if request.headers.get("hx-request") else "queue.html"
    return render(
        request, viewer, template, zone=zone_of(app, viewer), view=view, views=queues.QUEUES,
        rows=rows, now=app.clock.now(), filters=filters, statuses=STATUSES,
        choices=choices_of(app),
    )  # fmt: skip


def zone_of(app: App, viewer: Viewer) -> str:
    """The user's zone, else the zone of the person they are, else UTC."""
    if viewer.timezone:
        return viewer.timezone
    with app.reading() as session:
        policy = app.policies.get(session, current_version_id(session))
    person = policy.people.get(viewer.name)
    return person.timezone if person else "UTC"


def choices_of(app: App) -> dict[str, list[str]]:
    with app.reading() as session:
        policy = app.policies.get(session, current_version_id(session))
    categories = sorted({*policy.routes, *(c for t in policy.teams.values() for c in t.expertise)})
    return {
        "customers": sorted(policy.customers),
        "categories": categories,
        "teams": sorted(policy.teams),
    }
