"""Complete, deterministic `.po` catalogs for a generated site.

The entries come from firstdoor's own extraction (`firstdoor.extract`): the content
template lists every prose unit with the context the build looks it up by (Markdown
split into blocks by `firstdoor.prose.split_blocks`), the interface template every
marked string of the templates. Each entry gets a pseudo-translation: a word in the
target language's script followed by the source text, which keeps placeholders and
link addresses intact (so catalog checks pass) and makes every page differ per language.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from firstdoor.extract import content_template, interface_template
from firstdoor.i18n import INTERFACE_LANGUAGE, catalog_path
from firstdoor.languages import Language
from firstdoor.pipeline import load_site
from firstdoor.defaults import builtin_dir

TRANSLATED = {"ar": "مترجم", "hmn": "Txhais", "es": "Traducido", "zh-Hans": "译文", "vi": "Bản dịch",
              "so": "Turjumaad", "ht": "Tradui", "ru": "Перевод", "ko": "번역", "ur": "ترجمہ", "kar": "ကျိာ်",
              "tl": "Isinalin", "fr": "Traduit", "pt": "Traduzido", "ja": "翻訳", "prs": "ترجمه",
              "am": "ትርጉም", "ne": "अनुवाद", "uk": "Переклад"}
"""The word that marks a pseudo-translated string, in each language's script."""


def po_string(text: str) -> str:
    """A `.po` quoted string on one line."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t").replace("\r", "\\r"))
    return f'"{escaped}"'


def header(language: Language, project: str) -> str:
    """The header entry: language and its plural rule, no timestamps."""
    fields = [f"Project-Id-Version: {project}", f"Language: {language.tag}", f"Plural-Forms: {language.plural_forms}",
              "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"]
    return 'msgid ""\nmsgstr ""\n' + "".join(po_string(f + "\n") + "\n" for f in fields)


def catalog_text(template: Catalog, language: Language, project: str) -> str:
    """Every entry of `template`, pseudo-translated into `language`."""
    word = TRANSLATED.get(language.tag, f"[{language.tag}]")
    parts = [header(language, project)]
    for message in template:
        if not message.id:
            continue
        lines = []
        if message.context:
            lines.append(f"msgctxt {po_string(message.context)}")
        if isinstance(message.id, (tuple, list)):
            singular, plural = message.id[0], message.id[1]
            lines.append(f"msgid {po_string(singular)}")
            lines.append(f"msgid_plural {po_string(plural)}")
            for index in range(language.nplurals):
                source = singular if index == 0 and language.nplurals > 1 else plural
                lines.append(f"msgstr[{index}] {po_string(f'{word} {source}')}")
        else:
            lines.append(f"msgid {po_string(message.id)}")
            lines.append(f"msgstr {po_string(f'{word} {message.id}')}")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def write_catalogs(site: Path) -> list[Path]:
    """Write `messages.po` and `content.po` for every language of the generated site."""
    validated = load_site(site)
    templates = {"messages": interface_template([validated.files.templates_dir, builtin_dir("templates")]),
                 "content": content_template(validated)}
    source = validated.site.district.default_language
    written = []
    for language in validated.languages:
        for domain, template in templates.items():
            if language.tag == (source if domain == "content" else INTERFACE_LANGUAGE):
                continue
            path = catalog_path(validated.files.translations_dir, language.tag, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(catalog_text(template, language, domain), encoding="utf-8")
            written.append(path)
    return written
