"""Deliver the outbox: claim due messages, send them outside any transaction, record results.

At least once, never lost: a claim moves a message to `sending` and its `next_attempt_at` to
the end of a lease, and commits before anything is sent. A worker that dies after sending
and before recording leaves the message claimed; when the lease ends it is claimed again
and sent again with the same idempotency key, which receivers use to drop the repeat.
Per address the outcome is recorded, so a retry goes only to the addresses not yet reached.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from escalon.core import addressing
from escalon.core.delivery import Retry, State, after_attempt
from escalon.core.policy import Policy
from escalon.notify.channels import Message, Result, Transports, masked
from escalon.services.context import App
from escalon.store import appends
from escalon.store.engine import is_postgres
from escalon.store.models import Case, DeliveryAttempt, Notification

log = logging.getLogger("escalon.delivery")

NO_ADDRESS = "nobody to reach"
REACHED = "reached by an earlier attempt"
# Messages that a storm may fold into a digest: all but a test, and a digest itself.
DIGESTIBLE = frozenset(
    {
        "escalation_raised",
        "escalation_reminder",
        "acknowledgement_requested",
        "sla_warning",
        "sla_breach",
        "trigger_notice",
        "p1_first_notice",
        "stakeholder_update",
        "resolution_notice",
    }
)
STORM_CAP = 1000  # messages in one digest at most


@dataclass(frozen=True)
class Claimed:
    id: int
    case_id: int
    ref: str
    key: str
    template: str
    recipient_kind: str
    recipient: str
    channel: str
    data: dict[str, Any]
    attempts: int
    policy_version_id: int | None
    reached: frozenset[str]  # addresses an earlier attempt already reached


@dataclass
class Sent:
    """One message as it went out: a single outbox row, or a digest of several."""

    parcel: list[Claimed]
    results: list[tuple[addressing.Address, Result]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for _, r in self.results)

    @property
    def error(self) -> str | None:
        if not self.results:
            return NO_ADDRESS
        failed = [f"{masked(a.target)}: {r.detail}" for a, r in self.results if not r.ok]
        return "; ".join(failed)[:1000] or None


def next_due(app: App) -> datetime | None:
    """The earliest instant a message is due (a first try, a retry or a lease's end)."""
    with app.reading() as session:
        return session.scalar(select(func.min(Notification.next_attempt_at)))


def deliver_due(
    app: App,
    transports: Transports,
    now: datetime | None = None,
    batch: int = 50,
    retry: Retry | None = None,
    draw: Callable[[], float] = random.random,
    digests: bool = True,
) -> int:
    """Send one batch of due messages; returns how many were attempted.

    With `digests`, the messages due for one recipient and channel go as one digest. Each
    message is retried as its policy version says (`notifications.retry`), unless `retry`
    overrides it.
    """
    at = now or app.clock.now()
    claimed = _claim(app, at, batch, retry or Retry(), digests)
    if not claimed:
        return 0
    policies: dict[int | None, Policy] = {}
    with app.reading() as session:
        for version in {c.policy_version_id for c in claimed}:
            policies[version] = app.policies.get(session, version)
    parcels = _parcels(claimed) if digests else [[c] for c in claimed]
    sent = [_send(policies[p[0].policy_version_id], transports, p) for p in parcels]
    _record(app, at, sent, lambda c: retry or policies[c.policy_version_id].delivery.retry, draw)
    return len(claimed)


def _parcels(claimed: list[Claimed]) -> list[list[Claimed]]:
    """A storm becomes one digest per recipient and channel; a lone message goes alone."""
    groups: dict[tuple[str, str, str, int | None], list[Claimed]] = {}
    for item in claimed:
        key = (item.recipient_kind, item.recipient, item.channel, item.policy_version_id)
        groups.setdefault(key, []).append(item)
    parcels: list[list[Claimed]] = []
    for group in groups.values():
        alone = [c for c in group if c.template not in DIGESTIBLE]
        together = [c for c in group if c.template in DIGESTIBLE]
        parcels.extend([c] for c in alone)
        if len(together) == 1:
            parcels.append(together)
        elif together:
            parcels.extend(together[i : i + STORM_CAP] for i in range(0, len(together), STORM_CAP))
    return parcels


def _claim(app: App, now: datetime, batch: int, retry: Retry, digests: bool) -> list[Claimed]:
    with app.transaction(notify=False) as session:
        query = (
            select(Notification, Case.ref, Case.policy_version_id)
            .join(Case, Case.id == Notification.case_id)
            .where(Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(batch)
        )
        if is_postgres(app.engine):
            query = query.with_for_update(of=Notification, skip_locked=True)
        rows = list(session.execute(query))
        if not rows:
            return []
        if digests:
            rows += _rest_of_storms(session, app, rows, now)
        ids = [row.id for row, _, _ in rows]
        reached: dict[int, set[str]] = {}
        done = select(DeliveryAttempt.notification_id, DeliveryAttempt.address).where(
            DeliveryAttempt.notification_id.in_(ids), DeliveryAttempt.ok.is_(True)
        )
        for notification_id, address in session.execute(done):
            reached.setdefault(notification_id, set()).add(address)
        claimed = []
        for row, ref, version in rows:
            row.state = State.SENDING.value
            row.attempts += 1
            row.next_attempt_at = now + retry.lease
            claimed.append(
                Claimed(
                    row.id,
                    row.case_id,
                    ref or "",
                    row.key,
                    row.template,
                    row.recipient_kind,
                    row.recipient,
                    row.channel,
                    dict(row.data),
                    row.attempts,
                    version,
                    frozenset(reached.get(row.id, ())),
                )
            )
        return claimed


def _rest_of_storms(session: Session, app: App, rows: list[Any], now: datetime) -> list[Any]:
    """The other due messages for the recipients of a batch, so each storm goes as one digest."""
    seen = {row.id for row, _, _ in rows}
    groups = {(row.recipient_kind, row.recipient, row.channel) for row, _, _ in rows}
    more: list[Any] = []
    for kind, recipient, channel in groups:
        query = (
            select(Notification, Case.ref, Case.policy_version_id)
            .join(Case, Case.id == Notification.case_id)
            .where(
                Notification.next_attempt_at <= now,
                Notification.recipient_kind == kind,
                Notification.recipient == recipient,
                Notification.channel == channel,
                Notification.template.in_(DIGESTIBLE),
                Notification.id.not_in(seen),
            )
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(STORM_CAP)
        )
        if is_postgres(app.engine):
            query = query.with_for_update(of=Notification, skip_locked=True)
        more.extend(session.execute(query))
    return more


def _send(policy: Policy, transports: Transports, parcel: list[Claimed]) -> Sent:
    from escalon.notify.render import render

    sent = Sent(parcel)
    claimed = parcel[0] if len(parcel) == 1 else _digest(parcel, policy.delivery.window)
    org = policy.org()
    targets = addressing.addresses(org, claimed.recipient_kind, claimed.recipient, claimed.channel)
    for address in targets:
        if masked(address.target) in claimed.reached:
            sent.results.append((address, Result(True, REACHED)))
            continue
        try:
            text = render(
                claimed.template,
                claimed.data,
                language=address.language,
                timezone=address.timezone,
            )
        except Exception as exc:  # a template bug must not stop the other messages
            log.exception("notification %s: rendering failed", claimed.id)
            sent.results.append((address, Result(False, f"rendering failed: {exc}")))
            continue
        message = Message(
            key=_message_key(claimed.key, address),
            address=address,
            subject=text.subject,
            body=text.body,
            data={"ref": claimed.ref, "template": claimed.template} | claimed.data,
        )
        sent.results.append((address, transports.send(message)))
    return sent


def _digest(parcel: list[Claimed], window: timedelta) -> Claimed:
    """The digest of a storm, as one message: its items, and a key its members determine."""
    items = [
        {
            "ref": c.ref,
            "title": c.data.get("title"),
            "priority": c.data.get("priority"),
            "template": c.template,
            "metric": c.data.get("metric"),
        }
        for c in parcel
    ]
    first = parcel[0]
    keys = ",".join(sorted(c.key for c in parcel))
    data = {
        "ref": first.ref,
        "title": first.data.get("title"),
        "priority": min((str(c.data.get("priority") or "P4") for c in parcel), default="P4"),
        "items": items,
        "window_seconds": int(window.total_seconds()),
    }
    return replace(
        first,
        key="digest-" + hashlib.sha256(keys.encode()).hexdigest()[:32],
        template="digest",
        data=data,
        reached=frozenset.intersection(*(c.reached for c in parcel)),
    )


def _message_key(key: str, address: addressing.Address) -> str:
    """One key per message and address, the same on every attempt."""
    if not key:
        return key
    digest = hashlib.sha256(f"{address.channel}:{address.target}".encode()).hexdigest()[:12]
    return f"{key}.{digest}"


def _record(
    app: App,
    now: datetime,
    sent: Sequence[Sent],
    retry_of: Callable[[Claimed], Retry],
    draw: Callable[[], float],
) -> None:
    with app.transaction(notify=False) as session:
        members = [(item, c) for item in sent for c in item.parcel]
        query = select(Notification).where(Notification.id.in_([c.id for _, c in members]))
        if is_postgres(app.engine):
            query = query.with_for_update()
        rows = {row.id: row for row in session.scalars(query)}
        for item, claimed in members:
            row = rows.get(claimed.id)
            if row is None or row.state != State.SENDING.value or row.attempts != claimed.attempts:
                continue  # its lease ended and another worker took it over
            for address, result in item.results:
                if result.detail == REACHED:
                    continue
                attempt = {
                    "notification_id": row.id,
                    "case_id": row.case_id,
                    "at": now,
                    "attempt": row.attempts,
                    "channel": address.channel,
                    "address": masked(address.target),
                    "ok": result.ok,
                    "detail": result.detail,
                }
                appends.queue(session, DeliveryAttempt, attempt)
            hopeless = not item.results  # nobody to reach: retrying will not help
            retry = retry_of(claimed)
            outcome = after_attempt(
                retry, retry.attempts if hopeless else row.attempts, item.ok, now, draw()
            )
            row.state = outcome.state.value
            row.next_attempt_at = outcome.next_attempt_at
            row.last_error = item.error
            if item.ok:
                row.sent_at = now
