"""The vocabulary every lint check speaks: a `Problem` at a path, and the wording helpers.

It lives apart from `lint` so that checks in their own modules (`lint_escalation`) can
produce problems while `lint` imports them, without an import cycle.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

Segment = str | int
BUILTIN_CALENDAR = "24x7"


@dataclass(frozen=True)
class LintError:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class Problem(NamedTuple):
    """An error before it has a line: `where` is shown, `at` (default `where`) is looked up."""

    where: tuple[Segment, ...]
    message: str
    at: tuple[Segment, ...] | None = None
    line: int | None = None

    def error(self, line: int | None = None) -> LintError:
        return LintError(path_text(self.where), self.message, line)


def path_text(where: tuple[Segment, ...]) -> str:
    text = ""
    for seg in where:
        text += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if text else str(seg))
    return text


def unknown(kind: str, name: str, known: list[str]) -> str:
    """`unknown key 'resolutin' (did you mean 'resolution'?)`, or the choices when no guess."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {kind} {name!r} (did you mean {close[0]!r}?)"
    if not known:
        return f"unknown {kind} {name!r} (none are defined)"
    shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    return f"unknown {kind} {name!r} (known: {shown})"


def as_mapping(value: Any) -> Mapping[Any, Any]:
    """Raw data of the wrong shape reads as empty: the schema already reports the shape."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def calendar_names(data: Mapping[str, Any]) -> list[str]:
    """The calendars a reference may name: the defined ones and the built-in `24x7`."""
    names = [str(k) for k in as_mapping(data.get("calendars"))]
    return names if BUILTIN_CALENDAR in names else [*names, BUILTIN_CALENDAR]
