"""Raw YAML documents -> the validated content model, with every problem located.

Validation runs pydantic over each document, turns each pydantic error into a
`Problem` at the line and column where the offending value (or key) was written,
then checks what one document cannot check alone: references into the district's
vocabularies, language tags, image files, date order. All problems of a run are
collected and raised once.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from firstdoor.checks import (alias_problems, image_problem, merge_typos,
                              parse_timezone, school_deadline_problem, unsafe_markup)
from firstdoor.errors import Problem, ProblemList
from firstdoor.fingerprint import digest, tool_fingerprint
from firstdoor.languages import Language, UnknownLanguage, resolve_language
from firstdoor.model import District, School, Site
from firstdoor.placeholders import find_placeholders
from firstdoor.explain import describe_error, dotted
from firstdoor.sources import Document, Mark, Path_, SiteFiles, display_path, load_yaml
from firstdoor.values import Prose

if TYPE_CHECKING:  # caches.py reads the build state, which needs this module's classes
    from firstdoor.caches import ContentCache


@dataclass(frozen=True)
class ValidatedSite:
    """A site whose content passed validation, with its resolved languages."""

    files: SiteFiles
    site: Site
    languages: tuple[Language, ...]
    """The site's languages in menu order; the first is not necessarily the source."""
    known_languages: dict[str, Language]
    """Every language the content mentions (site languages and e.g. help-line languages)."""
    warnings: tuple[Problem, ...]

    @property
    def source_language(self) -> Language:
        """The language the content's prose is written in."""
        return self.known_languages[self.site.district.default_language]


@dataclass(frozen=True)
class SchoolFile:
    """What one school file says read and validated alone, as a build state keeps it between builds."""

    display: str
    school: School | None
    """The validated school (its prose bound to its lines), None when the file has errors."""
    problems: tuple[Problem, ...]
    """Reading and validating the file: YAML, keys, types."""
    checks: tuple[Problem, ...] = ()
    """What a valid school alone gets wrong: event dates, ZIP codes without a bus, markup the sanitiser removes."""
    languages: tuple[tuple[Path_, str], ...] = ()
    """Every language tag the school uses, with where (`staff.0`)."""


class Located(Protocol):
    """Where problems of one file are placed: its name and the position of each value."""

    @property
    def display(self) -> str:
        """The file as the user should see it."""

    def mark(self, path: Path_) -> Mark | None:
        """Where the value at `path` was written."""


class _SchoolDocument:
    """A school file's positions, parsed only when a problem must be placed in it (in most builds, never)."""

    def __init__(self, path: Path, files: SiteFiles, display: str, cache: ContentCache | None) -> None:
        self.path, self.files, self.display, self.cache = path, files, display, cache

    @functools.cached_property
    def document(self) -> Document | None:
        """The parsed file (the one this build validated when it did)."""
        kept = self.cache.documents.get(self.path) if self.cache else None
        return kept or load_yaml(self.path, self.files.root)[0]

    def mark(self, path: Path_) -> Mark | None:
        """Where the value at `path` was written (None if the file changed meanwhile and cannot be read)."""
        return self.document.mark(path) if self.document else None


def validate_site(files: SiteFiles, initial: list[Problem] | None = None,
                  cache: ContentCache | None = None) -> ValidatedSite:
    """Read and validate every content file of a site; raise `ContentError` listing all problems.

    With a `cache`, a school file unchanged since a previous build is not read again: only the
    checks that look at several files (languages, district vocabularies, aliases, areas) run on it.
    """
    problems = ProblemList()
    problems.extend(initial or [])
    district_doc, found = load_yaml(files.district, files.root)
    problems.extend(found)
    district = None
    timezone = ZoneInfo("UTC")
    if district_doc is not None:
        timezone = _timezone(district_doc, problems)
        district = _validate(District, district_doc, {"timezone": timezone}, problems)
    read: dict[str, SchoolFile] = {}
    docs: dict[str, Located] = {}
    for path in files.schools:
        item = _read_school(path, files, timezone, cache)
        problems.extend(item.problems)
        if item.school is not None:
            read[path.stem] = item
            docs[path.stem] = _SchoolDocument(path, files, item.display, cache)
    schools = {school_id: item.school for school_id, item in read.items() if item.school is not None}
    if district is None or district_doc is None:
        problems.raise_if_errors()
        raise AssertionError("district failed validation without an error")  # pragma: no cover
    known = _check_languages(district, district_doc, read, docs, problems, cache)
    _check_district(district, district_doc, problems)
    for school_id, school in schools.items():
        _check_school(school, docs[school_id], district, files, problems)
        problems.extend(read[school_id].checks)
    _check_areas(district, schools, district_doc, problems)
    for school_id, index, message, hint in alias_problems(schools):
        problems.add(_problem_at(docs[school_id], ("aliases", index), message, hint))
    problems.extend(_problem_at(district_doc, path, message, hint, "warning")
                    for path, message, hint in unsafe_markup(district))
    if not files.schools:
        problems.add(Problem(file="content/schools/", severity="warning",
                             message="there are no school files yet",
                             hint="add one with `firstdoor new school \"School name\"`"))
    problems.raise_if_errors()
    _bind_prose(district, "district", district_doc)
    site = Site(district=district, schools=dict(sorted(schools.items())))
    languages = tuple(known[tag] for tag in district.languages)
    return ValidatedSite(files=files, site=site, languages=languages, known_languages=known,
                         warnings=tuple(problems.warnings))


def _read_school(path: Path, files: SiteFiles, timezone: ZoneInfo, cache: ContentCache | None) -> SchoolFile:
    """A school file read and validated alone, or as a previous build left it when the file is unchanged."""
    if cache is None:
        return validate_school(path, files, timezone)[0]
    key = school_key(path, files.root, timezone.key, cache.folders)
    if key is not None:
        cache.keys[path] = key

    def compute() -> SchoolFile:
        checked, doc = validate_school(path, files, timezone)
        if doc is not None and checked.school is not None:
            cache.documents[path] = doc  # advice on the school uses it
        return checked
    return cache.result("school", key, SchoolFile, compute)


def school_key(path: Path, root: Path, timezone: str, folders: dict[Path, str] | None = None) -> str | None:
    """The key of a school file's validation: its bytes and where it lies, the district's timezone, the tool.

    None when the file cannot be read: it is then validated (and the error reported) every time.
    `folders` remembers resolved folders across the files of one run (resolving costs system calls).
    """
    folders = {} if folders is None else folders
    try:
        data = path.read_bytes()
        for folder in (root, path.parent):
            if folder not in folders:
                folders[folder] = str(folder.resolve())
        place = [folders[root], folders[path.parent], str(path.resolve()), path.name]
    except (OSError, RuntimeError):  # unreadable, or a loop of links
        return None
    return digest("school", tool_fingerprint(), *place, timezone, data)


def validate_school(path: Path, files: SiteFiles, timezone: ZoneInfo) -> tuple[SchoolFile, Document | None]:
    """Read and validate one school file, with every check that needs no other file; and its document."""
    doc, found = load_yaml(path, files.root)
    if doc is None:
        return SchoolFile(display_path(path, files.root), None, tuple(found)), None
    problems = ProblemList()
    problems.extend(found)
    school = _validate(School, doc, {"timezone": timezone}, problems)
    if school is None:
        return SchoolFile(doc.display, None, tuple(problems.errors + problems.warnings)), doc
    checks = ProblemList()
    for i, event in enumerate(school.events):
        _check_event(event, doc, ("events", i), checks)
    if school.transportation.bus == "none" and school.transportation.zip_codes:
        checks.add(_problem_at(doc, ("transportation", "zip_codes"),
                               "ZIP codes are listed but `bus: none` says there is no bus",
                               "remove zip_codes or set bus to free or limited", "warning"))
    checks.extend(_problem_at(doc, at, message, hint, "warning") for at, message, hint in unsafe_markup(school))
    _bind_prose(school, f"schools/{path.stem}", doc)
    return SchoolFile(doc.display, school, tuple(problems.errors + problems.warnings),
                      tuple(checks.errors + checks.warnings), tuple(_language_fields(school))), doc


def _timezone(doc: Document, problems: ProblemList) -> ZoneInfo:
    """The district's timezone, checked first because every date-time depends on it."""
    name = doc.data.get("timezone") if isinstance(doc.data, dict) else None
    if not isinstance(name, str):
        return ZoneInfo("UTC")  # the model reports the missing or mistyped key
    found = parse_timezone(name)
    if isinstance(found, ZoneInfo):
        return found
    mark = doc.mark(("timezone",))
    problems.add(Problem(file=doc.display, line=mark.line if mark else None,
                         column=mark.column if mark else None, field="timezone",
                         message=found[0], hint=found[1]))
    return ZoneInfo("UTC")


def _validate(model: type[BaseModel], doc: Document, context: dict[str, Any],
              problems: ProblemList) -> Any:
    """Validate one document against `model`, turning errors into located problems."""
    if not isinstance(doc.data, dict):
        problems.add(Problem(file=doc.display, line=1, column=1,
                             message="the file must be a list of `key: value` lines",
                             hint="start with e.g. `name: ...` at the beginning of a line"))
        return None
    placeholders = find_placeholders(doc.data)
    for path, (message, hint) in placeholders.items():
        problems.add(_problem_at(doc, path, message, hint))
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        problems.extend(merge_typos([describe_error(model, doc, error) for error in exc.errors()
                                     if tuple(error["loc"]) not in placeholders]))  # already reported
        return None


def _problem_at(doc: Located, path: Path_, message: str, hint: str | None = None,
                severity: str = "error") -> Problem:
    mark = doc.mark(path)
    return Problem(file=doc.display, line=mark.line if mark else None,
                   column=mark.column if mark else None, field=dotted(path) or None,
                   message=message, hint=hint, severity=severity)  # type: ignore[arg-type]


def _check_languages(district: District, doc: Document, schools: dict[str, SchoolFile],
                     school_docs: dict[str, Located], problems: ProblemList,
                     cache: ContentCache | None = None) -> dict[str, Language]:
    """Resolve every language tag the content uses; unknown ones are errors saying what to add."""
    overrides = {tag: o.model_dump() for tag, o in district.language_overrides.items()}
    uses: list[tuple[str, Located, Path_]] = []
    uses += [(tag, doc, ("languages", i)) for i, tag in enumerate(district.languages)]
    uses += [(district.default_language, doc, ("default_language",))]
    uses += [(tag, doc, ("language_overrides", tag)) for tag in district.language_overrides]
    uses += [(tag, doc, path) for path, tag in _language_fields(district)]
    for school_id, school in schools.items():
        uses += [(tag, school_docs[school_id], path) for path, tag in school.languages]
    known: dict[str, Language] = {}
    for tag, where, path in uses:
        if tag in known:
            continue
        try:
            known[tag] = _language(tag, overrides.get(tag), cache)
        except UnknownLanguage as exc:
            if exc.missing == "cldr":
                message = f"formats_like: '{exc.tag}' is not a locale CLDR knows"
                hint = "name a CLDR locale such as en, fr, fa-AF"
            else:
                message = f"the language '{tag}' is not known to CLDR or to firstdoor"
                hint = (f"describe it under language_overrides: `{tag}: {{name: <its own name>, "
                        "english_name: <name in English>, formats_like: en, direction: ltr}`")
            problems.add(_problem_at(where, path, message, hint))
    seen: set[str] = set()
    for i, tag in enumerate(district.languages):
        if tag in seen:
            problems.add(_problem_at(doc, ("languages", i), f"'{tag}' is listed twice"))
        seen.add(tag)
        clash = [t for t in seen if t != tag and t.lower() == tag.lower()]
        if clash:
            problems.add(_problem_at(doc, ("languages", i), f"'{tag}' and '{clash[0]}' would share "
                                     "one web address", "list each language once"))
    if district.default_language not in district.languages:
        problems.add(_problem_at(doc, ("default_language",),
                                 f"'{district.default_language}' is not in `languages`",
                                 "add the language the prose is written in to `languages`"))
    return known


def _language(tag: str, override: dict[str, Any] | None, cache: ContentCache | None) -> Language:
    """`resolve_language`, reused from a previous build: reading CLDR's data costs more than checking a site."""
    if cache is None:
        return resolve_language(tag, override)
    key = digest("language", tool_fingerprint(), tag, repr(override))
    return cache.result("language", key, Language, lambda: resolve_language(tag, override))


def _language_fields(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every language tag inside a model, with its path (fields named `languages`, `instruction`, `staff`)."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name in ("languages", "instruction", "staff") and isinstance(value, list) \
                    and all(isinstance(v, str) for v in value):
                if path or not isinstance(node, District):
                    yield from (((*path, name, i), tag) for i, tag in enumerate(value))
            else:
                yield from _language_fields(value, (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _language_fields(item, (*path, i))


def _check_district(district: District, doc: Document, problems: ProblemList) -> None:
    """Date order of the application window and its events."""
    app = district.application
    if _as_date(app.deadline) < app.opens:
        problems.add(_problem_at(doc, ("application", "deadline"),
                                 "the deadline is before applications open",
                                 f"applications open on {app.opens.isoformat()}"))
    if app.results < _as_date(app.deadline):
        problems.add(_problem_at(doc, ("application", "results"),
                                 "results are announced before the deadline"))
    for i, event in enumerate(app.help_sessions):
        _check_event(event, doc, ("application", "help_sessions", i), problems)
    for i, tag in enumerate(district.print.pair or []):
        if tag not in district.languages:
            problems.add(_problem_at(doc, ("print", "pair", i), f"'{tag}' is not in `languages`",
                                     "pair two of the site's languages, e.g. [en, es]"))
    if district.print.pair and district.print.pair[0] == district.print.pair[1]:
        problems.add(_problem_at(doc, ("print", "pair"), "a pair needs two different languages"))


def _check_areas(district: District, schools: dict[str, School], doc: Document, problems: ProblemList) -> None:
    """Warn about area ZIP codes no school's bus serves (a sheet that lists no school)."""
    served = {code for school in schools.values() if school.transportation.bus != "none"
              for code in school.transportation.zip_codes}
    for area_id, area in district.areas.items():
        for i, code in enumerate(area.zip_codes):
            if code not in served:
                problems.add(_problem_at(doc, ("areas", area_id, "zip_codes", i),
                                         f"no school's bus serves ZIP code {code}",
                                         "check the ZIP code, or add it to a school's transportation.zip_codes",
                                         "warning"))


def _check_event(event: Any, doc: Located, path: Path_, problems: ProblemList) -> None:
    if event.end is not None and event.end <= event.start:
        problems.add(_problem_at(doc, (*path, "end"), "the event ends before it starts",
                                 "check the date and the 24-hour time of `start` and `end`"))


def _as_date(value: Any) -> Any:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _check_school(school: School, doc: Located, district: District, files: SiteFiles,
                  problems: ProblemList) -> None:
    """References into the district vocabularies, the school's deadline against the district's, image files."""
    vocabularies = (("themes", school.themes, district.themes),
                    ("services", school.services, district.services))
    for field, keys, vocabulary in vocabularies:
        for i, key in enumerate(keys):
            _check_reference(key, vocabulary, field, doc, (field, i), problems)
    for i, key in enumerate(school.admission.priorities):
        _check_reference(key, district.priorities, "priorities", doc, ("admission", "priorities", i),
                         problems)
    deadline_problem = school_deadline_problem(school, district)
    if deadline_problem:
        problems.add(_problem_at(doc, ("application", "deadline"), deadline_problem))
    for i, image in enumerate(school.images):
        _check_image(image.src, files, doc, ("images", i, "src"), problems)


def _check_reference(key: str, vocabulary: dict[str, Any], name: str, doc: Located, path: Path_,
                     problems: ProblemList) -> None:
    if key in vocabulary:
        return
    close = difflib.get_close_matches(key, list(vocabulary), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else \
        f"use one of {', '.join(vocabulary) or '(none yet)'}, or add '{key}' to `{name}` in district.yaml"
    problems.add(_problem_at(doc, path, f"'{key}' is not one of the district's {name}", hint))


def _check_image(src: str, files: SiteFiles, doc: Located, path: Path_, problems: ProblemList) -> None:
    found = image_problem(src, files)
    if found is not None:
        problems.add(_problem_at(doc, path, *found))


def _bind_prose(node: Any, prefix: str, doc: Document, path: Path_ = ()) -> None:
    """Give every prose value its translation context and source line.

    The context leaves out list positions (`schools/lincoln: events.title`), so reordering
    events does not orphan their translations; vocabulary keys stay in (`district: themes.stem`).
    """
    if isinstance(node, Prose):
        mark = doc.mark(path)
        context = re.sub(r"\[\d+\]", "", dotted(path))
        node.bind(f"{prefix}: {context}", doc.display, mark.line if mark else 0)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            _bind_prose(getattr(node, name), prefix, doc, (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _bind_prose(item, prefix, doc, (*path, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            _bind_prose(item, prefix, doc, (*path, key))
