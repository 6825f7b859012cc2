"""The case page's forms through the web UI: a refused form keeps what was typed and shows
the message beside its field (422); an accepted one redirects back to the case (303)."""

from __future__ import annotations

import html
import re
import typing
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response  # what the TestClient returns

from escalon.api.app import create_app
from escalon.core import case as case_rules
from escalon.core.escalation import HANDOFF_PARTS, Outcome, ReasonCategory, State, Type
from escalon.schemas.cases import CaseCreate, CaseFilter
from escalon.schemas.escalations import (
    EscalationCreate,
    EscalationFilter,
    EscalationRead,
    OutcomeName,
    PlanProposal,
)
from escalon.services import accounts, cases, escalations, handovers
from escalon.services.context import App
from escalon.services.timers import advance
from escalon.web.words import WORDS
from tests.web.signing import PASSWORD, csrf_of, sign_in

TITLE = "Card payments fail at checkout"
REASON_TEXT = "Vltava Logistics cannot take card payments and loses every online order"
REASON = {"category": "progress_unsatisfactory", "text": REASON_TEXT}
HANDOFF = {"summary": TITLE, "help_needed": "A decision on switching to the backup acquirer"}
PEOPLE = {"anna": "agent", "bence": "agent", "csilla": "manager"}
FRIDAY_NOON_IN_BUDAPEST = "2026-11-27T11:00:00+00:00"


@dataclass(frozen=True)
class Person:
    """One signed-in browser: its own cookies and the session's CSRF token."""

    client: TestClient
    csrf: str

    def get(self, url: str) -> Response:
        return self.client.get(url, follow_redirects=False)

    def post(
        self, url: str, fields: Mapping[str, str] | None = None, csrf: str | None = None
    ) -> Response:
        """Post a form as the page does, with the session's CSRF token; `csrf` sends another
        token instead, and an empty `csrf` leaves the field out."""
        token = self.csrf if csrf is None else csrf
        data = ({"csrf": token} if token else {}) | dict(fields or {})
        return self.client.post(url, data=data, follow_redirects=False)


@pytest.fixture
def browser_for(app: App) -> Iterator[Callable[[str], Person]]:
    """Signs a person in on a browser of their own (cookies are per client)."""
    for name, role in PEOPLE.items():
        accounts.create_user(app, name, PASSWORD, role, display_name=name.title())
    web = create_app(app)
    with ExitStack() as stack:

        def open_for(name: str) -> Person:
            client = stack.enter_context(TestClient(web, raise_server_exceptions=False))
            sign_in(client, name)
            return Person(client, csrf_of(client.get("/queue").text))

        yield open_for


@pytest.fixture
def anna(browser_for: Callable[[str], Person]) -> Person:
    """Anna, an agent of Frontline Budapest, signed in."""
    return browser_for("anna")


@pytest.fixture
def csilla(browser_for: Callable[[str], Person]) -> Person:
    """Csilla, the frontline team's manager, signed in."""
    return browser_for("csilla")


# --- set-up through the services -------------------------------------------------------


def open_case(app: App, **fields: Any) -> str:
    """A P2 case (I2×U2) of a gold customer, assigned to Anna."""
    data = {"title": TITLE, "impact": 2, "urgency": 2, "category": "payments"}
    data |= {"customer": "vltava-logistics", "team": "frontline-bud", "assignee": "anna"}
    return cases.create_case(app, CaseCreate.model_validate(data | fields), "anna").ref or ""


def escalate(app: App, ref: str, reason: dict[str, str] | None = REASON) -> EscalationRead:
    data = {"type": "hierarchical", "reason": reason, "handoff": HANDOFF}
    return escalations.raise_escalation(app, ref, EscalationCreate.model_validate(data), "anna")


def plan_for(app: App, escalation_id: int) -> None:
    """Csilla acknowledges and proposes a one-step plan."""
    escalations.acknowledge(app, escalation_id, None, "csilla")
    step = {
        "step": "Switch to the backup acquirer",
        "owner": "csilla",
        "due": FRIDAY_NOON_IN_BUDAPEST,
    }
    escalations.propose_plan(
        app, escalation_id, PlanProposal.model_validate({"items": [step]}), "csilla"
    )


def escalations_of(app: App, ref: str) -> list[EscalationRead]:
    return escalations.list_escalations(app, EscalationFilter(case=ref)).items


def comments_of(app: App, ref: str) -> list[dict[str, Any]]:
    return [e.data for e in cases.timeline(app, ref) if e.type == "comment"]


# --- reading the HTML ------------------------------------------------------------------


def text_of(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def error_beside(page: str, form: str, field: str) -> str | None:
    """The message shown beside a field of a form, or None."""
    found = re.search(
        rf'<small class="error" id="{re.escape(form)}-{re.escape(field)}-error"[^>]*>(.*?)</small>',
        page,
        re.S,
    )
    return text_of(found.group(1)) if found else None


def errors_shown(page: str) -> list[str]:
    """Every field message on the page, as `form-field` ids."""
    return re.findall(r'<small class="error" id="([^"]+)-error"', page)


def form_errors(page: str) -> list[str]:
    """Messages about a whole form."""
    return [text_of(m) for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)]


def input_value(page: str, form: str, name: str) -> str:
    tag = re.search(rf'<input id="{re.escape(form)}-{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {form}-{name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def textarea_value(page: str, form: str, name: str) -> str:
    found = re.search(
        rf'<textarea id="{re.escape(form)}-{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert found, f"no textarea {form}-{name}"
    return html.unescape(found.group(1))


def selected(page: str, form: str, name: str) -> str | None:
    found = re.search(
        rf'<select id="{re.escape(form)}-{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S
    )
    assert found, f"no select {form}-{name}"
    chosen = re.search(r'<option value="([^"]*)" selected>', found.group(1))
    return chosen.group(1) if chosen else None


def article(page: str, element_id: str) -> str:
    found = re.search(rf'<article id="{re.escape(element_id)}".*?</article>', page, re.S)
    assert found, f"no article {element_id}"
    return found.group(0)


def state_shown(page: str, escalation_id: int) -> str:
    found = re.search(
        r'<span class="esc-state" data-state="([^"]+)">',
        article(page, f"escalation-{escalation_id}"),
    )
    assert found
    return found.group(1)


# --- 1-3: a new case, and the guards every form goes through -----------------------------


def test_a_case_created_through_the_form_shows_its_priority_why_and_running_clocks(
    app: App, anna: Person
) -> None:
    fields = {
        "title": TITLE,
        "description": "Every card payment is declined with error 502",
        "impact": "2",
        "urgency": "2",
        "kind": "incident",
        "audience": "external",
        "category": "payments",
        "customer": "vltava-logistics",
        "team": "frontline-bud",
        "assignee": "anna",
    }
    created = anna.post("/cases", fields)
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    found = re.fullmatch(r"/cases/([A-Z]+-\d+)", location)
    assert found, location
    ref = found.group(1)

    page = anna.get(location)
    assert page.status_code == 200
    assert f'<span class="ref">{ref}</span> {TITLE}' in page.text
    assert '<span class="priority p2">P2</span>' in page.text
    assert "<li>matrix I2×U2 → P2</li>" in page.text
    clocks = re.search(r'<table class="clocks".*?</table>', page.text, re.S)
    assert clocks
    assert "running" in clocks.group(0) and "on track" in text_of(clocks.group(0))
    assert 'class="countdown on-track"' in clocks.group(0)

    case = cases.get_case(app, ref)
    assert (case.priority, case.status, case.assignee) == ("P2", "new", "anna")
    assert {c.status for c in case.clocks} == {"running"}


def test_a_new_case_without_title_and_impact_is_refused_beside_them_keeping_the_text(
    app: App, anna: Person
) -> None:
    typed = "Every card payment is declined with error 502"
    refused = anna.post("/cases", {"title": "", "description": typed, "urgency": "2"})
    assert refused.status_code == 422
    assert error_beside(refused.text, "case", "title") == "This field is required."
    assert error_beside(refused.text, "case", "impact") == "This field is required."
    assert error_beside(refused.text, "case", "urgency") is None
    assert textarea_value(refused.text, "case", "description") == typed
    assert selected(refused.text, "case", "urgency") == "2"
    assert 'aria-describedby="case-title-error"' in refused.text
    assert cases.list_cases(app, CaseFilter()).total == 0


def test_a_form_without_the_right_csrf_token_is_refused_and_changes_nothing(
    app: App, anna: Person
) -> None:
    fields = {"title": TITLE, "impact": "2", "urgency": "2"}
    assert anna.post("/cases", fields, csrf="").status_code == 403
    assert anna.post("/cases", fields, csrf="forged-token").status_code == 403
    assert cases.list_cases(app, CaseFilter()).total == 0

    ref = open_case(app)
    note = {"kind": "note", "body": "Checked the gateway logs"}
    assert anna.post(f"/cases/{ref}/comments", note, csrf="").status_code == 403
    assert anna.post(f"/cases/{ref}/comments", note, csrf="forged-token").status_code == 403
    closed = {"status": "resolved"}
    assert anna.post(f"/cases/{ref}/status", closed, csrf="forged-token").status_code == 403
    assert comments_of(app, ref) == []
    assert cases.get_case(app, ref).status == "new"


# --- 4-6: comments, priority, status ------------------------------------------------------


def test_a_note_and_a_reply_appear_on_the_timeline_and_an_empty_comment_is_refused(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    note = anna.post(f"/cases/{ref}/comments", {"kind": "note", "body": "Checked the logs"})
    assert note.status_code == 303 and note.headers["location"] == f"/cases/{ref}#comment"
    reply = {"kind": "reply", "body": "We are on it and will write within the hour"}
    assert anna.post(f"/cases/{ref}/comments", reply).status_code == 303

    timeline = re.search(r'<ol class="timeline">.*?</ol>', anna.get(f"/cases/{ref}").text, re.S)
    assert timeline
    assert "(note)</span><blockquote>Checked the logs</blockquote>" in timeline.group(0)
    assert "(reply)</span><blockquote>We are on it and will write within the hour" in (
        timeline.group(0)
    )
    assert [(c["kind"], c["body"]) for c in comments_of(app, ref)] == [
        ("note", "Checked the logs"),
        ("reply", "We are on it and will write within the hour"),
    ]

    empty = anna.post(f"/cases/{ref}/comments", {"kind": "reply", "body": "  "})
    assert empty.status_code == 422
    assert error_beside(empty.text, "comment", "body") == "This field is required."
    assert selected(empty.text, "comment", "kind") == "reply"
    assert len(comments_of(app, ref)) == 2


def test_a_priority_override_needs_a_reason_and_then_shows_who_overrode_it(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    bare = anna.post(f"/cases/{ref}/priority", {"priority": "P1", "reason": ""})
    assert bare.status_code == 422
    assert error_beside(bare.text, "priority", "reason") == "This field is required."
    assert selected(bare.text, "priority", "priority") == "P1"
    assert cases.get_case(app, ref).priority == "P2"

    why = "The CFO of Vltava reported the outage to their board"
    done = anna.post(f"/cases/{ref}/priority", {"priority": "P1", "reason": why})
    assert done.status_code == 303
    page = anna.get(f"/cases/{ref}").text
    assert '<span class="priority p1">P1</span>' in page
    assert f"Overridden by anna: {why}" in text_of(page)
    case = cases.get_case(app, ref)
    assert case.priority == "P1"
    assert case.priority_override and case.priority_override["by"] == "anna"


def test_a_status_change_the_lifecycle_forbids_is_refused_and_the_status_stays(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    assert "closed" not in case_rules.TRANSITIONS["new"]
    refused = anna.post(f"/cases/{ref}/status", {"status": "closed", "reason": "done"})
    assert refused.status_code == 422
    message = error_beside(refused.text, "status", "status")
    assert message and "cannot become closed" in message
    assert input_value(refused.text, "status", "reason") == "done"
    assert cases.get_case(app, ref).status == "new"
    assert "Status: new" in text_of(refused.text)

    allowed = anna.post(f"/cases/{ref}/status", {"status": "open", "reason": ""})
    assert allowed.status_code == 303
    assert cases.get_case(app, ref).status == "open"


def test_a_stakeholder_update_without_its_status_is_refused_beside_it(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    refused = anna.post(f"/cases/{ref}/updates", {"status": "", "actions": "Restarted it"})
    assert refused.status_code == 422
    assert error_beside(refused.text, "update", "status") == "This field is required."
    assert textarea_value(refused.text, "update", "actions") == "Restarted it"
    assert '<details id="update" open>' in refused.text
    sent = {"status": "Payments fail", "actions": "Restarted it", "eta": "2026-11-23T15:30"}
    assert anna.post(f"/cases/{ref}/updates", sent).status_code == 303
    updates = [e.data for e in cases.timeline(app, ref) if e.type == "stakeholder_update"]
    assert [u["eta"] for u in updates] == ["2026-11-23T15:30:00+01:00"]  # read in Budapest


# --- 7-8: the escalate form -------------------------------------------------------------


def test_escalating_without_a_reason_is_refused_beside_its_fields_keeping_the_handoff(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    form = anna.get(f"/cases/{ref}/escalate")
    assert form.status_code == 200
    assert textarea_value(form.text, "escalate", "handoff.summary") == TITLE

    typed = {"type": "hierarchical", "handoff.steps_taken": "Restarted the gateway twice"}
    refused = anna.post(f"/cases/{ref}/escalate", typed)
    assert refused.status_code == 422
    category = error_beside(refused.text, "escalate", "reason.category")
    text = error_beside(refused.text, "escalate", "reason.text")
    assert category == "say which kind of reason this is"
    assert text == "say where and how the problem hurts the business"
    assert (
        textarea_value(refused.text, "escalate", "handoff.steps_taken")
        == typed["handoff.steps_taken"]
    )
    assert escalations_of(app, ref) == []


def test_a_phrase_that_is_not_a_reason_is_refused_beside_the_reason_text(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    fields = {
        "type": "hierarchical",
        "reason.category": "progress_unsatisfactory",
        "reason.text": "need it now",
    }
    refused = anna.post(f"/cases/{ref}/escalate", fields)
    assert refused.status_code == 422
    message = error_beside(refused.text, "escalate", "reason.text")
    assert message and message.startswith("'need it now' is not a reason")
    assert error_beside(refused.text, "escalate", "reason.category") is None
    assert selected(refused.text, "escalate", "reason.category") == "progress_unsatisfactory"
    assert textarea_value(refused.text, "escalate", "reason.text") == "need it now"
    assert escalations_of(app, ref) == []


def test_a_deadline_reason_without_date_and_consequence_is_refused_beside_both(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    fields = {"type": "hierarchical", "reason.category": "deadline_at_risk"}
    refused = anna.post(f"/cases/{ref}/escalate", fields | {"reason.text": REASON_TEXT})
    assert refused.status_code == 422
    assert error_beside(refused.text, "escalate", "reason.deadline") == (
        "a deadline reason needs the date of the deadline"
    )
    assert error_beside(refused.text, "escalate", "reason.consequence") == (
        "a deadline reason needs what happens if it is missed"
    )
    assert error_beside(refused.text, "escalate", "reason.text") is None
    assert escalations_of(app, ref) == []


def test_a_good_escalation_is_created_and_the_redirect_points_at_it(app: App, anna: Person) -> None:
    ref = open_case(app)
    fields = {
        "type": "hierarchical",
        "team": "finance",  # left out: a team is chosen only for a functional escalation
        "reason.category": "deadline_at_risk",
        "reason.text": REASON_TEXT,
        "reason.deadline": "2026-11-30",
        "reason.consequence": "The month-end invoices go out late",
        "handoff.summary": TITLE,
        "handoff.help_needed": "A decision on the backup acquirer",
    }
    done = anna.post(f"/cases/{ref}/escalate", fields)
    assert done.status_code == 303, done.text
    [raised] = escalations_of(app, ref)
    assert done.headers["location"] == f"/cases/{ref}#escalation-{raised.id}"
    assert (raised.state, raised.type, raised.initiator) == ("requested", "hierarchical", "anna")
    assert raised.team != "finance"
    assert raised.reason and raised.reason["deadline"] == "2026-11-30"

    page = anna.get(f"/cases/{ref}").text
    assert state_shown(page, raised.id) == "requested"
    shown = text_of(article(page, f"escalation-{raised.id}"))
    assert "requested" in shown and REASON_TEXT in shown
    assert "Deadline 2026-11-30; if missed: The month-end invoices go out late" in shown


def test_the_check_lists_the_missing_handoff_and_says_when_the_reason_is_complete(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    partial = anna.post(f"/cases/{ref}/escalate/check", {"handoff.summary": TITLE})
    assert partial.status_code == 200
    missing = re.search(r"The recipient will also miss:</strong>([^<]*)</p>", partial.text)
    assert missing
    assert missing.group(1).strip() == (
        "Steps already taken, Impact, Customer, Time constraints, The help you need"
    )
    assert '<li data-field="reason.category">say which kind of reason this is</li>' in (
        partial.text
    )
    assert "The business reason is complete." not in partial.text

    whole = {f"handoff.{part}": "Written down" for part in HANDOFF_PARTS}
    whole |= {"reason.category": "progress_unsatisfactory", "reason.text": REASON_TEXT}
    complete = anna.client.post(
        f"/cases/{ref}/escalate/check",
        data=whole,
        headers={"HX-Request": "true", "X-CSRF-Token": anna.csrf},  # as htmx sends it
    )
    assert complete.status_code == 200
    assert "The business reason is complete." in complete.text
    assert "The handoff is complete." in complete.text
    assert "missing-reason" not in complete.text
    assert escalations_of(app, ref) == []  # checking sends nothing


# --- 9-10: the escalation's lifecycle on the case page ------------------------------------


def test_acknowledging_with_a_rating_shows_the_rating(
    app: App, anna: Person, csilla: Person
) -> None:
    ref = open_case(app)
    raised = escalate(app, ref)
    done = csilla.post(f"/escalations/{raised.id}/acknowledge", {"rating": "4"})
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/cases/{ref}#")
    page = csilla.get(f"/cases/{ref}").text
    assert state_shown(page, raised.id) == "acknowledged"
    assert "handoff rated 4 of 5" in text_of(article(page, f"escalation-{raised.id}"))
    after = escalations.get_escalation(app, raised.id)
    assert (after.acknowledged_by, after.handoff_rating) == ("csilla", 4)


def test_a_plan_step_without_a_due_time_is_refused_beside_it_keeping_the_step(
    app: App, csilla: Person
) -> None:
    ref = open_case(app)
    raised = escalate(app, ref)
    escalations.acknowledge(app, raised.id, None, "csilla")
    form = f"plan-{raised.id}"
    step = {"items.0.step": "Switch to the backup acquirer", "items.0.owner": "csilla"}
    refused = csilla.post(f"/escalations/{raised.id}/plan", step | {"items.0.due": ""})
    assert refused.status_code == 422
    assert error_beside(refused.text, form, "items.0.due") == "This field is required."
    assert input_value(refused.text, form, "items.0.step") == "Switch to the backup acquirer"
    assert input_value(refused.text, form, "items.0.owner") == "csilla"
    assert escalations.get_escalation(app, raised.id).state == "acknowledged"


def test_a_plan_problem_is_shown_beside_its_row_as_the_page_shows_it_again(
    app: App, csilla: Person
) -> None:
    """The blank row above is dropped, so the typed row comes back first, with its message."""
    ref = open_case(app)
    raised = escalate(app, ref)
    escalations.acknowledge(app, raised.id, None, "csilla")
    form = f"plan-{raised.id}"
    rows = {"items.0.step": "", "items.0.owner": "", "items.0.due": ""}
    rows |= {"items.1.step": "Switch to the backup acquirer", "items.1.owner": "csilla"}
    refused = csilla.post(f"/escalations/{raised.id}/plan", rows | {"items.1.due": ""})
    assert refused.status_code == 422
    assert errors_shown(refused.text) == [f"{form}-items.0.due"]
    assert input_value(refused.text, form, "items.0.step") == "Switch to the backup acquirer"
    assert input_value(refused.text, form, "items.1.step") == ""


def test_a_full_plan_shows_in_the_plan_table_with_due_times_in_the_viewers_zone(
    app: App, csilla: Person
) -> None:
    ref = open_case(app)
    raised = escalate(app, ref)
    escalations.acknowledge(app, raised.id, None, "csilla")
    rows = {
        "items.0.step": "Switch to the backup acquirer",
        "items.0.owner": "csilla",
        "items.0.due": "2026-11-24T10:00",
        "items.1.step": "Ask the acquirer for a root cause",
        "items.1.owner": "anna",
        "items.1.due": "2026-11-25T16:30",
        "items.2.step": "",
        "items.2.owner": "",
        "items.2.due": "",
    }
    done = csilla.post(f"/escalations/{raised.id}/plan", rows)
    assert done.status_code == 303, done.text
    after = escalations.get_escalation(app, raised.id)
    assert after.state == "plan_proposed"
    assert [(i["step"], i["owner"]) for i in after.plan] == [
        ("Switch to the backup acquirer", "csilla"),
        ("Ask the acquirer for a root cause", "anna"),
    ]
    dues = [datetime.fromisoformat(i["due"]).astimezone(UTC) for i in after.plan]
    assert dues == [
        datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 25, 15, 30, tzinfo=UTC),
    ]

    page = csilla.get(f"/cases/{ref}").text
    table = re.search(
        r'<table class="plan">.*?</table>', article(page, f"escalation-{raised.id}"), re.S
    )
    assert table
    body_rows = [
        text_of(r) for r in re.findall(r"<tr>(.*?)</tr>", table.group(0).split("<tbody>")[1])
    ]
    assert body_rows == [
        "Switch to the backup acquirer csilla 2026-11-24 10:00",
        "Ask the acquirer for a root cause anna 2026-11-25 16:30",
    ]


def test_only_the_initiator_may_accept_the_plan(app: App, anna: Person, csilla: Person) -> None:
    ref = open_case(app)
    raised = escalate(app, ref)
    plan_for(app, raised.id)

    refused = csilla.post(f"/escalations/{raised.id}/accept", {"comment": "Looks fine"})
    assert refused.status_code == 422
    assert form_errors(refused.text) == [
        "only anna, who raised the escalation, may decide on its plan"
    ]
    assert input_value(refused.text, f"accept-{raised.id}", "comment") == "Looks fine"
    assert escalations.get_escalation(app, raised.id).state == "plan_proposed"

    accepted = anna.post(f"/escalations/{raised.id}/accept", {"comment": ""})
    assert accepted.status_code == 303
    page = anna.get(f"/cases/{ref}").text
    assert state_shown(page, raised.id) == "plan_accepted"
    assert "plan accepted" in text_of(article(page, f"escalation-{raised.id}"))
    assert escalations.get_escalation(app, raised.id).state == "plan_accepted"


def test_recording_an_outcome_needs_one_and_then_resolves_the_escalation(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    raised = escalate(app, ref)
    plan_for(app, raised.id)
    form = f"resolve-{raised.id}"

    refused = anna.post(f"/escalations/{raised.id}/resolve", {"outcome": "", "note": "Fixed"})
    assert refused.status_code == 422
    assert error_beside(refused.text, form, "outcome") == "This field is required."
    assert textarea_value(refused.text, form, "note") == "Fixed"
    assert re.search(r"<details open>\s*<summary>Record the outcome", refused.text)
    assert escalations.get_escalation(app, raised.id).state == "plan_proposed"

    done = anna.post(
        f"/escalations/{raised.id}/resolve", {"outcome": "resources_added", "note": "Fixed"}
    )
    assert done.status_code == 303
    page = anna.get(f"/cases/{ref}").text
    assert state_shown(page, raised.id) == "resolved"
    shown = text_of(article(page, f"escalation-{raised.id}"))
    assert "resolved" in shown and "Outcome: resources added — Fixed" in shown
    after = escalations.get_escalation(app, raised.id)
    assert (after.state, after.outcome) == ("resolved", "resources_added")


def test_an_escalation_waiting_for_its_reason_shows_the_reason_form_and_moves_on(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    raised = escalate(app, ref, reason=None)
    assert raised.state == "reason_requested"
    page = anna.get(f"/cases/{ref}").text
    assert state_shown(page, raised.id) == "reason_requested"
    assert f'action="/escalations/{raised.id}/reason" id="reason-{raised.id}"' in page

    done = anna.post(f"/escalations/{raised.id}/reason", REASON)
    assert done.status_code == 303, done.text
    after = escalations.get_escalation(app, raised.id)
    assert after.state == "requested"
    assert after.reason and after.reason["text"] == REASON_TEXT
    page = anna.get(f"/cases/{ref}").text
    assert state_shown(page, raised.id) == "requested"
    assert f'id="reason-{raised.id}"' not in page


def test_a_non_reason_supplied_later_is_refused_beside_the_reason_text(
    app: App, anna: Person
) -> None:
    ref = open_case(app)
    raised = escalate(app, ref, reason=None)
    form = f"reason-{raised.id}"
    blank = anna.post(f"/escalations/{raised.id}/reason", {"category": "", "text": ""})
    assert blank.status_code == 422
    assert error_beside(blank.text, form, "category") == "say which kind of reason this is"
    fields = {"category": "progress_unsatisfactory", "text": "need it now"}
    refused = anna.post(f"/escalations/{raised.id}/reason", fields)
    assert refused.status_code == 422
    message = error_beside(refused.text, form, "text")
    assert message and message.startswith("'need it now' is not a reason")
    assert selected(refused.text, form, "category") == "progress_unsatisfactory"
    assert textarea_value(refused.text, form, "text") == "need it now"
    assert escalations.get_escalation(app, raised.id).state == "reason_requested"


# --- 11: handover --------------------------------------------------------------------------


def offer_to_bence(app: App, anna: Person) -> tuple[str, int]:
    """Anna, the assignee, offers her case to Bence through the form."""
    ref = open_case(app)
    offered = anna.post(f"/cases/{ref}/handovers", {"to_person": "bence", "note": "Over to you"})
    assert offered.status_code == 303, offered.text
    assert offered.headers["location"] == f"/cases/{ref}#handover"
    [offer] = handovers.list_for_case(app, ref)
    return ref, offer.id


def test_the_assignee_offers_a_handover_and_keeps_the_case_until_it_is_answered(
    app: App, anna: Person
) -> None:
    ref, offer_id = offer_to_bence(app, anna)
    [offer] = handovers.list_for_case(app, ref)
    assert (offer.state, offer.to_person, offer.offered_by) == ("offered", "bence", "anna")
    assert cases.get_case(app, ref).assignee == "anna"
    shown = article(anna.get(f"/cases/{ref}").text, f"handover-{offer_id}")
    assert "anna offers the case to bence" in text_of(shown)
    assert f'formaction="/handovers/{offer_id}/accept"' in shown


def test_declining_a_handover_without_a_reason_is_refused(
    app: App, anna: Person, browser_for: Callable[[str], Person]
) -> None:
    ref, offer_id = offer_to_bence(app, anna)
    declined = browser_for("bence").post(f"/handovers/{offer_id}/decline", {"reason": ""})
    assert declined.status_code == 422, declined.text
    assert error_beside(declined.text, f"handover-{offer_id}", "reason") == (
        "This field is required."
    )
    assert handovers.list_for_case(app, ref)[0].state == "offered"


def test_the_receiver_accepting_a_handover_becomes_the_assignee(
    app: App, anna: Person, browser_for: Callable[[str], Person]
) -> None:
    ref, offer_id = offer_to_bence(app, anna)
    bence = browser_for("bence")
    accepted = bence.post(f"/handovers/{offer_id}/accept", {"reason": ""})
    assert accepted.status_code == 303, accepted.text
    assert accepted.headers["location"] == f"/cases/{ref}#handover-{offer_id}"
    assert handovers.list_for_case(app, ref)[0].state == "accepted"
    assert cases.get_case(app, ref).assignee == "bence"
    assert "<dt>Assignee</dt><dd>bence</dd>" in bence.get(f"/cases/{ref}").text


def test_only_the_receiver_may_answer_a_handover(app: App, anna: Person) -> None:
    ref, offer_id = offer_to_bence(app, anna)
    refused = anna.post(f"/handovers/{offer_id}/accept", {"reason": ""})
    assert refused.status_code == 422, refused.text
    assert form_errors(refused.text) == ["only bence may answer this handover"]
    assert handovers.list_for_case(app, ref)[0].state == "offered"
    assert cases.get_case(app, ref).assignee == "anna"


def test_a_handover_to_nobody_or_to_a_stranger_is_refused(app: App, anna: Person) -> None:
    ref = open_case(app)
    nobody = anna.post(f"/cases/{ref}/handovers", {"to_person": "", "note": "Over to you"})
    assert nobody.status_code == 422
    assert form_errors(nobody.text) == [
        "name the person (to_person) or team (to_team) to hand over to"
    ]
    assert textarea_value(nobody.text, "handover", "note") == "Over to you"
    assert '<details id="handover" open>' in nobody.text

    stranger = anna.post(f"/cases/{ref}/handovers", {"to_person": "nobody", "note": ""})
    assert stranger.status_code == 422
    assert error_beside(stranger.text, "handover", "to_person") == "unknown person 'nobody'"
    assert input_value(stranger.text, "handover", "to_person") == "nobody"
    assert handovers.list_for_case(app, ref) == []


# --- 12: what does not exist ---------------------------------------------------------------


def test_an_unknown_case_is_a_not_found_page(anna: Person) -> None:
    for response in (
        anna.get("/cases/ESC-99999"),
        anna.get("/cases/ESC-99999/escalate"),
        anna.post("/cases/ESC-99999/comments", {"kind": "note", "body": "Hello there"}),
    ):
        assert response.status_code == 404
        assert "This request was refused" in response.text
        assert "case ESC-99999 does not exist" in response.text


def test_an_unknown_handover_is_not_found(anna: Person) -> None:
    response = anna.post("/handovers/99999/accept", {})
    assert response.status_code == 404
    assert "handover 99999 does not exist" in response.text


def test_escalating_an_unknown_case_is_a_not_found_page(anna: Person) -> None:
    fields = {"type": "hierarchical", "reason.category": "other", "reason.text": REASON_TEXT}
    response = anna.post("/cases/ESC-99999/escalate", fields)
    assert response.status_code == 404
    assert "This request was refused" in response.text


def test_an_unknown_escalation_or_action_is_not_found(app: App, anna: Person) -> None:
    unknown = anna.post("/escalations/99999/acknowledge", {"rating": "4"})
    assert unknown.status_code == 404
    assert "escalation 99999 does not exist" in unknown.text
    raised = escalate(app, open_case(app))
    no_such = anna.post(f"/escalations/{raised.id}/explode", {})
    assert no_such.status_code == 404 and "no such action" in no_such.text
    assert escalations.get_escalation(app, raised.id).state == "requested"


# --- 13: words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("state", [s.value for s in State]),
        ("type", [t.value for t in Type]),
        ("reason", [c.value for c in ReasonCategory]),
        ("outcome", list(typing.get_args(OutcomeName))),
        ("outcome", [o.value for o in Outcome]),
        ("status", list(case_rules.STATUSES)),
    ],
)
def test_every_value_of_the_core_has_a_word(kind: str, values: list[str]) -> None:
    assert [v for v in values if v not in WORDS[kind]] == []


def test_a_clock_whose_warning_has_fired_still_counts_down_in_warning(
    app: App, anna: Person
) -> None:
    """Once the warning fires its instant is no longer kept: the page must not fall back
    to "on track" (a P2's first response warns at 09:45 and is due at 10:00)."""
    ref = open_case(app)
    advance(app, timedelta(hours=1, minutes=50))  # 09:50 in Budapest
    clock = next(c for c in cases.get_case(app, ref).clocks if c.metric == "first_response")
    assert clock.warned and clock.warn_at is None

    row = re.search(
        r"<th scope=\"row\">first response</th>.*?</tr>", anna.get(f"/cases/{ref}").text, re.S
    )
    assert row and 'class="countdown warning"' in row.group(0)
    assert ">warning</span>" in row.group(0)
