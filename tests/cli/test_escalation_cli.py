"""`escalon case escalate|explain`, `escalon escalation …` and `escalon handover …` end to end.

Each test runs on a fresh sandbox database whose virtual time starts Monday 23 November
2026, 07:00 UTC (08:00 in Budapest), with the example organisation applied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run

ESCALATE = ["case", "escalate", "ESC-1001", "--type", "hierarchical"]

REASON = ["--reason-category", "progress_unsatisfactory"]
REASON += ["--reason", "Bosphorus cannot log in to the portal and loses orders every hour"]
HANDOFF = ["--summary", "Login fails for every user", "--steps-taken", "Restarted the nodes"]
HANDOFF += ["--impact", "40 orders an hour", "--customer", "Bosphorus Textiles"]
HANDOFF += ["--time-constraints", "Sale on Wednesday", "--help-needed", "Approve a rollback"]


def ok(*args: str) -> Any:
    """Run a command with `--json` and return what it printed."""
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def new_case(*extra: str) -> str:
    base = ["--title", "Customer portal login fails", "--impact", "2", "--urgency", "2"]
    base += ["--customer", "bosphorus-textiles", "--team", "frontline-bud", "--assignee", "anna"]
    ref: str = ok("case", "create", *base, *extra)["ref"]
    return ref


def test_escalation_from_request_to_outcome(sandbox: Path) -> None:
    ref = new_case("--category", "portal")
    esc = ok(
        "case", "escalate", ref, "--type", "hierarchical", *REASON, *HANDOFF, "--actor", "anna"
    )
    assert (esc["state"], esc["level_name"], esc["handoff_missing"]) == (
        "requested",
        "Team lead",
        [],
    )
    eid = str(esc["id"])
    acked = ok("escalation", "ack", eid, "--rating", "4", "--actor", "csilla")
    assert (acked["state"], acked["handoff_rating"]) == ("acknowledged", 4)
    steps = ["--step", "Roll back release 4.2|bence|2026-11-24T12:00+01:00"]
    steps += ["--step", "Hotfix the login | anna | 2026-11-23T15:00Z"]
    planned = ok("escalation", "plan", eid, *steps, "--actor", "csilla")
    assert [(i["step"], i["owner"]) for i in planned["plan"]] == [
        ("Roll back release 4.2", "bence"),
        ("Hotfix the login", "anna"),
    ]
    code, _, err = run("escalation", "accept", eid, "--actor", "csilla")
    assert code == 1 and err.startswith("error: actor: only anna, who raised the escalation")
    assert ok("escalation", "reject-plan", eid, "--actor", "anna")["state"] == "acknowledged"
    ok("escalation", "plan", eid, *steps[:2], "--actor", "csilla")
    assert ok("escalation", "accept", eid, "--comment", "Go", "--actor", "anna")["state"] == (
        "plan_accepted"
    )
    done = ok("escalation", "resolve", eid, "--outcome", "no_change", "--note", "Continue")
    assert (done["state"], done["outcome"], done["resolution_note"]) == (
        "resolved",
        "no_change",
        "Continue",
    )
    assert ok("escalation", "show", eid) == done
    code, out, _ = run("escalation", "show", eid)
    assert code == 0 and out.startswith(f"#{eid}") and "outcome: no_change  Continue" in out


def test_missing_reason_is_asked_for_then_a_manager_approves(sandbox: Path) -> None:
    ref = new_case("--category", "portal", "--impact", "3", "--urgency", "3")
    waiting = ok("case", "escalate", ref, "--type", "hierarchical", "--actor", "anna")
    assert waiting["state"] == "reason_requested"
    given = ok("escalation", "reason", str(waiting["id"]), *REASON, "--actor", "anna")
    assert given["state"] == "pending_approval"
    approved = ok("escalation", "approve", str(waiting["id"]), "--actor", "csilla")
    assert (approved["state"], approved["approved_by"]) == ("requested", "csilla")

    other = ok("case", "escalate", ref, "--type", "hierarchical", *REASON, "--actor", "anna")
    reason = "The team lead handles it within the SLA"
    rejected = ok("escalation", "reject", str(other["id"]), "--reason", reason)
    assert (rejected["state"], rejected["resolution_note"]) == ("rejected", reason)

    silent = ok("case", "escalate", ref, "--type", "hierarchical", "--actor", "anna")
    assert ok("clock", "advance", "4h1m")["fired"] >= 1
    assert ok("escalation", "show", str(silent["id"]))["state"] == "closed_no_reason"


def test_functional_escalation_routes_and_lists_filter(sandbox: Path) -> None:
    payments = new_case("--category", "payments")
    portal = new_case("--category", "portal")
    finance = ok("case", "escalate", payments, "--type", "functional", *REASON, "--actor", "anna")
    assert finance["team"] == "finance"
    lead = ok("case", "escalate", portal, "--type", "hierarchical", *REASON, "--actor", "anna")
    ok("escalation", "ack", str(finance["id"]), "--actor", "ferenc")

    def ids(*flags: str) -> list[int]:
        return [e["id"] for e in ok("escalation", "list", *flags)["items"]]

    assert ids() == [finance["id"], lead["id"]]
    assert ids("--team", "finance") == [finance["id"]]
    assert ids("--unacknowledged") == [lead["id"]]
    assert ids("--acknowledged") == [finance["id"]]
    assert ids("--state", "open", "--level", "2") == [lead["id"]]
    assert ids("--case", portal) == [lead["id"]]
    code, out, _ = run("escalation", "list", "--team", "finance")
    assert code == 0 and out.splitlines()[-1] == "1 of 1" and "functional" in out


def test_handover_moves_the_case_only_when_accepted(sandbox: Path) -> None:
    ref = new_case("--category", "portal")
    code, _, err = run("handover", "offer", ref, "--to-person", "bence", "--actor", "lilla")
    assert code == 1 and err.startswith("error: actor: only anna, who owns")
    offered = ok("handover", "offer", ref, "--to-person", "bence", "--actor", "anna")
    declined = ok(
        "handover", "decline", str(offered["id"]), "--reason", "On leave", "--actor", "bence"
    )
    assert declined["state"] == "declined"
    assert ok("case", "show", ref)["assignee"] == "anna"
    to_team = ok("handover", "offer", ref, "--to-team", "finance", "--actor", "anna")
    assert ok("handover", "accept", str(to_team["id"]), "--actor", "ferenc")["state"] == "accepted"
    case = ok("case", "show", ref)
    assert (case["assignee"], case["team"]) == ("ferenc", "finance")
    code, out, _ = run("handover", "list", ref)
    assert code == 0 and "declined by bence" in out and "accepted by ferenc" in out


def test_case_explain_prints_the_lines_or_json(sandbox: Path) -> None:
    ref = new_case("--category", "portal")
    ok("case", "escalate", ref, "--type", "hierarchical", *REASON, "--actor", "anna")
    code, out, _ = run("case", "explain", ref)
    assert code == 0
    assert out.splitlines()[0] == (
        f"{ref} follows path 'standard support' because it has no condition and matches every case."
    )
    explained = ok("case", "explain", ref)
    assert explained["lines"] == out.splitlines() and explained["level"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [*ESCALATE, "--reason-category", "other", "--reason", "escalated"],
            "error: reason.text: 'escalated' is not a reason",
        ),
        (
            [*ESCALATE, "--reason-category", "deadline_at_risk", "--reason", REASON[3]],
            "error: reason.deadline: a deadline reason needs the date",
        ),
        (
            ["case", "escalate", "ESC-1001", "--type", "sideways"],
            "error: type: Input should be 'functional' or 'hierarchical'",
        ),
        (
            ["case", "escalate", "ESC-4242", "--type", "hierarchical"],
            "error: ref: case ESC-4242 does not exist",
        ),
        (
            ["case", "escalate", "ESC-1002", "--type", "hierarchical", *REASON],
            "error: case: case ESC-1002 is resolved; reopen it before escalating",
        ),
        (["escalation", "show", "4242"], "error: escalation: escalation 4242 does not exist"),
        (["escalation", "approve", "1"], "error: action: cannot approve an escalation"),
        (["escalation", "ack", "1", "--rating", "9"], "error: rating: Input should be less"),
        (
            ["escalation", "plan", "1", "--step", "Roll back, bence, tomorrow"],
            "error: step[0]: write 'what|owner|due'",
        ),
        (
            ["escalation", "plan", "1", "--step", "Roll back|bence|2026-11-24T12:00"],
            "error: step[0].due: must include a time zone",
        ),
        (["escalation", "resolve", "1", "--outcome", "shrug"], "error: outcome: Input should be"),
        (["escalation", "reject", "1", "--reason", "no"], "error: reason: String should have"),
        (["handover", "offer", "ESC-1001"], "error: name the person (to_person) or team"),
        (
            ["handover", "offer", "ESC-1001", "--to-team", "nobody", "--actor", "anna"],
            "error: to_team: unknown team 'nobody'",
        ),
    ],
)
def test_bad_input_gives_one_line_error_naming_the_field(
    sandbox: Path, args: list[str], message: str
) -> None:
    ref = new_case("--category", "portal")
    ok("case", "escalate", ref, "--type", "hierarchical", *REASON, "--actor", "anna")
    resolved = new_case()
    ok("case", "status", resolved, "resolved")
    code, out, err = run(*args)
    assert code == 1, out + err
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_a_huge_id_is_a_usage_error_not_a_traceback(sandbox: Path) -> None:
    code, out, err = run("escalation", "show", str(2**64))
    assert code == 2 and "Traceback" not in out + err
