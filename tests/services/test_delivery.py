"""Delivering the outbox to a real SMTP server and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import yaml
from sqlalchemy import select

from escalon.core.delivery import DIGEST_WINDOW, Retry
from escalon.notify.channels import Transports
from escalon.schemas.escalations import EscalationCreate
from escalon.services import delivery, escalations, notifications, policies
from escalon.services.context import App
from escalon.services.timers import advance
from escalon.store.models import Case, DeliveryAttempt, Notification
from tests.conftest import EXAMPLE
from tests.services.helpers import create
from tests.support.clone import clone_case
from tests.support.receivers import HttpReceiver, SmtpServer, http_receiver, smtp_server

FAST = Retry(first=timedelta(seconds=30), attempts=4, jitter=0.0)


@pytest.fixture(autouse=True)
def _no_plans(app: App) -> None:
    """The example policy without its communication plans: only the P1 trigger's notice."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("communication_plans")
    policies.apply_policy(app, yaml.safe_dump(data, allow_unicode=True), "tests")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def hook() -> Iterator[HttpReceiver]:
    with http_receiver() as receiver:
        yield receiver


def _p1(app: App) -> str:
    """A P1 case: the example policy tells IT management (Gábor, Csilla) by email and chat."""
    return create(app, impact=1, urgency=1, title="Card payments fail in every shop").ref


def _rows(app: App) -> list[Notification]:
    with app.reading() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def _drain(
    app: App,
    transports: Transports,
    now: datetime,
    retry: Retry | None = FAST,
    digests: bool = True,
) -> int:
    total = 0
    while count := delivery.deliver_due(app, transports, now, retry=retry, digests=digests):
        total += count
    return total


def test_p1_notice_reaches_management_by_email_in_their_language(
    app: App, smtp: SmtpServer
) -> None:
    _p1(app)
    rows = _rows(app)
    assert {(r.recipient, r.channel) for r in rows} == {
        ("it-management", "email"),
        ("it-management", "chat"),
    }
    transports = Transports(smtp.url, "escalon <escalon@danube.example>")
    assert _drain(app, transports, app.clock.now()) == 2
    transports.close()
    mails = smtp.mailbox.messages
    assert sorted(str(m["To"]) for m in mails) == sorted(
        2 * ["gabor.kiss@danube.example", "csilla.nagy@danube.example"]
    )
    assert all(m["Content-Language"] == "hu" for m in mails)
    assert len(set(smtp.mailbox.ids())) == len(mails)  # one Message-ID per message
    assert {r.state for r in _rows(app)} == {"sent"}
    with app.reading() as session:
        attempts = list(session.scalars(select(DeliveryAttempt)))
    assert len(attempts) == 4 and all(a.ok for a in attempts)


def test_smtp_down_for_a_while_then_up_delivers_every_message_once(
    app: App, smtp: SmtpServer
) -> None:
    for _ in range(3):
        _p1(app)
    smtp.stop()
    transports = Transports(smtp.url, "escalon@danube.example")
    now = app.clock.now()
    assert _drain(app, transports, now) == 6
    waiting = _rows(app)
    assert {r.state for r in waiting} == {"pending"}
    assert {r.next_attempt_at for r in waiting} == {now + timedelta(seconds=30)}
    assert all(r.last_error and "smtp" in r.last_error for r in waiting)
    assert _drain(app, transports, now + timedelta(seconds=10)) == 0  # not yet due
    assert _drain(app, transports, now + timedelta(seconds=30)) == 6  # still down
    smtp.start()
    assert _drain(app, transports, now + timedelta(seconds=90), digests=False) == 6
    transports.close()
    ids = smtp.mailbox.ids()
    assert len(ids) == 12 and len(set(ids)) == 12  # 6 messages × 2 people, none twice
    assert {r.state for r in _rows(app)} == {"sent"}
    assert {r.attempts for r in _rows(app)} == {3}


def test_a_worker_killed_between_send_and_record_loses_nothing(
    app: App, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _p1(app)
    transports = Transports(smtp.url, "escalon@danube.example")
    now = app.clock.now()

    def killed(*args: object, **kwargs: object) -> None:
        raise SystemExit("worker killed after sending")

    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_record", killed)
        with pytest.raises(SystemExit):
            delivery.deliver_due(app, transports, now=now, retry=FAST)
    assert len(smtp.mailbox.messages) == 4
    assert {r.state for r in _rows(app)} == {"sending"}
    assert _drain(app, transports, now + timedelta(minutes=1)) == 0  # its lease holds it
    assert _drain(app, transports, now + FAST.lease) == 2
    transports.close()
    ids = smtp.mailbox.ids()
    assert len(ids) == 8 and len(set(ids)) == 4  # sent again, with the same Message-IDs
    assert {r.state for r in _rows(app)} == {"sent"}


def _with_webhook(app: App, url: str) -> None:
    """The example policy, with IT management reachable on a webhook for chat."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("communication_plans")
    data["teams"]["it-management"]["channels"] = {"chat": url}
    policies.apply_policy(app, yaml.safe_dump(data, allow_unicode=True), "tests")


def test_a_webhook_gets_json_with_its_idempotency_key_after_the_receiver_recovers(
    app: App, smtp: SmtpServer, hook: HttpReceiver
) -> None:
    _with_webhook(app, hook.url("/escalon"))
    _p1(app)
    transports = Transports(smtp.url, "escalon@danube.example")
    now = app.clock.now()
    hook.failing = True
    _drain(app, transports, now)
    chat = next(r for r in _rows(app) if r.channel == "chat")
    assert chat.state == "pending" and "HTTP 503" in (chat.last_error or "")
    hook.failing = False
    _drain(app, transports, now + timedelta(seconds=30))
    transports.close()
    (received,) = hook.received
    assert received.path == "/escalon"
    assert received.headers["Idempotency-Key"].startswith(chat.key)
    assert received.body["data"]["ref"] and received.body["subject"]
    assert received.body["language"] == "en"  # the team's language
    assert {r.state for r in _rows(app)} == {"sent"}


def test_attempts_exhausted_make_a_dead_letter_that_a_retry_sends(
    app: App, smtp: SmtpServer
) -> None:
    _p1(app)
    smtp.stop()
    transports = Transports(smtp.url, "escalon@danube.example")
    retry = Retry(first=timedelta(seconds=30), attempts=2, jitter=0.0)
    now = app.clock.now()
    _drain(app, transports, now, retry)
    _drain(app, transports, now + timedelta(minutes=5), retry)
    dead = _rows(app)
    assert {r.state for r in dead} == {"dead"} and {r.next_attempt_at for r in dead} == {None}
    smtp.start()
    assert _drain(app, transports, now + timedelta(hours=1), retry) == 0  # dead stays dead
    for row in dead:
        notifications.retry(app, row.id, "csilla")
    assert _drain(app, transports, app.clock.now(), retry) == 2
    transports.close()
    assert {r.state for r in _rows(app)} == {"sent"}
    assert len(smtp.mailbox.messages) == 4


def test_nobody_to_reach_is_a_dead_letter_at_once(app: App, smtp: SmtpServer) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("communication_plans")
    for key in ("gabor", "csilla"):
        data["people"][key].pop("email", None)
    policies.apply_policy(app, yaml.safe_dump(data, allow_unicode=True), "tests")
    _p1(app)
    transports = Transports(smtp.url, "escalon@danube.example")
    _drain(app, transports, app.clock.now())
    transports.close()
    rows = _rows(app)
    assert {r.state for r in rows} == {"dead"}
    assert {r.last_error for r in rows} == {delivery.NO_ADDRESS}


def test_a_storm_of_500_breaches_reaches_the_manager_as_one_digest(
    app: App, smtp: SmtpServer
) -> None:
    template = create(app, team="frontline-bud", assignee="anna")
    with app.transaction(notify=False) as session:
        case_id = session.scalar(select(Case.id).where(Case.ref == template.ref))
        assert case_id is not None
        clone_case(session, case_id, 499)
    breach = next(c.due_at for c in template.clocks if c.metric == "first_response")
    assert breach is not None
    advance(app, breach - app.clock.now())  # 500 breaches, 500 alerts to Csilla
    rows = _rows(app)
    assert len(rows) == 500 and {r.recipient for r in rows} == {"csilla"}
    transports = Transports(smtp.url, "escalon@danube.example")
    assert _drain(app, transports, breach) == 0  # held for the window, gathering
    assert _drain(app, transports, breach + DIGEST_WINDOW) == 500
    transports.close()
    (mail,) = smtp.mailbox.messages
    assert mail["To"] == "csilla.nagy@danube.example"
    assert "500" in str(mail["Subject"])
    body = mail.get_content()
    assert template.ref in body and "ESC-1500" in body
    assert {r.state for r in _rows(app)} == {"sent"}


def test_a_p1_notice_is_not_held_back_for_a_digest(app: App) -> None:
    _p1(app)
    assert {r.next_attempt_at for r in _rows(app)} == {app.clock.now()}


def test_the_policy_sets_the_digest_window_and_how_often_to_retry(
    app: App, smtp: SmtpServer
) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("communication_plans")
    data["notifications"] = {"digest_window": "5m", "retry": {"first": "10s", "attempts": 2}}
    policies.apply_policy(app, yaml.safe_dump(data, allow_unicode=True), "tests")
    ref = create(app, team="frontline-bud", assignee="anna", impact=2, urgency=2).ref
    escalations.raise_escalation(
        app,
        ref,
        EscalationCreate.model_validate(
            {
                "type": "hierarchical",
                "reason": {
                    "category": "progress_unsatisfactory",
                    "text": "Bosphorus cannot log in and loses orders every hour",
                },
            }
        ),
        "anna",
    )
    (row,) = _rows(app)
    now = app.clock.now()
    assert row.next_attempt_at == now + timedelta(minutes=5)
    smtp.stop()
    transports = Transports(smtp.url, "escalon@danube.example")
    _drain(app, transports, now + timedelta(minutes=5), retry=None)
    (row,) = _rows(app)
    assert row.next_attempt_at is not None
    assert row.next_attempt_at - (now + timedelta(minutes=5)) <= timedelta(seconds=10)
    _drain(app, transports, now + timedelta(minutes=6), retry=None)
    transports.close()
    assert _rows(app)[0].state == "dead"  # two attempts, as the policy says
