"""`escalon oncall who SCHEDULE [--at …]`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from escalon.cli.common import emit_json, fail, handle_errors, open_app
from escalon.services import oncall

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
    instant = None
    if at is not None:
        try:
            instant = datetime.fromisoformat(at)
        except ValueError:
            fail(f"--at: {at!r} is not an ISO date and time (e.g. 2026-11-24T09:00)")
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
