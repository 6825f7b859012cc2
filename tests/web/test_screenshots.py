"""The README's pictures: the main pages on a morning of the example organisation.

Each test drives Chromium to one page with a realistic state (cases counting down, one
breached, escalations at several levels, a plan), checks what the picture must show, and
saves it to build/screenshots as `readme-*.png`; docs/screenshots holds the copies the
README shows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from escalon.schemas.cases import CaseCreate
from escalon.schemas.escalations import EscalationCreate, PlanProposal
from escalon.services import accounts, cases, escalations
from escalon.services.context import App
from escalon.services.timers import advance
from tests.web.conftest import shot
from tests.web.signing import PASSWORD, sign_in_page

MORNING = [
    ("Card payments failing for Duna Bank", 1, 2, "duna-bank", "payments", "anna"),
    ("Customer portal login takes a minute", 3, 3, "bosphorus-textiles", "portal", "anna"),
    ("Invoices missing VAT line", 3, 3, "vltava-logistics", "billing", "anna"),
    ("Warehouse scanners drop off the network", 2, 2, "vltava-logistics", "network", "anna"),
    ("Password reset mails arrive late", 3, 2, "bosphorus-textiles", None, "bence"),
]


@pytest.fixture
def morning(app: App) -> dict[str, str]:
    """Monday 09:50 in Budapest: five cases since 08:00, two escalations, one with a plan."""
    accounts.create_user(app, "anna", PASSWORD, display_name="Anna Kovács")
    accounts.create_user(app, "csilla", PASSWORD, "manager", display_name="Csilla Nagy")
    refs = {}
    for title, impact, urgency, customer, category, assignee in MORNING:
        data = {"title": title, "impact": impact, "urgency": urgency, "customer": customer}
        data |= {"category": category, "team": "frontline-bud", "assignee": assignee}
        refs[title] = cases.create_case(app, CaseCreate.model_validate(data), "anna").ref or ""
    advance(app, timedelta(minutes=40))
    payments = refs["Card payments failing for Duna Bank"]
    reason = {
        "category": "progress_unsatisfactory",
        "text": "Duna Bank's customers cannot pay by card at any of its 40 branches",
    }
    handoff = {
        "summary": "Card authorisations fail since 08:10",
        "steps_taken": "Restarted the gateway; the acquirer reports no fault",
        "help_needed": "A decision to fail over to the backup acquirer",
    }
    body = {"type": "hierarchical", "reason": reason, "handoff": handoff}
    raised = escalations.raise_escalation(
        app, payments, EscalationCreate.model_validate(body), "anna"
    )
    escalations.acknowledge(app, raised.id, 4, "csilla")
    due = app.clock.now() + timedelta(hours=1)
    plan = {"items": [{"step": "Fail over to the backup acquirer", "owner": "csilla", "due": due}]}
    escalations.propose_plan(app, raised.id, PlanProposal.model_validate(plan), "csilla")
    scanners = refs["Warehouse scanners drop off the network"]
    reason = {
        "category": "deadline_at_risk",
        "text": "Vltava's evening shipments stop if scanners cannot book parcels",
        "deadline": "2026-11-23",
        "consequence": "the 18:00 trucks leave empty",
    }
    body = {"type": "hierarchical", "reason": reason, "handoff": {"summary": "Scanners drop"}}
    escalations.raise_escalation(app, scanners, EscalationCreate.model_validate(body), "anna")
    advance(app, timedelta(hours=1, minutes=10))
    return refs


def test_the_queue_picture(app: App, live_server: str, page: Page, morning: dict[str, str]) -> None:
    sign_in_page(page, live_server, "anna", "/queue?view=team")
    expect(page.locator("time.countdown.breached").first).to_be_visible()
    expect(page.locator("time.countdown.on-track").first).to_be_visible()
    shot(page, "readme-queue")


def test_the_case_picture(app: App, live_server: str, page: Page, morning: dict[str, str]) -> None:
    ref = morning["Card payments failing for Duna Bank"]
    sign_in_page(page, live_server, "anna", f"/cases/{ref}")
    expect(page.get_by_role("button", name="Accept plan")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1700})
    shot(page, "readme-case", full_page=False)  # the top: fields, clocks, path, escalations


def test_the_board_picture(app: App, live_server: str, page: Page, morning: dict[str, str]) -> None:
    sign_in_page(page, live_server, "csilla", "/board")
    expect(page.get_by_role("row").filter(has_text="unacknowledged").first).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="plan proposed").first).to_be_visible()
    shot(page, "readme-board")
