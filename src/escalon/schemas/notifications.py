"""What the edges show of the outbox: each message, its delivery state and its attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from escalon.schemas.cases import Key, Strict

DeliveryState = Literal["pending", "sending", "sent", "dead", "cancelled"]


class AttemptRead(BaseModel):
    at: datetime
    attempt: int
    channel: str
    address: str
    ok: bool
    detail: str | None


class NotificationRead(BaseModel):
    id: int
    case: str
    escalation: int | None
    template: str
    recipient_kind: str
    recipient: str
    channel: str
    state: DeliveryState
    created_at: datetime
    next_attempt_at: datetime | None
    attempts: int
    sent_at: datetime | None
    last_error: str | None
    key: str
    data: dict[str, Any]
    deliveries: list[AttemptRead] = Field(default_factory=list)


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    total: int
    limit: int
    offset: int


class NotificationFilter(Strict):
    case: str | None = Field(default=None, min_length=1, max_length=32)
    recipient: Key | None = None
    state: DeliveryState | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)
