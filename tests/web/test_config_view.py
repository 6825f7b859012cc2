"""The configuration view: the escalon.yaml in force, its lint, its history and diffs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient

from escalon.api.app import create_app
from escalon.services import accounts, policies
from escalon.services.context import App
from escalon.store.models import PolicyVersion
from tests.conftest import make_app
from tests.web.signing import PASSWORD, sign_in

OLD, NEW = "organisation: Danube Networks Kft.", "organisation: Danube Networks Zrt."


def example() -> str:
    return (files("escalon.examples") / "escalon.yaml").read_text(encoding="utf-8")


def client_for(app: App, role: str = "agent") -> TestClient:
    accounts.create_user(app, "anna", PASSWORD, role, display_name="Anna Kovács")
    return TestClient(create_app(app), raise_server_exceptions=False)


@pytest.fixture
def anna(app: App) -> Iterator[TestClient]:
    """Anna, an agent: the configuration is for everyone to read."""
    with client_for(app) as client:
        sign_in(client, "anna")
        yield client


def history(html: str) -> list[str]:
    table = html.split('id="history-heading"', 1)[1]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = re.findall(r"<tr.*?</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


def test_the_page_shows_the_version_in_force_its_source_and_a_clean_lint(anna: TestClient) -> None:
    page = anna.get("/config")
    assert page.status_code == 200
    assert "Version 1 is in force" in page.text and "No problems found." in page.text
    assert "<dd>tests</dd>" in page.text and "2026-11-23 08:00" in page.text  # who and when
    assert '<pre class="source"' in page.text and OLD in page.text
    assert '<a href="/config">Configuration</a>' in page.text  # in the navigation
    [only] = history(page.text)
    assert only.startswith("1 (in force) tests 2026-11-23 08:00")


def test_a_second_version_has_a_history_of_two_and_a_diff_of_its_change(
    app: App, anna: TestClient
) -> None:
    policies.apply_policy(app, example().replace(OLD, NEW), "csilla")
    page = anna.get("/config")
    assert "Version 2 is in force" in page.text and NEW in page.text
    newest, oldest = history(page.text)
    assert newest.startswith("2 (in force) csilla") and oldest.startswith("1 tests")
    assert '<a href="/config/versions/2/diff">' in page.text

    diff = anna.get("/config/versions/2/diff")
    assert diff.status_code == 200
    assert "against version 1" in diff.text
    assert f'<del class="removed">-{OLD}</del>' in diff.text
    assert f'<ins class="added">+{NEW}</ins>' in diff.text
    assert '<span class="file">--- version 1</span>' in diff.text
    changed = re.findall(r'class="(?:added|removed)"', diff.text)
    assert len(changed) == 2  # nothing else changed


def test_the_first_version_is_shown_as_all_new(anna: TestClient) -> None:
    diff = anna.get("/config/versions/1/diff")
    assert diff.status_code == 200 and "is the first version" in diff.text
    assert f'<ins class="added">+{OLD}</ins>' in diff.text
    assert 'class="removed"' not in diff.text


@pytest.mark.parametrize("number", ["99", "0", "abc", "99999999999999999999", "١"])
def test_an_unknown_version_is_a_404_page(anna: TestClient, number: str) -> None:
    missing = anna.get(f"/config/versions/{number}/diff")
    assert missing.status_code == 404
    assert "No such policy version" in missing.text and "<html" in missing.text


def test_a_stored_version_that_no_longer_lints_lists_its_problems(
    app: App, anna: TestClient
) -> None:
    """Lint rules grow: a version applied under older rules shows what they now say."""
    source = example().replace("timezone: Europe/Budapest", "timezone: Europe/Budapset", 1)
    with app.transaction() as session:
        latest = session.get(PolicyVersion, 1)
        assert latest is not None
        session.add(
            PolicyVersion(
                created_at=latest.created_at,
                created_by="older escalon",
                source=source,
                document=latest.document,
                checksum="0" * 64,
            )
        )
    page = anna.get("/config")
    assert "Version 2 is in force" in page.text and "No problems found." not in page.text
    assert "2 problems found:" in page.text  # the zone, and the calendar built on it
    assert re.search(
        r"<td>16</td><td><code>calendars.budapest-office.timezone</code></td>"
        r"<td>unknown time zone &#39;Europe/Budapset&#39;</td>",
        page.text,
    )


def test_before_any_policy_the_page_says_none_is_applied(sqlite_url: str) -> None:
    app = make_app(sqlite_url, policy=False)
    try:
        with client_for(app, "manager") as client:
            sign_in(client, "anna")
            page = client.get("/config")
            assert page.status_code == 200
            assert "No policy has been applied yet." in page.text
            assert client.get("/config/versions/1/diff").status_code == 404
    finally:
        app.engine.dispose()
