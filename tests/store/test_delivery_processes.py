"""Delivery worker processes on PostgreSQL: every message once, even when a sender is killed.

2,000 pending emails (ESCALON_DELIVERY_MESSAGES overrides) are drained by four worker
processes, each with its own engine, App and kept-open SMTP connection, claiming batches
with SKIP LOCKED. Three send to a real SMTP server on 127.0.0.1. The fourth, the victim,
sends to a second server that accepts its first batch and ten messages of its second and
then stops answering: the victim is SIGKILLed there, having sent ten messages it never
recorded, with forty more claimed. A replacement started after the lease has ended must
send those fifty; nothing else may arrive twice and every row must end `sent`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from multiprocessing.context import SpawnProcess
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, select

from escalon.core.delivery import Retry
from escalon.notify.channels import Transports
from escalon.services import delivery
from escalon.services.context import App
from escalon.store.engine import make_engine
from escalon.store.models import DeliveryAttempt, Notification
from tests.conftest import make_app
from tests.support.outbox import seed_outbox
from tests.support.receivers import Mailbox, SmtpServer, free_port, smtp_server

MESSAGES = int(os.environ.get("ESCALON_DELIVERY_MESSAGES", "2000"))
BATCH = 50
SENT_BEFORE_HANG = BATCH + 10  # the victim's first batch, and ten of its second
SPAWN = multiprocessing.get_context("spawn")


class HangingServer(Mailbox):
    """Takes `accept` messages, then leaves every further DATA unanswered."""

    def __init__(self, accept: int) -> None:
        super().__init__()
        self.accept = accept
        self.hung = threading.Event()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            full = len(self.messages) >= self.accept
        if full:
            self.hung.set()
            await asyncio.sleep(3600)  # the sender waits for an answer that never comes
        return await super().handle_DATA(server, session, envelope)


def _work(url: str, smtp_url: str, now: str) -> None:
    """One delivery worker: send until it can claim nothing more that is due at `now`.

    Claiming nothing is enough to stop: rows another worker's claim holds locked are
    that worker's to send, and after its claim commits they are no longer due (their
    lease runs), so no row can be left behind by this worker leaving early.
    """
    app = App.from_engine(make_engine(url))
    transports = Transports(smtp_url, "escalon@danube.example")
    instant = datetime.fromisoformat(now)
    while delivery.deliver_due(app, transports, instant, batch=BATCH, digests=False):
        pass
    transports.close()
    app.engine.dispose()


def _start(url: str, smtp_url: str, now: datetime) -> SpawnProcess:
    process = SPAWN.Process(target=_work, args=(url, smtp_url, now.isoformat()))
    process.start()
    return process


def _join(process: SpawnProcess, patience: float) -> None:
    process.join(timeout=max(1.0, patience - time.monotonic()))
    assert process.exitcode == 0, f"worker {process.pid} did not finish: {process.exitcode}"


def test_four_delivery_processes_send_every_message_once_when_one_is_killed_mid_batch(
    postgresql_url: str,
) -> None:
    app = make_app(postgresql_url)
    seed_outbox(app, MESSAGES, "kim", "email")
    now = app.clock.now()
    hanging = HangingServer(SENT_BEFORE_HANG)
    hanging.controller.start()
    patience = time.monotonic() + 120 + MESSAGES / 20
    try:
        with smtp_server() as good:
            victim = _start(postgresql_url, f"smtp://127.0.0.1:{hanging.port}", now)
            others = [_start(postgresql_url, good.url, now) for _ in range(3)]
            assert hanging.hung.wait(timeout=120), "the victim never claimed a second batch"
            assert victim.pid is not None
            os.kill(victim.pid, signal.SIGKILL)
            victim.join(timeout=30)
            assert victim.exitcode == -signal.SIGKILL
            for process in others:
                _join(process, patience)
            claimed = _count(app, Notification.state == "sending")
            assert claimed == BATCH  # the dead worker's batch waits out its lease
            after_lease = now + Retry().lease + timedelta(seconds=1)
            _join(_start(postgresql_url, good.url, after_lease), patience)
            received = Counter(hanging.ids() + good.mailbox.ids())
            _check(app, good, received)
    finally:
        hanging.controller.stop()
        app.engine.dispose()


def _count(app: App, where: Any) -> int:
    with app.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Notification).where(where)))


def _check(app: App, good: SmtpServer, received: Counter[str]) -> None:
    assert len(received) == MESSAGES  # every message arrived
    twice = sorted(key for key, n in received.items() if n > 1)
    assert len(twice) == SENT_BEFORE_HANG - BATCH  # only the ten sent but never recorded
    assert max(received.values()) == 2
    # no sender repeated another's work
    assert Counter(good.mailbox.ids()).most_common(1)[0][1] == 1
    assert _count(app, Notification.state != "sent") == 0
    with app.reading() as session:
        attempts = session.execute(
            select(DeliveryAttempt.notification_id, func.count())
            .where(DeliveryAttempt.ok.is_(True))
            .group_by(DeliveryAttempt.notification_id)
        ).all()
    assert len(attempts) == MESSAGES
    assert {n for _, n in attempts} == {1}  # the lost batch was recorded once, by the replacement
