"""Priority: the DESIGN 1.2 matrix, the modifiers, the override, and the explanation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalon.core.conditions import Condition
from escalon.core.errors import InvalidValue, ReasonRequired
from escalon.core.priority import (
    Modifier,
    PriorityRules,
    compute_priority,
    make_override,
    parse_priority,
)

RULES = PriorityRules()

# DESIGN 1.2, copied cell by cell: rows are impact I1..I4, columns urgency U1..U4.
DESIGN_MATRIX = {
    1: ("P1", "P1", "P2", "P3"),
    2: ("P1", "P2", "P3", "P3"),
    3: ("P2", "P3", "P3", "P4"),
    4: ("P3", "P3", "P4", "P4"),
}
CELLS = [
    (impact, urgency, cell)
    for impact, row in DESIGN_MATRIX.items()
    for urgency, cell in enumerate(row, start=1)
]
REASON = "the customer's payroll run is blocked until this is fixed"


@pytest.mark.parametrize(("impact", "urgency", "expected"), CELLS)
def test_default_matrix_matches_the_design_table(impact: int, urgency: int, expected: str):
    result = compute_priority(RULES, impact, urgency, {})
    assert f"P{result.priority}" == expected
    assert result.computed == result.priority
    assert result.explanation == (f"matrix I{impact}×U{urgency} → {expected}",)


def test_vip_customer_raises_p2_to_p1_with_two_step_explanation():
    result = compute_priority(RULES, 2, 2, {"customer_tier": "vip"})
    assert result.priority == 1
    assert list(result.explanation) == ["matrix I2×U2 → P2", "customer tier vip → P1"]


@pytest.mark.parametrize("tier", ["standard", "gold", None])
def test_non_vip_customer_leaves_the_matrix_priority(tier: str | None):
    result = compute_priority(RULES, 2, 2, {"customer_tier": tier})
    assert result.priority == 2
    assert result.explanation == ("matrix I2×U2 → P2",)


@pytest.mark.parametrize("flag", ["security", "data_loss", "legal", "safety"])
def test_risk_flag_makes_a_p4_at_least_p2_and_names_the_flag(flag: str):
    result = compute_priority(RULES, 4, 4, {"risk_flags": [flag]})
    assert result.priority == 2
    assert list(result.explanation) == ["matrix I4×U4 → P4", f"risk flag {flag} → P2"]


def test_reputation_is_not_a_flag_that_raises_priority():
    result = compute_priority(RULES, 3, 3, {"risk_flags": ["reputation"]})
    assert result.priority == 3
    assert result.explanation == ("matrix I3×U3 → P3",)


def test_risk_flag_names_only_the_matching_flags():
    facts = {"risk_flags": ["reputation", "legal", "security"]}
    result = compute_priority(RULES, 3, 3, facts)
    assert result.explanation[-1] == "risk flag legal security → P2"


@pytest.mark.parametrize(("impact", "urgency", "already"), [(1, 1, "P1"), (2, 2, "P2")])
def test_risk_flag_leaves_p1_and_p2_unchanged_and_says_so(impact: int, urgency: int, already):
    result = compute_priority(RULES, impact, urgency, {"risk_flags": ["security"]})
    assert f"P{result.priority}" == already
    assert result.explanation[-1] == f"risk flag security → {already} (unchanged)"


@pytest.mark.parametrize(("value", "expected"), [("critical", 2), ("high", 3), (None, 3)])
def test_only_a_critical_service_raises_priority_one_step(value: str | None, expected: int):
    result = compute_priority(RULES, 3, 2, {"service_value": value})
    assert result.priority == expected
    if value == "critical":
        assert result.explanation[-1] == "critical service → P2"


def test_modifiers_apply_in_order_vip_then_risk_then_critical_service():
    facts = {"customer_tier": "vip", "risk_flags": ["data_loss"], "service_value": "critical"}
    result = compute_priority(RULES, 4, 4, facts)
    assert result.priority == 1
    assert list(result.explanation) == [
        "matrix I4×U4 → P4",
        "customer tier vip → P3",
        "risk flag data_loss → P2",
        "critical service → P1",
    ]


def test_priority_never_goes_above_p1():
    facts = {"customer_tier": "vip", "service_value": "critical"}
    result = compute_priority(RULES, 1, 1, facts)
    assert result.priority == 1
    assert list(result.explanation) == [
        "matrix I1×U1 → P1",
        "customer tier vip → P1 (unchanged)",
        "critical service → P1 (unchanged)",
    ]


@given(
    impact=st.integers(1, 4),
    urgency=st.integers(1, 4),
    tier=st.sampled_from(["standard", "gold", "vip", None]),
    flags=st.lists(st.sampled_from(["security", "data_loss", "legal", "safety", "reputation"])),
    value=st.sampled_from(["low", "medium", "high", "critical", None]),
)
def test_modifiers_only_ever_raise_and_stay_within_p1_to_p4(impact, urgency, tier, flags, value):
    facts = {"customer_tier": tier, "risk_flags": flags, "service_value": value}
    result = compute_priority(RULES, impact, urgency, facts)
    matrix = RULES.matrix[impact - 1][urgency - 1]
    assert 1 <= result.priority <= matrix
    assert result.explanation[0] == f"matrix I{impact}×U{urgency} → P{matrix}"
    assert result.explanation[-1].split(" → ")[1].startswith(f"P{result.priority}")


def test_a_configured_matrix_and_modifiers_replace_the_defaults():
    flat = tuple((3, 3, 3, 4) for _ in range(4))
    gold = Modifier(
        "gold customer",
        Condition.parse({"field": "customer_tier", "op": "eq", "value": "gold"}),
        raise_by=2,
    )
    rules = PriorityRules(matrix=flat, modifiers=(gold,))
    assert compute_priority(rules, 1, 1, {"customer_tier": "vip"}).priority == 3
    result = compute_priority(rules, 2, 4, {"customer_tier": "gold"})
    assert result.priority == 2
    assert list(result.explanation) == ["matrix I2×U4 → P4", "gold customer → P2"]


def test_override_comes_last_in_the_explanation_and_computed_keeps_the_derived_priority():
    override = make_override("P1", REASON, "ann")
    result = compute_priority(RULES, 3, 3, {"customer_tier": "vip"}, override)
    assert result.priority == 1
    assert result.computed == 2
    assert list(result.explanation) == [
        "matrix I3×U3 → P3",
        "customer tier vip → P2",
        f"override by ann → P1: {REASON}",
    ]


def test_override_may_lower_the_priority_too():
    result = compute_priority(RULES, 1, 1, {}, make_override(4, REASON, "bob"))
    assert (result.priority, result.computed) == (4, 1)


def test_make_override_keeps_the_reason_trimmed_and_the_person():
    override = make_override("p2", f"  {REASON}  ", "ann")
    assert (override.priority, override.reason, override.by) == (2, REASON, "ann")


@pytest.mark.parametrize("reason", [None, "", "   ", "urgent", "very urgent", "P1 now!"])
def test_override_without_a_written_reason_is_refused(reason: str | None):
    with pytest.raises(ReasonRequired) as caught:
        make_override("P1", reason, "ann")
    assert caught.value.field == "reason"


def test_override_to_an_unknown_priority_is_refused_before_the_reason():
    with pytest.raises(InvalidValue) as caught:
        make_override("P0", REASON, "ann")
    assert caught.value.field == "priority"


@pytest.mark.parametrize(
    ("impact", "urgency", "field"),
    [(0, 2, "impact"), (5, 2, "impact"), ("2", 2, "impact"), (2, 0, "urgency"), (2, 5, "urgency")],
)
def test_impact_or_urgency_outside_one_to_four_is_named_in_the_error(impact, urgency, field):
    with pytest.raises(InvalidValue) as caught:
        compute_priority(RULES, impact, urgency, {})
    assert caught.value.field == field
    assert repr(impact if field == "impact" else urgency) in caught.value.message


@pytest.mark.parametrize(
    ("given", "expected"), [("P1", 1), ("p2", 2), (3, 3), ("4", 4), (" P3 ", 3)]
)
def test_parse_priority_accepts_labels_and_numbers(given, expected: int):
    assert parse_priority(given) == expected


@pytest.mark.parametrize("given", ["P5", "P0", "high", "", "PP1", "P-1", 0, 5, None, "1.0"])
def test_parse_priority_refuses_anything_else_naming_the_field(given):
    with pytest.raises(InvalidValue) as caught:
        parse_priority(given, "target")
    assert caught.value.field == "target"
    assert caught.value.message.startswith(f"{given!r} is not a priority")


@pytest.mark.parametrize("given", ["²", "P²"])
def test_parse_priority_refuses_non_ascii_digits_with_invalid_value(given: str):
    with pytest.raises(InvalidValue):
        parse_priority(given)
