"""Communication plans: who hears about a case of a priority, what, when and how.

A plan names its audiences (teams, people or roles relative to the case, as escalation
levels do, and the affected customer's contacts), whether a first notice goes out when the
case opens, the update cadence the owner promises, and the channels. The cadence is what
the owner owes: `next_update_at` tells every audience when to expect the next word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from escalon.core.paths import TargetRef


@dataclass(frozen=True)
class Plan:
    priority: int
    first_notice: bool = False
    cadence: timedelta | None = None
    audiences: tuple[TargetRef, ...] = ()
    customer: bool = False  # the affected customer's contacts hear too
    channels: tuple[str, ...] = ("email",)

    def next_update_at(self, last: datetime) -> datetime | None:
        return last + self.cadence if self.cadence else None
