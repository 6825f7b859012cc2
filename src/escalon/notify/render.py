"""Notification texts in the recipient's language and time zone.

Each template, `templates/<name>.txt.j2`, holds two blocks, `subject` and `body`, rendered
separately (`Template.blocks`): the subject is collapsed to one stripped line; the body keeps
its lines, trailing spaces stripped and never more than one blank line in a row.

English is the source language: msgids are English, and the catalogs in
`locales/<language>/LC_MESSAGES/escalon.po` are read when a language is first used (no
compiled .mo files, no build step). Codes the data carries (a metric, an escalation type, a
status, a template name) are translated through the vocabularies below, marked with `N_`.

A missing, `None` or blank value prints as "—" and never raises. Instants (ISO-8601 strings
or datetimes; a naive one is UTC) are shown in the recipient's zone with its GMT offset;
durations (`*_seconds`) in whole days, hours and minutes, cut, never rounded up.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from babel import Locale
from babel.dates import (
    format_date,
    format_time,
    format_timedelta,
    get_datetime_format,
    get_timezone,
)
from babel.support import NullTranslations
from jinja2 import (
    ChainableUndefined,
    Environment,
    Template,
    Undefined,
    pass_context,
)
from jinja2.runtime import Context

from escalon import catalogs
from escalon.vocabulary import ESCALATION_TYPES, METRICS, N_, STATUSES

LANGUAGES: tuple[str, ...] = ("en", "hu", "cs", "ru", "tr")
_DOMAIN = "escalon"
_DASH = "—"


#: A short label per template, as the digest lists them.
_LABELS: Mapping[str, str] = {
    "p1_first_notice": N_("New P1 case"),
    "escalation_raised": N_("Escalated to you"),
    "acknowledgement_requested": N_("Acknowledgement requested"),
    "escalation_reminder": N_("Not acknowledged yet"),
    "sla_warning": N_("SLA at risk"),
    "sla_breach": N_("SLA breached"),
    "stakeholder_update": N_("Update"),
    "resolution_notice": N_("Resolved"),
    "digest": N_("Digest"),
    "trigger_notice": N_("Rule notice"),
    "handoff": N_("Handed over to you"),
    "test": N_("Test message"),
}
TEMPLATES: frozenset[str] = frozenset(_LABELS)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str  # the language actually used (after fallback)


class UnknownTemplate(KeyError, ValueError):
    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.template = template

    def __str__(self) -> str:
        return f"unknown template {self.template!r} (known: {', '.join(sorted(TEMPLATES))})"


def render(
    template: str, data: Mapping[str, Any], *, language: str = "en", timezone: str = "UTC"
) -> Rendered:
    """The subject and body of one message, for a recipient's language and time zone."""
    if template not in TEMPLATES:
        raise UnknownTemplate(template)
    code = _language_of(language)
    compiled = _environment(code).get_template(f"{template}.txt.j2")
    variables = {**_present(data), "_zone": _zone(timezone)}
    subject = " ".join(_block(compiled, "subject", variables).split())
    return Rendered(subject, _tidy(_block(compiled, "body", variables)), code)


def _language_of(tag: str) -> str:
    """The primary subtag of `tag` ("hu-HU", "ru_RU") if escalon speaks it, else English."""
    primary = re.split(r"[-_.@]", tag.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else "en"


class _Dash(ChainableUndefined):
    """A missing value: prints as a dash, iterates as empty, never raises."""

    __slots__ = ()

    def __str__(self) -> str:
        return _DASH


_environments: dict[str, Environment] = {}
_building = threading.Lock()


def _environment(code: str) -> Environment:
    """The template environment of one language, built once and shared between threads."""
    found = _environments.get(code)
    if found is not None:
        return found
    with _building:
        if code not in _environments:
            _environments[code] = _build(code)
        return _environments[code]


def _build(code: str) -> Environment:
    env = catalogs.environment("escalon.notify", _DOMAIN, code, autoescape=False, undefined=_Dash)
    translations = catalogs.translations("escalon.notify", _DOMAIN, code)
    env.filters.update(_filters(Locale.parse(code), translations))
    return env


def _filters(locale: Locale, translations: NullTranslations) -> dict[str, Callable[..., str]]:
    def vocabulary(phrases: Mapping[str, str]) -> Callable[[object], str]:
        def translate(code: object) -> str:
            if _missing(code):
                return _DASH
            phrase = phrases.get(str(code))
            return translations.gettext(phrase) if phrase else str(code)

        return translate

    @pass_context
    def when(context: Context, value: object) -> str:
        return _instant(value, context["_zone"], locale)

    return {
        "when": when,
        "duration": lambda value: _duration(value, locale),
        "label": vocabulary(_LABELS),
        "metric": vocabulary(METRICS),
        "escalation_type": vocabulary(ESCALATION_TYPES),
        "status": vocabulary(STATUSES),
    }


def _instant(value: object, zone: tzinfo, locale: Locale) -> str:
    """`value` as the locale writes a date and a short time in `zone`, with its GMT offset."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        return _DASH if _missing(value) else str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    time = format_time(local, "short", tzinfo=zone, locale=locale)
    date = format_date(local, "medium", locale=locale)
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    offset = format_time(local, "ZZZZ", tzinfo=zone, locale=locale)
    return f"{pattern.replace('{0}', time).replace('{1}', date)} {offset}"


_UNITS = (("days", 86400), ("hours", 3600), ("minutes", 60))


def _duration(value: object, locale: Locale) -> str:
    """Whole days, hours and minutes ("1 hour 30 minutes"); seconds only under a minute."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _DASH if _missing(value) else str(value)
    seconds = abs(int(value))
    if seconds < 60:
        return _unit("seconds", seconds, locale)
    parts = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(_unit(unit, count, locale))
    return " ".join(parts)


def _unit(unit: str, count: int, locale: Locale) -> str:
    """`count` whole units: a threshold of `count` keeps Babel from moving up a unit and
    rounding (no larger unit reaches `count` of itself)."""
    amount = timedelta(**{unit: count})
    return format_timedelta(amount, threshold=max(count, 1), format="long", locale=locale)


def _zone(name: str) -> tzinfo:
    """The recipient's zone; an unknown or empty name shows times in UTC (labelled so)."""
    try:
        return get_timezone(name.strip() or "UTC")
    except (LookupError, ValueError):  # unknown, or not a zone key at all ("../x")
        return UTC


def _missing(value: object) -> bool:
    return (
        value is None
        or isinstance(value, Undefined)
        or (isinstance(value, str) and not value.strip())
    )


def _present(value: Any) -> Any:
    """`value` without its missing (`None` or blank) entries, so templates see them undefined."""
    if isinstance(value, Mapping):
        return {key: _present(item) for key, item in value.items() if not _missing(item)}
    if isinstance(value, list | tuple):
        return [_present(item) for item in value]
    return value


def _block(template: Template, name: str, variables: Mapping[str, Any]) -> str:
    return "".join(template.blocks[name](template.new_context(dict(variables))))


def _tidy(text: str) -> str:
    """Trailing spaces stripped, at most one blank line in a row, none at either end."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i > 0 and lines[i - 1])]
    return "\n".join(kept).strip()
