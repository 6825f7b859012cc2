"""Signing in to the web UI: the session cookie, CSRF on every form, and what a refusal keeps."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response  # what the TestClient returns

from escalon.api.app import create_app
from escalon.core.errors import InvalidValue
from escalon.services import accounts
from escalon.services.context import App

PASSWORD = "correct horse battery"


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    accounts.create_user(app, "anna", PASSWORD, "agent", display_name="Anna Kovács")
    with TestClient(create_app(app), raise_server_exceptions=False) as browser:
        yield browser


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def sign_in(client: TestClient, name: str = "anna", password: str = PASSWORD) -> Response:
    form = client.get("/login?next=/queue%3Fview%3Dteam")
    return client.post(
        "/login",
        data={
            "csrf": _csrf(form.text),
            "name": name,
            "password": password,
            "next": "/queue?view=team",
        },
        follow_redirects=False,
    )


def test_a_page_without_a_session_sends_to_sign_in_and_back(client: TestClient) -> None:
    first = client.get("/queue?view=team", follow_redirects=False)
    assert (
        first.status_code == 303 and first.headers["location"] == "/login?next=/queue%3Fview%3Dteam"
    )
    done = sign_in(client)
    assert done.status_code == 303 and done.headers["location"] == "/queue?view=team"
    page = client.get("/queue?view=team")
    assert page.status_code == 200 and "Anna Kovács" in page.text


def test_a_wrong_password_is_refused_next_to_the_field_keeping_the_name(client: TestClient) -> None:
    refused = sign_in(client, password="wrong password")
    assert refused.status_code == 401
    html = refused.text
    assert 'value="anna"' in html and "The user name or the password is wrong." in html
    assert 'aria-invalid="true"' in html and PASSWORD not in html and "wrong password" not in html
    assert "escalon_session" not in client.cookies


def test_an_unknown_name_gets_the_same_refusal(client: TestClient) -> None:
    assert sign_in(client, name="mallory").status_code == 401


def test_a_form_without_the_session_s_csrf_token_is_refused(client: TestClient) -> None:
    sign_in(client)
    forged = client.post("/logout", data={"csrf": "guessed"}, follow_redirects=False)
    assert forged.status_code == 403 and "expired" in forged.text
    assert client.get("/queue").status_code == 200  # still signed in
    token = _csrf(client.get("/queue").text)
    out = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_sign_in_refuses_a_forged_login_form(client: TestClient) -> None:
    client.get("/login")
    forged = client.post("/login", data={"csrf": "x", "name": "anna", "password": PASSWORD})
    assert forged.status_code == 403


def test_a_sign_in_link_never_leads_to_another_site(client: TestClient) -> None:
    form = client.get("/login?next=//evil.example/")
    done = client.post(
        "/login",
        data={
            "csrf": _csrf(form.text),
            "name": "anna",
            "password": PASSWORD,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == "/queue"


def test_accounts_refuse_short_passwords_unknown_roles_and_languages(app: App) -> None:
    with pytest.raises(InvalidValue, match="at least 10"):
        accounts.create_user(app, "bence", "short")
    with pytest.raises(InvalidValue, match="not a role"):
        accounts.create_user(app, "bence", PASSWORD, "boss")
    with pytest.raises(InvalidValue, match="'de' is not one of"):
        accounts.create_user(app, "bence", PASSWORD, language="de")
    with pytest.raises(InvalidValue, match="time zone"):
        accounts.create_user(app, "bence", PASSWORD, timezone="Mars/Olympus")
