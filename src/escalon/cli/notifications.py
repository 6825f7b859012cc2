"""`escalon notification list|retry` and `escalon notify test URL`."""

from __future__ import annotations

import getpass
import uuid
from typing import Annotated

import typer

from escalon.cli.common import emit_json, fail, handle_errors, open_app
from escalon.config import Settings
from escalon.core.addressing import Address
from escalon.notify.channels import Message, Transports
from escalon.schemas.notifications import NotificationFilter
from escalon.services import notifications

app = typer.Typer(
    help="Messages to stakeholders and how their delivery went.", no_args_is_help=True
)
notify = typer.Typer(help="Try a channel.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("list")
@handle_errors
def list_(
    case: Annotated[str | None, typer.Option(help="A case ref.")] = None,
    recipient: Annotated[str | None, typer.Option(help="A person or team key.")] = None,
    state: Annotated[
        str | None, typer.Option(help="pending, sending, sent, dead or cancelled.")
    ] = None,
    limit: Annotated[int, typer.Option()] = 50,
    offset: Annotated[int, typer.Option()] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List messages, oldest first, with their delivery state and attempts."""
    flt = NotificationFilter.model_validate(
        {"case": case, "recipient": recipient, "state": state, "limit": limit, "offset": offset}
    )
    page = notifications.list_notifications(open_app(), flt)
    if as_json:
        emit_json(page)
        return
    for item in page.items:
        error = f"  ({item.last_error})" if item.last_error else ""
        typer.echo(
            f"#{item.id} {item.case} {item.template} → {item.recipient_kind} {item.recipient} "
            f"by {item.channel}: {item.state}, {item.attempts} attempt(s){error}"
        )
    typer.echo(f"{len(page.items)} of {page.total}")


@app.command("retry")
@handle_errors
def retry(
    notification_id: int,
    actor: Annotated[str | None, typer.Option("--actor", help="Who acts (default: you).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Send a dead letter again, at once, with fresh attempts."""
    item = notifications.retry(open_app(), notification_id, actor or getpass.getuser())
    if as_json:
        emit_json(item)
        return
    typer.echo(f"#{item.id} is due again: {item.recipient} by {item.channel}")


@notify.command("test")
@handle_errors
def test(
    address: Annotated[
        str, typer.Argument(help="An email address, an https:// webhook or an apprise URL.")
    ],
    language: Annotated[str, typer.Option(help="en, hu, cs, ru or tr.")] = "en",
) -> None:
    """Send a test message now, through the same transports the worker uses."""
    from escalon.notify.render import render

    settings = Settings()
    channel = "email" if "://" not in address else "webhook"
    if channel == "email" and "@" not in address:
        fail(f"address: {address!r} is neither an email address nor a URL")
    text = render(
        "test", {"ref": "TEST", "title": "escalon test", "priority": "P4"}, language=language
    )
    target = Address(channel, address, address, language, "UTC")
    transports = Transports(settings.smtp_url, settings.mail_from)
    try:
        result = transports.send(
            Message(
                key=f"test-{uuid.uuid4().hex}", address=target, subject=text.subject, body=text.body
            )
        )
    finally:
        transports.close()
    if not result.ok:
        fail(f"not delivered to {address}: {result.detail}")
    typer.echo(f"delivered to {address}")
