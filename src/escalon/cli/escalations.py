"""`escalon case escalate|explain`, `escalon escalation …` and `escalon handover …`.

The commands only translate: options become the same schemas the API validates, so a bad
value fails with the same field name at every edge, on one line.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from escalon.cli.common import emit_json, fail, handle_errors, open_app, validation_message
from escalon.schemas.escalations import (
    Acknowledgement,
    EscalationCreate,
    EscalationFilter,
    EscalationRead,
    HandoverDecline,
    HandoverOffer,
    HandoverRead,
    PlanDecision,
    PlanProposal,
    ReasonIn,
    Rejection,
    Resolution,
)
from escalon.services import escalations, explain, handovers

app = typer.Typer(help="Follow and answer escalations.", no_args_is_help=True)
handover = typer.Typer(
    help="Offer a case to someone else; it moves when they accept.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ActorOpt = Annotated[str | None, typer.Option("--actor", help="Who acts (default: you).")]
CategoryOpt = Annotated[
    str | None,
    typer.Option(
        "--reason-category",
        help="progress_unsatisfactory, new_significant_circumstances, vip_involvement, "
        "deadline_at_risk, sla_breach, security_legal_safety, other",
    ),
]
ReasonOpt = Annotated[
    str | None, typer.Option("--reason", help="Where and how the problem hurts the business.")
]
DeadlineOpt = Annotated[
    str | None, typer.Option("--deadline", help="deadline_at_risk: the date (YYYY-MM-DD).")
]
ConsequenceOpt = Annotated[
    str | None, typer.Option("--consequence", help="deadline_at_risk: what a miss costs.")
]
# Bounded like the API's path ids: a huge number is a usage error, not a database overflow.
IdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=2**31 - 1)]
CommentOpt = Annotated[str | None, typer.Option("--comment", help="Why, for the initiator.")]


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


def _fmt(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "-"


def _reason(
    category: str | None, text: str | None, deadline: str | None, consequence: str | None
) -> dict[str, Any] | None:
    """No reason options at all means none was given: the escalation then asks for one."""
    given = {"category": category, "text": text, "deadline": deadline, "consequence": consequence}
    return given if any(v is not None for v in given.values()) else None


def _line(esc: EscalationRead) -> str:
    level = f"L{esc.level}" + (f" {esc.level_name}" if esc.level_name else "")
    return (
        f"#{esc.id:<5} {esc.case}/{esc.number}  {esc.type:<12} {esc.state:<16} {level}"
        f"  team {esc.team or '-'}  by {esc.initiator}"
    )


def show(esc: EscalationRead, as_json: bool) -> None:
    if as_json:
        emit_json(esc)
        return
    typer.echo(_line(esc))
    if esc.reason:
        typer.echo(f"  reason: {esc.reason['category']}: {esc.reason['text']}")
    if esc.handoff_missing:
        typer.echo("  handoff missing: " + ", ".join(esc.handoff_missing))
    if esc.acknowledged_by:
        rating = f" (handoff rated {esc.handoff_rating})" if esc.handoff_rating else ""
        typer.echo(
            f"  acknowledged by {esc.acknowledged_by} at {_fmt(esc.acknowledged_at)}{rating}"
        )
    for item in esc.plan:
        typer.echo(f"  plan: {item['step']} — {item['owner']}, due {item['due']}")
    if esc.outcome or esc.resolution_note:
        typer.echo(f"  outcome: {esc.outcome or '-'}  {esc.resolution_note or ''}".rstrip())
    if esc.next_step:
        step = esc.next_step
        typer.echo(f"  next: {step.kind} at {_fmt(step.at)} ({step.why})")


def show_handover(item: HandoverRead, as_json: bool) -> None:
    if as_json:
        emit_json(item)
        return
    to = item.to_person or f"team {item.to_team}"
    by = f" by {item.decided_by}" if item.decided_by else ""
    typer.echo(
        f"handover {item.id}  {item.case}  {item.from_person or '-'} → {to}  {item.state}{by}"
    )
    if item.decline_reason:
        typer.echo(f"  declined: {item.decline_reason}")


# `escalon case escalate` and `escalon case explain` (registered on the case group in main).


@handle_errors
def escalate(
    ref: str,
    type: Annotated[str, typer.Option("--type", help="hierarchical (authority) | functional")],
    reason_category: CategoryOpt = None,
    reason: ReasonOpt = None,
    deadline: DeadlineOpt = None,
    consequence: ConsequenceOpt = None,
    summary: Annotated[str, typer.Option(help="Handoff: what is going on.")] = "",
    steps_taken: Annotated[str, typer.Option(help="Handoff: what was tried.")] = "",
    impact: Annotated[str, typer.Option(help="Handoff: who is hurt and how.")] = "",
    customer: Annotated[str, typer.Option(help="Handoff: the customer.")] = "",
    time_constraints: Annotated[str, typer.Option(help="Handoff: deadlines.")] = "",
    help_needed: Annotated[str, typer.Option(help="Handoff: the help asked for.")] = "",
    team: Annotated[str | None, typer.Option(help="functional: the team to route to.")] = None,
    level: Annotated[int | None, typer.Option(help="Start at this level of the path.")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Escalate a case; without a reason it waits for one, then closes."""
    data = EscalationCreate.model_validate(
        {
            "type": type,
            "reason": _reason(reason_category, reason, deadline, consequence),
            "handoff": {
                "summary": summary,
                "steps_taken": steps_taken,
                "impact": impact,
                "customer": customer,
                "time_constraints": time_constraints,
                "help_needed": help_needed,
            },
            "team": team,
            "level": level,
        }
    )
    show(escalations.raise_escalation(open_app(), ref, data, _actor(actor)), as_json)


@handle_errors
def explain_case(ref: str, as_json: JsonOpt = False) -> None:
    """Say which path and level govern a case and why, and what happens next and when."""
    explanation = explain.explain_case(open_app(), ref)
    if as_json:
        emit_json(explanation)
        return
    for line in explanation.lines:
        typer.echo(line)


# `escalon escalation …`


@app.command("list")
@handle_errors
def list_(
    state: Annotated[str | None, typer.Option(help="A state, or 'open'.")] = None,
    level: Annotated[int | None, typer.Option()] = None,
    team: Annotated[str | None, typer.Option()] = None,
    case: Annotated[str | None, typer.Option(help="A case ref.")] = None,
    unacknowledged: Annotated[
        bool | None, typer.Option("--unacknowledged/--acknowledged", help="Waiting for a reply.")
    ] = None,
    limit: Annotated[int, typer.Option()] = 50,
    offset: Annotated[int, typer.Option()] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List escalations, oldest first."""
    flt = EscalationFilter.model_validate(
        {
            "state": state,
            "level": level,
            "team": team,
            "case": case,
            "unacknowledged": unacknowledged,
            "limit": limit,
            "offset": offset,
        }
    )
    page = escalations.list_escalations(open_app(), flt)
    if as_json:
        emit_json(page)
        return
    for esc in page.items:
        typer.echo(_line(esc))
    typer.echo(f"{len(page.items)} of {page.total}")


@app.command("show")
@handle_errors
def show_(escalation_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show an escalation: reason, handoff gaps, plan, outcome and its next automatic step."""
    show(escalations.get_escalation(open_app(), escalation_id), as_json)


@app.command("reason")
@handle_errors
def supply_reason(
    escalation_id: IdArg,
    reason_category: CategoryOpt = None,
    reason: ReasonOpt = None,
    deadline: DeadlineOpt = None,
    consequence: ConsequenceOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give the business reason an escalation is waiting for."""
    data = ReasonIn.model_validate(_reason(reason_category, reason, deadline, consequence) or {})
    show(escalations.supply_reason(open_app(), escalation_id, data, _actor(actor)), as_json)


@app.command("approve")
@handle_errors
def approve(
    escalation_id: IdArg,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Let a non-urgent hierarchical escalation through to management."""
    show(escalations.approve(open_app(), escalation_id, _actor(actor)), as_json)


@app.command("reject")
@handle_errors
def reject(
    escalation_id: IdArg,
    reason: Annotated[str, typer.Option(help="Why the escalation is not justified.")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close an escalation as not justified; the decision is recorded."""
    data = Rejection.model_validate({"reason": reason})
    show(escalations.reject(open_app(), escalation_id, data.reason, _actor(actor)), as_json)


@app.command("ack")
@handle_errors
def acknowledge(
    escalation_id: IdArg,
    rating: Annotated[int | None, typer.Option(help="Handoff quality, 1-5.")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Acknowledge an escalation; it stops moving up its path."""
    data = Acknowledgement.model_validate({"rating": rating})
    show(escalations.acknowledge(open_app(), escalation_id, data.rating, _actor(actor)), as_json)


def _step(text: str, index: int) -> dict[str, str]:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) != 3:
        fail(
            f"step[{index}]: write 'what|owner|due', e.g. 'Roll back|bence|2026-11-24T12:00+01:00'"
        )
    return {"step": parts[0], "owner": parts[1], "due": parts[2]}


@app.command("plan")
@handle_errors
def propose_plan(
    escalation_id: IdArg,
    step: Annotated[list[str], typer.Option(help="'what|owner|due (ISO, with zone)' (repeat).")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer an acknowledged escalation with an action plan."""
    try:
        data = PlanProposal.model_validate({"items": [_step(s, i) for i, s in enumerate(step)]})
    except ValidationError as exc:
        # The API calls them `items`; here they are the `--step` options, counted from 0.
        fail(validation_message(exc).replace("items", "step", 1))
    show(escalations.propose_plan(open_app(), escalation_id, data, _actor(actor)), as_json)


def _decide(
    escalation_id: int, accept: bool, comment: str | None, actor: str | None
) -> EscalationRead:
    data = PlanDecision.model_validate({"comment": comment})
    return escalations.decide_plan(open_app(), escalation_id, accept, data, _actor(actor))


@app.command("accept")
@handle_errors
def accept_plan(
    escalation_id: IdArg,
    comment: CommentOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Accept the plan (only the escalation's initiator may)."""
    show(_decide(escalation_id, True, comment, actor), as_json)


@app.command("reject-plan")
@handle_errors
def reject_plan(
    escalation_id: IdArg,
    comment: CommentOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reject the plan (only the initiator may); a new plan is awaited."""
    show(_decide(escalation_id, False, comment, actor), as_json)


@app.command("resolve")
@handle_errors
def resolve(
    escalation_id: IdArg,
    outcome: Annotated[
        str,
        typer.Option(
            help="priority_raised, priority_lowered, expertise_added, resources_added, "
            "handover, deadline_renegotiated, no_change"
        ),
    ],
    note: Annotated[str | None, typer.Option()] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """De-escalate with the outcome; "no change, continue" is an outcome too."""
    data = Resolution.model_validate({"outcome": outcome, "note": note})
    show(escalations.resolve(open_app(), escalation_id, data, _actor(actor)), as_json)


# `escalon handover …`


@handover.command("offer")
@handle_errors
def offer(
    ref: str,
    to_person: Annotated[str | None, typer.Option(help="Hand over to this person.")] = None,
    to_team: Annotated[str | None, typer.Option(help="Or to this team.")] = None,
    note: Annotated[str, typer.Option()] = "",
    escalation: Annotated[int | None, typer.Option(help="The escalation it answers.")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Offer your case to someone; it stays yours until they accept."""
    data = HandoverOffer.model_validate(
        {"to_person": to_person, "to_team": to_team, "note": note, "escalation": escalation}
    )
    show_handover(handovers.offer(open_app(), ref, data, _actor(actor)), as_json)


@handover.command("list")
@handle_errors
def list_handovers(ref: str, as_json: JsonOpt = False) -> None:
    """List a case's handovers, oldest first."""
    items = handovers.list_for_case(open_app(), ref)
    if as_json:
        emit_json(items)
        return
    for item in items:
        show_handover(item, False)


@handover.command("accept")
@handle_errors
def accept_handover(
    handover_id: IdArg,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Accept a handover offered to you or your team; the case becomes yours."""
    show_handover(handovers.accept(open_app(), handover_id, _actor(actor)), as_json)


@handover.command("decline")
@handle_errors
def decline_handover(
    handover_id: IdArg,
    reason: Annotated[str, typer.Option(help="Why you cannot take it.")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Decline a handover; the case stays with its owner."""
    data = HandoverDecline.model_validate({"reason": reason})
    show_handover(handovers.decline(open_app(), handover_id, data.reason, _actor(actor)), as_json)
