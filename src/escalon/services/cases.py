"""Case use cases: create, change, comment, status, priority override, read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from escalon.core import case as rules
from escalon.core.errors import InvalidValue, NotFound
from escalon.core.policy import Policy
from escalon.core.priority import Override, compute_priority, label, make_override
from escalon.schemas.cases import (
    CaseCreate,
    CaseFilter,
    CasePage,
    CaseRead,
    CaseUpdate,
    CommentCreate,
    EventRead,
    PriorityOverride,
    StatusChange,
)
from escalon.services import communication, escalating, follow_the_sun, routing, triggers
from escalon.services.case_views import case_fields, read_case
from escalon.services.context import App
from escalon.services.editing import SYSTEM, Edit, edit_of, editing
from escalon.services.journal import note
from escalon.services.policies import current_version_id
from escalon.store import clocks as clock_rows
from escalon.store.models import Case, Event

PRIORITY_INPUTS = {
    "impact",
    "urgency",
    "customer",
    "customer_tier",
    "services",
    "risk_flags",
    "category",
    "kind",
    "audience",
    "team",
    "language",
    "region",
}


def _check_references(policy: Policy, values: dict[str, Any]) -> None:
    """Keys that name configured things must exist, so a typo is caught rather than ignored."""
    checks = (("customer", policy.customers), ("team", policy.teams), ("assignee", policy.people))
    for name, known in checks:
        value = values.get(name)
        if value and known and value not in known:
            raise InvalidValue(f"unknown {name} {value!r}", name)
    for i, service in enumerate(values.get("services") or []):
        if policy.services and service not in policy.services:
            raise InvalidValue(f"unknown service {service!r}", f"services[{i}]")


def _apply_fields(row: Case, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "deadline":
            row.deadline_at = value["at"] if value else None
            row.deadline_consequence = value["consequence"] if value else None
        else:
            setattr(row, name, value)


def _reprioritise(row: Case, policy: Policy) -> bool:
    """Derive priority again from the current facts and any override; say whether it moved."""
    raw = row.priority_override
    override = Override(raw["priority"], raw["reason"], raw["by"]) if raw else None
    facts = rules.case_facts(case_fields(row), policy)
    result = compute_priority(policy.priority, row.impact, row.urgency, facts, override)
    changed = result.priority != row.priority
    row.priority = result.priority
    row.priority_explanation = list(result.explanation)
    return changed


def _retarget(edit: Edit, policy_name: str | None) -> None:
    """Priority moved: keep the time consumed, recompute targets and due instants."""
    facts = rules.case_facts(case_fields(edit.row), edit.policy)
    plan = rules.on_priority(
        edit.policy, policy_name, triggers.catch_up(edit), facts, edit.row.status, edit.now
    )
    edit.row.sla_policy = plan.policy_name
    edit.save_clocks(plan.clocks)
    escalating.reschedule_open(edit)


def create_case(app: App, data: CaseCreate, actor: str) -> CaseRead:
    now = app.clock.now()
    with app.transaction() as session:
        version_id = current_version_id(session)
        policy = app.policies.in_force(session, version_id, now)
        values = data.model_dump(mode="python")
        _check_references(policy, values)
        customer = policy.customers.get(data.customer or "")
        if values["customer_tier"] is None and customer is not None:
            values["customer_tier"] = customer.tier
        if values["language"] is None and customer is not None:
            values["language"] = customer.language
        values["deadline"] = data.deadline.model_dump() if data.deadline else None
        values["project"] = data.project.model_dump() if data.project else None
        routed = routing.route_new_case(session, policy, values, now)
        if routed is not None:
            values["team"] = routed.team or values.get("team")
            values["assignee"] = routed.person
        row = Case(
            created_at=now,
            updated_at=now,
            policy_version_id=version_id,
            priority=0,
            priority_explanation=[],
            priority_override=None,
            breached=False,
            watchers=[],
        )
        _apply_fields(row, values)
        _reprioritise(row, policy)
        session.add(row)
        session.flush()
        row.ref = f"ESC-{1000 + row.id}"
        plan = rules.open_clocks(policy, rules.case_facts(case_fields(row), policy), now)
        row.sla_policy = plan.policy_name
        clock_rows.save_for_case(session, row, plan.clocks, now, new=True)
        note(
            session,
            row,
            now,
            actor,
            "case_created",
            {
                "title": row.title,
                "priority": label(row.priority),
                "explanation": row.priority_explanation,
                "sla_policy": row.sla_policy,
                "policy_version": version_id,
            },
        )
        edit = edit_of(app, session, row, now, actor)
        edit.saved = plan.clocks
        if routed is not None:
            edit.note("routed", routed.as_dict(), actor=SYSTEM)
        follow_the_sun.schedule(edit)
        triggers.on_case(edit, None)
        communication.first_notice(edit)
        return edit.view()


def update_case(app: App, ref: str, data: CaseUpdate, actor: str) -> CaseRead:
    with editing(app, ref, actor) as edit:
        row = edit.row
        values = data.model_dump(mode="python", exclude_unset=True)
        if "project" in values and row.kind != "project":
            raise InvalidValue("project impact is only for cases of kind 'project'", "project")
        _check_references(edit.policy, values)
        if "customer" in values and "customer_tier" not in values:
            # the tier comes with the customer: a case moved to a VIP is a VIP's case
            customer = edit.policy.customers.get(values["customer"] or "")
            values["customer_tier"] = customer.tier if customer else None
        before = case_fields(row) | {"title": row.title}
        facts_before = edit.facts()
        _apply_fields(row, values)
        changes = {k: [before.get(k), v] for k, v in values.items() if before.get(k, v) != v}
        if values:
            edit.note("case_updated", {"changes": changes or values})
        if "team" in values:
            follow_the_sun.schedule(edit)
        if PRIORITY_INPUTS & values.keys():
            old = row.priority
            if _reprioritise(row, edit.policy):
                _retarget(edit, row.sla_policy)
                edit.note(
                    "priority_changed",
                    {
                        "from": label(old),
                        "to": label(row.priority),
                        "explanation": row.priority_explanation,
                    },
                )
        triggers.on_case(edit, facts_before)
        return edit.view()


def change_status(app: App, ref: str, data: StatusChange, actor: str) -> CaseRead:
    with editing(app, ref, actor) as edit:
        _set_status(edit, data.status, data.reason)
        return edit.view()


def _set_status(edit: Edit, status: str, reason: str | None) -> None:
    row, now = edit.row, edit.now
    rules.check_transition(row.status, status)
    clocks = rules.on_status(
        edit.policy, row.sla_policy, triggers.catch_up(edit), row.status, status, now
    )
    old = row.status
    row.status = status
    if status == "resolved":
        row.resolved_at = now
    elif status == "closed":
        row.closed_at = now
    elif status == "reopened":
        row.resolved_at = row.closed_at = None
    edit.save_clocks(clocks)
    edit.note("status_changed", {"from": old, "to": status, "reason": reason})
    if status in rules.DONE:
        escalating.end_all(edit, f"the case was {status}")
    else:
        escalating.reschedule_open(edit)


def add_comment(app: App, ref: str, data: CommentCreate, actor: str) -> CaseRead:
    with editing(app, ref, actor) as edit:
        comment(edit, data)
        return edit.view()


def comment(edit: Edit, data: CommentCreate) -> None:
    """A comment in an edit: replies and updates are the word the clocks wait for."""
    row = edit.row
    public = data.kind in ("reply", "update", "customer")
    edit.note("comment", {"kind": data.kind, "body": data.body, "public": public})
    clocks = rules.on_comment(edit.policy, triggers.catch_up(edit), data.kind, edit.now)
    if data.kind in ("reply", "update") and row.first_response_at is None:
        row.first_response_at = edit.now
    edit.save_clocks(clocks)
    if data.kind == "customer" and row.status == "waiting_on_customer":
        _set_status(edit, "open", "the customer replied")


def override_priority(app: App, ref: str, data: PriorityOverride, actor: str) -> CaseRead:
    with editing(app, ref, actor) as edit:
        row = edit.row
        override = make_override(data.priority, data.reason, actor)
        old = row.priority
        row.priority_override = {
            "priority": override.priority,
            "reason": override.reason,
            "by": override.by,
            "at": edit.now.isoformat(),
        }
        if _reprioritise(row, edit.policy):
            _retarget(edit, row.sla_policy)
        edit.note(
            "priority_overridden",
            {
                "from": label(old),
                "to": label(row.priority),
                "reason": override.reason,
                "explanation": row.priority_explanation,
            },
        )
        return edit.view()


def get_case(app: App, ref: str) -> CaseRead:
    with app.reading() as session:
        row = session.scalar(select(Case).where(Case.ref == ref.upper()))
        if row is None:
            raise NotFound(f"case {ref} does not exist", "ref")
        return read_case(session, row)


def list_cases(app: App, flt: CaseFilter) -> CasePage:
    query = select(Case)
    if flt.status:
        query = query.where(Case.status == flt.status)
    if flt.priority:
        query = query.where(Case.priority == int(flt.priority.upper().lstrip("P")))
    if flt.team:
        query = query.where(Case.team == flt.team)
    if flt.customer:
        query = query.where(Case.customer == flt.customer)
    if flt.breached is not None:
        query = query.where(Case.breached.is_(flt.breached))
    with app.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(
            session.scalars(
                query.order_by(Case.priority, Case.created_at, Case.id)
                .limit(flt.limit)
                .offset(flt.offset)
            )
        )
        clocks = clock_rows.load_many(session, [row.id for row in rows])
        items = [read_case(session, row, clocks.get(row.id, [])) for row in rows]
    return CasePage(items=items, total=total, limit=flt.limit, offset=flt.offset)


def timeline(app: App, ref: str) -> list[EventRead]:
    with app.reading() as session:
        case_id = session.scalar(select(Case.id).where(Case.ref == ref.upper()))
        if case_id is None:
            raise NotFound(f"case {ref} does not exist", "ref")
        events = session.scalars(
            select(Event).where(Event.case_id == case_id).order_by(Event.at, Event.id)
        )
        return [EventRead(at=e.at, actor=e.actor, type=e.type, data=e.data) for e in events]
