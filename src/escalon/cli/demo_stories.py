"""The escalation stories of `escalon demo`, played on Tuesday after the SLA day.

Each story is a list of (offset from Tuesday 08:00 Budapest, what happens, action); what the
rules do in between (level moves, alerts, closures) is printed from the timeline as it fires.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from escalon.schemas.cases import CaseCreate, CaseFilter
from escalon.schemas.escalations import EscalationCreate, EscalationFilter
from escalon.services import cases, escalations
from escalon.services.context import App
from escalon.store.models import Event

LOCAL = ZoneInfo("Europe/Budapest")
TUESDAY = datetime(2026, 11, 24, 8, 0, tzinfo=LOCAL)
Action = Callable[[App], str]


def _names(targets: list[dict[str, Any]]) -> str:
    return ", ".join(t["name"] for t in targets) or "nobody"


def describe(event: Event, ref: str) -> str | None:
    """One printed line per event worth telling, or None for the rest."""
    data = event.data
    kind = event.type
    if kind in ("sla_warning", "sla_breach"):
        word = "WARNING" if kind == "sla_warning" else "BREACH"
        hours = data["target_seconds"] / 3600
        return f"{word}: {ref} {data['metric']} ({hours:g}h target)"
    if kind == "escalation_raised":
        by = f"rule {data['trigger']!r}" if data.get("trigger") else event.actor
        level = (
            f" at level {data['level']} ({data['level_name']})" if data.get("level_name") else ""
        )
        state = "" if data["state"] == "requested" else f" [{data['state']}]"
        return (
            f"ESCALATION #{data['number']} of {ref} ({data['type']}) by {by}{level} "
            f"→ {_names(data['targets'])}{state}"
        )
    if kind == "escalation_moved":
        skipped = f", skipping level {data['skipped']}" if data.get("skipped") else ""
        return (
            f"  {ref} escalation moves to level {data['to']} ({data['level_name']}) "
            f"→ {_names(data['targets'])}: {data['why']}{skipped}"
        )
    if kind == "escalation_repeated":
        return f"  {ref} level {data['level']} notified again: {data['why']}"
    if kind == "escalation_closed_no_reason":
        return f"  {ref} escalation closed: {data['why']}"
    if kind == "trigger_notified":
        return f"NOTICE: {ref} rule {data['trigger']!r} tells {_names(data['targets'])}"
    if kind == "case_reassigned":
        return f"  {ref} reassigned to {data['to']}"
    return None


def _create(title: str, **fields: Any) -> Callable[[App], str]:
    def run(app: App) -> str:
        data = CaseCreate.model_validate({"title": title, "impact": 3, "urgency": 3} | fields)
        case = cases.create_case(app, data, "demo")
        return f"{case.ref} created: {title!r} → {case.priority}"

    return run


def _escalate(title: str, actor: str, body: dict[str, Any]) -> Action:
    def run(app: App) -> str:
        ref = _ref_of(app, title)
        esc = escalations.raise_escalation(app, ref, EscalationCreate.model_validate(body), actor)
        missing = f"; handoff lacks {', '.join(esc.handoff_missing)}" if esc.handoff_missing else ""
        return f"{actor} escalates {ref} ({esc.type}) → {esc.state}{missing}"

    return run


def _ref_of(app: App, title: str) -> str:
    found = cases.list_cases(app, CaseFilter(limit=500))
    return next(c.ref for c in found.items if c.title == title)


def _escalate_p1_again(title: str, times: int) -> Action:
    def run(app: App) -> str:
        ref = _ref_of(app, title)
        reason = {
            "category": "vip_involvement",
            "text": "Duna Bank's board asks for hourly news because card payments still fail",
        }
        for _ in range(times):
            escalations.raise_escalation(
                app,
                ref,
                EscalationCreate.model_validate({"type": "hierarchical", "reason": reason}),
                "bence",
            )
        count = escalations.list_escalations(app, EscalationFilter(case=ref)).total
        case = cases.get_case(app, ref)
        return (
            f"{ref} now has {count} escalations and is still {case.priority}: "
            "escalation is not priority"
        )

    return run


OUTAGE = "Core network down in the Budapest data centre"
PAYMENT = "Refund to Vltava not booked"
PHISHING = "Phishing mail reached the finance team"
VAGUE = "Portal slow again"
CARDS = "Card payments failing at Duna Bank branches"

REASON = {
    "category": "progress_unsatisfactory",
    "text": "Vltava's refund is two weeks late and their CFO threatens to withhold payments",
}


def script() -> list[tuple[timedelta, str, Action | None]]:
    minutes = timedelta(minutes=1)
    return [
        (
            0 * minutes,
            "A P1 network outage is reported",
            _create(
                OUTAGE,
                impact=1,
                urgency=1,
                category="network",
                customer="duna-bank",
                team="frontline-bud",
                assignee="anna",
            ),
        ),
        (
            5 * minutes,
            "A payment question needs finance",
            _create(
                PAYMENT,
                category="payments",
                customer="vltava-logistics",
                team="frontline-bud",
                assignee="anna",
            ),
        ),
        (
            6 * minutes,
            "Anna routes it to the experts",
            _escalate(
                PAYMENT,
                "anna",
                {
                    "type": "functional",
                    "reason": REASON,
                    "handoff": {
                        "summary": "Refund of invoice 2026-118 not booked",
                        "help_needed": "Book the refund today",
                    },
                },
            ),
        ),
        (
            10 * minutes,
            "A security incident arrives",
            _create(
                PHISHING,
                risk_flags=["security"],
                category="security",
                team="frontline-bud",
                assignee="bence",
            ),
        ),
        (
            20 * minutes,
            "Bence escalates without saying why",
            _create(VAGUE, customer="bosphorus-textiles", team="frontline-bud", assignee="bence"),
        ),
        (21 * minutes, "…and escalates it", _escalate(VAGUE, "bence", {"type": "hierarchical"})),
        (
            70 * minutes,
            "A P1 for Duna Bank's card payments",
            _create(
                CARDS,
                impact=1,
                urgency=1,
                customer="duna-bank",
                services=["payments-gateway"],
                category="payments",
                team="frontline-bud",
                assignee="anna",
            ),
        ),
        (
            75 * minutes,
            "Bence escalates the P1 five times as news gets worse",
            _escalate_p1_again(CARDS, 5),
        ),
        (timedelta(hours=5), "Tuesday lunch: the day's escalations so far", None),
    ]
