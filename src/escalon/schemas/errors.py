"""Pydantic validation errors in plain words, the same at every edge (API and CLI)."""

from __future__ import annotations

from typing import Any

# Where FastAPI says the value came from; not part of the field's name.
_SOURCES = ("body", "query", "path")


def error_field(loc: tuple[Any, ...]) -> str:
    """`("body", "contacts", 0, "email")` → `contacts[0].email`."""
    out = ""
    for part in (str(p) for p in loc if p not in _SOURCES):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def error_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "json_invalid":
        return "the request body is not valid JSON"
    return str(error.get("msg", "is invalid")).removeprefix("Value error, ")
