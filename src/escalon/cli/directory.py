"""`escalon directory export`, `escalon team list`, `escalon person show KEY`."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from escalon.cli.common import emit_json, fail, handle_errors, open_app
from escalon.services import directory as views

directory = typer.Typer(help="The contact directory.", no_args_is_help=True)
team = typer.Typer(help="Teams of the organisation.", no_args_is_help=True)
person = typer.Typer(help="People of the organisation.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(directory, name="directory")
    app.add_typer(team, name="team")
    app.add_typer(person, name="person")


@directory.command("export")
@handle_errors
def export(
    fmt: Annotated[str, typer.Option("--format", help="json (as the API) or csv")] = "json",
    team_key: Annotated[str | None, typer.Option("--team", help="Only its members.")] = None,
    output: Annotated[
        Path | None, typer.Option(help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Everyone's addresses, languages, teams and skills, one entry per person."""
    if fmt not in views.FORMATS:
        fail(f"--format: {fmt!r} is not a format ({', '.join(views.FORMATS)})")
    entries = views.directory(open_app(), team_key)
    text = views.export(entries, fmt)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomically(output, text)
    except OSError as exc:
        fail(f"--output: cannot write {output}: {exc.strerror or exc}")
    typer.echo(f"wrote {len(entries)} people to {output}")


def write_atomically(path: Path, text: str) -> None:
    """Write beside `path`, then rename over it: a reader sees the old file or the new one,
    never half of it, and a failure leaves nothing behind. The file is readable by its owner
    only (mkstemp's mode), as a directory of people is personal data."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


@team.command("list")
@handle_errors
def list_teams(as_json: JsonOpt = False) -> None:
    """Every team: its kind, members and hours."""
    teams = views.list_teams(open_app())
    if as_json:
        emit_json(teams)
        return
    for t in teams:
        members = ", ".join(t.members) or "no members"
        regions = f"; follows the sun: {', '.join(t.follow_the_sun)}" if t.follow_the_sun else ""
        typer.echo(
            f"{t.key}  {t.name} ({t.kind}, {t.calendar or 'no calendar'}): {members}{regions}"
        )


@person.command("show")
@handle_errors
def show_person(key: str, as_json: JsonOpt = False) -> None:
    """How to reach a person, what they know, and whether they can take work now."""
    found = views.get_person(open_app(), key)
    if as_json:
        emit_json(found)
        return
    state = "available" if found.available_now else "unavailable"
    lines = [
        f"{found.key}  {found.name}",
        f"email: {found.email or '-'}   chat: {found.chat or '-'}",
        f"languages: {', '.join(found.languages)}   timezone: {found.timezone}",
        f"teams: {', '.join(found.teams) or '-'}   manager: {found.manager or '-'}",
        f"authority: {found.authority}   skills: {', '.join(found.skills) or '-'}",
        *(
            f"out of office: {a.start.isoformat()} → {a.end.isoformat()} {a.note}".rstrip()
            for a in found.out_of_office
        ),
        f"now: {state}, {found.why}",
    ]
    typer.echo("\n".join(lines))
