"""The outbox through the API: messages with their delivery, dead letters sent again."""

from __future__ import annotations

from datetime import timedelta

from escalon.core.delivery import Retry
from escalon.notify.channels import Transports
from escalon.services import delivery
from escalon.services.context import App
from tests.api.conftest import Api, Headers, call, refused
from tests.api.test_escalations_api import new_case


def _dead_letters(app: App) -> None:
    """Deliver to an SMTP port nobody listens on until the attempts run out."""
    retry = Retry(first=timedelta(seconds=1), attempts=1)
    transports = Transports("smtp://127.0.0.1:9", "escalon@danube.example")
    while delivery.deliver_due(app, transports, retry=retry):
        pass
    transports.close()


def test_messages_are_listed_with_their_state_and_attempts(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    ref = new_case(api, people["anna"], impact=1, urgency=1)  # P1: IT management is told
    page = call(api, people["anna"], f"/notifications?case={ref}")
    assert page["total"] == 3  # the P1 rule's notice by email and chat, the plan's first notice
    assert {(n["template"], n["recipient"], n["channel"], n["state"]) for n in page["items"]} == {
        ("trigger_notice", "it-management", "email", "pending"),
        ("trigger_notice", "it-management", "chat", "pending"),
        ("p1_first_notice", "it-management", "email", "pending"),
    }
    _dead_letters(app)
    dead = call(api, people["anna"], "/notifications?state=dead&recipient=it-management")
    assert dead["total"] == 3
    item = dead["items"][0]
    assert item["attempts"] == 1 and "smtp" in item["last_error"]
    assert {d["address"] for d in item["deliveries"]} == {
        "gabor.kiss@danube.example",
        "csilla.nagy@danube.example",
    }
    assert not any(d["ok"] for d in item["deliveries"])


def test_a_manager_retries_a_dead_letter_and_only_a_dead_letter(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    new_case(api, people["anna"], impact=1, urgency=1)
    first = call(api, people["anna"], "/notifications")["items"][0]
    refused(api, people["csilla"], f"/notifications/{first['id']}/retry", {}, 409, "notification")
    _dead_letters(app)
    refused(api, people["anna"], f"/notifications/{first['id']}/retry", {}, 403, None)
    again = call(api, people["csilla"], f"/notifications/{first['id']}/retry", {})
    assert (again["state"], again["attempts"]) == ("pending", 0)
    refused(api, people["csilla"], "/notifications/999999/retry", {}, 404, "notification")


def test_filters_are_checked(api: Api, people: dict[str, Headers]) -> None:
    anna = people["anna"]
    bad = api.client.get("/api/v1/notifications?state=lost", headers=anna)
    assert bad.status_code == 422 and bad.json()["field"] == "state"
    unknown = api.client.get("/api/v1/notifications?case=ESC-9999", headers=anna)
    assert unknown.status_code == 404


def test_a_stakeholder_update_names_who_hears_and_refuses_an_empty_status(
    api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    ref = new_case(api, anna, impact=1, urgency=1)
    body = {"status": "Failed over to the second site", "next_steps": "Repair the link"}
    sent = call(api, anna, f"/cases/{ref}/stakeholder-updates", body, 201)
    assert {r["key"] for r in sent["recipients"]} == {"it-management"}
    assert sent["next_update_at"] is not None
    refused(api, anna, f"/cases/{ref}/stakeholder-updates", {"status": ""}, 422, "status")
    refused(api, anna, "/cases/ESC-9999/stakeholder-updates", body, 404, "ref")
