"""What the command line prints: problems (in colour on a terminal), progress, summaries.

Colour and progress bars only on a terminal (and never with NO_COLOR set); plain
lines when the output goes to a file or a CI log; nothing but errors with `-q`.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import IO, Callable, Iterable, Iterator, TextIO, cast

import click

from firstdoor.errors import Problem
from firstdoor.progress import NoProgress, Progress

MIN_ITEMS_FOR_BAR = 20
"""Stages shorter than this finish too fast for a bar to help."""


def is_terminal(stream: IO[str]) -> bool:
    """True when `stream` is an interactive terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def use_colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, and not when the user set NO_COLOR (no-color.org)."""
    return is_terminal(stream) and not os.environ.get("NO_COLOR")


def format_problem(problem: Problem, colour: bool) -> str:
    """One problem as a line: `file:line:column: warning: field: message (hint)`."""
    text = str(problem)
    if not colour:
        return text
    location = problem.location()
    rest = text[len(location):]
    label = "warning:" if problem.severity == "warning" else ""
    if label:
        rest = rest.replace(label, click.style(label, fg="yellow", bold=True), 1)
    else:
        rest = ": " + click.style("error:", fg="red", bold=True) + rest[1:]
    return click.style(location, bold=True) + rest


def echo_problems(problems: Iterable[Problem]) -> None:
    """Print problems on standard error, coloured on a terminal."""
    colour = use_colour(sys.stderr)
    for problem in problems:
        click.echo(format_problem(problem, colour), err=True, color=colour)


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 warning`, `2 warnings`."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


class LineProgress:
    """Plain lines, one at the end of each long stage (for logs and CI)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Callable[[], None]]:
        """Print `rendered 412 pages in 1.2 s` when the stage ends."""
        start = time.perf_counter()
        yield lambda: None
        if total:
            click.echo(f"{label}: {total} in {time.perf_counter() - start:.1f} s", file=self.stream)


class BarProgress:
    """A progress bar on the terminal for stages long enough to need one."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Callable[[], None]]:
        """Draw a bar that advances once per item and disappears when done."""
        if total < MIN_ITEMS_FOR_BAR:
            yield lambda: None
            return
        with click.progressbar(length=total, label=f"{label:<8}", file=cast(TextIO, self.stream), width=30,
                               show_pos=True, show_eta=False) as bar:
            yield lambda: bar.update(1)


def progress_for(quiet: bool, stream: IO[str] | None = None) -> Progress:
    """The progress reporter for this run: nothing, plain lines, or a bar on a terminal."""
    stream = stream or sys.stderr
    if quiet:
        return NoProgress()
    return BarProgress(stream) if is_terminal(stream) else LineProgress(stream)
