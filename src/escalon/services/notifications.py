"""Use cases on the outbox: list messages with their delivery, send a dead letter again."""

from __future__ import annotations

from sqlalchemy import func, select

from escalon.core.delivery import State
from escalon.core.errors import InvalidTransition, NotFound
from escalon.schemas.notifications import (
    AttemptRead,
    NotificationFilter,
    NotificationPage,
    NotificationRead,
)
from escalon.services.context import App
from escalon.services.editing import find_case
from escalon.services.journal import audit
from escalon.store.models import Case, DeliveryAttempt, Notification


def _read(row: Notification, ref: str, deliveries: list[DeliveryAttempt]) -> NotificationRead:
    return NotificationRead(
        id=row.id,
        case=ref,
        escalation=row.escalation_id,
        template=row.template,
        recipient_kind=row.recipient_kind,
        recipient=row.recipient,
        channel=row.channel,
        state=row.state,  # type: ignore[arg-type]
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        attempts=row.attempts,
        sent_at=row.sent_at,
        last_error=row.last_error,
        key=row.key,
        data=row.data,
        deliveries=[
            AttemptRead(
                at=d.at,
                attempt=d.attempt,
                channel=d.channel,
                address=d.address,
                ok=d.ok,
                detail=d.detail,
            )
            for d in deliveries
        ],
    )


def list_notifications(app: App, flt: NotificationFilter) -> NotificationPage:
    query = select(Notification, Case.ref).join(Case, Case.id == Notification.case_id)
    with app.reading() as session:
        if flt.case:
            find_case(session, flt.case)  # an unknown case is a 404, not an empty list
            query = query.where(Case.ref == flt.case.upper())
        if flt.recipient:
            query = query.where(Notification.recipient == flt.recipient)
        if flt.state:
            query = query.where(Notification.state == flt.state)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(
            query.order_by(Notification.id).limit(flt.limit).offset(flt.offset)
        ).all()
        ids = [row.id for row, _ in rows]
        deliveries: dict[int, list[DeliveryAttempt]] = {}
        if ids:
            attempts = (
                select(DeliveryAttempt)
                .where(DeliveryAttempt.notification_id.in_(ids))
                .order_by(DeliveryAttempt.id)
            )
            for attempt in session.scalars(attempts):
                deliveries.setdefault(attempt.notification_id, []).append(attempt)
        items = [_read(row, ref or "", deliveries.get(row.id, [])) for row, ref in rows]
    return NotificationPage(items=items, total=total, limit=flt.limit, offset=flt.offset)


def retry(app: App, notification_id: int, actor: str) -> NotificationRead:
    """A dead letter goes again at once with fresh attempts; anything else is a 409."""
    now = app.clock.now()
    with app.transaction() as session:
        found = session.execute(
            select(Notification, Case.ref)
            .join(Case, Case.id == Notification.case_id)
            .where(Notification.id == notification_id)
            .with_for_update(of=Notification)
        ).first()
        if found is None:
            raise NotFound(f"notification {notification_id} does not exist", "notification")
        row, ref = found
        if row.state != State.DEAD.value:
            raise InvalidTransition(
                f"notification {notification_id} is {row.state}; only a dead letter is retried",
                "notification",
            )
        row.state, row.attempts, row.next_attempt_at = State.PENDING.value, 0, now
        row.last_error = None
        audit(
            session,
            at=now,
            actor=actor,
            action="notification_retried",
            entity="notification",
            entity_id=str(row.id),
            data={"case": ref, "recipient": row.recipient, "channel": row.channel},
            case_id=row.case_id,
        )
        return _read(row, ref or "", [])
