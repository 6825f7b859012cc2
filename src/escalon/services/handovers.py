"""Handover: the owner offers, the receiver accepts, and only then does ownership move.

No reassignment happens behind the current owner's back, and nobody is handed work they
did not accept.
"""

from __future__ import annotations

from sqlalchemy import select

from escalon.core.errors import Forbidden, InvalidTransition, InvalidValue, NotFound
from escalon.core.paths import TargetRef
from escalon.schemas.escalations import HandoverOffer, HandoverRead
from escalon.services import escalating
from escalon.services.context import App
from escalon.services.editing import Edit, case_ref_of, editing
from escalon.services.escalation_views import read_handover
from escalon.store.models import Case, Handover

OFFERED = "offered"


def offer(app: App, ref: str, data: HandoverOffer, actor: str) -> HandoverRead:
    with editing(app, ref, actor) as edit:
        case = edit.row
        if case.assignee and actor != case.assignee:
            raise Forbidden(
                f"only {case.assignee}, who owns {case.ref}, may offer it to someone else",
                "actor",
            )
        _check_receiver(edit, data)
        pending = edit.session.scalar(
            select(Handover.id).where(Handover.case_id == case.id, Handover.state == OFFERED)
        )
        if pending is not None:
            raise InvalidTransition(
                f"handover {pending} of {case.ref} is still waiting for an answer", "handover"
            )
        if data.escalation is not None:
            escalating.get_row(edit, data.escalation)
        row = Handover(
            case_id=case.id,
            escalation_id=data.escalation,
            from_person=case.assignee,
            from_team=case.team,
            to_person=data.to_person,
            to_team=data.to_team,
            note=data.note,
            state=OFFERED,
            offered_by=actor,
            offered_at=edit.now,
        )
        edit.session.add(row)
        edit.session.flush()
        edit.note(
            "handover_offered",
            {"handover": row.id, "to_person": data.to_person, "to_team": data.to_team},
        )
        to = escalating.recipients(edit, None, _receiver_refs(row))
        escalating.notify(edit, "handover_offered", to, ("email",), None, {"handover": row.id})
        return read_handover(row, case.ref or "")


def _check_receiver(edit: Edit, data: HandoverOffer) -> None:
    policy = edit.policy
    if data.to_person and policy.people and data.to_person not in policy.people:
        raise InvalidValue(f"unknown person {data.to_person!r}", "to_person")
    if data.to_team and policy.teams and data.to_team not in policy.teams:
        raise InvalidValue(f"unknown team {data.to_team!r}", "to_team")
    if data.to_person and data.to_person == edit.row.assignee:
        raise InvalidValue(f"{data.to_person} already owns {edit.row.ref}", "to_person")


def _receiver_refs(row: Handover) -> tuple[TargetRef, ...]:
    if row.to_person:
        return (TargetRef(person=row.to_person),)
    return (TargetRef(team=row.to_team),)


def _may_answer(edit: Edit, row: Handover, actor: str) -> None:
    """The named person answers; for a team, any of its members (or its manager)."""
    if row.to_person:
        if actor != row.to_person:
            raise Forbidden(f"only {row.to_person} may answer this handover", "actor")
        return
    team = edit.policy.teams.get(row.to_team or "")
    allowed = set(team.members) | ({team.manager} if team.manager else set()) if team else set()
    if team is not None and actor not in allowed:
        raise Forbidden(f"only a member of {row.to_team} may answer this handover", "actor")


def _decide(
    app: App, handover_id: int, actor: str, accept: bool, reason: str | None
) -> HandoverRead:
    ref = case_ref_of(app, Handover, handover_id)
    with editing(app, ref, actor) as edit:
        row = edit.session.get(Handover, handover_id)
        assert row is not None
        if row.state != OFFERED:
            raise InvalidTransition(f"handover {handover_id} is already {row.state}", "handover")
        _may_answer(edit, row, actor)
        row.state = "accepted" if accept else "declined"
        row.decided_by, row.decided_at, row.decline_reason = actor, edit.now, reason
        if accept:
            old = {"team": edit.row.team, "assignee": edit.row.assignee}
            edit.row.assignee = row.to_person if row.to_person else actor
            edit.row.team = row.to_team or edit.row.team
            edit.note(
                "handover_accepted",
                {
                    "handover": row.id,
                    "from": old,
                    "to": {"team": edit.row.team, "assignee": edit.row.assignee},
                },
            )
        else:
            edit.note("handover_declined", {"handover": row.id, "reason": reason})
        return read_handover(row, ref)


def accept(app: App, handover_id: int, actor: str) -> HandoverRead:
    return _decide(app, handover_id, actor, True, None)


def decline(app: App, handover_id: int, reason: str, actor: str) -> HandoverRead:
    return _decide(app, handover_id, actor, False, reason)


def list_for_case(app: App, ref: str) -> list[HandoverRead]:
    with app.reading() as session:
        case = session.scalar(select(Case).where(Case.ref == ref.upper()))
        if case is None:
            raise NotFound(f"case {ref} does not exist", "ref")
        rows = session.scalars(
            select(Handover).where(Handover.case_id == case.id).order_by(Handover.id)
        )
        return [read_handover(row, case.ref or "") for row in rows]
