"""`escalon case …`: the case use cases from the command line."""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Annotated, Any

import typer

from escalon.cli.common import emit_json, handle_errors, open_app
from escalon.schemas.cases import (
    CaseCreate,
    CaseFilter,
    CaseRead,
    CaseUpdate,
    CommentCreate,
    PriorityOverride,
    StatusChange,
    WatcherAdd,
)
from escalon.schemas.communication import StakeholderUpdate
from escalon.services import cases, stakeholder_updates, watchers

app = typer.Typer(help="Record and follow cases.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ActorOpt = Annotated[str | None, typer.Option("--actor", help="Who acts (default: you).")]


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


def _fmt(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "-"


def show(case: CaseRead, as_json: bool) -> None:
    if as_json:
        emit_json(case)
        return
    typer.echo(f"{case.ref}  {case.priority}  {case.status}  {case.title}")
    typer.echo("  priority: " + "; ".join(case.priority_explanation))
    for clock in case.clocks:
        typer.echo(
            f"  {clock.metric:<16} {clock.status:<9} due {_fmt(clock.due_at)}  ({clock.calendar})"
        )


def _deadline(at: datetime | None, consequence: str | None) -> dict[str, Any] | None:
    if at is None and consequence is None:
        return None
    return {"at": at, "consequence": consequence}


@app.command("create")
@handle_errors
def create(
    title: Annotated[str, typer.Option(help="Short summary.")],
    impact: Annotated[int, typer.Option(help="1 widespread … 4 minor.")],
    urgency: Annotated[int, typer.Option(help="1 critical … 4 low.")],
    kind: Annotated[str, typer.Option()] = "incident",
    audience: Annotated[str, typer.Option()] = "external",
    description: Annotated[str, typer.Option()] = "",
    category: Annotated[str | None, typer.Option()] = None,
    customer: Annotated[str | None, typer.Option()] = None,
    service: Annotated[list[str] | None, typer.Option(help="Affected service (repeat).")] = None,
    risk: Annotated[list[str] | None, typer.Option(help="Risk flag (repeat).")] = None,
    team: Annotated[str | None, typer.Option()] = None,
    assignee: Annotated[str | None, typer.Option()] = None,
    deadline: Annotated[
        datetime | None, typer.Option(help="Hard deadline (ISO, with zone).")
    ] = None,
    consequence: Annotated[str | None, typer.Option(help="What a missed deadline costs.")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a case; its priority and SLA clocks are derived at once."""
    data = CaseCreate.model_validate(
        {
            "title": title,
            "impact": impact,
            "urgency": urgency,
            "kind": kind,
            "audience": audience,
            "description": description,
            "category": category,
            "customer": customer,
            "services": service or [],
            "risk_flags": risk or [],
            "team": team,
            "assignee": assignee,
            "deadline": _deadline(deadline, consequence),
        }
    )
    show(cases.create_case(open_app(), data, _actor(actor)), as_json)


@app.command("list")
@handle_errors
def list_(
    status: Annotated[str | None, typer.Option()] = None,
    priority: Annotated[str | None, typer.Option()] = None,
    team: Annotated[str | None, typer.Option()] = None,
    customer: Annotated[str | None, typer.Option()] = None,
    breached: Annotated[bool | None, typer.Option("--breached/--not-breached")] = None,
    limit: Annotated[int, typer.Option()] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List cases, most urgent first."""
    flt = CaseFilter.model_validate(
        {
            "status": status,
            "priority": priority,
            "team": team,
            "customer": customer,
            "breached": breached,
            "limit": limit,
        }
    )
    page = cases.list_cases(open_app(), flt)
    if as_json:
        emit_json(page)
        return
    for case in page.items:
        flag = " BREACHED" if case.breached else ""
        typer.echo(f"{case.ref:<10} {case.priority}  {case.status:<20} {case.title}{flag}")
    typer.echo(f"{len(page.items)} of {page.total}")


@app.command("show")
@handle_errors
def show_(
    ref: str,
    as_json: JsonOpt = False,
    timeline: Annotated[bool, typer.Option(help="Include the timeline.")] = False,
) -> None:
    """Show a case with its priority explanation and clocks."""
    application = open_app()
    case = cases.get_case(application, ref)
    if as_json and timeline:
        emit_json(
            case.model_dump(mode="json")
            | {"timeline": [e.model_dump(mode="json") for e in cases.timeline(application, ref)]}
        )
        return
    show(case, as_json)
    if timeline:
        for event in cases.timeline(application, ref):
            typer.echo(f"  {_fmt(event.at)}  {event.actor:<12} {event.type}")


@app.command("update")
@handle_errors
def update(
    ref: str,
    title: Annotated[str | None, typer.Option()] = None,
    impact: Annotated[int | None, typer.Option()] = None,
    urgency: Annotated[int | None, typer.Option()] = None,
    category: Annotated[str | None, typer.Option()] = None,
    customer: Annotated[str | None, typer.Option()] = None,
    team: Annotated[str | None, typer.Option()] = None,
    assignee: Annotated[str | None, typer.Option()] = None,
    risk: Annotated[list[str] | None, typer.Option(help="Risk flags (replaces).")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change fields; priority and clocks follow."""
    given = {
        "title": title,
        "impact": impact,
        "urgency": urgency,
        "category": category,
        "customer": customer,
        "team": team,
        "assignee": assignee,
        "risk_flags": risk,
    }
    data = CaseUpdate.model_validate({k: v for k, v in given.items() if v is not None})
    show(cases.update_case(open_app(), ref, data, _actor(actor)), as_json)


@app.command("comment")
@handle_errors
def comment(
    ref: str,
    body: Annotated[str, typer.Argument(help="The text.")],
    kind: Annotated[str, typer.Option(help="reply | note | customer | update")] = "reply",
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a public reply, an internal note, a customer message or a stakeholder update."""
    data = CommentCreate.model_validate({"kind": kind, "body": body})
    show(cases.add_comment(open_app(), ref, data, _actor(actor)), as_json)


@app.command("status")
@handle_errors
def status(
    ref: str,
    new_status: Annotated[str, typer.Argument(metavar="STATUS")],
    reason: Annotated[str | None, typer.Option()] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a case through its lifecycle."""
    data = StatusChange.model_validate({"status": new_status, "reason": reason})
    show(cases.change_status(open_app(), ref, data, _actor(actor)), as_json)


@app.command("override")
@handle_errors
def override(
    ref: str,
    priority: Annotated[str, typer.Argument(help="P1 … P4")],
    reason: Annotated[str, typer.Option(help="Why the derived priority is wrong.")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Override the derived priority, with a written reason."""
    data = PriorityOverride.model_validate({"priority": priority, "reason": reason})
    show(cases.override_priority(open_app(), ref, data, _actor(actor)), as_json)


@app.command("watch")
@handle_errors
def watch(
    ref: str,
    person: str,
    stop: Annotated[bool, typer.Option("--stop", help="Stop watching instead.")] = False,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make PERSON a watcher of the case: told of every escalation and update, owning nothing."""
    data = WatcherAdd.model_validate({"person": person})
    use = watchers.unwatch if stop else watchers.watch
    case = use(open_app(), ref, data.person, _actor(actor))
    if not as_json:
        typer.echo(f"{case.ref} watchers: {', '.join(case.watchers) or 'nobody'}")
        return
    emit_json(case)


@app.command("inform")
@handle_errors
def inform(
    ref: str,
    status: Annotated[str, typer.Option("--status", help="Where things stand.")],
    actions: Annotated[str, typer.Option("--actions", help="What has been done.")] = "",
    next_steps: Annotated[str, typer.Option("--next-steps", help="What happens next.")] = "",
    eta: Annotated[
        datetime | None, typer.Option("--eta", help="Estimated resolution, ISO 8601 with zone.")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who posts (default: you).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Post a stakeholder update: every audience of the case's plan hears, in its language."""
    update = StakeholderUpdate.model_validate(
        {"status": status, "actions": actions, "next_steps": next_steps, "eta": eta}
    )
    sent = stakeholder_updates.post_update(open_app(), ref, update, actor or getpass.getuser())
    if as_json:
        emit_json(sent)
        return
    names = ", ".join(str(r["name"]) for r in sent.recipients) or "nobody (no plan)"
    typer.echo(f"{sent.case}: update sent to {names}")
    if sent.next_update_at:
        typer.echo(f"next update due {sent.next_update_at}")
