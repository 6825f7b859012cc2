"""FastAPI dependencies: the app context and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from escalon.services.context import App
from escalon.services.tokens import Principal, authenticate

_bearer = HTTPBearer(auto_error=False)


def get_app(request: Request) -> App:
    app: App = request.app.state.escalon
    return app


AppDep = Annotated[App, Depends(get_app)]


def get_principal(
    app: AppDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    return authenticate(app, credentials.credentials if credentials else None)


CurrentUser = Annotated[Principal, Depends(get_principal)]
