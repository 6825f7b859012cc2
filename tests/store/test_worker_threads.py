"""The worker's two loops: a hanging mail server never holds up a breach."""

from __future__ import annotations

import threading
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


class Watched(Worker):
    """A worker that says when its timer loop has fired something."""

    def __init__(self, app: App, transports: Transports) -> None:
        super().__init__(app, max_idle=0.05, transports=transports)
        self.has_fired = threading.Event()

    def fire(self) -> int:
        count = super().fire()
        if count:
            self.has_fired.set()
        return count


def test_timers_fire_while_the_outbox_waits_on_a_hanging_server(app: App) -> None:
    create(app, impact=1, urgency=1)  # a P1: IT management is told at once
    p3 = create(app)  # a P3 whose first response warns at 14:30 Budapest
    ref = p3.ref
    warn = next(c.warn_at for c in p3.clocks if c.metric == "first_response")
    assert warn is not None
    hanging = Hanging()
    worker = Watched(app, hanging)
    stop = threading.Event()
    thread = worker.start(stop)
    try:
        assert hanging.entered.wait(20), "the delivery loop never tried to send"
        worker.has_fired.clear()  # nothing is due before the clock moves
        with app.transaction() as session:
            VirtualClock.set(session, warn + timedelta(seconds=1))
        worker.wake()
        assert worker.has_fired.wait(20), "the timer loop fired nothing"
        assert events(app, ref, "sla_warning"), "the warning did not fire"
    finally:
        hanging.release.set()
        stop.set()
        worker.wake()
        thread.join(timeout=20)
    assert not thread.is_alive()
