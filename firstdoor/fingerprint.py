"""Digests of everything a build reads, so an incremental build can tell what changed.

Every digest is of content, never of a time stamp (except images, see `image_digest`):
the tool itself (firstdoor's code and the versions of the libraries that shape the
output), each template, the district file, each school file, and each language's
catalogs split by owner (`district`, `schools/<id>`), because a page only shows the
translations of the schools it uses.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # only named: `unchanged.py` imports this module without the engine
    from firstdoor.i18n import LanguageCatalogs

LIBRARIES = ("jinja2", "markupsafe", "markdown", "babel", "nh3", "pydantic", "pyyaml")
"""Libraries whose version can change what a page looks like."""


def digest(*parts: str | bytes) -> str:
    """A short, stable digest of some strings or bytes (BLAKE2b, 128 bits)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """The digest of a file's bytes; `-` when it does not exist."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return "-"


@functools.cache
def tool_fingerprint() -> str:
    """firstdoor's own code, the output-shaping libraries' versions and Python's version."""
    package = Path(__file__).resolve().parent
    parts: list[str | bytes] = [sys.version]
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    for name in LIBRARIES:
        try:
            parts += [name, metadata.version(name)]
        except metadata.PackageNotFoundError:
            parts += [name, "-"]
    return digest(*parts)


def tree_digest(folders: Iterable[Path]) -> str:
    """The names and contents of every file under some folders (templates), in a stable order."""
    parts: list[str | bytes] = []
    for folder in folders:
        parts.append(str(folder))
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def lookup_digests(folders: Iterable[Path]) -> dict[str, str]:
    """File name (`school.html`, `outreach/sms.txt`, `static/site.css`) -> digest of the file a lookup finds.

    Folders are in lookup order (a district's templates, then firstdoor's), so a district's
    own copy of a file shadows the default, as it does when templates are loaded.
    """
    found: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            found.setdefault(path.relative_to(folder).as_posix(), digest(path.read_bytes()))
    return found


def image_digest(paths: Iterable[Path]) -> str:
    """Images by name, size and modification time: hashing every photo of a state would cost
    seconds per build, and a changed photo always gets a new size or time."""
    parts: list[str] = []
    for path in paths:
        try:
            stat = path.stat()
            parts += [str(path), str(stat.st_size), str(stat.st_mtime_ns)]
        except OSError:
            parts += [str(path), "-"]
    return digest(*parts)


@dataclass(frozen=True)
class CatalogDigests:
    """One language's translations: the interface strings, and content by owner and by field."""

    interface: str
    owners: dict[str, str]
    """`district` or `schools/<id>` -> digest of that owner's content entries."""
    content: str
    """Every content entry."""
    fields: dict[str, str] = field(default_factory=dict)
    """`schools/<id>: <field>` -> digest of the entries of that field of that school."""
    every_field: dict[str, str] = field(default_factory=dict)
    """A school field (`name`) -> digest of that field's entries of every school."""

    def owner(self, name: str) -> str:
        """The digest of one owner's entries (`-` when it has none)."""
        return self.owners.get(name, "-")

    def of_field(self, owner: str, name: str) -> str:
        """The digest of the entries of one field of one owner (`schools/lincoln`, `name`)."""
        return self.fields.get(f"{owner}: {name}", "-")

    def of_every_school(self, name: str) -> str:
        """The digest of one field's entries of every school."""
        return self.every_field.get(name, "-")


def owner_of(context: str | None) -> str:
    """The owner of a content entry: `schools/lincoln: description` -> `schools/lincoln`."""
    return (context or "").split(":", 1)[0]


def field_of(context: str | None) -> str:
    """The owner and top-level field of a content entry: `schools/lincoln: events.title` -> `schools/lincoln: events`."""
    owner, _, path = (context or "").partition(": ")
    return f"{owner}: {path.split('.', 1)[0]}"


def catalog_digests(catalogs: LanguageCatalogs) -> CatalogDigests:
    """Digest a language's merged catalogs (what the build shows, fuzzy entries left out)."""
    interface = digest(*(repr(item) for item in sorted(catalogs.interface.items(), key=_entry_key)))
    grouped: dict[str, list[str]] = {}
    by_field: dict[str, list[str]] = {}
    for item in sorted(catalogs.content.items(), key=_entry_key):
        grouped.setdefault(owner_of(item[0][0]), []).append(repr(item))
        by_field.setdefault(field_of(item[0][0]), []).append(repr(item))
    owners = {owner: digest(*entries) for owner, entries in grouped.items()}
    fields = {name: digest(*entries) for name, entries in by_field.items()}
    every: dict[str, list[str]] = {}
    for name, value in sorted(fields.items()):
        owner, _, school_field = name.partition(": ")
        if owner.startswith("schools/"):
            every.setdefault(school_field, []).append(f"{owner}={value}")
    return CatalogDigests(interface, owners, digest(*(f"{k}={v}" for k, v in sorted(owners.items()))), fields,
                          {name: digest(*parts) for name, parts in every.items()})


def _entry_key(item: tuple[tuple[str | None, str], object]) -> tuple[str, str]:
    return (item[0][0] or "", item[0][1])
