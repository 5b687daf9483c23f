"""How often Python's cycle collector runs during a build.

A build makes millions of small objects that live until it ends (the site, the manifest
of every output, the listings of the output folders) and few reference cycles. With the
default thresholds the collector walks the long-lived ones again and again; mypy, another
program that builds large object graphs once, raises them the same way.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

BUILD_THRESHOLDS = (100_000, 50, 100)
"""A young collection every 100,000 new objects instead of 700, older ones more rarely."""

STARTED_WITH = gc.get_threshold()
"""The thresholds the interpreter started with, which worker processes keep."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while plain data is read or written.

    Reading a state-wide manifest makes millions of tuples, lists and strings, none of them
    in a cycle; as they pile up the collector walks them again and again, which took more
    than half of the time of reading one.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def collector_relaxed() -> Iterator[None]:
    """Run the cycle collector less often for the length of a build, in this process.

    The parent process holds the site and every output's record; worker processes render
    (Jinja makes short-lived cycles), so they are started with `collector_as_started`:
    relaxed there, a cold build took as long and 15-20% more memory.
    """
    with _thresholds(BUILD_THRESHOLDS):
        yield


@contextlib.contextmanager
def collector_as_started() -> Iterator[None]:
    """The interpreter's own thresholds for a while (worker processes forked meanwhile keep them)."""
    with _thresholds(STARTED_WITH):
        yield


@contextlib.contextmanager
def _thresholds(thresholds: tuple[int, int, int]) -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*before)
