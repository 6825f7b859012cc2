"""The manager's board and the configuration in Chromium, signed in as a manager."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from escalon.schemas.cases import CaseCreate
from escalon.schemas.escalations import EscalationCreate
from escalon.services import accounts, cases, escalations
from escalon.services.context import App
from tests.web.conftest import shot
from tests.web.signing import PASSWORD, sign_in_page


def test_a_manager_sees_the_board_and_the_configuration(
    app: App, live_server: str, page: Page
) -> None:
    accounts.create_user(app, "csilla", PASSWORD, "manager", display_name="Csilla Nagy")
    data = {"title": "Portal login fails", "impact": 2, "urgency": 2, "category": "portal"}
    data |= {"customer": "bosphorus-textiles", "team": "frontline-bud", "assignee": "anna"}
    ref = cases.create_case(app, CaseCreate.model_validate(data), "anna").ref or ""
    reason = {
        "category": "progress_unsatisfactory",
        "text": "Invoices cannot be sent to Bosphorus and month-end closing is blocked",
    }
    escalation = {"type": "hierarchical", "reason": reason, "handoff": {"summary": "Login"}}
    escalations.raise_escalation(app, ref, EscalationCreate.model_validate(escalation), "anna")

    sign_in_page(page, live_server, "csilla", "/board")  # sign-in first, then the board
    expect(page.get_by_role("heading", name="Manager's board")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=ref)
    expect(row).to_contain_text("unacknowledged")
    expect(row).to_contain_text("Portal login fails")
    on_call = page.get_by_role("row").filter(has_text="Network on-call")
    expect(on_call).to_contain_text("Eszter Horváth")
    shot(page, "board")

    page.get_by_role("link", name="Configuration").click()
    expect(page.get_by_role("heading", name="Version 1 is in force")).to_be_visible()
    expect(page.get_by_text("No problems found.")).to_be_visible()
    shot(page, "config")
