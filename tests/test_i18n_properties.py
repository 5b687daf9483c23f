"""Property-based tests: the catalog writer and merger, and translated output, for any text."""

from __future__ import annotations

import io
import re

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from firstdoor.catalogs import check_po_syntax
from firstdoor.extract import write_catalog
from firstdoor.i18n import LanguageCatalogs, Translator
from firstdoor.languages import resolve_language
from firstdoor.prose import ProseRenderer
from firstdoor.values import Markdown, Text

# Any printable text, including quotes, backslashes, tabs, HTML and non-Latin scripts.
_pieces = st.sampled_from(['"', "\\", "\t", "<script>alert(1)</script>", "</p>", "%(", "[a](javascript:x)",
                          "<img src=x onerror=alert(1)>", "**", "\u202e", "\n\n", "- ", "# "])
_chars = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"), max_size=20)
texts = st.lists(_pieces | _chars, min_size=1, max_size=6).map("".join).filter(lambda s: s.strip() != "")

# Dangerous markup: script-like tags, event handlers, or script URLs in a link or source.
# The same words as escaped plain text are harmless and allowed.
DANGER = re.compile(r"<\s*(script|iframe|style|object|embed)|<[^>]*\son\w+\s*=|"
                    r"<[^>]*(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=8, unique_by=lambda t: t[0]))
def test_any_catalog_round_trips_through_our_writer(tmp_path_factory, entries) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(locale="es")
    for source, translation in entries:
        catalog.add(source, translation, context="schools/x: description")
    path = tmp_path_factory.mktemp("po") / "content.po"
    write_catalog(catalog, path, plural_forms="nplurals=2; plural=(n != 1);")
    text = path.read_text(encoding="utf-8")
    assert check_po_syntax(text, "content.po") == []
    again = read_po(io.StringIO(text))
    for source, translation in entries:
        assert again.get(source, context="schools/x: description").string == translation


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6, unique=True), st.data())
def test_merge_keeps_unchanged_and_marks_changed_fuzzy(blocks, data) -> None:  # type: ignore[no-untyped-def]
    context = "schools/x: description"
    old = Catalog(locale="es")
    for block in blocks:
        old.add(block, "ES " + block, context=context)
    edited_index = data.draw(st.integers(0, len(blocks) - 1))
    new_text = blocks[edited_index] + " (edited)"
    template = Catalog()
    for i, block in enumerate(blocks):
        template.add(new_text if i == edited_index else block, context=context)
    old.update(template, no_fuzzy_matching=False)
    for i, block in enumerate(blocks):
        if i == edited_index or block == new_text:
            continue
        kept = old.get(block, context=context)
        assert kept is not None and kept.string == "ES " + block and not kept.fuzzy
    edited = old.get(new_text, context=context)
    assert edited is not None and (edited.fuzzy or not edited.string)


def translator_for(content: dict[tuple[str | None, str], str]) -> Translator:
    spanish, english = resolve_language("es"), resolve_language("en")
    return Translator(LanguageCatalogs(spanish, {}, content), english, ProseRenderer())


@settings(max_examples=80, deadline=None)
@given(texts, texts)
def test_no_translation_can_inject_script(source: str, translation: str) -> None:
    prose = Markdown(source)
    prose.bind("schools/x: description", "x.yaml", 1)
    from firstdoor.prose import split_blocks
    content = {("schools/x: description", b.text): translation for b in split_blocks(source)}
    html = str(translator_for(content).markdown(prose))
    assert not DANGER.search(html)
    title = Text(source)
    title.bind("schools/x: name", "x.yaml", 1)
    assert not DANGER.search(str(translator_for({("schools/x: name", source.strip()): translation}).text(title)))


def test_remembered_interface_strings_still_count_as_missing_on_every_page() -> None:
    """Interface strings are remembered per language, yet each page still reports what it showed untranslated."""
    spanish, english = resolve_language("es"), resolve_language("en")
    language = Translator(LanguageCatalogs(spanish, {(None, "Apply"): "Solicitar"}, {}), english, ProseRenderer())
    first, second = language.for_page(), language.for_page()
    assert first.gettext("Apply") == second.gettext("Apply") == "Solicitar"
    assert first.gettext("Free bus") == second.gettext("Free bus")
    assert "Free bus" in second.gettext("Free bus") and 'lang="en"' in second.gettext("Free bus")
    assert first.misses.interface == second.misses.interface == {"Free bus"}
    assert first.gettext("%(n)s seats", n=3) == '<span lang="en">3 seats</span>'
