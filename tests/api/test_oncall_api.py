"""Who is on call, through the API: a rotation, a restricted layer, an override, errors."""

from __future__ import annotations

from tests.api.conftest import Api, Headers, call, refused


def test_the_on_call_person_comes_with_the_layer_and_the_stretch(
    api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    night = call(api, anna, "/schedules/network-oncall/on-call?at=2026-11-23T20:00")
    assert (night["person"], night["source"]) == ("david", "layer weekly")
    day = call(api, anna, "/schedules/network-oncall/on-call?at=2026-11-24T10:00%2B01:00")
    assert (day["person"], day["name"], day["source"]) == (
        "eszter",
        "Eszter Horváth",
        "layer office hours",
    )
    assert day["until"] == "2026-11-24T16:00:00Z"
    christmas = call(api, anna, "/schedules/network-oncall/on-call?at=2026-12-25T10:00")
    assert (christmas["person"], christmas["source"]) == ("david", "override")


def test_an_unknown_schedule_or_instant_is_refused_with_its_field(
    api: Api, people: dict[str, Headers]
) -> None:
    missing = call(api, people["anna"], "/schedules/nights/on-call", code=404)
    assert missing["field"] == "schedule" and "network-oncall" in missing["message"]
    bad = api.client.get("/api/v1/schedules/network-oncall/on-call?at=soon", headers=people["anna"])
    assert bad.status_code == 422 and "at" in bad.text


def test_cover_taken_through_the_api_changes_who_is_on_call_until_cancelled(
    api: Api, people: dict[str, Headers]
) -> None:
    body = {"person": "emre", "start": "2026-11-23T20:00", "end": "2026-11-24T08:00"}
    taken = call(api, api.manager, "/schedules/network-oncall/overrides", body, 201)
    assert taken["start"] == "2026-11-23T19:00:00Z"  # 20:00 in Budapest
    night = call(api, people["anna"], "/schedules/network-oncall/on-call?at=2026-11-23T22:00")
    assert (night["person"], night["source"]) == ("emre", "override")
    listed = call(api, people["anna"], "/schedules/network-oncall/overrides")
    assert [o["id"] for o in listed] == [taken["id"]]
    gone = api.client.delete(
        f"/api/v1/schedules/network-oncall/overrides/{taken['id']}", headers=api.manager
    )
    assert gone.status_code == 200 and gone.json()["cancelled_by"] == "manager-1"
    night = call(api, people["anna"], "/schedules/network-oncall/on-call?at=2026-11-23T22:00")
    assert night["person"] == "david"


def test_bad_cover_is_refused_naming_the_field(api: Api, people: dict[str, Headers]) -> None:
    url = "/schedules/network-oncall/overrides"
    week = {"start": "2026-11-24T00:00", "end": "2026-11-25T00:00"}
    refused(api, api.manager, url, {"person": "nobody"} | week, 422, "person")
    backwards = {"person": "emre", "start": week["end"], "end": week["start"]}
    refused(api, api.manager, url, backwards, 422, "end")
    past = {"person": "emre", "start": "2026-11-01T00:00", "end": "2026-11-02T00:00"}
    refused(api, api.manager, url, past, 422, "end")
    nights = "/schedules/nights/overrides"
    refused(api, api.manager, nights, {"person": "emre"} | week, 404, "schedule")
    # an agent covers for themselves only
    refused(api, people["anna"], url, {"person": "emre"} | week, 403, None)
    assert call(api, people["anna"], url, {"person": "anna"} | week, 201)["person"] == "anna"
    missing = api.client.delete(f"/api/v1{url}/999", headers=api.manager)
    assert missing.status_code == 404 and missing.json()["field"] == "override"
    huge = api.client.delete(f"/api/v1{url}/{2**63}", headers=api.manager)
    assert huge.status_code == 422
