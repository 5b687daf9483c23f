"""What the family-facing pieces of a page need: finder lists, filter data, calendar links,
structured data, responsive images. Kept out of `html.py` so that module stays about pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from markupsafe import Markup

from firstdoor import views
from firstdoor.i18n import Translator
from firstdoor.model import Site
from firstdoor.outputs.calendar import CalendarLinks
from firstdoor.outputs.images import ResponsiveImage
from firstdoor.outputs.jsonld import StructuredData


def srcset(image: ResponsiveImage, url: Callable[[str], str]) -> str:
    """The `srcset` attribute of a content image: every copy with its width."""
    return ", ".join(f"{url(v.path)} {v.width}w" for v in image.variants)


def finder_context(site: Site, translator: Translator, slug: str, url: Callable[[str], str],
                   base_url: str, images: dict[str, ResponsiveImage], source_tag: str,
                   shared: views.SiteViews | None = None) -> dict[str, Any]:
    """Extra render context for finder, compare, calendar, JSON-LD and image markup.

    `shared`: the renderer's site-wide views, computed once instead of for every page.
    """
    shared = shared or views.SiteViews(site, dt.date.min)
    image_urls = shared.memo("image_urls", lambda: {src: base_url + image.largest.path for src, image in images.items()})
    structured = StructuredData(site, translator, slug, base_url, source_tag, image_urls)
    return {
        "grade_bands": [band for band, _ in views.GRADE_BANDS],
        "band_grades": views.band_grades,
        "schools_with_theme": shared.schools_with_theme,
        "schools_in_band": shared.schools_in_band,
        "instruction_languages": shared.instruction_languages,
        "grade_levels": shared.grade_levels,
        "filter_data": views.filter_data,
        "ics": CalendarLinks(slug, shared.event_keys, url),
        "jsonld": structured,
        "images": images,
        "srcset": lambda image: srcset(image, url),
        "og_image": lambda src: image_urls.get(src, ""),
        "no_markup": lambda value: Markup(value).striptags(),
    }
