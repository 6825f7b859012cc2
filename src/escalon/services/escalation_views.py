"""Turning escalation and handover rows into the views every edge shows."""

from __future__ import annotations

from escalon.core.escalation import Handoff
from escalon.core.paths import Path, Step
from escalon.schemas.escalations import EscalationRead, HandoverRead, StepRead
from escalon.store.models import EscalationRow, Handover


def read_escalation(
    row: EscalationRow, ref: str, path: Path | None = None, step: Step | None = None
) -> EscalationRead:
    handoff = {k: str(v) for k, v in row.handoff.items()}
    manual = row.type != "automatic"
    return EscalationRead(
        id=row.id,
        case=ref,
        number=row.number,
        type=row.type,
        state=row.state,
        initiator=row.initiator,
        trigger=row.trigger,
        raised_at=row.raised_at,
        reason=row.reason,
        handoff=handoff,
        handoff_missing=list(Handoff(**handoff).missing()) if manual else [],
        path=row.path,
        level=row.level,
        level_name=path.level(row.level).name if path and path.levels else None,
        level_entered_at=row.level_entered_at,
        targets=row.targets,
        team=row.team,
        approved_by=row.approved_by,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=row.acknowledged_at,
        handoff_rating=row.handoff_rating,
        plan=row.plan,
        outcome=row.outcome,
        resolution_note=row.resolution_note,
        ended_at=row.ended_at,
        next_step=StepRead(kind=step.kind.value, at=step.at, level=step.level, why=step.why)
        if step
        else None,
    )


def read_handover(row: Handover, ref: str) -> HandoverRead:
    return HandoverRead(
        id=row.id,
        case=ref,
        escalation=row.escalation_id,
        from_person=row.from_person,
        from_team=row.from_team,
        to_person=row.to_person,
        to_team=row.to_team,
        note=row.note,
        state=row.state,
        offered_by=row.offered_by,
        offered_at=row.offered_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decline_reason=row.decline_reason,
    )
