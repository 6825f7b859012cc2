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
