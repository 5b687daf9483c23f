"""The build split into units of work: what a worker renders, and what a unit produced.

A unit is one HTML page (`page:<path>`), one outreach kit in one language
(`kit:<lang>:<key>`), one school's calendar files in one language (`calendar:<lang>:<school>`),
a language's district calendar files (`calendars:<lang>`) or its feed (`feed:<lang>`); a language's
outreach page (with its kit zip) is rendered in a second pass, from the kits. Units are
planned in a fixed order, rendered by worker processes (`parallel.py`), and each result
says which files it made, what it showed untranslated and which schools it used
(`tracking.py`), so incremental builds know when it can be reused and sharded builds can
render a deterministic part of them on another machine.
Site-wide files and images are made by the parent (`runner.ParentUnit`).
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, cast

from firstdoor.fingerprint import digest
from firstdoor.i18n import LanguageCatalogs, Translator
from firstdoor.languages import Language
from firstdoor.model import School, Site
from firstdoor.outputs.calendar import CalendarCache, CalendarWriter
from firstdoor.outputs.feeds import feed_files
from firstdoor.outputs.html import PageRenderer
from firstdoor.outputs.images import ResponsiveImage
from firstdoor.outputs.outreach import Kit, KitItem, build_kit, kit_item_files, kit_keys, kit_zip
from firstdoor.plan import PageSpec
from firstdoor.render import RecordingEnvironment, create_environment
from firstdoor.report import Misses
from firstdoor.state import safe_dumps, safe_loads
from firstdoor.tracking import DATE_VIEW, SchoolFields, TrackedIndex, Uses, track_context, tracked_site, wrap_schools
from firstdoor.validate import ValidatedSite

SECOND_PASS = frozenset({"outreach"})
"""Page kinds rendered after the others, from their results (the kit page lists every kit)."""


@dataclass(frozen=True)
class Unit:
    """One piece of work a worker can do on its own."""

    id: str
    language: str
    page: PageSpec | None = None
    kit: str | None = None
    """The kit's key: a school id or `district`."""
    kits: tuple[tuple[str, bytes], ...] | None = None
    """For an outreach page: every kit of its language (key, items packed by `pack_kit`), from the first pass."""
    feed: bool = False
    """The language's feed of key dates (`/<lang>/feed.atom`)."""
    district_calendars: bool = False
    """The district's calendar files in this language: every school's key dates and events, the district's own.

    Apart from the feed, which leaves past dates out and so changes with the date: the
    calendars never do, and at 1000 schools they are about half the work of a new day.
    """
    calendar: str | None = None
    """A school id: that school's calendar files in this language."""

    @property
    def school_id(self) -> str | None:
        """The school this unit is about, if any (it decides the unit's shard)."""
        if self.page is not None:
            return self.page.school_id
        if self.calendar is not None:
            return self.calendar
        return self.kit if self.kit != "district" else None

    @property
    def shard_key(self) -> str | None:
        """What decides which shard renders the unit; None for units every shard needs (merge renders them)."""
        if self.page is not None:
            return self.page.school_id or (self.page.key if self.page.kind in ("zip", "area") else None)
        if self.calendar is not None:
            return self.calendar
        return self.kit if self.kit not in (None, "district") else None


@dataclass
class UnitResult:
    """What rendering one unit produced."""

    unit_id: str
    language: str
    files: list[tuple[str, bytes]]
    misses: Misses = field(default_factory=Misses)
    uses: Uses = field(default_factory=Uses)
    kit_items: bytes | None = None
    """A kit's items, packed (`pack_kit`)."""


def plan_units(pages: list[PageSpec], validated: ValidatedSite, languages: tuple[Language, ...],
               with_kits: bool) -> tuple[list[Unit], list[Unit]]:
    """Every unit of the build in a fixed order, in two passes.

    First pages (as planned), kits, schools' calendars and feeds per language; then the pages
    that show every kit (outreach), which get their language's kits from the first pass
    (`with_kits_of`).
    """
    first = [Unit(f"page:{spec.path}", spec.language, page=spec) for spec in pages if spec.kind not in SECOND_PASS]
    second = [Unit(f"page:{spec.path}", spec.language, page=spec) for spec in pages if spec.kind in SECOND_PASS]
    if with_kits:
        first += [Unit(f"kit:{lang.tag}:{key}", lang.tag, kit=key)
                  for lang in languages for key in kit_keys(validated.site)]
    first += [Unit(f"calendar:{lang.tag}:{school_id}", lang.tag, calendar=school_id)
              for lang in languages for school_id in validated.site.schools]
    first += [Unit(f"calendars:{lang.tag}", lang.tag, district_calendars=True) for lang in languages]
    first += [Unit(f"feed:{lang.tag}", lang.tag, feed=True) for lang in languages]
    return first, second


def pack_kit(items: tuple[KitItem, ...]) -> bytes:
    """A kit's items as a build keeps them until its outreach page, and in its state: pickled and compressed.

    At 1000 schools in 10 languages the items take about 100 MB as objects, 44 MB pickled
    and a tenth of that compressed; the parent holds every kit until the outreach pages.
    """
    return zlib.compress(safe_dumps(items), 1)


def unpack_kit(packed: bytes) -> tuple[KitItem, ...]:
    """A kit's items from `pack_kit`."""
    return cast(tuple[KitItem, ...], safe_loads(zlib.decompress(packed)))


def with_kits_of(unit: Unit, kits: dict[str, bytes], site: Site) -> Unit:
    """A second-pass unit with its language's kits (`kits`: unit id of each kit -> its packed items)."""
    return replace(unit, kits=tuple((key, kits[f"kit:{unit.language}:{key}"]) for key in kit_keys(site)))


def kits_view(language: str) -> str:
    """The view an outreach page records: the items of every kit of its language (`kits_digests`)."""
    return f"kits:{language}"


def kits_digests(second: list[Unit]) -> dict[str, str]:
    """The digest of each `kits_view`, from second-pass units that carry their kits (`with_kits_of`).

    Of the packed bytes: the same items pack the same with the same zlib; another zlib would
    only make the outreach pages render again, never show stale kits.
    """
    return {kits_view(unit.language): digest(*(part for key, packed in unit.kits for part in (key, packed)))
            for unit in second if unit.kits is not None}


def _school_fields(school: School | None, uses: Uses) -> School | None:
    """A kit's school as the outreach page reads it: each field read counts for every school."""
    return None if school is None else cast(School, SchoolFields(school, None, uses))


class TrackingRenderer(PageRenderer):
    """A page renderer whose render context records which schools (and its environment which templates) a page uses."""

    uses: Uses
    recording_env: RecordingEnvironment
    indexes: dict[str, Any]
    card_files: dict[str, list[tuple[str, bytes]]]
    calendars: CalendarCache

    def context_for(self, here: str, translator: Translator, tag: str) -> dict[str, Any]:
        """The usual context, with everything that reaches other schools wrapped (`tracking.py`)."""
        return track_context(super().context_for(here, translator, tag), self.uses)

    def listed(self, value: Any) -> Any:
        """A page's own list of schools, each school recording the fields read of it."""
        return wrap_schools(value, self.uses)


def worker_renderer(validated: ValidatedSite, catalogs: Mapping[str, LanguageCatalogs],
                    languages: tuple[Language, ...], today: dt.date, asset_urls: dict[str, str],
                    templates_dir: Path, images: dict[str, ResponsiveImage], indexes: dict[str, Any],
                    card_files: dict[str, list[tuple[str, bytes]]]) -> TrackingRenderer:
    """A worker's state: its own Jinja environment (templates compiled once) and translators.

    `indexes` are the flyers and cards pages link to; `card_files` the cards each language's
    kit zip holds.
    """
    env = create_environment(templates_dir)
    renderer = TrackingRenderer(validated, catalogs, env, languages, today, asset_urls, images,
                                indexes.get("flyers"), indexes.get("cards"))
    renderer.uses, renderer.indexes, renderer.card_files = Uses(), indexes, card_files
    renderer.recording_env = env
    renderer.calendars = CalendarCache()
    return renderer


def render_unit(renderer: TrackingRenderer, unit: Unit) -> UnitResult:
    """Render one unit; the result records the schools, views and templates it used."""
    uses = renderer.uses = Uses(templates=set())
    renderer.recording_env.recorded = uses.templates
    for name in ("flyers", "cards"):  # the renderer's own code asks them too (a page's share card)
        index = renderer.indexes.get(name)
        setattr(renderer, name, None if index is None else TrackedIndex(name, index, uses))
    if unit.page is not None and unit.page.kind in SECOND_PASS:
        return _render_outreach(renderer, unit, uses)
    if unit.page is not None:
        spec = unit.page
        html, misses = renderer.page(spec)
        if spec.school_id is not None:
            uses.school(spec.school_id)
        if spec.kind in ("zip", "area") and spec.key is not None:
            uses.views.add(f"{spec.kind}:{spec.key}")  # which schools it lists; their fields as read (`listed`)
        return UnitResult(unit.id, unit.language, [(spec.path, html.encode("utf-8"))], misses, uses)
    if unit.calendar is not None:
        uses.school(unit.calendar)
        files = sorted(_calendar_writer(renderer, unit.language).school_files(unit.calendar).items())
        return UnitResult(unit.id, unit.language, files, Misses(), uses)
    if unit.feed:
        site = tracked_site(renderer.site, uses)  # the key dates of every school: which fields they read
        uses.views.add(DATE_VIEW)  # past dates are left out
        translator = renderer.translators[unit.language]
        feeds = feed_files(site, {unit.language: translator}, renderer.formatters, renderer.today)
        return UnitResult(unit.id, unit.language, [(path, text.encode("utf-8")) for path, text in feeds], Misses(), uses)
    if unit.district_calendars:
        calendars = _calendar_writer(renderer, unit.language, tracked_site(renderer.site, uses)).district_files()
        return UnitResult(unit.id, unit.language, sorted(calendars.items()), Misses(), uses)
    assert unit.kit is not None
    kit = build_kit(renderer, unit.language, unit.kit)
    if kit.school is not None:
        uses.school(kit.key)
    files = kit_item_files(kit, renderer.translators[unit.language].language.slug)
    return UnitResult(unit.id, unit.language, files, Misses(), uses, pack_kit(kit.items))


def _calendar_writer(renderer: TrackingRenderer, tag: str, site: Site | None = None) -> CalendarWriter:
    """The calendar files of one language, sharing the renderer's serialised zones and event keys.

    `site`: the site to read (a `tracking.tracked_site` records what the calendars use).
    """
    translator = renderer.translators[tag]
    renderer.calendars.use_language(tag)
    return CalendarWriter(site or renderer.site, translator.language, translator.for_page(), renderer.formatters[tag],
                          renderer.site.district.base_url, renderer.calendars, renderer.views.event_keys)


def _render_outreach(renderer: TrackingRenderer, unit: Unit, uses: Uses) -> UnitResult:
    """A language's outreach page and kit zip, from the kits of the first pass."""
    assert unit.page is not None and unit.kits is not None
    uses.views.add(kits_view(unit.language))  # every kit's items; what it shows of each school, field by field
    slug = unit.page.slug
    kits = [Kit(key, _school_fields(renderer.site.schools.get(key), uses), unpack_kit(packed))
            for key, packed in unit.kits]
    renderer.kits[unit.language] = kits
    try:
        html, misses = renderer.page(unit.page)
    finally:
        del renderer.kits[unit.language]  # a worker would otherwise hold every language's kits to the end
    uses.views.add(f"cards:{slug}")  # the zip holds the language's share cards too
    zipped = kit_zip(kits, slug, renderer.card_files.get(slug, []))
    return UnitResult(unit.id, unit.language, [(unit.page.path, html.encode("utf-8")), zipped], misses, uses)
