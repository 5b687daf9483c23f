"""Share cards: a 1200x630 PNG (og:image, link previews) and a 1080x1080 one per school and language.

Each card is HTML and CSS (`templates/card.html`) so every script shapes as on the flyers:
it goes through the flyers' pipeline (`PdfJob`, font check, cache, worker pool) as a PDF of
one page sized exactly to the card, then pypdfium2 rasterises that page and Pillow writes
the PNG (no timestamps, so the same card gives the same bytes).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from jinja2 import Environment
from markupsafe import Markup

from firstdoor.cache import FlyerCache, cache_key
from firstdoor.defaults import builtin_dir
from firstdoor.errors import ContentError
from firstdoor.fonts import FontInventory
from firstdoor.outputs.flyers import FONTS_SLOT, FlyerOptions, FlyerRenderer, apply_fonts
from firstdoor.outputs.html import PageRenderer
from firstdoor.outputs.pdf import PARTS_SLOT, Part, PdfJob
from firstdoor.outputs.pdf_batch import render_pdfs, tool_versions
from firstdoor.outputs.qr import short_url
from firstdoor.plan import page_url
from firstdoor.render import render_template

SHAPES = {"wide": (1200, 630), "square": (1080, 1080)}
"""Card shapes and their size in pixels: the Open Graph size and the square of photo posts."""
TYPE_STEPS = (0, 1, 2, 3)
"""Type sizes tried in turn until a long name fits on the card."""
PX_PER_PT = 4 / 3
"""A CSS pixel is 0.75 pt: rendering at 4/3 pixels per point gives the card's exact size."""
PNG_COMPRESSION = 6
"""zlib level of the PNGs: 9 took 2.6 times as long (0.107 s against 0.041 s a card) for files 3 % smaller."""


@dataclass(frozen=True)
class CardSpec:
    """One card to make: a school's (or the district's) in one language and shape."""

    language: str
    slug: str
    key: str
    """The school id, or `district`."""
    shape: str

    @property
    def school_id(self) -> str | None:
        """The school of the card, None for the district's."""
        return None if self.key == "district" else self.key

    @property
    def width(self) -> int:
        """Width in pixels."""
        return SHAPES[self.shape][0]

    @property
    def height(self) -> int:
        """Height in pixels."""
        return SHAPES[self.shape][1]

    @property
    def path(self) -> str:
        """Where the PNG is published: `es/cards/lincoln.png`, `es/cards/district-square.png`."""
        return card_path(self.slug, self.key, self.shape)


def card_path(slug: str, key: str, shape: str = "wide") -> str:
    """The published path of a card: `<lang>/cards/<school-id|district>[-square].png`."""
    return f"{slug}/cards/{key}{'-square' if shape == 'square' else ''}.png"


@dataclass(frozen=True)
class Card:
    """A rendered card, for the pages that show or link it."""

    spec: CardSpec
    alt: str
    """"Share card: <name>, <tagline>, apply by <date>", in the card's language."""
    size: int


@dataclass(frozen=True)
class CardIndex:
    """Every card of the build."""

    cards: tuple[Card, ...]

    def find(self, tag: str, key: str, shape: str = "wide") -> Card | None:
        """One card, or None when it was not made."""
        return next((c for c in self.cards if c.spec.language == tag and c.spec.key == key
                     and c.spec.shape == shape), None)

    def of_kit(self, tag: str, key: str) -> list[Card]:
        """The cards of one school (or the district) in one language, wide first."""
        return [c for c in self.cards if c.spec.language == tag and c.spec.key == key]


@dataclass(frozen=True)
class CardBuild:
    """The cards, ready to publish."""

    index: CardIndex
    outputs: tuple[tuple[str, bytes], ...]
    rendered: int
    cache: FlyerCache
    png_cache: FlyerCache
    """The PNGs rasterised from the cached PDFs (pruned like them)."""


def plan_cards(pages: PageRenderer) -> list[CardSpec]:
    """The district's cards, then each school's, per language, wide then square."""
    keys = ["district"] + sorted(pages.site.schools)
    return [CardSpec(language.tag, language.slug, key, shape)
            for language in pages.languages for key in keys for shape in SHAPES]


def card_stylesheet(site_templates: Path) -> str:
    """The card CSS: the district's `templates/static/card.css` if any, else firstdoor's."""
    for folder in (site_templates, builtin_dir("templates")):
        path = folder / "static" / "card.css"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError("templates/static/card.css")


def card_alt(pages: PageRenderer, env: Environment, spec: CardSpec) -> str:
    """The card's text alternative, in its language (`templates/card_alt.txt`)."""
    translator = pages.translators[spec.language].for_page()
    context = pages.context_for(spec.path, translator, spec.language)
    school = pages.site.schools[spec.school_id] if spec.school_id else None
    context.update(school=school, deadline=pages.site.deadline_for(school) if school
                   else pages.site.district.application.deadline)
    return " ".join(render_template(env, "card_alt.txt", context, f"{spec.path} alt").split())


def card_job(pages: PageRenderer, env: Environment, css: str, spec: CardSpec) -> PdfJob:
    """The HTML of one card, with its type steps as variants (largest first)."""
    translator = pages.translators[spec.language].for_page()
    here = spec.path
    context = pages.context_for(here, translator, spec.language)
    school = pages.site.schools[spec.school_id] if spec.school_id else None
    target = page_url("school", spec.slug, spec.key) if school else page_url("home", spec.slug)
    context.update(card=spec, school=school, school_id=spec.school_id, short_url=short_url(pages.base_url + target),
                   deadline=pages.site.deadline_for(school) if school else pages.site.district.application.deadline)
    variants: list[str] = []
    for step in TYPE_STEPS:
        context["variant"] = step
        variants.append(render_template(env, "card.html", context, f"{here} ({spec.language})"))
    title = translator.plain(school.name if school else pages.site.district.name)
    # The CSS travels beside the document (`stylesheet`); `css` and `fonts_slot` stay for older templates.
    context.update(css=Markup(""), fonts_slot=Markup(""), parts_slot=Markup(PARTS_SLOT), card_title=title)
    document = render_template(env, "card_document.html", context, here)
    stylesheet = f"@page {{ size: {spec.width}px {spec.height}px; margin: 0; }}\n{css}\n{FONTS_SLOT}\n"
    return PdfJob(here.replace(".png", ".pdf"), f"{here} ({spec.language})", document,
                  (Part(tuple(variants), "one-page"),), (spec.language,), stylesheet)


def rasterise(pdf: bytes, width: int, height: int) -> bytes:
    """The first page of a PDF as a PNG of exactly `width` x `height` pixels, without metadata."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=PX_PER_PT, fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    if image.size != (width, height):  # rounding of the page box: never more than a pixel
        image = image.resize((width, height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=PNG_COMPRESSION)
    return buffer.getvalue()


def rasteriser_versions() -> str:
    """The versions of what turns a card's PDF into its PNG, for the PNG cache's key."""
    versions = [f"px/pt {PX_PER_PT}", f"zlib {PNG_COMPRESSION}"]
    for package in ("pypdfium2", "pillow"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} -")
    return "\n".join(versions)


def card_png(cache: FlyerCache, pdf: bytes, spec: CardSpec, versions: str) -> bytes:
    """The card's PNG: read back when this very PDF was rasterised at this size before, else rasterised.

    Rasterising (and PNG compression) cost more than reading a cached card's PDF: without this
    every build that planned the cards rasterised all of them again, one after another.
    """
    key = cache_key(pdf, f"{spec.width}x{spec.height}", versions)
    hit = cache.get(key)
    if hit is not None:
        return hit.data
    png = rasterise(pdf, spec.width, spec.height)
    cache.put(key, png, {"path": spec.path})
    return png


def build_cards(pages: PageRenderer, env: Environment, templates_dir: Path, options: FlyerOptions) -> CardBuild:
    """Render every card through the flyers' pipeline (fonts checked first), then rasterise.

    The card PDFs are cached in `options.cache_dir` like flyers (a folder of their own, pruned
    after a full build like the flyers'), their PNGs in its `png/` folder.
    """
    cache = FlyerCache(options.cache_dir)
    specs = plan_cards(pages)
    css = card_stylesheet(templates_dir)
    inventory = FontInventory.from_fontconfig()
    fonts_renderer = FlyerRenderer(pages, env, "", options.paper)
    jobs, problems = apply_fonts([card_job(pages, env, css, spec) for spec in specs], fonts_renderer, inventory)
    if problems:
        raise ContentError(problems)
    with options.progress.stage("cards", len(jobs)) as advance:
        batch = render_pdfs(jobs, cache, tool_versions() + "\ncard\n" + inventory.fingerprint,
                            options.workers, advance)
    if batch.problems:
        raise ContentError(batch.problems)
    outputs: list[tuple[str, bytes]] = []
    cards: list[Card] = []
    png_cache, versions = FlyerCache(options.cache_dir / "png", suffix=".png"), rasteriser_versions()
    for spec, result in zip(specs, batch.results):
        png = card_png(png_cache, result.data, spec, versions)
        outputs.append((spec.path, png))
        cards.append(Card(spec, card_alt(pages, env, spec), len(png)))
    return CardBuild(CardIndex(tuple(cards)), tuple(outputs), batch.rendered, cache, png_cache)
