"""Case routes: they translate HTTP into service calls and nothing more."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from escalon.api.deps import AppDep, CurrentUser
from escalon.api.errors import CONFLICT
from escalon.schemas.cases import (
    CaseCreate,
    CaseFilter,
    CasePage,
    CaseRead,
    CaseUpdate,
    CommentCreate,
    EventRead,
    PriorityOverride,
    StatusChange,
    WatcherAdd,
)
from escalon.services import cases, watchers

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_case(body: CaseCreate, app: AppDep, user: CurrentUser) -> CaseRead:
    return cases.create_case(app, body, user.name)


@router.get("")
def list_cases(app: AppDep, user: CurrentUser, flt: Annotated[CaseFilter, Query()]) -> CasePage:
    return cases.list_cases(app, flt)


@router.get("/{ref}")
def get_case(ref: str, app: AppDep, user: CurrentUser) -> CaseRead:
    return cases.get_case(app, ref)


@router.patch("/{ref}")
def update_case(ref: str, body: CaseUpdate, app: AppDep, user: CurrentUser) -> CaseRead:
    return cases.update_case(app, ref, body, user.name)


@router.post("/{ref}/status", responses=CONFLICT)
def change_status(ref: str, body: StatusChange, app: AppDep, user: CurrentUser) -> CaseRead:
    return cases.change_status(app, ref, body, user.name)


@router.post("/{ref}/comments", status_code=status.HTTP_201_CREATED)
def add_comment(ref: str, body: CommentCreate, app: AppDep, user: CurrentUser) -> CaseRead:
    return cases.add_comment(app, ref, body, user.name)


@router.post("/{ref}/priority-override")
def override_priority(ref: str, body: PriorityOverride, app: AppDep, user: CurrentUser) -> CaseRead:
    return cases.override_priority(app, ref, body, user.name)


@router.get("/{ref}/timeline")
def timeline(ref: str, app: AppDep, user: CurrentUser) -> list[EventRead]:
    return cases.timeline(app, ref)


@router.post("/{ref}/watchers")
def watch(ref: str, body: WatcherAdd, app: AppDep, user: CurrentUser) -> CaseRead:
    """Add a watcher: told of every escalation and stakeholder update; owns nothing."""
    return watchers.watch(app, ref, body.person, user.name)


@router.delete("/{ref}/watchers/{person}")
def unwatch(ref: str, person: str, app: AppDep, user: CurrentUser) -> CaseRead:
    return watchers.unwatch(app, ref, person, user.name)
