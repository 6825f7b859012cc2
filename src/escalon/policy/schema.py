"""The shape of `escalon.yaml`, as pydantic models that refuse unknown keys.

The models check everything a single value can be checked for (types, enumerations,
durations, priorities, conditions); checks that need the whole document (references
between sections, manager chains, calendars that build) live in `lint`. Validators raise
`PydanticCustomError("escalon", ...)` with the finished sentence in `ctx["message"]`, and
optionally a `ctx["subpath"]` below the field (`op` of a condition), so that `lint` can
report plain words at the exact place instead of pydantic's generic phrasing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, model_validator
from pydantic_core import PydanticCustomError

from escalon.core.case import AUDIENCES, KINDS, RISK_FLAGS, STATUSES
from escalon.core.conditions import Condition
from escalon.core.durations import parse_duration
from escalon.core.errors import InvalidValue
from escalon.core.organisation import BUSINESS_VALUES, CHANNELS, TEAM_KINDS, TIERS
from escalon.core.priority import parse_priority

# The facts a case offers to conditions; a condition reading anything else never matches.
FACT_FIELDS = frozenset(
    {
        "kind",
        "category",
        "audience",
        "customer",
        "customer_tier",
        "services",
        "service_value",
        "risk_flags",
        "impact",
        "urgency",
        "priority",
        "status",
        "team",
        "assignee",
        "language",
        "region",
    }
)
PRIORITY_LABELS = ("P1", "P2", "P3", "P4")
METRICS = ("first_response", "update_interval", "resolution")

# Values a condition may compare these facts with; a typo (`vpi`) would silently never match.
_FACT_VALUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "customer_tier": ("customer tier", TIERS),
    "service_value": ("business value", BUSINESS_VALUES),
    "status": ("status", STATUSES),
    "risk_flags": ("risk flag", RISK_FLAGS),
    "kind": ("case kind", KINDS),
    "audience": ("audience", AUDIENCES),
}
_VALUE_OPS = frozenset({"eq", "ne", "in", "not_in", "contains", "intersects"})
_CONDITION_KEYS = {"field": {"field", "op", "value"}, "all": {"all"}, "any": {"any"}}
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")


def fail(message: str, subpath: str = "") -> PydanticCustomError:
    """The error every validator raises: the finished sentence, and where below the field."""
    return PydanticCustomError("escalon", "{message}", {"message": message, "subpath": subpath})


def one_of(values: Iterable[str], noun: str) -> Callable[[Any], str]:
    choices = tuple(values)

    def check(value: Any) -> str:
        if value not in choices:
            raise fail(f"{value!r} is not a {noun} ({', '.join(choices)})")
        return str(value)

    return check


def describe(value: Any) -> str:
    """How a wrong value reads in a message: YAML words for YAML's own types."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        scalar = not isinstance(value, Mapping | list | tuple) and value is not None
        hint = " (put it in quotes)" if scalar else ""
        raise fail(f"expected text, got {describe(value)}{hint}")
    if not value.strip():
        raise fail("must not be empty")
    return value


def _key(value: Any) -> str:
    text = _text(value)
    if not _KEY.match(text):
        raise fail(
            f"{text!r} is not a valid key (lowercase letters, digits, '-' and '_', "
            "starting with a letter or digit)"
        )
    return text


def _duration(value: Any) -> str:
    if not isinstance(value, str):
        raise fail(f"{value!r} is not a duration (write it with a unit, e.g. 4h, 30m)")
    try:
        parsed = parse_duration(value)
    except InvalidValue:
        raise fail(f"{value!r} is not a duration") from None
    if parsed <= timedelta(0):
        raise fail(f"{value!r} must be longer than zero")
    return value.strip()


def _priority(value: Any) -> str:
    try:
        return f"P{parse_priority(value)}"
    except InvalidValue:
        raise fail(f"{value!r} is not a priority (P1, P2, P3 or P4)") from None


def _timezone(value: Any) -> str:
    text = _text(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise fail(
            f"{text!r} is not a time zone (use an IANA name such as Europe/Budapest)"
        ) from None
    return text


def _language(value: Any) -> str:
    text = _text(value)
    if not _LANGUAGE.match(text):
        raise fail(f"{text!r} is not a language code (use e.g. en, hu, cs, tr)")
    return text


def _email(value: Any) -> str:
    text = _text(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise fail(f"{text!r} is not an email address")
    return text


def _channels(value: Any) -> dict[str, str]:
    """Where a person or team is reached, per channel; secrets stay in the environment."""
    if not isinstance(value, Mapping):
        raise fail(f"expected a mapping of channel to address, got {describe(value)}")
    result: dict[str, str] = {}
    for name, address in value.items():
        if name not in CHANNELS:
            raise fail(f"{name!r} is not a channel ({', '.join(CHANNELS)})", str(name))
        text = _email(address) if name == "email" else _text(address)
        if name != "email" and "://" not in text:
            raise fail(
                f"{text!r} is not a URL (slack://…, workflows://…, https://…); "
                "write secrets as ${VARIABLE} and set them in the environment",
                str(name),
            )
        result[str(name)] = text
    return result


def _raise_by(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        raise fail(f"{value!r} is not a number of steps (1, 2 or 3)")
    return value


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise fail(f"{value!r} is not a fraction between 0 and 1 (e.g. 0.75)")
    return float(value)


def json_safe(value: Any) -> Any:
    """Dates YAML parsed from `2026-12-24` back to text, so a calendar stores as JSON."""
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return value


def _calendar(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise fail("a calendar must be a mapping (timezone, hours, holidays, closed)")
    safe: dict[str, Any] = json_safe(value)
    return safe


def condition_problem(raw: Any, place: str = "") -> tuple[str, str] | None:
    """The first problem in a raw condition as (subpath, message), or None when it is sound.

    `Condition.parse` ignores keys it does not know and accepts any field name; a policy
    file must not, because `{field: customer_teir}` would never match and nobody would know.
    """
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, Mapping):
        return place, "a condition must be a mapping (field/op/value, all, any or not)"
    shape = next((k for k in ("all", "any", "not") if k in raw), "field")
    allowed = _CONDITION_KEYS.get(shape, {"not"})
    for key in raw:
        if key not in allowed:
            return _join(place, str(key)), f"unknown key {key!r} in a {shape!r} condition"
    try:
        Condition.parse(raw, place or "when")
    except InvalidValue as exc:
        return _strip_when(exc.field or "", place), exc.message
    if shape in ("all", "any"):
        for i, child in enumerate(raw[shape]):
            problem = condition_problem(child, f"{_join(place, shape)}[{i}]")
            if problem:
                return problem
        return None
    if shape == "not":
        return condition_problem(raw["not"], _join(place, "not"))
    return _field_problem(raw, place)


def _field_problem(raw: Mapping[str, Any], place: str) -> tuple[str, str] | None:
    name = raw["field"]
    if not isinstance(name, str) or name not in FACT_FIELDS:
        known = ", ".join(sorted(FACT_FIELDS))
        return _join(place, "field"), f"{name!r} is not a case fact (known: {known})"
    op = raw.get("op", "eq")
    if name in _FACT_VALUES and op in _VALUE_OPS:
        noun, allowed = _FACT_VALUES[name]
        value = raw.get("value")
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item not in allowed:
                return _join(place, "value"), f"{item!r} is not a {noun} ({', '.join(allowed)})"
    return None


def _join(place: str, part: str) -> str:
    return f"{place}.{part}" if place else part


def _strip_when(field: str, place: str) -> str:
    """`Condition.parse` names places from `when`; we name them from the field's own root."""
    root = place or "when"
    if field == root:
        return place
    if field.startswith(root + "."):
        return _join(place, field[len(root) + 1 :])
    return place


def _condition(value: Any) -> dict[str, Any] | None:
    problem = condition_problem(value)
    if problem:
        subpath, message = problem
        raise fail(message, subpath)
    return dict(value) if value else None


Key = Annotated[str, PlainValidator(_key)]
Text = Annotated[str, PlainValidator(_text)]
Duration = Annotated[str, PlainValidator(_duration)]
PriorityLabel = Annotated[str, PlainValidator(_priority)]
TimeZone = Annotated[str, PlainValidator(_timezone)]
Language = Annotated[str, PlainValidator(_language)]
Email = Annotated[str, PlainValidator(_email)]
Channels = Annotated[dict[str, str], PlainValidator(_channels)]
Tier = Annotated[str, PlainValidator(one_of(TIERS, "customer tier"))]
BusinessValue = Annotated[str, PlainValidator(one_of(BUSINESS_VALUES, "business value"))]
TeamKind = Annotated[str, PlainValidator(one_of(TEAM_KINDS, "team kind"))]
Status = Annotated[str, PlainValidator(one_of(STATUSES, "case status"))]
When = Annotated[dict[str, Any] | None, BeforeValidator(_condition)]
CalendarConfig = Annotated[dict[str, Any], BeforeValidator(_calendar)]
RaiseBy = Annotated[int, PlainValidator(_raise_by)]
Fraction = Annotated[float, PlainValidator(_fraction)]


class Strict(BaseModel):
    """Every section refuses keys it does not know, so a typo is an error, not a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactSpec(Strict):
    """Someone at the customer who hears about its cases; language and zone default to its."""

    name: Text
    email: Email
    language: Language | None = None
    timezone: TimeZone | None = None


class CustomerSpec(Strict):
    name: Text
    tier: Tier = "standard"
    language: Language = "en"
    timezone: TimeZone = "UTC"
    contacts: list[ContactSpec] = Field(default_factory=list)
    account_manager: Key | None = None


class ServiceSpec(Strict):
    name: Text
    business_value: BusinessValue = "medium"


class MatrixSpec(Strict):
    """Rows are impact I1 (widespread) … I4 (minor); each row lists urgency U1 … U4."""

    I1: Annotated[list[PriorityLabel], Field(min_length=4, max_length=4)]
    I2: Annotated[list[PriorityLabel], Field(min_length=4, max_length=4)]
    I3: Annotated[list[PriorityLabel], Field(min_length=4, max_length=4)]
    I4: Annotated[list[PriorityLabel], Field(min_length=4, max_length=4)]

    def rows(self) -> list[list[str]]:
        return [self.I1, self.I2, self.I3, self.I4]


class ModifierSpec(Strict):
    name: Text
    when: When = None
    raise_by: RaiseBy | None = Field(default=None, alias="raise")
    at_least: PriorityLabel | None = None

    @model_validator(mode="after")
    def _one_effect(self) -> ModifierSpec:
        if (self.raise_by is None) == (self.at_least is None):
            raise fail("a modifier needs exactly one of 'raise' (1-3) or 'at_least' (P1-P4)")
        return self


class PrioritySpec(Strict):
    matrix: MatrixSpec | None = None
    modifiers: list[ModifierSpec] | None = None


class TargetSpec(Strict):
    first_response: Duration | None = None
    update_interval: Duration | None = None
    resolution: Duration | None = None
    calendar: Key | None = None

    def metrics(self) -> dict[str, str]:
        """The metrics this entry sets, by name, in a stable order."""
        return {m: getattr(self, m) for m in METRICS if getattr(self, m) is not None}


class SlaSpec(Strict):
    name: Text
    when: When = None
    calendar: Key | None = None
    warn_at: Fraction = 0.75
    pause_statuses: list[Status] = Field(default_factory=lambda: ["waiting_on_customer"])
    targets: dict[PriorityLabel, TargetSpec] = Field(default_factory=dict)
