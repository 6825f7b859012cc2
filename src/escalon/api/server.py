"""`escalon serve`: API and worker in one process, on SQLite with no other setup."""

from __future__ import annotations

import threading

import uvicorn

from escalon.api.app import create_app
from escalon.notify.channels import Transports
from escalon.services.context import App
from escalon.worker.runner import Worker


def serve(
    app: App, host: str, port: int, max_idle: float = 0.5, transports: Transports | None = None
) -> Worker:
    """Serve until stopped; the worker is returned so a caller can report what it fired."""
    worker = Worker(app, max_idle=max_idle, transports=transports)
    app.listeners.append(worker.wake)
    stop = threading.Event()
    thread = worker.start(stop)
    try:
        uvicorn.run(create_app(app), host=host, port=port, log_level="info")
    finally:
        stop.set()
        worker.wake()
        thread.join(timeout=5)
    return worker
