"""Build the organisation of a policy: people, teams, customers, roles and on-call schedules.

Moments written in the YAML are local wall-clock times in their owner's zone (a person's
absence in the person's zone, a schedule's overrides in the schedule's); here they become
UTC instants, a whole-day `to` ending at the next local midnight.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from escalon.core.calendar_hours import parse_hours
from escalon.core.durations import parse_duration
from escalon.core.org import RoleHolder
from escalon.core.organisation import Absence, Contact, Customer, Person, Team
from escalon.core.schedules import Layer, Override, Schedule
from escalon.policy.document import PolicyDocument
from escalon.policy.organisation_schema import PeriodSpec, as_datetime, parse_moment


def instant(text: str, zone: ZoneInfo, *, end: bool = False) -> datetime:
    """A local moment as UTC; a date is its midnight, or the next one when it ends a period."""
    return as_datetime(parse_moment(text), inclusive=end).replace(tzinfo=zone).astimezone(UTC)


def _period(spec: PeriodSpec, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return instant(spec.start, zone), instant(spec.end, zone, end=True)


def people(doc: PolicyDocument) -> dict[str, Person]:
    built = {}
    for key, p in doc.people.items():
        zone = ZoneInfo(p.timezone)
        absences = tuple(Absence(*_period(a, zone), a.note or "") for a in p.out_of_office)
        built[key] = Person(
            key,
            p.name,
            p.email,
            p.chat,
            p.manager,
            tuple(p.languages),
            p.timezone,
            dict(p.channels),
            p.authority,
            tuple(p.skills),
            p.calendar,
            tuple(sorted(absences, key=lambda a: a.start)),
        )
    return built


def teams(doc: PolicyDocument) -> dict[str, Team]:
    return {
        key: Team(
            key,
            t.name,
            t.kind,
            t.calendar,
            t.timezone,
            t.manager,
            tuple(t.members),
            tuple(t.expertise),
            t.language,
            t.email,
            dict(t.channels),
            t.region,
            t.schedule,
            t.auto_assign,
            tuple(t.follow_the_sun),
        )
        for key, t in doc.teams.items()
    }


def customers(doc: PolicyDocument) -> dict[str, Customer]:
    return {
        key: Customer(
            key,
            c.name,
            c.tier,
            c.language,
            c.timezone,
            tuple(
                Contact(x.name, x.email, x.language or c.language, x.timezone or c.timezone)
                for x in c.contacts
            ),
            c.account_manager,
        )
        for key, c in doc.customers.items()
    }


def roles(doc: PolicyDocument) -> dict[str, RoleHolder]:
    return {key: RoleHolder(r.person, r.schedule) for key, r in doc.roles.items()}


def schedules(doc: PolicyDocument) -> dict[str, Schedule]:
    built = {}
    for key, s in doc.schedules.items():
        zone = ZoneInfo(s.timezone)
        layers = tuple(
            Layer(
                layer.name,
                tuple(layer.members),
                as_datetime(parse_moment(layer.start)),
                parse_duration(layer.length),
                parse_hours(layer.restrict) if layer.restrict else None,
            )
            for layer in s.layers
        )
        overrides = tuple(Override(o.person, *_period(o, zone)) for o in s.overrides)
        built[key] = Schedule(key, s.name, s.timezone, layers, overrides)
    return built
