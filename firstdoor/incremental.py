"""Incremental builds: a manifest of what every output was built from, and reuse of unchanged ones.

Beside the output folder (`_site` -> `._site.firstdoor-build/`, so the published site
stays byte-identical from build to build) firstdoor keeps a manifest: for every unit (a
page, a kit, a language's outreach page, the site-wide files) the digest of its inputs,
the schools, views and templates it used (`tracking.py`), its files (with size and modification
time) and what it showed untranslated. A shard keeps it inside its folder, which travels
to the merge. The next build recomputes each unit's digest from the
current inputs and the schools it used last time: if nothing it used changed and its
files are intact, the files are hard-linked from the previous output into the staging
folder instead of being rendered again. The staging folder and atomic swap stay, so a
killed build still never damages the previous site, and the result is byte for byte
what a clean build writes (the tests check several kinds of edits).

Why recording is enough: a page is a deterministic function of the build-wide inputs,
its language's translations and the schools it reads. If none of those changed, the
renderer takes the same path, reads the same schools and templates and writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from firstdoor.collector import collector_paused
from firstdoor.fingerprint import CatalogDigests, digest, file_digest, image_digest, lookup_digests, tool_fingerprint
from firstdoor.languages import Language
from firstdoor.model import Site
from firstdoor.publish import MARKER as MARKER_FILE
from firstdoor.publish import Staging
from firstdoor.report import Misses
from firstdoor.state import safe_dumps, safe_loads
from firstdoor.tracking import MEMBER, Uses, context_view, index_query, view_digest
from firstdoor.validate import ValidatedSite
from firstdoor.views import SiteViews, neighborhoods

MANIFEST = "manifest.pickle"
KITS = "kits.pickle"
FORMAT = 9
"""Bumped when the manifest's meaning changes; an older manifest is ignored (a full build)."""


class UnitRecord:
    """What the manifest knows about one unit of a previous build.

    - `digest`: of the inputs it was made from;
    - `files`: (path, size, modification time in ns, content digest) of every file the unit
      wrote. The content digest is recorded by shards only: their folders travel between
      machines as artifacts, which do not keep modification times, so the merge checks contents;
    - `uses`, `misses`: what it used and what it showed untranslated;
    - `folder`: where its files are (the previous output, or a shard's folder);
    - `checked`: what `intact` found, the files' device and each one's inode, so that linking
      needs no second look (not their `stat` results: 100,000 of those take about 90 MB).

    A record read from a manifest keeps the manifest's plain data and makes its `uses` and
    `misses` only when asked: most units of a build are reused as they are, and turning
    33,000 records into objects took about a second.
    """

    __slots__ = ("digest", "files", "folder", "checked", "_uses", "_misses", "_data")

    def __init__(self, digest: str, files: list[tuple[str, int, int, str]], uses: Uses | None,
                 misses: Misses | None, folder: Path, data: tuple[Any, ...] | None = None) -> None:
        self.digest = digest
        self.files = files
        self.folder = folder
        self.checked: tuple[int, list[int]] | None = None
        self._uses, self._misses, self._data = uses, misses, data

    @property
    def uses(self) -> Uses:
        """The schools, fields, views and templates the unit used."""
        if self._uses is None:
            assert self._data is not None
            _, _, schools, everything, views, templates, _, _, fields, all_fields, _ = self._data
            self._uses = Uses(set(schools), everything, set(map(tuple, fields)), set(all_fields), set(views),
                              None if templates is None else set(templates))
        return self._uses

    @property
    def misses(self) -> Misses:
        """What the unit showed in the source language for want of a translation."""
        if self._misses is None:
            assert self._data is not None
            self._misses = Misses(set(self._data[6]), set(map(tuple, self._data[7])))
        return self._misses

    def intact(self) -> bool:
        """True when every file is still there, unchanged since it was written."""
        folder = os.fspath(self.folder) + os.sep  # strings, not Paths: this runs for every file of the site
        inodes = []
        devices = set()
        for path, size, mtime, content in self.files:
            try:
                stat = os.stat(folder + path)
            except OSError:
                return False
            if stat.st_size != size:
                return False
            if content and file_digest(self.folder / path) != content:
                return False
            if not content and stat.st_mtime_ns != mtime:
                return False
            inodes.append(stat.st_ino)
            devices.add(stat.st_dev)
        self.checked = (devices.pop(), inodes) if len(devices) == 1 else None
        return True

    def moved(self, files: list[tuple[str, int, int, str]], folder: Path) -> "UnitRecord":
        """The same record for the unit's files as they are now in `folder`."""
        data = None if self._data is None else (self.digest, files, *self._data[2:])
        return UnitRecord(self.digest, files, self._uses, self._misses, folder, data)

    def to_data(self) -> tuple[Any, ...]:
        """The record as the manifest stores it: plain tuples and lists, sorted.

        (digest, files, schools, all schools, views, templates, interface misses, content
        misses, fields, all fields, the schools of `fields`)
        """
        if self._data is not None:
            return self._data
        uses, misses = self.uses, self.misses
        templates = None if uses.templates is None else sorted(uses.templates)
        self._data = (self.digest, self.files, sorted(uses.schools), uses.all_schools, sorted(uses.views), templates,
                      sorted(misses.interface), sorted(misses.content), sorted(uses.fields), sorted(uses.all_fields),
                      sorted({school_id for school_id, _ in uses.fields}))
        return self._data

    @classmethod
    def from_data(cls, data: tuple[Any, ...], folder: Path) -> "UnitRecord":
        """Read a record written by `to_data`."""
        return cls(data[0], data[1], None, None, folder, data)


@dataclass(frozen=True)
class Sources:
    """What a build computed its unit digests from, kept in its manifest so the next build can tell what changed."""

    build: str
    """The digest of the build-wide inputs (`Inputs.build`)."""
    schools: dict[str, str]
    """School id -> digest of its file."""
    catalogs: dict[str, tuple[str, dict[str, str]]]
    """Language tag -> its interface strings' digest, and each owner's translated entries' digest."""
    templates: dict[str, str]
    day: str
    """The date it was built for (ISO), from which the dated views were computed."""

    @classmethod
    def of(cls, inputs: Inputs) -> "Sources":
        """The sources of this build's digests."""
        return cls(inputs.build, dict(inputs.schools),
                   {tag: (c.interface, dict(c.owners)) for tag, c in inputs.catalogs.items()}, dict(inputs.templates),
                   inputs.day)

    def to_data(self) -> tuple[Any, ...]:
        """As the manifest stores it (plain values)."""
        return (self.build, self.schools, self.catalogs, self.templates, self.day)

    @classmethod
    def from_data(cls, data: tuple[Any, ...]) -> "Sources":
        """Read what `to_data` wrote."""
        build, schools, catalogs, templates, day = data
        return cls(build, schools, catalogs, templates, day)


@dataclass(frozen=True)
class Changes:
    """Which sources of unit digests changed since a manifest's build (see `changes_since`).

    A unit whose recorded uses meet none of them has the digest it had, so the build need
    not compute it: in a one-school edit, about 30,000 of 33,000 units at 1000 schools in 10
    languages. Units that used views (neighborhood lists, indexes of flyers, kits) or every
    school are always computed: what their views hold is not recorded per school.
    """

    touched: dict[str | None, frozenset[str]]
    """Language tag (None: any language) -> schools whose file changed, or their translations in that language."""
    languages: frozenset[str]
    """Languages whose interface strings or other translations (the district's) changed."""
    templates: frozenset[str]

    def may_touch(self, language: str | None, record: UnitRecord) -> bool:
        """Whether a unit in `language` (None: every language) may need a digest other than its record's."""
        if (language in self.languages) if language is not None else bool(self.languages):
            return True
        _, _, _, everything, views, templates, _, _, _, all_fields, _ = record.to_data()
        if everything or views:
            return True
        if templates is None:
            if self.templates:
                return True
        elif not self.templates.isdisjoint(templates):
            return True
        touched = self.touched.get(language, self.touched[None])
        return bool(touched) and (bool(all_fields) or self.names_a_changed_school(record, touched))

    def names_a_changed_school(self, record: UnitRecord, touched: frozenset[str] | None = None) -> bool:
        """Whether a unit used one of the `touched` schools (default: changed in any language) by name:
        its page, its calendar, a neighborhood's list."""
        _, _, schools, _, _, _, _, _, _, _, field_schools = record.to_data()
        touched = self.touched[None] if touched is None else touched
        return not touched.isdisjoint(schools) or not touched.isdisjoint(field_schools)


def changes_since(before: Sources | None, inputs: Inputs) -> Changes | None:
    """What changed between a manifest's sources and this build's inputs; None: too much to say (compute all)."""
    now = Sources.of(inputs)
    if before is None or before.build != now.build or set(before.catalogs) != set(now.catalogs):
        return None
    schools = _changed_keys(before.schools, now.schools)
    touched: dict[str | None, frozenset[str]] = {}
    languages = set()
    for tag, (interface, owners) in now.catalogs.items():
        old_interface, old_owners = before.catalogs[tag]
        owners_changed = _changed_keys(old_owners, owners)
        if interface != old_interface or any(not owner.startswith("schools/") for owner in owners_changed):
            languages.add(tag)
        touched[tag] = frozenset(schools | {owner.removeprefix("schools/") for owner in owners_changed
                                            if owner.startswith("schools/")})
    touched[None] = frozenset(schools.union(*touched.values()))
    return Changes(touched, frozenset(languages), frozenset(_changed_keys(before.templates, now.templates)))


def _changed_keys(before: dict[str, str], now: dict[str, str]) -> set[str]:
    """Keys added, removed or with another value."""
    return {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}


@dataclass
class Manifest:
    """A previous build's (or a shard's) record of its units."""

    sources: Sources
    """What its digests were computed from."""
    units: dict[str, UnitRecord]
    load_kits: Callable[[], dict[str, Any]]
    """Unit id -> the kit's items, for the outreach page and zip (read only when a build needs them)."""
    shard: str | None = None
    """`K/N` for a shard's folder."""
    changes: Changes | None = None
    """What changed since, for the build reading it (None: not known, every digest is computed)."""

    @functools.cached_property
    def kits(self) -> dict[str, Any]:
        """The kits' items, read on first use."""
        return self.load_kits()


def holds_only(folder: Path, expected: set[str]) -> bool:
    """True when `folder` holds exactly the files `expected` (relative paths) besides its marker."""
    found = 0
    stack = [(folder, "")]
    while stack:
        path, prefix = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), relative + "/"))
                elif relative != MARKER_FILE:
                    if relative not in expected:
                        return False
                    found += 1
    return found == len(expected)


def read_manifest(state: Path, files: Path, inputs: Inputs | None = None) -> Manifest | None:
    """The manifest in `state` describing the files in `files`; None when there is none or it is unusable.

    With this build's `inputs`, the manifest also says what changed since (`Manifest.changes`).
    A manifest older than the output (a build killed between publishing and saving its
    state) is harmless: every reused file is checked for its size and modification time.
    """
    try:
        data = safe_loads((state / MANIFEST).read_bytes())
        if data.get("format") != FORMAT:
            return None
        with collector_paused():
            units = {uid: UnitRecord.from_data(record, files) for uid, record in data["units"].items()}
        sources = Sources.from_data(data["sources"])
        return Manifest(sources, units, lambda: _read_kits(state / KITS), data.get("shard"),
                        changes_since(sources, inputs) if inputs is not None else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, pickle.UnpicklingError, EOFError):
        return None  # unreadable or from another version: build everything


def _read_kits(path: Path) -> dict[str, Any]:
    try:
        kits = safe_loads(path.read_bytes())
    except (OSError, ValueError, TypeError, AttributeError, pickle.UnpicklingError, EOFError):
        return {}  # the kits are then rendered again (see `runner._run_pass`)
    return kits if isinstance(kits, dict) else {}


def write_state(state: Path, manifest: Manifest, extra: dict[str, bytes | Path]) -> None:
    """Write a manifest, its kits and extra files (caches: their bytes, or a file to keep) into a new state folder."""
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    data = {"format": FORMAT, "shard": manifest.shard, "sources": manifest.sources.to_data(),
            "units": {uid: manifest.units[uid].to_data() for uid in sorted(manifest.units)}}
    (state / MANIFEST).write_bytes(safe_dumps(data))
    (state / KITS).write_bytes(safe_dumps(dict(sorted(manifest.kits.items()))))
    for name, blob in sorted(extra.items()):
        (state / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(blob, Path):
            try:
                os.link(blob, state / name)
            except OSError:
                shutil.copyfile(blob, state / name)
        else:
            (state / name).write_bytes(blob)


def replace_state(new: Path, state: Path) -> None:
    """Put a new state folder in place of the old one."""
    shutil.rmtree(state, ignore_errors=True)
    os.rename(new, state)


@dataclass
class Inputs:
    """Digests of this build's inputs, from which every unit's digest is computed."""

    build: str
    """Build-wide: the tool, stylesheets and scripts, district file, options, languages built."""
    schools: dict[str, str]
    """School id -> digest of its file."""
    catalogs: dict[str, CatalogDigests]
    views: Callable[[str], str]
    """`zip:55104` -> digest of which schools that neighborhood lists."""
    fields: "SchoolFieldDigests"
    """Digests of each field of each school."""
    context_views: Callable[[str], str]
    """`ctx:schools` -> digest of that list derived from every school (`tracking.context_view`)."""
    images: dict[str, str] = field(default_factory=dict)
    """School id -> digest of its images (names, sizes, times)."""
    indexes: dict[str, Any] = field(default_factory=dict)
    """Indexes of the files pages link to (`flyers`, `cards`), made before the pages."""
    groups: dict[str, str] = field(default_factory=dict)
    """Digests of groups of files some outputs hold (`cards:es`: the cards a kit's zip includes)."""
    templates: dict[str, str] = field(default_factory=dict)
    """Template name -> digest of the file used for it (`fingerprint.lookup_digests`)."""
    day: str = ""
    """The date the build treats as today (ISO); in a unit's digest only through the views derived from it."""

    def view(self, name: str) -> str:
        """The digest of a view a unit used: a neighborhood (`zip:55104`), a question to an index, a group."""
        if name.startswith("ctx:"):
            return self.context_views(name)
        if name.startswith("index:"):
            return digest(repr(index_query(self.indexes, name)))
        if name in self.groups:
            return self.groups[name]
        return self.views(name)

    @functools.cached_property
    def all_schools(self) -> str:
        """Every school, by id and content."""
        return digest(*(f"{sid}={value}" for sid, value in sorted(self.schools.items())))

    @functools.cached_property
    def every_template(self) -> str:
        """Every template, by name and content."""
        return digest(*(f"{name}={value}" for name, value in sorted(self.templates.items())))

    def templates_digest(self, names: set[str] | None) -> list[str]:
        """What a unit's digest holds of the templates it used (None: any template)."""
        if names is None:
            return ["templates", self.every_template]
        return [part for name in sorted(names) for part in (name, self.templates.get(name, "-"))]

    def unit_digest(self, language: str | None, uses: Uses) -> str:
        """The digest of a unit in `language` (None: every language) that used `uses`."""
        tags = [language] if language else sorted(self.catalogs)
        parts: list[str] = [self.build, language or "*"]
        for tag in tags:
            catalog = self.catalogs[tag]
            parts += [tag, catalog.interface, catalog.owner("district")]
            if uses.all_schools:
                parts.append(catalog.content)
        if uses.all_schools:
            parts.append(self.all_schools)
        else:
            for school_id in sorted(uses.schools):
                parts += [school_id, self.schools.get(school_id, "-")]
                parts += [self.catalogs[tag].owner(f"schools/{school_id}") for tag in tags]
            parts += self._fields_digest(uses, tags)
        for view in sorted(uses.views):
            parts += [view, self.view(view)]
        return digest(*parts, *self.templates_digest(uses.templates))

    def _fields_digest(self, uses: Uses, tags: list[str]) -> list[str]:
        """What a unit's digest holds of the school fields it read (`Uses.fields`, `Uses.all_fields`)."""
        parts: list[str] = []
        for school_id, name in sorted(uses.fields):
            if school_id in uses.schools:
                continue  # already there whole
            parts += [school_id, name, self.fields.of(school_id, name)]
            if name != MEMBER:
                parts += [self.catalogs[tag].of_field(f"schools/{school_id}", name) for tag in tags]
        for name in sorted(uses.all_fields):
            parts += ["*", name, self.fields.of_every_school(name)]
            parts += [self.catalogs[tag].of_every_school(name) for tag in tags]
        return parts


class SchoolFieldDigests:
    """The digest of each field of each school, computed on first use from the validated model.

    A field's digest is made from its value's `repr` (content models and prose have one
    made of their content); a value without one counts as its whole file, so it can only
    make a page re-render too often, never too rarely.
    """

    def __init__(self, site: Site, files: dict[str, str]) -> None:
        self._site, self._files = site, files
        self._of: dict[tuple[str, str], str] = {}
        self._every: dict[str, str] = {}

    def of(self, school_id: str, name: str) -> str:
        """One field of one school (`MEMBER`: whether the school exists); `-` for a school that does not."""
        key = (school_id, name)
        if key not in self._of:
            school = self._site.schools.get(school_id)
            if school is None:
                self._of[key] = "-"
            elif name == MEMBER:
                self._of[key] = "+"
            else:
                text = repr(getattr(school, name))
                self._of[key] = self._files.get(school_id, "?") if " at 0x" in text else digest(name, text)
        return self._of[key]

    def of_every_school(self, name: str) -> str:
        """One field of every school (which schools there are included)."""
        if name not in self._every:
            self._every[name] = digest(*(f"{sid}={self.of(sid, name)}" for sid in sorted(self._site.schools)))
        return self._every[name]


def reusable(previous: list[Manifest], unit_id: str, expected: Callable[[Uses], str],
             language: str | None = None) -> UnitRecord | None:
    """A previous record of a unit, if nothing it used changed and its files are intact.

    `expected(uses)` is the unit's digest now, for the schools and views a render recorded.
    `language`: given for a worker unit (whose digest is `Inputs.unit_digest` of its recorded
    uses), its digest is computed only when one of them changed (`Changes`).
    """
    for manifest in previous:
        record = current(manifest, unit_id, expected, language)
        if record is not None and record.intact():
            return record
    return None


def current(manifest: Manifest, unit_id: str, expected: Callable[[Uses], str],
            language: str | None = None) -> UnitRecord | None:
    """The manifest's record of a unit if it was made from the inputs it would be made from now (see `reusable`)."""
    record = manifest.units.get(unit_id)
    if record is None:
        return None
    if language is not None and manifest.changes is not None and not manifest.changes.may_touch(language, record):
        return record
    return record if record.digest == expected(record.uses) else None


def reuse(stage: Staging, record: UnitRecord) -> UnitRecord:
    """Put a unit's previous files into the staging folder (hard links where possible)."""
    folder = os.fspath(record.folder) + os.sep
    device, inodes = record.checked or (0, [0] * len(record.files))
    stage.link_unchanged([path for path, *_ in record.files], folder, device, inodes)
    record.checked = None
    files = record.files
    if any(content for *_, content in files):  # from a shard: its times changed on the way, record the real ones
        files = [(path, size, os.stat(folder + path).st_mtime_ns, "") for path, size, _, _ in files]
    return record.moved(files, stage.path)


def written(stage: Staging, files: list[tuple[str, bytes]], unit_digest: str, uses: Uses,
            misses: Misses, with_content: bool = False) -> UnitRecord:
    """Write a freshly rendered unit's files and record them (`with_content`: their digests too)."""
    records = []
    folder = os.fspath(stage.path) + os.sep
    for path, data in files:
        stage.write(path, data)
        stat = os.stat(folder + path)
        records.append((path, stat.st_size, stat.st_mtime_ns, digest(data) if with_content else ""))
    return UnitRecord(unit_digest, records, uses, misses, stage.path)


def gather_inputs(validated: ValidatedSite, languages: tuple[Language, ...], catalogs: dict[str, CatalogDigests],
                  today: dt.date, template_dirs: list[Path], options: tuple[str, ...] = ()) -> Inputs:
    """Digest everything this build reads; `options` are the build options that shape the output."""
    site = validated.site
    images = {school_id: image_digest([validated.files.images_dir / image.src for image in school.images])
              for school_id, school in site.schools.items() if school.images}
    # every image is in the build-wide digest: pages show their sizes and the addresses of their copies
    found = lookup_digests(template_dirs)
    templates = {name: value for name, value in found.items() if not name.startswith("static/")}
    static = [f"{name}={value}" for name, value in sorted(found.items()) if name.startswith("static/")]
    # templates count per unit (`Uses.templates`); stylesheets and scripts change every page's asset URLs
    # not the date: the values derived from it are views (`tracking.DATED_SOURCES`), so a new day renders
    # again only what shows them
    build = digest(str(FORMAT), tool_fingerprint(), *static, file_digest(validated.files.district),
                   ",".join(lang.tag for lang in languages), validated.source_language.tag,
                   *options, *(f"{sid}={value}" for sid, value in sorted(images.items())))
    schools = {path.stem: file_digest(path) for path in validated.files.schools if path.stem in site.schools}
    every_view = functools.cache(lambda: _view_digests(site))  # computed once, on first use
    shared = SiteViews(site, today)
    school_ids = {id(school): school_id for school_id, school in site.schools.items()}
    context_views = functools.cache(lambda name: view_digest(context_view(shared, name), school_ids))
    return Inputs(build, schools, catalogs, lambda view: every_view().get(view, "-"), SchoolFieldDigests(site, schools),
                  context_views, images, templates=templates, day=today.isoformat())


def _view_digests(site: Site) -> dict[str, str]:
    """Each neighborhood (`zip:55104`, `area:east`) -> which schools it lists, in what groups."""
    return {f"{place.kind}:{place.key}": digest(repr(place.zip_codes), str(place.others),
                                                *(f"{level}={','.join(sid for sid, _ in members)}"
                                                  for level, members in place.groups))
            for place in neighborhoods(site)}
