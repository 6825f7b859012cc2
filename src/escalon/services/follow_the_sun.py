"""Follow-the-sun in the services: a timer at the end of a region's day, and the handoff.

A case held by a regional team of a follow-the-sun team has one `handoff` timer, due when
that region's working stretch ends. Firing it hands the case to the next region working
(when it needs attention; `core.follow_the_sun` says which), routes it to someone there,
records a handoff note on the timeline, tells the new owner, and sets the next timer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from escalon.core import follow_the_sun as sun
from escalon.core.case import DONE
from escalon.core.paths import Recipient
from escalon.core.routing import Need, choose_person
from escalon.core.sla import ClockState
from escalon.services import escalating
from escalon.services.editing import SYSTEM, Edit
from escalon.services.routing import load_of
from escalon.store import batch
from escalon.store.models import EscalationRow, Event

TIMER = "handoff"
_SUBJECT = "region"
_STEP_EVENTS = ("comment", "escalation_acknowledged", "plan_proposed", "status_changed")


def schedule(edit: Edit) -> None:
    """(Re)set the case's hand-off timer at the end of its region's day, or drop it."""
    batch.drop_timers(edit.session, edit.row.id, TIMER)
    org = edit.policy.org()
    region = org.teams.get(edit.row.team or "")
    if region is None or edit.row.status in DONE:
        return
    if sun.group_of(org, region.key) is None:
        return
    due = sun.day_ends(org, region, edit.now)
    if due is not None and due > edit.now:
        batch.add_timer(edit.session, edit.row.id, TIMER, _SUBJECT, due, edit.now)


def fire(edit: Edit) -> None:
    """The region's day has ended: hand the case on if it needs attention, then re-arm."""
    org = edit.policy.org()
    case = edit.row
    group = sun.group_of(org, case.team)
    if group is None or case.team is None:
        return
    open_escalations = escalating.open_rows(edit)
    if sun.needs_attention(case.status, case.priority, len(open_escalations)):
        target = sun.next_region(org, group, case.team, edit.now)
        if target is not None:
            _hand_off(edit, target[0].key, target[1], open_escalations)
    schedule(edit)


def _hand_off(edit: Edit, to_team: str, why: str, open_escalations: list[EscalationRow]) -> None:
    case, org = edit.row, edit.policy.org()
    decision = choose_person(
        org, org.teams[to_team], Need(case.category, case.language), load_of(edit.session), edit.now
    )
    note = sun.handoff_note(
        {"ref": case.ref, "priority": case.priority, "status": case.status, "title": case.title},
        _recent_steps(edit),
        [
            {"number": e.number, "help_needed": e.handoff.get("help_needed")}
            for e in open_escalations
        ],
        _next_due(edit),
    )
    from_team, from_person = case.team, case.assignee
    case.team, case.assignee = to_team, decision.person
    edit.note(
        "handed_off",
        {
            "from_team": from_team,
            "from_assignee": from_person,
            "to_team": to_team,
            "to_assignee": decision.person,
            "why": f"the working day of {from_team} ended; {why}",
            "note": note.as_dict(),
            "routing": decision.as_dict(),
        },
        actor=SYSTEM,
    )
    if decision.person is not None:
        person = org.people[decision.person]
        to = [Recipient("person", person.key, person.name, f"handoff to {to_team}")]
    else:
        team = org.teams[to_team]
        to = [Recipient("team", team.key, team.name, f"handoff to {to_team}")]
    data = {"from_team": from_team, "to_team": to_team} | note.as_dict()
    escalating.notify(edit, "handoff", to, ("email",), data=data)


def _recent_steps(edit: Edit) -> list[str]:
    rows = edit.session.scalars(
        select(Event)
        .where(Event.case_id == edit.row.id, Event.type.in_(_STEP_EVENTS))
        .order_by(Event.id.desc())
        .limit(3)
    )
    return [_step_text(e) for e in reversed(list(rows))]


def _step_text(event: Event) -> str:
    data = event.data
    text = data.get("text") or data.get("to") or data.get("steps") or ""
    return f"{event.at.isoformat(timespec='minutes')} {event.type.replace('_', ' ')}: {text}"


def _next_due(edit: Edit) -> tuple[str, datetime] | None:
    """The running clock due first: what the next region must keep an eye on."""
    due = [
        (c.due_at, c.metric.value)
        for c in edit.held_clocks()
        if c.state is ClockState.RUNNING and c.due_at
    ]
    if not due:
        return None
    at, metric = min(due)
    return metric, at
