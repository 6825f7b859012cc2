"""Keeping stakeholders informed: the first notice of a case, and the updates its owner posts.

The case's communication plan (by priority) names the audiences and channels. Each
audience gets the message in its own language when it is delivered; here the outbox rows
are written, in the transaction of the change.
"""

from __future__ import annotations

from typing import Any

from escalon.core.communication import Plan
from escalon.core.paths import Recipient
from escalon.services import escalating, watchers
from escalon.services.editing import Edit


def audiences(edit: Edit, plan: Plan) -> tuple[Recipient, ...]:
    """The plan's people and teams for this case, and the affected customer when it says so."""
    found = list(escalating.recipients(edit, None, plan.audiences)) if plan.audiences else []
    customer = edit.row.customer
    found = _without_members_of_listed_teams(edit, found, plan.channels)
    known = edit.policy.customers.get(customer or "")
    if plan.customer and known is not None and known.contacts:
        found.append(Recipient("customer", known.key, known.name, "customer"))
    return watchers.joined(dict.fromkeys(found), edit)


def _without_members_of_listed_teams(
    edit: Edit, found: list[Recipient], channels: tuple[str, ...]
) -> list[Recipient]:
    """A person the plan reaches through a listed team (as a member) is not told twice."""
    covered: set[str] = set()
    for recipient in found:
        team = edit.policy.teams.get(recipient.key) if recipient.kind == "team" else None
        if team is not None and not any(team.address(c) for c in channels):
            covered |= set(team.members or ((team.manager,) if team.manager else ()))
    return [r for r in found if not (r.kind == "person" and r.key in covered)]


def first_notice(edit: Edit) -> None:
    """A new case whose plan asks for a first notice tells its audiences at once."""
    plan = edit.policy.communication.get(edit.row.priority)
    if plan is None or not plan.first_notice:
        return
    to = audiences(edit, plan)
    data = common(edit, plan) | {"status": edit.row.status, "summary": edit.row.description}
    escalating.notify(edit, "p1_first_notice", to, plan.channels, None, data)
    edit.note("first_notice_sent", {"recipients": [r.as_dict() for r in to]})


def common(edit: Edit, plan: Plan) -> dict[str, Any]:
    due = plan.next_update_at(edit.now)
    return {"customer": edit.row.customer, "next_update_at": due.isoformat() if due else None}
