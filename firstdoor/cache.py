"""The flyer cache: rendered PDFs kept in `.firstdoor-cache/` in the site folder, by a hash of their inputs.

A key is the sha256 of everything that goes into one PDF (its HTML with the content,
translations and template already applied, every fallback variant, the CSS, the font
inventory, firstdoor's and WeasyPrint's versions), so an unchanged flyer is never rendered
again and any change renders it anew. Each entry is a PDF plus a small JSON record holding
the PDF's own sha256: an entry truncated by a killed build or edited by hand does not match
and is rendered again, never published.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_DIR = ".firstdoor-cache"
FORMAT = 1
"""Bump when the entry layout changes; older entries are then ignored."""


def cache_key(*parts: str | bytes) -> str:
    """The sha256 of several inputs, each length-prefixed so that ("ab", "c") != ("a", "bc")."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedPdf:
    """A PDF found in the cache, with what was recorded when it was rendered."""

    data: bytes
    info: dict[str, Any]


class FlyerCache:
    """PDFs (or other files made from them, by `suffix`) by key in one folder; a missing folder is
    created on the first write."""

    def __init__(self, folder: Path, suffix: str = ".pdf") -> None:
        self.folder = folder
        self.suffix = suffix
        self.used: set[str] = set()

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}{self.suffix}", self.folder / f"{key}.json"

    def get(self, key: str) -> CachedPdf | None:
        """The entry for `key`, or None when absent or damaged (a damaged entry is removed)."""
        pdf_path, info_path = self._paths(key)
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
            data = pdf_path.read_bytes()
        except (OSError, ValueError):
            self._discard(key)
            return None
        if not isinstance(info, dict) or info.get("format") != FORMAT \
                or info.get("sha256") != hashlib.sha256(data).hexdigest():
            self._discard(key)
            return None
        self.used.add(key)
        return CachedPdf(data, info)

    def put(self, key: str, data: bytes, info: dict[str, Any]) -> None:
        """Store a PDF; the record is written last, so a half-written entry is never read as whole.

        The cache only saves time: when it cannot be written (deleted while the build runs, a
        read-only site folder, a full disk) the build goes on and renders again next time.
        """
        pdf_path, info_path = self._paths(key)
        record = {**info, "format": FORMAT, "sha256": hashlib.sha256(data).hexdigest()}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _atomic_write(pdf_path, data)
            _atomic_write(info_path, json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        except OSError:
            return
        self.used.add(key)

    def prune(self) -> int:
        """Remove entries this build did not use (after a full build); return how many."""
        removed = 0
        try:
            for path in sorted(self.folder.iterdir()):
                stale = path.suffix == ".tmp" or (path.suffix in (self.suffix, ".json") and path.stem not in self.used)
                if stale:
                    path.unlink(missing_ok=True)
                    removed += path.suffix == self.suffix
        except OSError:  # no cache folder (yet, or deleted): nothing to prune
            pass
        return removed

    def _discard(self, key: str) -> None:
        for path in self._paths(key):
            try:
                path.unlink(missing_ok=True)
            except OSError:  # not a folder, read-only: the entry is ignored all the same
                pass


def _atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
