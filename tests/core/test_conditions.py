"""Declarative conditions: each operator, nesting, missing facts, errors, describe, fields."""

from __future__ import annotations

from typing import Any

import pytest

from escalon.core.conditions import OPERATORS, Condition
from escalon.core.errors import InvalidValue


def matches(raw: dict[str, Any] | None, facts: dict[str, Any]) -> bool:
    return Condition.parse(raw).matches(facts)


# (operator, expected value, actual fact, matches?)
OPERATOR_CASES = [
    ("eq", "vip", "vip", True),
    ("eq", "vip", "gold", False),
    ("ne", "vip", "gold", True),
    ("ne", "vip", "vip", False),
    ("in", ["gold", "vip"], "vip", True),
    ("in", ["gold", "vip"], "standard", False),
    ("in", "vip", "vip", True),
    ("not_in", ["gold", "vip"], "standard", True),
    ("not_in", ["gold", "vip"], "gold", False),
    ("contains", "payments", ["mail", "payments"], True),
    ("contains", "payments", ["mail"], False),
    ("intersects", ["security", "legal"], ["legal", "reputation"], True),
    ("intersects", ["security", "legal"], ["reputation"], False),
    ("intersects", ["security"], [], False),
    ("exists", True, "ann", True),
    ("exists", True, "", False),
    ("exists", True, [], False),
    ("exists", False, [], True),
    ("exists", False, "ann", False),
    ("gt", 2, 3, True),
    ("gt", 2, 2, False),
    ("gte", 2, 2, True),
    ("gte", 2, 1, False),
    ("lt", 2, 1, True),
    ("lt", 2, 2, False),
    ("lte", 2, 2, True),
    ("lte", 2, 3, False),
    ("gt", 2, "three", False),  # incomparable types never match and never raise
    ("lt", "b", "a", True),
]


@pytest.mark.parametrize(("op", "value", "actual", "expected"), OPERATOR_CASES)
def test_each_operator_matches_its_fact(op: str, value: Any, actual: Any, expected: bool):
    assert matches({"field": "x", "op": op, "value": value}, {"x": actual}) is expected


def test_operator_table_covers_every_operator():
    assert {case[0] for case in OPERATOR_CASES} == set(OPERATORS)


def test_operator_defaults_to_eq():
    condition = Condition.parse({"field": "kind", "value": "incident"})
    assert condition.op == "eq"
    assert condition.matches({"kind": "incident"})
    assert not condition.matches({"kind": "complaint"})


# On a missing fact, an operator asking for a value never matches; negations do.
MISSING_CASES = [
    ("eq", "vip", False),
    ("in", ["vip"], False),
    ("contains", "payments", False),
    ("intersects", ["security"], False),
    ("exists", True, False),
    ("exists", False, True),
    ("gt", 1, False),
    ("gte", 1, False),
    ("lt", 1, False),
    ("lte", 1, False),
    ("ne", "vip", True),
    ("not_in", ["vip"], True),
]


@pytest.mark.parametrize(("op", "value", "expected"), MISSING_CASES)
def test_missing_fact_matches_only_negations(op: str, value: Any, expected: bool):
    assert matches({"field": "absent", "op": op, "value": value}, {}) is expected
    assert matches({"field": "absent", "op": op, "value": value}, {"absent": None}) is expected


@pytest.mark.parametrize("raw", [None, {}])
@pytest.mark.parametrize("facts", [{}, {"kind": "incident", "priority": 1}])
def test_empty_condition_matches_every_case(raw: dict[str, Any] | None, facts: dict[str, Any]):
    condition = Condition.parse(raw)
    assert condition.kind == "always"
    assert condition.matches(facts)


VIP = {"field": "customer_tier", "value": "vip"}
SECURITY = {"field": "risk_flags", "op": "intersects", "value": ["security"]}
COMPLAINT = {"field": "kind", "value": "complaint"}
P1 = {"field": "priority", "op": "lte", "value": 1}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"customer_tier": "vip", "risk_flags": ["security"], "kind": "incident"}, True),
        ({"customer_tier": "vip", "risk_flags": [], "kind": "incident", "priority": 1}, True),
        ({"customer_tier": "vip", "risk_flags": [], "kind": "incident", "priority": 2}, False),
        ({"customer_tier": "vip", "risk_flags": ["security"], "kind": "complaint"}, False),
        ({"customer_tier": "gold", "risk_flags": ["security"], "kind": "incident"}, False),
    ],
)
def test_all_any_not_nest(facts: dict[str, Any], expected: bool):
    raw = {"all": [VIP, {"any": [SECURITY, P1]}, {"not": COMPLAINT}]}
    assert matches(raw, facts) is expected


def test_all_needs_every_part_and_any_needs_one():
    facts = {"customer_tier": "vip", "kind": "incident"}
    assert matches({"all": [VIP, {"not": COMPLAINT}]}, facts)
    assert not matches({"all": [VIP, COMPLAINT]}, facts)
    assert matches({"any": [COMPLAINT, VIP]}, facts)
    assert not matches({"any": [COMPLAINT, SECURITY]}, facts)


def test_not_of_empty_condition_never_matches():
    assert not matches({"not": {}}, {"kind": "incident"})


@pytest.mark.parametrize(
    ("raw", "place", "field"),
    [
        ({"field": "kind", "op": "like"}, "when", "when.op"),
        ({"field": "kind", "op": "like"}, "sla[0].when", "sla[0].when.op"),
        (
            {"all": [VIP, {"any": [COMPLAINT, {"field": "x", "op": "~"}]}]},
            "when",
            "when.all[1].any[1].op",
        ),
        ({"not": {"field": "kind", "op": "is"}}, "when", "when.not.op"),
    ],
)
def test_unknown_operator_error_names_the_place_and_the_known_operators(raw, place, field):
    with pytest.raises(InvalidValue) as caught:
        Condition.parse(raw, place)
    assert caught.value.field == field
    assert "unknown operator" in caught.value.message
    assert "intersects" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        (["kind", "eq", "incident"], "when", "must be a mapping"),
        ({"all": []}, "when", "'all' needs a non-empty list"),
        ({"any": VIP}, "when", "'any' needs a non-empty list"),
        ({"op": "eq", "value": "vip"}, "when", "needs 'field'"),
        ({"all": [VIP, "vip"]}, "when.all[1]", "must be a mapping"),
        ({"not": {"value": 1}}, "when.not", "needs 'field'"),
    ],
)
def test_malformed_condition_error_names_the_place(raw: Any, field: str, words: str):
    with pytest.raises(InvalidValue) as caught:
        Condition.parse(raw)
    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (None, "always"),
        (VIP, "customer_tier eq vip"),
        ({"all": [VIP, P1]}, "(customer_tier eq vip and priority lte 1)"),
        ({"any": [VIP, SECURITY]}, "(customer_tier eq vip or risk_flags intersects ['security'])"),
        ({"not": COMPLAINT}, "not kind eq complaint"),
        (
            {"all": [VIP, {"not": {"any": [COMPLAINT, P1]}}]},
            "(customer_tier eq vip and not (kind eq complaint or priority lte 1))",
        ),
    ],
)
def test_describe_says_the_condition_in_words(raw: dict[str, Any] | None, text: str):
    assert Condition.parse(raw).describe() == text


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        (None, set()),
        (VIP, {"customer_tier"}),
        ({"not": COMPLAINT}, {"kind"}),
        (
            {"all": [VIP, {"any": [SECURITY, {"not": P1}]}, VIP]},
            {"customer_tier", "risk_flags", "priority"},
        ),
    ],
)
def test_fields_lists_every_fact_read_at_any_depth(raw: dict[str, Any] | None, fields: set[str]):
    assert Condition.parse(raw).fields() == fields


def test_exists_without_a_value_means_the_fact_is_present():
    condition = Condition.parse({"field": "assignee", "op": "exists"})
    assert condition.matches({"assignee": "ann"})
    assert not condition.matches({})


def test_in_on_a_list_fact_does_not_match_and_does_not_raise():
    condition = Condition.parse({"field": "services", "op": "in", "value": ["payments"]})
    assert condition.matches({"services": ["payments"]}) is False
