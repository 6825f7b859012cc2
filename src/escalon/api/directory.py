"""Organisation routes: teams, people and their availability, schedules, the directory."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from escalon.api.deps import AppDep, CurrentUser
from escalon.schemas.directory import (
    DirectoryEntry,
    PersonRead,
    ScheduleDetail,
    ScheduleRead,
    TeamRead,
)
from escalon.services import directory

router = APIRouter(prefix="/api/v1", tags=["organisation"])

Key = Annotated[str, Path(min_length=1, max_length=100, description="A key from escalon.yaml")]
TeamFilter = Annotated[
    str | None, Query(min_length=1, max_length=100, description="Only the team's members")
]
PersonAt = Annotated[
    datetime | None,
    Query(description="ISO instant; without an offset, in the person's own zone; default now"),
]
CSV_FILE = 'attachment; filename="escalon-directory.csv"'
CSV_DOC: dict[int | str, dict[str, object]] = {
    200: {
        "description": "JSON, or with `format=csv` a UTF-8 CSV file: a header row, then one "
        "row per person; lists joined with `;`",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get("/teams")
def list_teams(app: AppDep, user: CurrentUser) -> list[TeamRead]:
    user.require("agent")
    return directory.list_teams(app)


@router.get("/teams/{key}")
def get_team(key: Key, app: AppDep, user: CurrentUser) -> TeamRead:
    user.require("agent")
    return directory.get_team(app, key)


@router.get("/people")
def list_people(
    app: AppDep,
    user: CurrentUser,
    team: TeamFilter = None,
    language: Annotated[
        str | None, Query(min_length=2, max_length=16, description="Only who speaks it")
    ] = None,
    skill: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Only who has it")
    ] = None,
    at: PersonAt = None,
) -> list[PersonRead]:
    """Everyone (or those matching every filter), with whether they can take work at `at`."""
    user.require("agent")
    return directory.list_people(app, team, language, skill, at)


@router.get("/people/{key}")
def get_person(key: Key, app: AppDep, user: CurrentUser, at: PersonAt = None) -> PersonRead:
    """A person, and whether they can take work at `at`: working, on call, off or away."""
    user.require("agent")
    return directory.get_person(app, key, at)


@router.get("/schedules")
def list_schedules(app: AppDep, user: CurrentUser) -> list[ScheduleRead]:
    user.require("agent")
    return directory.list_schedules(app)


@router.get("/schedules/{key}")
def get_schedule(
    key: Key,
    app: AppDep,
    user: CurrentUser,
    start: Annotated[
        datetime | None,
        Query(
            alias="from",
            description="ISO instant; without an offset, in the schedule's zone; default now",
        ),
    ] = None,
    end: Annotated[
        datetime | None,
        Query(
            alias="until",
            description="ISO instant, read like `from`, at most 93 days after it; "
            "default `from` + 7 days",
        ),
    ] = None,
) -> ScheduleDetail:
    """The layers and overrides, and the final shifts over [from, until)."""
    user.require("agent")
    return directory.get_schedule(app, key, start, end)


@router.get("/directory", response_model=list[DirectoryEntry], responses=CSV_DOC)
def export_directory(
    app: AppDep,
    user: CurrentUser,
    fmt: Annotated[
        Literal["json", "csv"], Query(alias="format", description="json, or csv to download")
    ] = "json",
    team: TeamFilter = None,
) -> Response | list[DirectoryEntry]:
    """The contact directory: how to reach each person, as JSON or a CSV download."""
    user.require("agent")
    entries = directory.directory(app, team)
    if fmt == "json":
        return entries
    return Response(
        directory.as_csv(entries).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": CSV_FILE},
    )
