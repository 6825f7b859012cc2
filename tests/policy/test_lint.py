"""Linting `escalon.yaml`: every error reported, in plain words, at its path and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalon.policy import (
    FACT_FIELDS,
    LintError,
    PolicyDocument,
    format_errors,
    lint_file,
    lint_text,
    validate_mapping,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "escalon.yaml"

BASE = """\
organisation: Example Networks Kft.
calendars:
  budapest-office:
    timezone: Europe/Budapest
    hours: {mon-fri: ["09:00-12:00", "13:00-17:00"]}
    holidays: {country: HU}
    closed: ["2026-12-24"]
customers:
  acme-bank: {name: ACME Bank, tier: vip, language: hu, timezone: Europe/Budapest}
people:
  anna: {name: Anna Kovács, manager: bela}
  bela: {name: Béla Nagy}
teams:
  frontline-bud: {name: Frontline, calendar: budapest-office, manager: bela, members: [anna]}
sla:
  - name: vip
    when: {field: customer_tier, op: eq, value: vip}
    calendar: budapest-office
    targets:
      P1: {first_response: 15m, update_interval: 1h, resolution: 4h, calendar: 24x7}
      P2: {first_response: 1h, resolution: 16h}
"""


def messages(text: str) -> list[str]:
    return [str(error) for error in lint_text(text).errors]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_example_lints_clean() -> None:
    result = lint_file(EXAMPLE)
    assert result.errors == []
    assert result.ok
    assert isinstance(result.document, PolicyDocument)


def test_the_base_document_lints_clean() -> None:
    assert lint_text(BASE).ok


def test_a_bad_duration_names_its_path_and_line() -> None:
    text = BASE.replace("resolution: 4h,", "resolution: 4hh,")
    result = lint_text(text)
    assert not result.ok and result.document is None
    assert [str(e) for e in result.errors] == [
        "sla[0].targets.P1.resolution: '4hh' is not a duration"
    ]
    line = line_of(text, "4hh")
    assert result.errors[0].line == line
    assert format_errors(result, "escalon.yaml") == [
        f"escalon.yaml:{line}: sla[0].targets.P1.resolution: '4hh' is not a duration"
    ]


def test_every_error_is_reported_in_file_order() -> None:
    text = (
        BASE.replace("tier: vip", "tier: platinum")
        .replace("manager: bela, members", "manager: bella, members")
        .replace("resolution: 16h", "resolutin: 16h")
        .replace("first_response: 15m", "first_response: soon")
    )
    result = lint_text(text)
    assert [str(e) for e in result.errors] == [
        "customers.acme-bank.tier: 'platinum' is not a customer tier (standard, gold, vip)",
        "teams.frontline-bud.manager: unknown person 'bella' (did you mean 'bela'?)",
        "sla[0].targets.P1.first_response: 'soon' is not a duration",
        "sla[0].targets.P2: unknown key 'resolutin' (did you mean 'resolution'?)",
    ]
    lines = [e.line for e in result.errors]
    assert lines == [
        line_of(text, "platinum"),
        line_of(text, "bella"),
        line_of(text, "soon"),
        line_of(text, "resolutin"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("tier: vip", "tier: platinum", "'platinum' is not a customer tier (standard, gold, vip)"),
        ("tier: vip", "tier: vip, region: eu", "customers.acme-bank: unknown key 'region'"),
        ("{name: Béla Nagy}", "{}", "people.bela: missing required key 'name'"),
        ("- name: vip\n    when:", "- when:", "sla[0]: missing required key 'name'"),
        ("language: hu", "language: no", "language: expected text, got false (put it in quotes)"),
        ("Europe/Budapest}", "Europe/Budapes}", "'Europe/Budapes' is not a time zone"),
        (
            "members: [anna]",
            "members: [anna, zoe]",
            "teams.frontline-bud.members[1]: unknown person",
        ),
        ("P2:", "P5:", "sla[0].targets.P5: 'P5' is not a priority (P1, P2, P3 or P4)"),
        ("calendar: budapest-office\n    targets", "warn_at: 1.5\n    targets", "sla[0].warn_at"),
    ],
)
def test_single_mistakes_read_plainly(old: str, new: str, expected: str) -> None:
    text = BASE.replace(old, new, 1)
    assert text != BASE
    found = messages(text)
    assert len(found) == 1, found
    assert expected in found[0]


def test_a_misspelt_section_is_caught() -> None:
    assert messages(BASE.replace("organisation:", "organization:")) == [
        "unknown key 'organization' (did you mean 'organisation'?)",
    ]


def test_an_unknown_calendar_reference_names_its_path() -> None:
    text = BASE.replace("calendar: 24x7", "calendar: always")
    result = lint_text(text)
    assert [str(e) for e in result.errors] == [
        "sla[0].targets.P1.calendar: unknown calendar 'always' (known: budapest-office, 24x7)"
    ]
    assert result.errors[0].line == line_of(text, "calendar: always")


def test_a_team_calendar_must_be_defined() -> None:
    text = BASE.replace("calendar: budapest-office, manager", "calendar: budapest, manager")
    assert messages(text) == [
        "teams.frontline-bud.calendar: unknown calendar 'budapest'"
        " (did you mean 'budapest-office'?)"
    ]


def test_the_builtin_24x7_calendar_needs_no_definition() -> None:
    assert lint_text(
        BASE.replace("calendar: budapest-office\n    targets", "calendar: 24x7\n    targets")
    ).ok


def test_a_manager_loop_is_reported_once() -> None:
    text = BASE.replace("bela: {name: Béla Nagy}", "bela: {name: Béla Nagy, manager: anna}")
    result = lint_text(text)
    assert [str(e) for e in result.errors] == [
        "people.anna.manager: manager chain loops: anna → bela → anna"
    ]
    assert result.errors[0].line == line_of(text, "anna: {")


def test_a_person_who_manages_themself_is_a_loop() -> None:
    text = BASE.replace("bela: {name: Béla Nagy}", "bela: {name: Béla Nagy, manager: bela}")
    assert messages(text) == ["people.bela.manager: manager chain loops: bela → bela"]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (
            "{field: customer_tier, op: equals, value: vip}",
            "sla[0].when.op: unknown operator 'equals'",
        ),
        (
            "{field: customer_teir, value: vip}",
            "sla[0].when.field: 'customer_teir' is not a case fact",
        ),
        ("{field: customer_tier, value: vpi}", "sla[0].when.value: 'vpi' is not a customer tier"),
        ("{field: customer_tier, valeu: vip}", "sla[0].when.valeu: unknown key 'valeu'"),
        (
            "{any: [{field: kind, value: incident}, {field: teem, value: x}]}",
            "sla[0].when.any[1].field: 'teem' is not a case fact",
        ),
        ("{all: []}", "sla[0].when: 'all' needs a non-empty list"),
        ("vip", "sla[0].when: a condition must be a mapping"),
    ],
)
def test_bad_conditions(when: str, expected: str) -> None:
    text = BASE.replace("{field: customer_tier, op: eq, value: vip}", when)
    found = messages(text)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_fact_fields_are_what_cases_offer() -> None:
    assert {"customer_tier", "risk_flags", "service_value", "priority", "region"} <= FACT_FIELDS


@pytest.mark.parametrize(
    ("modifier", "expected"),
    [
        ("{name: m, raise: 1, at_least: P2}", "exactly one of 'raise' (1-3) or 'at_least'"),
        ("{name: m}", "exactly one of 'raise' (1-3) or 'at_least'"),
        ("{name: m, raise: 4}", "priority.modifiers[0].raise: 4 is not a number of steps"),
        ("{name: m, at_least: P0}", "priority.modifiers[0].at_least: 'P0' is not a priority"),
    ],
)
def test_a_modifier_has_one_effect(modifier: str, expected: str) -> None:
    found = messages(f"organisation: X\npriority:\n  modifiers:\n    - {modifier}\n")
    assert len(found) == 1 and expected in found[0], found


def test_the_matrix_has_four_rows_of_four() -> None:
    rows = "I1: [P1, P1, P2], I2: [P1, P2, P3, P3], I3: [P2, P3, P3, P4]"
    text = f"organisation: X\npriority:\n  matrix: {{{rows}}}\n"
    assert messages(text) == [
        "priority.matrix.I1: needs 4 entries, got 3",
        "priority.matrix: missing required key 'I4'",
    ]


def test_a_calendar_that_does_not_build_is_reported_inside_it() -> None:
    text = BASE.replace('"13:00-17:00"', '"13:00-17:0"').replace("country: HU", "country: XX")
    found = messages(text)
    assert found == [
        "calendars.budapest-office.hours.mon-fri[1]: '13:00-17:0' is not an interval HH:MM-HH:MM"
    ]
    unknown_country = messages(BASE.replace("country: HU", "country: XX"))
    assert len(unknown_country) == 1
    assert unknown_country[0].startswith("calendars.budapest-office.holidays.country:")


def test_duplicate_keys_are_errors_not_silently_the_last() -> None:
    text = BASE.replace(
        "  bela: {name: Béla Nagy}\n", "  bela: {name: Béla Nagy}\n  anna: {name: A}\n"
    )
    result = lint_text(text)
    assert [str(e) for e in result.errors] == [
        f"people.anna: duplicate key 'anna' (also on line {line_of(text, 'anna: {name: Anna')})"
    ]
    assert result.errors[0].line == line_of(text, "anna: {name: A}")


def test_a_catch_all_policy_hides_those_after_it() -> None:
    text = BASE + "  - name: default\n    targets: {P1: {resolution: 8h}}\n  - name: never\n"
    assert messages(text) == [
        "sla[2]: never applies: sla[1] before it has no 'when' and matches every case"
    ]


def test_a_yaml_syntax_error_is_one_error_with_its_line() -> None:
    text = "organisation: X\npeople:\n  anna: {name: Anna\n  bela: {name: Béla}\n"
    result = lint_text(text)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.path == "" and error.message.startswith("invalid YAML: ")
    assert error.line == 4


@pytest.mark.parametrize("text", ["- a\n- b\n", "just words\n", "42\n"])
def test_a_document_that_is_not_a_mapping_is_an_error(text: str) -> None:
    result = lint_text(text)
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith("the document must be a mapping of sections")
    assert result.errors[0].line == 1


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "{}\n", "organisation: Example\n"])
def test_an_empty_document_is_valid(text: str) -> None:
    result = lint_text(text)
    assert result.ok and result.document is not None
    assert result.document.sla == [] and result.document.priority is None


def test_a_missing_file_is_an_error_without_a_path(tmp_path: Path) -> None:
    result = lint_file(tmp_path / "nope.yaml")
    assert len(result.errors) == 1
    assert result.errors[0].path == "" and "cannot read" in result.errors[0].message
    assert format_errors(result, "nope.yaml")[0].startswith("nope.yaml: cannot read")


def test_lint_error_reads_as_path_colon_message() -> None:
    assert str(LintError("customers.x.tier", "bad", 3)) == "customers.x.tier: bad"
    assert str(LintError("", "cannot read", None)) == "cannot read"


def test_stored_data_is_checked_without_lines() -> None:
    result = validate_mapping({"organisation": "X", "sla": [{"name": "a", "calendar": "nope"}]})
    assert result.errors == [
        LintError("sla[0].calendar", "unknown calendar 'nope' (known: 24x7)", None)
    ]


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.sampled_from(["P1", "4h", "vip"]),
)
_keys = st.sampled_from(
    ["organisation", "calendars", "people", "sla", "targets", "P1", "when", "field", "name", "x"]
)
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_data)
def test_linting_any_data_returns_errors_instead_of_raising(data: object) -> None:
    result = validate_mapping(data)
    assert result.ok == (result.document is not None)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab:-[]{}, \n'\"#&*!|>%@`", max_size=40))
def test_linting_any_text_returns_a_result(text: str) -> None:
    result = lint_text("organisation: X\n" + text)
    assert all(isinstance(e, LintError) for e in result.errors)
