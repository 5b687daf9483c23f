"""Command-line options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def site_option(function: F) -> F:
    """`--site DIR`: the folder holding content/, templates/, translations/."""
    return click.option("--site", "site", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                        show_default=True, help="The site folder (holds content/, templates/, translations/).")(function)


def today_option(function: F) -> F:
    """`--today YYYY-MM-DD`: the date treated as today."""
    return click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="Treat this date (YYYY-MM-DD) as today, for reproducible builds.")(function)


def quiet_option(function: F) -> F:
    """`-q/--quiet`: print only errors."""
    return click.option("-q", "--quiet", is_flag=True, help="Print only errors: no progress, no summary.")(function)
