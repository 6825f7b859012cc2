"""Checks every gettext catalog of escalon must pass, whichever texts it holds."""

from __future__ import annotations

import gettext

from babel import Locale
from babel.messages.catalog import Catalog


def assert_plural_rule_agrees_with_cldr(catalog: Catalog, language: str) -> None:
    """Over whole numbers, the header's forms and Babel's CLDR categories split alike."""
    form = gettext.c2py(catalog.plural_expr)
    category = Locale.parse(language).plural_form
    pairs = {(category(n), form(n)) for n in range(1000)}

    assert len({c for c, _ in pairs}) == len({f for _, f in pairs}) == len(pairs)
    assert len(pairs) == catalog.num_plurals
