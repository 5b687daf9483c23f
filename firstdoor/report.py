"""What a build tells its user: the report, content advice and untranslated text.

Kept apart from the engine, like `options.py`, so that the quickest rebuild (nothing
touched, `unchanged.py`) can report what the last build found without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from firstdoor.errors import Problem

if TYPE_CHECKING:
    from firstdoor.languages import Language


@dataclass(frozen=True)
class Finding:
    """One piece of advice: which rule, and the located problem."""

    rule: str
    problem: Problem


@dataclass
class Misses:
    """What a page (or a whole build) showed in the source language for want of a translation."""

    interface: set[str] = field(default_factory=set)
    content: set[tuple[str, str]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.interface or self.content)

    def update(self, other: "Misses") -> None:
        """Add another page's misses to this one."""
        self.interface |= other.interface
        self.content |= other.content


@dataclass
class BuildReport:
    """What a build produced, for the CLI's summary."""

    out: Path
    pages: int = 0
    files: int = 0
    languages: tuple[Language, ...] = ()
    warnings: tuple[Problem, ...] = ()
    misses: dict[str, Misses] = field(default_factory=dict)
    left_out: tuple[str, ...] = ()
    """Languages not built because their catalogs are broken (`--keep-going`)."""
    advice: tuple[Finding, ...] = ()
    """Content advice (`firstdoor check`), counted in the build's summary."""
    flyers: int = 0
    flyers_rendered: int = 0
    """Flyers rendered by this build; the others came from the cache."""
    rendered: int = 0
    """Units (pages, kits...) rendered by this build; the others were reused unchanged."""
    reused: int = 0
    validated: int = 0
    """School files validated by this build; the others' results came from the build state."""
