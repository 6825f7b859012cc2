"""Schemas for policies, the clock and the audit log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PolicyApply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=2_000_000, description="escalon.yaml text")
    filename: str = "escalon.yaml"


class PolicyVersionRead(BaseModel):
    version: int
    created_at: datetime
    created_by: str
    checksum: str
    unchanged: bool = False


class PolicySourceRead(PolicyVersionRead):
    source: str


class LintIssue(BaseModel):
    field: str
    message: str
    line: int | None


class LintReport(BaseModel):
    ok: bool
    errors: list[LintIssue]


class ClockAdvance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    duration: str = Field(description="e.g. 6h, 1h30m")


class ClockRead(BaseModel):
    now: datetime
    virtual: bool
    fired: int = 0


class AuditReportRead(BaseModel):
    entries: int
    ok: bool
    broken_at: int | None
    problem: str | None
