"""Markdown prose: split into translatable blocks, rendered to sanitised HTML.

A Markdown field is split into blocks (paragraph, heading, list item) so that a
translator translates, and an edit invalidates, one block at a time. Each block is
rendered on its own, then sanitised with an allow-list (nh3): raw HTML in content can
never inject a script, an event handler or a `javascript:` URL. A block shown in the
source language because its translation is missing carries its own `lang` attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Iterable, Literal

import markdown
import nh3
from markupsafe import Markup

BlockKind = Literal["paragraph", "heading", "bullet", "ordered"]

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^\s*\d{1,9}[.)]\s+(.*)$")
_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>&\\!#|~]|  $|https?://|www\.", re.M)

INLINE_TAGS = {"a", "strong", "em", "b", "i", "code", "br", "abbr", "span"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass(frozen=True)
class Block:
    """One translatable unit of a Markdown field."""

    kind: BlockKind
    text: str
    """The block's Markdown without its list marker or heading hashes."""
    level: int = 0
    """The heading level (1 for `#`)."""


@dataclass(frozen=True)
class ShownBlock:
    """A block as a page shows it: its (maybe translated) text and its language if it fell back."""

    block: Block
    text: str
    lang: str | None = None
    """Set when the text is not in the page's language (a missing translation)."""
    direction: str | None = None


def split_blocks(source: str) -> list[Block]:
    """Split Markdown into paragraphs, headings and list items, in order."""
    blocks: list[Block] = []
    current: list[str] = []
    kind: BlockKind = "paragraph"

    def flush() -> None:
        nonlocal current
        text = "\n".join(line.strip() for line in current).strip()
        if text:
            blocks.append(Block(kind, text))
        current = []

    for line in source.replace("\r\n", "\n").split("\n"):
        heading, bullet, ordered = _HEADING.match(line), _BULLET.match(line), _ORDERED.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            blocks.append(Block("heading", heading.group(2), len(heading.group(1))))
        elif bullet or ordered:
            flush()
            kind = "bullet" if bullet else "ordered"
            current = [(bullet or ordered).group(1)]  # type: ignore[union-attr]
        else:
            if not current:
                kind = "paragraph"
            current.append(line)
    flush()
    return blocks


def sanitize_inline(html: str) -> str:
    """Keep only harmless inline markup: links to web, mail and phone addresses, emphasis."""
    return nh3.clean(html, tags=INLINE_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"},
                                                         "span": {"lang", "dir"}},
                     url_schemes=URL_SCHEMES, link_rel="noopener")


class ProseRenderer:
    """Renders Markdown blocks to sanitised HTML, converting each distinct text once."""

    def __init__(self) -> None:
        self._markdown = markdown.Markdown(extensions=[], output_format="html")
        self._cache: dict[str, str] = {}

    def inline(self, text: str) -> str:
        """Render one block's Markdown as inline HTML (no wrapping paragraph)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if not _MARKDOWN_SYNTAX.search(text):
            html = escape(text, quote=False).replace("\n", " ")
        else:
            self._markdown.reset()
            converted = self._markdown.convert(text)
            converted = re.sub(r"^<p>|</p>$", "", converted.strip())
            html = sanitize_inline(converted.replace("</p>\n<p>", "<br>"))
        self._cache[text] = html
        return html

    def blocks(self, shown: Iterable[ShownBlock], heading_offset: int = 2) -> Markup:
        """Render blocks as HTML: lists grouped, headings shifted below the page's own."""
        parts: list[str] = []
        open_list: str | None = None
        for item in shown:
            body = self.inline(item.text)
            if not re.sub(r"<[^>]*>", "", body).strip():  # e.g. only a <script> the sanitiser removed
                continue
            attrs = _lang_attributes(item)
            tag = {"bullet": "ul", "ordered": "ol"}.get(item.block.kind)
            if tag != open_list:
                if open_list:
                    parts.append(f"</{open_list}>")
                if tag:
                    parts.append(f"<{tag}>")
                open_list = tag
            if tag:
                parts.append(f"<li{attrs}>{body}</li>")
            elif item.block.kind == "heading":
                level = min(item.block.level + heading_offset, 6)
                parts.append(f"<h{level}{attrs}>{body}</h{level}>")
            else:
                parts.append(f"<p{attrs}>{body}</p>")
        if open_list:
            parts.append(f"</{open_list}>")
        return Markup("\n".join(parts))

    def text(self, text: str, lang: str | None = None, direction: str | None = None) -> Markup:
        """Plain text (a title, a label) escaped, wrapped in a `span` when it fell back."""
        body = escape(text, quote=False)
        if lang is None:
            return Markup(body)
        dir_attr = f' dir="{direction}"' if direction else ""
        return Markup(f'<span lang="{lang}"{dir_attr}>{body}</span>')


def _lang_attributes(item: ShownBlock) -> str:
    if item.lang is None:
        return ""
    dir_attr = f' dir="{item.direction}"' if item.direction else ""
    return f' lang="{item.lang}"{dir_attr}'


def plain_text(source: str) -> str:
    """Markdown reduced to plain text (for meta descriptions and text-only channels)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", source)
    text = re.sub(r"[*_`#>]+", "", text)
    return re.sub(r"\s+", " ", text).strip()
