"""The build, top to bottom: load -> validate -> catalogs -> plan -> render -> publish.

Everything is read and validated before the first byte is written, so an error never
leaves half a site; the output folder changes only when the whole build succeeded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment

from firstdoor.advice import AdviceOptions, Finding, advise
from firstdoor.errors import ContentError, Problem, UsageError
from firstdoor.i18n import LanguageCatalogs, Misses, load_language_catalogs
from firstdoor.languages import Language
from firstdoor.cache import CACHE_DIR
from firstdoor.outputs.assets import content_images, scripts, stylesheet
from firstdoor.outputs.calendar import calendar_files
from firstdoor.outputs.cards import CardBuild, build_cards
from firstdoor.outputs.feeds import feed_files
from firstdoor.outputs.flyers import FlyerBuild, FlyerOptions, build_flyers
from firstdoor.outputs.html import PageRenderer
from firstdoor.outputs.images import resize_images
from firstdoor.outputs.opendata import open_data_files
from firstdoor.outputs.outreach import kit_files
from firstdoor.outputs.redirects import alias_redirects
from firstdoor.outputs.sitemap import robots_txt, sitemap_xml
from firstdoor.outputs.pdf_batch import default_workers
from firstdoor.plan import build_languages, plan_flyers, plan_pages
from firstdoor.views import neighborhoods
from firstdoor.progress import NoProgress, Progress
from firstdoor.publish import Staging, check_output_folder, recover_output
from firstdoor.render import builtin_dir, create_environment, today_in
from firstdoor.status import check_catalog
from firstdoor.sources import find_site_files
from firstdoor.validate import ValidatedSite, validate_site


@dataclass(frozen=True)
class BuildOptions:
    """What `firstdoor build` was asked to do."""

    out: Path
    languages: tuple[str, ...] = ()
    """Build only these languages (all when empty)."""
    force: bool = False
    today: dt.date | None = None
    """The date the build treats as today (upcoming events); the real date when None."""
    keep_going: bool = False
    """Leave out languages whose catalogs are broken instead of publishing nothing."""
    pdf: bool = True
    """Render the printable flyers (`--no-pdf` skips them for quick previews)."""
    jobs: int | None = None
    """Worker processes for the flyers (all cores when None)."""
    paper: str | None = None
    """letter or a4, replacing the district's `print.paper_size`."""
    pair: tuple[str, str] | None = None
    """Two languages for bilingual flyers, replacing the district's `print.pair`."""
    zip_sheets: bool = False
    """Print the neighborhood sheets even when the district's `print.zip_sheets` is off."""


@dataclass
class BuildReport:
    """What a build produced, for the CLI's summary."""

    out: Path
    pages: int = 0
    files: int = 0
    languages: tuple[Language, ...] = ()
    warnings: tuple[Problem, ...] = ()
    misses: dict[str, Misses] = field(default_factory=dict)
    left_out: tuple[str, ...] = ()
    """Languages not built because their catalogs are broken (`--keep-going`)."""
    advice: tuple[Finding, ...] = ()
    """Content advice (`firstdoor check`), counted in the build's summary."""
    flyers: int = 0
    flyers_rendered: int = 0
    """Flyers rendered by this build; the others came from the cache."""


def load_site(site_dir: Path) -> ValidatedSite:
    """Find and validate every content file of the site folder."""
    files, problems = find_site_files(site_dir)
    if files is None:
        raise ContentError(problems)
    return validate_site(files, problems)


def translation_folders(validated: ValidatedSite) -> list[Path]:
    """Where catalogs are read from: firstdoor's built-in ones, then the site's (which win)."""
    folders = [builtin_dir("translations")]
    site_translations = validated.files.translations_dir
    if site_translations.resolve() != folders[0].resolve():
        folders.append(site_translations)
    return folders


def load_catalogs(validated: ValidatedSite, languages: tuple[Language, ...], keep_going: bool = False,
                  ) -> tuple[dict[str, LanguageCatalogs], list[Problem]]:
    """The translations of every language to build, and warnings.

    A broken catalog (syntax, placeholders, plural forms) stops the build; with
    `keep_going` its language is left out instead and its errors become warnings.
    """
    catalogs: dict[str, LanguageCatalogs] = {}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for language in languages:
        loaded, files, found = load_language_catalogs(language, translation_folders(validated),
                                                      validated.files.root)
        for catalog_file in files:
            found += check_catalog(catalog_file, language)
        bad = [p for p in found if p.severity == "error"]
        warnings += [p for p in found if p.severity == "warning"]
        if bad and keep_going:
            warnings += [replace(p, severity="warning") for p in bad]
            warnings.append(Problem(file=f"translations/{language.tag}", severity="warning",
                                    message=f"{language.english_name} ({language.tag}) was left out of this "
                                    "build because of the errors above"))
            continue
        errors += bad
        catalogs[language.tag] = loaded
    if errors:
        raise ContentError(errors + warnings)
    return catalogs, warnings


def build(site_dir: Path, options: BuildOptions, progress: Progress = NoProgress()) -> BuildReport:
    """Build the whole site of `site_dir` into `options.out`, reporting long stages to `progress`."""
    check_output_folder(options.out, site_dir, options.force)
    recover_output(options.out)
    validated = load_site(site_dir)
    languages = build_languages(validated, options.languages)
    pair = flyer_pair(validated, options)
    if not languages:
        raise ContentError([Problem(file="--lang", message=f"none of {', '.join(options.languages)} is a "
                                    "language of this site", hint="use tags from `languages` in district.yaml")])
    catalogs, catalog_warnings = load_catalogs(validated, languages, options.keep_going)
    left_out = tuple(lang.tag for lang in languages if lang.tag not in catalogs)
    languages = tuple(lang for lang in languages if lang.tag in catalogs)
    pages = plan_pages(validated, languages, flyers=options.pdf)
    env = create_environment(validated.files.templates_dir)
    css_url, css = stylesheet(validated.files.templates_dir)
    js = scripts(validated.files.templates_dir)
    responsive, image_files = resize_images(validated.site, validated.files.images_dir)
    today = today_in(ZoneInfo(validated.site.district.timezone), options.today)
    flyers = make_flyers(site_dir, validated, catalogs, env, languages, today, pair, options, progress) \
        if options.pdf else None
    cards = make_cards(validated, catalogs, env, languages, today, flyers, options.jobs or default_workers(),
                       progress) if flyers else None
    renderer = PageRenderer(validated, catalogs, env, languages, today,
                            {"site.css": css_url} | {name: url for name, (url, _) in js.items()}, responsive,
                            flyers.index if flyers else None, cards.index if cards else None)
    report = BuildReport(out=options.out, languages=languages,
                         warnings=validated.warnings + tuple(catalog_warnings) + (flyers.warnings if flyers else ()),
                         misses={lang.tag: Misses() for lang in languages}, left_out=left_out)
    rendered = []
    with progress.stage("pages", len(pages)) as advance:
        for spec in pages:
            rendered.append((spec, *renderer.page(spec)))
            advance()
    redirects = [(r, *renderer.redirect(r)) for r in alias_redirects(validated.site, languages)]
    chooser, not_found = renderer.chooser(), renderer.not_found()
    base_url = validated.site.district.base_url
    calendars = calendar_files(validated.site, languages, renderer.translators, renderer.formatters, base_url)
    with Staging(options.out) as stage:
        for spec, html, misses in rendered:
            stage.write(spec.path, html)
            report.misses[spec.language].update(misses)
        for redirect, html, misses in redirects:
            stage.write(redirect.path, html)
            report.misses[redirect.language].update(misses)
        stage.write("index.html", chooser)
        stage.write("404.html", not_found)
        stage.write("sitemap.xml", sitemap_xml(base_url, pages, languages))
        stage.write("robots.txt", robots_txt(base_url))
        stage.write(css_url.split("?")[0], css)
        images = content_images(validated.site, validated.files.images_dir)
        with progress.stage("images", len(images)) as advance:
            for target, source in images:
                stage.copy(target, source)
                advance()
        for path, text in open_data_files(validated.site, languages) + \
                feed_files(validated.site, renderer.translators, renderer.formatters, today):
            stage.write(path, text)
        for language in languages:
            extras = [(p, d) for p, d in cards.outputs if p.startswith(f"{language.slug}/cards/")] if cards else []
            for path, data in kit_files(renderer.kits[language.tag], language.slug, extras):
                stage.write(path, data)
        for js_url, script in js.values():
            stage.write(js_url.split("?")[0], script)
        for path, data in sorted((image_files | calendars).items()):
            stage.write(path, data)
        for path, data in flyers.outputs if flyers else ():
            stage.write(path, data)
        for path, data in cards.outputs if cards else ():
            stage.write(path, data)
        report.files = len(stage.written)
    report.pages = len(pages)
    if flyers:
        report.flyers, report.flyers_rendered = len(flyers.index.files), flyers.rendered
        if not options.languages and not left_out:
            flyers.cache.prune()  # a full build used every flyer still wanted
            if cards:
                cards.cache.prune()
    # Translation coverage is left to `check`: the build prints its own untranslated-text line, and
    # re-reading every catalog for the status report would add ~7 % to each build.
    report.advice = tuple(advise(validated, AdviceOptions(today=today), coverage={}))
    return report


def flyer_pair(validated: ValidatedSite, options: BuildOptions) -> tuple[str, str] | None:
    """The two languages of bilingual flyers: `--pair`, else the district's `print.pair`, else none."""
    if options.pair and any(tag not in {lang.tag for lang in validated.languages} for tag in options.pair):
        raise UsageError([Problem(file="--pair", message=f"{','.join(options.pair)}: both must be languages "
                                  "of this site", hint="use tags from `languages` in district.yaml, e.g. en,es")])
    settings = validated.site.district.print
    return options.pair or ((settings.pair[0], settings.pair[1]) if settings.pair else None)


def make_flyers(site_dir: Path, validated: ValidatedSite, catalogs: dict[str, LanguageCatalogs], env: Environment,
                languages: tuple[Language, ...], today: dt.date, pair: tuple[str, str] | None,
                options: BuildOptions, progress: Progress) -> FlyerBuild:
    """Every flyer of the languages built, from the cache or rendered in worker processes."""
    settings = validated.site.district.print
    places = tuple((place.kind, place.key) for place in neighborhoods(validated.site)) \
        if options.zip_sheets or settings.zip_sheets else ()
    specs = plan_flyers(validated, languages, pair, places)
    renderer = PageRenderer(validated, catalogs, env, languages, today, {})
    flyer_options = FlyerOptions(paper=options.paper or settings.paper_size, workers=options.jobs or default_workers(),
                                 cache_dir=site_dir / CACHE_DIR, progress=progress)
    return build_flyers(renderer, env, validated.files.templates_dir, specs, flyer_options)


def make_cards(validated: ValidatedSite, catalogs: dict[str, LanguageCatalogs], env: Environment,
               languages: tuple[Language, ...], today: dt.date, flyers: FlyerBuild, workers: int,
               progress: Progress) -> CardBuild:
    """Every share card (PNG), rendered like the flyers and kept in the same cache."""
    renderer = PageRenderer(validated, catalogs, env, languages, today, {})
    options = FlyerOptions(paper=validated.site.district.print.paper_size, workers=workers,
                           cache_dir=flyers.cache.folder / "cards", progress=progress)
    return build_cards(renderer, env, validated.files.templates_dir, options)
