"""`escalon directory export`, `escalon team list`, `escalon person show`."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from tests.cli.conftest import run


def test_export_to_a_file_writes_the_csv_that_reads_back_as_the_json(sandbox: Path) -> None:
    target = sandbox / "people.csv"
    code, out, err = run("directory", "export", "--format", "csv", "--output", str(target))
    assert code == 0, err
    assert out == f"wrote 19 people to {target}\n"
    with target.open(encoding="utf-8", newline="") as written:
        rows = list(csv.DictReader(written))
    code, out, err = run("directory", "export")
    assert code == 0, err
    entries = json.loads(out)
    assert [row["key"] for row in rows] == [entry["key"] for entry in entries]
    assert {row["name"] for row in rows} == {entry["name"] for entry in entries}
    assert "Eszter Horváth" in {row["name"] for row in rows}
    assert [p.name for p in sandbox.iterdir() if p.name.startswith(".people.csv")] == []


def test_export_prints_to_stdout_when_no_file_is_given(sandbox: Path) -> None:
    code, out, err = run("directory", "export", "--format", "csv", "--team", "hosting-bud")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["key"], r["languages"]) for r in rows] == [("marton", "hu;en"), ("olga", "ru;hu;en")]


def test_a_bad_format_team_or_folder_is_one_line_and_writes_nothing(sandbox: Path) -> None:
    target = sandbox / "people.csv"
    for args, says in [
        (("--format", "xml"), "--format: 'xml' is not a format (json, csv)"),
        (("--team", "nightshift"), "team 'nightshift' does not exist"),
    ]:
        code, out, err = run("directory", "export", *args, "--output", str(target))
        assert code != 0 and out == ""
        assert err.count("\n") == 1 and says in err and "Traceback" not in err
    assert not target.exists()
    code, _, err = run("directory", "export", "--output", str(sandbox / "missing" / "x.csv"))
    assert code != 0 and err.startswith("error: --output: cannot write") and err.count("\n") == 1


def test_a_failed_write_keeps_the_old_file_whole(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = sandbox / "people.csv"
    target.write_text("the previous export\n", encoding="utf-8")

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    code, _, err = run("directory", "export", "--output", str(target))
    assert code != 0 and "No space left on device" in err
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in sandbox.iterdir() if p.name.startswith(".people.csv")] == []


def test_team_list_prints_a_line_per_team_or_json(sandbox: Path) -> None:
    code, out, err = run("team", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 10
    assert "frontline-bud  Frontline Budapest (frontline, budapest-office): anna, bence" in lines
    code, out, _ = run("team", "list", "--json")
    teams = {team["key"]: team for team in json.loads(out)}
    assert teams["hosting-global"]["follow_the_sun"] == [
        "hosting-bud",
        "hosting-nyc",
        "hosting-sgp",
    ]


def test_person_show_says_why_someone_cannot_take_work(sandbox: Path) -> None:
    code, out, err = run("person", "show", "priya")
    assert code == 0, err
    assert "now: unavailable, out of office until 2026-11-27T16:00:00+00:00 (annual leave)" in out
    code, out, _ = run("person", "show", "maria", "--json")
    maria = json.loads(out)
    assert (maria["available_now"], maria["why"]) == (True, "on call (hosting-nyc-oncall)")
    code, out, err = run("person", "show", "zoltan")
    assert code != 0 and out == "" and err.count("\n") == 1
    assert err.startswith("error: person: person 'zoltan' does not exist (known: anna,")
