"""Content advice: what a valid site still gets wrong for families (`firstdoor check`).

Validation says whether the content *can* be built; these rules say whether it
*should* be published as it is: prose too hard to read, dates typed into prose
(translations keep the old date when it changes), deadlines and events that have
passed, alt text that does not describe the picture, schools that leave out the bus
or an open house, languages mostly untranslated, links to pages that do not exist,
addresses that are not secure. Every finding is a warning with file, line, field and
what to do; `firstdoor check --strict` turns them into a failing exit code for CI.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from firstdoor.errors import Problem
from firstdoor.fingerprint import digest
from firstdoor.links import LinkTargets, markdown_links
from firstdoor.model import District, Event, School
from firstdoor.readability import reading_grade
from firstdoor.report import Finding
from firstdoor.sources import Document, Path_, load_yaml
from firstdoor.explain import dotted
from firstdoor.validate import ValidatedSite
from firstdoor.values import Prose, _check_url

if TYPE_CHECKING:  # caches.py reads the build state, which needs this module's classes
    from firstdoor.caches import ContentCache

RULES: dict[str, str] = {
    "reading-grade": "prose above the reading grade families can be expected to read",
    "date-in-prose": "a date or a time written inside prose instead of a data field",
    "past-date": "a deadline that has passed, or an event that ended a while ago",
    "alt-text": "alt text that is a file name or says \"image of\"",
    "transportation-details": "a school that does not say who can take its bus, or how else to get there",
    "open-house": "a school without any open house or tour",
    "translation-coverage": "a language with too little of the content translated",
    "broken-link": "a link in prose to a page or image of the site that does not exist",
    "insecure-url": "an address that is not https:, mailto: or tel:",
}
"""Every advice rule by id, with what it looks for (the ids appear in `--format json`)."""

TIMES_ALLOWED = frozenset({"contact.hours"})
"""Prose fields whose purpose is to state opening hours: the contract has no data field for
them, so times written there are the content, not a mistake."""

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
                   r"(?![a-z])|\b\d{4}-\d{2}-\d{2}\b|\b(?!24/7\b)(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])"
                   r"(?:/(?:\d{4}|\d{2}))?\b", re.I)
_TIME = re.compile(r"\b(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s*(?:[ap]\.m\.|[ap]m)(?![a-z])|\b(?:[01]?\d|2[0-3]):[0-5]\d\b",
                   re.I)
_SAYS_IMAGE = re.compile(r"\b(?:image|picture|photo|photograph|graphic|pic)\s+of\b", re.I)
_FILE_NAME = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|svg|heic|tiff?)$|^(?:img|dsc|dscn|pxl|photo)[_-]?\d+\S*$",
                        re.I)


@dataclass(frozen=True)
class AdviceOptions:
    """The thresholds of the advice rules."""

    today: dt.date
    max_grade: float = 8.0
    """Warn when prose reads above this school grade (plain-language guidance for families). A
    Flesch-Kincaid score of 8.0 to 8.9 is grade 8, so the warning starts at 9.0."""
    min_translated: float = 80.0
    """Warn when a language has less than this percentage of the content translated."""
    stale_after_days: int = 14
    """Warn about events that ended more than this many days ago. Recently past events are
    normal mid-season (the events page lists them under "past"); older ones are clutter
    left from an earlier season."""


@dataclass(frozen=True)
class _Link:
    """A link written in prose: whether it works depends on the rest of the site, decided per build."""

    href: str
    path: Path_
    at: Problem
    """Where it is written (the problem without its message)."""


@dataclass(frozen=True)
class _Dated:
    """Advice that holds from some day on: a deadline once passed, an event once stale."""

    day: dt.date
    event: bool
    """An event's last day (stale some days later), else a deadline (passed the day after)."""
    finding: Finding


@dataclass(frozen=True)
class SchoolAdvice:
    """The advice on one school found from its file alone, as a build state keeps it between builds.

    What depends on the day (past dates) or on the rest of the site (links) is kept as
    something to decide, in the order the findings would be made.
    """

    items: tuple[Finding | _Link | _Dated, ...]


def advise(validated: ValidatedSite, options: AdviceOptions, coverage: dict[str, float],
           cache: ContentCache | None = None) -> list[Finding]:
    """Every piece of advice for a validated site, in file and line order.

    `coverage` is the percentage translated per language (`coverage.translation_coverage`).
    With a `cache`, the advice on a school file unchanged since a previous build is reused.
    """
    files = validated.files
    district_doc = _load(files.district, files.root)
    site = validated.site
    english = validated.source_language.tag.split("-")[0].lower() == "en"
    targets = LinkTargets.of(validated)
    district = _prose_advice(district_doc, site.district, english, options.max_grade)
    findings = _decide(district + _district_dates(site.district, district_doc), targets, "", options)
    paths = {path.stem: path for path in files.schools}
    for school_id, school in site.schools.items():
        prepared = _school_advice(paths[school_id], school, files.root, english, options.max_grade, cache)
        findings += _decide(prepared.items, targets, school_id, options)
    findings += _coverage(validated, district_doc, coverage, options.min_translated)
    return sorted(findings, key=lambda f: f.problem.sort_key())


def _school_advice(path: Path, school: School, root: Path, english: bool, max_grade: float,
                   cache: ContentCache | None) -> SchoolAdvice:
    """The advice on one school file, from the cache when the file and the settings are unchanged."""
    def compute() -> SchoolAdvice:
        doc = (cache.documents.pop(path, None) if cache else None) or _load(path, root)
        return prepare_school(doc, school, english, max_grade)
    if cache is None:
        return compute()
    key = cache.keys.get(path)
    return cache.result("advice", key and digest(key, str(english), repr(max_grade)), SchoolAdvice, compute)


def prepare_school(doc: Document, school: School, english: bool, max_grade: float) -> SchoolAdvice:
    """The advice on a school that its file alone decides; the rest is decided by `_decide`."""
    items = _prose_advice(doc, school, english, max_grade)
    own = school.application.deadline if school.application else None
    if own is not None:
        items.append(_Dated(_day(own), False, finding(
            "past-date", doc, ("application", "deadline"), f"this school's deadline ({_day(own).isoformat()}) has passed",
            "set next season's deadline, or remove it to use the district's")))
    items += [_stale_event(doc, ("events", i), event) for i, event in enumerate(school.events)]
    items += _school_gaps(doc, school)
    return SchoolAdvice(tuple(items))


def _prose_advice(doc: Document, node: BaseModel, english: bool, max_grade: float,
                  ) -> list[Finding | _Link | _Dated]:
    """Reading grade, dates, links and addresses in the prose and address fields of one file."""
    items: list[Finding | _Link | _Dated] = []
    for path, value, info in _fields(node):
        if isinstance(value, Prose):
            if english:
                items += _reading_grade(doc, path, value, max_grade)
            items += _dates_in_prose(doc, path, value)
            if value.kind == "markdown":
                items += [_Link(href, path, finding("", doc, path, "", "", href).problem)
                          for href in markdown_links(value.text)]
        elif isinstance(value, str) and _is_url_field(info):
            items += _insecure_url(doc, path, value)
    return items


def _decide(items: Iterable[Finding | _Link | _Dated], targets: LinkTargets, school_id: str,
            options: AdviceOptions) -> list[Finding]:
    """The findings of prepared advice, for this site and this day."""
    found: list[Finding] = []
    for item in items:
        if isinstance(item, _Link):
            found += _link(item, targets, school_id)
        elif isinstance(item, _Dated):
            late = (options.today - item.day).days > options.stale_after_days if item.event \
                else item.day < options.today
            found += [item.finding] if late else []
        else:
            found.append(item)
    return found


def _load(path: Path, root: Path) -> Document:
    doc, _ = load_yaml(path, root)
    assert doc is not None, "advice runs on validated content"
    return doc


def _fields(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any, FieldInfo | None]]:
    """Every value inside a model with its path and the field that declares it."""
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            yield (*path, name), value, info
            if isinstance(value, (BaseModel, list, dict)):
                yield from _fields(value, (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield (*path, i), item, None
            yield from _fields(item, (*path, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield (*path, key), item, None
            yield from _fields(item, (*path, key))


def _is_url_field(info: FieldInfo | None) -> bool:
    """True for fields typed `Url` (also inside `Url | None`)."""
    if info is None:
        return False
    pending: list[Any] = [info.annotation, *info.metadata]
    while pending:
        item = pending.pop()
        if getattr(item, "func", None) is _check_url:
            return True
        pending += list(typing.get_args(item)) + list(getattr(item, "__metadata__", ()))
    return False


def finding(rule: str, doc: Document, path: Path_, message: str, hint: str,
            snippet: str | None = None) -> Finding:
    """A warning at `path` of `doc`; with a `snippet`, at the line of the file that holds it."""
    mark = doc.mark(path)
    line = mark.line if mark else None
    column = mark.column if mark else None
    if snippet and line:
        found = _line_holding(doc.path, line, snippet)
        if found != line:
            line, column = found, None
    return Finding(rule, Problem(file=doc.display, line=line, column=column, field=dotted(path) or None,
                                 message=message, hint=hint, severity="warning"))


def _line_holding(path: Path, start: int, snippet: str) -> int:
    """The first line from `start` on that contains the start of `snippet` (a block scalar's line)."""
    probe = " ".join(snippet.split()[:4])
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for number in range(start, len(lines) + 1):
        if probe and probe in " ".join(lines[number - 1].split()):
            return number
    return start


# --- prose --------------------------------------------------------------------------------

def _reading_grade(doc: Document, path: Path_, prose: Prose, limit: float) -> list[Finding]:
    result = reading_grade(prose.text)
    if result is None or result.grade < limit + 1:  # grade 8 is 8.0 to 8.9, as school grades are read
        return []
    return [finding("reading-grade", doc, path,
                    f"reads at grade {result.grade:g}; families need grade {limit:g} or below",
                    "use shorter sentences and everyday words; start with: "
                    f"\"{_shorten(result.hardest)}\"", result.hardest)]


def _dates_in_prose(doc: Document, path: Path_, prose: Prose) -> list[Finding]:
    text = re.sub(r"\]\([^)]*\)", "]", prose.text)  # not inside link targets
    field = re.sub(r"\[\d+\]", "", dotted(path))
    matches = list(_DATE.finditer(text))
    if field not in TIMES_ALLOWED:
        matches += list(_TIME.finditer(text))
    if not matches:
        return []
    first = min(matches, key=lambda m: m.start())
    written = ", ".join(sorted({f"\"{m.group(0)}\"" for m in matches}))
    line_start = text.rfind("\n", 0, first.start()) + 1
    return [finding("date-in-prose", doc, path, f"{written} written inside the text",
                    f"{_data_field_for(path)}: there it is formatted in every language and a "
                    "translation can never show an old date", text[line_start:first.end()])]


def _data_field_for(path: Path_) -> str:
    names = [p for p in path if isinstance(p, str)]
    if "events" in names or "help_sessions" in names:
        return "put it in the event's `start` and `end`"
    if "steps" in names:
        return "put it in the step's `date`"
    if "stops" in names or "transportation" in names:
        return "put bus times in `transportation.stops` (`time`)"
    if "care" in names:
        return "put the school day in `hours` (`start`, `end`)"
    if "application" in names:
        return "put it in `application.opens`, `deadline`, `results` or a step's `date`"
    return "put it in a data field: an event's `start`, a step's `date`, a deadline or the school's `hours`"


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _link(link: _Link, targets: LinkTargets, school_id: str) -> list[Finding]:
    href = link.href
    if targets.is_internal(href):
        problem = targets.check(href, targets.page_of(link.path, school_id))
        if problem:
            return [Finding("broken-link", replace(link.at, message=f"the link {href} {problem[0]}", hint=problem[1]))]
    elif not href.startswith(("https:", "mailto:", "tel:")):
        return [Finding("insecure-url", replace(link.at, message=f"the link {href} is not https:, mailto: or tel:",
                                                hint="link to https:// addresses: browsers warn about others, and "
                                                "the site removes links it cannot trust"))]
    return []


def _insecure_url(doc: Document, path: Path_, value: str) -> list[Finding]:
    if value.startswith("https://"):
        return []
    return [finding("insecure-url", doc, path, f"{value} is not a secure address",
                    "write it with https:// (browsers warn families about http:// pages)")]


# --- dates -------------------------------------------------------------------------------

def _district_dates(district: District, doc: Document) -> list[Finding | _Link | _Dated]:
    """The district's deadline (advice once passed) and help sessions (once stale)."""
    deadline = _day(district.application.deadline)
    items: list[Finding | _Link | _Dated] = [_Dated(deadline, False, finding(
        "past-date", doc, ("application", "deadline"), f"the application deadline ({deadline.isoformat()}) has passed",
        "set next season's `opens`, `deadline` and `results`"))]
    return items + [_stale_event(doc, ("application", "help_sessions", i), e)
                    for i, e in enumerate(district.application.help_sessions)]


def _stale_event(doc: Document, path: Path_, event: Event) -> _Dated:
    ended = (event.end or event.start).date()
    return _Dated(ended, True, finding("past-date", doc, path, f"this event ended on {ended.isoformat()}",
                                       "remove it, or replace it with this season's date"))


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# --- schools --------------------------------------------------------------------------------

def _school_gaps(doc: Document, school: School) -> list[Finding]:
    found: list[Finding] = []
    for i, image in enumerate(school.images):
        alt = image.alt.text
        if _FILE_NAME.match(alt.strip()) or alt.strip() == image.src or alt.strip() == Path(image.src).name:
            found.append(finding("alt-text", doc, ("images", i, "alt"), f"the alt text \"{alt}\" is a file name",
                                 "say in a sentence what the picture shows, for families who cannot see it"))
        elif _SAYS_IMAGE.search(alt):
            found.append(finding("alt-text", doc, ("images", i, "alt"), "the alt text says it is an image",
                                 "leave out \"image of\" (screen readers already say so) and describe what "
                                 "the picture shows"))
    transport = school.transportation
    if transport.bus == "none" and transport.transit is None and transport.details is None:
        found.append(finding("transportation-details", doc, ("transportation",),
                             "there is no school bus and no word on how else to get there",
                             "add `transportation.transit` (city buses, passes) or `details`"))
    elif transport.bus != "none" and transport.details is None:
        found.append(finding("transportation-details", doc, ("transportation", "bus"),
                             f"the bus is {transport.bus} but `details` does not say who can take it",
                             "add `transportation.details`: who is eligible, which areas"))
    if not school.events:
        found.append(finding("open-house", doc, (), "this school lists no open house or tour",
                             "add an `events:` entry so families can visit before they apply"))
    return found


def _coverage(validated: ValidatedSite, district_doc: Document, coverage: dict[str, float],
              minimum: float) -> list[Finding]:
    found: list[Finding] = []
    for tag, percent in sorted(coverage.items()):
        if percent < minimum and tag in validated.site.district.languages:
            index = validated.site.district.languages.index(tag)
            found.append(finding("translation-coverage", district_doc, ("languages", index),
                                 f"only {percent:g} % of {tag} is translated",
                                 f"aim for at least {minimum:g} %; untranslated text is shown in "
                                 f"{validated.source_language.tag}; see `firstdoor i18n status`"))
    return found
