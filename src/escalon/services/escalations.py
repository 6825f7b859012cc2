"""Escalation use cases: raise, reason, approve, acknowledge, plan, resolve, reject, list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from escalon.core import escalation as rules
from escalon.core.errors import NotFound
from escalon.core.escalation import Action, Handoff, PlanItem, Reason, State, Type
from escalon.schemas.escalations import (
    EscalationCreate,
    EscalationFilter,
    EscalationPage,
    EscalationRead,
    HandoffIn,
    PlanDecision,
    PlanProposal,
    ReasonIn,
    Resolution,
)
from escalon.services import escalating
from escalon.services.context import App
from escalon.services.editing import Edit, case_ref_of, edit_of, editing, find_case
from escalon.services.escalation_views import read_escalation
from escalon.store import outbox
from escalon.store.models import Case, EscalationRow


def _reason(data: ReasonIn | None) -> Reason | None:
    if data is None:
        return None
    return rules.check_reason(data.category, data.text, data.deadline, data.consequence)


def _handoff(data: HandoffIn) -> Handoff:
    return Handoff(**data.model_dump())


def _view(edit: Edit, row: EscalationRow) -> EscalationRead:
    step = escalating.next_step(edit, row)
    return read_escalation(row, edit.row.ref or "", escalating.path_of(edit, row), step)


def raise_escalation(app: App, ref: str, data: EscalationCreate, actor: str) -> EscalationRead:
    """Anyone with access to the case may escalate; a non-reason is refused, none is asked for."""
    with editing(app, ref, actor) as edit:
        reason = _reason(data.reason)
        row = escalating.raise_escalation(
            edit,
            Type(data.type),
            actor,
            reason,
            _handoff(data.handoff),
            level=data.level,
            team=data.team,
        )
        return _view(edit, row)


@contextmanager
def _escalation(app: App, escalation_id: int, actor: str) -> Iterator[tuple[Edit, EscalationRow]]:
    """Lock the escalation's case, then work on the escalation within that one transaction."""
    with editing(app, case_ref_of(app, EscalationRow, escalation_id), actor) as edit:
        row = escalating.get_row(edit, escalation_id)
        yield edit, row
        row.updated_at = edit.now
        escalating.schedule(edit, row)


def _core(row: EscalationRow) -> rules.Escalation:
    return rules.Escalation(
        type=Type(row.type),
        state=State(row.state),
        initiator=row.initiator,
        raised_at=row.raised_at,
        level=row.level,
    )


def supply_reason(app: App, escalation_id: int, data: ReasonIn, actor: str) -> EscalationRead:
    with _escalation(app, escalation_id, actor) as (edit, row):
        reason = rules.check_reason(data.category, data.text, data.deadline, data.consequence)
        row.state = rules.next_state(State(row.state), Action.SUPPLY_REASON).value
        path = escalating.path_of(edit, row)
        if rules.needs_approval(Type(row.type), edit.row.priority, bool(path and path.approval)):
            row.state = rules.next_state(State(row.state), Action.REQUEST_APPROVAL).value
        row.reason = escalating.reason_json(reason)
        row.level_entered_at = edit.now
        edit.note("escalation_reason_supplied", {"escalation": row.id, "reason": row.reason})
        if row.state == State.REQUESTED:
            escalating.reach_level(edit, row)
        return _view(edit, row)


def approve(app: App, escalation_id: int, actor: str) -> EscalationRead:
    with _escalation(app, escalation_id, actor) as (edit, row):
        row.state = rules.next_state(State(row.state), Action.APPROVE).value
        row.approved_by = actor
        row.level_entered_at = edit.now
        edit.note("escalation_approved", {"escalation": row.id})
        escalating.reach_level(edit, row)
        return _view(edit, row)


def reject(app: App, escalation_id: int, reason: str, actor: str) -> EscalationRead:
    """Close an escalation that is not justified; a negative decision is recorded too."""
    with _escalation(app, escalation_id, actor) as (edit, row):
        row.state = rules.next_state(State(row.state), Action.REJECT).value
        row.resolution_note = reason
        row.ended_at = edit.now
        edit.note("escalation_rejected", {"escalation": row.id, "reason": reason})
        return _view(edit, row)


def acknowledge(app: App, escalation_id: int, rating: int | None, actor: str) -> EscalationRead:
    """Acknowledging stops the escalation's reminders and level moves at once."""
    with _escalation(app, escalation_id, actor) as (edit, row):
        done = rules.acknowledge(_core(row), actor, edit.now, rating)
        row.state = done.state.value
        row.acknowledged_by, row.acknowledged_at = actor, edit.now
        row.handoff_rating = rating
        withdrawn = outbox.cancel(edit.session, row.case_id, row.id)
        edit.note(
            "escalation_acknowledged",
            {
                "escalation": row.id,
                "level": row.level,
                "handoff_rating": rating,
                "messages_withdrawn": withdrawn,
            },
        )
        return _view(edit, row)


def propose_plan(app: App, escalation_id: int, data: PlanProposal, actor: str) -> EscalationRead:
    with _escalation(app, escalation_id, actor) as (edit, row):
        items = [PlanItem(i.step, i.owner, i.due) for i in data.items]
        done = rules.propose_plan(_core(row), items)
        row.state = done.state.value
        row.plan = [
            {"step": i.step, "owner": i.owner, "due": i.due.isoformat(), "by": actor} for i in items
        ]
        edit.note("escalation_plan_proposed", {"escalation": row.id, "plan": row.plan})
        return _view(edit, row)


def decide_plan(
    app: App, escalation_id: int, accept: bool, data: PlanDecision, actor: str
) -> EscalationRead:
    """Only the initiator accepts or rejects; a rejected plan may be escalated further."""
    with _escalation(app, escalation_id, actor) as (edit, row):
        done = rules.decide_plan(_core(row), actor, accept)
        row.state = done.state.value
        kind = "escalation_plan_accepted" if accept else "escalation_plan_rejected"
        edit.note(kind, {"escalation": row.id, "comment": data.comment})
        return _view(edit, row)


def resolve(app: App, escalation_id: int, data: Resolution, actor: str) -> EscalationRead:
    """De-escalate with the outcome; "no change, continue" is an outcome too."""
    with _escalation(app, escalation_id, actor) as (edit, row):
        done = rules.resolve(_core(row), data.outcome)
        row.state = done.state.value
        row.outcome = data.outcome
        row.resolution_note = data.note
        row.ended_at = edit.now
        edit.note(
            "escalation_resolved",
            {"escalation": row.id, "outcome": data.outcome, "note": data.note},
        )
        return _view(edit, row)


def get_escalation(app: App, escalation_id: int) -> EscalationRead:
    with app.reading() as session:
        row = session.get(EscalationRow, escalation_id)
        if row is None:
            raise NotFound(f"escalation {escalation_id} does not exist", "escalation")
        case = session.get(Case, row.case_id)
        assert case is not None
        edit = edit_of(app, session, case, app.clock.now(), "reader")
        return _view(edit, row)


def list_escalations(app: App, flt: EscalationFilter) -> EscalationPage:
    query = select(EscalationRow, Case.ref).join(Case, Case.id == EscalationRow.case_id)
    if flt.state == "open":
        query = query.where(EscalationRow.state.in_(rules.OPEN))
    elif flt.state:
        query = query.where(EscalationRow.state == flt.state)
    if flt.level is not None:
        query = query.where(EscalationRow.level == flt.level)
    if flt.team:
        query = query.where(EscalationRow.team == flt.team)
    if flt.case:
        query = query.where(Case.ref == flt.case.upper())
        with app.reading() as session:
            find_case(session, flt.case)
    if flt.unacknowledged is not None:
        cond = EscalationRow.state.in_(rules.UNACKNOWLEDGED)
        query = query.where(cond if flt.unacknowledged else ~cond)
    with app.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(
            query.order_by(EscalationRow.raised_at, EscalationRow.id)
            .limit(flt.limit)
            .offset(flt.offset)
        ).all()
        items = [
            read_escalation(row, ref or "", escalating.snapshot_path(app, session, row))
            for row, ref in rows
        ]
    return EscalationPage(items=items, total=total, limit=flt.limit, offset=flt.offset)
