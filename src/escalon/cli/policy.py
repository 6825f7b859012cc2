"""`escalon policy lint|apply|show`: configuration as code."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from escalon.cli.common import emit_json, fail, handle_errors, open_app
from escalon.policy.lint import format_errors, lint_file
from escalon.services import policies

app = typer.Typer(help="Validate, apply and show escalon.yaml.", no_args_is_help=True)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read: {exc}")


@app.command("lint")
def lint(path: Path, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Report every error with its place in the file; exit 1 if there is any."""
    result = lint_file(path)
    if as_json:
        emit_json(
            {
                "ok": result.ok,
                "errors": [
                    {"field": e.path, "message": e.message, "line": e.line} for e in result.errors
                ],
            }
        )
    else:
        for line in format_errors(result, str(path)):
            typer.echo(line, err=True)
        if result.ok:
            typer.echo(f"{path}: ok")
    if not result.ok:
        raise typer.Exit(1)


@app.command("apply")
@handle_errors
def apply(path: Path, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Store the file as a new policy version; new cases follow it, open ones keep theirs."""
    info = policies.apply_policy(open_app(), _read(path), getpass.getuser(), str(path))
    if as_json:
        emit_json({"version": info.version, "checksum": info.checksum, "unchanged": info.unchanged})
    elif info.unchanged:
        typer.echo(f"unchanged: version {info.version} already has this content")
    else:
        typer.echo(f"applied: version {info.version}")


@app.command("show")
@handle_errors
def show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print the current policy version and its source."""
    info = policies.current_policy(open_app())
    if info is None:
        fail("no policy has been applied yet; run `escalon policy apply FILE`")
    if as_json:
        emit_json(
            {
                "version": info.version,
                "created_at": info.created_at,
                "created_by": info.created_by,
                "checksum": info.checksum,
                "source": info.source,
            }
        )
    else:
        typer.echo(
            f"# version {info.version}, applied {info.created_at:%Y-%m-%d %H:%M} UTC "
            f"by {info.created_by}"
        )
        typer.echo(info.source)
