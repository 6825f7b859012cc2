"""`escalon oncall who SCHEDULE [--at …]`."""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Annotated

import typer

from escalon.cli.common import emit_json, fail, handle_errors, open_app
from escalon.schemas.oncall import OverrideCreate, OverrideRead
from escalon.services import oncall, schedule_overrides
from escalon.services.tokens import Principal

app = typer.Typer(help="On-call schedules.", no_args_is_help=True)


@app.command("who")
@handle_errors
def who(
    schedule: str,
    at: Annotated[
        str | None,
        typer.Option(help="ISO instant; without an offset, in the schedule's zone. Default: now."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Who is on call on SCHEDULE at an instant, and from which layer or override."""
    instant = _instant("at", at) if at is not None else None
    answer = oncall.who(open_app(), schedule, instant)
    if as_json:
        emit_json(answer)
        return
    if answer.person is None:
        typer.echo(f"nobody is on call on {schedule} at {answer.at.isoformat()}")
        return
    span = ""
    if answer.since or answer.until:
        since = answer.since.isoformat() if answer.since else "always"
        until = answer.until.isoformat() if answer.until else "for ever"
        span = f", {since} → {until}"
    typer.echo(f"{answer.person} ({answer.name}) by {answer.source}{span}")


def _instant(name: str, raw: str) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        fail(f"--{name}: {raw!r} is not an ISO date and time (e.g. 2026-11-24T09:00)")


def _show(row: OverrideRead) -> str:
    state = f"  cancelled by {row.cancelled_by}" if row.cancelled_at else ""
    note = f"  ({row.note})" if row.note else ""
    return f"#{row.id} {row.person} {row.start.isoformat()} → {row.end.isoformat()}{note}{state}"


@app.command("cover")
@handle_errors
def cover(
    schedule: str,
    person: str,
    start: Annotated[str, typer.Option(help="ISO instant; without an offset, schedule's zone.")],
    end: Annotated[str, typer.Option(help="ISO instant; without an offset, schedule's zone.")],
    note: Annotated[str, typer.Option(help="Why, for whoever reads the schedule.")] = "",
    actor: Annotated[str | None, typer.Option(help="Who records it (default: you).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Put PERSON on call on SCHEDULE from --start to --end, above the rotation."""
    data = OverrideCreate(
        person=person, start=_instant("start", start), end=_instant("end", end), note=note
    )
    row = schedule_overrides.take(open_app(), schedule, data, _operator(actor))
    _print(row, as_json)


@app.command("overrides")
@handle_errors
def overrides(
    schedule: str,
    include_past: Annotated[bool, typer.Option("--all", help="Also ended and cancelled.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The overrides taken on SCHEDULE through the API or this command."""
    rows = schedule_overrides.listed(open_app(), schedule, include_past)
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        typer.echo(_show(row))
    if not rows:
        typer.echo(f"no overrides on {schedule}")


@app.command("uncover")
@handle_errors
def uncover(
    schedule: str,
    override: int,
    actor: Annotated[str | None, typer.Option(help="Who records it (default: you).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Cancel override OVERRIDE of SCHEDULE; the record stays, marked cancelled."""
    row = schedule_overrides.cancel(open_app(), schedule, override, _operator(actor))
    _print(row, as_json)


def _operator(actor: str | None) -> Principal:
    """Whoever runs the command on the server's machine administers it."""
    return Principal(actor or getpass.getuser(), "admin")


def _print(row: OverrideRead, as_json: bool) -> None:
    if as_json:
        emit_json(row)
    else:
        typer.echo(_show(row))
