"""Case commands and views: `CaseCreate`, `CaseUpdate`, `CaseRead`, `CasePage`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Kind = Literal["incident", "service_request", "complaint", "compliance", "hr", "quality", "project"]
Audience = Literal["external", "internal"]
RiskFlag = Literal["security", "data_loss", "legal", "safety", "reputation"]
Tier = Literal["standard", "gold", "vip"]
Status = Literal["new", "open", "waiting_on_customer", "resolved", "closed", "reopened"]
CommentKind = Literal["reply", "note", "customer", "update"]
Scale = Annotated[int, Field(ge=1, le=4)]
Key = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@+-]+$")]


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("must include a time zone, e.g. 2026-12-01T17:00:00+01:00")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Deadline(Strict):
    at: AwareDatetime
    consequence: str = Field(
        min_length=3,
        max_length=2000,
        description="What happens to the business if the deadline is missed",
    )


class ProjectImpact(Strict):
    """For `project` cases: what the problem does to scope, schedule and budget, and with whom."""

    scope: str | None = Field(default=None, max_length=2000)
    schedule: str | None = Field(default=None, max_length=2000)
    budget: str | None = Field(default=None, max_length=2000)
    other_party: str | None = Field(default=None, max_length=300)


class Link(Strict):
    type: Literal["related", "problem", "duplicate", "parent", "child"]
    ref: str = Field(min_length=1, max_length=100)


class Contact(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=50)
    role: str | None = Field(default=None, max_length=100)


class CaseFields(Strict):
    """Fields a person may set on creation and change later."""

    description: str = Field(default="", max_length=100_000)
    category: Key | None = None
    customer: Key | None = None
    customer_tier: Tier | None = None
    services: list[Key] = Field(default_factory=list)
    affected_customers: list[Key] = Field(default_factory=list)
    reporter: str | None = Field(default=None, max_length=200)
    assignee: Key | None = None
    team: Key | None = None
    support_level: int = Field(default=1, ge=1, le=5)
    risk_flags: list[RiskFlag] = Field(default_factory=list)
    language: str | None = Field(default=None, min_length=2, max_length=16)
    region: str | None = Field(default=None, max_length=64)
    deadline: Deadline | None = None
    project: ProjectImpact | None = None
    links: list[Link] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)


class CaseCreate(CaseFields):
    title: str = Field(min_length=3, max_length=300)
    kind: Kind = "incident"
    audience: Audience = "external"
    impact: Scale = Field(description="1 widespread … 4 minor")
    urgency: Scale = Field(description="1 critical … 4 low")
    status: Literal["new", "open"] = "new"

    @model_validator(mode="after")
    def _project_fields_only_for_projects(self) -> CaseCreate:
        if self.project is not None and self.kind != "project":
            raise ValueError("project impact is only for cases of kind 'project'")
        return self


class CaseUpdate(Strict):
    """A partial change: only the fields given are changed."""

    title: str | None = Field(default=None, min_length=3, max_length=300)
    description: str | None = Field(default=None, max_length=100_000)
    category: Key | None = None
    customer: Key | None = None
    customer_tier: Tier | None = None
    services: list[Key] | None = None
    affected_customers: list[Key] | None = None
    assignee: Key | None = None
    team: Key | None = None
    support_level: int | None = Field(default=None, ge=1, le=5)
    impact: Scale | None = None
    urgency: Scale | None = None
    risk_flags: list[RiskFlag] | None = None
    language: str | None = Field(default=None, min_length=2, max_length=16)
    region: str | None = Field(default=None, max_length=64)
    deadline: Deadline | None = None
    project: ProjectImpact | None = None
    links: list[Link] | None = None
    contacts: list[Contact] | None = None


class StatusChange(Strict):
    status: Status
    reason: str | None = Field(default=None, max_length=2000)


class WatcherAdd(Strict):
    person: Key


class CommentCreate(Strict):
    kind: CommentKind = Field(
        default="reply",
        description="reply: public answer by an agent; note: internal; customer: the "
        "customer's own message; update: a stakeholder update",
    )
    body: str = Field(min_length=1, max_length=100_000)


class PriorityOverride(Strict):
    priority: Annotated[str, Field(pattern=r"^[Pp]?[1-4]$")]
    reason: str = Field(min_length=1, max_length=2000)


class ClockRead(BaseModel):
    metric: str
    status: str
    target_seconds: int
    calendar: str
    consumed_seconds: float
    due_at: datetime | None
    warn_at: datetime | None
    warned: bool = False  # the warning has fired (its instant is then no longer kept)
    breached: bool
    breached_at: datetime | None
    met_at: datetime | None
    cycle: int


class CaseRead(BaseModel):
    ref: str
    title: str
    description: str
    kind: str
    category: str | None
    audience: str
    customer: str | None
    customer_tier: str | None
    services: list[str]
    affected_customers: list[str]
    reporter: str | None
    assignee: str | None
    team: str | None
    support_level: int
    impact: int
    urgency: int
    risk_flags: list[str]
    language: str | None
    region: str | None
    status: str
    priority: str
    priority_explanation: list[str]
    priority_override: dict[str, Any] | None
    deadline: Deadline | None
    project: ProjectImpact | None
    links: list[Link]
    contacts: list[Contact]
    watchers: list[str]  # people told of every escalation and stakeholder update
    policy_version: int | None
    sla_policy: str | None
    breached: bool
    clocks: list[ClockRead]
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


class CasePage(BaseModel):
    items: list[CaseRead]
    total: int
    limit: int
    offset: int


class EventRead(BaseModel):
    at: datetime
    actor: str
    type: str
    data: dict[str, Any]


class CaseFilter(Strict):
    status: Status | None = None
    priority: Annotated[str, Field(pattern=r"^[Pp]?[1-4]$")] | None = None
    team: str | None = None
    customer: str | None = None
    breached: bool | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)
