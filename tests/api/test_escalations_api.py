"""Escalations and handovers through the API, with people of the example organisation.

Time is the sandbox's virtual clock: it starts Monday 23 November 2026, 08:00 in Budapest
(07:00 UTC), an hour before the office opens.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from escalon.services.context import App
from escalon.services.timers import advance
from tests.api.conftest import Api, Headers, Json, call, refused

CASE: Json = {
    "title": "Customer portal login fails",
    "impact": 2,
    "urgency": 2,
    "customer": "bosphorus-textiles",
    "category": "portal",
    "team": "frontline-bud",
    "assignee": "anna",
}
REASON: Json = {
    "category": "progress_unsatisfactory",
    "text": "Bosphorus cannot log in to the portal and loses orders every hour",
}
HANDOFF: Json = {
    "summary": "Login fails for every Bosphorus user since 07:00",
    "steps_taken": "Cleared sessions, restarted the portal nodes",
    "impact": "About 40 orders an hour are lost",
    "customer": "Bosphorus Textiles, standard tier",
    "time_constraints": "Their season sale starts on Wednesday",
    "help_needed": "A decision to roll back Friday's release",
}


def new_case(api: Api, who: Headers, **fields: Any) -> str:
    ref: str = call(api, who, "/cases", CASE | fields, 201)["ref"]
    return ref


def escalate(api: Api, who: Headers, ref: str, **fields: Any) -> Json:
    body = {"type": "hierarchical", "reason": REASON, "handoff": HANDOFF} | fields
    result: Json = call(api, who, f"/cases/{ref}/escalations", body, 201)
    return result


def test_hierarchical_escalation_from_request_to_outcome(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    anna, csilla, bence = people["anna"], people["csilla"], people["bence"]
    ref = new_case(api, anna)
    esc = escalate(api, anna, ref)
    assert (esc["state"], esc["initiator"], esc["path"]) == (
        "requested",
        "anna",
        "standard support",
    )
    assert (esc["level"], esc["level_name"]) == (2, "Team lead")
    assert esc["handoff_missing"] == [] and esc["handoff"] == HANDOFF
    assert esc["next_step"]["kind"] == "move" and esc["next_step"]["level"] == 3
    eid = esc["id"]

    advance(app, timedelta(minutes=30))
    acked = call(api, csilla, f"/escalations/{eid}/acknowledge", {"rating": 4})
    assert (acked["state"], acked["acknowledged_by"], acked["handoff_rating"]) == (
        "acknowledged",
        "csilla",
        4,
    )
    assert acked["acknowledged_at"].startswith("2026-11-23T07:30") and acked["next_step"] is None
    refused(api, csilla, f"/escalations/{eid}/acknowledge", {}, 409, "action")

    plan = {
        "items": [
            {"step": "Roll back release 4.2", "owner": "bence", "due": "2026-11-24T12:00+01:00"}
        ]
    }
    assert call(api, csilla, f"/escalations/{eid}/plan", plan)["state"] == "plan_proposed"
    assert call(api, anna, f"/escalations/{eid}/plan/reject", {"comment": "too late"})["state"] == (
        "acknowledged"
    )
    plan["items"].append({"step": "Hotfix the login", "owner": "anna", "due": "2026-11-23T15:00Z"})
    proposed = call(api, csilla, f"/escalations/{eid}/plan", plan)
    assert [i["by"] for i in proposed["plan"]] == ["csilla", "csilla"]
    for someone in (csilla, bence):
        refused(api, someone, f"/escalations/{eid}/plan/accept", {}, 403, "actor")
    assert call(api, anna, f"/escalations/{eid}/plan/accept", {})["state"] == "plan_accepted"

    done = call(
        api, csilla, f"/escalations/{eid}/resolve", {"outcome": "resources_added", "note": "Bence"}
    )
    assert (done["state"], done["outcome"], done["resolution_note"]) == (
        "resolved",
        "resources_added",
        "Bence",
    )
    assert done["ended_at"] is not None
    assert call(api, bence, f"/escalations/{eid}") == done
    listed = call(api, bence, f"/cases/{ref}/escalations")
    assert [e["id"] for e in listed["items"]] == [eid] and listed["total"] == 1
    kinds = [e["type"] for e in call(api, anna, f"/cases/{ref}/timeline")]
    assert kinds.index("escalation_raised") < kinds.index("escalation_resolved")


def test_escalating_a_resolved_or_closed_case_is_a_conflict(
    api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    ref = new_case(api, anna)
    call(api, anna, f"/cases/{ref}/status", {"status": "resolved"})
    body = {"type": "hierarchical", "reason": REASON}
    result = refused(api, anna, f"/cases/{ref}/escalations", body, 409, "case")
    assert result["code"] == "invalid_transition" and "resolved" in result["message"]
    call(api, anna, f"/cases/{ref}/status", {"status": "closed"})
    refused(api, anna, f"/cases/{ref}/escalations", body, 409, "case")
    assert call(api, anna, f"/cases/{ref}/escalations")["total"] == 0
    # A status the closed case cannot take conflicts with its state too.
    refused(api, anna, f"/cases/{ref}/status", {"status": "open"}, 409, "status")


def test_a_non_reason_is_refused_naming_the_field(api: Api, people: dict[str, Headers]) -> None:
    anna = people["anna"]
    ref = new_case(api, anna)
    path = f"/cases/{ref}/escalations"
    for text in ("escalated", "Need it now!"):
        body = {"type": "hierarchical", "reason": {"category": "other", "text": text}}
        result = refused(api, anna, path, body, 422, "reason.text")
        assert result["code"] == "reason_required" and "not a reason" in result["message"]
    deadline = {"type": "hierarchical", "reason": REASON | {"category": "deadline_at_risk"}}
    refused(api, anna, path, deadline, 422, "reason.deadline")
    unknown = {"type": "hierarchical", "reason": REASON | {"category": "mood"}}
    refused(api, anna, path, unknown, 422, "reason.category")
    refused(api, anna, path, {"type": "automatic", "reason": REASON}, 422, "type")
    assert call(api, anna, path)["total"] == 0


def test_without_a_reason_it_waits_then_closes_after_four_hours(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    ref = new_case(api, anna)
    waiting = call(api, anna, f"/cases/{ref}/escalations", {"type": "hierarchical"}, 201)
    answered = call(api, anna, f"/cases/{ref}/escalations", {"type": "hierarchical"}, 201)
    assert waiting["state"] == answered["state"] == "reason_requested"
    assert waiting["next_step"]["kind"] == "close_no_reason"
    assert waiting["next_step"]["at"].startswith("2026-11-23T11:00")

    path = f"/escalations/{answered['id']}/reason"
    refused(api, anna, path, {"category": "other", "text": "escalated"}, 422, "reason.text")
    assert call(api, anna, path, REASON)["state"] == "requested"
    refused(api, anna, path, REASON, 409, "action")

    advance(app, timedelta(hours=3, minutes=59))
    assert call(api, anna, f"/escalations/{waiting['id']}")["state"] == "reason_requested"
    advance(app, timedelta(minutes=2))
    closed = call(api, anna, f"/escalations/{waiting['id']}")
    assert closed["state"] == "closed_no_reason" and closed["ended_at"].startswith(
        "2026-11-23T11:00"
    )
    assert call(api, anna, f"/escalations/{answered['id']}")["state"] != "closed_no_reason"


def test_non_urgent_hierarchical_escalation_needs_a_manager(
    api: Api, people: dict[str, Headers]
) -> None:
    anna, csilla = people["anna"], people["csilla"]
    ref = new_case(api, anna, impact=3, urgency=3)
    first, second = escalate(api, anna, ref), escalate(api, anna, ref)
    assert first["state"] == second["state"] == "pending_approval"
    refused(api, anna, f"/escalations/{first['id']}/approve", {}, 403, None)
    approved = call(api, csilla, f"/escalations/{first['id']}/approve", {})
    assert (approved["state"], approved["approved_by"]) == ("requested", "csilla")
    refused(api, csilla, f"/escalations/{first['id']}/approve", {}, 409, "action")

    path = f"/escalations/{second['id']}/reject"
    refused(api, csilla, path, {}, 422, "reason")
    rejected = call(api, csilla, path, {"reason": "The team lead handles this within the SLA"})
    assert (rejected["state"], rejected["resolution_note"]) == (
        "rejected",
        "The team lead handles this within the SLA",
    )


def test_functional_escalation_of_a_payments_case_goes_to_finance(
    api: Api, people: dict[str, Headers]
) -> None:
    anna, ferenc = people["anna"], people["ferenc"]
    ref = new_case(api, anna, category="payments")
    esc = escalate(api, anna, ref, type="functional")
    assert (esc["type"], esc["team"], esc["targets"]) == (
        "functional",
        "finance",
        [
            {
                "team": "finance",
                "person": None,
                "role": None,
                "up": 1,
                "schedule": None,
                "named": None,
            }
        ],
    )
    assert call(api, ferenc, f"/escalations/{esc['id']}/acknowledge", {})["handoff_rating"] is None
    other = new_case(api, anna, category=None)
    body = {"type": "functional", "reason": REASON}
    refused(api, anna, f"/cases/{other}/escalations", body, 422, "team")
    named = call(api, anna, f"/cases/{other}/escalations", body | {"team": "security"}, 201)
    assert named["team"] == "security"


def test_handover_moves_ownership_only_when_accepted(api: Api, people: dict[str, Headers]) -> None:
    anna, bence, lilla, ferenc = (people[n] for n in ("anna", "bence", "lilla", "ferenc"))
    ref = new_case(api, anna)
    path = f"/cases/{ref}/handovers"
    refused(api, lilla, path, {"to_person": "bence"}, 403, "actor")
    refused(api, anna, path, {"to_person": "nobody"}, 422, "to_person")
    refused(api, anna, path, {"note": "who?"}, 422, None)
    offered = call(api, anna, path, {"to_person": "bence", "note": "You know the portal"}, 201)
    assert (offered["state"], offered["from_person"], offered["offered_by"]) == (
        "offered",
        "anna",
        "anna",
    )
    refused(api, anna, path, {"to_team": "finance"}, 409, "handover")
    refused(api, lilla, f"/handovers/{offered['id']}/accept", {}, 403, "actor")
    declined = call(api, bence, f"/handovers/{offered['id']}/decline", {"reason": "On leave"})
    assert (declined["state"], declined["decline_reason"]) == ("declined", "On leave")
    assert call(api, anna, f"/cases/{ref}")["assignee"] == "anna"
    refused(api, bence, f"/handovers/{offered['id']}/accept", {}, 409, "handover")

    to_team = call(api, anna, path, {"to_team": "finance"}, 201)
    accepted = call(api, ferenc, f"/handovers/{to_team['id']}/accept", {})
    assert (accepted["state"], accepted["decided_by"]) == ("accepted", "ferenc")
    case = call(api, anna, f"/cases/{ref}")
    assert (case["assignee"], case["team"]) == ("ferenc", "finance")
    listed = api.client.get(f"/api/v1{path}", headers=anna).json()
    assert [h["state"] for h in listed] == ["declined", "accepted"]


def test_list_filters_open_level_team_and_unacknowledged(
    api: Api, people: dict[str, Headers]
) -> None:
    anna, csilla = people["anna"], people["csilla"]
    portal = new_case(api, anna)
    payments = new_case(api, anna, category="payments")
    lead = escalate(api, anna, portal)["id"]
    finance = escalate(api, anna, payments, type="functional")["id"]
    done = escalate(api, anna, portal)["id"]
    call(api, csilla, f"/escalations/{done}/acknowledge", {})
    call(api, csilla, f"/escalations/{done}/resolve", {"outcome": "no_change"})
    acked = escalate(api, anna, payments)["id"]
    call(api, csilla, f"/escalations/{acked}/acknowledge", {"rating": 5})

    def ids(**params: Any) -> list[int]:
        response = api.client.get("/api/v1/escalations", params=params, headers=anna)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert ids() == [lead, finance, done, acked]
    assert ids(state="open") == [lead, finance, acked]
    assert ids(state="resolved") == [done]
    assert ids(level=2) == [lead, acked]
    assert ids(level=3) == [done]  # the case already stood at level 2
    assert ids(team="finance") == [finance]
    assert ids(unacknowledged=True) == [lead, finance]
    assert ids(unacknowledged=False) == [done, acked]
    assert ids(case=payments.lower()) == [finance, acked]
    assert ids(limit=2, offset=1) == [finance, done]
    bad = api.client.get("/api/v1/escalations", params={"level": 0}, headers=anna)
    assert bad.status_code == 422 and bad.json()["field"] == "level"


def test_explain_says_which_path_governs_and_what_comes_next(
    api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    ref = new_case(api, anna)
    escalate(api, anna, ref)
    explained = call(api, anna, f"/cases/{ref}/explain")
    assert (explained["case"], explained["path"], explained["level"]) == (
        ref,
        "standard support",
        2,
    )
    assert (
        explained["lines"][0]
        == f"{ref} follows path 'standard support' because it has no condition "
        "and matches every case."
    )
    assert any("escalation #1" in n["text"] for n in explained["next"])
    assert call(api, anna, "/cases/ESC-4242/explain", code=404)["field"] == "ref"


def test_errors_name_what_is_wrong(api: Api, people: dict[str, Headers]) -> None:
    anna = people["anna"]
    ref = new_case(api, anna)
    eid = escalate(api, anna, ref)["id"]
    assert call(api, anna, "/escalations/4242", code=404)["field"] == "escalation"
    assert call(api, anna, "/escalations/0", code=422)["field"] == "escalation_id"
    assert call(api, anna, f"/escalations/{2**40}", code=422)["field"] == "escalation_id"
    refused(api, anna, "/handovers/4242/accept", {}, 404, "handover")
    huge = {"to_person": "bence", "escalation": 2**70}
    refused(api, anna, f"/cases/{ref}/handovers", huge, 422, "escalation")
    refused(api, anna, "/cases/ESC-4242/escalations", {"type": "hierarchical"}, 404, "ref")
    refused(api, anna, f"/escalations/{eid}/resolve", {"outcome": "shrug"}, 422, "outcome")
    naive = {"items": [{"step": "Fix", "owner": "anna", "due": "2026-11-24T12:00"}]}
    call(api, anna, f"/escalations/{eid}/acknowledge", {})
    refused(api, anna, f"/escalations/{eid}/plan", naive, 422, "items[0].due")
    refused(api, anna, f"/escalations/{eid}/acknowledge", {"rating": 6}, 422, "rating")
    assert api.client.get("/api/v1/escalations").status_code == 401
    doc = api.client.get("/openapi.json").json()
    assert "409" in doc["paths"]["/api/v1/cases/{ref}/escalations"]["post"]["responses"]
