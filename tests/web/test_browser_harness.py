"""The browser harness itself: Chromium reaches the live server and screenshots are saved."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.web.conftest import ROOT, SCREENSHOTS_ENV, screenshot_dir, shot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_chromium_reads_the_health_answer_of_the_live_server(page: Page, live_server: str) -> None:
    response = page.goto(f"{live_server}/healthz")

    assert response is not None and response.status == 200
    assert json.loads(page.inner_text("body")) == {"status": "ok"}


def test_shot_saves_a_full_page_png_where_escalon_screenshots_points(
    page: Page, live_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOTS_ENV, str(tmp_path / "shots"))
    page.goto(f"{live_server}/healthz")

    path = shot(page, "harness-healthz")

    assert path == tmp_path / "shots" / "harness-healthz.png"
    png = path.read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    assert width == 1280 and height >= 900


def test_screenshots_go_to_build_screenshots_unless_escalon_screenshots_says_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SCREENSHOTS_ENV, raising=False)
    assert screenshot_dir() == ROOT / "build" / "screenshots"

    monkeypatch.setenv(SCREENSHOTS_ENV, str(tmp_path))
    assert screenshot_dir() == tmp_path
