"""Reading built pages in tests: which schools a page lists, every URL a page refers to."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

CARD = re.compile(r'<li class="card"[^>]*>\s*<h3><a href="[^"]*schools/([a-z0-9-]+)/"')


def card_ids(html: str) -> list[str]:
    """The ids of the schools a page lists as cards, in page order."""
    return CARD.findall(html)


class References(HTMLParser):
    """Collects every URL a page refers to (links, scripts, styles, images, srcset)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []
        self.titles: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "title":
            self._in_title = True
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "link" and values.get("rel") in ("stylesheet", "icon"):
            self.resources.append(values["href"])
        if tag in ("script", "img") and "src" in values:
            self.resources.append(values["src"])
        if "srcset" in values:
            self.resources += [part.strip().split(" ")[0] for part in values["srcset"].split(",")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles.append(data)


def references(html: str) -> References:
    """Parse `html` and return what it refers to."""
    parser = References()
    parser.feed(html)
    return parser


def html_files(out: Path) -> list[Path]:
    """Every web page of a built site, sorted: HTML files that are documents.

    The outreach kit's `email.html` files are fragments to paste into an e-mail tool, not
    pages of the site, so they are left out (they have no doctype).
    """
    pages = []
    for path in sorted(out.rglob("*.html")):
        with path.open("rb") as file:
            if file.read(15).lower() == b"<!doctype html>":
                pages.append(path)
            else:
                assert path.name == "email.html", f"{path} is not an HTML document"
    return pages
