"""Posting a stakeholder update: the owner's promised word, to every audience of the plan."""

from __future__ import annotations

from escalon.core.communication import Plan
from escalon.schemas.cases import CommentCreate
from escalon.schemas.communication import StakeholderUpdate, StakeholderUpdateRead
from escalon.services import cases, communication, escalating
from escalon.services.context import App
from escalon.services.editing import editing


def post_update(app: App, ref: str, update: StakeholderUpdate, actor: str) -> StakeholderUpdateRead:
    """An update counts as the promised word for the update clock and reaches every audience."""
    with editing(app, ref, actor) as edit:
        cases.comment(edit, CommentCreate(kind="update", body=_text(update)))
        plan = edit.policy.communication.get(edit.row.priority) or Plan(edit.row.priority)
        to = communication.audiences(edit, plan)
        data = communication.common(edit, plan) | {
            "status": update.status,
            "actions": update.actions,
            "next_steps": update.next_steps,
            "eta": update.eta.isoformat() if update.eta else None,
            "author": actor,
        }
        escalating.notify(edit, "stakeholder_update", to, plan.channels, None, data)
        edit.note(
            "stakeholder_update",
            {k: data[k] for k in ("status", "actions", "next_steps", "eta", "next_update_at")}
            | {"recipients": [r.as_dict() for r in to]},
        )
        return StakeholderUpdateRead(
            case=edit.row.ref or ref,
            recipients=[r.as_dict() for r in to],
            channels=list(plan.channels) if to else [],
            next_update_at=data["next_update_at"],
        )


def _text(update: StakeholderUpdate) -> str:
    parts = [update.status, update.actions, update.next_steps]
    if update.eta:
        parts.append(f"ETA {update.eta.isoformat()}")
    return "\n".join(p for p in parts if p)
