"""The build, top to bottom: load -> validate -> catalogs -> plan -> render -> publish.

Everything is read and validated before the first byte is written, so an error never
leaves half a site; the output folder changes only when the whole build succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import secrets
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator, Mapping
from zoneinfo import ZoneInfo

from jinja2 import Environment

from firstdoor import parallel
from firstdoor.advice import AdviceOptions, advise
from firstdoor.cache import CACHE_DIR
from firstdoor.caches import ContentCache, LazyCatalogs, LoadedLanguage, load_languages, resize_cached
from firstdoor.collector import collector_relaxed
from firstdoor.defaults import builtin_dir
from firstdoor.errors import ContentError, Problem, UsageError
from firstdoor.fingerprint import digest
from firstdoor.i18n import LanguageCatalogs
from firstdoor.incremental import Inputs, gather_inputs, replace_state
from firstdoor.languages import Language
from firstdoor.options import BuildOptions, today_in
from firstdoor.outputs.assets import scripts, stylesheet
from firstdoor.outputs.cards import CardBuild, build_cards
from firstdoor.outputs.flyers import FlyerBuild, FlyerOptions, build_flyers
from firstdoor.outputs.html import PageRenderer
from firstdoor.outputs.images import ResponsiveImage
from firstdoor.outputs.opendata import open_data_files
from firstdoor.outputs.pdf_batch import default_workers
from firstdoor.outputs.redirects import alias_redirects
from firstdoor.outputs.sitemap import robots_txt, sitemap_xml
from firstdoor.plan import LANGUAGE_PAGES, PageSpec, build_languages, plan_flyers, plan_pages
from firstdoor.progress import NoProgress, Progress
from firstdoor.publish import MARKER, Staging, output_lock
from firstdoor.render import create_environment, template_folders
from firstdoor.report import BuildReport
from firstdoor.runner import (Files, Outcome, ParentUnit, files_of, for_shard, misses_by_language, nothing_changed,
                              previous_builds, run_units, save_state, state_folders)
from firstdoor.sources import find_site_files
from firstdoor.state import build_folder, kept_output, output_listings
from firstdoor.tracking import DATE_VIEW, Uses
from firstdoor.unchanged import (FirstLook, first_look, read_summary, restamp, summary_extra, summary_report, unchanged,
                                 write_summary)
from firstdoor.units import plan_units
from firstdoor.validate import ValidatedSite, validate_site
from firstdoor.views import neighborhoods


def load_site(site_dir: Path, cache: ContentCache | None = None) -> ValidatedSite:
    """Find and validate every content file of the site folder (reusing a previous build's results by `cache`)."""
    files, problems = find_site_files(site_dir)
    if files is None:
        raise ContentError(problems)
    return validate_site(files, problems, cache)


def translation_folders(validated: ValidatedSite) -> list[Path]:
    """Where catalogs are read from: firstdoor's built-in ones, then the site's (which win)."""
    folders = [builtin_dir("translations")]
    site_translations = validated.files.translations_dir
    if site_translations.resolve() != folders[0].resolve():
        folders.append(site_translations)
    return folders


def load_catalogs(validated: ValidatedSite, languages: tuple[Language, ...], keep_going: bool = False,
                  ) -> tuple[dict[str, LanguageCatalogs], list[Problem]]:
    """The translations of every language to build, and warnings (see `read_catalogs`)."""
    loaded, warnings, _ = read_catalogs(validated, languages, keep_going)
    return {tag: item.catalogs for tag, item in loaded.items()}, warnings


def read_catalogs(validated: ValidatedSite, languages: tuple[Language, ...], keep_going: bool = False,
                  jobs: int = 1, previous: tuple[Path, ...] = (), spill: Path | None = None,
                  ) -> tuple[dict[str, LoadedLanguage], list[Problem], dict[str, bytes | Path]]:
    """The translations of every language to build (read in parallel, or reused), warnings, cache files.

    A broken catalog (syntax, placeholders, plural forms) stops the build; with
    `keep_going` its language is left out instead and its errors become warnings.
    `spill`: where to write the cache files of languages read afresh (else they are held in memory).
    """
    loaded, cache = load_languages(languages, translation_folders(validated), validated.files.root, jobs,
                                   list(previous), spill)
    catalogs: dict[str, LoadedLanguage] = {}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for language in languages:
        found = loaded[language.tag].problems
        bad = [p for p in found if p.severity == "error"]
        warnings += [p for p in found if p.severity == "warning"]
        if bad and keep_going:
            warnings += [replace(p, severity="warning") for p in bad]
            warnings.append(Problem(file=f"translations/{language.tag}", severity="warning",
                                    message=f"{language.english_name} ({language.tag}) was left out of this "
                                    "build because of the errors above"))
            continue
        errors += bad
        catalogs[language.tag] = loaded[language.tag]
    if errors:
        raise ContentError(errors + warnings)
    return catalogs, warnings, cache


def build(site_dir: Path, options: BuildOptions, progress: Progress = NoProgress(),
          looked: FirstLook | None = None) -> BuildReport:
    """Build the whole site of `site_dir` into `options.out` (or one shard of it, or merge shards).

    Only what changed since the previous build is rendered (`incremental.py`); pages are
    rendered by worker processes (`runner.py`), the output is the same for any `--jobs`.
    `looked`: what `unchanged.first_look` found, when the caller already asked it.
    """
    first = looked or first_look(site_dir, options)
    if isinstance(first, BuildReport):
        return first
    with catalog_spill(options.out) as spill, collector_relaxed():
        return _build_validated(site_dir, options, progress, first, spill)


@contextlib.contextmanager
def catalog_spill(out: Path) -> Iterator[Path]:
    """A folder for the translations a build reads, beside its output, removed when the build ends.

    They go to the new build state at the end; written here as soon as they are read, the
    build need not hold them in memory (about 80 MB at 1000 schools in 10 languages).
    """
    folder = build_folder(out)
    made = not folder.exists()  # a first build that fails leaves nothing behind
    spill = folder / f"catalogs-{os.getpid()}-{secrets.token_hex(4)}"  # made by `load_languages` if needed
    try:
        yield spill
    finally:
        shutil.rmtree(spill, ignore_errors=True)
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty


def _build_validated(site_dir: Path, options: BuildOptions, progress: Progress,
                     first: FirstLook, spill: Path) -> BuildReport:
    """`build`, once the input files are known to have changed: validate, then render what changed.

    `first`: what `unchanged.first_look` worked out (the state folder, whether this build may
    stop when nothing changed, the input files' stamp).
    """
    state, may_skip, stamp = first.state, first.may_skip, first.stamp
    reuse_from = () if options.clean else state_folders(options.out, options.merge_from)
    content = ContentCache(reuse_from)
    validated = load_site(site_dir, content)
    languages = build_languages(validated, options.languages)
    pair = flyer_pair(validated, options)
    if not languages:
        raise ContentError([Problem(file="--lang", message=f"none of {', '.join(options.languages)} is a "
                                    "language of this site", hint="use tags from `languages` in district.yaml")])
    jobs = options.jobs or parallel.default_jobs()
    loaded, catalog_warnings, catalog_cache = read_catalogs(validated, languages, options.keep_going, jobs,
                                                            reuse_from, spill)
    left_out = tuple(lang.tag for lang in languages if lang.tag not in loaded)
    languages = tuple(lang for lang in languages if lang.tag in loaded)
    pages = plan_pages(validated, languages, flyers=options.pdf)
    today = today_in(ZoneInfo(validated.site.district.timezone), options.today)
    inputs = gather_inputs(validated, languages, {tag: item.digests for tag, item in loaded.items()}, today,
                           template_folders(validated.files.templates_dir),
                           (str(options.pdf), options.paper or "", ",".join(pair or ()), str(options.zip_sheets)))
    report = BuildReport(out=options.out, languages=languages, pages=len(pages), left_out=left_out,
                         warnings=validated.warnings + tuple(catalog_warnings),
                         validated=content.computed.get("school", 0))
    if may_skip:
        with output_lock(options.out):
            summary = first.summary or read_summary(state)
            same = unchanged(summary, options.out, inputs)
            if summary is not None and same:
                restamp(state, summary, stamp)
        if summary is not None and same:  # the published site is exactly what this build would write: leave it alone
            return summary_report(report, summary)
    report.advice = tuple(advise(validated, AdviceOptions(today=today), coverage={}, cache=content))
    content.documents.clear()
    catalogs = LazyCatalogs(loaded)
    env = create_environment(validated.files.templates_dir)
    css_url, css = stylesheet(validated.files.templates_dir)
    js = scripts(validated.files.templates_dir)
    responsive, image_files, image_cache = resize_cached(validated.site, validated.files.images_dir, reuse_from)
    flyers = make_flyers(site_dir, validated, catalogs, env, languages, today, pair, options, progress) \
        if options.pdf else None
    cards = make_cards(validated, catalogs, env, languages, today, flyers, options.jobs or default_workers(),
                       progress) if flyers else None
    inputs.indexes = {"flyers": flyers.index if flyers else None, "cards": cards.index if cards else None}
    card_files = files_by_language(cards.outputs if cards else (), "cards", languages)
    inputs.groups = {f"cards:{slug}": digest(*(f"{p}={digest(d)}" for p, d in files)) for slug, files in card_files.items()}
    assets = {"site.css": css_url} | {name: url for name, (url, _) in js.items()}
    renderer = PageRenderer(validated, catalogs, env, languages, today, assets, responsive,
                            flyers.index if flyers else None, cards.index if cards else None)
    units = plan_units(pages, validated, languages, with_kits="outreach" in LANGUAGE_PAGES)
    parents = [*image_units(validated, inputs, image_files, responsive),
               ParentUnit("site", None, Uses(all_schools=True, views={DATE_VIEW}),  # its templates are not tracked
                          lambda _: site_files(renderer, validated, pages, languages, (css_url, css), list(js.values())))]
    for name, outputs in (("flyers", flyers.outputs if flyers else None), ("cards", cards.outputs if cards else None)):
        if outputs is not None:  # from their own caches; published as they are
            parents.append(ParentUnit(name, None, Uses(), functools.partial(published, outputs),
                                      digest(inputs.build, *(f"{p}={digest(d)}" for p, d in outputs))))
    previous = previous_builds(options.out, options.merge_from, options.clean, inputs, units, parents)
    units, parents = for_shard(units, parents, options.shard)
    if flyers:
        report.warnings += flyers.warnings
        report.flyers, report.flyers_rendered = len(flyers.index.files), flyers.rendered
    with output_lock(options.out):
        if options.shard is None and nothing_changed(options.out, units, parents, previous, inputs, validated.site):
            report.files, report.misses = files_of(previous[0].units), misses_by_language(previous[0].units, units)
            report.reused = len(units[0]) + len(units[1]) + len(parents)
            write_summary(state, options.out, previous[0].units, inputs, report.misses, MARKER,
                          summary_extra(report, stamp))
            return report
    worker_args = (validated, catalogs, languages, today, assets, validated.files.templates_dir, responsive,
                   inputs.indexes, card_files)
    recycle = options.shard is None
    with Staging(options.out, kept_output(options.out) if recycle else None,
                 output_listings(options.out) if recycle else None) as stage:
        with progress.stage("pages", sum(unit.page is not None for unit in units[0] + units[1])) as advance:
            outcome = run_units(units, parents, previous, inputs, stage, jobs, worker_args, validated.site,
                                for_merge=options.shard is not None, advance=advance)
        report.files = len(stage.written)
        new_state = save_state(stage, outcome, inputs, options.shard, {**content.keep, **catalog_cache, **image_cache})
    report.misses, report.rendered, report.reused = misses_by_language(outcome.records, units), \
        outcome.rendered, outcome.reused
    if new_state is not None:
        replace_state(new_state, state)
        write_summary(state, options.out, outcome.records, inputs, report.misses, MARKER, summary_extra(report, stamp))
    if flyers and not options.languages and not left_out and not options.shard:
        flyers.cache.prune()  # a full build used every flyer still wanted
        if cards:
            cards.cache.prune()
            cards.png_cache.prune()
    return report


def published(outputs: tuple[tuple[str, bytes], ...], _: Outcome) -> Files:
    """Files made before the pages (flyers, cards), as a parent unit publishes them."""
    return list(outputs)


def files_by_language(files: Iterable[tuple[str, bytes]], folder: str, languages: tuple[Language, ...],
                      ) -> dict[str, list[tuple[str, bytes]]]:
    """Files under `<lang>/<folder>/`, by language slug (the share cards a kit's zip also holds)."""
    return {lang.slug: [(p, d) for p, d in files if p.startswith(f"{lang.slug}/{folder}/")] for lang in languages}


def site_files(renderer: PageRenderer, validated: ValidatedSite, pages: list[PageSpec],
               languages: tuple[Language, ...], css: tuple[str, bytes], js: list[tuple[str, bytes]]) -> Files:
    """The files made from the whole site: language chooser, 404, sitemap, assets, open data, old addresses.

    (Each language's feed and calendars are units of their own, see `units.py`.)
    """
    base_url = validated.site.district.base_url
    chooser, not_found = renderer.root_pages()
    files: Files = [("index.html", chooser.encode()), ("404.html", not_found.encode()),
                    ("sitemap.xml", sitemap_xml(base_url, pages, languages).encode()),
                    ("robots.txt", robots_txt(base_url).encode()), (css[0].split("?")[0], css[1]),
                    *((url.split("?")[0], script) for url, script in js)]
    files += [(path, text.encode()) for path, text in open_data_files(validated.site, languages)]
    files += [(r.path, renderer.redirect(r)[0].encode()) for r in alias_redirects(validated.site, languages)]
    return files


def image_units(validated: ValidatedSite, inputs: Inputs, resized: dict[str, bytes],
                responsive: dict[str, ResponsiveImage]) -> list[ParentUnit]:
    """The images of each school, as given and resized (an image two schools use goes with the first)."""
    owner: dict[str, str] = {}
    for school_id, school in validated.site.schools.items():
        for image in school.images:
            owner.setdefault(image.src, school_id)
    by_school: dict[str, list[str]] = {}
    for src, school_id in sorted(owner.items()):
        by_school.setdefault(school_id, []).append(src)

    def copy(srcs: list[str], _: Outcome) -> Files:
        files = [(f"images/{src}", (validated.files.images_dir / src).read_bytes()) for src in srcs]
        variants = {v.path for src in srcs if src in responsive for v in responsive[src].variants}
        return files + [(path, resized[path]) for path in sorted(variants) if path in resized
                        and path not in {f for f, _ in files}]
    return [ParentUnit(f"images:{school_id}", None, Uses({school_id}), functools.partial(copy, srcs),
                       digest(inputs.build, school_id, inputs.images.get(school_id, "-")), school_id)
            for school_id, srcs in sorted(by_school.items())]


def flyer_pair(validated: ValidatedSite, options: BuildOptions) -> tuple[str, str] | None:
    """The two languages of bilingual flyers: `--pair`, else the district's `print.pair`, else none."""
    if options.pair and any(tag not in {lang.tag for lang in validated.languages} for tag in options.pair):
        raise UsageError([Problem(file="--pair", message=f"{','.join(options.pair)}: both must be languages "
                                  "of this site", hint="use tags from `languages` in district.yaml, e.g. en,es")])
    settings = validated.site.district.print
    return options.pair or ((settings.pair[0], settings.pair[1]) if settings.pair else None)


def make_flyers(site_dir: Path, validated: ValidatedSite, catalogs: Mapping[str, LanguageCatalogs], env: Environment,
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


def make_cards(validated: ValidatedSite, catalogs: Mapping[str, LanguageCatalogs], env: Environment,
               languages: tuple[Language, ...], today: dt.date, flyers: FlyerBuild, workers: int,
               progress: Progress) -> CardBuild:
    """Every share card (PNG), rendered like the flyers and kept in the same cache."""
    renderer = PageRenderer(validated, catalogs, env, languages, today, {})
    options = FlyerOptions(paper=validated.site.district.print.paper_size, workers=workers,
                           cache_dir=flyers.cache.folder / "cards", progress=progress)
    return build_cards(renderer, env, validated.files.templates_dir, options)
