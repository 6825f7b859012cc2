"""The web UI's message catalogs: every text of every page and every word marked with `N_`
translated into each of escalon's languages, with the placeholders and plural forms the
pages fill in, and a page that actually comes out in each language."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from typing import Any, cast

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from escalon import web
from escalon.notify.render import LANGUAGES
from escalon.web.rendering import environment, span
from tests.support.catalogs import assert_plural_rule_agrees_with_cldr, untranslated

PACKAGE = Path(web.__file__).parent
TRANSLATED = tuple(code for code in LANGUAGES if code != "en")

# What `pybabel extract` would find, with the options the pages are rendered with
# (escalon.catalogs.environment): the i18n extension, trimmed, newstyle gettext.
JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trimmed": "true",
    "newstyle_gettext": "true",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
}
JINJA_EXTRACTOR = cast(Any, babel_extract)  # its hints predate babel's extractor protocol
# Python modules mark words with N_ (translated when a page shows them).
PYTHON_KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "N_": None,
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
}
# A %-placeholder (`%(name)s`, `%(count)d`, `%s`) or an escaped percent sign.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")

Msgid = str | tuple[str, ...]


def _msgids() -> set[Msgid]:
    found: set[Msgid] = set()
    for path in sorted((PACKAGE / "templates").glob("*.html")):
        with path.open("rb") as source:
            found |= {m[1] for m in extract(JINJA_EXTRACTOR, source, options=JINJA_OPTIONS)}
    for path in _python_sources():
        with path.open("rb") as source:
            found |= {m[1] for m in extract("python", source, keywords=PYTHON_KEYWORDS)}
    return found


def _python_sources() -> list[Path]:
    """web/*.py, and every escalon module they take `N_` from: the words the web shares
    with the notifications (escalon.vocabulary) are marked there, not in web/."""
    own = sorted(PACKAGE.glob("*.py"))
    shared: set[Path] = set()
    for path in own:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("escalon.")
                and any(alias.name == "N_" for alias in node.names)
            ):
                spec = importlib.util.find_spec(node.module or "")
                assert spec is not None and spec.origin is not None, node.module
                origin = Path(spec.origin)
                if origin.parent != PACKAGE:
                    shared.add(origin)
    return own + sorted(shared)


def _catalog(language: str) -> Catalog:
    path = PACKAGE / "locales" / language / "LC_MESSAGES" / "web.po"
    with path.open("rb") as source:
        return read_po(source, locale=language, domain="web")


def _forms(message: Message | None) -> tuple[str, ...]:
    if message is None:
        return ()
    strings = message.string
    forms = tuple(strings) if isinstance(strings, (tuple, list)) else (strings,)
    return tuple(form or "" for form in forms)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _sample(msgid: Msgid) -> dict[str, int]:
    """A value for every named placeholder, as newstyle gettext fills them in."""
    texts = (msgid,) if isinstance(msgid, str) else msgid
    return {name: 3 for text in texts for name in re.findall(r"%\((\w+)\)", text)}


def test_the_pages_have_texts_to_translate() -> None:
    msgids = _msgids()

    assert "Sign in" in msgids  # a template
    assert "This field is required." in msgids  # forms.py, marked with N_
    assert "pending approval" in msgids  # words.py, marked with N_
    assert "waiting on customer" in msgids  # escalon.vocabulary, shared with notify
    assert any(isinstance(msgid, tuple) for msgid in msgids)  # ngettext


def test_every_language_but_english_has_a_catalog() -> None:
    assert set(TRANSLATED) == {"hu", "cs", "ru", "tr"}
    for language in TRANSLATED:
        assert (PACKAGE / "locales" / language / "LC_MESSAGES" / "web.po").is_file()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    assert untranslated(_catalog(language), _msgids()) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_and_nothing_else(language: str) -> None:
    """A page fills in `%(name)s` by name: each must survive, and no other `%` may appear,
    since newstyle gettext %-formats every text, even one without placeholders."""
    catalog = _catalog(language)
    wrong: list[tuple[Msgid, str, object]] = []
    for msgid in sorted(_msgids(), key=str):
        texts = (msgid,) if isinstance(msgid, str) else msgid
        expected = set().union(*(_placeholders(text) for text in texts))
        for form in _forms(catalog.get(msgid)):
            if not form:
                continue  # reported as untranslated
            try:
                form % _sample(msgid)
            except (KeyError, ValueError, TypeError) as exc:
                wrong.append((msgid, form, repr(exc)))
                continue
            if _placeholders(form) != expected:
                wrong.append((msgid, form, sorted(_placeholders(form) ^ expected)))

    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogs_plural_rule_agrees_with_cldr(language: str) -> None:
    assert_plural_rule_agrees_with_cldr(_catalog(language), language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_is_the_web_domain_in_its_language(language: str) -> None:
    catalog = _catalog(language)

    assert str(catalog.locale) == language
    assert not catalog.fuzzy


SIGN_IN = {
    "en": "Sign in",
    "hu": "Bejelentkezés",
    "cs": "Přihlásit se",
    "ru": "Войти",
    "tr": "Giriş yap",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_renders_in_each_language(language: str) -> None:
    page = environment(language).get_template("login.html")

    html = page.render(
        viewer=None,
        language=language,
        languages=LANGUAGES,
        zone="UTC",
        local=lambda at: "—" if at is None else str(at),
        span=span,
        request=None,
        form={},
        error="wrong",
        next="/queue",
        login_csrf="x",
    )

    assert f'<html lang="{language}">' in html
    assert f"<h1>{SIGN_IN[language]}</h1>" in html
    if language != "en":
        assert "Sign in" not in html
        assert "The user name or the password is wrong." not in html


@pytest.mark.parametrize("language", ["cs", "ru"])
def test_a_plural_message_takes_three_forms(language: str) -> None:
    counted = environment(language).from_string(
        '{{ ngettext("%(num)d problem found:", "%(num)d problems found:", n) }}'
    )

    shown = {counted.render(n=n).replace(str(n), "#") for n in (1, 3, 5)}

    assert len(shown) == 3
