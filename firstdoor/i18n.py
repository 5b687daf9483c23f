"""Translation at render time: one function every prose field and interface string goes through.

For a page in language L, prose is looked up in L's content catalog by (context, text),
Markdown block by block; interface strings in L's interface catalog. A missing or fuzzy
translation never hides information: the source text is shown, wrapped with its own
`lang` (and `dir`) so screen readers switch voice, and the page gets a notice.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from markupsafe import Markup, escape

from firstdoor.catalogs import LoadedCatalog, load_catalog
from firstdoor.errors import Problem
from firstdoor.languages import Language
from firstdoor.prose import ProseRenderer, ShownBlock, plain_text, split_blocks
from firstdoor.report import Misses
from firstdoor.values import Prose

INTERFACE_LANGUAGE = "en"
"""Interface strings in the templates are written in English."""

CATALOG_DOMAINS = ("messages", "content")


def catalog_path(translations: Path, tag: str, domain: str) -> Path:
    """Where the `.po` file of one language and domain lives."""
    return translations / tag / "LC_MESSAGES" / f"{domain}.po"


@dataclass(frozen=True)
class LanguageCatalogs:
    """The shown translations of one language: interface strings and content prose."""

    language: Language
    interface: dict[tuple[str | None, str], str | tuple[str, ...]]
    content: dict[tuple[str | None, str], str | tuple[str, ...]]


def load_language_catalogs(language: Language, translations_dirs: list[Path], root: Path,
                           ) -> tuple[LanguageCatalogs, list[LoadedCatalog], list[Problem]]:
    """Load the catalogs of `language`; later folders in `translations_dirs` win entry by entry.

    Content prose is the site's own, so only the last folder (the site's) supplies content
    translations; earlier ones (firstdoor's built-in catalogs) supply interface strings.
    """
    problems: list[Problem] = []
    loaded_files: list[LoadedCatalog] = []
    merged: dict[str, dict[tuple[str | None, str], str | tuple[str, ...]]] = {d: {} for d in CATALOG_DOMAINS}
    for folder in translations_dirs:
        domains = CATALOG_DOMAINS if folder == translations_dirs[-1] else ("messages",)
        for domain in domains:
            path = catalog_path(folder, language.tag, domain)
            if not path.is_file():
                continue
            loaded, found = load_catalog(path, root)
            problems.extend(found)
            if loaded is not None:
                merged[domain].update(loaded.messages)
                loaded_files.append(loaded)
    return LanguageCatalogs(language, merged["messages"], merged["content"]), loaded_files, problems


class Translator:
    """Translates prose and interface strings into one language, for one page at a time."""

    def __init__(self, catalogs: LanguageCatalogs, source: Language, renderer: ProseRenderer) -> None:
        self.language = catalogs.language
        self.catalogs = catalogs
        self.source = source
        self.renderer = renderer
        self.misses = Misses()
        self._shown: dict[str, tuple[Markup, bool]] = {}
        """Placeholder-free interface strings as shown, and whether each was missing: shared by
        every page of the language (`for_page`), since a page asks for hundreds of them."""
        self._plural: Callable[[int], int] = stdlib_gettext.c2py(
            self.language.plural_forms.split("plural=", 1)[-1].rstrip("; ")
        ) if "plural=" in self.language.plural_forms else (lambda n: int(n != 1))

    def for_page(self) -> "Translator":
        """A translator sharing the catalogs, with its own record of misses."""
        page = Translator.__new__(Translator)
        page.__dict__.update(self.__dict__)
        page.misses = Misses()
        return page

    # -- prose ---------------------------------------------------------------------------

    def lookup(self, prose: Prose, text: str) -> str | None:
        """The translation of one piece (a text or a Markdown block) of `prose`, or None."""
        if self.language.tag == self.source.tag:
            return text
        found = self.catalogs.content.get((prose.context, text))
        if isinstance(found, tuple):
            found = found[0]
        if found is None:
            self.misses.content.add((prose.context, text))
        return found

    def text(self, prose: Prose | None) -> Markup:
        """Plain prose as HTML: translated, or the source text marked with its language."""
        if prose is None:
            return Markup("")
        found = self.lookup(prose, prose.text)
        if found is not None:
            return self.renderer.text(found)
        return self.renderer.text(prose.text, self.source.tag, self._fallback_dir(self.source))

    def plain(self, prose: Prose | None) -> str:
        """Prose as plain text, for attributes and metadata (falls back silently to the source)."""
        if prose is None:
            return ""
        text = prose.text
        if prose.kind == "markdown":
            return plain_text(" ".join(self.lookup(prose, b.text) or b.text for b in split_blocks(text)))
        return self.lookup(prose, text) or text

    def markdown(self, prose: Prose | None) -> Markup:
        """Markdown prose as sanitised HTML, translated block by block."""
        if prose is None:
            return Markup("")
        shown = []
        for block in split_blocks(prose.text):
            found = self.lookup(prose, block.text)
            if found is not None:
                shown.append(ShownBlock(block, found))
            else:
                shown.append(ShownBlock(block, block.text, self.source.tag, self._fallback_dir(self.source)))
        return self.renderer.blocks(shown)

    def markdown_summary(self, prose: Prose) -> Markup:
        """The first paragraph of Markdown prose, translated: the plain summary districts write first."""
        first = split_blocks(prose.text)[:1]
        if not first:
            return Markup("")
        found = self.lookup(prose, first[0].text)
        shown = ShownBlock(first[0], found) if found is not None else \
            ShownBlock(first[0], first[0].text, self.source.tag, self._fallback_dir(self.source))
        return self.renderer.blocks([shown])

    def _fallback_dir(self, shown: Language) -> str | None:
        return shown.direction if shown.direction != self.language.direction else None

    # -- interface strings (Jinja's i18n extension, new style) --------------------------------

    def gettext(self, message: str, **variables: Any) -> Markup:
        """Translate an interface string; `%(name)s` placeholders are filled and escaped."""
        if variables:
            return self._finish(self._interface(message), message, variables)
        remembered = self._shown.get(message)
        if remembered is None:
            found = self._interface(message)
            remembered = self._shown[message] = (self._finish(found, message, variables), found is None)
        elif remembered[1]:
            self.misses.interface.add(message)  # every page records what it showed untranslated
        return remembered[0]

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> Markup:
        """Translate an interface string with a count, using the language's plural rule."""
        variables.setdefault("num", n)
        if self.language.tag == INTERFACE_LANGUAGE:
            return self._finish(singular if n == 1 else plural, singular, variables)
        found = self.catalogs.interface.get((None, singular))
        if isinstance(found, tuple):
            index = self._plural(n)
            return self._finish(found[index] if index < len(found) else found[-1], singular, variables)
        self.misses.interface.add(singular)
        return self._finish(None, singular if n == 1 else plural, variables)

    def pgettext(self, context: str, message: str, **variables: Any) -> Markup:
        """Translate an interface string that needs a context to be unambiguous."""
        found = None if self.language.tag != INTERFACE_LANGUAGE else message
        if found is None:
            value = self.catalogs.interface.get((context, message))
            found = value[0] if isinstance(value, tuple) else value
            if found is None:
                self.misses.interface.add(message)
        return self._finish(found, message, variables)

    def _interface(self, message: str) -> str | None:
        if self.language.tag == INTERFACE_LANGUAGE:
            return message
        value = self.catalogs.interface.get((None, message))
        if value is None:
            self.misses.interface.add(message)
            return None
        return value[0] if isinstance(value, tuple) else value

    def _finish(self, found: str | None, source: str, variables: dict[str, Any]) -> Markup:
        text = Markup(escape(found if found is not None else source))
        if variables:
            text = Markup(text % {k: v for k, v in variables.items()})
        if found is None and self.language.tag != INTERFACE_LANGUAGE:
            direction = ' dir="ltr"' if self.language.direction == "rtl" else ""
            return Markup(f'<span lang="{INTERFACE_LANGUAGE}"{direction}>') + text + Markup("</span>")
        return text


class Translators(Mapping[str, Translator]):
    """One translator per language, made when first asked for; only the `keep` languages asked for last are held.

    A worker that renders every language would otherwise end up holding every language's
    catalogs, and touching them copies the pages it shares with the build's parent: at
    1000 schools in 10 languages that is most of its memory. Units are rendered language
    by language (`runner`), so a worker holds one or two languages at a time. `catalogs`
    may read each language when asked (`caches.LazyCatalogs`); a translator handed out
    keeps its catalogs for as long as it is used.
    """

    def __init__(self, catalogs: Mapping[str, LanguageCatalogs], source: Language, keep: int = 2) -> None:
        self._catalogs, self._source, self._keep = catalogs, source, keep
        self._held: dict[str, Translator] = {}

    def __getitem__(self, tag: str) -> Translator:
        translator = self._held.pop(tag, None)
        if translator is None:  # with its own Markdown cache, which goes with it
            translator = Translator(self._catalogs[tag], self._source, ProseRenderer())
        self._held[tag] = translator  # the most recently used last
        while len(self._held) > self._keep:
            del self._held[next(iter(self._held))]
        return translator

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalogs)

    def __len__(self) -> int:
        return len(self._catalogs)

    def __contains__(self, tag: object) -> bool:
        return tag in self._catalogs
