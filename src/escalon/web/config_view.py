"""The configuration pages: the escalon.yaml in force, its lint, and what each version changed.

Read only, for every signed-in user; managers and administrators apply new versions through
the CLI or the API.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from escalon.api.deps import AppDep
from escalon.core.errors import NotFound
from escalon.services import policy_history
from escalon.services.context import App
from escalon.services.policy_history import VersionDiff
from escalon.web.pages import zone_of
from escalon.web.rendering import render
from escalon.web.session import ViewerDep

router = APIRouter(include_in_schema=False)
LONGEST_NUMBER = 9  # digits; a longer "version" is not one, and must not reach the database


@router.get("/config")
def config_page(request: Request, app: AppDep, viewer: ViewerDep) -> HTMLResponse:
    found = policy_history.overview(app)
    return render(request, viewer, "config.html", zone=zone_of(app, viewer), overview=found)


@router.get("/config/versions/{number}/diff")
def version_diff(request: Request, app: AppDep, viewer: ViewerDep, number: str) -> HTMLResponse:
    zone = zone_of(app, viewer)
    changes = _diff_of(app, number)
    if changes is None:
        return render(request, viewer, "config_missing.html", status=404, zone=zone, number=number)
    return render(request, viewer, "config_diff.html", zone=zone, diff=changes)


def _diff_of(app: App, number: str) -> VersionDiff | None:
    """Any text that is not a stored version's number is the same unknown version."""
    if not (number.isascii() and number.isdigit() and len(number) <= LONGEST_NUMBER):
        return None
    try:
        return policy_history.diff(app, int(number))
    except NotFound:
        return None
