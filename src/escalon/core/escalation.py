"""Escalations: their lifecycle as a transition table, business reasons, handoffs and plans.

An escalation is its own record, many per case: it draws attention to a case whose progress
is not acceptable to someone. It never changes priority or ownership by itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from escalon.core.errors import (
    DomainError,
    Forbidden,
    InvalidTransition,
    InvalidValue,
    ReasonRequired,
)


class Type(StrEnum):
    FUNCTIONAL = "functional"
    HIERARCHICAL = "hierarchical"
    AUTOMATIC = "automatic"


class State(StrEnum):
    REQUESTED = "requested"
    REASON_REQUESTED = "reason_requested"
    PENDING_APPROVAL = "pending_approval"
    ACKNOWLEDGED = "acknowledged"
    PLAN_PROPOSED = "plan_proposed"
    PLAN_ACCEPTED = "plan_accepted"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED_NO_REASON = "closed_no_reason"


class Action(StrEnum):
    SUPPLY_REASON = "supply_reason"
    REQUEST_APPROVAL = "request_approval"
    APPROVE = "approve"
    ACKNOWLEDGE = "acknowledge"
    PROPOSE_PLAN = "propose_plan"
    ACCEPT_PLAN = "accept_plan"
    REJECT_PLAN = "reject_plan"
    RESOLVE = "resolve"
    REJECT = "reject"
    CLOSE_NO_REASON = "close_no_reason"


S, A = State, Action
# (state, action) -> next state. Anything not listed is an illegal transition.
TRANSITIONS: Mapping[tuple[State, Action], State] = {
    (S.REQUESTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.REQUESTED, A.REQUEST_APPROVAL): S.PENDING_APPROVAL,
    (S.REQUESTED, A.REJECT): S.REJECTED,
    (S.REQUESTED, A.RESOLVE): S.RESOLVED,
    (S.REASON_REQUESTED, A.SUPPLY_REASON): S.REQUESTED,
    (S.REASON_REQUESTED, A.CLOSE_NO_REASON): S.CLOSED_NO_REASON,
    (S.REASON_REQUESTED, A.RESOLVE): S.RESOLVED,
    (S.PENDING_APPROVAL, A.APPROVE): S.REQUESTED,
    (S.PENDING_APPROVAL, A.REJECT): S.REJECTED,
    (S.PENDING_APPROVAL, A.RESOLVE): S.RESOLVED,
    (S.ACKNOWLEDGED, A.PROPOSE_PLAN): S.PLAN_PROPOSED,
    (S.ACKNOWLEDGED, A.RESOLVE): S.RESOLVED,
    (S.PLAN_PROPOSED, A.ACCEPT_PLAN): S.PLAN_ACCEPTED,
    (S.PLAN_PROPOSED, A.REJECT_PLAN): S.ACKNOWLEDGED,
    (S.PLAN_PROPOSED, A.RESOLVE): S.RESOLVED,
    (S.PLAN_ACCEPTED, A.RESOLVE): S.RESOLVED,
    (S.PLAN_ACCEPTED, A.PROPOSE_PLAN): S.PLAN_PROPOSED,
}
OPEN = frozenset(set(State) - {S.RESOLVED, S.REJECTED, S.CLOSED_NO_REASON})
# Open and answered by nobody yet: what "unacknowledged" means on every list and board.
UNACKNOWLEDGED = frozenset({S.REQUESTED, S.PENDING_APPROVAL})
SYSTEM_ACTIONS = frozenset({A.REQUEST_APPROVAL, A.CLOSE_NO_REASON})  # never a person's


def actions_in(state: State) -> frozenset[Action]:
    """What a person may do to an escalation in `state`, read from the transition table."""
    return frozenset(a for (s, a) in TRANSITIONS if s is state and a not in SYSTEM_ACTIONS)


def next_state(state: State, action: Action) -> State:
    """The state an action leads to; an illegal one is an error naming both."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s is state) or ["none"]
        raise InvalidTransition(
            f"cannot {action.value} an escalation that is {state.value} "
            f"(allowed: {', '.join(allowed)})",
            "action",
        )
    return target


class ReasonCategory(StrEnum):
    PROGRESS = "progress_unsatisfactory"
    CIRCUMSTANCES = "new_significant_circumstances"
    VIP = "vip_involvement"
    DEADLINE = "deadline_at_risk"
    SLA_BREACH = "sla_breach"
    RISK = "security_legal_safety"
    MISSED_UPDATE = "missed_stakeholder_update"
    OTHER = "other"


# Phrases that say someone wants attention but not why it matters to the business, in the
# languages escalon speaks (DESIGN 1.8). Compared after normalising case and punctuation.
NON_REASONS: frozenset[str] = frozenset(
    {
        # English
        "escalated",
        "escalate",
        "escalation",
        "user escalated",
        "customer escalated",
        "need it now",
        "needed now",
        "asap",
        "urgent",
        "very urgent",
        "please escalate",
        "as soon as possible",
        "important",
        "high priority",
        "critical",
        "help",
        "pls fix",
        # Hungarian
        "eszkalálva",
        "eszkalálás",
        "sürgős",
        "nagyon sürgős",
        "azonnal",
        "most kell",
        "ügyfél eszkalált",
        # Czech
        "eskalováno",
        "eskalace",
        "urgentní",
        "naléhavé",
        "potřebuji to hned",
        "hned",
        # Russian
        "эскалировано",
        "эскалация",
        "срочно",
        "очень срочно",
        "нужно сейчас",
        "немедленно",
        # Turkish
        "eskale edildi",
        "eskalasyon",
        "acil",
        "çok acil",
        "hemen lazım",
        "hemen",
    }
)
MIN_WORDS = 5


def _normalise(text: str) -> str:
    kept = "".join(ch.lower() if ch.isalnum() or ch.isspace() else " " for ch in text)
    return " ".join(kept.split())


@dataclass(frozen=True)
class Reason:
    category: ReasonCategory
    text: str
    deadline: date | None = None
    consequence: str | None = None


def check_reason(
    category: str | None,
    text: str | None,
    deadline: date | None = None,
    consequence: str | None = None,
) -> Reason:
    """Accept a business reason or say exactly what is missing from it (the first problem)."""
    problems = reason_problems(category, text, deadline, consequence)
    if problems:
        raise problems[0]
    sentence = (text or "").strip()
    kind = ReasonCategory(category or "")
    return Reason(kind, sentence, deadline, (consequence or "").strip() or None)


def reason_problems(
    category: str | None,
    text: str | None,
    deadline: date | None = None,
    consequence: str | None = None,
) -> list[DomainError]:
    """Every problem of a business reason, each naming its field, so a form can show them
    all beside their fields at once instead of one per attempt."""
    problems: list[DomainError] = []
    kind: ReasonCategory | None = None
    if not category:
        problems.append(ReasonRequired("say which kind of reason this is", "reason.category"))
    else:
        try:
            kind = ReasonCategory(category)
        except ValueError:
            known = ", ".join(c.value for c in ReasonCategory)
            problems.append(
                InvalidValue(f"{category!r} is not a reason category ({known})", "reason.category")
            )
    sentence = (text or "").strip()
    normal = _normalise(sentence)
    if not normal:
        problems.append(
            ReasonRequired("say where and how the problem hurts the business", "reason.text")
        )
    elif normal in NON_REASONS:
        problems.append(
            ReasonRequired(
                f"{sentence!r} is not a reason: say where and how the problem hurts the "
                "business (who is affected, what it costs, what is at stake)",
                "reason.text",
            )
        )
    elif len(normal.split()) < MIN_WORDS:
        problems.append(
            ReasonRequired(
                f"{sentence!r} is too short to be a reason: say where and how the problem "
                f"hurts the business in a sentence of at least {MIN_WORDS} words",
                "reason.text",
            )
        )
    if kind is ReasonCategory.DEADLINE:
        if deadline is None:
            problems.append(
                ReasonRequired(
                    "a deadline reason needs the date of the deadline", "reason.deadline"
                )
            )
        if not (consequence or "").strip():
            problems.append(
                ReasonRequired(
                    "a deadline reason needs what happens if it is missed", "reason.consequence"
                )
            )
    return problems


HANDOFF_PARTS = ("summary", "steps_taken", "impact", "customer", "time_constraints", "help_needed")


@dataclass(frozen=True)
class Handoff:
    """What the recipient needs to act at once, without asking back."""

    summary: str = ""
    steps_taken: str = ""
    impact: str = ""
    customer: str = ""
    time_constraints: str = ""
    help_needed: str = ""

    def missing(self) -> tuple[str, ...]:
        return tuple(part for part in HANDOFF_PARTS if not getattr(self, part).strip())


@dataclass(frozen=True)
class PlanItem:
    step: str
    owner: str
    due: datetime

    def __post_init__(self) -> None:
        if not self.step.strip():
            raise InvalidValue("a plan step needs a description", "plan.step")
        if not self.owner.strip():
            raise InvalidValue("a plan step needs an owner", "plan.owner")
        if self.due.tzinfo is None:
            raise InvalidValue("a plan step's due date needs a time zone", "plan.due")


class Outcome(StrEnum):
    PRIORITY_RAISED = "priority_raised"
    PRIORITY_LOWERED = "priority_lowered"
    EXPERTISE_ADDED = "expertise_added"
    RESOURCES_ADDED = "resources_added"
    HANDOVER = "handover"
    DEADLINE_RENEGOTIATED = "deadline_renegotiated"
    NO_CHANGE = "no_change"


@dataclass(frozen=True)
class Escalation:
    type: Type
    state: State
    initiator: str
    raised_at: datetime
    reason: Reason | None = None
    handoff: Handoff = field(default_factory=Handoff)
    level: int = 1
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    handoff_rating: int | None = None
    plan: tuple[PlanItem, ...] = ()
    outcome: Outcome | None = None


def needs_approval(type: Type, priority: int, path_requires_approval: bool) -> bool:
    """Non-urgent hierarchical escalations may need a supervisor before management sees them."""
    return path_requires_approval and type is Type.HIERARCHICAL and priority >= 3


def raise_escalation(
    type: Type,
    initiator: str,
    now: datetime,
    reason: Reason | None,
    handoff: Handoff = Handoff(),
    *,
    priority: int,
    path_requires_approval: bool = False,
) -> Escalation:
    """A manual escalation without an acceptable reason waits in `reason_requested`."""
    state = State.REQUESTED
    if reason is None and type is not Type.AUTOMATIC:
        state = State.REASON_REQUESTED
    elif needs_approval(type, priority, path_requires_approval):
        state = State.PENDING_APPROVAL
    return Escalation(type, state, initiator, now, reason, handoff)


def acknowledge(esc: Escalation, by: str, now: datetime, rating: int | None) -> Escalation:
    if rating is not None and not 1 <= rating <= 5:
        raise InvalidValue(f"{rating!r} is not a handoff rating from 1 to 5", "rating")
    state = next_state(esc.state, Action.ACKNOWLEDGE)
    return replace(esc, state=state, acknowledged_by=by, acknowledged_at=now, handoff_rating=rating)


def propose_plan(esc: Escalation, items: Sequence[PlanItem]) -> Escalation:
    if not items:
        raise InvalidValue("an action plan needs at least one step", "plan")
    return replace(esc, state=next_state(esc.state, Action.PROPOSE_PLAN), plan=tuple(items))


def decide_plan(esc: Escalation, by: str, accept: bool) -> Escalation:
    """Only the initiator accepts or rejects the plan answering their escalation."""
    if by != esc.initiator:
        raise Forbidden(
            f"only {esc.initiator}, who raised the escalation, may decide on its plan", "actor"
        )
    action = Action.ACCEPT_PLAN if accept else Action.REJECT_PLAN
    return replace(esc, state=next_state(esc.state, action))


def resolve(esc: Escalation, outcome: str) -> Escalation:
    """Record the outcome; "no change, continue" is a result too."""
    try:
        result = Outcome(outcome)
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        raise InvalidValue(f"{outcome!r} is not an outcome ({known})", "outcome") from None
    return replace(esc, state=next_state(esc.state, Action.RESOLVE), outcome=result)
