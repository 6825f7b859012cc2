"""The escalation stories of `escalon demo`, through the API with the virtual clock."""

from __future__ import annotations

from datetime import timedelta

from escalon.services.context import App
from escalon.services.timers import advance
from tests.api.conftest import Api, Headers, Json, call

OUTAGE: Json = {
    "title": "Core network down",
    "impact": 1,
    "urgency": 1,
    "category": "network",
    "customer": "duna-bank",
    "team": "frontline-bud",
    "assignee": "anna",
}


def timeline(api: Api, who: Headers, ref: str, *types: str) -> list[Json]:
    events: list[Json] = call(api, who, f"/cases/{ref}/timeline")
    return [e for e in events if e["type"] in types]


def escalations_of(api: Api, who: Headers, ref: str) -> list[Json]:
    items: list[Json] = call(api, who, f"/cases/{ref}/escalations")["items"]
    return items


def test_a_network_outage_climbs_four_levels(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    ref = call(api, anna, "/cases", OUTAGE, 201)["ref"]
    [esc] = [e for e in escalations_of(api, anna, ref) if e["trigger"] == "critical network outage"]
    assert esc["level_name"] == "Frontline troubleshooting"
    advance(app, timedelta(minutes=61))
    moves = timeline(api, anna, ref, "escalation_moved")
    assert [(m["data"]["from"], m["data"]["to"]) for m in moves] == [(1, 2), (2, 3), (3, 4)]
    assert call(api, anna, f"/escalations/{esc['id']}")["level_name"] == "IT management"
    assert call(api, anna, f"/cases/{ref}")["support_level"] == 4
    at_four = call(api, anna, "/escalations?level=4&state=open")["items"]
    assert [e["id"] for e in at_four] == [esc["id"]]


def test_acknowledging_through_the_api_stops_the_climb(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    ref = call(api, anna, "/cases", OUTAGE, 201)["ref"]
    [esc] = [e for e in escalations_of(api, anna, ref) if e["trigger"] == "critical network outage"]
    call(api, people["bence"], f"/escalations/{esc['id']}/acknowledge", {"rating": 3})
    advance(app, timedelta(hours=2))
    assert timeline(api, anna, ref, "escalation_moved") == []


def test_a_security_incident_is_escalated_at_once(api: Api, people: dict[str, Headers]) -> None:
    anna = people["anna"]
    case = {"title": "Phishing mail reached staff", "impact": 3, "urgency": 3}
    ref = call(api, anna, "/cases", case | {"risk_flags": ["security"]}, 201)["ref"]
    [esc] = escalations_of(api, anna, ref)
    assert (esc["type"], esc["trigger"], esc["state"]) == (
        "hierarchical",
        "security risk",
        "requested",
    )
    [raised] = timeline(api, anna, ref, "escalation_raised")
    assert [t["name"] for t in raised["data"]["targets"]] == ["Lilla Fekete"]


def test_an_sla_breach_alerts_the_manager_and_keeps_the_owner(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    case = {"title": "Invoices lack VAT", "impact": 3, "urgency": 3, "team": "frontline-bud"}
    ref = call(api, anna, "/cases", case | {"assignee": "anna"}, 201)["ref"]
    advance(app, timedelta(hours=9, minutes=1))
    [esc] = escalations_of(api, anna, ref)
    assert esc["type"] == "automatic" and esc["reason"]["category"] == "sla_breach"
    [raised] = timeline(api, anna, ref, "escalation_raised")
    assert [t["name"] for t in raised["data"]["targets"]] == ["Csilla Nagy"]
    after = call(api, anna, f"/cases/{ref}")
    assert (after["team"], after["assignee"]) == ("frontline-bud", "anna")
    unacked = call(api, anna, "/escalations?unacknowledged=true&team=frontline-bud")["items"]
    assert [e["id"] for e in unacked] == [esc["id"]]


def test_a_p1_is_escalated_a_fifth_time(api: Api, people: dict[str, Headers]) -> None:
    anna = people["anna"]
    case = {"title": "Card payments down", "impact": 1, "urgency": 1, "customer": "duna-bank"}
    ref = call(api, anna, "/cases", case, 201)["ref"]
    reason = {
        "category": "vip_involvement",
        "text": "Duna Bank's board wants hourly news while card payments fail",
    }
    for _ in range(5):
        call(
            api,
            people["bence"],
            f"/cases/{ref}/escalations",
            {"type": "hierarchical", "reason": reason},
            201,
        )
    numbers = [e["number"] for e in escalations_of(api, anna, ref)]
    assert numbers == [1, 2, 3, 4, 5]
    assert call(api, anna, f"/cases/{ref}")["priority"] == "P1"
