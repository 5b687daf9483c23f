"""The `firstdoor` command: a few lines per command that call the engine.

Every `FirstdoorError` becomes a clean message on standard error and an exit code
(0 built, 1 content errors, 2 usage); a user never sees a Python traceback for
anything they can write.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import click

from firstdoor import __version__
from firstdoor.cli_options import quiet_option, site_option, today_option
from firstdoor.console import echo_problems, plural, progress_for
from firstdoor.errors import FirstdoorError
from firstdoor.options import BuildOptions, Shard, parse_shard
from firstdoor.progress import Progress
from firstdoor.report import BuildReport
from firstdoor.unchanged import first_look


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="firstdoor")
def cli() -> None:
    """firstdoor builds a multilingual magnet-school website from a district's YAML files.

    \b
    Examples:
      firstdoor build                     build ./content into ./_site
      firstdoor build --lang es --lang en build only Spanish and English
      firstdoor build --site ../district --out /var/www/choice
    """


@cli.command("build")
@site_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where to write the site. [default: _site inside the site folder]")
@click.option("--lang", "languages", multiple=True, metavar="TAG",
              help="Build only this language (repeat for several).")
@click.option("--force", is_flag=True,
              help="Use an --out folder that holds other files (they are moved aside, never deleted).")
@today_option
@click.option("--keep-going", is_flag=True,
              help="Publish the other languages when a language's catalog is broken (exit code 1).")
@quiet_option
@click.option("--no-pdf", "no_pdf", is_flag=True, help="Skip the printable flyers (a quick preview).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render pages and flyers in N worker processes. [default: all cores]")
@click.option("--paper", type=click.Choice(["letter", "a4"]), default=None,
              help="Paper size of the flyers. [default: the district's print.paper_size, else letter]")
@click.option("--pair", default=None, metavar="A,B",
              help="Also print each school's flyer in two languages, front and back (e.g. en,es).")
@click.option("--zip-sheets", "zip_sheets", is_flag=True,
              help="Also print a one-page sheet per ZIP code and area. [default: the district's print.zip_sheets]")
@click.option("--clean", is_flag=True, help="Render everything instead of reusing unchanged pages.")
@click.option("--shard", default=None, metavar="K/N", callback=lambda _c, _p, v: _shard(v),
              help="Build only shard K of N of the per-school pages, for `firstdoor merge`.")
def build_command(site: Path, out: Path | None, languages: tuple[str, ...], force: bool,
                  today: dt.datetime | None, keep_going: bool, quiet: bool, no_pdf: bool, jobs: int | None,
                  paper: str | None, pair: str | None, zip_sheets: bool, clean: bool,
                  shard: Shard | None) -> None:
    """Validate the content and build the whole site, in every language.

    \b
    Exit codes: 0 built, 1 content errors (all listed), 2 usage errors.
    The previous output stays untouched unless the whole build succeeds.

    \b
    Examples:
      firstdoor build
      python build.py --lang hmn
      firstdoor build --no-pdf            skip the flyers for a quick preview
      firstdoor build --paper a4 --pair en,es --jobs 4
      firstdoor build --shard 2/4 --out shards/2      (then: firstdoor merge shards/*)
    """
    options = BuildOptions(out=out or site / "_site", languages=languages, force=force,
                           today=today.date() if today else None, keep_going=keep_going, pdf=not no_pdf,
                           jobs=jobs, paper=paper, pair=parse_pair(pair), zip_sheets=zip_sheets,
                           clean=clean, shard=shard)
    start = time.perf_counter()
    report = run_or_exit(lambda: build_quickly(site, options, progress_for(quiet)))
    if not quiet:
        print_summary(report, time.perf_counter() - start)
    if report.left_out:
        click.echo(f"published without: {', '.join(report.left_out)}", err=True)
        sys.exit(1)


def build_quickly(site: Path, options: BuildOptions, progress: Progress) -> BuildReport:
    """`pipeline.build`, importing the engine only when an input file was touched since the last build.

    A rebuild with nothing changed (the most frequent one while previewing) then costs
    about the time to check the published files, not the time to import firstdoor.
    """
    first = first_look(site, options)
    if isinstance(first, BuildReport):
        return first
    from firstdoor.pipeline import build

    return build(site, options, progress, first)


def parse_pair(value: str | None) -> tuple[str, str] | None:
    """`--pair en,es` as two language tags; anything else is a usage error."""
    if value is None:
        return None
    tags = [tag.strip() for tag in value.split(",") if tag.strip()]
    if len(tags) != 2 or tags[0] == tags[1]:
        raise click.BadParameter("give two different language tags, e.g. en,es", param_hint="--pair")
    return tags[0], tags[1]


@cli.command("merge")
@site_option
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where to write the site. [default: _site inside the site folder]")
@click.option("--lang", "languages", multiple=True, metavar="TAG", help="The --lang the shards were built with.")
@click.option("--force", is_flag=True, help="Use an --out folder that holds other files (moved aside).")
@today_option
@click.option("--no-pdf", "no_pdf", is_flag=True, help="The shards were built with --no-pdf.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for the pages the merge renders. [default: all cores]")
@quiet_option
def merge_command(site: Path, shards: tuple[Path, ...], out: Path | None, languages: tuple[str, ...],
                  force: bool, today: dt.datetime | None, no_pdf: bool, jobs: int | None, quiet: bool) -> None:
    """Assemble the folders of `build --shard K/N` into the site, as one `build` would write it.

    Every shard must come from the same content, templates, options and firstdoor
    version as the merge; the merge renders the pages that list every school.

    \b
    Examples:
      firstdoor merge --out _site shards/1 shards/2 shards/3 shards/4
    """
    options = BuildOptions(out=out or site / "_site", languages=languages, force=force,
                           today=today.date() if today else None, pdf=not no_pdf, jobs=jobs, merge_from=shards)
    start = time.perf_counter()
    report = run_or_exit(lambda: build_quickly(site, options, progress_for(quiet)))
    if not quiet:
        print_summary(report, time.perf_counter() - start)


def _shard(value: str | None) -> Shard | None:
    if value is None:
        return None
    try:
        return parse_shard(value)
    except FirstdoorError as error:
        raise click.BadParameter(error.problems[0].message) from None


T = TypeVar("T")


def run_or_exit(action: Callable[[], T]) -> T:
    """Run an engine action; print a `FirstdoorError` cleanly and exit with its code."""
    try:
        return action()
    except FirstdoorError as error:
        problems = error.problems
        errors = [p for p in problems if p.severity == "error"]
        echo_problems(problems)
        if errors:
            click.echo(f"\n{len(errors)} error{'s' if len(errors) != 1 else ''}: nothing was published; "
                       "the previous site is unchanged.", err=True)
        sys.exit(error.exit_code)


def print_summary(report: BuildReport, seconds: float) -> None:
    """The final lines of a build: warnings, advice in one line, what was written, untranslated text."""
    echo_problems(report.warnings)
    if report.advice:
        rules = sorted({finding.rule for finding in report.advice})
        click.echo(f"{plural(len(report.advice), 'content warning')} ({', '.join(rules)}): "
                   "run `firstdoor check` to see them", err=True)
    flyers = report.flyers
    outputs = plural(report.pages, "page") + (f", {plural(flyers, 'flyer')} ({report.flyers_rendered} rendered, "
                                              f"{flyers - report.flyers_rendered} from the cache)" if flyers else "")
    warnings = len(report.warnings) + len(report.advice)
    click.echo(f"built {outputs} in {plural(len(report.languages), 'language')} in {seconds:.1f} s; "
               f"{plural(warnings, 'warning')}")
    if report.reused and not report.rendered:
        click.echo("nothing changed since the previous build")
    elif report.reused:
        click.echo(f"rendered {report.rendered} outputs, reused {report.reused} unchanged ones")
    untranslated = [f"{tag}: {len(m.content)} content, {len(m.interface)} interface"
                    for tag, m in report.misses.items() if m]
    if untranslated:
        click.echo("shown in the source language for want of a translation: " + "; ".join(untranslated)
                   + " (see `firstdoor i18n status`)")


@cli.group("i18n")
def i18n_group() -> None:
    """Translation workflow: extract catalogs for translators, report their status.

    \b
    Examples:
      firstdoor i18n extract
      firstdoor i18n status --fail-under 90
    """


@i18n_group.command("extract")
@site_option
def extract_command(site: Path) -> None:
    """Refresh translations/*.pot and every language's .po catalogs.

    Translations are kept; an entry whose source text changed is marked fuzzy (outdated,
    not shown until a translator confirms it); removed entries are kept as obsolete.

    \b
    Examples:
      firstdoor i18n extract
      firstdoor i18n extract --site ../district
    """
    from firstdoor.extract import extract
    from firstdoor.pipeline import load_site

    validated = run_or_exit(lambda: load_site(site))
    report = extract(validated, validated.languages)
    for path in report.templates + report.catalogs:
        note = " (new)" if path in report.created else ""
        click.echo(f"wrote {path.relative_to(site.resolve()) if path.is_absolute() else path}{note}")


@i18n_group.command("status")
@site_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Text for people, JSON for CI and dashboards.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 when any language's interface or content is less translated than this.")
def status_command(site: Path, output_format: str, fail_under: float | None) -> None:
    """Per language: interface and content strings translated, outdated and missing.

    \b
    Examples:
      firstdoor i18n status
      firstdoor i18n status --format json --fail-under 95
    """
    import dataclasses
    import json

    from firstdoor.pipeline import load_site, translation_folders
    from firstdoor.status import translation_status

    validated = run_or_exit(lambda: load_site(site))
    report = translation_status(validated, validated.languages, translation_folders(validated))
    if output_format == "json":
        data = [dict(dataclasses.asdict(s), percent=s.percent, interface_percent=s.interface.percent,
                     content_percent=s.content.percent) for s in report]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for s in report:
            click.echo(f"{s.tag:8} {s.percent:5.1f}%  interface {s.interface.translated}/{s.interface.total} "
                       f"({s.interface.fuzzy} outdated, {s.interface.missing} missing)  content "
                       f"{s.content.translated}/{s.content.total} ({s.content.fuzzy} outdated, "
                       f"{s.content.missing} missing)")
            for place in s.content.fuzzy_places + s.interface.fuzzy_places:
                click.echo(f"    outdated: {place}")
            for place in s.content.missing_places + s.interface.missing_places:
                click.echo(f"    missing:  {place}")
    below = [s.tag for s in report if fail_under is not None and s.percent < fail_under]
    if below:
        click.echo(f"under {fail_under:g}%: {', '.join(below)}", err=True)
        sys.exit(1)


from firstdoor.staff_cli import register  # noqa: E402  (serve, new, check: the staff's workflow)

register(cli)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the `firstdoor` console script and `python build.py`)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="firstdoor")
