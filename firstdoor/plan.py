"""Validated model -> the list of every output the site will have, before anything renders.

Each source declares its outputs: the district gives a home, apply, transportation and
events page per language, each school a profile page per language. The plan is plain,
picklable data; it is also the documented URL layout, which printed QR codes depend on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from firstdoor.languages import Language
from firstdoor.validate import ValidatedSite
from firstdoor.views import GRADE_BANDS, neighborhoods

PageKind = Literal["home", "school", "apply", "transportation", "events", "zips", "zip", "area", "outreach",
                   "compare", "theme", "grades", "flyers"]

LANGUAGE_PAGES: tuple[PageKind, ...] = ("home", "apply", "transportation", "events", "zips", "outreach",
                                        "compare")
"""District pages every language has, besides one page per school, neighborhood, theme and grade band."""


@dataclass(frozen=True)
class PageSpec:
    """One HTML page to render: which template, in which language, about which school."""

    kind: PageKind
    language: str
    """The language tag (`zh-Hans`)."""
    slug: str
    """The language as it appears in the URL (`zh-hans`)."""
    school_id: str | None = None
    key: str | None = None
    """The ZIP code or area id of a neighborhood page; the theme or grade band of a finder page."""

    @property
    def url(self) -> str:
        """The page's address below the site root, with a trailing slash (`es/schools/x/`)."""
        return page_url(self.kind, self.slug, self.school_id or self.key)

    @property
    def path(self) -> str:
        """The file the page is written to, relative to the output folder."""
        return self.url + "index.html"

    @property
    def template(self) -> str:
        """The Jinja template that renders this kind of page (ZIP codes and areas share one)."""
        return "zip.html" if self.kind == "area" else f"{self.kind}.html"


def page_url(kind: PageKind, slug: str, key: str | None = None) -> str:
    """The documented URL of a page (see README, "URL layout"); never change these lightly.

    `key` is the school id of a school page, the ZIP code or area id of a neighborhood page,
    the theme key or grade band (`6-8`) of a finder page.
    """
    if kind == "home":
        return f"{slug}/"
    if kind == "school":
        return f"{slug}/schools/{key}/"
    if kind == "zips":
        return f"{slug}/zip/"
    if kind in ("zip", "area"):
        return f"{slug}/{kind}/{key}/"
    if kind == "theme":
        return f"{slug}/themes/{key}/"
    if kind == "grades":
        return f"{slug}/grades/{key}/"
    return f"{slug}/{kind}/"


FlyerKind = Literal["school", "district", "guide", "pair", "zip", "area"]


@dataclass(frozen=True)
class FlyerSpec:
    """One PDF to render: a school's flyer, the district flyer, the guide, or a bilingual school flyer."""

    kind: FlyerKind
    language: str
    """The language tag (`zh-Hans`); for a pair, the front side's."""
    slug: str
    school_id: str | None = None
    back_language: str | None = None
    """For a bilingual pair: the back side's language tag."""
    place: str | None = None
    """For a neighborhood sheet: the ZIP code or the area id."""

    @property
    def path(self) -> str:
        """The file the flyer is written to, relative to the output folder."""
        if self.kind in ("zip", "area"):
            return sheet_path(self.kind, self.slug, self.place or "")
        return flyer_path(self.kind, self.slug, self.school_id, self.back_language)


def sheet_path(kind: str, slug: str, place: str) -> str:
    """The documented address of a neighborhood sheet: `so/print/zip/55104.pdf`, `so/print/area/eastside.pdf`."""
    return f"{slug}/print/{kind}/{place}.pdf"


def flyer_path(kind: FlyerKind, slug: str, school_id: str | None = None, back: str | None = None) -> str:
    """The documented address of a flyer (README, "URL layout"): `es/flyers/lincoln.pdf`, `es/flyers/guide.pdf`.

    A bilingual flyer is `en/flyers/lincoln.es.pdf` (front English, back Spanish); school ids
    never hold a dot, so it cannot collide with a school's own flyer.
    """
    if kind == "school":
        return f"{slug}/flyers/{school_id}.pdf"
    if kind == "pair":
        return f"{slug}/flyers/{school_id}.{(back or '').lower()}.pdf"
    return f"{slug}/flyers/{kind}.pdf"


def plan_flyers(validated: ValidatedSite, languages: tuple[Language, ...],
                pair: tuple[str, str] | None = None,
                places: tuple[tuple[Literal["zip", "area"], str], ...] = ()) -> list[FlyerSpec]:
    """Every PDF of the site in a fixed order: per language the guide, the district flyer, each school;
    then the bilingual flyers when both languages of `pair` are built; then per language a
    neighborhood sheet for each of `places` (ZIP codes and areas, see `views.neighborhoods`)."""
    flyers: list[FlyerSpec] = []
    for language in languages:
        flyers.append(FlyerSpec("guide", language.tag, language.slug))
        flyers.append(FlyerSpec("district", language.tag, language.slug))
        flyers += [FlyerSpec("school", language.tag, language.slug, school_id)
                   for school_id in validated.site.schools]
    tags = {language.tag: language for language in languages}
    if pair and pair[0] in tags and pair[1] in tags:
        flyers += [FlyerSpec("pair", pair[0], tags[pair[0]].slug, school_id, pair[1])
                   for school_id in validated.site.schools]
    for language in languages:
        flyers += [FlyerSpec(kind, language.tag, language.slug, place=key) for kind, key in places]
    return flyers


def build_languages(validated: ValidatedSite, only: tuple[str, ...] = ()) -> tuple[Language, ...]:
    """The languages to build: all of the site's, or those asked for with `--lang`."""
    if not only:
        return validated.languages
    wanted = {tag.lower() for tag in only}
    return tuple(lang for lang in validated.languages if lang.tag.lower() in wanted)


def plan_pages(validated: ValidatedSite, languages: tuple[Language, ...], flyers: bool = False) -> list[PageSpec]:
    """Every HTML page of the site, in a fixed order (language, then kind, then school id).

    With `flyers`, each language also gets the staff page listing its printable flyers.
    """
    pages: list[PageSpec] = []
    places = neighborhoods(validated.site)
    for language in languages:
        for kind in LANGUAGE_PAGES:
            pages.append(PageSpec(kind, language.tag, language.slug))
        if flyers:
            pages.append(PageSpec("flyers", language.tag, language.slug))
        for school_id in validated.site.schools:
            pages.append(PageSpec("school", language.tag, language.slug, school_id))
        for place in places:
            pages.append(PageSpec(place.kind, language.tag, language.slug, key=place.key))
        for theme in sorted(validated.site.district.themes):
            pages.append(PageSpec("theme", language.tag, language.slug, key=theme))
        for band, _ in GRADE_BANDS:
            pages.append(PageSpec("grades", language.tag, language.slug, key=band))
    return pages
