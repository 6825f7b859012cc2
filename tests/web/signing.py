"""Signing in through the web form, as the web tests need it: the form's CSRF field first."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx2 import Response  # what the TestClient returns
from playwright.sync_api import Page

PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Response:
    form = client.get("/login")
    done = client.post(
        "/login",
        data={"csrf": csrf_of(form.text), "name": name, "password": password, "next": "/queue"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return done


def sign_in_page(page: Page, base: str, name: str, path: str = "/queue") -> None:
    """Sign in through the form in the browser, starting from `path`."""
    page.goto(f"{base}{path}")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
