"""Organisation stories with the virtual clock: the manager chain past an absent manager, a
rotation across a DST change, functional escalations routed to a person, cover taken
through the API, and a VIP customer's account manager watching its cases.

The sandbox starts Monday 23 November 2026, 08:00 in Budapest (07:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from escalon.core.errors import Forbidden, InvalidValue
from escalon.schemas.cases import CaseUpdate
from escalon.schemas.escalations import EscalationCreate
from escalon.schemas.oncall import OverrideCreate
from escalon.services import cases, escalations, handovers, oncall, policies, watchers
from escalon.services import schedule_overrides as overrides
from escalon.services.context import App
from escalon.services.timers import advance
from escalon.services.tokens import Principal
from escalon.store.models import Notification
from tests.conftest import EXAMPLE
from tests.services.helpers import create, events
from tests.services.test_escalation_stories import HANDOFF, REASON

ROBERT = Principal("robert", "manager")


def _apply(app: App, change: Any) -> None:
    """Apply the example policy changed by `change(document)`."""
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    change(document)
    policies.apply_policy(app, yaml.safe_dump(document, allow_unicode=True), "tests")


def _advance_to(app: App, at: datetime) -> None:
    advance(app, at - app.clock.now())


def _escalate(app: App, ref: str, actor: str, **fields: Any) -> None:
    data = {"type": "hierarchical", "reason": REASON, "handoff": HANDOFF} | fields
    escalations.raise_escalation(app, ref, EscalationCreate.model_validate(data), actor)


def _told(app: App, template: str, rule: str | None = None) -> list[str]:
    with app.reading() as session:
        query = select(Notification).where(Notification.template == template)
        rows = session.scalars(query.order_by(Notification.id))
        return [r.recipient for r in rows if rule is None or r.data.get("rule") == rule]


def test_a_hierarchical_escalation_skips_the_team_lead_on_leave_for_the_director(
    app: App,
) -> None:
    def csilla_on_leave(doc: dict[str, Any]) -> None:
        leave = {"from": "2026-11-23", "to": "2026-11-27", "note": "conference"}
        doc["people"]["csilla"]["out_of_office"] = [leave]

    _apply(app, csilla_on_leave)
    ref = create(
        app, impact=2, urgency=2, team="frontline-bud", assignee="anna", category="billing"
    ).ref
    _escalate(app, ref, "anna")
    (raised,) = events(app, ref, "escalation_raised")
    assert raised.data["level_name"] == "Team lead"
    (target,) = raised.data["targets"]
    assert target["key"] == "gabor"  # csilla's manager
    assert "skipped csilla: out of office" in target["via"]
    assert _told(app, "escalation_raised") == ["gabor"]


def test_the_team_lead_back_from_leave_is_reached_again(app: App) -> None:
    def csilla_on_leave(doc: dict[str, Any]) -> None:
        doc["people"]["csilla"]["out_of_office"] = [{"from": "2026-11-23", "to": "2026-11-24"}]

    _apply(app, csilla_on_leave)
    advance(app, timedelta(days=2))  # Wednesday
    ref = create(app, impact=2, urgency=2, team="frontline-bud", assignee="anna").ref
    _escalate(app, ref, "anna")
    (raised,) = events(app, ref, "escalation_raised")
    assert [t["key"] for t in raised.data["targets"]] == ["csilla"]


def test_a_weekly_rotation_hands_off_at_nine_new_york_time_across_the_spring_change(
    app: App,
) -> None:
    """New York moves to summer time on Sunday 14 March 2027: Monday's 09:00 hand-off is at
    13:00 UTC, no longer at 14:00 UTC as all winter."""

    def page_the_nyc_on_call(doc: dict[str, Any]) -> None:
        rule = {
            "name": "page New York on call",
            "events": ["created"],
            "when": {"field": "category", "op": "eq", "value": "dns"},
            "action": "notify",
            "targets": [{"schedule": "hosting-nyc-oncall"}],
        }
        doc["triggers"].append(rule)

    _apply(app, page_the_nyc_on_call)
    winter = datetime(2027, 3, 8, 13, 59, tzinfo=UTC)  # Monday 08:59 EST
    _advance_to(app, winter)
    create(app, category="dns")
    _advance_to(app, winter + timedelta(minutes=1))  # 09:00 EST: the hand-off
    create(app, category="dns")
    summer = datetime(2027, 3, 15, 12, 59, tzinfo=UTC)  # Monday 08:59 EDT
    _advance_to(app, summer)
    create(app, category="dns")
    _advance_to(app, summer + timedelta(minutes=1))  # 09:00 EDT: the hand-off
    create(app, category="dns")
    paged = _told(app, "trigger_notice", "page New York on call")
    assert paged == ["james", "maria", "maria", "james"]
    handoff = oncall.who(app, "hosting-nyc-oncall", datetime(2027, 3, 15, 8, 0))  # local
    assert (handoff.person, handoff.until) == ("maria", summer + timedelta(minutes=1))
    assert handoff.since == winter + timedelta(minutes=1)  # a week of 167 hours


def test_a_functional_escalation_to_a_follow_the_sun_team_reaches_the_person_routing_chose(
    app: App,
) -> None:
    advance(app, timedelta(hours=2))  # 10:00 in Budapest
    ref = create(app, team="frontline-bud", assignee="anna", category="hosting", language="ru").ref
    _escalate(app, ref, "anna", type="functional")
    routed = [e.data for e in events(app, ref, "routed")]
    assert [(r["team"], r["person"], r["for"]) for r in routed] == [
        ("hosting-bud", "olga", "functional escalation")
    ]
    (raised,) = events(app, ref, "escalation_raised")
    assert [(t["kind"], t["key"]) for t in raised.data["targets"]] == [("person", "olga")]
    (offer,) = handovers.list_for_case(app, ref)
    assert (offer.to_team, offer.to_person) == ("hosting-bud", "olga")
    with pytest.raises(Forbidden):
        handovers.accept(app, offer.id, "marton")
    handovers.accept(app, offer.id, "olga")
    case = cases.get_case(app, ref)
    assert (case.team, case.assignee) == ("hosting-bud", "olga")


def test_cover_taken_through_the_api_decides_who_new_york_routes_to(app: App) -> None:
    this_week = {"start": "2026-11-23T09:00", "end": "2026-11-30T09:00"}
    taken = overrides.take(
        app,
        "hosting-nyc-oncall",
        OverrideCreate.model_validate({"person": "maria", "note": "James moves house"} | this_week),
        ROBERT,
    )
    assert taken.start == datetime(2026, 11, 23, 14, tzinfo=UTC)  # 09:00 in New York
    advance(app, timedelta(hours=9))  # 17:00 in Budapest, 11:00 in New York
    assert oncall.who(app, "hosting-nyc-oncall").source == "override"
    ref = create(app, team="hosting-nyc", category="hosting").ref
    (routed,) = events(app, ref, "routed")
    assert routed.data["person"] == "maria"  # both are at work with no cases: on call wins
    assert "on call (hosting-nyc-oncall)" in routed.data["why"]
    overrides.cancel(app, "hosting-nyc-oncall", taken.id, ROBERT)
    ref = create(app, team="hosting-nyc", category="hosting").ref
    assert cases.get_case(app, ref).assignee == "james"  # back to the rotation, and less loaded
    assert [o.id for o in overrides.listed(app, "hosting-nyc-oncall")] == []
    assert [o.cancelled_by for o in overrides.listed(app, "hosting-nyc-oncall", True)] == ["robert"]


def test_an_agent_may_cover_only_for_themselves(app: App) -> None:
    week = {"start": "2026-11-24T00:00", "end": "2026-11-25T00:00"}
    james = Principal("james", "agent")
    with pytest.raises(Forbidden):
        overrides.take(app, "hosting-nyc-oncall", OverrideCreate(person="maria", **week), james)
    mine = overrides.take(app, "hosting-nyc-oncall", OverrideCreate(person="james", **week), james)
    with pytest.raises(InvalidValue, match="not after its start"):
        reversed_ = {"start": week["end"], "end": week["start"]}
        overrides.take(
            app, "hosting-nyc-oncall", OverrideCreate(person="james", **reversed_), james
        )
    overrides.cancel(app, "hosting-nyc-oncall", mine.id, james)
    with pytest.raises(InvalidValue, match="already cancelled"):
        overrides.cancel(app, "hosting-nyc-oncall", mine.id, james)


def test_a_vip_customer_s_account_manager_watches_and_hears_of_every_escalation(
    app: App,
) -> None:
    vip = create(app, customer="duna-bank", team="frontline-bud", assignee="anna")
    assert vip.watchers == ["hajnalka"]
    (added,) = events(app, vip.ref, "watcher_added")
    assert added.data["why"] == "rule 'VIP account manager watches'"
    _escalate(app, vip.ref, "anna")
    assert "hajnalka" in _told(app, "escalation_raised")
    standard = create(app, team="frontline-bud", assignee="anna")  # Bosphorus: standard tier
    assert standard.watchers == []


def test_a_case_that_becomes_vip_gains_the_watcher_and_a_watcher_can_be_removed(
    app: App,
) -> None:
    ref = create(app, team="frontline-bud", assignee="anna").ref
    case = cases.update_case(app, ref, CaseUpdate(customer="duna-bank"), "anna")
    assert case.watchers == ["hajnalka"]
    case = watchers.watch(app, ref, "lilla", "anna")
    assert case.watchers == ["hajnalka", "lilla"]
    assert watchers.unwatch(app, ref, "hajnalka", "anna").watchers == ["lilla"]
    with pytest.raises(InvalidValue, match="hajnalka does not watch"):
        watchers.unwatch(app, ref, "hajnalka", "anna")
    with pytest.raises(InvalidValue, match="unknown person 'nobody'"):
        watchers.watch(app, ref, "nobody", "anna")
