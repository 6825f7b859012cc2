"""Escalation commands and views: `EscalationCreate`, `EscalationRead`, `EscalationPage` …"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from escalon.schemas.cases import AwareDatetime, Key, Strict

ManualType = Literal["functional", "hierarchical"]
OutcomeName = Literal[
    "priority_raised",
    "priority_lowered",
    "expertise_added",
    "resources_added",
    "handover",
    "deadline_renegotiated",
    "no_change",
]
Text = Annotated[str, Field(max_length=5000)]


class ReasonIn(Strict):
    """A business reason: a category and a sentence; a deadline needs its date and consequence."""

    category: str | None = Field(default=None, max_length=64)
    text: str | None = Field(default=None, max_length=5000)
    deadline: date | None = None
    consequence: str | None = Field(default=None, max_length=2000)


class HandoffIn(Strict):
    """What the recipient needs to act at once; missing parts are listed back."""

    summary: Text = ""
    steps_taken: Text = ""
    impact: Text = ""
    customer: Text = ""
    time_constraints: Text = ""
    help_needed: Text = ""


class EscalationCreate(Strict):
    type: ManualType = Field(description="functional: expertise; hierarchical: authority")
    reason: ReasonIn | None = None
    handoff: HandoffIn = Field(default_factory=HandoffIn)
    team: Key | None = Field(default=None, description="functional: the team to route to")
    level: int | None = Field(default=None, ge=1, le=20, description="a level of the path")


class Acknowledgement(Strict):
    rating: int | None = Field(
        default=None, ge=1, le=5, description="how good the handoff was, 1-5"
    )


class PlanItemIn(Strict):
    step: str = Field(min_length=1, max_length=2000)
    owner: str = Field(min_length=1, max_length=200)
    due: AwareDatetime


class PlanProposal(Strict):
    items: list[PlanItemIn] = Field(min_length=1, max_length=100)


class PlanDecision(Strict):
    comment: str | None = Field(default=None, max_length=2000)


class Resolution(Strict):
    outcome: OutcomeName
    note: str | None = Field(default=None, max_length=5000)


class Rejection(Strict):
    reason: str = Field(min_length=3, max_length=2000)


class StepRead(BaseModel):
    kind: str
    at: datetime
    level: int
    why: str


class EscalationRead(BaseModel):
    id: int
    case: str
    number: int
    type: str
    state: str
    initiator: str
    trigger: str | None
    raised_at: datetime
    reason: dict[str, Any] | None
    handoff: dict[str, str]
    handoff_missing: list[str]
    path: str | None
    level: int
    level_name: str | None
    level_entered_at: datetime
    targets: list[dict[str, Any]]
    team: str | None
    approved_by: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    handoff_rating: int | None
    plan: list[dict[str, Any]]
    outcome: str | None
    resolution_note: str | None
    ended_at: datetime | None
    next_step: StepRead | None = None


class EscalationPage(BaseModel):
    items: list[EscalationRead]
    total: int
    limit: int
    offset: int


class EscalationFilter(Strict):
    state: str | None = Field(default=None, max_length=24, description="a state, or 'open'")
    level: int | None = Field(default=None, ge=1, le=20)
    team: Key | None = None
    case: str | None = Field(default=None, max_length=32)
    unacknowledged: bool | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)


class HandoverOffer(Strict):
    to_person: Key | None = None
    to_team: Key | None = None
    note: str = Field(default="", max_length=5000)
    escalation: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @model_validator(mode="after")
    def _someone(self) -> HandoverOffer:
        if not self.to_person and not self.to_team:
            raise ValueError("name the person (to_person) or team (to_team) to hand over to")
        return self


class HandoverDecline(Strict):
    reason: str = Field(min_length=3, max_length=2000)


class HandoverRead(BaseModel):
    id: int
    case: str
    escalation: int | None
    from_person: str | None
    from_team: str | None
    to_person: str | None
    to_team: str | None
    note: str
    state: str
    offered_by: str
    offered_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decline_reason: str | None


class NextRead(BaseModel):
    at: datetime
    text: str


class ExplanationRead(BaseModel):
    case: str
    path: str | None
    matched: str | None
    level: int
    level_name: str | None
    targets: list[dict[str, Any]]
    next: list[NextRead]
    lines: list[str]
