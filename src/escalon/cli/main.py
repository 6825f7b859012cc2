"""The `escalon` command: every use case, a one-line error on bad input, `--json` for data."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Annotated

import typer

from escalon.api.server import serve as run_server
from escalon.cli import cases, demo, directory, escalations, notifications, oncall, policy, users
from escalon.cli.common import emit_json, fail, handle_errors, open_app
from escalon.config import Settings
from escalon.core.durations import parse_duration
from escalon.notify.channels import Transports
from escalon.services import journal, tokens
from escalon.services.sandbox import init_database
from escalon.services.timers import advance
from escalon.store.engine import make_engine
from escalon.worker.runner import Worker

app = typer.Typer(
    help="escalon: escalation management.", no_args_is_help=True, pretty_exceptions_enable=False
)
db = typer.Typer(help="Create and upgrade the database.", no_args_is_help=True)
clock = typer.Typer(help="A sandbox's virtual time.", no_args_is_help=True)
token = typer.Typer(help="API tokens.", no_args_is_help=True)
audit = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(db, name="db")
app.add_typer(policy.app, name="policy")
app.add_typer(cases.app, name="case")
cases.app.command("escalate")(escalations.escalate)
cases.app.command("explain")(escalations.explain_case)
app.add_typer(escalations.app, name="escalation")
app.add_typer(escalations.handover, name="handover")
app.add_typer(notifications.app, name="notification")
app.add_typer(notifications.notify, name="notify")
app.add_typer(oncall.app, name="oncall")
directory.register(app)
app.add_typer(clock, name="clock")
app.add_typer(token, name="token")
app.add_typer(users.app, name="user")
app.add_typer(audit, name="audit")
app.command("demo")(demo.demo)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@db.command("init")
@handle_errors
def db_init(
    sandbox: Annotated[bool, typer.Option(help="Keep a virtual clock in this database.")] = False,
    start: Annotated[datetime | None, typer.Option(help="Sandbox start instant (ISO).")] = None,
) -> None:
    """Create the schema (and, for a sandbox, its virtual clock)."""
    if start is not None and start.tzinfo is None:
        fail("start: must include a time zone, e.g. 2026-11-23T08:00:00+01:00")
    settings = Settings()
    init_database(make_engine(settings.database_url), sandbox=sandbox, start=start)
    typer.echo(f"initialised {settings.database_url}" + (" (sandbox)" if sandbox else ""))


@db.command("upgrade")
@handle_errors
def db_upgrade() -> None:
    """Apply pending migrations."""
    settings = Settings()
    init_database(make_engine(settings.database_url))
    typer.echo(f"upgraded {settings.database_url}")


@app.command("serve")
@handle_errors
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    demo_data: Annotated[
        bool, typer.Option("--demo", help="Seed the example organisation.")
    ] = False,
) -> None:
    """Run the API and the worker in one process."""
    logging.basicConfig(level=logging.INFO)
    settings = Settings()
    init_database(make_engine(settings.database_url))
    application = open_app()
    if demo_data:
        seeded = demo.seed(application)
        typer.echo(f"demo data loaded; admin token: {seeded.token}")
        if seeded.password:
            names = ", ".join(seeded.users)
            typer.echo(f"web sign-in as {names} with the password {seeded.password}")
    run_server(
        application,
        host or settings.host,
        port or settings.port,
        settings.worker_max_idle,
        Transports(settings.smtp_url, settings.mail_from),
    )


@app.command("worker")
@handle_errors
def worker(once: Annotated[bool, typer.Option(help="Fire what is due and exit.")] = False) -> None:
    """Fire due timers and deliver due notifications; sleep until the next is due."""
    logging.basicConfig(level=logging.INFO)
    settings = Settings()
    runner = Worker(
        open_app(),
        max_idle=settings.worker_max_idle,
        transports=Transports(settings.smtp_url, settings.mail_from),
    )
    if once:
        typer.echo(f"fired {runner.tick()}")
        return
    stop = threading.Event()
    try:
        runner.run(stop)
    except KeyboardInterrupt:
        stop.set()


@clock.command("advance")
@handle_errors
def clock_advance(duration: str, as_json: JsonOpt = False) -> None:
    """Move a sandbox's time forward, firing every timer due on the way, in order."""
    now, fired = advance(open_app(), parse_duration(duration, "duration"))
    if as_json:
        emit_json({"now": now.isoformat(), "fired": fired})
    else:
        typer.echo(f"now {now:%Y-%m-%d %H:%M:%S} UTC; {fired} timer(s) fired")


@clock.command("show")
@handle_errors
def clock_show(as_json: JsonOpt = False) -> None:
    """Print the current time of this database (virtual in a sandbox)."""
    application = open_app()
    now = application.clock.now()
    if as_json:
        emit_json({"now": now.isoformat(), "virtual": application.clock.virtual})
    else:
        kind = "virtual" if application.clock.virtual else "real"
        typer.echo(f"{now:%Y-%m-%d %H:%M:%S} UTC ({kind})")


@token.command("create")
@handle_errors
def token_create(
    name: Annotated[str, typer.Option(help="Who or what uses the token.")] = "admin",
    role: Annotated[str, typer.Option(help="agent | manager | admin")] = "agent",
    as_json: JsonOpt = False,
) -> None:
    """Create an API token; it is shown once."""
    value = tokens.create_token(open_app(), name, role)
    if as_json:
        emit_json({"name": name, "role": role, "token": value})
    else:
        typer.echo(value)


@audit.command("verify")
@handle_errors
def audit_verify(as_json: JsonOpt = False) -> None:
    """Check the hash chain and name the first broken link."""
    application = open_app()
    with application.reading() as session:
        report = journal.verify(session)
    if as_json:
        emit_json(report.__dict__)
    elif report.ok:
        typer.echo(f"ok: {report.entries} entries, chain intact")
    else:
        typer.echo(f"broken at entry {report.broken_at}: {report.problem}")
    if not report.ok:
        raise typer.Exit(1)
