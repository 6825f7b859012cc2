"""Routing and follow-the-sun stories on the example organisation, with the virtual clock.

Hosting support works from Budapest, New York and Singapore (`hosting-global`). The
sandbox starts Monday 23 November 2026, 08:00 in Budapest: Singapore is at work (15:00),
Budapest opens at 09:00 and New York at 15:00 Budapest time. Priya (Singapore) is on leave
this week; James is New York's on-call person this week.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from escalon.schemas.escalations import EscalationCreate
from escalon.services import cases, escalations
from escalon.services.context import App
from escalon.services.timers import advance
from escalon.store.models import Notification
from tests.services.helpers import create, events
from tests.services.test_escalation_stories import HANDOFF, REASON


def _hosting_case(app: App, **fields: object) -> str:
    values = {"title": "Web hosting down", "category": "hosting", "team": "hosting-global"}
    return create(app, **(values | fields)).ref


def test_a_new_case_goes_to_the_region_at_work_and_never_to_someone_on_leave(app: App) -> None:
    ref = _hosting_case(app)  # 08:00 in Budapest: only Singapore is working
    case = cases.get_case(app, ref)
    assert (case.team, case.assignee) == ("hosting-sgp", "wei")
    (routed,) = events(app, ref, "routed")
    assert "hosting-sgp is working now" in routed.data["why"]
    passed = {p["key"]: p["why"] for p in routed.data["passed"]}
    assert passed["priya"].startswith("out of office until 2026-11-27")


def test_a_russian_case_goes_to_the_russian_speaker_at_work(app: App) -> None:
    advance(app, timedelta(hours=2))  # 10:00 in Budapest
    ref = _hosting_case(app, language="ru", customer="duna-bank")
    case = cases.get_case(app, ref)
    assert (case.team, case.assignee) == ("hosting-bud", "olga")
    (routed,) = events(app, ref, "routed")
    assert {"key": "marton", "why": "does not speak ru"} in routed.data["passed"]
    assert "speaks ru" in routed.data["why"]


def test_the_least_loaded_person_gets_the_next_case(app: App) -> None:
    advance(app, timedelta(hours=2))
    first = cases.get_case(app, _hosting_case(app)).assignee
    second = cases.get_case(app, _hosting_case(app)).assignee
    assert {first, second} == {"olga", "marton"}


def test_a_p2_escalated_at_16_55_in_budapest_is_handed_to_new_york_at_17_00(app: App) -> None:
    advance(app, timedelta(hours=8, minutes=50))  # 16:50 in Budapest
    ref = _hosting_case(app, impact=2, urgency=2, customer="vltava-logistics")
    case = cases.get_case(app, ref)
    assert (case.priority, case.team) == ("P2", "hosting-bud")
    advance(app, timedelta(minutes=5))
    data = {"type": "hierarchical", "reason": REASON, "handoff": HANDOFF}
    escalations.raise_escalation(app, ref, EscalationCreate.model_validate(data), case.assignee)
    advance(app, timedelta(minutes=5))  # 17:00: Budapest's day ends
    case = cases.get_case(app, ref)
    assert (case.team, case.assignee) == ("hosting-nyc", "james")  # on call this week
    (handoff,) = events(app, ref, "handed_off")
    assert handoff.at == app.clock.now()
    assert (handoff.data["from_team"], handoff.data["to_team"]) == ("hosting-bud", "hosting-nyc")
    note = handoff.data["note"]
    assert note["summary"].startswith(f"{ref} P2")
    assert HANDOFF["help_needed"] in note["needed"]
    with app.reading() as session:
        told = session.scalars(
            select(Notification.recipient).where(Notification.template == "handoff")
        ).all()
    assert told == ["james"]


def test_a_p4_without_escalation_waits_for_its_own_region_s_morning(app: App) -> None:
    advance(app, timedelta(hours=8, minutes=50))
    ref = _hosting_case(app)  # bosphorus-textiles, I3 × U3: a P3
    assert cases.get_case(app, ref).priority == "P3"
    advance(app, timedelta(minutes=30))
    assert cases.get_case(app, ref).team == "hosting-bud"
    assert events(app, ref, "handed_off") == []


def test_new_york_hands_its_p2_on_to_singapore_when_its_day_ends(app: App) -> None:
    advance(app, timedelta(hours=8))  # 16:00 in Budapest, 10:00 in New York
    ref = _hosting_case(app, impact=2, urgency=2, team="hosting-nyc")
    advance(app, timedelta(hours=7, minutes=1))  # New York closes at 23:00 Budapest time
    handoffs = [e.data for e in events(app, ref, "handed_off")]
    assert [(h["from_team"], h["to_team"]) for h in handoffs] == [("hosting-nyc", "hosting-sgp")]
    assert "hosting-sgp starts first" in handoffs[0]["why"]
    assert cases.get_case(app, ref).assignee is None  # nobody is at work in Singapore yet
