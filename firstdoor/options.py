"""What a build is asked to do: `firstdoor build`'s options, and `--shard K/N`.

Kept apart from the engine, like `report.py`, so that the quickest rebuild (nothing
touched, `unchanged.py`) does not import it.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from firstdoor.errors import Problem, UsageError


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
    """Worker processes for the pages and the flyers (all cores when None)."""
    paper: str | None = None
    """letter or a4, replacing the district's `print.paper_size`."""
    pair: tuple[str, str] | None = None
    """Two languages for bilingual flyers, replacing the district's `print.pair`."""
    zip_sheets: bool = False
    """Print the neighborhood sheets even when the district's `print.zip_sheets` is off."""
    clean: bool = False
    """Render everything, ignoring what the previous output could reuse."""
    shard: Shard | None = None
    """Build only this shard's share of the per-school work (`--shard K/N`)."""
    merge_from: tuple[Path, ...] = ()
    """Shard folders to assemble into the site (`firstdoor merge`)."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, key: str) -> bool:
        """True when this shard renders the work of `key` (a stable hash, the same on every machine)."""
        return zlib.crc32(key.encode("utf-8")) % self.count == self.index - 1


def parse_shard(text: str) -> Shard:
    """`2/8` -> shard 2 of 8; anything else is a usage error."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise UsageError([Problem(file="--shard", message=f"'{text}' is not a shard such as 1/4",
                                  hint="write K/N with 1 <= K <= N, e.g. --shard 3/8")])
    return Shard(int(match.group(1)), int(match.group(2)))


def today_in(timezone: Any, today: dt.date | None) -> dt.date:
    """The build's notion of "today" in the district's timezone (fixed by `--today` for reproducible builds)."""
    return today or dt.datetime.now(timezone).date()
