"""Printable flyers: each planned PDF as HTML (its parts and their compact variants), then rendered.

The HTML comes from the same render context as the web pages (`PageRenderer.context`:
`views`, `Formatter`, the translator and the shared macros), so a flyer's deadline, bus
and admission wording are the web's, word for word. This module only decides what goes on
paper; `pdf.py` turns it into PDF/UA, `pdf_batch.py` renders in parallel with the cache.
"""

from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from jinja2 import Environment
from markupsafe import Markup

from firstdoor import views
from firstdoor.cache import FlyerCache
from firstdoor.defaults import builtin_dir
from firstdoor.errors import ContentError, Problem
from firstdoor.fonts import FontInventory, characters_by_language, plan_fonts
from firstdoor.outputs.html import PageRenderer
from firstdoor.outputs.pdf import PARTS_SLOT, Fit, Part, PdfJob
from firstdoor.outputs.pdf_batch import render_pdfs, tool_versions
from firstdoor.outputs.qr import qr_svg_data_uri, short_url
from firstdoor.outputs.sheets import SHEET_VARIANTS, sheet_context
from firstdoor.plan import FlyerSpec, flyer_path, page_url
from firstdoor.progress import NoProgress, Progress
from firstdoor.render import render_template

FONTS_SLOT = "/*firstdoor:fonts*/"
"""Where the flyer document receives the font families chosen for its languages."""


@dataclass(frozen=True)
class Variant:
    """How much of a school's sheet to print: each step is more compact than the one before."""

    highlights: int
    events: int
    stops: int
    step: int
    """Type size step: 0 is the normal size, each step smaller."""


SCHOOL_VARIANTS = (
    Variant(highlights=3, events=2, stops=3, step=0),
    Variant(highlights=2, events=2, stops=3, step=0),
    Variant(highlights=1, events=1, stops=2, step=0),
    Variant(highlights=1, events=1, stops=2, step=1),
    Variant(highlights=0, events=1, stops=0, step=2),
    Variant(highlights=0, events=0, stops=0, step=3),
)
"""Fewer highlights first, then smaller type; whatever is left out is announced by "more on the web"."""

DISTRICT_STEPS = (0, 1, 2, 3)
"""Type steps of the district flyer; a very large district's table flows onto more pages."""


def flyer_stylesheet(site_templates: Path) -> str:
    """The flyer CSS: the district's `templates/static/flyer.css` if any, else firstdoor's."""
    for folder in (site_templates, builtin_dir("templates")):
        path = folder / "static" / "flyer.css"
        if path.is_file():
            return str(path.read_text(encoding="utf-8"))
    raise FileNotFoundError("templates/static/flyer.css")


class FlyerRenderer:
    """Turns planned flyers into `PdfJob`s (HTML only; nothing is rendered to PDF here)."""

    def __init__(self, pages: PageRenderer, env: Environment, css: str, paper: str) -> None:
        self.pages = pages
        self.env = env
        self.css = css
        self.paper = paper
        self.site = pages.site
        self.languages = {language.tag: language for language in pages.languages}
        self._sheets: dict[tuple[str, str], Part] = {}
        """School sheets by (language, school): one sheet serves the flyer, the guide and the pair."""

    def job(self, spec: FlyerSpec) -> PdfJob:
        """The HTML of one flyer, with its parts and their variants."""
        language = self.languages[spec.language]
        context = self._context(spec, spec.language)
        if spec.kind in ("school", "pair") and spec.school_id:
            parts = [self._school_part(tag, spec.school_id)
                     for tag in (spec.language, spec.back_language) if tag]
        elif spec.kind == "district":
            parts = [self._district_part(spec)]
        elif spec.kind in ("zip", "area") and spec.place:
            parts = [self._sheet_part(spec, spec.place)]
        else:
            parts = self._guide_parts(spec)
        school = self.site.schools[spec.school_id] if spec.school_id else None
        # `css` and `fonts_slot` are empty: the CSS travels beside the document (`stylesheet`), but a
        # district's own flyer_document.html written when it was inline must still render.
        context.update(flyer=spec, flyer_school=school, paper=self.paper, css=Markup(""), fonts_slot=Markup(""),
                       parts_slot=Markup(PARTS_SLOT))
        document = render_template(self.env, "flyer_document.html", context, f"{spec.path}")
        label = f"{spec.path} ({language.english_name})"
        tags = (spec.language,) + ((spec.back_language,) if spec.back_language else ())
        return PdfJob(spec.path, label, document, tuple(parts), tags, self.stylesheet())

    def stylesheet(self) -> str:
        """The CSS of every flyer: the paper size, flyer.css, then the fonts (`FONTS_SLOT`, see `apply_fonts`)."""
        size = "A4" if self.paper == "a4" else "letter"
        return f"@page {{ size: {size}; }}\n{self.css}\n{FONTS_SLOT}\n"

    # -- parts ---------------------------------------------------------------------------------

    def _school_part(self, tag: str, school_id: str) -> Part:
        if (tag, school_id) in self._sheets:
            return self._sheets[tag, school_id]
        school = self.site.schools[school_id]
        language = self.languages[tag]
        here = flyer_path("school", language.slug, school_id)
        context = self.pages.context_for(here, self.pages.translators[tag].for_page(), tag)
        url = self.pages.base_url + page_url("school", language.slug, school_id)
        context.update(school_id=school_id, school=school, deadline=self.site.deadline_for(school),
                       events=views.upcoming_school_events(self.site, school_id, self.pages.today),
                       web_url=url, short_url=short_url(url), qr=qr_svg_data_uri(url))
        part = self._part(context, "flyer.html", SCHOOL_VARIANTS, f"{here} ({tag})", "one-page")
        self._sheets[tag, school_id] = part
        return part

    def _district_part(self, spec: FlyerSpec) -> Part:
        context = self._context(spec, spec.language)
        url = self.pages.base_url + page_url("home", self.languages[spec.language].slug)
        context.update(web_url=url, short_url=short_url(url), qr=qr_svg_data_uri(url))
        variants = [Variant(0, 0, 0, step) for step in DISTRICT_STEPS]
        return self._part(context, "flyer_district.html", variants, spec.path, "prefer-one-page")

    def _sheet_part(self, spec: FlyerSpec, key: str) -> Part:
        """A neighborhood sheet: must fit one page, down to "N more schools" (see `sheets.py`)."""
        context = self._context(spec, spec.language)
        translator = self.pages.translators[spec.language].for_page()
        slug = self.languages[spec.language].slug
        kind: Literal["zip", "area"] = "zip" if spec.kind == "zip" else "area"
        url = self.pages.base_url + page_url(kind, slug, key)
        context.update(sheet_context(self.site, kind, key), web_url=url, short_url=short_url(url),
                       qr=qr_svg_data_uri(url), home_short_url=short_url(self.pages.base_url + page_url("home", slug)),
                       lottery_summary=translator.markdown_summary(self.site.district.application.how_it_works))
        return self._part(context, "flyer_sheet.html", SHEET_VARIANTS, spec.path, "one-page")

    def _guide_parts(self, spec: FlyerSpec) -> list[Part]:
        context = self._context(spec, spec.language)
        url = self.pages.base_url + page_url("home", self.languages[spec.language].slug)
        context.update(web_url=url, short_url=short_url(url), qr=qr_svg_data_uri(url))
        parts = []
        for section in ("cover", "apply", "getting-there"):
            context["section"] = section
            parts.append(self._part(dict(context), "flyer_guide.html", [Variant(0, 0, 0, 0)],
                                    f"{spec.path} {section}", "prefer-one-page" if section == "cover" else "flow"))
        parts += [self._school_part(spec.language, school_id)
                  for school_id, _ in views.schools_in_order(self.site)]
        return parts

    def _part(self, context: dict[str, Any], template: str, variants: Any, label: str, fit: Fit) -> Part:
        """Render each variant; identical neighbours (nothing left to drop) are rendered only once."""
        shown: list[str] = []
        for variant in variants:
            context["variant"] = variant
            html = render_template(self.env, template, context, label)
            if not shown or shown[-1] != html:
                shown.append(html)
        return Part(tuple(shown), fit)

    def _context(self, spec: FlyerSpec, tag: str) -> dict[str, Any]:
        return self.pages.context_for(spec.path, self.pages.translators[tag].for_page(), tag)



def apply_fonts(jobs: list[PdfJob], renderer: FlyerRenderer, inventory: FontInventory,
                ) -> tuple[list[PdfJob], list[Problem]]:
    """Check the installed fonts cover every character, and name each language's families in the CSS."""
    texts: dict[str, set[str]] = {}
    for job in jobs:
        sources = [job.document] + [v for part in job.parts for v in (part.variants[0], part.variants[-1])]
        for source in sources:
            for tag, chars in characters_by_language(source, job.languages[0]).items():
                texts.setdefault(tag, set()).update(chars)
    known = {**renderer.pages.validated.known_languages, **renderer.languages}
    plan, problems = plan_fonts(texts, known, inventory)
    css = plan.css()
    finished = [PdfJob(job.path, job.label, job.document.replace(FONTS_SLOT, css), job.parts, job.languages,
                       job.stylesheet.replace(FONTS_SLOT, css)) for job in jobs]
    return finished, problems


@dataclass(frozen=True)
class FlyerFile:
    """A published flyer and its size in bytes (shown on the staff page)."""

    spec: FlyerSpec
    size: int

    @property
    def path(self) -> str:
        """Where the PDF is, relative to the site root."""
        return self.spec.path


@dataclass(frozen=True)
class Download:
    """A file to download and its size in bytes."""

    path: str
    size: int


@dataclass(frozen=True)
class FlyerIndex:
    """Every flyer of the build, for the pages that link to them."""

    files: tuple[FlyerFile, ...]
    bundles: dict[str, Download]
    """Per language tag: the ZIP of all its flyers."""

    sheet_bundles: dict[str, Download] = field(default_factory=dict)
    """Per language tag: the ZIP of all its neighborhood sheets."""

    def find(self, kind: str, tag: str, school_id: str | None = None, place: str | None = None) -> FlyerFile | None:
        """One flyer (or neighborhood sheet, by `place`), or None when it was not built."""
        return self._by_key.get((kind, tag, school_id, place))

    def sheets(self, kind: str) -> dict[str, list[FlyerFile]]:
        """The neighborhood sheets of `kind` (zip or area): per ZIP code or area id, one per language."""
        found: dict[str, list[FlyerFile]] = {}
        for f in self.files:
            if f.spec.kind == kind and f.spec.place:
                found.setdefault(f.spec.place, []).append(f)
        return found

    def of_language(self, tag: str) -> list[FlyerFile]:
        """The flyers of one language (the bilingual ones under their front language), in plan order;
        neighborhood sheets not included."""
        return [f for f in self._by_language.get(tag, ()) if f.spec.kind not in SHEET_KINDS]

    def of_school(self, school_id: str) -> list[FlyerFile]:
        """A school's flyers in every language, then its bilingual flyers."""
        return list(self._by_school.get(school_id, ()))

    # Every school page asks for its flyers: looking them up by scanning every flyer made a
    # state-wide build quadratic (10,000 pages x 10,000 flyers).
    @functools.cached_property
    def _by_key(self) -> dict[tuple[str, str, str | None, str | None], FlyerFile]:
        found: dict[tuple[str, str, str | None, str | None], FlyerFile] = {}
        for f in self.files:
            found.setdefault((f.spec.kind, f.spec.language, f.spec.school_id, f.spec.place), f)
        return found

    @functools.cached_property
    def _by_language(self) -> dict[str, list[FlyerFile]]:
        return _grouped(self.files, lambda f: f.spec.language)

    @functools.cached_property
    def _by_school(self) -> dict[str | None, list[FlyerFile]]:
        return _grouped(self.files, lambda f: f.spec.school_id)


def _grouped(files: tuple[FlyerFile, ...], key: Callable[[FlyerFile], Any]) -> dict[Any, list[FlyerFile]]:
    groups: dict[Any, list[FlyerFile]] = {}
    for f in files:
        groups.setdefault(key(f), []).append(f)
    return groups


SHEET_KINDS = ("zip", "area")


def sheet_bundle_path(slug: str) -> str:
    """The ZIP of every neighborhood sheet of a language: `so/print/sheets-so.zip`."""
    return f"{slug}/print/sheets-{slug}.zip"


def bundle_path(slug: str) -> str:
    """The ZIP of every flyer of a language: `es/flyers/flyers-es.zip`."""
    return f"{slug}/flyers/flyers-{slug}.zip"


def zip_flyers(slug: str, files: list[tuple[str, bytes]], folder: str = "flyers") -> bytes:
    """A ZIP of PDFs with fixed dates and order, so the same flyers give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, data in files:
            name = "-".join(path.split("/")[-2:]) if folder == "sheets" else path.rsplit("/", 1)[-1]
            info = zipfile.ZipInfo(f"{folder}-{slug}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@dataclass(frozen=True)
class FlyerOptions:
    """How to print: paper, workers, where the cache lives, whom to tell about progress."""

    paper: str
    workers: int
    cache_dir: Path
    progress: Progress = NoProgress()


@dataclass(frozen=True)
class FlyerBuild:
    """The rendered flyers, ready to publish."""

    index: FlyerIndex
    outputs: tuple[tuple[str, bytes], ...]
    """(path, bytes) of every PDF and ZIP, in plan order."""
    rendered: int
    """How many PDFs were rendered; the others came from the cache."""
    warnings: tuple[Problem, ...]
    cache: FlyerCache


def build_flyers(pages: PageRenderer, env: Environment, templates_dir: Path, specs: list[FlyerSpec],
                 options: FlyerOptions) -> FlyerBuild:
    """Render every planned flyer (fonts checked first), and one ZIP of them per language."""
    renderer = FlyerRenderer(pages, env, flyer_stylesheet(templates_dir), options.paper)
    inventory = FontInventory.from_fontconfig()
    jobs, problems = apply_fonts([renderer.job(spec) for spec in specs], renderer, inventory)
    if problems:
        raise ContentError(problems)
    cache = FlyerCache(options.cache_dir)
    with options.progress.stage("flyers", len(jobs)) as advance:
        batch = render_pdfs(jobs, cache, tool_versions() + "\n" + inventory.fingerprint, options.workers, advance)
    if batch.problems:
        raise ContentError(batch.problems)
    files = tuple(FlyerFile(spec, len(result.data)) for spec, result in zip(specs, batch.results))
    outputs = [(result.path, result.data) for result in batch.results]
    bundles: dict[str, Download] = {}
    sheet_bundles: dict[str, Download] = {}
    for language in pages.languages:
        mine = [(f, data) for f, (_, data) in zip(files, outputs) if f.spec.language == language.tag]
        for sheets, target, path in ((False, bundles, bundle_path(language.slug)),
                                     (True, sheet_bundles, sheet_bundle_path(language.slug))):
            members = [(f.path, data) for f, data in mine if (f.spec.kind in SHEET_KINDS) == sheets]
            if members:
                data = zip_flyers(language.slug, members, "sheets" if sheets else "flyers")
                outputs.append((path, data))
                target[language.tag] = Download(path, len(data))
    warnings = tuple(Problem(file=w.split(": ", 1)[0], message=w.split(": ", 1)[-1], severity="warning")
                     for w in batch.warnings)
    return FlyerBuild(FlyerIndex(files, bundles, sheet_bundles), tuple(outputs), batch.rendered, warnings, cache)
