"""A user's settings: language and time zone, refused beside the field when wrong."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from escalon.api.app import create_app
from escalon.services import accounts
from escalon.services.context import App
from tests.web.signing import PASSWORD, csrf_of, sign_in


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    accounts.create_user(app, "anna", PASSWORD, display_name="Anna Kovács")
    with TestClient(create_app(app), raise_server_exceptions=False) as browser:
        sign_in(browser, "anna")
        yield browser


def _save(client: TestClient, **fields: str) -> str:
    csrf = csrf_of(client.get("/settings").text)
    response = client.post("/settings", data={"csrf": csrf, **fields})
    assert response.status_code in (200, 422)
    return response.text


def test_saved_settings_are_shown_and_used(client: TestClient, app: App) -> None:
    page = _save(client, language="hu", timezone="America/New_York")

    assert re.search(r'<option value="hu" selected>', page)
    assert 'value="America/New_York"' in page
    viewer = accounts.sign_in(app, "anna", PASSWORD)[1]
    assert (viewer.language, viewer.timezone) == ("hu", "America/New_York")


def test_an_unknown_time_zone_is_refused_beside_the_field_keeping_it(
    client: TestClient, app: App
) -> None:
    page = _save(client, language="tr", timezone="Mars/Olympus")

    error = re.search(r'id="settings-timezone-error"[^>]*>([^<]+)<', page)
    assert error and "Mars/Olympus" in error.group(1)
    assert 'value="Mars/Olympus"' in page and 'aria-invalid="true"' in page
    assert accounts.sign_in(app, "anna", PASSWORD)[1].timezone is None


def test_emptied_settings_fall_back_to_the_browser_and_the_organisation(
    client: TestClient, app: App
) -> None:
    _save(client, language="ru", timezone="Europe/Moscow")
    _save(client, language="", timezone="")

    viewer = accounts.sign_in(app, "anna", PASSWORD)[1]
    assert (viewer.language, viewer.timezone) == (None, None)
