"""The language registry: every site language resolved to names, direction and formats.

A language comes from CLDR (through Babel), from firstdoor's built-in data for
languages CLDR lacks or gets wrong (`language_data.py`), and from the district's
`language_overrides`, in rising order of precedence. A language known to none of them
is a validation error that says what to add; nothing silently becomes English.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from firstdoor.language_data import BUILTIN_LANGUAGES, PLURAL_FORMS_FIXES


@dataclass(frozen=True)
class Language:
    """One language of the site, ready for formatting and for page markup."""

    tag: str
    """The BCP 47 tag as the district wrote it, e.g. zh-Hans; used in `lang` attributes."""
    name: str
    """The language's own name (endonym)."""
    english_name: str
    direction: Literal["ltr", "rtl"]
    formats_like: str
    """The CLDR locale whose date and number patterns are used."""
    months: tuple[str, ...] | None = None
    days: tuple[str, ...] | None = None
    date_format: str | None = None
    plural_forms: str = "nplurals=2; plural=(n != 1);"
    list_two: str | None = None
    list_end: str | None = None
    cldr_names: bool = True
    """False when CLDR's names of other languages are not in this language."""

    @property
    def slug(self) -> str:
        """The language as it appears in web addresses: the tag lowercased (`zh-hans`)."""
        return self.tag.lower()

    @property
    def locale(self) -> Locale:
        """The Babel locale used for formatting."""
        return cldr_locale(self.formats_like)  # type: ignore[return-value]

    @property
    def babel_tag(self) -> str:
        """The tag as Babel spells it (`zh_Hans`), for catalog headers."""
        return self.tag.replace("-", "_")

    @property
    def nplurals(self) -> int:
        """How many plural forms the catalogs of this language have."""
        match = re.search(r"nplurals\s*=\s*(\d+)", self.plural_forms)
        return int(match.group(1)) if match else 2


@functools.cache
def cldr_locale(tag: str) -> Locale | None:
    """The CLDR locale for a BCP 47 tag, or None when CLDR does not know it.

    Cached: Babel locales are immutable, and parsing them is the costly part.
    """
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


class UnknownLanguage(Exception):
    """A language neither CLDR, firstdoor nor the district describes."""

    def __init__(self, tag: str, missing: str) -> None:
        self.tag, self.missing = tag, missing
        super().__init__(tag)


def resolve_language(tag: str, override: dict[str, Any] | None = None) -> Language:
    """Build the `Language` for `tag` from CLDR, built-in data and the district override."""
    data: dict[str, Any] = {}
    cldr = cldr_locale(tag)
    if cldr is not None:
        data.update(name=_capitalised(cldr.get_display_name(cldr) or tag),
                    english_name=cldr.get_display_name("en") or tag,
                    direction=cldr.text_direction, formats_like=tag)
    data.update(BUILTIN_LANGUAGES.get(tag, {}))
    data.update({k: v for k, v in (override or {}).items() if v is not None})
    base = data.get("formats_like")
    if base is None:
        raise UnknownLanguage(tag, "formats_like")
    base_locale = cldr_locale(str(base))
    if base_locale is None:
        raise UnknownLanguage(str(base), "cldr")
    data.setdefault("name", tag)
    data.setdefault("english_name", data["name"])
    data.setdefault("direction", base_locale.text_direction)
    if "plural_forms" not in data:
        data["plural_forms"] = PLURAL_FORMS_FIXES.get(tag) or _plural_forms(cldr or base_locale)
    if cldr is None:
        data.setdefault("cldr_names", False)
    for key in ("months", "days"):
        if data.get(key) is not None:
            data[key] = tuple(data[key])
    return Language(tag=tag, **data)


def _plural_forms(locale: Locale) -> str:
    plural = get_plural(locale)
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def _capitalised(name: str) -> str:
    """Endonyms start with a capital in the menu where the script has case ("Español")."""
    return name[:1].upper() + name[1:]


def language_name(tag: str, reader: Language, languages: dict[str, Language]) -> str:
    """The name of language `tag` in the reader's language (CLDR), else its own name.

    Spanish is "español" on the Spanish page and "الإسبانية" on the Arabic one; a
    language CLDR cannot name in the reader's language is shown by its own name.
    """
    if reader.cldr_names:
        names = reader.locale.languages
        for key in (tag.replace("-", "_"), tag.split("-")[0]):
            if key in names:
                return str(names[key])
    if tag in languages:
        return languages[tag].name
    known = cldr_locale(tag)
    if known is not None:
        return _capitalised(known.get_display_name(known) or tag)
    builtin = BUILTIN_LANGUAGES.get(tag)
    return str(builtin["name"]) if builtin else tag
