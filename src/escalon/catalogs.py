"""Message catalogs: gettext `.po` files shipped in a package, read when a language is first
used. No compiled `.mo` files and no build step: the catalog is compiled in memory."""

from __future__ import annotations

from importlib.resources import files
from io import BytesIO
from typing import Any, cast

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader

SOURCE_LANGUAGE = "en"  # msgids are English


def translations(package: str, domain: str, code: str) -> NullTranslations:
    """The catalog of `code` in `package`'s `locales/<code>/LC_MESSAGES/<domain>.po`."""
    if code == SOURCE_LANGUAGE:
        return NullTranslations()
    po = files(package) / "locales" / code / "LC_MESSAGES" / f"{domain}.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=code, domain=domain)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def environment(package: str, domain: str, code: str, **options: Any) -> Environment:
    """A Jinja2 environment over `package`'s templates, translated into `code`.

    Texts are written with `{% trans %}` / `_()`, trimmed, newstyle gettext; a language
    without a catalog yet shows the English source rather than failing.
    """
    env = Environment(
        loader=PackageLoader(package, "templates"),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        **options,
    )
    env.policies["ext.i18n.trimmed"] = True
    try:
        found = translations(package, domain, code)
    except FileNotFoundError:
        found = NullTranslations()
    # Added by the i18n extension at run time, so unknown to the type checker.
    cast(Any, env).install_gettext_translations(found, newstyle=True)
    # For texts made at run time (a refusal's message): translated if the catalog knows
    # them, never %-formatted, since they may quote what a user typed.
    env.globals["say"] = found.gettext
    return env
