"""Translation status per language: translated, outdated (fuzzy), missing — and catalog checks.

Used by `firstdoor i18n status` (and its `--fail-under` CI gate) and by the build, which
refuses catalogs whose translations break a placeholder or have the wrong number of
plural forms, naming the `.po` file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from firstdoor.catalogs import LoadedCatalog
from firstdoor.errors import Problem
from firstdoor.i18n import INTERFACE_LANGUAGE, catalog_path
from firstdoor.languages import Language

if TYPE_CHECKING:
    from firstdoor.validate import ValidatedSite

_PYTHON_FORMAT = re.compile(r"%\(\w+\)[sd]|%[sd]")
_BRACES = re.compile(r"\{\w*\}")
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)")


@dataclass
class DomainStatus:
    """Counts and places for one domain (interface or content) of one language."""

    translated: int = 0
    fuzzy: int = 0
    missing: int = 0
    missing_places: list[str] = field(default_factory=list)
    fuzzy_places: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every entry the language needs."""
        return self.translated + self.fuzzy + self.missing

    @property
    def percent(self) -> float:
        """Share of the entries translated and current."""
        return 100.0 if self.total == 0 else round(100.0 * self.translated / self.total, 1)


@dataclass
class LanguageStatus:
    """The translation status of one language."""

    tag: str
    interface: DomainStatus
    content: DomainStatus

    @property
    def percent(self) -> float:
        """The lower of the interface's and the content's share translated and current.

        Taking the lower one keeps complete built-in interface catalogs from hiding that
        a district's own content is not translated at all (and the other way round).
        """
        shares = [d.percent for d in (self.interface, self.content) if d.total]
        return min(shares) if shares else 100.0


def domain_status(template: Catalog, catalogs: list[Catalog], where: str) -> DomainStatus:
    """Compare a language's catalogs (site's first, then built-in) with the current template."""
    status = DomainStatus()
    for message in template:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        place = _place(message, where)
        found = [m for m in (c.get(msgid, context=message.context) for c in catalogs)
                 if m is not None and _has_string(m)]
        if any(not m.fuzzy for m in found):
            status.translated += 1
        elif found:
            status.fuzzy += 1
            status.fuzzy_places.append(place)
        else:
            status.missing += 1
            status.missing_places.append(place)
    return status


def _has_string(message: Message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(message.string)
    return bool(message.string)


def _place(message: Message, where: str) -> str:
    location = f"{message.locations[0][0]}:{message.locations[0][1]}" if message.locations else where
    msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    context = f" [{message.context}]" if message.context else ""
    return f"{location}{context} {short!r}"


def check_catalog(loaded: LoadedCatalog, language: Language) -> list[Problem]:
    """Placeholders and plural forms of every translated entry of a catalog."""
    problems: list[Problem] = []
    if loaded.catalog.num_plurals != language.nplurals:
        problems.append(Problem(
            file=loaded.display, line=1, message=f"the header says nplurals={loaded.catalog.num_plurals}, but "
            f"{language.english_name} has {language.nplurals} plural forms",
            hint=f"set the header to Plural-Forms: {language.plural_forms}"))
    for message in loaded.catalog:
        if not message.id or message.fuzzy:
            continue
        line = message.lineno or 0
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        written = loaded.plural_counts.get(line, 0)
        if len(ids) > 1 and written and written != language.nplurals:
            problems.append(Problem(
                file=loaded.display, line=line, message=f"{written} plural forms, but "
                f"{language.english_name} has {language.nplurals}",
                hint=f"give msgstr[0] to msgstr[{language.nplurals - 1}] (Plural-Forms: {language.plural_forms})"))
            continue
        if not _has_string(message):
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for text in strings:
            problems += _placeholder_problems(ids[-1], text or "", loaded.display, line, plural=len(ids) > 1)
    return problems


def _placeholder_problems(source: str, text: str, display: str, line: int, plural: bool = False,
                          ) -> list[Problem]:
    """Placeholders and link addresses of `source` that `text` drops, changes or adds.

    In plural entries the count itself may be left out ("one school" in words), as gettext allows.
    """
    problems = []
    for label, pattern in (("placeholder", _PYTHON_FORMAT), ("placeholder", _BRACES),
                           ("link address", _LINK_TARGET)):
        wanted, found = sorted(pattern.findall(source)), sorted(pattern.findall(text))
        if plural:
            count = ("%(num)d", "%(num)s", "%d")
            wanted = [p for p in wanted if p not in count]
            found = [p for p in found if p not in count]
        if wanted != found:
            lost = sorted(set(wanted) - set(found)) or wanted
            added = sorted(set(found) - set(wanted))
            what = f"the translation drops or changes the {label} {', '.join(map(_show, lost))}" if lost \
                else f"the translation adds the {label} {', '.join(map(_show, added))}"
            problems.append(Problem(file=display, line=line, message=what,
                                    hint=f"copy it exactly from the source: {source[:80]!r}"))
    new_tags = set(t.lower() for t in _TAG.findall(text)) - set(t.lower() for t in _TAG.findall(source))
    if new_tags:
        problems.append(Problem(file=display, line=line, severity="warning",
                                message=f"the translation adds HTML (<{'>, <'.join(sorted(new_tags))}>), "
                                "which is removed when the page is built",
                                hint="use Markdown such as **bold** instead of HTML"))
    return problems


def _show(item: str) -> str:
    return item if item.startswith(("%", "{")) else f"({item})"


def translation_status(validated: "ValidatedSite", languages: tuple[Language, ...],
                       folders: list[Path]) -> list[LanguageStatus]:
    """Per language: interface and content entries translated, outdated and missing.

    `folders` are the translation folders in rising precedence (built-in, then the site's).
    """
    from firstdoor.extract import content_template, interface_template
    from firstdoor.defaults import builtin_dir

    templates = {
        "messages": interface_template([validated.files.templates_dir, builtin_dir("templates")]),
        "content": content_template(validated),
    }
    source = validated.site.district.default_language
    report = []
    for language in languages:
        domains = {}
        for domain, template in templates.items():
            needed = language.tag != (source if domain == "content" else INTERFACE_LANGUAGE)
            if not needed:
                domains[domain] = DomainStatus()
                continue
            catalogs = []
            for folder in reversed(folders if domain == "messages" else folders[-1:]):
                path = catalog_path(folder, language.tag, domain)
                if path.is_file():
                    catalogs.append(read_po(path.open("rb")))
            domains[domain] = domain_status(template, catalogs, f"translations/{language.tag}")
        report.append(LanguageStatus(language.tag, domains["messages"], domains["content"]))
    return report
