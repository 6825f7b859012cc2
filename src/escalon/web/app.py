"""The web UI on the API's FastAPI application: pages, their assets, and their refusals."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from escalon.web import board, case_pages, config_view, escalation_pages, pages, settings_page
from escalon.web.rendering import render
from escalon.web.session import BadForm, SignInNeeded, login_path


def install(api: FastAPI) -> None:
    api.include_router(pages.router)
    api.include_router(board.router)
    api.include_router(config_view.router)
    api.include_router(settings_page.router)
    api.include_router(escalation_pages.router)  # before the case actions: …/escalate
    api.include_router(case_pages.router)
    api.mount("/static", StaticFiles(packages=[("escalon.web", "static")]), name="static")
    api.add_exception_handler(SignInNeeded, _sign_in)  # type: ignore[arg-type]
    api.add_exception_handler(BadForm, _bad_form)  # type: ignore[arg-type]


def _sign_in(request: Request, exc: SignInNeeded) -> Response:
    target = login_path(exc.path)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _bad_form(request: Request, exc: BadForm) -> HTMLResponse:
    return render(request, None, "refused.html", status=exc.status, message=exc.message)
