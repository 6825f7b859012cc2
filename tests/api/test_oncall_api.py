"""Who is on call, through the API: a rotation, a restricted layer, an override, errors."""

from __future__ import annotations

from tests.api.conftest import Api, Headers, call


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
