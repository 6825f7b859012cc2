"""Follow-the-sun: when a region's day ends, its cases that need attention move on.

A follow-the-sun team lists regional teams in the order the sun reaches them (Budapest,
New York, Singapore). A case held by a region is looked at when that region's day ends: if
it needs attention (a P1 or P2, or an open escalation, and not waiting on the customer), it
goes to the next region working then, or the one whose day begins first, with a note that
lets the next person act without reading the whole timeline. Lower priorities wait for
their own region's morning: waking another continent for a P4 helps nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from escalon.core.case import DONE
from escalon.core.org import Org
from escalon.core.organisation import Team

URGENT = 2  # P1 and P2 are handed on whatever their escalations


def group_of(org: Org, region: str | None) -> Team | None:
    """The follow-the-sun team that lists `region`, if any."""
    return next((t for t in org.teams.values() if region and region in t.follow_the_sun), None)


def day_ends(org: Org, region: Team, at: datetime) -> datetime | None:
    """When the region's current (or next) working stretch ends: the hand-off instant."""
    calendar = org.calendars.get(region.calendar or "")
    if calendar is None:
        return None
    return calendar.open_until(calendar.next_open(at))


def next_region(org: Org, group: Team, current: str, at: datetime) -> tuple[Team, str] | None:
    """The region to hand to at `at`: the next one working, else the first to open.

    Regions are tried in the sun's order from the one after `current` (from the first
    when `current` is not a region, as for a new case). None when the current region
    itself opens first: nobody else would act sooner.
    """
    order = [r for r in group.follow_the_sun if r in org.teams]
    if current in order:
        i = order.index(current)
        order = order[i + 1 :] + order[:i]
    regions = [org.teams[r] for r in order]
    for region in regions:
        if org.is_open(region.calendar, at):
            return region, f"{region.key} is working now"
    if not regions:
        return None
    first = min(regions, key=lambda r: org.next_open(r.calendar, at))
    mine = org.teams.get(current)
    if mine is not None and org.next_open(mine.calendar, at) <= org.next_open(first.calendar, at):
        return None
    return first, f"no region is working now; {first.key} starts first"


def needs_attention(status: str, priority: int, open_escalations: int) -> bool:
    if status in DONE or status == "waiting_on_customer":
        return False
    return priority <= URGENT or open_escalations > 0


@dataclass(frozen=True)
class HandoffNote:
    """What the next region needs to act at once (the handoff fields of DESIGN 1.5)."""

    summary: str
    steps_taken: tuple[str, ...]
    needed: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["steps_taken"] = list(self.steps_taken)
        return data


def handoff_note(
    case: dict[str, Any],
    steps: Sequence[str],
    open_escalations: Sequence[dict[str, Any]],
    next_due: tuple[str, datetime] | None,
) -> HandoffNote:
    """Summary of the case, its latest steps (newest last) and what is still needed."""
    summary = f"{case['ref']} P{case['priority']} ({case['status']}): {case['title']}"
    needs = [e.get("help_needed") or f"escalation {e['number']} is open" for e in open_escalations]
    if next_due is not None:
        metric, due = next_due
        needs.append(f"{metric.replace('_', ' ')} due {due.isoformat(timespec='minutes')}")
    needed = "; ".join(needs) or "continue the work and keep the customer informed"
    return HandoffNote(summary, tuple(steps[-3:]), needed)
