"""The queue in Chromium: sign in, see a case with its live SLA countdown, filter it."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from escalon.schemas.cases import CaseCreate
from escalon.services import accounts, cases
from escalon.services.context import App
from escalon.services.timers import advance
from tests.web.conftest import shot
from tests.web.signing import PASSWORD, sign_in_page


def test_an_agent_sees_her_case_counting_down_and_turning_to_warning(
    app: App, live_server: str, page: Page
) -> None:
    accounts.create_user(app, "anna", PASSWORD, display_name="Anna Kovács")
    data = {
        "title": "Card payments fail",
        "impact": 2,
        "urgency": 2,
        "assignee": "anna",
        "customer": "vltava-logistics",
        "team": "frontline-bud",
        "category": "payments",
    }
    ref = cases.create_case(app, CaseCreate.model_validate(data), "anna").ref
    sign_in_page(page, live_server, "anna")
    row = page.get_by_role("row").filter(has_text=ref)
    expect(row).to_contain_text("Card payments fail")
    expect(row.locator("time.countdown")).to_have_class("countdown on-track")
    expect(row.locator("time.countdown .state")).to_have_text("on track")
    shot(page, "queue")
    # a P2's first response is due in an hour of office time, 10:00 in Budapest; the
    # warning comes at three quarters of it, 09:45
    advance(app, timedelta(hours=1, minutes=50))  # 09:50 in Budapest
    page.reload()
    expect(row.locator("time.countdown")).to_have_class("countdown warning")
    expect(row.locator("time.countdown .state")).to_have_text("warning")


def test_filters_narrow_the_queue_without_a_page_load(
    app: App, live_server: str, page: Page
) -> None:
    accounts.create_user(app, "anna", PASSWORD)
    for customer in ("vltava-logistics", "bosphorus-textiles"):
        data = {"title": f"Invoice {customer}", "customer": customer, "assignee": "anna"}
        data |= {"impact": 3, "urgency": 3}
        cases.create_case(app, CaseCreate.model_validate(data), "anna")
    sign_in_page(page, live_server, "anna")
    expect(page.get_by_role("row")).to_have_count(3)  # the header and two cases
    page.get_by_label("Customer", exact=True).select_option("vltava-logistics")
    expect(page.get_by_role("row")).to_have_count(2)
    expect(page).to_have_url(
        f"{live_server}/queue?view=mine&priority=&status=&customer=vltava-logistics&category="
    )
