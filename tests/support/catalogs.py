"""Checks every gettext catalog of escalon must pass, whichever texts it holds."""

from __future__ import annotations

import gettext
from collections.abc import Iterable

from babel import Locale
from babel.messages.catalog import Catalog

Msgid = str | tuple[str, ...]  # a plural message's msgid is (singular, plural)


def untranslated(catalog: Catalog, msgids: Iterable[Msgid]) -> list[Msgid]:
    """The msgids without a full translation: missing, empty, fuzzy or short of forms."""
    found = []
    for msgid in sorted(msgids, key=str):
        message = catalog.get(msgid)
        strings = () if message is None else message.string
        forms = strings if isinstance(strings, tuple) else (strings,)
        expected = catalog.num_plurals if isinstance(msgid, tuple) else 1
        if len(forms) != expected or not all(forms) or (message and message.fuzzy):
            found.append(msgid)
    return found


def assert_plural_rule_agrees_with_cldr(catalog: Catalog, language: str) -> None:
    """Over whole numbers, the header's forms and Babel's CLDR categories split alike."""
    form = gettext.c2py(catalog.plural_expr)
    category = Locale.parse(language).plural_form
    pairs = {(category(n), form(n)) for n in range(1000)}

    assert len({c for c, _ in pairs}) == len({f for _, f in pairs}) == len(pairs)
    assert len(pairs) == catalog.num_plurals
