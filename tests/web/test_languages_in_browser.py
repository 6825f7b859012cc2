"""Pages in the reader's language and time zone, in Chromium: a Russian-speaking agent's
queue from her setting, a Hungarian browser's sign-in and case page from Accept-Language."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from escalon.catalogs import translations
from escalon.schemas.cases import CaseCreate
from escalon.services import accounts, cases
from escalon.services.context import App
from tests.web.conftest import VIEWPORT, shot
from tests.web.signing import PASSWORD


def _in(language: str, text: str) -> str:
    """`text` as the web catalog of `language` says it; it must be translated."""
    said = translations("escalon.web", "web", language).gettext(text)
    assert said != text, f"{text!r} has no {language} translation"
    return said


def _case(app: App) -> str:
    data = {"title": "Сайт не открывается", "impact": 2, "urgency": 2, "assignee": "olga"}
    data |= {"customer": "vltava-logistics", "team": "frontline-bud", "language": "ru"}
    return cases.create_case(app, CaseCreate.model_validate(data), "olga").ref or ""


def test_a_russian_agent_reads_her_queue_in_russian(app: App, live_server: str, page: Page) -> None:
    accounts.create_user(app, "olga", PASSWORD, display_name="Olga Ivanova", language="ru")
    ref = _case(app)
    page.goto(f"{live_server}/login")  # the browser says en-US: the sign-in page is English
    page.get_by_label("User name").fill("olga")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(_in("ru", "My cases"))
    row = page.get_by_role("row").filter(has_text=ref)
    expect(row.locator("time.countdown .state")).to_have_text(_in("ru", "on track"))
    expect(page.get_by_role("columnheader", name=_in("ru", "Priority"))).to_be_visible()
    shot(page, "queue-ru")


def test_a_hungarian_browser_gets_hungarian_pages_and_her_own_time_zone(
    app: App, live_server: str, browser: Browser
) -> None:
    accounts.create_user(
        app, "olga", PASSWORD, display_name="Olga Ivanova", timezone="America/New_York"
    )
    ref = _case(app)
    context = browser.new_context(viewport=VIEWPORT, locale="hu-HU")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/cases/{ref}")
        page.get_by_label(_in("hu", "User name")).fill("olga")
        page.get_by_label(_in("hu", "Password")).fill(PASSWORD)
        page.get_by_role("button", name=_in("hu", "Sign in")).click()

        expect(page.locator("html")).to_have_attribute("lang", "hu")
        expect(page.get_by_role("heading", name=_in("hu", "Escalation path"))).to_be_visible()
        expect(page.get_by_role("link", name=_in("hu", "Escalate"))).to_be_visible()
        # opened at 08:00 in Budapest, which is 02:00 in New York
        expect(page.locator("dl.fields")).to_contain_text("2026-11-23 02:00 (America/New_York)")
        shot(page, "case-hu")
    finally:
        context.close()
