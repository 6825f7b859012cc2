"""The FastAPI application, made by a factory so nothing connects at import."""

from __future__ import annotations

from fastapi import FastAPI

from escalon import __version__
from escalon.api import cases, directory, errors, escalations, notifications, oncall, system
from escalon.services.context import App
from escalon.web import app as web

ERROR_RESPONSES: dict[int | str, dict[str, str]] = {
    400: {"description": "Malformed request: `{code, message, field}`"},
    401: {"description": "Missing or unknown API token"},
    403: {"description": "The token's role does not allow this"},
    404: {"description": "Not found"},
    422: {"description": "Invalid input: `{code, message, field, errors}`"},
}


def create_app(app: App) -> FastAPI:
    api = FastAPI(
        title="escalon",
        version=__version__,
        responses=ERROR_RESPONSES,
        description="Escalation management: cases, explained priorities, SLA clocks.",
    )
    api.state.escalon = app
    errors.install(api)
    api.include_router(system.health)
    api.include_router(cases.router)
    api.include_router(escalations.router)
    api.include_router(notifications.router)
    api.include_router(oncall.router)
    api.include_router(directory.router)
    api.include_router(system.router)
    web.install(api)
    return api
