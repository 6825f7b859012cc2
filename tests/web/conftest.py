"""Browser tests: Debian's Chromium, driven by Playwright, against a live escalon server.

The server runs in a thread of the test process on the `app` of tests/conftest.py, which
here is the SQLite variant only (see `db_url` below), so a test may change the app through
the services and then look at the result in the browser.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from escalon.api.app import create_app
from escalon.services.context import App

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Headless in a container as root, offline: no sandbox, no GPU, nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 20.0
SERVER_GRACE = 5  # seconds uvicorn waits for open connections when it stops
SERVER_STOP_TIMEOUT = 10.0
SCREENSHOTS_ENV = "ESCALON_SCREENSHOTS"
SHOT_NAME = re.compile(r"[\w.-]+")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; each test gets its own context."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = (
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install chromium); `playwright install` cannot download a browser here"
        )
        if in_ci():
            pytest.fail(f"{reason}. The browser tests must run in CI.", pytrace=False)
        pytest.skip(reason)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except BaseException:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Browser tests run on SQLite only: this narrows tests/conftest.py's `app`, which is
    parametrised over SQLite and PostgreSQL through `db_url`, to its SQLite variant."""
    return sqlite_url


@pytest.fixture
def live_server(app: App) -> Iterator[str]:
    """The escalon web server on a free local port, in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))  # bound here, so no other process can take the port meanwhile
    port: int = sock.getsockname()[1]
    # A page still open (keep-alive, a pending htmx request) must not hold up the shutdown.
    config = uvicorn.Config(
        create_app(app),
        host=HOST,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=SERVER_GRACE,
    )
    server = uvicorn.Server(config)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as error:  # reported by the waiting test, not lost in a thread
            failures.append(error)

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        wait_until_started(server, thread, failures)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(SERVER_STOP_TIMEOUT)
        sock.close()
    assert not thread.is_alive(), f"the live server did not stop within {SERVER_STOP_TIMEOUT} s"


def wait_until_started(
    server: uvicorn.Server, thread: threading.Thread, failures: list[BaseException]
) -> None:
    """Wait for uvicorn to report that it listens; fail clearly if it dies or takes too long."""
    tick = threading.Event()
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            cause = repr(failures[0]) if failures else "no exception (see the log above)"
            pytest.fail(f"the live server stopped before it started: {cause}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(
                f"the live server did not start within {SERVER_START_TIMEOUT} s", pytrace=False
            )
        tick.wait(0.01)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies, no storage) and its page, for one test."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot_dir() -> Path:
    return Path(os.environ.get(SCREENSHOTS_ENV) or ROOT / "build" / "screenshots")


def shot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a PNG of `page` (the whole page, or what the window shows) as NAME.png in
    $ESCALON_SCREENSHOTS (default build/screenshots/ in the repository); return its path."""
    if not SHOT_NAME.fullmatch(name):
        raise ValueError(f"screenshot name {name!r}: use letters, digits, '_', '-' and '.'")
    directory = screenshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=path, full_page=full_page, type="png")
    return path
