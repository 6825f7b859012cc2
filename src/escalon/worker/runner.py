"""The worker: fire what is due, then sleep until the next due instant or until woken."""

from __future__ import annotations

import logging
import threading
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
        self._wake = threading.Event()
        self.fired = 0
        self.delivered = 0

    def wake(self) -> None:
        self._wake.set()

    def tick(self) -> int:
        now = self.app.clock.now()
        count = timers.fire_due(self.app, now)
        self.fired += count
        if self.transports is not None:
            sent = delivery.deliver_due(self.app, self.transports, now)
            self.delivered += sent
            count += sent
        return count

    def _sleep_for(self, now: datetime) -> float:
        if self.app.clock.virtual:
            return self.max_idle
        dues = [timers.next_due(self.app)]
        if self.transports is not None:
            dues.append(delivery.next_due(self.app))
        due = min((d for d in dues if d is not None), default=None)
        if due is None:
            return self.max_idle
        return max(0.0, min(self.max_idle, (due - now).total_seconds()))

    def run(self, stop: threading.Event) -> None:
        log.info("worker started")
        while not stop.is_set():
            try:
                if self.tick():
                    continue
                delay = self._sleep_for(self.app.clock.now())
            except Exception:  # a bad row must not kill the worker; it is retried next tick
                log.exception("worker tick failed")
                delay = self.max_idle
            self._wake.wait(delay)
            self._wake.clear()
        if self.transports is not None:
            self.transports.close()
        log.info("worker stopped")

    def start(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="escalon-worker", daemon=True)
        thread.start()
        return thread
