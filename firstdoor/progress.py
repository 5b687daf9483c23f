"""How a long build stage reports progress, without the engine knowing about terminals.

The pipeline calls `progress.stage("pages", total)` around a loop and the returned
function once per item; the command line decides whether that draws a bar (a
terminal), prints plain lines (a log, CI) or nothing (`-q`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import Callable, Iterator, Protocol


class Progress(Protocol):
    """Receives the progress of long build stages (pages, images, flyers)."""

    def stage(self, label: str, total: int) -> AbstractContextManager[Callable[[], None]]:
        """Start a stage of `total` items; the context yields a function to call per item done."""
        ...


class NoProgress:
    """Reports nothing (the default for callers of the engine, and `-q`)."""

    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Callable[[], None]]:
        """A stage that ignores its items."""
        yield lambda: None
