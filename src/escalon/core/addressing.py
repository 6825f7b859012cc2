"""Who receives a notification, at which address, in which language and time zone.

A recipient is a person or a team (as escalation levels and triggers name them). A person
is reached on the requested channel, or by email when they declared no such channel. A
team with its own address for the channel (a team mailbox, a Slack channel) is reached
there, in the team's language; a team without one is reached through its members, each
in their own language, and a team with neither through its manager. A customer is reached
by email through its contacts, each in their language.
"""

from __future__ import annotations

from dataclasses import dataclass

from escalon.core.org import Org
from escalon.core.organisation import Person


@dataclass(frozen=True)
class Address:
    channel: str
    target: str  # an email address or a URL (which may hold ${VARIABLES})
    name: str
    language: str
    timezone: str


def addresses(org: Org, kind: str, key: str, channel: str) -> tuple[Address, ...]:
    """Where to send; empty when nobody reachable was found (the caller records why)."""
    if kind == "customer":
        customer = org.customers.get(key)
        contacts = customer.contacts if customer else ()
        return tuple(Address("email", c.email, c.name, c.language, c.timezone) for c in contacts)
    if kind == "person":
        person = org.people.get(key)
        found = _person(person, channel) if person else None
        return (found,) if found else ()
    team = org.teams.get(key)
    if team is None:
        return ()
    own = team.address(channel)
    if own:
        return (Address(channel, own, team.name, team.language, team.timezone),)
    members = team.members or ((team.manager,) if team.manager else ())
    found_all = (_person(org.people.get(m), channel) for m in members)
    return tuple(dict.fromkeys(a for a in found_all if a is not None))


def _person(person: Person | None, channel: str) -> Address | None:
    if person is None:
        return None
    language = person.languages[0] if person.languages else "en"
    for wanted in (channel, "email"):
        target = person.address(wanted)
        if target:
            return Address(wanted, target, person.name, language, person.timezone)
    return None
