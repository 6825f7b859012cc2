"""Who and what a case concerns: customers, services, teams and people, as configured."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    business_value: str = "medium"


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

    def address(self, channel: str) -> str | None:
        return address_in(self.channels, self.email, channel)


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
