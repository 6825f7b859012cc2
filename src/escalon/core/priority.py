"""Priority: an impact × urgency matrix, then modifier rules, with the steps that produced it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from escalon.core.conditions import Condition
from escalon.core.errors import InvalidValue, ReasonRequired

PRIORITIES = (1, 2, 3, 4)

# Rows are impact 1..4 (widespread … minor), columns urgency 1..4 (critical … low).
DEFAULT_MATRIX: tuple[tuple[int, ...], ...] = (
    (1, 1, 2, 3),
    (1, 2, 3, 3),
    (2, 3, 3, 4),
    (3, 3, 4, 4),
)


def parse_priority(value: Any, field_name: str = "priority") -> int:
    """Accept `P1`…`P4` or 1…4; anything else is an error naming the field."""
    text = str(value).strip().upper()
    if text.startswith("P"):
        text = text[1:]
    if text in ("1", "2", "3", "4"):
        return int(text)
    raise InvalidValue(f"{value!r} is not a priority (use P1, P2, P3 or P4)", field_name)


def label(priority: int) -> str:
    return f"P{priority}"


@dataclass(frozen=True)
class Modifier:
    """A rule that moves priority: `raise_by` steps towards P1, or `at_least` a floor."""

    name: str
    when: Condition
    raise_by: int = 0
    at_least: int | None = None

    def apply(self, priority: int) -> int:
        result = max(1, priority - self.raise_by)
        if self.at_least is not None:
            result = min(result, self.at_least)
        return result


DEFAULT_MODIFIERS: tuple[Modifier, ...] = (
    Modifier(
        "customer tier vip",
        Condition.parse({"field": "customer_tier", "op": "eq", "value": "vip"}),
        raise_by=1,
    ),
    Modifier(
        "risk flag",
        Condition.parse(
            {
                "field": "risk_flags",
                "op": "intersects",
                "value": ["security", "data_loss", "legal", "safety"],
            }
        ),
        at_least=2,
    ),
    Modifier(
        "critical service",
        Condition.parse({"field": "service_value", "op": "eq", "value": "critical"}),
        raise_by=1,
    ),
)


@dataclass(frozen=True)
class PriorityRules:
    matrix: tuple[tuple[int, ...], ...] = DEFAULT_MATRIX
    modifiers: tuple[Modifier, ...] = DEFAULT_MODIFIERS


@dataclass(frozen=True)
class Override:
    priority: int
    reason: str
    by: str


@dataclass(frozen=True)
class PriorityResult:
    priority: int
    computed: int
    explanation: tuple[str, ...] = field(default_factory=tuple)


def compute_priority(
    rules: PriorityRules,
    impact: int,
    urgency: int,
    facts: Mapping[str, Any],
    override: Override | None = None,
) -> PriorityResult:
    """Derive a priority and the ordered steps that explain it; never above P1."""
    for name, value in (("impact", impact), ("urgency", urgency)):
        if value not in PRIORITIES:
            raise InvalidValue(f"{value!r} is not between 1 and 4", name)
    priority = rules.matrix[impact - 1][urgency - 1]
    steps = [f"matrix I{impact}×U{urgency} → {label(priority)}"]
    for modifier in rules.modifiers:
        if not modifier.when.matches(facts):
            continue
        changed = modifier.apply(priority)
        detail = _matched_detail(modifier, facts)
        if changed == priority:
            steps.append(f"{modifier.name}{detail} → {label(priority)} (unchanged)")
        else:
            steps.append(f"{modifier.name}{detail} → {label(changed)}")
        priority = changed
    computed = priority
    if override is not None:
        steps.append(f"override by {override.by} → {label(override.priority)}: {override.reason}")
        priority = override.priority
    return PriorityResult(priority=priority, computed=computed, explanation=tuple(steps))


def _matched_detail(modifier: Modifier, facts: Mapping[str, Any]) -> str:
    """Name the matched value when the rule tests one field (`risk flag security`)."""
    cond = modifier.when
    if cond.kind != "field":
        return ""
    actual = facts.get(cond.field)
    if cond.op == "intersects" and isinstance(actual, Sequence) and not isinstance(actual, str):
        hits = [v for v in actual if v in set(cond.value or [])]
        shown = " ".join(str(v) for v in hits)
    else:
        shown = str(actual)
    return "" if shown in modifier.name else f" {shown}"


def make_override(priority: Any, reason: str | None, by: str) -> Override:
    """An override needs a written reason: a bare priority is refused."""
    value = parse_priority(priority)
    text = (reason or "").strip()
    if len(text) < 10 or len(text.split()) < 3:
        raise ReasonRequired(
            "a priority override needs a written reason of a few words saying why", "reason"
        )
    return Override(priority=value, reason=text, by=by)
