"""`escalon oncall who`: the person, the layer or override, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import run


def test_who_is_on_call_across_the_spring_dst_change(sandbox: Path) -> None:
    # The weekly rotation hands off at 09:00 Budapest time on both sides of 29 March 2027.
    sunday = json.loads(
        run("oncall", "who", "network-oncall", "--at", "2027-03-28T12:00", "--json")[1]
    )
    monday = json.loads(
        run("oncall", "who", "network-oncall", "--at", "2027-03-29T07:00", "--json")[1]
    )
    assert sunday["person"] == monday["person"]  # one weekly turn, 167 hours long
    assert monday["until"] == "2027-03-29T07:00:00Z"  # 09:00 CEST, the new week's hand-off


def test_who_prints_one_line_and_refuses_bad_input(sandbox: Path) -> None:
    code, out, err = run("oncall", "who", "network-oncall", "--at", "2026-11-23T20:00")
    assert code == 0, err
    assert out.startswith("david (Dávid Szabó) by layer weekly")
    code, _, err = run("oncall", "who", "nights")
    assert code != 0 and "schedule 'nights' does not exist" in err
    code, _, err = run("oncall", "who", "network-oncall", "--at", "soon")
    assert code != 0 and "--at" in err


def test_cover_is_taken_listed_and_given_back_from_the_command_line(sandbox: Path) -> None:
    code, out, err = run(
        "oncall", "cover", "network-oncall", "emre", "--start", "2026-11-23T20:00",
        "--end", "2026-11-24T08:00", "--note", "david is ill", "--json",
    )  # fmt: skip
    assert code == 0, err
    taken = json.loads(out)
    assert run("oncall", "who", "network-oncall", "--at", "2026-11-23T22:00")[1].startswith(
        "emre (Emre Yılmaz) by override"
    )
    listed = run("oncall", "overrides", "network-oncall")[1]
    assert f"#{taken['id']} emre" in listed and "(david is ill)" in listed
    code, out, err = run("oncall", "uncover", "network-oncall", str(taken["id"]))
    assert code == 0 and "cancelled by" in out, err
    left = run("oncall", "overrides", "network-oncall")[1]
    assert left.strip() == "no overrides on network-oncall"
    code, _, err = run(
        "oncall", "cover", "network-oncall", "emre", "--start", "tonight", "--end", "2026-11-24"
    )
    assert code != 0 and err.strip() == (
        "error: --start: 'tonight' is not an ISO date and time (e.g. 2026-11-24T09:00)"
    )


def test_a_watcher_is_added_and_removed_from_the_command_line(sandbox: Path) -> None:
    code, out, err = run("case", "create", "--title", "VPN down", "--impact", "2", "--urgency", "2")
    assert code == 0, err
    ref = out.split()[0]
    assert run("case", "watch", ref, "lilla")[1].strip() == f"{ref} watchers: lilla"
    assert run("case", "watch", ref, "lilla", "--stop")[1].strip() == f"{ref} watchers: nobody"
    code, _, err = run("case", "watch", ref, "nobody")
    assert code != 0 and "unknown person 'nobody'" in err
