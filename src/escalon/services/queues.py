"""The work queues people look at: mine, my team's, unassigned, about to breach, breached,
and escalated to me and not yet acknowledged. Open cases only; each row comes with the clock
that decides its urgency (the running clock due first), so the page can count down to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from escalon.core.case import DONE
from escalon.core.escalation import UNACKNOWLEDGED
from escalon.core.sla import Clock, ClockState, signal
from escalon.services.context import App
from escalon.services.policies import current_version_id
from escalon.store import clocks as clock_rows
from escalon.store.models import Case, EscalationRow, Notification

QUEUES = ("mine", "team", "unassigned", "breaching", "breached", "escalated")
LONGEST = 200


@dataclass(frozen=True)
class Filters:
    priority: int | None = None
    status: str | None = None
    customer: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Row:
    ref: str
    title: str
    priority: int
    status: str
    customer: str | None
    category: str | None
    team: str | None
    assignee: str | None
    metric: str | None  # the clock that is due first
    due_at: datetime | None
    warn_at: datetime | None
    warned: bool  # the warning has fired (its instant is then no longer kept)
    breached: bool

    def state(self, now: datetime) -> str:
        """on-track, warning or breached: what the countdown shows, in words and colour."""
        return signal(self.breached, self.warned, self.warn_at, now)


def queue(app: App, name: str, viewer: str, filters: Filters) -> list[Row]:
    """The open cases of queue `name` for `viewer`, most urgent first."""
    now = app.clock.now()
    query = select(Case).where(Case.status.not_in(DONE))
    with app.reading() as session:
        policy = app.policies.get(session, current_version_id(session))
        query = _narrow(query, name, viewer, policy.org().teams_of(viewer))
        query = _filtered(query, filters)
        rows = list(session.scalars(query.order_by(Case.priority, Case.id).limit(LONGEST)))
        found = clock_rows.load_many(session, [r.id for r in rows])
    result = [_row(case, _first_due(found.get(case.id, []))) for case in rows]
    if name == "breaching":
        result = [r for r in result if r.state(now) == "warning"]
    if name in ("breaching", "mine", "team", "unassigned", "escalated"):
        result.sort(key=lambda r: (r.due_at is None, r.due_at or now, r.priority))
    return result


def _narrow(query: Select[Case], name: str, viewer: str, teams: tuple[str, ...]) -> Select[Case]:
    if name == "mine":
        return query.where(Case.assignee == viewer)
    if name == "team":
        return query.where(Case.team.in_(teams))
    if name == "unassigned":
        return query.where(Case.assignee.is_(None))
    if name == "breached":
        return query.where(Case.breached.is_(True))
    if name == "escalated":
        waiting = (
            select(EscalationRow.case_id)
            .join(Notification, Notification.escalation_id == EscalationRow.id)
            .where(
                EscalationRow.state.in_(UNACKNOWLEDGED),
                Notification.recipient.in_([viewer, *teams]),
            )
        )
        return query.where(Case.id.in_(waiting))
    return query  # breaching: every open case, narrowed by its clocks afterwards


def _filtered(query: Select[Case], filters: Filters) -> Select[Case]:
    if filters.priority:
        query = query.where(Case.priority == filters.priority)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.customer:
        query = query.where(Case.customer == filters.customer)
    if filters.category:
        query = query.where(Case.category == filters.category)
    return query


def _first_due(clocks: list[Clock]) -> Clock | None:
    running = [c for c in clocks if c.state is ClockState.RUNNING and c.due_at is not None]
    return min(running, key=lambda c: c.due_at or datetime.max) if running else None


def _row(case: Case, clock: Clock | None) -> Row:
    return Row(
        ref=case.ref or "",
        title=case.title,
        priority=case.priority,
        status=case.status,
        customer=case.customer,
        category=case.category,
        team=case.team,
        assignee=case.assignee,
        metric=clock.metric.value if clock else None,
        due_at=clock.due_at if clock else None,
        warn_at=clock.warn_due_at if clock else None,
        warned=bool(clock and clock.warned),
        breached=bool(clock and clock.breached) or case.breached,
    )
