"""Why a case stands where it does on its path, and what will happen next and when.

Everything here is derived from the same rules the worker runs (`paths.next_step`, the SLA
clocks' next instants, the time triggers), so the explanation cannot drift from behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from escalon.core import paths
from escalon.core import triggers as trigger_rules
from escalon.core.durations import format_duration
from escalon.core.org import Org
from escalon.core.paths import Path, Position, Recipient, StepKind
from escalon.core.sla import Clock, ClockState
from escalon.core.triggers import Do, Trigger


@dataclass(frozen=True)
class Upcoming:
    at: datetime
    text: str

    def line(self) -> str:
        return f"at {self.at:%Y-%m-%d %H:%M} UTC, {self.text}"


@dataclass(frozen=True)
class OpenEscalation:
    number: int
    position: Position
    path: Path | None
    acknowledged_by: str | None = None


def _names(recipients: Sequence[Recipient]) -> str:
    return ", ".join(r.name for r in recipients) or "nobody found for this case"


def level_text(path: Path, number: int, facts: Mapping[str, Any], org: Org, at: datetime) -> str:
    level = path.level(number)
    who = _names(paths.resolve_targets(level, facts, org, at))
    return f"level {number}: {level.name} ({who}) by {', '.join(level.channels)}"


def escalation_steps(
    escalations: Sequence[OpenEscalation],
    clocks: Sequence[Clock],
    facts: Mapping[str, Any],
    org: Org,
) -> list[Upcoming]:
    """The next automatic step of every open escalation, in words."""
    upcoming = []
    for esc in escalations:
        step = paths.next_step(esc.path, esc.position, clocks, facts, org)
        if step is None:
            continue
        tag = f"escalation #{esc.number}"
        if step.kind is StepKind.CLOSE_NO_REASON:
            text = f"{tag} is closed without a business reason unless one is given"
        else:
            assert esc.path is not None
            again = " again" if step.kind is StepKind.REPEAT else ""
            text = (
                f"{tag}, if not acknowledged, goes to "
                + level_text(esc.path, step.level, facts, org, step.at)
                + again
            )
            if step.skipped:
                text += f" (skipping level {', '.join(map(str, step.skipped))}: nobody working)"
            if step.waited:
                text += " (waiting for the next business window)"
        upcoming.append(Upcoming(step.at, f"{text} [{step.why}]"))
    return upcoming


def clock_steps(
    clocks: Sequence[Clock],
    triggers: Sequence[Trigger],
    facts: Mapping[str, Any],
    org: Org,
) -> list[Upcoming]:
    """Each running clock's next warning or breach, and the time rules it will set off."""
    upcoming = []
    for clock in clocks:
        if clock.state is not ClockState.RUNNING:
            continue
        due = []
        if not clock.warned and clock.warn_due_at is not None:
            due.append(("sla_warning", "warns", clock.warn_due_at))
        if not clock.breached and clock.due_at is not None:
            due.append(("sla_breach", "breaches", clock.due_at))
        for event, word, at in due:
            text = f"the {clock.metric.value} SLA ({format_duration(clock.target)}) {word}"
            for trigger, _ in trigger_rules.on_clock(triggers, event, clock.metric.value, facts):
                probe = paths.Level(trigger.name, trigger.targets)
                who = _names(paths.resolve_targets(probe, facts, org, at))
                does = "notifies" if trigger.action is Do.NOTIFY else "escalates to"
                text += f"; rule {trigger.name!r} {does} {who}"
            upcoming.append(Upcoming(at, text))
    return upcoming


def explain(
    case_ref: str,
    path: Path | None,
    level: int,
    escalations: Sequence[OpenEscalation],
    clocks: Sequence[Clock],
    triggers: Sequence[Trigger],
    facts: Mapping[str, Any],
    org: Org,
    now: datetime,
) -> tuple[list[str], list[Upcoming]]:
    """The lines a person reads, and the upcoming steps in time order."""
    lines = []
    if path is None:
        lines.append(f"{case_ref} matches no escalation path; escalations go to managers.")
    else:
        audience = "" if path.audience == "any" else f", audience {path.audience}"
        why = path.when.describe()
        why = "it has no condition and matches every case" if why == "always" else why
        lines.append(f"{case_ref} follows path {path.name!r} because {why}{audience}.")
        lines.append(f"It stands at {level_text(path, level, facts, org, now)}.")
    for esc in escalations:
        if esc.acknowledged_by:
            lines.append(
                f"Escalation #{esc.number} is {esc.position.state} "
                f"(acknowledged by {esc.acknowledged_by}): it waits for people, not for time."
            )
        elif esc.path is None and esc.position.state != "reason_requested":
            lines.append(
                f"Escalation #{esc.number} ({esc.position.state}) alerts its named targets "
                "and waits for their acknowledgement; it climbs no path."
            )
    upcoming = sorted(
        escalation_steps(escalations, clocks, facts, org)
        + clock_steps(clocks, triggers, facts, org),
        key=lambda u: u.at,
    )
    if not escalations and path is not None and level < len(path.levels):
        lines.append(
            "If escalated now for authority, it goes to "
            + level_text(path, level + 1, facts, org, now)
            + "."
        )
    lines.extend(u.line() for u in upcoming)
    if not upcoming:
        lines.append("Nothing is scheduled: no clock runs and no escalation waits on time.")
    return lines, upcoming
