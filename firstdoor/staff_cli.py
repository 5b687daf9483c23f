"""The district staff's commands: `serve`, `new school`, `new site`, `check`.

Each callback only reads its options and calls the engine (`serve.py`, `scaffold.py`,
`check.py`); errors print cleanly with the exit codes of `firstdoor build`. The engine is
imported inside each callback: `firstdoor build` registers these commands too, and its
no-change rebuild must not pay for importing it (`cli.build_quickly`).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Callable, TypeVar

import click

from firstdoor.cli_options import quiet_option, site_option, today_option
from firstdoor.console import echo_problems
from firstdoor.errors import FirstdoorError
from firstdoor.options import BuildOptions

T = TypeVar("T")


def _or_exit(action: Callable[[], T]) -> T:
    try:
        return action()
    except FirstdoorError as error:
        echo_problems(error.problems)
        sys.exit(error.exit_code)


@click.command("check")
@site_option
@today_option
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (for CI).")
@click.option("--max-grade", type=float, default=8.0, show_default=True, metavar="GRADE",
              help="Warn about English prose that reads above this school grade.")
@click.option("--min-translated", type=click.FloatRange(0, 100), default=80.0, show_default=True,
              metavar="PERCENT", help="Warn about languages with less of the content translated.")
def check_command(site: Path, today: dt.datetime | None, output: str, strict: bool, max_grade: float,
                  min_translated: float) -> None:
    """Validate the content and give advice a family-facing site needs.

    \b
    Besides every validation error, check warns about prose above the reading grade,
    dates or times written inside prose, deadlines and events that have passed, alt text
    that is a file name or says "image of", schools without bus details or an open
    house, languages mostly untranslated, links to pages that do not exist, and
    addresses that are not https:, mailto: or tel:.

    \b
    Exit codes: 0 no errors, 1 errors (with --strict: errors or warnings).

    \b
    Examples:
      firstdoor check
      firstdoor check --strict --format json > check.json
    """
    from firstdoor.check import as_json, check_site, summary_line

    report = check_site(site, today.date() if today else None, max_grade, min_translated)
    if output == "json":
        click.echo(as_json(report))
    else:
        echo_problems(f.problem for f in report.findings)
        click.echo(summary_line(report), err=True)
    sys.exit(report.exit_code(strict))


@click.group("new")
def new_group() -> None:
    """Start a new school file or a whole new site.

    \b
    Examples:
      firstdoor new school "Lincoln STEM Academy"
      firstdoor new site riverside-choice
    """


@new_group.command("school")
@site_option
@click.argument("name")
@click.option("--id", "school_id", default=None, metavar="ID",
              help="The school's id and web address (default: made from the name).")
def new_school_command(site: Path, name: str, school_id: str | None) -> None:
    """Write content/schools/<id>.yaml with every key, ready to fill in.

    \b
    Required values are <<FILL IN: ...>> placeholders: the site does not build until
    each is replaced. Optional keys are commented out with an example and one line of
    help. An existing file is never overwritten.

    \b
    Examples:
      firstdoor new school "Lincoln STEM Academy"
      firstdoor new school "Escuela Bilingüe Puente" --id puente
    """
    from firstdoor.scaffold import new_school

    target = _or_exit(lambda: new_school(site, name, dt.date.today(), school_id))
    click.echo(f"wrote {target}: replace every <<FILL IN: ...>>, then run `firstdoor check`")


@new_group.command("site")
@click.argument("folder", type=click.Path(path_type=Path))
def new_site_command(folder: Path) -> None:
    """Create a new site folder that builds straight away.

    \b
    It holds content/district.yaml, one example school and an empty translations/
    folder; templates come from firstdoor until you add your own in templates/.

    \b
    Examples:
      firstdoor new site riverside-choice
      cd riverside-choice && firstdoor serve
    """
    from firstdoor.scaffold import new_site

    written = _or_exit(lambda: new_site(folder, dt.date.today()))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {folder} && firstdoor serve")


@click.command("serve")
@site_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where to build the site. [default: _site inside the site folder]")
@click.option("--lang", "languages", multiple=True, metavar="TAG", help="Build only this language (repeat).")
@click.option("--force", is_flag=True, help="Use an --out folder that holds other files (moved aside).")
@today_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this computer can connect unless you change it.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@quiet_option
@click.option("--pdf", is_flag=True, help="Also rebuild the flyers after each change (slower; they are cached).")
def serve_command(site: Path, out: Path | None, languages: tuple[str, ...], force: bool,
                  today: dt.datetime | None, host: str, port: int, quiet: bool, pdf: bool) -> None:
    """Build, serve the site on this computer, and rebuild when a file changes.

    \b
    Watches content/, templates/ and translations/; after each change the site is
    rebuilt and the open browser tab reloads. A content error does not stop the
    server: it is printed here and shown in the browser until it is fixed.
    Stop with Ctrl+C.

    \b
    Examples:
      firstdoor serve
      firstdoor serve --lang es --port 8080
    """
    from firstdoor.serve import serve

    options = BuildOptions(out=out or site / "_site", languages=languages, force=force,
                           today=today.date() if today else None, pdf=pdf)
    _or_exit(lambda: serve(site, options, host, port, quiet))


def register(group: click.Group) -> None:
    """Add the staff's commands to the `firstdoor` command group."""
    for command in (serve_command, new_group, check_command):
        group.add_command(command)
