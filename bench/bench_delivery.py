"""Benchmark (f): draining the outbox to a local SMTP sink and to a local HTTP receiver.

Run: /work/venv/bin/python bench/bench_delivery.py [--messages 100000] [--batch 50]

A temp-file SQLite sandbox gets the real migrations and the example policy, with Kim Lee
(English, reached by email) and a copy of her reachable on a webhook. One case is created
through the service; N outbox rows for it are then written in SQL (INSERT … SELECT over a
recursive counter), each a pending `escalation_raised` message due now: N for email and N
for the webhook.

Sinks run in their own processes (so they do not share this process's GIL): aiosmtpd on
127.0.0.1, and a ThreadingHTTPServer answering 200 with keep-alive. They count what arrives
and how many distinct Message-IDs / Idempotency-Keys.

  smtplib   baseline: plain `smtplib.SMTP.send_message` on one reused connection, N messages
            built like escalon's (subject, UTF-8 body, Message-ID), to the same sink
  escalon   `delivery.deliver_due` in a loop until nothing is due: claim (one transaction),
            address, render in the recipient's language, send on the kept-open connection,
            record the outcome and a delivery attempt per address (one transaction)

  digests  the same N messages to one recipient, with storms grouped: one digest per 1,000
            messages (rows/s: outbox rows handled, the sink receiving N/1,000 messages)

Prints messages/s for each and escalon/smtplib; then checks every row is `sent` and the
sink saw N distinct ids (without digests). Goal: escalon at least 80 % of the baseline.
"""

from __future__ import annotations

import argparse
import multiprocessing
import smtplib
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from escalon.core.delivery import DIGEST_WINDOW
from escalon.notify.channels import Transports
from escalon.services import delivery
from escalon.services.context import App
from escalon.services.policies import apply_policy
from escalon.services.sandbox import init_database
from escalon.store.engine import make_engine
from escalon.store.models import Notification
from tests.support.outbox import seed_outbox
from tests.support.receivers import free_port

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "escalon.yaml"
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Budapest"))
SPAWN = multiprocessing.get_context("spawn")


# --- sinks, each in its own process ---------------------------------------------------------


def _smtp_sink(
    port: int, count: Synchronized[int], distinct: Synchronized[int], ready: EventType
) -> None:
    from aiosmtpd.controller import Controller

    seen: set[bytes] = set()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            raw: bytes = envelope.original_content or b""
            start = raw.find(b"Message-ID:")
            key = raw[start : raw.find(b"\n", start)] if start >= 0 else raw[:64]
            with count.get_lock():
                count.value += 1
                if key not in seen:
                    seen.add(key)
                    distinct.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def _http_sink(
    port: int, count: Synchronized[int], distinct: Synchronized[int], ready: EventType
) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            key = self.headers.get("Idempotency-Key", "")
            with count.get_lock():
                count.value += 1
                if key not in seen:
                    seen.add(key)
                    distinct.value += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    ready.set()
    server.serve_forever()


class Sink:
    def __init__(self, target: Any) -> None:
        self.port = free_port()
        self.count = SPAWN.Value("q", 0)
        self.distinct = SPAWN.Value("q", 0)
        ready = SPAWN.Event()
        self.process = SPAWN.Process(
            target=target, args=(self.port, self.count, self.distinct, ready), daemon=True
        )
        self.process.start()
        if not ready.wait(30):
            raise RuntimeError("the sink did not start")

    def reset(self) -> None:
        with self.count.get_lock():
            self.count.value = 0
            self.distinct.value = 0

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(5)


# --- seeding ----------------------------------------------------------------------------------


def new_app(url: str, hook: str) -> App:
    engine = make_engine(url)
    init_database(engine, sandbox=True, start=MONDAY_10.astimezone(UTC))
    app = App.from_engine(engine)
    data = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    data["people"]["kim-hook"] = dict(data["people"]["kim"]) | {"channels": {"webhook": hook}}
    apply_policy(app, yaml.safe_dump(data, allow_unicode=True), "bench")
    return app


def drain(app: App, transports: Transports, batch: int, digests: bool) -> tuple[int, float]:
    began = time.perf_counter()
    sent = 0
    now = app.clock.now() + DIGEST_WINDOW
    while count := delivery.deliver_due(app, transports, now, batch=batch, digests=digests):
        sent += count
    return sent, time.perf_counter() - began


def smtplib_baseline(port: int, messages: int) -> float:
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as conn:
        for i in range(messages):
            mail = EmailMessage()
            mail["Message-ID"] = f"<baseline-{i}@bench>"
            mail["From"] = "escalon@bench.example"
            mail["To"] = "kim.lee@danube.example"
            mail["Subject"] = "ESC-1001 P3: escalation to level 2 (Network engineers)"
            mail.set_content("Portal down\nLevel 2: Network engineers\n")
            conn.send_message(mail)
    return time.perf_counter() - began


def wait_for(sink: Sink, expected: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while sink.count.value < expected and time.monotonic() < deadline:
        time.sleep(0.05)


def check(app: App) -> str:
    with app.reading() as session:
        states = dict(
            session.execute(
                select(Notification.state, func.count()).group_by(Notification.state)
            ).all()
        )
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(states.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    n = args.messages
    smtp, http = Sink(_smtp_sink), Sink(_http_sink)
    rows = []
    try:
        base = smtplib_baseline(smtp.port, n)
        wait_for(smtp, n)
        print(
            f"[smtplib] {n:,} messages in {base:.1f}s = {n / base:,.0f}/s "
            f"(sink saw {smtp.distinct.value:,} distinct)"
        )
        rows.append(("smtplib, one connection", n / base, None))
        smtp.reset()
        with tempfile.TemporaryDirectory(prefix="escalon-bench-delivery-") as tmp:
            app = new_app(f"sqlite:///{tmp}/delivery.db", f"http://127.0.0.1:{http.port}/hook")
            transports = Transports(f"smtp://127.0.0.1:{smtp.port}", "escalon@bench.example")
            for label, recipient, channel, sink, digests in (
                ("escalon → SMTP", "kim", "email", smtp, False),
                ("escalon → webhook", "kim-hook", "webhook", http, False),
                ("escalon → SMTP, digests", "kim", "email", smtp, True),
            ):
                sink.reset()
                seed_outbox(app, n, recipient, channel)
                sent, took = drain(app, transports, args.batch, digests)
                wait_for(sink, -(-n // delivery.STORM_CAP) if digests else n)
                print(
                    f"[{label}] {sent:,} messages in {took:.1f}s = {sent / took:,.0f}/s "
                    f"(sink saw {sink.count.value:,}, distinct {sink.distinct.value:,}); "
                    f"rows: {check(app)}"
                )
                rows.append((label, sent / took, sent / took / (n / base)))
            transports.close()
            app.engine.dispose()
    finally:
        smtp.stop()
        http.stop()
    print("\nSummary: messages per second, SQLite outbox, one sender process")
    print(f"{'path':28} {'msgs/s':>9} {'× smtplib':>10}")
    for label, rate, ratio in rows:
        print(f"{label:28} {rate:9,.0f} {'' if ratio is None else f'{ratio:10.2f}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
