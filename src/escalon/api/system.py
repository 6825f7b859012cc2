"""Policies, the sandbox clock, the audit log, and the operators' health checks."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from escalon.api.deps import AppDep, CurrentUser
from escalon.core.durations import parse_duration
from escalon.core.errors import NotFound
from escalon.schemas.system import (
    AuditReportRead,
    ClockAdvance,
    ClockRead,
    LintIssue,
    LintReport,
    PolicyApply,
    PolicySourceRead,
    PolicyVersionRead,
)
from escalon.services import journal, policies, timers

router = APIRouter(prefix="/api/v1", tags=["system"])
health = APIRouter(tags=["health"])


@health.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@health.get("/readyz")
def readyz(app: AppDep) -> dict[str, str]:
    with app.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ready"}


@router.post("/policies/lint")
def lint_policy(body: PolicyApply, user: CurrentUser) -> LintReport:
    result = policies.lint_policy(body.source, body.filename)
    return LintReport(
        ok=result.ok,
        errors=[LintIssue(field=e.path, message=e.message, line=e.line) for e in result.errors],
    )


@router.post("/policies", status_code=201)
def apply_policy(body: PolicyApply, app: AppDep, user: CurrentUser) -> PolicyVersionRead:
    user.require("admin")
    info = policies.apply_policy(app, body.source, user.name, body.filename)
    return PolicyVersionRead.model_validate(info, from_attributes=True)


@router.get("/policies")
def list_policies(app: AppDep, user: CurrentUser) -> list[PolicyVersionRead]:
    return [
        PolicyVersionRead.model_validate(i, from_attributes=True)
        for i in policies.list_versions(app)
    ]


@router.get("/policies/current")
def current_policy(app: AppDep, user: CurrentUser) -> PolicySourceRead:
    info = policies.current_policy(app)
    if info is None:
        raise NotFound("no policy has been applied yet", "version")
    return PolicySourceRead.model_validate(info, from_attributes=True)


@router.get("/clock")
def get_clock(app: AppDep, user: CurrentUser) -> ClockRead:
    return ClockRead(now=app.clock.now(), virtual=app.clock.virtual)


@router.post("/clock/advance")
def advance_clock(body: ClockAdvance, app: AppDep, user: CurrentUser) -> ClockRead:
    user.require("admin")
    now, fired = timers.advance(app, parse_duration(body.duration, "duration"))
    return ClockRead(now=now, virtual=True, fired=fired)


@router.get("/audit/verify")
def verify_audit(app: AppDep, user: CurrentUser) -> AuditReportRead:
    user.require("admin")
    with app.reading() as session:
        report = journal.verify(session)
    return AuditReportRead(
        entries=report.entries, ok=report.ok, broken_at=report.broken_at, problem=report.problem
    )
