"""The worker's two loops: a hanging mail server never holds up a breach."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from escalon.clock import VirtualClock
from escalon.notify.channels import Message, Result, Transports
from escalon.services.context import App
from escalon.worker.runner import Worker
from tests.services.helpers import create, events


class Hanging(Transports):
    """A transport whose server accepts and then never answers, until released."""

    def __init__(self) -> None:
        super().__init__(None, "escalon@danube.example")
        self.entered = threading.Event()
        self.release = threading.Event()

    def send(self, message: Message) -> Result:
        self.entered.set()
        self.release.wait(30)
        return Result(False, "released")


def _until(check: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(0.02)
    return False


def test_timers_fire_while_the_outbox_waits_on_a_hanging_server(app: App) -> None:
    create(app, impact=1, urgency=1)  # a P1: IT management is told at once
    p3 = create(app)  # a P3 whose first response warns at 14:30 Budapest
    ref = p3.ref
    warn = next(c.warn_at for c in p3.clocks if c.metric == "first_response")
    assert warn is not None
    hanging = Hanging()
    worker = Worker(app, max_idle=0.05, transports=hanging)
    stop = threading.Event()
    thread = worker.start(stop)
    try:
        assert hanging.entered.wait(20), "the delivery loop never tried to send"
        with app.transaction() as session:
            VirtualClock.set(session, warn + timedelta(seconds=1))
        worker.wake()
        assert _until(lambda: events(app, ref, "sla_warning")), "the warning did not fire"
    finally:
        hanging.release.set()
        stop.set()
        worker.wake()
        thread.join(timeout=20)
    assert not thread.is_alive()
