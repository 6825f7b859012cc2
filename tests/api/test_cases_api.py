"""The case API end to end: priorities explained, clocks, errors as `{code, message, field}`."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

CASE: dict[str, Any] = {
    "title": "Card payments failing",
    "impact": 2,
    "urgency": 2,
    "customer": "duna-bank",
    "category": "payments",
}


def create(api: Api, **fields: Any) -> dict[str, Any]:
    response = api.client.post("/api/v1/cases", json=CASE | fields, headers=api.agent)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_returns_ref_priority_explanation_and_clocks(api: Api) -> None:
    case = create(api)
    assert case["ref"].startswith("ESC-")
    assert case["priority"] == "P1"
    assert case["priority_explanation"] == ["matrix I2×U2 → P2", "customer tier vip → P1"]
    metrics = {c["metric"]: c for c in case["clocks"]}
    assert set(metrics) == {"first_response", "update_interval", "resolution"}
    assert metrics["first_response"]["due_at"].startswith("2026-11-23T07:15:00")


def test_every_endpoint_but_health_needs_a_token(api: Api) -> None:
    assert api.client.get("/healthz").status_code == 200
    assert api.client.get("/readyz").status_code == 200
    response = api.client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    bad = api.client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_an_agent_cannot_apply_a_policy(api: Api) -> None:
    response = api.client.post(
        "/api/v1/policies", json={"source": "organisation: x\n"}, headers=api.agent
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    admin = api.client.post(
        "/api/v1/policies", json={"source": "organisation: x\n"}, headers=api.admin
    )
    assert admin.status_code == 201
    version = admin.json()["version"]
    current = api.client.get("/api/v1/policies/current", headers=api.agent).json()
    assert (current["version"], current["source"]) == (version, "organisation: x\n")
    listed = api.client.get("/api/v1/policies", headers=api.agent).json()
    assert listed[0]["version"] == version


def test_invalid_policy_is_refused_with_located_errors(api: Api) -> None:
    source = "sla:\n  - name: x\n    targets:\n      P1: {resolution: 4hh}\n"
    response = api.client.post("/api/v1/policies", json={"source": source}, headers=api.admin)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "policy_invalid"
    assert body["field"] == "sla[0].targets.P1.resolution"
    assert body["errors"][0]["line"] == 4


def test_validation_errors_name_the_field(api: Api) -> None:
    response = api.client.post("/api/v1/cases", json=CASE | {"impact": 7}, headers=api.agent)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["field"] == "impact"
    missing = api.client.post("/api/v1/cases", json={"impact": 1, "urgency": 1}, headers=api.agent)
    assert missing.json()["field"] == "title"
    assert missing.json()["message"] == "title: is required"


def test_malformed_json_is_a_400_not_a_500(api: Api) -> None:
    response = api.client.post(
        "/api/v1/cases",
        content=b"{not json",
        headers=api.agent | {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_naive_deadline_is_refused_naming_the_field(api: Api) -> None:
    deadline = {"at": "2026-12-01T17:00:00", "consequence": "Contract penalty of 1 MEUR"}
    response = api.client.post(
        "/api/v1/cases", json=CASE | {"deadline": deadline}, headers=api.agent
    )
    assert response.status_code == 422
    assert response.json()["field"] == "deadline.at"


def test_project_case_records_scope_schedule_budget_and_other_party(api: Api) -> None:
    project = {
        "scope": "Phase 2 dropped",
        "schedule": "Go-live slips 3 weeks",
        "budget": "+40 kEUR",
        "other_party": "Vendor Kft.",
    }
    case = create(api, kind="project", project=project, audience="internal")
    assert case["project"] == project
    wrong = api.client.post("/api/v1/cases", json=CASE | {"project": project}, headers=api.agent)
    assert wrong.status_code == 422


def test_unknown_customer_is_an_error_naming_the_field(api: Api) -> None:
    response = api.client.post(
        "/api/v1/cases", json=CASE | {"customer": "nobody"}, headers=api.agent
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_value",
        "message": "unknown customer 'nobody'",
        "field": "customer",
    }


def test_unknown_case_is_a_404(api: Api) -> None:
    response = api.client.get("/api/v1/cases/ESC-99999", headers=api.agent)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_illegal_status_transition_names_both_states(api: Api) -> None:
    ref = create(api)["ref"]
    response = api.client.post(
        f"/api/v1/cases/{ref}/status", json={"status": "closed"}, headers=api.agent
    )
    assert response.status_code == 409  # the case's current state forbids it
    assert response.json()["code"] == "invalid_transition"
    assert "new" in response.json()["message"] and "closed" in response.json()["message"]


def test_priority_override_without_a_real_reason_is_refused(api: Api) -> None:
    ref = create(api, customer="bosphorus-textiles", impact=3, urgency=3)["ref"]
    refused = api.client.post(
        f"/api/v1/cases/{ref}/priority-override",
        json={"priority": "P1", "reason": "asap"},
        headers=api.agent,
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "reason"
    accepted = api.client.post(
        f"/api/v1/cases/{ref}/priority-override",
        json={"priority": "P1", "reason": "Regulator audit tomorrow depends on this"},
        headers=api.agent,
    )
    assert accepted.json()["priority"] == "P1"


def test_comments_status_and_timeline(api: Api) -> None:
    ref = create(api)["ref"]
    reply = api.client.post(
        f"/api/v1/cases/{ref}/comments",
        json={"kind": "reply", "body": "We are on it"},
        headers=api.agent,
    )
    assert reply.status_code == 201
    first = next(c for c in reply.json()["clocks"] if c["metric"] == "first_response")
    assert first["status"] == "met"
    api.client.post(f"/api/v1/cases/{ref}/status", json={"status": "resolved"}, headers=api.agent)
    timeline = api.client.get(f"/api/v1/cases/{ref}/timeline", headers=api.agent).json()
    types = [e["type"] for e in timeline]
    # the P1 case of a VIP customer gets its account manager as a watcher and tells
    # management at once (triggers of the example policy)
    expected = ["case_created", "watcher_added", "trigger_notified", "first_notice_sent"]
    assert types == [*expected, "comment", "status_changed"]
    assert timeline[4]["actor"] == "agent-1"


def test_list_filters_by_status_priority_customer_and_breach(api: Api) -> None:
    p1 = create(api)["ref"]
    p3 = create(api, customer="bosphorus-textiles", impact=3, urgency=3)["ref"]
    listed = api.client.get("/api/v1/cases", params={"priority": "P3"}, headers=api.agent)
    assert [c["ref"] for c in listed.json()["items"]] == [p3]
    api.client.post("/api/v1/clock/advance", json={"duration": "1h"}, headers=api.admin)
    breached = api.client.get("/api/v1/cases", params={"breached": "true"}, headers=api.agent)
    assert [c["ref"] for c in breached.json()["items"]] == [p1]
    by_customer = api.client.get(
        "/api/v1/cases", params={"customer": "bosphorus-textiles"}, headers=api.agent
    )
    assert by_customer.json()["total"] == 1
    bad = api.client.get("/api/v1/cases", params={"priority": "P9"}, headers=api.agent)
    assert bad.status_code == 422 and bad.json()["field"] == "priority"


def test_update_changes_fields_and_priority(api: Api) -> None:
    ref = create(api, customer="bosphorus-textiles", impact=3, urgency=3)["ref"]
    response = api.client.patch(
        f"/api/v1/cases/{ref}", json={"risk_flags": ["security"]}, headers=api.agent
    )
    assert response.json()["priority"] == "P2"
    assert response.json()["priority_explanation"][-1] == "risk flag security → P2"
    unknown = api.client.patch(f"/api/v1/cases/{ref}", json={"colour": "red"}, headers=api.agent)
    assert unknown.status_code == 422 and unknown.json()["field"] == "colour"


def test_clock_advance_fires_breaches_and_audit_verifies(api: Api) -> None:
    create(api)
    advanced = api.client.post("/api/v1/clock/advance", json={"duration": "2h"}, headers=api.admin)
    assert advanced.json()["fired"] >= 2
    bad = api.client.post("/api/v1/clock/advance", json={"duration": "2hh"}, headers=api.admin)
    assert bad.status_code == 422 and bad.json()["field"] == "duration"
    report = api.client.get("/api/v1/audit/verify", headers=api.admin).json()
    assert report["ok"] and report["entries"] > 3


def test_openapi_document_is_served(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    assert "/api/v1/cases" in doc["paths"]


def test_watchers_are_added_and_removed_and_a_vip_case_starts_with_its_account_manager(
    api: Api,
) -> None:
    case = create(api)  # Duna Bank, a VIP
    assert case["watchers"] == ["hajnalka"]
    url = f"/api/v1/cases/{case['ref']}/watchers"
    added = api.client.post(url, json={"person": "lilla"}, headers=api.agent)
    assert added.status_code == 200 and added.json()["watchers"] == ["hajnalka", "lilla"]
    removed = api.client.delete(f"{url}/hajnalka", headers=api.agent)
    assert removed.json()["watchers"] == ["lilla"]
    unknown = api.client.post(url, json={"person": "nobody"}, headers=api.agent)
    assert unknown.status_code == 422 and unknown.json()["field"] == "person"
    again = api.client.delete(f"{url}/hajnalka", headers=api.agent)
    assert again.status_code == 422 and "does not watch" in again.json()["message"]
