"""Who and what a case concerns: customers, services, teams and people, as configured."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

TIERS = ("standard", "gold", "vip")
BUSINESS_VALUES = ("low", "medium", "high", "critical")
TEAM_KINDS = ("frontline", "specialist", "management", "vendor")
# How a level or rule reaches people; each person or team gives an address per channel
# (chat: a Slack or Teams URL, sms/phone: a provider URL apprise knows, webhook: https).
CHANNELS = ("email", "chat", "sms", "phone", "webhook")


@dataclass(frozen=True)
class Contact:
    """Someone at a customer who hears about its cases (a communication plan's audience)."""

    name: str
    email: str
    language: str
    timezone: str


@dataclass(frozen=True)
class Customer:
    key: str
    name: str
    tier: str = "standard"
    language: str = "en"
    timezone: str = "UTC"
    contacts: tuple[Contact, ...] = ()
    account_manager: str | None = None  # a person who watches the customer's cases


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    business_value: str = "medium"


@dataclass(frozen=True)
class Absence:
    """Out of office over [start, end): never chosen, skipped in a manager chain."""

    start: datetime
    end: datetime
    note: str = ""

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    email: str | None = None
    chat: str | None = None
    manager: str | None = None
    languages: tuple[str, ...] = ("en",)
    timezone: str = "UTC"
    channels: Mapping[str, str] = field(default_factory=dict)
    authority: int = 0  # 0 agent … higher for leads, managers, directors
    skills: tuple[str, ...] = ()
    calendar: str | None = None  # own working hours; else those of their first team
    out_of_office: tuple[Absence, ...] = ()

    def address(self, channel: str) -> str | None:
        return address_in(self.channels, self.email, channel)

    def away(self, at: datetime) -> Absence | None:
        return next((a for a in self.out_of_office if a.covers(at)), None)

    def speaks(self, language: str | None) -> bool:
        return language is None or language in self.languages


@dataclass(frozen=True)
class Team:
    key: str
    name: str
    kind: str = "frontline"
    calendar: str | None = None
    timezone: str = "UTC"
    manager: str | None = None
    members: tuple[str, ...] = field(default_factory=tuple)
    expertise: tuple[str, ...] = field(default_factory=tuple)
    language: str = "en"
    email: str | None = None
    channels: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    schedule: str | None = None  # the team's on-call schedule
    auto_assign: bool = False  # new cases without an assignee are routed to a member
    follow_the_sun: tuple[str, ...] = ()  # regional teams, in the order the sun reaches them

    def address(self, channel: str) -> str | None:
        return address_in(self.channels, self.email, channel)


def address_in(channels: Mapping[str, str], email: str | None, channel: str) -> str | None:
    """An email channel falls back to the plain `email` field; other channels are explicit."""
    if channel == "email":
        return channels.get("email") or email
    return channels.get(channel)


def highest_value(values: list[str]) -> str | None:
    """The business value of a set of services is that of the most valuable one."""
    ranked = [v for v in values if v in BUSINESS_VALUES]
    return max(ranked, key=BUSINESS_VALUES.index) if ranked else None
