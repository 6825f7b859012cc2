"""The organisation through the API: teams, people and their availability, schedules with
their shifts, and the contact directory export. The sandbox's time is Monday 23 November
2026, 07:00 UTC (08:00 in Budapest, 02:00 in New York, 15:00 in Singapore)."""

from __future__ import annotations

import csv
import io
from typing import Any

from escalon.services import policies
from escalon.services.context import App
from tests.api.conftest import Api, Headers, call
from tests.conftest import EXAMPLE

NOW = "2026-11-23T07:00:00Z"


def keys(items: list[dict[str, Any]]) -> list[str]:
    return [item["key"] for item in items]


def test_teams_are_listed_by_key_and_one_team_shows_its_rota_and_regions(
    api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    teams = call(api, anna, "/teams")
    assert keys(teams) == sorted(keys(teams)) and "hosting-global" in keys(teams)
    sgp = call(api, anna, "/teams/hosting-sgp")
    assert (sgp["name"], sgp["members"], sgp["schedule"]) == (
        "Hosting support Singapore",
        ["wei", "priya"],
        "hosting-sgp-oncall",
    )
    assert (sgp["region"], sgp["calendar"], sgp["auto_assign"]) == (
        "apac",
        "singapore-office",
        True,
    )
    world = call(api, anna, "/teams/hosting-global")
    assert world["follow_the_sun"] == ["hosting-bud", "hosting-nyc", "hosting-sgp"]
    assert world["expertise"] == ["hosting", "dns"]


def test_people_are_filtered_by_team_language_and_skill(
    api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    assert keys(call(api, anna, "/people?team=hosting-bud")) == ["marton", "olga"]
    assert keys(call(api, anna, "/people?language=ru")) == ["olga"]
    assert keys(call(api, anna, "/people?skill=dns")) == ["marton"]
    assert keys(call(api, anna, "/people?team=frontline-bud&language=cs")) == ["bence"]
    assert call(api, anna, "/people?language=xx") == []
    unknown = call(api, anna, "/people?team=nightshift", code=404)
    assert unknown["field"] == "team" and "hosting-bud" in unknown["message"]


def test_someone_out_of_office_is_unavailable_even_on_call_and_says_why(
    api: Api, people: dict[str, Headers]
) -> None:
    # Priya's turn on the Singapore rota has begun, but she is on leave all week.
    priya = call(api, people["anna"], "/people/priya")
    assert (priya["at"], priya["available_now"]) == (NOW, False)
    assert priya["why"] == "out of office until 2026-11-27T16:00:00+00:00 (annual leave)"
    assert priya["out_of_office"] == [
        {"start": "2026-11-22T16:00:00Z", "end": "2026-11-27T16:00:00Z", "note": "annual leave"}
    ]
    assert (priya["teams"], priya["calendar"], priya["languages"]) == (
        ["hosting-sgp"],
        "singapore-office",
        ["en", "ta"],
    )


def test_someone_on_call_is_available_at_night_and_an_office_worker_is_not(
    api: Api, people: dict[str, Headers]
) -> None:
    maria = call(api, people["anna"], "/people/maria")
    assert (maria["available_now"], maria["why"]) == (True, "on call (hosting-nyc-oncall)")
    bence = call(api, people["anna"], "/people/bence")
    assert (bence["available_now"], bence["why"]) == (False, "off work (budapest-office closed)")
    working = call(api, people["anna"], "/people/bence?at=2026-11-23T10:00%2B01:00")
    assert (working["available_now"], working["why"]) == (True, "working (budapest-office)")


def test_an_instant_without_offset_is_read_in_the_persons_own_zone(
    api: Api, people: dict[str, Headers]
) -> None:
    # 23:00 on Friday in Singapore is still her leave; read as UTC it would be Saturday.
    late = call(api, people["anna"], "/people/priya?at=2026-11-27T23:00")
    assert late["at"] == "2026-11-27T15:00:00Z" and late["why"].startswith("out of office")
    back = call(api, people["anna"], "/people/priya?at=2026-11-30T10:00")
    assert (back["available_now"], back["why"]) == (True, "working (singapore-office)")
    far = call(api, people["anna"], "/people/priya?at=0001-01-01T00:00", code=422)
    assert far["field"] == "at"


def test_schedules_show_layers_with_their_hours_and_overrides(
    api: Api, people: dict[str, Headers]
) -> None:
    schedules = call(api, people["anna"], "/schedules")
    assert keys(schedules) == ["hosting-nyc-oncall", "hosting-sgp-oncall", "network-oncall"]
    network = schedules[2]
    weekly, office = network["layers"]
    assert (weekly["members"], weekly["start"], weekly["length_seconds"]) == (
        ["david", "emre", "eszter"],
        "2026-11-02T09:00:00",
        7 * 86400,
    )
    assert weekly["restrict"] is None
    assert office["restrict"]["mon"] == ["09:00-17:00"] and office["restrict"]["sun"] == []
    assert network["overrides"] == [
        {"person": "david", "start": "2026-12-23T23:00:00Z", "end": "2026-12-26T23:00:00Z"}
    ]


def test_schedule_shifts_over_a_day_name_the_person_and_the_layer(
    api: Api, people: dict[str, Headers]
) -> None:
    day = "/schedules/network-oncall?from=2026-11-23T00:00&until=2026-11-24T00:00"
    found = call(api, people["anna"], day)
    assert (found["shifts_from"], found["shifts_until"]) == (
        "2026-11-22T23:00:00Z",
        "2026-11-23T23:00:00Z",
    )
    shifts = [(s["person"], s["source"], s["start"], s["end"]) for s in found["shifts"]]
    assert shifts == [
        ("eszter", "layer weekly", "2026-11-22T23:00:00Z", "2026-11-23T08:00:00Z"),
        ("eszter", "layer office hours", "2026-11-23T08:00:00Z", "2026-11-23T16:00:00Z"),
        ("david", "layer weekly", "2026-11-23T16:00:00Z", "2026-11-23T23:00:00Z"),
    ]
    assert found["shifts"][0]["name"] == "Eszter Horváth"


def test_schedule_shifts_default_to_the_coming_week_without_gaps(
    api: Api, people: dict[str, Headers]
) -> None:
    week = call(api, people["anna"], "/schedules/hosting-nyc-oncall")
    assert (week["shifts_from"], week["shifts_until"]) == (NOW, "2026-11-30T07:00:00Z")
    shifts = week["shifts"]
    assert [s["person"] for s in shifts] == ["maria", "james"]
    assert shifts[0]["start"] == NOW and shifts[-1]["end"] == "2026-11-30T07:00:00Z"
    assert shifts[0]["end"] == shifts[1]["start"] == "2026-11-23T14:00:00Z"  # 09:00 in New York


def test_a_reversed_too_long_or_unreadable_window_is_refused_naming_the_field(
    api: Api, people: dict[str, Headers]
) -> None:
    anna, base = people["anna"], "/schedules/network-oncall"
    reversed_ = call(api, anna, f"{base}?from=2026-11-24T00:00&until=2026-11-23T00:00", code=422)
    assert reversed_["field"] == "until" and "is not after" in reversed_["message"]
    too_long = call(api, anna, f"{base}?from=2026-11-23T00:00&until=2027-03-01T00:00", code=422)
    assert too_long["field"] == "until" and "at most 93 days" in too_long["message"]
    quarter = call(api, anna, f"{base}?from=2026-11-23T00:00&until=2027-02-24T00:00")
    assert quarter["shifts"][-1]["end"] == "2027-02-23T23:00:00Z"
    assert call(api, anna, f"{base}?from=soon", code=422)["field"] == "from"


def test_unknown_keys_are_404_naming_the_field_and_what_is_known(
    api: Api, people: dict[str, Headers]
) -> None:
    anna = people["anna"]
    for path, field, known in [
        ("/teams/nightshift", "team", "frontline-bud"),
        ("/people/zoltan", "person", "eszter"),
        ("/schedules/weekend", "schedule", "network-oncall"),
    ]:
        missing = call(api, anna, path, code=404)
        assert (missing["code"], missing["field"]) == ("not_found", field)
        assert known in missing["message"]


def test_the_organisation_needs_a_token(api: Api) -> None:
    for path in ("/teams", "/people", "/schedules", "/directory"):
        assert api.client.get(f"/api/v1{path}").status_code == 401


def as_cells(entry: dict[str, Any]) -> dict[str, str]:
    """A JSON entry as its CSV row: lists joined with ';', nothing as ''."""
    return {
        key: ";".join(value) if isinstance(value, list) else "" if value is None else str(value)
        for key, value in entry.items()
    }


def test_the_csv_export_reads_back_as_the_json_export_whatever_the_names(
    app: App, api: Api, people: dict[str, Headers]
) -> None:
    awkward = 'name: "Ольга Иванова, \\"Оля\\"\\nRU desk"'
    text = EXAMPLE.read_text(encoding="utf-8").replace("name: Olga Ivanova", awkward)
    policies.apply_policy(app, text, "tests")
    entries = call(api, people["anna"], "/directory")
    response = api.client.get("/api/v1/directory?format=csv", headers=people["anna"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="escalon-directory.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert rows == [as_cells(entry) for entry in entries]
    by_key = {row["key"]: row for row in rows}
    assert by_key["olga"]["name"] == 'Ольга Иванова, "Оля"\nRU desk'
    assert by_key["eszter"]["name"] == "Eszter Horváth"
    assert by_key["bence"]["languages"] == "hu;cs;en"
    assert by_key["marton"]["skills"] == "hosting;dns"


def test_the_directory_has_one_entry_per_person_and_filters_by_team(
    api: Api, people: dict[str, Headers]
) -> None:
    everyone = call(api, people["anna"], "/directory")
    assert len(everyone) == 19 and keys(everyone) == sorted(keys(everyone))
    anna = everyone[0]
    assert (anna["email"], anna["chat"], anna["teams"], anna["manager"]) == (
        "anna.kovacs@danube.example",
        "@anna",
        ["frontline-bud"],
        "csilla",
    )
    singapore = api.client.get(
        "/api/v1/directory?format=csv&team=hosting-sgp", headers=people["anna"]
    )
    assert [row["key"] for row in csv.DictReader(io.StringIO(singapore.text))] == [
        "priya",
        "wei",
    ]
    unknown = call(api, people["anna"], "/directory?team=nightshift", code=404)
    assert unknown["field"] == "team"


def test_an_unknown_export_format_is_refused_naming_format(
    api: Api, people: dict[str, Headers]
) -> None:
    refused = call(api, people["anna"], "/directory?format=xml", code=422)
    assert refused["field"] == "format" and "csv" in refused["message"]
