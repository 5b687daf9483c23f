"""The `firstdoor` command: a few lines per command that call the engine.

Every `FirstdoorError` becomes a clean message on standard error and an exit code
(0 built, 1 content errors, 2 usage); a user never sees a Python traceback for
anything they can write.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import click

from firstdoor import __version__
from firstdoor.errors import FirstdoorError
from firstdoor.pipeline import BuildOptions, BuildReport, build

F = TypeVar("F", bound=Callable[..., object])


def site_option(function: F) -> F:
    """`--site DIR`: the folder holding content/, templates/, translations/."""
    return click.option("--site", "site", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                        show_default=True, help="The site folder (holds content/, templates/, translations/).")(function)


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
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Treat this date (YYYY-MM-DD) as today, for reproducible builds.")
def build_command(site: Path, out: Path | None, languages: tuple[str, ...], force: bool,
                  today: dt.datetime | None) -> None:
    """Validate the content and build the whole site, in every language.

    \b
    Exit codes: 0 built, 1 content errors (all listed), 2 usage errors.
    The previous output stays untouched unless the whole build succeeds.

    \b
    Examples:
      firstdoor build
      python build.py --lang hmn
    """
    options = BuildOptions(out=out or site / "_site", languages=languages, force=force,
                           today=today.date() if today else None)
    report = run_or_exit(lambda: build(site, options))
    print_summary(report)


def run_or_exit(action: Callable[[], BuildReport]) -> BuildReport:
    """Run an engine action; print a `FirstdoorError` cleanly and exit with its code."""
    try:
        return action()
    except FirstdoorError as error:
        problems = error.problems
        errors = [p for p in problems if p.severity == "error"]
        for problem in problems:
            click.echo(str(problem), err=True)
        if errors:
            click.echo(f"\n{len(errors)} error{'s' if len(errors) != 1 else ''}: nothing was published; "
                       "the previous site is unchanged.", err=True)
        sys.exit(error.exit_code)


def print_summary(report: BuildReport) -> None:
    """The final lines of a build: what was written, warnings, untranslated text."""
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    tags = ", ".join(lang.tag for lang in report.languages)
    click.echo(f"built {report.pages} pages in {len(report.languages)} languages ({tags}) "
               f"into {report.out}; {len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}")
    untranslated = [f"{tag}: {len(m.content)} content, {len(m.interface)} interface"
                    for tag, m in report.misses.items() if m]
    if untranslated:
        click.echo("shown in the source language for want of a translation: " + "; ".join(untranslated)
                   + " (see `firstdoor i18n status`)")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the `firstdoor` console script and `python build.py`)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="firstdoor")
