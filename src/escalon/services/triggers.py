"""Triggers in a case edit: fire due SLA events, then the rules they and case changes set off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from escalon.core import case as rules
from escalon.core import triggers as trigger_rules
from escalon.core.escalation import Handoff, Reason
from escalon.core.sla import Clock
from escalon.core.triggers import Do, On, Trigger
from escalon.services import escalating, watchers
from escalon.services.editing import SYSTEM, Edit
from escalon.store import clocks as clock_rows


def catch_up(edit: Edit) -> list[Clock]:
    """Fire the warnings and breaches already due before anything else changes the clocks.

    A case resolved or paused after a due instant but before the worker's next tick still
    gets its breach, dated by its due instant in the event data. The caller saves the clocks.
    """
    row, now = edit.row, edit.now
    clocks = [clock_rows.to_core(c) for c in clock_rows.load(edit.session, row.id)]
    plan = rules.fire_due(edit.policy, clocks, now)
    if not plan.events:
        return list(plan.clocks)
    edit.saved = plan.clocks  # time rules below read the clocks as fired
    for event in plan.events:
        data = dict(event.data) | {
            "fired_at": now.isoformat(),
            "status": row.status,
            "priority": f"P{row.priority}",
        }
        edit.note(event.type, data, actor=SYSTEM)
    facts = edit.facts()
    for event in plan.events:
        metric = event.metric.value
        for trigger, on in trigger_rules.on_clock(edit.policy.triggers, event.type, metric, facts):
            act(edit, trigger, on, metric)
    return list(plan.clocks)


def on_case(edit: Edit, before: Mapping[str, Any] | None) -> None:
    """Immediate rules for a case just created (`before` None) or changed."""
    fired = trigger_rules.on_case(edit.policy.triggers, before, edit.facts())
    # Watchers first, so an escalation the same change raises already reaches them.
    for trigger, on in sorted(fired, key=lambda f: f[0].action is not Do.WATCH):
        act(edit, trigger, on)


def act(edit: Edit, trigger: Trigger, on: On, metric: str | None = None) -> None:
    facts = edit.facts()
    if trigger.action is Do.WATCH:
        found = escalating.recipients(edit, None, trigger.targets)
        people = [r.key for r in found if r.kind == "person"]
        watchers.add(edit, people, f"rule {trigger.name!r}", actor=SYSTEM)
        return
    if trigger.action is Do.NOTIFY:
        to = escalating.recipients(edit, None, trigger.targets)
        escalating.notify(
            edit, "trigger_notice", to, trigger.channels, None, {"rule": trigger.name}
        )
        edit.note(
            "trigger_notified",
            {"trigger": trigger.name, "event": on.value, "targets": [r.as_dict() for r in to]},
            actor=SYSTEM,
        )
        return
    reason = Reason(trigger.reason_category(on), trigger.reason_text(on, facts, metric))
    handoff = Handoff(summary=edit.row.title, impact=f"P{edit.row.priority}")
    row = escalating.raise_escalation(
        edit,
        trigger.type,
        SYSTEM,
        reason,
        handoff,
        trigger=trigger.name,
        level=trigger.level,
        targets=trigger.targets,
        channels=trigger.channels if trigger.targets else None,
    )
    if on is On.SLA_BREACH:
        _reassign_if_path_says(edit, row.path, row.level)


def _reassign_if_path_says(edit: Edit, path_name: str | None, level: int) -> None:
    """Reassignment on breach rewards waiting for the deadline, so only an explicit path does it."""
    path = next((p for p in edit.policy.paths if p.name == path_name), None)
    if path is None or not path.reassign_on_breach:
        return
    team = next((t.team for t in path.level(level).targets if t.team), None)
    if team is None or team == edit.row.team:
        return
    old = {"team": edit.row.team, "assignee": edit.row.assignee}
    edit.row.team, edit.row.assignee = team, None
    edit.note(
        "case_reassigned",
        {"from": old, "to": {"team": team, "assignee": None}, "why": "reassign_on_breach"},
        actor=SYSTEM,
    )
