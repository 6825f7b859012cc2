"""Declarative conditions over a case's facts: data, never code to eval.

A condition is a mapping: `{"field": "customer_tier", "op": "eq", "value": "vip"}`, or a
combination `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}`. An empty condition matches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from escalon.core.errors import InvalidValue


def _as_set(value: Any) -> set[Any]:
    if value is None:
        return set()
    if isinstance(value, list | tuple | set | frozenset):
        return set(value)
    return {value}


def _member(actual: Any, expected: Any) -> bool:
    try:
        return actual in _as_set(expected)
    except TypeError:  # an unhashable fact (a list) is never a member
        return False


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(actual: Any, expected: Any) -> bool:
        try:
            return actual is not None and op(actual, expected)
        except TypeError:
            return False

    return check


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, v: a == v,
    "ne": lambda a, v: a != v,
    "in": _member,
    "not_in": lambda a, v: not _member(a, v),
    "contains": lambda a, v: _member(v, a),
    "intersects": lambda a, v: bool(_as_set(a) & _as_set(v)),
    "exists": lambda a, v: (a is not None and a != [] and a != "") == bool(v),
    "gt": _compare(lambda a, v: a > v),
    "gte": _compare(lambda a, v: a >= v),
    "lt": _compare(lambda a, v: a < v),
    "lte": _compare(lambda a, v: a <= v),
}


@dataclass(frozen=True)
class Condition:
    """A parsed condition tree; `describe` says in words why it matched."""

    kind: str  # "field", "all", "any", "not", "always"
    field: str = ""
    op: str = ""
    value: Any = None
    children: tuple[Condition, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None, place: str = "when") -> Condition:
        if raw is None or raw == {}:
            return cls("always")
        if not isinstance(raw, Mapping):
            raise InvalidValue("a condition must be a mapping", place)
        for combinator in ("all", "any"):
            if combinator in raw:
                items = raw[combinator]
                if not isinstance(items, list | tuple) or not items:
                    raise InvalidValue(f"'{combinator}' needs a non-empty list", place)
                parts = tuple(
                    cls.parse(item, f"{place}.{combinator}[{i}]") for i, item in enumerate(items)
                )
                return cls(combinator, children=parts)
        if "not" in raw:
            return cls("not", children=(cls.parse(raw["not"], f"{place}.not"),))
        if "field" not in raw:
            raise InvalidValue("a condition needs 'field', 'all', 'any' or 'not'", place)
        op = raw.get("op", "eq")
        if op not in OPERATORS:
            known = ", ".join(sorted(OPERATORS))
            raise InvalidValue(f"unknown operator {op!r} (known: {known})", f"{place}.op")
        value = raw.get("value", True if op == "exists" else None)
        return cls("field", field=str(raw["field"]), op=op, value=value)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        if self.kind == "always":
            return True
        if self.kind == "all":
            return all(child.matches(facts) for child in self.children)
        if self.kind == "any":
            return any(child.matches(facts) for child in self.children)
        if self.kind == "not":
            return not self.children[0].matches(facts)
        return OPERATORS[self.op](facts.get(self.field), self.value)

    def describe(self) -> str:
        if self.kind == "always":
            return "always"
        if self.kind in ("all", "any"):
            joiner = " and " if self.kind == "all" else " or "
            return "(" + joiner.join(child.describe() for child in self.children) + ")"
        if self.kind == "not":
            return f"not {self.children[0].describe()}"
        return f"{self.field} {self.op} {self.value}"

    def fields(self) -> set[str]:
        """Every fact name the condition reads, so configuration can check them."""
        if self.kind == "field":
            return {self.field}
        return set().union(*(child.fields() for child in self.children)) if self.children else set()
