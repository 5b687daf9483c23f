"""The build, top to bottom: load -> validate -> catalogs -> plan -> render -> publish.

Everything is read and validated before the first byte is written, so an error never
leaves half a site; the output folder changes only when the whole build succeeded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from firstdoor.errors import ContentError, Problem
from firstdoor.i18n import LanguageCatalogs, Misses, load_language_catalogs
from firstdoor.languages import Language
from firstdoor.outputs.assets import content_images, stylesheet
from firstdoor.outputs.html import PageRenderer
from firstdoor.outputs.sitemap import robots_txt, sitemap_xml
from firstdoor.plan import build_languages, plan_pages
from firstdoor.publish import Staging, check_output_folder
from firstdoor.render import builtin_dir, create_environment, today_in
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


@dataclass
class BuildReport:
    """What a build produced, for the CLI's summary."""

    out: Path
    pages: int = 0
    files: int = 0
    languages: tuple[Language, ...] = ()
    warnings: tuple[Problem, ...] = ()
    misses: dict[str, Misses] = field(default_factory=dict)


def load_site(site_dir: Path) -> ValidatedSite:
    """Find and validate every content file of the site folder."""
    files, problems = find_site_files(site_dir)
    if files is None:
        raise ContentError(problems)
    return validate_site(files, problems)


def load_catalogs(validated: ValidatedSite, languages: tuple[Language, ...]) -> dict[str, LanguageCatalogs]:
    """The translations of every language to build; a broken catalog stops the build."""
    folders = [builtin_dir("translations")]
    site_translations = validated.files.translations_dir
    if site_translations.resolve() != folders[0].resolve():
        folders.append(site_translations)
    catalogs: dict[str, LanguageCatalogs] = {}
    problems: list[Problem] = []
    for language in languages:
        catalogs[language.tag], _, found = load_language_catalogs(language, folders, validated.files.root)
        problems += found
    if problems:
        raise ContentError(problems)
    return catalogs


def build(site_dir: Path, options: BuildOptions) -> BuildReport:
    """Build the whole site of `site_dir` into `options.out`."""
    check_output_folder(options.out, site_dir, options.force)
    validated = load_site(site_dir)
    languages = build_languages(validated, options.languages)
    if not languages:
        raise ContentError([Problem(file="--lang", message=f"none of {', '.join(options.languages)} is a "
                                    "language of this site", hint="use tags from `languages` in district.yaml")])
    catalogs = load_catalogs(validated, languages)
    pages = plan_pages(validated, languages)
    env = create_environment(validated.files.templates_dir)
    css_url, css = stylesheet(validated.files.templates_dir)
    today = today_in(ZoneInfo(validated.site.district.timezone), options.today)
    renderer = PageRenderer(validated, catalogs, env, languages, today, {"site.css": css_url})
    report = BuildReport(out=options.out, languages=languages, warnings=validated.warnings,
                         misses={lang.tag: Misses() for lang in languages})
    rendered = [(spec, *renderer.page(spec)) for spec in pages]
    chooser, not_found = renderer.chooser(), renderer.not_found()
    base_url = validated.site.district.base_url
    with Staging(options.out) as stage:
        for spec, html, misses in rendered:
            stage.write(spec.path, html)
            report.misses[spec.language].update(misses)
        stage.write("index.html", chooser)
        stage.write("404.html", not_found)
        stage.write("sitemap.xml", sitemap_xml(base_url, pages, languages))
        stage.write("robots.txt", robots_txt(base_url))
        stage.write(css_url.split("?")[0], css)
        for target, source in content_images(validated.site, validated.files.images_dir):
            stage.copy(target, source)
        report.files = len(stage.written)
    report.pages = len(pages)
    return report
