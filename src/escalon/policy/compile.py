"""Turn a validated policy document into the immutable `core.policy.Policy` the rules run on.

The database stores a policy version as the JSON of its document (`document_to_json`), and
compiles it again when a case needs it; so compiling accepts that JSON as well as the model,
and validates it first: stored data is input like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from escalon.core.calendar import BusinessCalendar, HolidaySource
from escalon.core.communication import Plan
from escalon.core.conditions import Condition
from escalon.core.delivery import Delivery, Retry
from escalon.core.durations import parse_duration
from escalon.core.escalation import ReasonCategory, Type
from escalon.core.organisation import Service
from escalon.core.paths import Level, Path, Role, SlaMove, TargetRef, Unavailable
from escalon.core.policy import Policy
from escalon.core.priority import DEFAULT_MATRIX, DEFAULT_MODIFIERS, Modifier, PriorityRules
from escalon.core.priority import parse_priority as priority_number
from escalon.core.sla import Metric, SlaPolicy, Target
from escalon.core.triggers import Do, On, Trigger
from escalon.holiday_source import PackageHolidaySource
from escalon.policy import compile_organisation as organisation
from escalon.policy.document import PolicyDocument
from escalon.policy.escalation_schema import ROLES, PathSpec, TargetRefSpec, TriggerSpec
from escalon.policy.lint import BUILTIN_CALENDAR, PolicyInvalid, check
from escalon.policy.schema import PrioritySpec, SlaSpec


def document_to_json(document: PolicyDocument) -> dict[str, Any]:
    """The JSON-safe form to store; `compile_policy` accepts it back unchanged."""
    return document.model_dump(mode="json", by_alias=True, exclude_none=True)


def compile_policy(
    document: PolicyDocument | Mapping[str, Any], *, holidays: HolidaySource | None = None
) -> Policy:
    """Validate, then build; raises `PolicyInvalid` with every error if the document is bad.

    A model is checked again too, because the schema alone cannot see references between
    sections (an SLA naming a calendar that does not exist) or calendars that do not build.
    """
    data = document_to_json(document) if isinstance(document, PolicyDocument) else document
    source = holidays if holidays is not None else PackageHolidaySource()
    checked = check(data, holidays=source)
    if checked.problems or checked.document is None:
        raise PolicyInvalid([p.error() for p in checked.problems])
    doc = checked.document
    calendars = dict(checked.calendars)
    calendars.setdefault(BUILTIN_CALENDAR, BusinessCalendar.always_open())
    return Policy(
        priority=_priority(doc.priority),
        sla=tuple(_sla(spec, i) for i, spec in enumerate(doc.sla)),
        calendars=calendars,
        customers=organisation.customers(doc),
        services={key: Service(key, s.name, s.business_value) for key, s in doc.services.items()},
        teams=organisation.teams(doc),
        people=organisation.people(doc),
        paths=tuple(_path(spec, i) for i, spec in enumerate(doc.escalation_paths)),
        routes=dict(doc.functional_routes),
        triggers=tuple(_trigger(spec, i) for i, spec in enumerate(doc.triggers)),
        communication={
            priority_number(label): Plan(
                priority_number(label),
                plan.first_notice,
                parse_duration(plan.cadence) if plan.cadence else None,
                _targets(plan.audiences),
                plan.customer,
                tuple(plan.channels),
            )
            for label, plan in doc.communication_plans.items()
        },
        delivery=Delivery(
            parse_duration(doc.notifications.digest_window),
            Retry(
                first=parse_duration(doc.notifications.retry.first),
                cap=parse_duration(doc.notifications.retry.cap),
                attempts=doc.notifications.retry.attempts,
            ),
        ),
        schedules=organisation.schedules(doc),
        roles=organisation.roles(doc),
    )


def _targets(specs: list[TargetRefSpec]) -> tuple[TargetRef, ...]:
    return tuple(_target(t) for t in specs)


def _target(spec: TargetRefSpec) -> TargetRef:
    """A role is relative to the case when it is one of `Role`, else a named role."""
    relative = spec.role in ROLES
    return TargetRef(
        spec.team,
        spec.person,
        Role(spec.role) if spec.role and relative else None,
        spec.up,
        spec.schedule,
        spec.role if spec.role and not relative else None,
    )


def _path(spec: PathSpec, index: int) -> Path:
    levels = tuple(
        Level(
            name=level.name,
            targets=_targets(level.targets),
            ack=parse_duration(level.ack) if level.ack else None,
            after=parse_duration(level.after) if level.after else None,
            sla=SlaMove(Metric(level.sla.metric), level.sla.fraction) if level.sla else None,
            calendar=level.calendar or BUILTIN_CALENDAR,
            channels=tuple(level.channels),
            when_unavailable=Unavailable(level.when_unavailable),
        )
        for level in spec.levels
    )
    return Path(
        name=spec.name,
        when=Condition.parse(spec.when, f"escalation_paths[{index}].when"),
        levels=levels,
        audience=spec.audience,
        approval=spec.approval,
        reassign_on_breach=spec.reassign_on_breach,
        repeat=spec.repeat,
        reason_deadline=parse_duration(spec.reason_deadline),
    )


def _trigger(spec: TriggerSpec, index: int) -> Trigger:
    reason = spec.reason
    return Trigger(
        name=spec.name,
        on=frozenset(On(event) for event in spec.events),
        when=Condition.parse(spec.when, f"triggers[{index}].when"),
        action=Do(spec.action),
        type=Type(spec.type),
        targets=_targets(spec.targets),
        level=spec.level,
        metric=Metric(spec.metric) if spec.metric else None,
        category=ReasonCategory(reason.category) if reason and reason.category else None,
        reason=reason.text if reason else None,
        channels=tuple(spec.channels),
    )


def _priority(spec: PrioritySpec | None) -> PriorityRules:
    """What the document leaves out keeps the defaults of DESIGN 1.2; `modifiers: []` is none."""
    if spec is None:
        return PriorityRules()
    matrix = DEFAULT_MATRIX
    if spec.matrix is not None:
        matrix = tuple(tuple(priority_number(p) for p in row) for row in spec.matrix.rows())
    modifiers = DEFAULT_MODIFIERS
    if spec.modifiers is not None:
        modifiers = tuple(
            Modifier(
                m.name,
                Condition.parse(m.when, f"priority.modifiers[{i}].when"),
                raise_by=m.raise_by or 0,
                at_least=priority_number(m.at_least) if m.at_least else None,
            )
            for i, m in enumerate(spec.modifiers)
        )
    return PriorityRules(matrix=matrix, modifiers=modifiers)


def _sla(spec: SlaSpec, index: int) -> SlaPolicy:
    """Each target runs on its own calendar, else the policy's, else the built-in 24x7."""
    targets: dict[int, dict[Metric, Target]] = {}
    for label, entry in spec.targets.items():
        calendar = entry.calendar or spec.calendar or BUILTIN_CALENDAR
        targets[priority_number(label)] = {
            Metric(metric): Target(Metric(metric), parse_duration(text), calendar)
            for metric, text in entry.metrics().items()
        }
    return SlaPolicy(
        name=spec.name,
        when=Condition.parse(spec.when, f"sla[{index}].when"),
        targets=targets,
        warn_at=spec.warn_at,
        pause_statuses=frozenset(spec.pause_statuses),
    )
