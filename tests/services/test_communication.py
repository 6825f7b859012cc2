"""Communication plans: the first notice, stakeholder updates, a missed update.

Real delivery: the messages go to an SMTP server on 127.0.0.1 and arrive in each
recipient's language. Time is the sandbox's virtual clock (Monday 08:00 Budapest).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from escalon.notify.channels import Transports
from escalon.schemas.communication import StakeholderUpdate
from escalon.services import cases, delivery, stakeholder_updates
from escalon.services.context import App
from escalon.services.timers import advance
from escalon.store.models import Notification
from tests.services.helpers import create, events
from tests.support.receivers import SmtpServer, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def _deliver(app: App, smtp: SmtpServer) -> dict[str, list[str]]:
    """Deliver what is due now; the subjects each address received, by address."""
    transports = Transports(smtp.url, "escalon@danube.example")
    while delivery.deliver_due(app, transports, digests=False):
        pass
    transports.close()
    got: dict[str, list[str]] = {}
    for mail in smtp.mailbox.messages:
        got.setdefault(str(mail["To"]), []).append(str(mail["Subject"]))
    smtp.mailbox.messages.clear()
    return got


def _clock(app: App, ref: str, metric: str) -> Any:
    return next(c for c in cases.get_case(app, ref).clocks if c.metric == metric)


def _bank_p1(app: App) -> str:
    return create(
        app,
        title="Card payments fail",
        customer="duna-bank",
        impact=1,
        urgency=1,
        team="frontline-bud",
        assignee="anna",
    ).ref


def test_a_p1_first_notice_reaches_management_and_the_customer_in_the_first_minute(
    app: App, smtp: SmtpServer
) -> None:
    ref = _bank_p1(app)
    with app.reading() as session:
        rows = list(
            session.scalars(select(Notification).where(Notification.template == "p1_first_notice"))
        )
    # the team manager (Csilla) is also in IT management: she hears once, through the team;
    # Hajnalka watches Duna Bank's cases as its account manager
    assert {(r.recipient_kind, r.recipient) for r in rows} == {
        ("team", "it-management"),
        ("customer", "duna-bank"),
        ("person", "hajnalka"),
    }
    assert {r.next_attempt_at for r in rows} == {app.clock.now()}  # not held back
    got = _deliver(app, smtp)
    assert {"it-ops@dunabank.example", "o.petrov@dunabank.example"} <= set(got)
    assert {"gabor.kiss@danube.example", "csilla.nagy@danube.example"} <= set(got)
    russian = " ".join(got["o.petrov@dunabank.example"])
    assert ref in russian and any("а" <= ch <= "я" for ch in russian.lower())
    (first,) = events(app, ref, "first_notice_sent")
    assert len(first.data["recipients"]) == 3


def test_an_update_reaches_every_audience_and_restarts_the_update_clock(
    app: App, smtp: SmtpServer
) -> None:
    ref = _bank_p1(app)
    _deliver(app, smtp)
    advance(app, timedelta(minutes=40))
    before = _clock(app, ref, "update_interval")
    update = StakeholderUpdate(
        status="Payments restored for 80 % of shops",
        actions="Failed over to the second acquirer",
        next_steps="Fix the primary link with the carrier",
    )
    sent = stakeholder_updates.post_update(app, ref, update, "anna")
    assert {r["key"] for r in sent.recipients} == {"it-management", "duna-bank", "hajnalka"}
    assert sent.next_update_at == (app.clock.now() + timedelta(hours=1)).isoformat()
    after = _clock(app, ref, "update_interval")
    assert before.due_at is not None and after.due_at is not None
    assert after.due_at > before.due_at  # the promised word was given: the clock restarts
    got = _deliver(app, smtp)
    assert len(got["it-ops@dunabank.example"]) == 1
    (posted,) = events(app, ref, "stakeholder_update")
    assert posted.data["status"] == update.status
    comment = [e for e in events(app, ref, "comment") if e.data["kind"] == "update"]
    assert len(comment) == 1


def test_a_missed_update_reminds_the_owner_then_escalates_to_the_manager(app: App) -> None:
    ref = _bank_p1(app)
    clocks = {c.metric: c for c in cases.get_case(app, ref).clocks}
    interval = clocks["update_interval"]
    assert interval.warn_at is not None and interval.due_at is not None
    advance(app, interval.warn_at - app.clock.now())
    (reminder,) = events(app, ref, "trigger_notified")[-1:]
    assert reminder.data["trigger"] == "stakeholder update due"
    assert [t["key"] for t in reminder.data["targets"]] == ["anna"]
    advance(app, interval.due_at - app.clock.now())
    raised = [e for e in events(app, ref, "escalation_raised") if e.data["trigger"]]
    assert any(e.data["trigger"] == "missed stakeholder update" for e in raised)


def test_hourly_updates_keep_a_p1_quiet_with_no_reminder_and_no_escalation(app: App) -> None:
    """The reminder comes at 45 minutes (75 % of the hour): an owner who posts before it is
    never chased."""
    ref = _bank_p1(app)
    for hour in range(1, 5):
        advance(app, timedelta(minutes=40))
        update = StakeholderUpdate(status=f"Update {hour}: still working on the primary link")
        sent = stakeholder_updates.post_update(app, ref, update, "anna")
        assert sent.next_update_at == (app.clock.now() + timedelta(hours=1)).isoformat()
    assert len(events(app, ref, "stakeholder_update")) == 4
    reminders = [e.data["trigger"] for e in events(app, ref, "trigger_notified")]
    assert "stakeholder update due" not in reminders
    raised = [e for e in events(app, ref, "escalation_raised") if e.data["trigger"]]
    assert not any(e.data["trigger"] == "missed stakeholder update" for e in raised)


def test_a_reminder_on_a_business_calendar_comes_in_business_hours_not_overnight(
    app: App,
) -> None:
    """A P2 for a gold customer counts its update interval on the Budapest office hours."""
    advance(app, timedelta(hours=8))  # Monday 16:00, an hour before the office closes
    ref = create(app, customer="vltava-logistics", impact=2, urgency=2, assignee="anna").ref
    interval = _clock(app, ref, "update_interval")
    assert interval.warn_at is not None
    advance(app, timedelta(hours=16, minutes=59))  # Tuesday 08:59: the office is still closed
    assert events(app, ref, "trigger_notified") == []
    advance(app, interval.warn_at - app.clock.now())
    (reminder,) = events(app, ref, "trigger_notified")
    local = reminder.at.astimezone(ZoneInfo("Europe/Budapest"))
    assert local.weekday() == 1 and time(9) <= local.time() < time(17)
    with app.reading() as session:
        held = session.scalars(
            select(Notification.next_attempt_at).where(Notification.template == "trigger_notice")
        ).all()
    for due in held:
        assert time(9) <= due.astimezone(ZoneInfo("Europe/Budapest")).time() < time(17)
