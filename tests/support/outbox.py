"""Filling the outbox in bulk, for delivery tests and benches that need thousands of messages.

One case is created through the service (so the rows reference a real case and policy
version); N pending `escalation_raised` messages for one recipient and channel are then
written in one INSERT … SELECT over a recursive counter, each due now with its own key.
Anything else pending is withdrawn first, so the N rows are all there is to deliver.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC

from sqlalchemy import select, text

from escalon.schemas.cases import CaseCreate
from escalon.services.cases import create_case
from escalon.services.context import App
from escalon.store.models import Case

_INSERT = (
    "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :messages) "
    "INSERT INTO notifications (case_id, escalation_id, created_at, template, "
    "recipient_kind, recipient, channel, data, state, key, next_attempt_at, attempts) "
    "SELECT :case_id, NULL, :now, 'escalation_raised', 'person', :recipient, "
    ":channel, :data, 'pending', :prefix || CAST(seq.n AS VARCHAR(20)), :now, 0 "
    "FROM seq"
)


def seed_outbox(app: App, messages: int, recipient: str, channel: str) -> str:
    """`messages` pending messages for `recipient` on `channel`, due now; returns the case ref."""
    view = create_case(
        app,
        CaseCreate(title="Portal down", customer="bosphorus-textiles", impact=3, urgency=3),
        "seed",
    )
    now = app.clock.now()
    with app.transaction(notify=False) as session:
        case_id = session.scalar(select(Case.id).where(Case.ref == view.ref))
        session.execute(
            text(
                "UPDATE notifications SET state = 'cancelled', next_attempt_at = NULL "
                "WHERE state IN ('pending', 'sending')"
            )
        )
        data = {
            "ref": view.ref,
            "title": "Portal down",
            "priority": "P3",
            "escalation": 1,
            "level": 2,
            "level_name": "Network engineers",
        }
        session.execute(
            text(_INSERT),
            {
                "messages": messages,
                "case_id": case_id,
                "now": now.astimezone(UTC).replace(tzinfo=None),
                "recipient": recipient,
                "channel": channel,
                "data": json.dumps(data),
                "prefix": f"{uuid.uuid4().hex[:8]}-",
            },
        )
    return view.ref
