"""`escalon demo`: a scripted day on a throwaway sandbox, printed as it happens."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import select

from escalon.cli import demo_stories
from escalon.cli.common import handle_errors
from escalon.schemas.cases import CaseCreate, CaseRead, CommentCreate, StatusChange
from escalon.services import accounts, cases, policies, tokens
from escalon.services.context import App
from escalon.services.sandbox import init_database
from escalon.services.timers import advance
from escalon.store.engine import make_engine
from escalon.store.models import Case, Event, User

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "escalon.yaml"
LOCAL = ZoneInfo("Europe/Budapest")
START = datetime(2026, 11, 23, 8, 0, tzinfo=LOCAL)  # a Monday, an hour before the office opens

DEMO_CASES = (
    CaseCreate(
        title="Card payments failing for Duna Bank",
        impact=2,
        urgency=2,
        customer="duna-bank",
        services=["payments-gateway"],
        category="payments",
        team="frontline-bud",
        assignee="anna",
    ),
    CaseCreate(
        title="Customer portal login takes a minute",
        impact=3,
        urgency=3,
        customer="bosphorus-textiles",
        services=["customer-portal"],
        category="portal",
        team="frontline-bud",
        assignee="bence",
    ),
    CaseCreate(
        title="Invoices missing VAT line",
        impact=3,
        urgency=3,
        customer="vltava-logistics",
        category="billing",
        team="frontline-bud",
        assignee="anna",
    ),
)


def _local(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%a %H:%M")


def _say(at: datetime, text: str) -> None:
    typer.echo(f"[{_local(at)}] {text}")


def _describe(case: CaseRead, at: datetime) -> None:
    _say(at, f"{case.ref} created: {case.title!r} → {case.priority}")
    for step in case.priority_explanation:
        typer.echo(f"           · {step}")
    typer.echo(f"           SLA policy {case.sla_policy!r}:")
    for clock in case.clocks:
        hours = clock.target_seconds / 3600
        due = _local(clock.due_at) if clock.due_at else "paused"
        typer.echo(f"             {clock.metric:<15} {hours:g}h on {clock.calendar:<16} due {due}")


def _report_events(app: App, seen: int) -> int:
    """Print what the rules did since `seen` (breaches, escalations, moves), in order."""
    with app.reading() as session:
        rows = session.execute(
            select(Event, Case.ref)
            .join(Case, Case.id == Event.case_id)
            .where(Event.id > seen)
            .order_by(Event.id)
        ).all()
    for event, ref in rows:
        line = demo_stories.describe(event, ref or "")
        if line is not None:
            _say(event.at, line)
    return rows[-1][0].id if rows else seen


# Web sign-ins for the example's people: an agent, her team lead, the IT director, Olga.
DEMO_USERS = (
    ("anna", "agent", "Anna Kovács", None),
    ("csilla", "manager", "Csilla Nagy", None),
    ("gabor", "admin", "Gábor Kiss", None),
    ("olga", "agent", "Olga Ivanova", "ru"),
)


@dataclass(frozen=True)
class Seeded:
    token: str  # an admin API token
    password: str | None  # the demo users' password, when this seed created them
    users: tuple[str, ...]


def seed(app: App) -> Seeded:
    """Load the example organisation, and into an empty database a few cases and the demo
    users (one fresh random password for all of them, printed once)."""
    policies.apply_policy(app, EXAMPLE.read_text(encoding="utf-8"), "demo", str(EXAMPLE))
    with app.reading() as session:
        empty = session.scalar(select(Case.id).limit(1)) is None
        known = set(session.scalars(select(User.name)))
    if empty:
        for data in DEMO_CASES:
            cases.create_case(app, data, "demo")
    password = secrets.token_urlsafe(12)
    made = []
    for name, role, display, language in DEMO_USERS:
        if name not in known:
            accounts.create_user(
                app, name, password, role, display_name=display, language=language, actor="demo"
            )
            made.append(name)
    token = tokens.create_token(app, "demo-admin", "admin", actor="demo")
    return Seeded(token, password if made else None, tuple(made))


def _script(refs: list[str]) -> list[tuple[timedelta, str, Callable[[App], object] | None]]:
    p1, missed, kept = refs

    def reply(ref: str, text: str) -> Callable[[App], object]:
        return lambda app: cases.add_comment(
            app, ref, CommentCreate(kind="reply", body=text), "anna"
        )

    def update(ref: str, text: str) -> Callable[[App], object]:
        return lambda app: cases.add_comment(
            app, ref, CommentCreate(kind="update", body=text), "anna"
        )

    return [
        (
            timedelta(minutes=10),
            f"Anna answers {p1} (first response kept)",
            reply(p1, "We see failing card authorisations and are on it."),
        ),
        (
            timedelta(minutes=55),
            f"Anna posts a stakeholder update on {p1}",
            update(p1, "Root cause found in the gateway's TLS certificate; renewing."),
        ),
        (
            timedelta(hours=1, minutes=40),
            f"{p1} is resolved",
            lambda app: cases.change_status(
                app, p1, StatusChange(status="resolved", reason="certificate renewed"), "anna"
            ),
        ),
        (
            timedelta(hours=3),
            f"Anna answers {kept} three business hours in (6h promise kept)",
            reply(kept, "Thank you, we are checking the VAT template of your invoices."),
        ),
        (timedelta(hours=10), f"{missed}: nobody answered within 6 business hours", None),
    ]


def _play(
    app: App,
    start: datetime,
    steps: Sequence[tuple[timedelta, str, Callable[[App], object] | None]],
    seen: int,
) -> int:
    """Move the virtual clock to each step, printing what fires on the way, then act."""
    for offset, text, action in steps:
        target = start.astimezone(UTC) + offset
        while app.clock.now() < target:
            advance(app, min(timedelta(minutes=15), target - app.clock.now()))
            seen = _report_events(app, seen)
        result = action(app) if action is not None else None
        _say(app.clock.now(), text + (f": {result}" if isinstance(result, str) else ""))
        seen = _report_events(app, seen)
    return seen


@handle_errors
def demo() -> None:
    """Run a scripted day on a throwaway sandbox and print what happens as it happens."""
    with tempfile.TemporaryDirectory(prefix="escalon-demo-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/demo.db")
        init_database(engine, sandbox=True, start=START.astimezone(UTC))
        app = App.from_engine(engine)
        policies.apply_policy(app, EXAMPLE.read_text(encoding="utf-8"), "demo", str(EXAMPLE))
        typer.echo("escalon demo: the example organisation on a sandbox with a virtual clock.")
        typer.echo("Budapest office hours: Mon–Fri 09:00–12:00 and 13:00–17:00.\n")
        refs = []
        for data in DEMO_CASES:
            case = cases.create_case(app, data, "demo")
            _describe(case, app.clock.now())
            refs.append(case.ref)
        typer.echo("")
        seen = _report_events(app, 0)
        seen = _play(app, START, _script(refs), seen)
        typer.echo("\nTuesday: escalations.\n")
        seen = _play(app, demo_stories.TUESDAY, demo_stories.script(), seen)
        typer.echo("")
        for ref in refs:
            case = cases.get_case(app, ref)
            states = ", ".join(f"{c.metric} {c.status}" for c in case.clocks)
            typer.echo(f"{ref} {case.priority} {case.status:<9} {states}")
        engine.dispose()
