"""Whole-site checks over the built sample: links and assets resolve, nothing comes from another
host, every page is light, and the page head is clean (title, social meta)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from tests.conftest import MINIMAL_DISTRICT, build_site
from tests.pages import html_files, references

BASE = "https://choice.riverside.example.org/"
BUDGET = 40 * 1024
"""Every page, transferred with gzip (HTML + CSS + JS, before images), stays under this."""


def _target(out: Path, page: Path, url: str) -> Path | None:
    """The file a URL of `page` points to, or None when it leaves the site (other host, tel:...)."""
    here = BASE + page.relative_to(out).as_posix()
    absolute = urljoin(here, url)
    if not absolute.startswith(BASE):
        return None
    path = unquote(urlsplit(absolute).path)[len(urlsplit(BASE).path):]
    target = out / path
    return target / "index.html" if path == "" or path.endswith("/") else target


def test_every_internal_link_and_asset_resolves(sample_build: Path) -> None:
    broken = []
    for page in html_files(sample_build):
        refs = references(page.read_text(encoding="utf-8"))
        for url in refs.links + refs.resources:
            target = _target(sample_build, page, url)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(sample_build)}: {url}")
            fragment = urlsplit(url).fragment
            if target is not None and fragment and target.suffix == ".html":
                if f'id="{fragment}"' not in target.read_text(encoding="utf-8"):
                    broken.append(f"{page.relative_to(sample_build)}: {url} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


def test_no_resource_comes_from_another_host(sample_build: Path) -> None:
    foreign = []
    for page in html_files(sample_build):
        for url in references(page.read_text(encoding="utf-8")).resources:
            if _target(sample_build, page, url) is None:
                foreign.append(f"{page.relative_to(sample_build)}: {url}")
    assert not foreign, foreign


def _gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def test_every_page_fits_the_weight_budget(sample_build: Path) -> None:
    heaviest = (0, "")
    for page in html_files(sample_build):
        html = page.read_bytes()
        total = _gzipped(html)
        for url in references(html.decode("utf-8")).resources:
            target = _target(sample_build, page, url)
            if target is not None and target.suffix in (".css", ".js"):
                total += _gzipped(target.read_bytes())
        heaviest = max(heaviest, (total, str(page.relative_to(sample_build))))
    assert heaviest[0] <= BUDGET, f"{heaviest[1]} weighs {heaviest[0]} bytes gzipped"


def test_the_filter_script_is_small(sample_build: Path) -> None:
    (script,) = (sample_build / "assets").glob("finder.js")
    assert _gzipped(script.read_bytes()) <= 5 * 1024


def test_titles_are_plain_text_even_when_untranslated(make_site: Any) -> None:
    # Regression: an untranslated interface string used to put <span lang="en"> inside <title>.
    district = {**MINIMAL_DISTRICT, "languages": ["en", "fr"]}  # French: no catalog at all
    site = make_site(district=district)
    assert build_site(site).exit_code == 0
    html = (site / "_site" / "fr" / "apply" / "index.html").read_text(encoding="utf-8")
    (title,) = references(html).titles
    assert title == "How to apply · Test District"


def test_social_meta_in_the_page_language(sample_build: Path) -> None:
    html = (sample_build / "es" / "schools" / "lincoln-stem" / "index.html").read_text(encoding="utf-8")
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    assert meta["og:url"] == BASE + "es/schools/lincoln-stem/"
    assert meta["og:locale"] == "es"
    (title,) = references(html).titles
    assert meta["og:title"] == title.split(" · ")[0]
    assert meta["og:description"] == meta["description"] != "Build, test and invent every day."
    assert meta["og:image"] == BASE + "images/lincoln-stem/robot-800w.jpg"
    assert meta["twitter:card"] == "summary_large_image"
    assert f'<link rel="canonical" href="{BASE}es/schools/lincoln-stem/">' in html
    assert f'<link rel="alternate" hreflang="ar" href="{BASE}ar/schools/lincoln-stem/">' in html
