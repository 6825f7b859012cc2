"""Posted forms into the API's own schemas, and their refusals back onto the fields.

Form fields are named after the schema's fields, nested with dots (`reason.text`,
`items.0.due`), so a pydantic error or a domain error (`DomainError.field`) points at the
input that caused it and the page can show the message right beside it. A refused form is
rendered again with everything the user typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from escalon.core.errors import DomainError
from escalon.schemas.errors import error_message
from escalon.vocabulary import N_

Model = TypeVar("Model", bound=BaseModel)

_INDEX = re.compile(r"^\d{1,3}$")
_LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")  # <input type=datetime-local>


# What pydantic's error kinds mean to a person filling in a form (translated in templates).
MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "string_pattern_mismatch": N_("Use letters, digits, '.', '_', '@', '+' or '-' only."),
    "literal_error": N_("Choose one of the offered values."),
    "int_parsing": N_("Enter a whole number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_parsing": N_("Enter a date."),
    "datetime_from_date_parsing": N_("Enter a date and a time."),
    "datetime_parsing": N_("Enter a date and a time."),
    "too_short": N_("Add at least one."),
}


@dataclass(frozen=True)
class Failed:
    """The form that was refused on this page: its name, its errors and its values."""

    form: str
    errors: dict[str, str]
    values: dict[str, str]


@dataclass
class Refusal(Exception):
    """What was wrong with a form, field by field, and what the user had typed."""

    errors: dict[str, str]
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, exc: DomainError, values: dict[str, str], default: str) -> Refusal:
        """Beside the field the rule names, when the form has that field; a rule about
        something the form has no input for (who acts, a record's state) is said above it."""
        field = exc.field or default
        return cls({field if field in values else "form": exc.message}, values)


def nested(fields: dict[str, str], zone: ZoneInfo) -> dict[str, Any]:
    """`{"reason.text": "…", "items.0.step": "…"}` → the nested data a schema takes.

    Blank fields are left out, so the schema's defaults and "is required" apply; a local
    date-time from the browser is read in the viewer's zone.
    """
    root: dict[str, Any] = {}
    for name, raw in fields.items():
        value = raw.strip()
        if not value:
            continue
        if _LOCAL_TIME.match(value):
            value = datetime.fromisoformat(value).replace(tzinfo=zone).isoformat()
        parts = name.split(".")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def compact_rows(fields: dict[str, str]) -> dict[str, str]:
    """Rows (`items.N.…`) left blank dropped and the rest numbered from 0, so that a refusal
    points at the row as the page shows it again, not at the blank row above it."""
    rows: dict[tuple[str, int], dict[str, str]] = {}
    out: dict[str, str] = {}
    for name, value in fields.items():
        parts = name.split(".")
        if len(parts) == 3 and _INDEX.match(parts[1]):
            rows.setdefault((parts[0], int(parts[1])), {})[parts[2]] = value
        else:
            out[name] = value
    kept: dict[str, int] = {}
    for (prefix, _), row in sorted(rows.items()):
        if any(v.strip() for v in row.values()):
            number = kept.setdefault(prefix, 0)
            out |= {f"{prefix}.{number}.{key}": value for key, value in row.items()}
            kept[prefix] = number + 1
    return out


def _lists(node: dict[str, Any]) -> dict[str, Any]:
    """Dicts keyed 0, 1, 2 … become lists in that order (the rows of a plan)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            value = _lists(value)
            if value and all(_INDEX.match(k) for k in value):
                value = [value[k] for k in sorted(value, key=int)]
        out[key] = value
    return out


def parse(model: type[Model], fields: dict[str, str], zone: ZoneInfo, **fixed: Any) -> Model:
    """The form as `model`, or a `Refusal` naming each field that is wrong."""
    try:
        return model.model_validate(nested(fields, zone) | fixed)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = ".".join(str(p) for p in error.get("loc", ())) or "form"
            errors.setdefault(name, MESSAGES.get(error.get("type", ""), error_message(dict(error))))
        raise Refusal(errors, fields) from None
