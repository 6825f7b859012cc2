"""An API client on the sandbox app, with one token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from escalon.api.app import create_app
from escalon.services import tokens
from escalon.services.context import App


@dataclass
class Api:
    client: TestClient
    agent: dict[str, str]
    manager: dict[str, str]
    admin: dict[str, str]


@pytest.fixture
def api(app: App) -> Iterator[Api]:
    headers = {
        role: {"Authorization": f"Bearer {tokens.create_token(app, f'{role}-1', role)}"}
        for role in tokens.ROLES
    }
    with TestClient(create_app(app), raise_server_exceptions=False) as client:
        yield Api(client, headers["agent"], headers["manager"], headers["admin"])


Headers = dict[str, str]
Json = dict[str, Any]
# People of the example organisation as API users, so the actor the services see is them.
PEOPLE = {"anna": "agent", "bence": "agent", "lilla": "agent", "ferenc": "agent"}
PEOPLE |= {"csilla": "manager"}


@pytest.fixture
def people(app: App, api: Api) -> dict[str, Headers]:
    """Tokens named after people, so the actor the services see is that person."""
    return {
        name: {"Authorization": f"Bearer {tokens.create_token(app, name, role)}"}
        for name, role in PEOPLE.items()
    }


def call(api: Api, who: Headers, path: str, body: Json | None = None, code: int = 200) -> Any:
    """POST (or GET without a body) and insist on the status code."""
    url = f"/api/v1{path}"
    if body is None:
        response = api.client.get(url, headers=who)
    else:
        response = api.client.post(url, json=body, headers=who)
    assert response.status_code == code, response.text
    return response.json()


def refused(api: Api, who: Headers, path: str, body: Json, code: int, field: str | None) -> Json:
    """A refusal is JSON naming the field, with the expected status."""
    result: Json = call(api, who, path, body, code)
    assert result["field"] == field, result
    return result
