"""Keyboard only, in Chromium: every action is a real link, button or form field, reached
with Tab and used with Enter, with a visible focus."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from escalon.schemas.cases import CaseCreate
from escalon.services import accounts, cases
from escalon.services.context import App
from tests.web.signing import PASSWORD, sign_in_page

LONGEST_TAB_WALK = 40


def _tab_to(page: Page, name: str) -> None:
    """Press Tab until the focused element's accessible text is `name`."""
    for _ in range(LONGEST_TAB_WALK):
        page.keyboard.press("Tab")
        focused = "(document.activeElement && document.activeElement.textContent || '').trim()"
        if page.evaluate(focused) == name:
            return
    raise AssertionError(f"{name!r} is not reachable with Tab")


def test_an_agent_escalates_with_the_keyboard_alone(app: App, live_server: str, page: Page) -> None:
    accounts.create_user(app, "anna", PASSWORD, display_name="Anna Kovács")
    data = {"title": "VPN drops every hour", "impact": 3, "urgency": 2, "assignee": "anna"}
    ref = cases.create_case(app, CaseCreate.model_validate(data), "anna").ref or ""
    sign_in_page(page, live_server, "anna")

    _tab_to(page, ref)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("VPN drops every hour")
    _tab_to(page, "Escalate")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/cases/{ref}/escalate")
    _tab_to(page, "Escalate")  # the submit button: refused, the focus lands on a message
    page.keyboard.press("Enter")
    expect(page.locator("#escalate-reason\\.category-error")).to_be_visible()
    expect(page.get_by_label("Reason category")).to_have_attribute("aria-invalid", "true")
