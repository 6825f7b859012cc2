"""The worker: fire what is due, then sleep until the next due instant or until woken.

Timers and the outbox run in two loops (two threads of one process): sending waits on
mail servers and webhooks, and a slow or hanging server must never delay a level move
or a breach.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from escalon.notify.channels import Transports
from escalon.services import delivery, timers
from escalon.services.context import App

log = logging.getLogger("escalon.worker")


class Worker:
    """Reads the clock once per tick and passes it down; never polls on a slow fixed cycle.

    `max_idle` bounds the sleep so that timers written by another process (an API server
    beside this worker) are seen within that time even without a wake-up.
    """

    def __init__(
        self, app: App, max_idle: float = 0.5, transports: Transports | None = None
    ) -> None:
        self.app = app
        self.max_idle = max_idle
        self.transports = transports
        self._wakes = [threading.Event(), threading.Event()]
        self.fired = 0
        self.delivered = 0

    def wake(self) -> None:
        for event in self._wakes:
            event.set()

    def fire(self) -> int:
        count = timers.fire_due(self.app, self.app.clock.now())
        self.fired += count
        return count

    def deliver(self) -> int:
        if self.transports is None:
            return 0
        count = delivery.deliver_due(self.app, self.transports, self.app.clock.now())
        self.delivered += count
        return count

    def tick(self) -> int:
        """One pass of both loops, for `escalon worker --once` and tests."""
        return self.fire() + self.deliver()

    def _sleep_for(self, next_due: Callable[[App], datetime | None]) -> float:
        if self.app.clock.virtual:
            return self.max_idle
        due = next_due(self.app)
        if due is None:
            return self.max_idle
        now = self.app.clock.now()
        return max(0.0, min(self.max_idle, (due - now).total_seconds()))

    def _loop(
        self,
        name: str,
        step: Callable[[], int],
        next_due: Callable[[App], datetime | None],
        wake: threading.Event,
        stop: threading.Event,
    ) -> None:
        log.info("%s started", name)
        while not stop.is_set():
            try:
                if step():
                    continue
                delay = self._sleep_for(next_due)
            except Exception:  # a bad row must not kill the loop; it is retried next tick
                log.exception("%s tick failed", name)
                delay = self.max_idle
            wake.wait(delay)
            wake.clear()
        log.info("%s stopped", name)

    def run(self, stop: threading.Event) -> None:
        """Fire timers in this thread; deliver the outbox in a second one, if configured."""
        sender, transports = None, self.transports
        if transports is not None:
            sender = threading.Thread(
                target=self._loop,
                args=("delivery", self.deliver, delivery.next_due, self._wakes[1], stop),
                name="escalon-delivery",
                daemon=True,
            )
            sender.start()
        self._loop("worker", self.fire, timers.next_due, self._wakes[0], stop)
        if sender is not None and transports is not None:
            self._wakes[1].set()
            sender.join(timeout=15)
            transports.close()

    def start(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="escalon-worker", daemon=True)
        thread.start()
        return thread
