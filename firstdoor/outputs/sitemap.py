"""`sitemap.xml` with hreflang alternates, and `robots.txt` pointing to it."""

from __future__ import annotations

from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from firstdoor.languages import Language
from firstdoor.plan import PageSpec, page_url


def sitemap_xml(base_url: str, pages: list[PageSpec], languages: tuple[Language, ...]) -> str:
    """Every page's absolute URL, each with `xhtml:link` alternates in every language."""
    base = base_url.rstrip("/") + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    tags = [(lang.slug, quoteattr(lang.tag)) for lang in languages]
    keyed = sorted(pages, key=lambda p: (p.kind, p.school_id or p.key or "", p.slug))
    for (kind, key), group in groupby(keyed, key=lambda p: (p.kind, p.school_id or p.key)):
        # every language's version of a page lists the same alternates: make them once
        alternates = [f"<xhtml:link rel=\"alternate\" hreflang={tag} "
                      f"href={quoteattr(base + page_url(kind, slug, key))}/>" for slug, tag in tags]
        for spec in group:
            lines += [f"<url><loc>{escape(base + spec.url)}</loc>", *alternates, "</url>"]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(base_url: str) -> str:
    """Allow everything and name the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url.rstrip('/')}/sitemap.xml\n"
