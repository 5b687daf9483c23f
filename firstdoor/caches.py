"""The slow reads before rendering, done in parallel and kept while their files are unchanged.

A state-wide site has thousands of school files and tens of thousands of content
entries per language; reading, validating and checking them takes seconds. Languages
are read by worker processes. The results (each school file's validation and advice;
each language's translations, problems and digests) are kept in the build state, in
files named after the digest of everything they were read from, so a later build reads
again only the files that changed.
"""

from __future__ import annotations

import functools
import pickle
from pathlib import Path
from typing import Callable, Iterator, Mapping, TypeVar

from firstdoor import parallel
from firstdoor.errors import Problem
from firstdoor.fingerprint import (CatalogDigests, catalog_digests, digest, file_digest, image_digest,
                                   tool_fingerprint)
from firstdoor.i18n import CATALOG_DOMAINS, LanguageCatalogs, catalog_path, load_language_catalogs
from firstdoor.languages import Language
from firstdoor.model import Site
from firstdoor.outputs.images import ResponsiveImage, resize_image, resize_images
from firstdoor.sources import Document
from firstdoor.state import safe_dumps, safe_loads
from firstdoor.status import check_catalog

CACHE_DIR = "catalogs"
"""Inside a build state folder."""
CONTENT_DIR = "content"
"""Inside a build state folder: results of each content file (`ContentCache`)."""
IMAGES_DIR = "images"

T = TypeVar("T")


class ContentCache:
    """What reading each school file and giving advice on it found (and each language resolved), kept between builds.

    A result is stored in the build state under a digest of everything it depends on
    (the file's bytes and place, the district's timezone, firstdoor's version...), so an
    edit of one school makes the next build read and check that file only. A damaged
    result, or one of another version, is not found or not accepted: the file is read again.
    Pass one cache object through a build; `keep` then holds the files of the new build state.
    """

    def __init__(self, previous: tuple[Path, ...] = ()) -> None:
        self.previous = previous
        """Build state folders to reuse results from."""
        self.keep: dict[str, bytes | Path] = {}
        """Cache files for the new build state: new ones as bytes, reused ones as the file to keep."""
        self.computed: dict[str, int] = {}
        """How many results of each kind (`school`, `advice`, `language`) this build computed instead of reusing."""
        self.keys: dict[Path, str] = {}
        """School file -> the key its validation was stored under (advice on it is stored by that key too)."""
        self.documents: dict[Path, Document] = {}
        """Files parsed by this build, kept for advice until it takes them (so none is parsed twice)."""
        self.folders: dict[Path, str] = {}
        """Folders resolved by this build (see `validate.school_key`)."""

    def result(self, kind: str, key: str | None, expected: type[T], compute: Callable[[], T]) -> T:
        """The result stored under `key` by a previous build, else `compute()` (stored unless `key` is None)."""
        name = f"{CONTENT_DIR}/{kind}-{key}.pickle"
        for folder in self.previous if key is not None else ():
            try:
                stored_key, value = safe_loads((folder / name).read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError,
                    IndexError, KeyError):
                continue  # none, or damaged: compute it again
            if stored_key == key and isinstance(value, expected):
                self.keep[name] = folder / name
                return value
        value = compute()
        self.computed[kind] = self.computed.get(kind, 0) + 1
        if key is not None:
            self.keep[name] = safe_dumps((key, value))
        return value


class LoadedLanguage:
    """One language's translations as the build uses them; the translations themselves are read on first use.

    A build that finds nothing changed needs only the problems and digests, not the
    tens of thousands of entries.
    """

    def __init__(self, problems: tuple[Problem, ...], digests: CatalogDigests,
                 load: Callable[[], LanguageCatalogs]) -> None:
        self.problems = problems
        """Everything reading and checking its catalogs found (errors and warnings)."""
        self.digests = digests
        self._load = load

    @functools.cached_property
    def catalogs(self) -> LanguageCatalogs:
        """The merged translations (site's entries win over built-in ones), read once and kept."""
        return self._load()

    def read(self) -> LanguageCatalogs:
        """The merged translations, read again (not kept: see `LazyCatalogs`)."""
        return self._load()


class LazyCatalogs(Mapping[str, LanguageCatalogs]):
    """Every language's translations, each read when asked for and not kept here.

    A build hands this to its renderers instead of the translations themselves, so that
    neither the build's process nor a worker holds every language at once: the renderer's
    `i18n.Translators` keep the one or two languages in use. Reading a language from its
    cached pickle takes about 20 ms at 1000 schools.
    """

    def __init__(self, loaded: dict[str, LoadedLanguage]) -> None:
        self._loaded = loaded

    def __getitem__(self, tag: str) -> LanguageCatalogs:
        return self._loaded[tag].read()

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded)

    def __len__(self) -> int:
        return len(self._loaded)


def read_language(language: Language, folders: list[Path], root: Path) -> tuple[bytes, bytes]:
    """Read and check one language's catalogs; return (problems and digests, translations), pickled."""
    loaded, files, found = load_language_catalogs(language, folders, root)
    for catalog_file in files:
        found += check_catalog(catalog_file, language)
    return safe_dumps((tuple(found), catalog_digests(loaded))), safe_dumps(loaded)


def cache_name(language: Language, folders: list[Path], root: Path) -> str:
    """The cache file of a language: named after everything its result depends on."""
    parts = [tool_fingerprint(), repr(language), str(root.resolve())]
    for folder in folders:
        for domain in CATALOG_DOMAINS:
            path = catalog_path(folder, language.tag, domain)
            parts += [str(path), file_digest(path)]
    return f"{CACHE_DIR}/{language.tag}-{digest(*parts)}"


def _read(_: None, task: tuple[Language, list[Path], Path]) -> tuple[bytes, bytes]:
    return read_language(*task)


def load_languages(languages: tuple[Language, ...], folders: list[Path], root: Path, jobs: int,
                   previous: list[Path], spill: Path | None = None,
                   ) -> tuple[dict[str, LoadedLanguage], dict[str, bytes | Path]]:
    """Every language's translations, and the cache files to keep in the new build's state.

    Languages found in the cache of a previous build (`previous` state folders) are not read again.
    Those read afresh are written to `spill` (a folder made if needed) and read back from there
    when used; without one they are held in memory.
    """
    loaded: dict[str, LoadedLanguage] = {}
    keep: dict[str, bytes | Path] = {}
    for lang in languages:
        name = cache_name(lang, folders, root)
        for folder in previous:
            try:
                problems, digests = safe_loads((folder / f"{name}.meta.pickle").read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
                continue  # none, or damaged: read the catalogs again
            full = folder / f"{name}.pickle"
            loaded[lang.tag] = LoadedLanguage(problems, digests, functools.partial(_load_cached, full, lang,
                                                                                   folders, root))
            keep.update({f"{name}.meta.pickle": folder / f"{name}.meta.pickle", f"{name}.pickle": full})
            break
    missing = [lang for lang in languages if lang.tag not in loaded]
    fresh = parallel.map_ordered(_read, [(lang, folders, root) for lang in missing], jobs, parallel.no_state)
    for lang, (meta, full_blob) in zip(missing, fresh):
        name = cache_name(lang, folders, root)
        problems, digests = safe_loads(meta)
        load: Callable[[], LanguageCatalogs] = functools.partial(safe_loads, full_blob)
        kept: bytes | Path = full_blob
        if spill is not None:  # on disk, read back when used, like a previous build's
            kept = spill / f"{name}.pickle"
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(full_blob)
            load = functools.partial(_load_cached, kept, lang, folders, root)
        loaded[lang.tag] = LoadedLanguage(problems, digests, load)
        keep.update({f"{name}.meta.pickle": meta, f"{name}.pickle": kept})
    return {lang.tag: loaded[lang.tag] for lang in languages}, keep


def _load_cached(path: Path, language: Language, folders: list[Path], root: Path) -> LanguageCatalogs:
    """A language's cached translations; read from the catalogs if the cache file is damaged."""
    try:
        catalogs = safe_loads(path.read_bytes())
        if isinstance(catalogs, LanguageCatalogs):
            return catalogs
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        pass
    loaded, _, _ = load_language_catalogs(language, folders, root)
    return loaded


def resize_cached(site: Site, images_dir: Path, previous: tuple[Path, ...],
                  ) -> tuple[dict[str, ResponsiveImage], dict[str, bytes], dict[str, bytes | Path]]:
    """Every image's resized copies (`resize_images`), each kept while its file is unchanged.

    Resizing a district's photos takes a tenth of a second each; a state has thousands.
    Returns the copies, their files, and the cache files to keep in the new build state.
    """
    keep: dict[str, bytes | Path] = {}

    def resize(src: str, source: Path) -> tuple[ResponsiveImage, dict[str, bytes]]:
        name = f"{IMAGES_DIR}/{digest(tool_fingerprint(), src, image_digest([source]))}.pickle"
        for folder in previous:
            try:
                image, files = safe_loads((folder / name).read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
                continue
            keep[name] = folder / name
            return image, files
        made = resize_image(src, source)
        keep[name] = safe_dumps(made)
        return made

    images, files = resize_images(site, images_dir, resize)
    return images, files, keep
