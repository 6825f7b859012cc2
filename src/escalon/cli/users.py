"""`escalon user create NAME`: web accounts (the API uses tokens instead)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from escalon.cli.common import handle_errors, open_app
from escalon.services import accounts

app = typer.Typer(help="Web UI accounts.", no_args_is_help=True)


@app.command("create")
@handle_errors
def create(
    name: Annotated[str, typer.Argument(help="Sign-in name; a person's key records them as such.")],
    role: Annotated[str, typer.Option(help="agent | manager | admin")] = "agent",
    display_name: Annotated[str | None, typer.Option(help="Shown on the pages.")] = None,
    language: Annotated[
        str | None, typer.Option(help="en | hu | cs | ru | tr; default: the browser's")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA zone; default: the person's, else UTC")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a web account; the password is asked for (or read from stdin), never an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    accounts.create_user(
        open_app(), name, password, role,
        display_name=display_name, language=language, timezone=timezone,
    )  # fmt: skip
    typer.echo(f"created {role} {name}")
