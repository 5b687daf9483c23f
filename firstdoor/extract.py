"""The translation workflow: extract templates, then update every language's catalogs.

`firstdoor i18n extract` writes `translations/messages.pot` (interface strings of the
templates) and `translations/content.pot` (every prose field of the content, Markdown
split into blocks, each with its context and a `#:` reference to the YAML file and
line), then creates or updates `translations/<tag>/LC_MESSAGES/{messages,content}.po`:
translations are kept, entries whose source changed are marked fuzzy (outdated, never
shown), removed ones are kept as obsolete.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import denormalize, read_po, write_po
from pydantic import BaseModel

from firstdoor.i18n import catalog_path
from firstdoor.languages import Language
from firstdoor.prose import split_blocks
from firstdoor.defaults import builtin_dir
from firstdoor.validate import ValidatedSite
from firstdoor.values import Prose

INTERFACE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
"""Template calls whose strings are interface messages (`N_` marks a string translated later)."""

HEADER_COMMENT = ("# Translations for {project}.\n"
                  "# Edit with Poedit, Weblate or any gettext tool. Entries marked `fuzzy` are\n"
                  "# outdated: the source changed, so they are not shown until you confirm them.")


@dataclass(frozen=True)
class ExtractReport:
    """What `extract` wrote: the templates and each language's catalogs."""

    templates: tuple[Path, ...]
    catalogs: tuple[Path, ...]
    created: tuple[Path, ...]


def iter_prose(node: Any) -> Iterator[Prose]:
    """Every prose value of a model, in field order (the order of the YAML contract)."""
    if isinstance(node, Prose):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_prose(getattr(node, name))
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from iter_prose(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from iter_prose(item)


def prose_units(prose: Prose) -> list[str]:
    """The translatable units of a prose value: the text, or each Markdown block."""
    if prose.kind == "markdown":
        return [block.text for block in split_blocks(prose.text)]
    return [prose.text]


def content_template(validated: ValidatedSite) -> Catalog:
    """The content template: one entry per prose unit, with context and source line."""
    catalog = Catalog(project="content", fuzzy=False, header_comment=HEADER_COMMENT.format(project="content"))
    lines_cache: dict[str, list[str]] = {}
    site = validated.site
    for model in [site.district, *site.schools.values()]:
        for prose in iter_prose(model):
            for unit in prose_units(prose):
                line = _unit_line(prose, unit, validated.files.root, lines_cache)
                comments = ["Markdown: keep [link text](address) addresses unchanged"] \
                    if "](" in unit else []
                existing = catalog.get(unit, context=prose.context)
                if existing is not None:
                    existing.locations.append((prose.file, line))
                    continue
                catalog.add(unit, context=prose.context, locations=[(prose.file, line)],
                            auto_comments=comments)
    return catalog


def _unit_line(prose: Prose, unit: str, root: Path, cache: dict[str, list[str]]) -> int:
    """The line where a Markdown block starts in its YAML file (the field's line if not found)."""
    if prose.kind != "markdown" or not prose.file:
        return prose.line
    if prose.file not in cache:
        try:
            cache[prose.file] = (root / prose.file).read_text(encoding="utf-8-sig").splitlines()
        except OSError:
            cache[prose.file] = []
    first = unit.splitlines()[0].strip()
    for number in range(max(prose.line - 1, 0), len(cache[prose.file])):
        if first and first in cache[prose.file][number]:
            return number + 1
    return prose.line


def interface_template(template_dirs: list[Path]) -> Catalog:
    """The interface template: every marked string of the templates (site's and built-in)."""
    catalog = Catalog(project="firstdoor", fuzzy=False, header_comment=HEADER_COMMENT.format(project="firstdoor"))
    seen_files: set[str] = set()
    for folder in template_dirs:
        if not folder.is_dir():
            continue
        method_map = [("**.html", "jinja2.ext:babel_extract"), ("**.txt", "jinja2.ext:babel_extract")]
        options = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
                   "**.txt": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
        for filename, lineno, message, comments, context in sorted(
                extract_from_dir(str(folder), method_map, options, keywords=INTERFACE_KEYWORDS),
                key=lambda item: (item[0], item[1])):
            if filename in seen_files and folder != template_dirs[0]:
                continue
            location = (f"templates/{filename}", lineno)
            catalog.add(message, locations=[location], auto_comments=comments, context=context)
        seen_files |= {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}
    return catalog


def new_catalog(language: Language, project: str) -> Catalog:
    """An empty catalog for `language` with its Language and Plural-Forms headers.

    Built by reading a header, because Babel cannot create a catalog for a language CLDR
    lacks (hmn); reading keeps any plural rule we give it.
    """
    header = (f'msgid ""\nmsgstr ""\n"Project-Id-Version: {project}\\n"\n"Language: {language.tag}\\n"\n'
              f'"Plural-Forms: {language.plural_forms}\\n"\n"MIME-Version: 1.0\\n"\n'
              '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n')
    catalog = read_po(io.StringIO(header))
    catalog.header_comment = HEADER_COMMENT.format(project=project)
    return catalog


def _fit_plurals(catalog: Catalog, language: Language) -> None:
    """Give the catalog the language's plural rule, trimming extra forms a tool may have written."""
    # Babel offers no setter for the plural rule of a catalog without a CLDR locale.
    catalog._num_plurals = language.nplurals  # type: ignore[assignment]
    catalog._plural_expr = language.plural_forms.split("plural=", 1)[-1].rstrip("; ")  # type: ignore[assignment]
    for message in catalog:
        if isinstance(message.string, (tuple, list)) and len(message.string) > language.nplurals:
            message.string = tuple(message.string[:language.nplurals])


def _without_header_fields(lines: list[str], names: tuple[str, ...]) -> list[str]:
    """Drop header fields, including the continuation lines Babel wraps long ones onto."""
    kept: list[str] = []
    skipping = False
    in_header = True
    for line in lines:
        if in_header and not line.strip():
            in_header = False
        if in_header and line.startswith('"'):
            starts_field = bool(re.match(r'"[A-Za-z-]+: ', line))
            if starts_field:
                skipping = line[1:].split(":", 1)[0] in names
            if skipping:
                continue
        kept.append(line)
    return kept


def _restore_previous_ids(catalog: Catalog) -> None:
    """Babel reads `#| msgid` lines back as comments `| msgid ...`: turn them into the previous id again.

    The old English of a fuzzy entry is what a translator compares against, so it must survive
    every later `extract`, written once as `#| msgid`.
    """
    for message in catalog:
        previous = [c[2:] for c in message.user_comments if c.startswith("| ")]
        message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]
        lines = [line for line in previous if not line.startswith(("msgctxt", "msgid_plural"))]
        if message.fuzzy and not message.previous_id and lines and lines[0].startswith("msgid "):
            message.previous_id = [denormalize("\n".join([lines[0][6:], *lines[1:]]))]


def write_catalog(catalog: Catalog, path: Path, template: bool = False, plural_forms: str | None = None) -> None:
    """Write a catalog deterministically (no creation or revision timestamps).

    Babel leaves out the Plural-Forms header for languages CLDR lacks (Hmong) and then
    reads such a file back as having two forms, so the language's rule is always written.
    """
    if plural_forms is None and not template:
        plural_forms = f"nplurals={catalog.num_plurals}; plural={catalog.plural_expr};"
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=not template, omit_header=False)
    lines = _without_header_fields(buffer.getvalue().decode("utf-8").splitlines(keepends=True),
                                   ("POT-Creation-Date", "PO-Revision-Date", "Generated-By", "Plural-Forms"))
    if plural_forms:
        at = next(i for i, line in enumerate(lines) if line.startswith('"Content-Type:'))
        lines.insert(at, f'"Plural-Forms: {plural_forms}\\n"\n')
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(lines)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def extract(validated: ValidatedSite, languages: tuple[Language, ...]) -> ExtractReport:
    """Refresh both templates and every language's catalogs of a site."""
    translations = validated.files.translations_dir
    template_dirs = [validated.files.templates_dir, builtin_dir("templates")]
    templates = {"messages": interface_template(template_dirs), "content": content_template(validated)}
    written_templates = []
    for domain, template in templates.items():
        path = translations / f"{domain}.pot"
        write_catalog(template, path, template=True)
        written_templates.append(path)
    catalogs, created = [], []
    for language in languages:
        for domain, template in templates.items():
            if domain == "content" and language.tag == validated.site.district.default_language:
                continue  # the source language's prose needs no translation
            if domain == "messages" and language.tag == "en":
                continue  # interface strings are written in English
            path = catalog_path(translations, language.tag, domain)
            if path.is_file():
                catalog = read_po(path.open("rb"))
            else:
                catalog = new_catalog(language, domain)
                created.append(path)
            catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
            _restore_previous_ids(catalog)  # after update, which copies comments but not previous ids
            _fit_plurals(catalog, language)
            write_catalog(catalog, path, plural_forms=language.plural_forms)
            catalogs.append(path)
    return ExtractReport(tuple(written_templates), tuple(catalogs), tuple(created))
