"""An API client on the sandbox app, with one token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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
