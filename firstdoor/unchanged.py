"""The quickest rebuild: nothing changed, so nothing is done.

A communications officer runs the build again and again while previewing. When no
input changed at all (one digest over everything, `whole_digest`) and the published
site is exactly as the last build left it, the build stops before planning a single
page. "Exactly as left": every file has the size and modification time recorded right
after it was published, and every folder the modification time it had then, which
changes whenever a file or folder is added to it or removed from it. Anything else
goes through the normal incremental build (`runner.py`).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from firstdoor.fingerprint import digest
from firstdoor.i18n import Misses
from firstdoor.incremental import Inputs, UnitRecord, safe_dumps, safe_loads

SUMMARY = "summary.pickle"


@dataclass(frozen=True)
class Summary:
    """What the published site was built from and what it holds, recorded right after publishing."""

    whole: str
    files: list[tuple[str, int, int]]
    """(path, size, modification time in ns) of every file, the marker included."""
    folders: list[tuple[str, int]]
    """(path, modification time in ns) of every folder, the output folder itself as ""."""
    misses: dict[str, tuple[list[str], list[tuple[str, str]]]]
    """Language -> what its pages showed untranslated (interface, content)."""
    extra: dict[str, Any]
    """More of the build's report (advice, warnings...), shown again as it was."""


def whole_digest(inputs: Inputs) -> str:
    """One digest of every input: the build-wide ones, every school, template, translation and image."""
    catalogs = [f"{tag}={c.interface},{c.content},{c.owner('district')}" for tag, c in sorted(inputs.catalogs.items())]
    images = [f"{school}={value}" for school, value in sorted(inputs.images.items())]
    return digest(inputs.build, inputs.all_schools, inputs.every_template, *catalogs, *images)


def write_summary(state: Path, out: Path, records: dict[str, UnitRecord], inputs: Inputs,
                  misses: dict[str, Misses], marker: str, extra: dict[str, Any]) -> None:
    """Record the published site; call right after it was swapped in."""
    root = os.fspath(out.resolve())
    marker_stat = os.stat(os.path.join(root, marker))
    files = sorted([(path, size, mtime) for record in records.values() for path, size, mtime, _ in record.files]
                   + [(marker, marker_stat.st_size, marker_stat.st_mtime_ns)])  # as recorded: renames keep them
    folders = sorted({parent for path, _, _ in files for parent in _parents(path.rpartition("/")[0])})
    dirs = [(folder, os.stat(os.path.join(root, folder)).st_mtime_ns) for folder in folders]
    summary = Summary(whole_digest(inputs), files, dirs,
                      {tag: (sorted(m.interface), sorted(m.content)) for tag, m in misses.items()}, extra)
    (state / SUMMARY).write_bytes(safe_dumps(summary))


def _parents(folder: str) -> list[str]:
    """`a/b/c` -> `a/b/c`, `a/b`, `a` and the root ``."""
    parts = folder.split("/") if folder else []
    return [""] + ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def unchanged(state: Path, out: Path, inputs: Inputs) -> Summary | None:
    """The summary of the published site if nothing changed since it was built, else None."""
    try:
        summary = safe_loads((state / SUMMARY).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
    if not isinstance(summary, Summary) or summary.whole != whole_digest(inputs):
        return None
    root = os.fspath(out.resolve()) + os.sep
    try:
        for folder, mtime in summary.folders:
            if os.stat(root + folder).st_mtime_ns != mtime:
                return None
        for path, size, mtime in summary.files:
            stat = os.stat(root + path)
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return None
    except OSError:
        return None
    return summary


def misses_of(summary: Summary) -> dict[str, Misses]:
    """The untranslated text the summary recorded, per language."""
    return {tag: Misses(set(interface), set(content)) for tag, (interface, content) in summary.misses.items()}
