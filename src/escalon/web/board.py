"""The manager's board page: what is escalated now, who is on call, what breached lately."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from escalon.api.deps import AppDep
from escalon.services import board as boards
from escalon.web.pages import zone_of
from escalon.web.rendering import render
from escalon.web.session import ViewerDep

router = APIRouter(include_in_schema=False)
REFRESH = "30s"  # how often the escalations part reloads itself


@router.get("/board")
def board_page(
    request: Request,
    app: AppDep,
    viewer: ViewerDep,
    part: Annotated[str, Query()] = "",
) -> HTMLResponse:
    """The whole board; htmx's poll asks for its escalations part alone."""
    if not viewer.may("manager"):
        return render(request, viewer, "board_refused.html", status=403)
    zone = zone_of(app, viewer)
    vary = {"Vary": "HX-Request"}  # one URL, a fragment for htmx and a page otherwise
    if part == "escalations" and request.headers.get("hx-request"):
        now = app.clock.now()
        found = boards.open_escalations(app, now)
        return render(
            request, viewer, "board_escalations.html", headers=vary, zone=zone,
            escalations=found, now=now,
        )  # fmt: skip
    shown = boards.board(app)
    return render(
        request, viewer, "board.html", headers=vary, zone=zone, board=shown,
        escalations=shown.escalations, now=shown.now, refresh=REFRESH,
    )  # fmt: skip
