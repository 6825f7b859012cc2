"""The whole story in Chromium: an agent opens a case, sees it count down in her queue,
escalates it (refused without a reason, the message beside the field), the team lead
acknowledges and proposes a plan, the agent accepts it, and the manager's board follows."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from escalon.services import accounts
from escalon.services.context import App
from tests.web.conftest import VIEWPORT, shot
from tests.web.signing import PASSWORD, sign_in_page

REASON = "Vltava Logistics cannot take card payments and loses every online order"


def _as(browser: Browser, base: str, name: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in_page(page, base, name)
    return page


def test_a_case_is_escalated_acknowledged_and_planned_in_the_browser(
    app: App, live_server: str, page: Page, browser: Browser
) -> None:
    accounts.create_user(app, "anna", PASSWORD, display_name="Anna Kovács")
    accounts.create_user(app, "csilla", PASSWORD, "manager", display_name="Csilla Nagy")
    base = live_server

    # Anna opens a case: a bad form keeps what she typed and says what is wrong, in place.
    sign_in_page(page, base, "anna")
    page.get_by_role("link", name="New case").click()
    page.get_by_label("Title").fill("Card payments fail at checkout")
    page.get_by_role("button", name="Create case").click()
    expect(page.locator("#case-impact-error")).to_have_text("This field is required.")
    expect(page.get_by_label("Title")).to_have_value("Card payments fail at checkout")
    shot(page, "case-new-refused")
    page.get_by_label("Impact").select_option("2")
    page.get_by_label("Urgency").select_option("2")
    page.get_by_label("Customer").select_option("vltava-logistics")
    page.get_by_label("Category").select_option("payments")
    page.get_by_label("Team").select_option("frontline-bud")
    page.get_by_role("button", name="Create case").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Card payments fail at checkout")
    ref = heading.locator(".ref").inner_text()

    # It is hers, and her queue counts down to its first response.
    page.get_by_role("link", name="Queues").click()
    row = page.get_by_role("row").filter(has_text=ref)
    expect(row.locator("time.countdown .state")).to_have_text("on track")
    row.get_by_role("link", name=ref).click()

    # Escalating without a reason is refused beside the reason's fields; the rest is kept.
    page.get_by_role("link", name="Escalate").click()
    page.get_by_label("Steps already taken").fill("Restarted the payment gateway twice")
    expect(page.locator("#missing")).to_contain_text("say which kind of reason this is")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator("#escalate-reason\\.category-error")).to_contain_text(
        "say which kind of reason this is"
    )
    expect(page.locator("#escalate-reason\\.text-error")).to_contain_text(
        "say where and how the problem hurts the business"
    )
    expect(page.get_by_label("Steps already taken")).to_have_value(
        "Restarted the payment gateway twice"
    )
    shot(page, "escalate-refused")
    page.get_by_label("Reason category").select_option("progress_unsatisfactory")
    page.get_by_label("Business reason").fill(REASON)
    expect(page.locator("#missing")).to_contain_text("The business reason is complete.")
    page.get_by_role("button", name="Escalate").click()
    escalation = page.locator("article.escalation").filter(has_text=REASON)
    expect(escalation.locator(".esc-state")).to_have_text("requested")

    # The team lead finds it among those escalated to her, and acknowledges it.
    lead = _as(browser, base, "csilla")
    lead.goto(f"{base}/board")
    board_row = lead.get_by_role("row").filter(has_text=ref)
    expect(board_row).to_contain_text("unacknowledged")
    shot(lead, "board-unacknowledged")
    lead.goto(f"{base}/queue?view=escalated")
    lead.get_by_role("row").filter(has_text=ref).get_by_role("link", name=ref).click()
    mine = lead.locator("article.escalation").filter(has_text=REASON)
    mine.get_by_label("How good was the handoff?").select_option("4")
    mine.get_by_role("button", name="Acknowledge").click()
    mine = lead.locator("article.escalation").filter(has_text=REASON)
    expect(mine).to_contain_text("handoff rated 4 of 5")

    # She proposes a plan; a step without its due time is refused in place.
    mine.get_by_label("Step 1").fill("Fail over to the backup acquirer")
    mine.get_by_label("Owner").first.fill("csilla")
    mine.get_by_role("button", name="Propose plan").click()
    mine = lead.locator("article.escalation").filter(has_text=REASON)
    expect(mine.locator("#plan-1-items\\.0\\.due-error")).to_be_visible()
    expect(mine.get_by_label("Step 1")).to_have_value("Fail over to the backup acquirer")
    mine.get_by_label("Due").first.fill("2026-11-23T15:00")
    mine.get_by_role("button", name="Propose plan").click()
    mine = lead.locator("article.escalation").filter(has_text=REASON)
    expect(mine.locator(".esc-state")).to_have_text("plan proposed")

    # Anna, who escalated, accepts the plan.
    page.reload()
    escalation = page.locator("article.escalation").filter(has_text=REASON)
    expect(escalation.get_by_role("cell", name="Fail over to the backup acquirer")).to_be_visible()
    escalation.get_by_role("button", name="Accept plan").click()
    escalation = page.locator("article.escalation").filter(has_text=REASON)
    expect(escalation.locator(".esc-state")).to_have_text("plan accepted")
    shot(page, "case")

    # The manager's board follows: acknowledged now, with the plan accepted.
    lead.goto(f"{base}/board")
    board_row = lead.get_by_role("row").filter(has_text=ref)
    expect(board_row).to_contain_text("plan accepted")
    expect(board_row).not_to_contain_text("unacknowledged")
    lead.context.close()
