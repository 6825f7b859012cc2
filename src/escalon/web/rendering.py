"""Pages in the viewer's language and time zone.

The language is the user's setting, else the best match of the browser's Accept-Language
among escalon's five, else English; the time zone is the user's setting, else that of the
person they are in the organisation, else UTC. Texts are English msgids translated through
`locales/<language>/LC_MESSAGES/web.po`, read once per language.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from babel import Locale, negotiate_locale
from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, select_autoescape

from escalon import catalogs
from escalon.core.sla import signal
from escalon.notify.render import LANGUAGES
from escalon.services.accounts import Viewer
from escalon.web.words import WORDS, options

_environments: dict[str, Environment] = {}
_lock = threading.Lock()


def language_of(request: Request, viewer: Viewer | None) -> str:
    if viewer is not None and viewer.language in LANGUAGES:
        return viewer.language
    wanted = [
        part.split(";")[0].strip().replace("_", "-")
        for part in request.headers.get("accept-language", "").split(",")
        if part.strip()
    ]
    found = negotiate_locale(wanted, list(LANGUAGES), sep="-") if wanted else None
    if found is None:  # "hu-HU" matches "hu" only by its primary tag
        found = next((w.split("-")[0] for w in wanted if w.split("-")[0] in LANGUAGES), None)
    return found or "en"


def environment(language: str) -> Environment:
    with _lock:
        if language not in _environments:
            _environments[language] = _build(language)
        return _environments[language]


def _build(language: str) -> Environment:
    env = catalogs.environment(
        "escalon.web", "web", language, autoescape=select_autoescape(["html"])
    )
    env.filters["pair"] = lambda value: (value, value)  # an <option> shown as its value
    say = cast(Callable[[str], str], env.globals["say"])

    def word(kind: str, value: str) -> str:
        return str(say(WORDS[kind][value])) if value in WORDS.get(kind, {}) else value

    env.globals["word"] = word
    env.filters["word_of"] = lambda value, kind: word(kind, value)
    env.globals["options"] = options
    env.globals["signal"] = signal
    env.filters["translated"] = lambda pairs: [(value, str(say(text))) for value, text in pairs]
    return env


def render(
    request: Request,
    viewer: Viewer | None,
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    language = language_of(request, viewer)
    zone = ZoneInfo(context.pop("zone", None) or "UTC")
    locale = Locale.parse(language)

    def local(at: datetime | str | None) -> str:
        if at is None:
            return "—"
        if isinstance(at, str):  # an instant stored in a JSON column
            at = datetime.fromisoformat(at)
        return format_datetime(at.astimezone(zone), "yyyy-MM-dd HH:mm", locale=locale)

    page = environment(language).get_template(template)
    html = page.render(
        viewer=viewer,
        language=language,
        languages=LANGUAGES,
        zone=zone.key,
        local=local,
        span=span,
        request=request,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def span(delta: timedelta) -> str:
    """A countdown as a person reads it: `2h 05m`, `3d 4h`, `-0h 12m` once overdue."""
    sign, seconds = ("-" if delta < timedelta(0) else ""), abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return f"{sign}{days}d {hours}h"
    return f"{sign}{hours}h {minutes:02d}m"
