"""The manager's board: open escalations by level and team, on call now, recent breaches."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from escalon.api.app import create_app
from escalon.schemas.cases import CaseCreate
from escalon.schemas.escalations import EscalationCreate, EscalationRead
from escalon.services import accounts, cases, escalations
from escalon.services.context import App
from escalon.services.timers import advance
from tests.web.signing import PASSWORD, sign_in

REASON = {
    "category": "progress_unsatisfactory",
    "text": "Invoices cannot be sent to Bosphorus and month-end closing is blocked",
}
HANDOFF = {"summary": "Portal login fails", "help_needed": "A decision on a workaround"}


@pytest.fixture
def manager(app: App) -> Iterator[TestClient]:
    """Csilla, the frontline team's manager, signed in."""
    accounts.create_user(app, "csilla", PASSWORD, "manager", display_name="Csilla Nagy")
    with TestClient(create_app(app), raise_server_exceptions=False) as client:
        sign_in(client, "csilla")
        yield client


def case(app: App, title: str, **fields: Any) -> str:
    data = {"title": title, "impact": 2, "urgency": 2, "category": "portal"}
    data |= {"customer": "bosphorus-textiles", "team": "frontline-bud", "assignee": "anna"}
    return cases.create_case(app, CaseCreate.model_validate(data | fields), "anna").ref or ""


def escalate(app: App, ref: str) -> EscalationRead:
    data = {"type": "hierarchical", "reason": REASON, "handoff": HANDOFF}
    return escalations.raise_escalation(app, ref, EscalationCreate.model_validate(data), "anna")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, flags=re.S)


def rows(table: str) -> list[str]:
    """The body rows of a table, as text."""
    body = table.split("<tbody>", 1)[1]
    return [text_of(row) for row in re.findall(r"<tr.*?</tr>", body, flags=re.S)]


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert found, html
    return found.group(1)


def escalations_part(client: TestClient) -> str:
    response = client.get("/board?part=escalations", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.text


def test_the_unacknowledged_come_first_in_their_group_and_say_so(
    app: App, manager: TestClient
) -> None:
    older = case(app, "Portal login fails for the finance team")
    first = escalate(app, older)
    advance(app, timedelta(minutes=20))
    newer = case(app, "Portal shows an empty dashboard")
    escalate(app, newer)
    escalations.acknowledge(app, first.id, 4, "csilla")

    [group] = [t for t in tables(manager.get("/board").text) if older in t]
    assert newer in group  # same level, same team: one group
    assert "Level 2: Team lead" in text_of(group) and "team Frontline Budapest" in text_of(group)
    waiting, answered = rows(group)
    assert newer in waiting and "unacknowledged requested" in waiting
    assert "the team's manager" in waiting and "Anna Kovács" in waiting  # target, initiator
    assert older in answered and "acknowledged" in answered and "unacknowledged" not in answered
    assert "0h 20m" in answered and "0h 00m" in waiting  # time at level, though waiting first


def test_acknowledging_shows_on_the_next_refresh(app: App, manager: TestClient) -> None:
    ref = case(app, "Portal login fails for the finance team")
    esc = escalate(app, ref)
    [row] = rows(tables(escalations_part(manager))[0])
    assert "unacknowledged" in row and "hierarchical" in row and "P2" in row
    escalations.acknowledge(app, esc.id, 5, "csilla")
    part = escalations_part(manager)
    assert "<html" not in part  # htmx gets the fragment alone
    [row] = rows(tables(part)[0])
    assert "acknowledged" in row and "unacknowledged" not in row


def test_time_at_level_grows_with_the_clock(app: App, manager: TestClient) -> None:
    escalate(app, case(app, "Portal login fails for the finance team"))
    [row] = rows(tables(escalations_part(manager))[0])
    assert "0h 00m" in row
    advance(app, timedelta(hours=1, minutes=30))
    [row] = rows(tables(escalations_part(manager))[0])
    assert "1h 30m" in row


def test_a_plain_load_of_the_part_gets_the_whole_page_that_polls(manager: TestClient) -> None:
    page = manager.get("/board?part=escalations")
    assert page.status_code == 200 and "<html" in page.text
    assert 'hx-get="/board?part=escalations" hx-trigger="every 30s"' in page.text
    assert "No open escalations." in page.text
    assert page.headers["vary"] == "HX-Request"


def test_an_agent_is_refused_the_board_and_not_shown_its_link(
    app: App, manager: TestClient
) -> None:
    assert '<a href="/board">Board</a>' in manager.get("/queue").text
    accounts.create_user(app, "anna", PASSWORD, "agent", display_name="Anna Kovács")
    with TestClient(create_app(app), raise_server_exceptions=False) as agent:
        sign_in(agent, "anna")
        refused = agent.get("/board")
        assert refused.status_code == 403
        assert "Only managers and administrators may see the manager's board." in refused.text
        assert agent.get("/board?part=escalations").status_code == 403
        assert 'href="/board"' not in agent.get("/queue").text


def test_on_call_shows_who_the_schedule_names_at_the_virtual_now(
    app: App, manager: TestClient
) -> None:
    def network() -> str:
        on_call = section(manager.get("/board").text, "oncall-heading")
        return next(r for r in rows(on_call) if r.startswith("Network on-call"))

    # Monday 08:00 in Budapest: Eszter's week runs until 09:00, when her office hours begin
    assert network() == "Network on-call Eszter Horváth 2026-11-23 09:00"
    advance(app, timedelta(hours=10))  # 18:00: Dávid's week, until Eszter's office hours
    assert network() == "Network on-call Dávid Szabó 2026-11-24 09:00"


def test_a_breach_is_listed_for_a_week(app: App, manager: TestClient) -> None:
    assert "No SLA breached in the last 7 days." in manager.get("/board").text
    ref = case(app, "Portal login fails")
    # a P2's first response is due after an hour of office time: 10:00 in Budapest
    advance(app, timedelta(hours=2, minutes=15))
    breaches = rows(tables(section(manager.get("/board").text, "breaches-heading"))[0])
    assert breaches == [f"{ref} P2 Portal login fails first response 2026-11-23 10:00"]
    advance(app, timedelta(days=8))
    sign_in(manager, "csilla")  # the session of eight days ago has ended
    later = section(manager.get("/board").text, "breaches-heading")
    assert "2026-11-23 10:00" not in later
