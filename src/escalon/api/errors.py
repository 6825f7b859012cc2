"""Every error leaves the API as JSON `{code, message, field}`: never a traceback, never a 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from escalon.core.errors import DomainError, Forbidden, InvalidTransition, NotFound, Unauthorized
from escalon.policy.lint import PolicyInvalid
from escalon.schemas.errors import error_field, error_message

log = logging.getLogger("escalon.api")

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The current state does not allow this: `{code, message, field}`"}
}
STATUS = {NotFound: 404, Forbidden: 403, Unauthorized: 401, InvalidTransition: 409}


def status_of(exc: DomainError) -> int:
    """An action the resource's current state does not allow is a conflict (409)."""
    return next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 422)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field, **extra}


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": error_field(tuple(e.get("loc", ()))), "message": error_message(e)}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": None, "message": "invalid request"}
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        code = "malformed_json" if malformed else "validation_error"
        text = str(first["message"]) if malformed else f"{first['field']}: {first['message']}"
        return JSONResponse(
            status_code=400 if malformed else 422,
            content=error_body(code, text, first["field"] or None, errors=errors),
        )

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(
            status_code=status,
            headers=headers,
            content=error_body(exc.code, exc.message, exc.field),
        )

    @app.exception_handler(PolicyInvalid)
    async def _policy(_: Request, exc: PolicyInvalid) -> JSONResponse:
        errors = [{"field": e.path, "message": e.message, "line": e.line} for e in exc.errors]
        first = exc.errors[0] if exc.errors else None
        return JSONResponse(
            status_code=422,
            content=error_body(
                "policy_invalid",
                str(first) if first else "the policy is invalid",
                first.path if first else None,
                errors=errors,
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(status_code=exc.status_code, content=error_body(code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(
            status_code=500,
            content=error_body(
                "internal_error", "an unexpected error occurred; it has been logged"
            ),
        )
