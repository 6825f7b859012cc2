"""Compiling a policy document into the core `Policy` the rules run on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from escalon.core.calendar import BusinessCalendar
from escalon.core.conditions import Condition
from escalon.core.policy import Policy
from escalon.core.priority import DEFAULT_MATRIX, DEFAULT_MODIFIERS, compute_priority
from escalon.core.sla import Metric, Target, select_policy
from escalon.policy import (
    PolicyDocument,
    PolicyInvalid,
    compile_policy,
    document_to_json,
    lint_file,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "escalon.yaml"
BUDAPEST = ZoneInfo("Europe/Budapest")


@pytest.fixture(scope="module")
def document() -> PolicyDocument:
    result = lint_file(EXAMPLE)
    assert result.document is not None, result.errors
    return result.document


@pytest.fixture(scope="module")
def policy(document: PolicyDocument) -> Policy:
    return compile_policy(document)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BUDAPEST)


def test_calendars_are_real_business_calendars(policy: Policy) -> None:
    assert set(policy.calendars) == {
        "budapest-office",
        "network-extended",
        "new-york-office",
        "singapore-office",
        "follow-the-sun",
        "24x7",
    }
    office = policy.calendars["budapest-office"]
    assert isinstance(office, BusinessCalendar)
    assert office.is_open(at(2026, 11, 23, 10, 0))  # a Monday morning
    assert not office.is_open(at(2026, 11, 23, 12, 30))  # lunch
    assert not office.is_open(at(2026, 12, 24, 10, 0))  # closed by the document
    assert not office.is_open(at(2026, 10, 23, 10, 0))  # Hungarian national holiday
    assert office.add(at(2026, 11, 23, 16, 0), timedelta(hours=2)) == at(2026, 11, 24, 10, 0)


def test_the_builtin_24x7_is_always_open(policy: Policy) -> None:
    always = policy.calendars["24x7"]
    start = datetime(2026, 12, 24, 23, 0, tzinfo=UTC)
    assert always.add(start, timedelta(hours=4)) == start + timedelta(hours=4)


def test_a_document_may_define_its_own_24x7() -> None:
    own = {"timezone": "Europe/Budapest", "hours": {"mon-sun": ["00:00-24:00"]}}
    compiled = compile_policy({"organisation": "X", "calendars": {"24x7": own}})
    assert compiled.calendars["24x7"].timezone == "Europe/Budapest"


def test_sla_policies_keep_their_order_targets_and_calendars(policy: Policy) -> None:
    names = [p.name for p in policy.sla]
    assert names == ["vip", "follow the sun", "internal service requests", "default"]
    vip, _, internal, default = policy.sla
    assert vip.targets[1] == {
        Metric.FIRST_RESPONSE: Target(Metric.FIRST_RESPONSE, timedelta(minutes=15), "24x7"),
        Metric.UPDATE_INTERVAL: Target(Metric.UPDATE_INTERVAL, timedelta(hours=1), "24x7"),
        Metric.RESOLUTION: Target(Metric.RESOLUTION, timedelta(hours=4), "24x7"),
    }
    assert vip.targets[2][Metric.RESOLUTION] == Target(
        Metric.RESOLUTION, timedelta(hours=8), "budapest-office"
    )
    assert Metric.UPDATE_INTERVAL not in vip.targets[4]
    assert vip.warn_at == 0.75 and vip.pause_statuses == frozenset({"waiting_on_customer"})
    assert internal.warn_at == 0.8
    assert default.targets[1][Metric.FIRST_RESPONSE].duration == timedelta(minutes=30)
    assert default.targets[1][Metric.RESOLUTION].duration == timedelta(hours=8)
    assert default.targets[3][Metric.FIRST_RESPONSE] == Target(
        Metric.FIRST_RESPONSE, timedelta(hours=6), "budapest-office"
    )
    assert default.when == Condition("always")


def test_the_first_matching_policy_governs(policy: Policy) -> None:
    assert select_policy(policy.sla, {"customer_tier": "vip"}).name == "vip"
    internal = {"audience": "internal", "kind": "service_request"}
    assert select_policy(policy.sla, internal).name == "internal service requests"
    assert select_policy(policy.sla, {"customer_tier": "gold"}).name == "default"


def test_a_target_without_any_calendar_runs_on_24x7() -> None:
    data = {"organisation": "X", "sla": [{"name": "s", "targets": {"P2": {"resolution": "1h"}}}]}
    compiled = compile_policy(data)
    assert compiled.sla[0].targets[2][Metric.RESOLUTION].calendar == "24x7"
    assert "24x7" in compiled.calendars


def test_priority_rules_are_the_design_defaults_written_out(policy: Policy) -> None:
    assert policy.priority.matrix == DEFAULT_MATRIX
    assert policy.priority.modifiers == DEFAULT_MODIFIERS
    result = compute_priority(
        policy.priority, 2, 2, {"customer_tier": "vip", "service_value": "critical"}
    )
    assert result.priority == 1


def test_omitted_priority_sections_take_the_defaults() -> None:
    compiled = compile_policy({})
    assert compiled.priority.matrix == DEFAULT_MATRIX
    assert compiled.priority.modifiers == DEFAULT_MODIFIERS
    assert compiled.sla == ()
    none = compile_policy({"organisation": "X", "priority": {"modifiers": []}})
    assert none.priority.modifiers == ()


def test_a_custom_matrix_and_modifiers_compile() -> None:
    data = {
        "organisation": "X",
        "priority": {
            "matrix": {f"I{i}": ["P4", "P4", "P4", "P4"] for i in range(1, 5)} | {"I1": ["P1"] * 4},
            "modifiers": [
                {
                    "name": "legal",
                    "when": {"field": "kind", "value": "compliance"},
                    "at_least": "P2",
                }
            ],
        },
    }
    rules = compile_policy(data).priority
    assert rules.matrix[0] == (1, 1, 1, 1) and rules.matrix[3] == (4, 4, 4, 4)
    (modifier,) = rules.modifiers
    assert (modifier.name, modifier.raise_by, modifier.at_least) == ("legal", 0, 2)
    assert modifier.when.matches({"kind": "compliance"})


def test_the_organisation_becomes_core_objects(policy: Policy) -> None:
    assert policy.customers["duna-bank"].tier == "vip"
    assert {c.language for c in policy.customers.values()} == {"hu", "cs", "tr"}
    assert policy.services["payments-gateway"].business_value == "critical"
    anna = policy.people["anna"]
    assert anna.languages == ("hu", "en")
    chain = [anna.key]
    while policy.people[chain[-1]].manager:
        chain.append(policy.people[chain[-1]].manager)
    assert chain == ["anna", "csilla", "gabor"]
    frontline = policy.teams["frontline-bud"]
    assert (frontline.kind, frontline.calendar, frontline.manager) == (
        "frontline",
        "budapest-office",
        "csilla",
    )
    assert frontline.members == ("anna", "bence")
    assert {t.kind for t in policy.teams.values()} == {
        "frontline",
        "specialist",
        "management",
        "vendor",
    }


def test_the_stored_json_compiles_to_the_same_policy(
    document: PolicyDocument, policy: Policy
) -> None:
    stored = json.loads(json.dumps(document_to_json(document)))
    assert stored["priority"]["modifiers"][0]["raise"] == 1
    again = compile_policy(stored)
    assert again.sla == policy.sla
    assert again.priority == policy.priority
    assert (again.customers, again.services, again.people, again.teams) == (
        policy.customers,
        policy.services,
        policy.people,
        policy.teams,
    )
    assert set(again.calendars) == set(policy.calendars)
    assert PolicyDocument.model_validate(stored) == document


def test_unquoted_yaml_dates_store_as_text() -> None:
    from escalon.policy import lint_text

    text = "organisation: X\ncalendars:\n  c: {timezone: UTC, hours: 24x7, closed: [2026-12-24]}\n"
    document = lint_text(text).document
    assert document is not None
    stored = document_to_json(document)
    assert stored["calendars"]["c"]["closed"] == ["2026-12-24"]
    assert not compile_policy(stored).calendars["c"].is_open(datetime(2026, 12, 24, 12, tzinfo=UTC))


def test_an_invalid_mapping_raises_with_every_error() -> None:
    data = {
        "organisation": "X",
        "customers": {"c": {"name": "C", "tier": "platinum"}},
        "sla": [{"name": "s", "calendar": "nope"}],
    }
    with pytest.raises(PolicyInvalid) as caught:
        compile_policy(data)
    assert [str(e) for e in caught.value.errors] == [
        "customers.c.tier: 'platinum' is not a customer tier (standard, gold, vip)",
        "sla[0].calendar: unknown calendar 'nope' (known: 24x7)",
    ]
    assert str(caught.value).endswith("(and 1 more)")


def test_a_model_with_a_dangling_reference_is_refused() -> None:
    document = PolicyDocument.model_validate(
        {"organisation": "X", "teams": {"t": {"name": "T", "calendar": "office"}}}
    )
    with pytest.raises(PolicyInvalid, match=r"teams\.t\.calendar: unknown calendar 'office'"):
        compile_policy(document)
