"""The `escalon` command: JSON output, one-line errors, the sandbox clock, the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tests.conftest import EXAMPLE


def test_case_create_json_prints_ref_priority_explanation_and_clocks(sandbox: Path) -> None:
    code, out, _ = run(
        "case",
        "create",
        "--title",
        "Card payments failing",
        "--impact",
        "2",
        "--urgency",
        "2",
        "--customer",
        "duna-bank",
        "--json",
    )
    assert code == 0
    case = json.loads(out)
    assert case["ref"] == "ESC-1001"
    assert case["priority"] == "P1"
    assert case["priority_explanation"] == ["matrix I2×U2 → P2", "customer tier vip → P1"]
    assert {c["metric"]: c["status"] for c in case["clocks"]} == {
        "first_response": "running",
        "update_interval": "running",
        "resolution": "running",
    }
    assert all(c["due_at"] for c in case["clocks"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["case", "create", "--title", "x" * 5, "--impact", "9", "--urgency", "1"],
            "error: impact: Input should be less than or equal to 4",
        ),
        (
            [
                "case",
                "create",
                "--title",
                "Slow portal",
                "--impact",
                "1",
                "--urgency",
                "1",
                "--customer",
                "nobody",
            ],
            "error: customer: unknown customer 'nobody'",
        ),
        (["case", "show", "ESC-4242"], "error: ref: case ESC-4242 does not exist"),
        (["case", "status", "ESC-4242", "open"], "error: ref: case ESC-4242 does not exist"),
        (["clock", "advance", "4hh"], "error: duration: '4hh' is not a duration"),
        (["token", "create", "--role", "emperor"], "error: role: 'emperor' is not a role"),
    ],
)
def test_bad_input_gives_one_line_error_and_exit_code_1(
    sandbox: Path, args: list[str], message: str
) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_unknown_option_is_a_usage_error_with_exit_code_2(sandbox: Path) -> None:
    code, _, err = run("case", "create", "--colour", "red")
    assert code == 2
    assert "Traceback" not in err


def test_uninitialised_database_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESCALON_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _, err = run("case", "list")
    assert code == 1
    assert "not initialised; run `escalon db init`" in err


def test_policy_lint_prints_every_error_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "escalon.yaml"
    bad.write_text(
        "sla:\n  - name: x\n    targets:\n      P1: {resolution: 4hh}\n"
        "customers:\n  acme: {name: ACME, tier: platinum}\n",
        encoding="utf-8",
    )
    code, _, err = run("policy", "lint", str(bad))
    assert code == 1
    lines = err.strip().splitlines()
    assert f"{bad}:4: sla[0].targets.P1.resolution: '4hh' is not a duration" in lines
    assert any("customers.acme.tier" in line for line in lines)
    assert run("policy", "lint", str(EXAMPLE))[0] == 0


def test_clock_advance_fires_the_breach_and_the_case_shows_it(sandbox: Path) -> None:
    run(
        "case",
        "create",
        "--title",
        "Portal slow",
        "--impact",
        "3",
        "--urgency",
        "3",
        "--customer",
        "bosphorus-textiles",
    )
    code, out, _ = run("clock", "advance", "9h", "--json")
    assert code == 0
    assert json.loads(out)["now"].startswith("2026-11-23T16:00:00")
    shown = json.loads(run("case", "show", "ESC-1001", "--json")[1])
    first = next(c for c in shown["clocks"] if c["metric"] == "first_response")
    assert first["status"] == "breached"
    listed = json.loads(run("case", "list", "--breached", "--json")[1])
    assert listed["total"] == 1


def test_comment_status_override_and_audit_verify(sandbox: Path) -> None:
    run("case", "create", "--title", "Portal slow", "--impact", "3", "--urgency", "3")
    assert run("case", "comment", "ESC-1001", "Looking into it", "--kind", "reply")[0] == 0
    assert run("case", "status", "ESC-1001", "waiting_on_customer")[0] == 0
    code, out, _ = run(
        "case",
        "override",
        "ESC-1001",
        "P2",
        "--reason",
        "Customer's month-end closing depends on it",
        "--json",
    )
    assert code == 0 and json.loads(out)["priority"] == "P2"
    code, out, _ = run("audit", "verify")
    assert code == 0 and out.startswith("ok:")


def test_token_create_prints_a_token_once(sandbox: Path) -> None:
    code, out, _ = run("token", "create", "--name", "ci", "--role", "admin", "--json")
    assert code == 0
    assert json.loads(out)["token"].startswith("esc_")


def test_demo_shows_priorities_warnings_and_a_missed_and_a_kept_promise() -> None:
    code, out, _ = run("demo")
    assert code == 0, out
    assert "customer tier vip → P1" in out
    assert "BREACH: ESC-1002 first_response (6h target)" in out
    assert "(6h promise kept)" in out
    assert "ESC-1003 P3" in out and "first_response met" in out


def test_demo_plays_the_escalation_stories() -> None:
    code, out, _ = run("demo")
    assert code == 0, out
    # the outage climbs four levels, the vendor and architect at level 3
    assert "moves to level 2 (Network engineers)" in out
    assert "moves to level 3 (Senior network architect and vendor) → Kim Lee" in out
    assert "moves to level 4 (IT management)" in out
    assert "ESCALATION #1 of ESC-1005 (functional) by anna → Finance" in out
    assert "by rule 'security risk' → Lilla Fekete" in out
    assert "[reason_requested]" in out and "escalation closed: no business reason" in out
    assert "by rule 'first response breach alerts the team manager' → Csilla Nagy" in out
    assert "reassigned" not in out  # alerts never move the case
    assert "ESCALATION #5 of ESC-1008" in out and "is still P1" in out
