"""Escalations inside a case edit: raise, enter levels, notify, schedule, end.

These run in the caller's transaction on a locked case (`Edit`); the use cases in
`escalations` and the worker in `timers` decide when. Core decides what happens
(`core.escalation`, `core.paths`); this module writes rows, events, outbox entries and timers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalon.core import escalation as esc_rules
from escalon.core import paths
from escalon.core.case import DONE
from escalon.core.delivery import held_until
from escalon.core.errors import InvalidTransition, InvalidValue, NotFound
from escalon.core.escalation import Handoff, Reason, State, Type
from escalon.core.paths import Level, Path, Recipient, Role, Step, StepKind, TargetRef
from escalon.core.routing import Need, route
from escalon.core.sla import Clock
from escalon.services import routing, watchers
from escalon.services.context import App
from escalon.services.editing import SYSTEM, Edit
from escalon.store import appends, batch, ids, outbox
from escalon.store.models import EscalationRow, Handover, Notification

TIMER = "escalation"


def path_of(edit: Edit, row: EscalationRow) -> Path | None:
    return snapshot_path(edit.app, edit.session, row)


def snapshot_path(app: App, session: Session, row: EscalationRow) -> Path | None:
    """The path snapshot the escalation started on: its policy version, not today's."""
    if row.path is None:
        return None
    policy = app.policies.get(session, row.policy_version_id)
    return next((p for p in policy.paths if p.name == row.path), None)


def position(row: EscalationRow) -> paths.Position:
    return paths.Position(row.state, row.level, row.level_entered_at, row.raised_at, row.repeats)


def _default_targets(type: Type, facts: dict[str, Any]) -> tuple[TargetRef, ...]:
    """Without a path: authority is the assignee's manager; anything else, the team's."""
    if type is Type.HIERARCHICAL and facts.get("assignee"):
        return (TargetRef(role=Role.ASSIGNEE_MANAGER),)
    return (TargetRef(role=Role.TEAM_MANAGER),)


def recipients(
    edit: Edit, level: Level | None, targets: Sequence[TargetRef]
) -> tuple[Recipient, ...]:
    chosen = tuple(targets) or (level.targets if level else ())
    probe = Level(name=level.name if level else "", targets=chosen)
    return paths.resolve_targets(probe, edit.facts(), edit.policy.org(), edit.now)


def notify(
    edit: Edit,
    template: str,
    to: Sequence[Recipient],
    channels: Sequence[str],
    escalation: EscalationRow | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Put one message per recipient and channel in the outbox, in this transaction."""
    body = {"ref": edit.row.ref, "title": edit.row.title, "priority": f"P{edit.row.priority}"}
    body |= data or {}
    for recipient in to:
        for channel in channels:
            message = {
                "case_id": edit.row.id,
                "escalation_id": escalation.id if escalation else None,
                "created_at": edit.now,
                "template": template,
                "recipient_kind": recipient.kind,
                "recipient": recipient.key,
                "channel": channel,
                "data": body,
                "state": "pending",
                "key": uuid.uuid4().hex,
                "next_attempt_at": held_until(
                    edit.now, edit.row.priority, edit.policy.delivery.window
                ),
                "attempts": 0,
            }
            appends.queue(edit.session, Notification, message)


def raise_escalation(
    edit: Edit,
    type: Type,
    initiator: str,
    reason: Reason | None,
    handoff: Handoff,
    *,
    trigger: str | None = None,
    level: int | None = None,
    targets: Sequence[TargetRef] = (),
    team: str | None = None,
    channels: Sequence[str] | None = None,
) -> EscalationRow:
    """Open an escalation on the case, notify its level, and schedule its next step."""
    case = edit.row
    if case.status in DONE:
        raise InvalidTransition(
            f"case {case.ref} is {case.status}; reopen it before escalating", "case"
        )
    facts = edit.facts()
    if type is Type.FUNCTIONAL:
        if team is not None and team not in edit.policy.teams:
            raise InvalidValue(f"unknown team {team!r}", "team")
        team = team or edit.policy.route(case.category)
        if team is None or team not in edit.policy.teams:
            raise InvalidValue(
                f"no team to route a {case.category or 'uncategorised'} case to: name a team "
                "or add a functional route",
                "team",
            )
        team, person = _route_functional(edit, team)
        targets = (TargetRef(person=person),) if person else (TargetRef(team=team),)
    # Named targets (a route, a trigger's alert) are reached directly and do not climb the
    # path; a trigger that names a level, and any escalation without targets, follow it.
    path = None
    if not targets or level is not None:
        path = paths.select_path(edit.policy.paths, facts)
    if path is not None and level is not None and level > len(path.levels):
        raise InvalidValue(
            f"path {path.name!r} has {len(path.levels)} levels, not {level}", "level"
        )
    start = paths.start_level(
        path, case.support_level, hierarchical=type is Type.HIERARCHICAL, requested=level
    )
    core = esc_rules.raise_escalation(
        type,
        initiator,
        edit.now,
        reason,
        handoff,
        priority=case.priority,
        path_requires_approval=bool(path and path.approval) and initiator != SYSTEM,
    )
    if not targets and path is None:
        targets = _default_targets(type, facts)
    number = batch.next_escalation_number(edit.session, case.id)
    row = EscalationRow(
        id=ids.next_id(edit.session, EscalationRow),
        case_id=case.id,
        number=number,
        type=type.value,
        state=core.state.value,
        initiator=initiator,
        trigger=trigger,
        raised_at=edit.now,
        reason=reason_json(reason),
        handoff=asdict(handoff),
        policy_version_id=case.policy_version_id,
        path=path.name if path else None,
        level=start,
        level_entered_at=edit.now,
        repeats=0,
        targets=[asdict(t) for t in targets],
        team=team or case.team,
        plan=[],
        updated_at=edit.now,
    )
    edit.session.add(row)
    lvl = path.level(start) if path else None
    to = recipients(edit, lvl, targets)
    edit.note(
        "escalation_raised",
        {
            "escalation": row.id,
            "number": row.number,
            "type": row.type,
            "state": row.state,
            "reason": row.reason,
            "trigger": trigger,
            "path": row.path,
            "level": start,
            "level_name": lvl.name if lvl else None,
            "targets": [r.as_dict() for r in to],
            "handoff_missing": list(handoff.missing()) if type is not Type.AUTOMATIC else [],
        },
        actor=initiator,
    )
    if type is Type.FUNCTIONAL and team is not None:
        _propose_handover(edit, row, initiator, team, targets[0].person)
    if core.state is State.REQUESTED:
        _reach(edit, row, path, to, channels)
    elif core.state is State.REASON_REQUESTED:
        edit.note(
            "escalation_reason_requested",
            {"escalation": row.id, "deadline": _deadline(path, row).isoformat()},
            actor=SYSTEM,
        )
    schedule(edit, row)
    return row


def _route_functional(edit: Edit, team: str) -> tuple[str, str | None]:
    """A team that routes its own work (follow-the-sun, auto-assign) gets the escalation
    at the member routing chooses, in the region working now; any other team as a team."""
    if not routing.routes_itself(edit.policy, team):
        return team, None
    need = Need(edit.row.category, edit.row.language)
    decision = route(edit.policy.org(), team, need, routing.load_of(edit.session), edit.now)
    edit.note("routed", decision.as_dict() | {"for": "functional escalation"}, actor=SYSTEM)
    return decision.team or team, decision.person


def _propose_handover(
    edit: Edit, row: EscalationRow, initiator: str, team: str, person: str | None
) -> None:
    """A functional escalation proposes a handover; only the owner may offer one.

    Raised by the owner (or on an unowned case), the offer to the routed team is made at
    once; anyone else's functional escalation leaves the offer to the owner.
    """
    case = edit.row
    pending = edit.session.scalar(
        select(Handover.id).where(Handover.case_id == case.id, Handover.state == "offered")
    )
    if pending is not None or case.team == team:
        return
    if case.assignee and initiator != case.assignee:
        edit.note("handover_suggested", {"escalation": row.id, "to_team": team}, actor=SYSTEM)
        return
    offer = Handover(
        case_id=case.id,
        escalation_id=row.id,
        from_person=case.assignee,
        from_team=case.team,
        to_person=person,
        to_team=team,
        note=row.handoff.get("summary", ""),
        state="offered",
        offered_by=initiator,
        offered_at=edit.now,
    )
    edit.session.add(offer)
    edit.session.flush()
    edit.note("handover_offered", {"handover": offer.id, "to_team": team, "escalation": row.id})


def _reach(
    edit: Edit,
    row: EscalationRow,
    path: Path | None,
    to: Sequence[Recipient],
    channels: Sequence[str] | None,
    template: str = "escalation_raised",
) -> None:
    """Notify a level's recipients; the case now stands at least at that level."""
    lvl = path.level(row.level) if path else None
    notify(
        edit,
        template,
        watchers.joined(to, edit),
        channels or (lvl.channels if lvl else ("email",)),
        row,
        {"escalation": row.id, "level": row.level, "level_name": lvl.name if lvl else None},
    )
    if path is not None:
        edit.row.support_level = max(edit.row.support_level, row.level)


def refs(row: EscalationRow) -> tuple[TargetRef, ...]:
    """The explicit targets an escalation was raised with (by a trigger or a route)."""
    return tuple(
        TargetRef(
            t.get("team"),
            t.get("person"),
            Role(t["role"]) if t.get("role") else None,
            int(t.get("up") or 1),
            t.get("schedule"),
            t.get("named"),
        )
        for t in row.targets
    )


def reach_level(edit: Edit, row: EscalationRow) -> None:
    """An escalation that was waiting (for a reason, for approval) now reaches its level."""
    path = path_of(edit, row)
    lvl = path.level(row.level) if path else None
    _reach(edit, row, path, recipients(edit, lvl, refs(row)), None)


def _deadline(path: Path | None, row: EscalationRow) -> datetime:
    return row.raised_at + (path.reason_deadline if path else paths.DEFAULT_REASON_DEADLINE)


def reason_json(reason: Reason | None) -> dict[str, Any] | None:
    if reason is None:
        return None
    return {
        "category": reason.category.value,
        "text": reason.text,
        "deadline": reason.deadline.isoformat() if reason.deadline else None,
        "consequence": reason.consequence,
    }


def next_step(edit: Edit, row: EscalationRow, clocks: Sequence[Clock] | None = None) -> Step | None:
    held = clocks if clocks is not None else edit.held_clocks()
    return paths.next_step(path_of(edit, row), position(row), held, edit.facts(), edit.policy.org())


def schedule(edit: Edit, row: EscalationRow, clocks: Sequence[Clock] | None = None) -> None:
    """Replace the escalation's timer with one at its next automatic step, if it has one."""
    subject = str(row.id)
    batch.drop_timers(edit.session, edit.row.id, TIMER, subject)
    step = next_step(edit, row, clocks)
    if step is not None:
        batch.add_timer(edit.session, edit.row.id, TIMER, subject, step.at, edit.now)


def open_rows(edit: Edit) -> list[EscalationRow]:
    query = (
        select(EscalationRow)
        .where(EscalationRow.case_id == edit.row.id, EscalationRow.state.in_(esc_rules.OPEN))
        .order_by(EscalationRow.number)
    )
    return list(edit.session.scalars(query))


def reschedule_open(edit: Edit) -> None:
    """Clocks moved (priority, pause): moves tied to an SLA fraction move with them."""
    clocks = edit.held_clocks()
    for row in open_rows(edit):
        schedule(edit, row, clocks)


def end_all(edit: Edit, why: str) -> None:
    """Resolving a case ends its open escalations, their timers and their unsent messages."""
    outbox.cancel(edit.session, edit.row.id)
    for row in open_rows(edit):
        row.state = State.RESOLVED.value
        row.resolution_note = why
        row.ended_at = row.updated_at = edit.now
        schedule(edit, row)
        edit.note("escalation_ended", {"escalation": row.id, "number": row.number, "why": why})


def fire(edit: Edit, escalation_id: int) -> bool:
    """A timer of this escalation came due: act if its next step is due now, else drop it.

    Acknowledged, resolved or re-planned escalations have no step due, so a stale timer is
    dropped (or moved to the new instant), never acted on. Returns whether it acted.
    """
    row = edit.session.get(EscalationRow, escalation_id)
    if row is None or row.case_id != edit.row.id:
        return False
    clocks = edit.held_clocks()
    step = next_step(edit, row, clocks)
    if step is None or step.at > edit.now:
        schedule(edit, row, clocks)
        return False
    path = path_of(edit, row)
    if step.kind is StepKind.CLOSE_NO_REASON:
        row.state = esc_rules.next_state(State(row.state), esc_rules.Action.CLOSE_NO_REASON).value
        row.ended_at = edit.now
        edit.note("escalation_closed_no_reason", {"escalation": row.id, "why": step.why})
    elif step.kind is StepKind.REPEAT:
        row.repeats += 1
        row.level_entered_at = edit.now
        edit.note(
            "escalation_repeated",
            {"escalation": row.id, "level": row.level, "repeat": row.repeats, "why": step.why},
        )
        lvl = path.level(row.level) if path else None
        _reach(edit, row, path, recipients(edit, lvl, ()), None, "escalation_reminder")
    else:
        old = row.level
        row.level, row.level_entered_at = step.level, edit.now
        lvl = path.level(row.level) if path else None
        to = recipients(edit, lvl, ())
        edit.note(
            "escalation_moved",
            {
                "escalation": row.id,
                "from": old,
                "to": row.level,
                "level_name": lvl.name if lvl else None,
                "why": step.why,
                "skipped": list(step.skipped),
                "waited_for_window": step.waited,
                "targets": [r.as_dict() for r in to],
            },
        )
        _reach(edit, row, path, to, None)
    row.updated_at = edit.now
    schedule(edit, row, clocks)
    return True


def get_row(edit: Edit, escalation_id: int) -> EscalationRow:
    row = edit.session.get(EscalationRow, escalation_id)
    if row is None or row.case_id != edit.row.id:
        raise NotFound(f"escalation {escalation_id} does not exist", "escalation")
    return row
