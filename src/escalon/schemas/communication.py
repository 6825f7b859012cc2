"""A stakeholder update as the edges take it, and what became of it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from escalon.schemas.cases import AwareDatetime, Strict


class StakeholderUpdate(Strict):
    status: str = Field(min_length=1, max_length=2000, description="Where things stand")
    actions: str = Field(default="", max_length=5000, description="What has been done")
    next_steps: str = Field(default="", max_length=5000, description="What happens next")
    eta: AwareDatetime | None = Field(default=None, description="Estimated resolution")


class StakeholderUpdateRead(BaseModel):
    case: str
    recipients: list[dict[str, Any]]
    channels: list[str]
    next_update_at: str | None
