"""Domain values in words, one table for every page: `{{ word("state", esc.state) }}`.

The msgids are marked here for extraction and translated when a page shows them; a value
without a word (a future state) shows as it is rather than failing.
"""

from __future__ import annotations

from escalon.vocabulary import ESCALATION_TYPES, METRICS, N_, STATUSES

WORDS: dict[str, dict[str, str]] = {
    "state": {
        "requested": N_("requested"),
        "reason_requested": N_("reason requested"),
        "pending_approval": N_("pending approval"),
        "acknowledged": N_("acknowledged"),
        "plan_proposed": N_("plan proposed"),
        "plan_accepted": N_("plan accepted"),
        "resolved": N_("resolved"),
        "rejected": N_("rejected"),
        "closed_no_reason": N_("closed: no reason"),
    },
    "type": dict(ESCALATION_TYPES),
    "status": dict(STATUSES),
    "reason": {
        "progress_unsatisfactory": N_("progress unsatisfactory"),
        "new_significant_circumstances": N_("new significant circumstances"),
        "vip_involvement": N_("VIP involvement"),
        "deadline_at_risk": N_("deadline at risk"),
        "sla_breach": N_("SLA breach"),
        "security_legal_safety": N_("security, legal or safety"),
        "missed_stakeholder_update": N_("missed stakeholder update"),
        "other": N_("other"),
    },
    "outcome": {
        "no_change": N_("no change, continue"),
        "priority_raised": N_("priority raised"),
        "priority_lowered": N_("priority lowered"),
        "expertise_added": N_("expertise added"),
        "resources_added": N_("resources added"),
        "handover": N_("handover"),
        "deadline_renegotiated": N_("deadline renegotiated"),
    },
    "metric": dict(METRICS),
    "kind": {
        "incident": N_("incident"),
        "service_request": N_("service request"),
        "complaint": N_("complaint"),
        "compliance": N_("compliance"),
        "hr": N_("HR"),
        "quality": N_("quality"),
        "project": N_("project"),
    },
    "risk": {
        "security": N_("security"),
        "data_loss": N_("data loss"),
        "legal": N_("legal"),
        "safety": N_("safety"),
        "reputation": N_("reputation"),
    },
    "handoff": {
        "summary": N_("Summary"),
        "steps_taken": N_("Steps already taken"),
        "impact": N_("Impact"),
        "customer": N_("Customer"),
        "time_constraints": N_("Time constraints"),
        "help_needed": N_("The help you need"),
    },
    "handover": {
        "offered": N_("offered"),
        "accepted": N_("accepted"),
        "declined": N_("declined"),
    },
    "delivery": {
        "pending": N_("waiting to be sent"),
        "sending": N_("sending"),
        "sent": N_("delivered"),
        "dead": N_("failed"),
        "cancelled": N_("withdrawn"),
    },
}


def options(kind: str) -> list[tuple[str, str]]:
    """A select's (value, msgid) pairs, in the table's order."""
    return list(WORDS[kind].items())
