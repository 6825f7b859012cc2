"""Notification texts: every template in every language, the recipient's zone, durations,
plural forms, and catalogs that translate every message the templates use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from escalon.notify import render as render_module
from escalon.notify.render import LANGUAGES, TEMPLATES, UnknownTemplate, render
from tests.support.catalogs import assert_plural_rule_agrees_with_cldr, untranslated

PACKAGE = Path(render_module.__file__).parent
TRANSLATED = tuple(code for code in LANGUAGES if code != "en")

CASE = {"ref": "ESC-1042", "title": "Checkout fails for EU customers", "priority": "P1"}
AT = "2026-11-23T14:30:00+00:00"  # Monday 23 November 2026, 15:30 in Budapest
FULL: dict[str, dict[str, Any]] = {
    "p1_first_notice": CASE
    | {
        "customer": "Acme GmbH",
        "status": "open",
        "created_at": AT,
        "summary": "Card payments fail with error 502.",
        "next_update_at": "2026-11-23T15:30:00+00:00",
    },
    "escalation_raised": CASE
    | {
        "escalation": 7,
        "type": "hierarchical",
        "level": 2,
        "level_name": "Team lead",
        "reason": "The customer threatens to cancel.",
        "rule": "p1-unowned",
        "ack_due_at": AT,
    },
    "acknowledgement_requested": CASE
    | {"escalation": 7, "level_name": "Team lead", "ack_due_at": AT},
    "escalation_reminder": CASE
    | {"escalation": 7, "level": 2, "level_name": "Team lead", "repeat": 3},
    "sla_warning": CASE | {"metric": "first_response", "due_at": AT, "remaining_seconds": 5400},
    "sla_breach": CASE | {"metric": "resolution", "due_at": AT, "overdue_seconds": 93784},
    "stakeholder_update": CASE
    | {
        "status": "waiting_on_customer",
        "actions": "Rolled back release 4.2.",
        "next_steps": "Verify with the payment provider.",
        "eta": AT,
        "author": "Anna Kovács",
        "next_update_at": AT,
    },
    "resolution_notice": CASE
    | {"resolution": "Renewed the gateway certificate.", "resolved_at": AT},
    "digest": CASE  # the digest's own ref is one of its cases
    | {
        "window_seconds": 900,
        "items": [
            CASE | {"template": "sla_breach", "metric": "resolution"},
            {"ref": "ESC-1043", "title": "Slow search", "priority": "P3", "template": "test"},
        ],
    },
    "trigger_notice": CASE | {"rule": "vip-customer", "status": "new"},
    "handoff": CASE
    | {
        "from_team": "hosting-bud",
        "to_team": "hosting-nyc",
        "summary": "ESC-1042 P2 (open): Card payments fail",
        "steps_taken": ["2026-11-23T15:40 comment: restarted the gateway"],
        "needed": "resolution due 2026-11-24T10:00",
    },
    "test": {"ref": "TEST", "title": "escalon test", "priority": "P4", "sent_at": AT},
}


def test_every_template_has_a_full_data_set() -> None:
    assert set(FULL) == TEMPLATES


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_in_every_language(template: str, language: str) -> None:
    text = render(template, FULL[template], language=language, timezone="Europe/Budapest")

    assert text.language == language
    assert text.subject and "\n" not in text.subject and text.subject == text.subject.strip()
    assert FULL[template]["ref"] in text.body
    assert all(line == line.rstrip() for line in text.body.splitlines())
    assert "\n\n\n" not in text.body and text.body == text.body.strip()


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_translated_texts_are_not_the_english_ones(template: str, language: str) -> None:
    english = render(template, FULL[template])
    translated = render(template, FULL[template], language=language)

    assert translated.subject != english.subject
    assert translated.body != english.body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_missing_optional_values_render_as_a_dash(template: str, language: str) -> None:
    data = {"ref": "ESC-7", "title": None, "priority": "P2", "status": "", "items": None}

    text = render(template, data, language=language)

    assert text.subject
    assert "None" not in text.subject + text.body
    assert "—" in text.subject + text.body


@pytest.mark.parametrize(
    ("tag", "used"),
    [
        ("pt", "en"),
        ("de-DE", "en"),
        ("", "en"),
        ("hu-HU", "hu"),
        ("ru_RU", "ru"),
        ("CS", "cs"),
        ("tr-TR", "tr"),
    ],
)
def test_a_language_tag_falls_back_to_its_primary_subtag_then_english(tag: str, used: str) -> None:
    text = render("sla_warning", FULL["sla_warning"], language=tag)

    assert text.language == used
    assert text == render("sla_warning", FULL["sla_warning"], language=used)


@pytest.mark.parametrize(
    ("language", "zone", "shown", "not_shown"),
    [
        ("ru", "Europe/Budapest", "15:30", "14:30"),
        ("ru", "America/New_York", "09:30", "14:30"),
        ("hu", "Europe/Budapest", "15:30", "14:30"),
        ("en", "Europe/Budapest", "3:30", "2:30"),
        ("en", "America/New_York", "9:30", "2:30"),
        ("tr", "UTC", "14:30", "15:30"),
        ("ru", "Not/A_Zone", "14:30", "15:30"),  # an unknown zone shows UTC, labelled
        ("ru", "../etc/passwd", "14:30", "15:30"),
    ],
)
def test_instants_show_in_the_recipients_zone(
    language: str, zone: str, shown: str, not_shown: str
) -> None:
    body = render("sla_breach", FULL["sla_breach"], language=language, timezone=zone).body

    assert shown in body
    assert not_shown not in body


def test_a_datetime_instant_shows_like_its_iso_string() -> None:
    as_datetime = FULL["sla_breach"] | {"due_at": datetime(2026, 11, 23, 14, 30, tzinfo=UTC)}

    assert render("sla_breach", as_datetime, language="cs", timezone="Europe/Prague") == render(
        "sla_breach", FULL["sla_breach"], language="cs", timezone="Europe/Prague"
    )


def test_an_instant_shows_its_zone_offset() -> None:
    body = render("sla_breach", FULL["sla_breach"], timezone="America/New_York").body

    assert "GMT-05:00" in body


@pytest.mark.parametrize(
    ("language", "seconds", "shown"),
    [
        ("en", 5400, "1 hour 30 minutes"),
        ("en", 3600, "1 hour"),
        ("en", 5430, "1 hour 30 minutes"),  # seconds are cut, not rounded
        ("en", 93784, "1 day 2 hours 3 minutes"),
        ("en", 45, "45 seconds"),
        ("hu", 5400, "1 óra 30 perc"),
        ("cs", 5400, "1 hodina 30 minut"),
        ("ru", 5400, "1 час 30 минут"),
        ("tr", 5400, "1 saat 30 dakika"),
    ],
)
def test_durations_are_composed_of_whole_units(language: str, seconds: int, shown: str) -> None:
    data = FULL["sla_warning"] | {"remaining_seconds": seconds}

    body = render("sla_warning", data, language=language).body

    assert shown in body


def test_ninety_minutes_are_not_rounded_to_two_hours() -> None:
    body = render("sla_warning", FULL["sla_warning"] | {"remaining_seconds": 5400}).body

    assert "2 hours" not in body


def _digest(count: int) -> dict[str, Any]:
    items = [
        {"ref": f"ESC-{n}", "title": f"Case {n}", "priority": "P2", "template": "sla_warning"}
        for n in range(count)
    ]
    return CASE | {"window_seconds": 3600, "items": items}


@pytest.mark.parametrize(
    ("language", "count", "category", "subject"),
    [
        ("ru", 1, "one", "1 обращение требует вашего внимания"),
        ("ru", 3, "few", "3 обращения требуют вашего внимания"),
        ("ru", 5, "many", "5 обращений требуют вашего внимания"),
        ("ru", 21, "one", "21 обращение требует вашего внимания"),
        ("cs", 1, "one", "1 případ vyžaduje vaši pozornost"),
        ("cs", 3, "few", "3 případy vyžadují vaši pozornost"),
        ("cs", 5, "other", "5 případů vyžaduje vaši pozornost"),
        ("hu", 3, "other", "3 eset igényli a figyelmét"),
        ("tr", 3, "other", "3 vaka ilginizi bekliyor"),
        ("en", 1, "one", "1 case needs your attention"),
        ("en", 3, "other", "3 cases need your attention"),
    ],
)
def test_the_digest_counts_cases_with_the_languages_plural_form(
    language: str, count: int, category: str, subject: str
) -> None:
    assert Locale.parse(language).plural_form(count) == category

    assert render("digest", _digest(count), language=language).subject == subject


@pytest.mark.parametrize("language", ["cs", "ru"])
def test_one_few_and_many_are_three_different_forms(language: str) -> None:
    subjects = {
        render("digest", _digest(n), language=language).subject.replace(str(n), "#")
        for n in (1, 3, 5)
    }

    assert len(subjects) == 3


def test_an_unknown_template_is_refused_by_name() -> None:
    with pytest.raises(UnknownTemplate, match="no_such_template") as raised:
        render("no_such_template", CASE)

    assert isinstance(raised.value, KeyError) and isinstance(raised.value, ValueError)


# Catalogs: what `pybabel extract` would find, with the options the renderer uses.
JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trimmed": "true",
    "newstyle_gettext": "true",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
}


def _msgids() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for path in sorted((PACKAGE / "templates").glob("*.txt.j2")):
        with path.open("rb") as source:
            found |= {m[1] for m in extract(babel_extract, source, options=JINJA_OPTIONS)}
    for module in (PACKAGE / "render.py", PACKAGE.parent / "vocabulary.py"):  # N_ marks
        with module.open("rb") as source:
            found |= {m[1] for m in extract("python", source)}
    return found


def _catalog(language: str) -> Catalog:
    path = PACKAGE / "locales" / language / "LC_MESSAGES" / "escalon.po"
    with path.open("rb") as source:
        return read_po(source, locale=language)


def test_there_is_a_template_file_per_template_and_no_other() -> None:
    names = {path.name.removesuffix(".txt.j2") for path in (PACKAGE / "templates").glob("*.j2")}

    assert names == TEMPLATES


def test_the_templates_use_plural_messages() -> None:
    assert any(isinstance(msgid, tuple) for msgid in _msgids())


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    assert untranslated(_catalog(language), _msgids()) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogs_plural_rule_agrees_with_cldr(language: str) -> None:
    assert_plural_rule_agrees_with_cldr(_catalog(language), language)
