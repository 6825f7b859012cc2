"""`escalon case inform`, `escalon notification list|retry` and `escalon notify test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tests.support.receivers import smtp_server


def _p1() -> str:
    code, out, err = run(
        "case", "create", "--title", "Card payments fail", "--customer", "duna-bank",
        "--impact", "1", "--urgency", "1", "--json",
    )  # fmt: skip
    assert code == 0, err
    ref: str = json.loads(out)["ref"]
    return ref


def test_inform_lists_who_hears_and_the_outbox_shows_it(sandbox: Path) -> None:
    ref = _p1()
    code, out, err = run("case", "inform", ref, "--status", "Failed over", "--actor", "anna")
    assert code == 0, err
    assert "Duna Bank" in out and "next update due" in out
    code, out, _ = run("notification", "list", "--case", ref, "--json")
    page = json.loads(out)
    assert "stakeholder_update" in {n["template"] for n in page["items"]}
    code, _, err = run("case", "inform", ref, "--status", "")
    assert code != 0 and "status" in err


def test_retry_refuses_what_is_not_a_dead_letter(sandbox: Path) -> None:
    _p1()
    code, _, err = run("notification", "retry", "1")
    assert code != 0 and "only a dead letter" in err
    code, _, err = run("notification", "retry", "999999")
    assert code != 0 and "does not exist" in err


def test_notify_test_sends_through_the_configured_smtp_server(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as server:
        monkeypatch.setenv("ESCALON_SMTP_URL", server.url)
        code, _, err = run("notify", "test", "kim.lee@danube.example", "--language", "tr")
        assert code == 0, err
        (mail,) = server.mailbox.messages
    assert mail["To"] == "kim.lee@danube.example" and mail["Content-Language"] == "tr"
    code, _, err = run("notify", "test", "not-an-address")
    assert code != 0 and "address" in err
