"""ORM rows. Every case-centred row carries its case id, so tables can be partitioned by case."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from escalon.store.types import JSONType, UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class Meta(Base):
    """Deployment-wide settings kept with the data, such as a sandbox's virtual time."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PolicyVersion(Base):
    __tablename__ = "policy_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]]
    checksum: Mapped[str] = mapped_column(String(64))


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    customer: Mapped[str | None] = mapped_column(String(100), index=True)
    customer_tier: Mapped[str | None] = mapped_column(String(16))
    services: Mapped[list[Any]]
    affected_customers: Mapped[list[Any]]
    reporter: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(200), index=True)
    team: Mapped[str | None] = mapped_column(String(100), index=True)
    support_level: Mapped[int] = mapped_column(Integer, default=1)
    impact: Mapped[int] = mapped_column(Integer)
    urgency: Mapped[int] = mapped_column(Integer)
    risk_flags: Mapped[list[Any]]
    language: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), index=True)
    priority: Mapped[int] = mapped_column(Integer, index=True)
    priority_explanation: Mapped[list[Any]]
    priority_override: Mapped[dict[str, Any] | None]
    deadline_at: Mapped[datetime | None]
    deadline_consequence: Mapped[str | None] = mapped_column(Text)
    project: Mapped[dict[str, Any] | None]
    links: Mapped[list[Any]]
    contacts: Mapped[list[Any]]
    watchers: Mapped[list[Any]]  # people told of every escalation and update, not owners
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"))
    sla_policy: Mapped[str | None] = mapped_column(String(100))
    breached: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SlaClock(Base):
    __tablename__ = "sla_clocks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    metric: Mapped[str] = mapped_column(String(32))
    target_us: Mapped[int] = mapped_column(BigInteger)
    calendar: Mapped[str] = mapped_column(String(100))
    warn_fraction: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))
    consumed_us: Mapped[int] = mapped_column(BigInteger)
    since: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    warn_due_at: Mapped[datetime | None]
    started_at: Mapped[datetime]
    warned: Mapped[bool] = mapped_column(Boolean, default=False)
    breached: Mapped[bool] = mapped_column(Boolean, default=False)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    met_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    __table_args__ = (Index("ux_sla_clocks_case_metric", "case_id", "metric", unique=True),)


class Timer(Base):
    """A pending time-based action. The worker's poll is a range scan on `due_at`.

    The index holds `id` after `due_at` so that a claim (`ORDER BY due_at, id LIMIT n`)
    reads n entries even when a mass breach puts every timer on the same instant.
    """

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due_at", "due_at", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]


class Event(Base):
    """One entry of a case's timeline: who did what, when, and why."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]


class AuditEntry(Base):
    """Append-only, hash-chained: each entry's hash covers its content and the previous hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class EscalationRow(Base):
    """One escalation of a case: its type, reason, place on its path, and answer."""

    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), index=True)
    initiator: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str | None] = mapped_column(String(200))
    raised_at: Mapped[datetime]
    reason: Mapped[dict[str, Any] | None]
    handoff: Mapped[dict[str, Any]]
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"))
    path: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer, index=True)
    level_entered_at: Mapped[datetime]
    repeats: Mapped[int] = mapped_column(Integer, default=0)
    targets: Mapped[list[Any]]
    team: Mapped[str | None] = mapped_column(String(100), index=True)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None]
    handoff_rating: Mapped[int | None] = mapped_column(Integer)
    plan: Mapped[list[Any]]
    outcome: Mapped[str | None] = mapped_column(String(32))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    __table_args__ = (Index("ux_escalations_case_number", "case_id", "number", unique=True),)


class Handover(Base):
    """An offer to move ownership; only the receiver's acceptance moves it."""

    __tablename__ = "handovers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    from_person: Mapped[str | None] = mapped_column(String(200))
    from_team: Mapped[str | None] = mapped_column(String(100))
    to_person: Mapped[str | None] = mapped_column(String(200))
    to_team: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), index=True)
    offered_by: Mapped[str] = mapped_column(String(200))
    offered_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """The outbox: a message to send, committed with the change that caused it.

    `next_attempt_at` is set while the message still has to go (pending, or claimed by a
    worker until its lease ends) and cleared once it is sent, dead or cancelled, so the
    delivery worker's claim is a range scan over the messages due, however many were sent.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_next_attempt", "next_attempt_at", "id"),
        UniqueConstraint("key", name="uq_notifications_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime]
    template: Mapped[str] = mapped_column(String(64))
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    key: Mapped[str] = mapped_column(String(64))
    next_attempt_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class DeliveryAttempt(Base):
    """One try to reach one address of a notification, and what came of it."""

    __tablename__ = "delivery_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    attempt: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300))
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str | None] = mapped_column(Text)


class ScheduleOverride(Base):
    """Cover taken on a schedule through the API ("I'll take Tuesday night"), on top of the
    overrides the YAML declares. Cancelled rows stay, so the history of who covered whom
    is kept; only live rows (not cancelled, not yet ended) are read when deciding."""

    __tablename__ = "schedule_overrides"
    __table_args__ = (Index("ix_schedule_overrides_live", "cancelled_at", "end_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule: Mapped[str] = mapped_column(String(100), index=True)
    person: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    cancelled_by: Mapped[str | None] = mapped_column(String(200))
    cancelled_at: Mapped[datetime | None]


class User(Base):
    """A person who signs in to the web UI. `name` is their person key where they have one,
    so what they do is recorded as the organisation knows them."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(16))  # None: the browser's
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the person's, else UTC
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its hash, so a
    copy of the database signs nobody in. Each session has its own CSRF token."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
