"""A user's own settings: the language of the pages and the time zone of their times."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from escalon.api.deps import AppDep
from escalon.core.errors import DomainError
from escalon.services import accounts
from escalon.services.accounts import Viewer
from escalon.web.forms import Failed, Refusal
from escalon.web.rendering import render
from escalon.web.session import ViewerDep, checked_form

router = APIRouter(include_in_schema=False)


@router.get("/settings")
def settings_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    values = {"language": viewer.language or "", "timezone": viewer.timezone or ""}
    return _page(request, viewer, Failed("settings", {}, values))


def _page(request: Request, viewer: Viewer, failed: Failed, status: int = 200) -> HTMLResponse:
    return render(request, viewer, "settings.html", status=status, failed=failed)


@router.post("/settings")
async def save_settings(request: Request, app: AppDep, viewer: ViewerDep) -> Response:
    fields = await checked_form(request, viewer)
    language = fields.get("language", "").strip() or None
    timezone = fields.get("timezone", "").strip() or None
    try:
        accounts.set_preferences(app, viewer.name, language, timezone)
    except DomainError as exc:
        failed = Failed("settings", Refusal.of(exc, fields, "language").errors, fields)
        # the page around the form stays in the language the user reads now
        return _page(request, viewer, failed, 422)
    return RedirectResponse("/settings?saved=1", status_code=303)
