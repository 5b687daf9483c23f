"""Which schools, and which of their fields, a page actually used, recorded while it renders.

An incremental build may reuse a page only if nothing it was built from changed. A
school's page obviously depends on its own school; a list page shows a few fields of
every school; but a district's own templates may show anything. So instead of guessing
from the page kind, the render context hands templates read-only wrappers that record use:

- a school reached through `site.schools[id]` records each field read (`(id, "name")`);
- a school reached through a list of all schools (`schools`, `neighborhoods`...) records
  each field read for every school (`all_fields`): the list may hold any school;
- using a list derived from every school (`schools`, `upcoming_events`, `bus_by_zip`...)
  records it as a view (`ctx:schools`): its digest is made from the list itself, with
  each school in it by id (`view_digest`), so it changes when a school joins, leaves or
  moves in it, and the fields each school shows are recorded as they are read;
- a value derived from the build's date (`today`, `days_left`, `next_help_session`) records
  itself as a view (`ctx:days_left`) when a template reads it (`render.Recorded`), whose
  digest is the value: a new day renders again only the pages that showed something that
  changed with it (the countdown, the next help session), not the whole site;
- anything else (a method of the model, a context value this module does not know)
  counts as "every school, whole", so a new value added to the context can only make
  builds slower, never wrong.

Prose is reachable only through its school's fields, so the fields used also say which
content translations (catalog entries with context `schools/<id>: <field>...`) the page used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence, cast

from pydantic import BaseModel

from firstdoor.fingerprint import digest
from firstdoor.model import School, Site
from firstdoor.render import Recorded
from firstdoor.views import SiteViews

SAFE_KEYS = frozenset({
    "here", "absolute", "url", "link", "asset", "lang", "languages", "translator", "vocab", "fmt",
    "gettext", "_", "ngettext", "pgettext", "N_", "district", "timeline",
    "entry_level", "has_own_deadline", "deadline_for", "page_kinds", "notice_slot",
    "grade_bands", "band_grades", "filter_data", "ics", "images", "srcset", "og_image", "no_markup",
})
"""Context values that show nothing about schools other than the ones passed to them.

`ics` links an event to its calendar file by a key made from its owner and start only;
`images`, `srcset`, `og_image` show image files, which are in every page's digest.
"""

WRAPPED_KEYS = frozenset({"site", "jsonld", "flyers", "cards"})
"""Context values wrapped to record exactly what a page asks of them (see `track_context`)."""


@dataclass
class Uses:
    """What one output used while rendering."""

    schools: set[str] = field(default_factory=set)
    """Schools used whole."""
    all_schools: bool = False
    """Every school used whole (the safe answer to anything not tracked finer)."""
    fields: set[tuple[str, str]] = field(default_factory=set)
    """(school id, field) read from schools looked up by id."""
    all_fields: set[str] = field(default_factory=set)
    """Fields read from schools reached through lists of all schools: they count for every school."""
    views: set[str] = field(default_factory=set)
    """Derived views whose membership the output shows (`zip:55104`, `area:east`)."""
    templates: set[str] | None = None
    """The templates it was rendered from, by name; None when not recorded (it may use any template)."""

    def school(self, school_id: str) -> None:
        """Record one school."""
        self.schools.add(school_id)

    def everything(self) -> None:
        """Record that the output depends on every school."""
        self.all_schools = True

    def field(self, school_id: str | None, name: str) -> None:
        """Record one field of one school (None: of every school); `*` means the whole school."""
        if school_id is None:
            if name == "*":
                self.everything()
            else:
                self.all_fields.add(name)
        elif name == "*":
            self.school(school_id)
        else:
            self.fields.add((school_id, name))

    def shared(self) -> "Uses":
        """The same uses with each name interned.

        Workers send each unit's uses apart, so 33,000 units would each bring their own
        copies of the same school ids, field and template names into the build and its state.
        """
        name = sys.intern
        return Uses({name(s) for s in self.schools}, self.all_schools,
                    {(name(s), name(f)) for s, f in self.fields}, {name(f) for f in self.all_fields},
                    {name(v) for v in self.views},
                    None if self.templates is None else {name(t) for t in self.templates})


SCHOOL_FIELDS = frozenset(School.model_fields)
"""What a field-recording school records by name; any other attribute (a model method) counts as `*`."""


class SchoolFields:
    """A school as templates see it: reading a field records it (see `Uses.field`), nothing else changes.

    `school_id` None: the school was reached through a list of all schools, so what is read
    counts for every school.
    """

    __slots__ = ("_school", "_school_id", "_uses")

    def __init__(self, school: School, school_id: str | None, uses: Uses) -> None:
        self._school, self._school_id, self._uses = school, school_id, uses

    def __getattr__(self, name: str) -> Any:
        self._uses.field(self._school_id, name if name in SCHOOL_FIELDS else "*")
        return getattr(self._school, name)

    def __eq__(self, other: object) -> bool:
        return self._school == unwrap(other)

    def __hash__(self) -> int:
        return hash(self._school)

    def __str__(self) -> str:
        self._uses.field(self._school_id, "*")
        return str(self._school)

    __repr__ = __str__


def unwrap(value: object) -> object:
    """The school behind a `SchoolFields`, or the value itself."""
    return value._school if isinstance(value, SchoolFields) else value  # noqa: SLF001


def wrap_schools(value: Any, uses: Uses) -> Any:
    """`value` with every school in it (in tuples, lists, dataclasses) recording its fields for every school."""
    if isinstance(value, School):
        return SchoolFields(value, None, uses)
    if isinstance(value, (tuple, list)):
        items = [wrap_schools(item, uses) for item in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return tuple(items) if isinstance(value, tuple) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: wrap_schools(getattr(value, f.name), uses) for f in dataclasses.fields(value) if f.init}
        if all(changes[name] is getattr(value, name) for name in changes):
            return value
        return dataclasses.replace(value, **changes)
    return value


def view_digest(value: Any, school_ids: Mapping[int, str]) -> str:
    """The digest of a list derived from every school, each school in it by id (`school_ids`: id() -> school id).

    What the schools in it show is recorded field by field as a page reads them; this
    digest says which schools are in it, in what order, and everything else it holds.
    """
    return digest(_shape(value, school_ids))


def _shape(value: Any, school_ids: Mapping[int, str]) -> str:
    if isinstance(value, School):
        return f"school:{school_ids.get(id(value), '?')}"
    if isinstance(value, (tuple, list)):
        return "[" + ",".join(_shape(item, school_ids) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{key!r}:{_shape(item, school_ids)}" for key, item in value.items()) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value).__name__ + "(" + ",".join(
            f"{f.name}={_shape(getattr(value, f.name), school_ids)}" for f in dataclasses.fields(value)) + ")"
    if value is None or isinstance(value, (str, int, float, dt.date, dt.time, BaseModel)):
        return repr(value)  # content models (events) and values have a repr made of their content
    return f"unknown:{type(value).__name__}:{id(value)}"  # never the same twice: such a view is never reused


class _ViewUse:
    """Read-only access to a list derived from every school; any use records the view `ctx:<name>`.

    The schools in it come out recording their fields for every school (`_wrap`).
    """

    def __init__(self, name: str, items: Any, uses: Uses) -> None:
        self._name, self._items, self._uses = name, items, uses

    def _used(self) -> None:
        self._uses.views.add(f"ctx:{self._name}")

    def __getitem__(self, key: Any) -> Any:
        self._used()
        return wrap_schools(self._items[key], self._uses)

    def __len__(self) -> int:
        self._used()
        return len(self._items)

    def __bool__(self) -> bool:
        self._used()
        return bool(self._items)


class AllSchoolsSequence(_ViewUse, Sequence[Any]):
    """A read-only list derived from every school (`schools`, `upcoming_events`...)."""

    def __iter__(self) -> Iterator[Any]:
        self._used()
        return (wrap_schools(item, self._uses) for item in self._items)


class AllSchoolsMapping(_ViewUse, Mapping[Any, Any]):
    """A read-only mapping derived from every school (`bus_by_zip`)."""

    def __iter__(self) -> Iterator[Any]:
        self._used()
        return iter(self._items)


class TrackedSchools(Mapping[str, Any]):
    """`site.schools`: a school looked up by id records the fields read of it; listing them records
    which schools there are (`ctx:members`) and the fields read, for every school."""

    def __init__(self, schools: Mapping[str, School], uses: Uses) -> None:
        self._schools, self._uses = schools, uses

    def _members(self) -> None:
        self._uses.views.add("ctx:members")

    def __getitem__(self, school_id: str) -> Any:
        self._uses.field(school_id, MEMBER)
        return SchoolFields(self._schools[school_id], school_id, self._uses)

    def __contains__(self, school_id: object) -> bool:
        if isinstance(school_id, str):
            self._uses.field(school_id, MEMBER)
        return school_id in self._schools

    def __iter__(self) -> Iterator[str]:
        self._members()
        return iter(self._schools)

    def __len__(self) -> int:
        self._members()
        return len(self._schools)

    def values(self) -> Any:
        """Every school, recording fields for every school."""
        self._members()
        return [SchoolFields(school, None, self._uses) for school in self._schools.values()]

    def items(self) -> Any:
        """Every (id, school), recording fields for every school."""
        self._members()
        return [(sid, SchoolFields(school, None, self._uses)) for sid, school in self._schools.items()]


MEMBER = "#"
"""The pseudo-field "this school exists", recorded by a lookup by id."""


class TrackedSite:
    """`site` in templates: the district as is, schools through `TrackedSchools`."""

    _PLAIN = frozenset({"district", "deadline_for"})

    def __init__(self, site: Site, uses: Uses) -> None:
        self._site, self._uses = site, uses

    def __getattr__(self, name: str) -> Any:
        if name == "schools":
            return TrackedSchools(self._site.schools, self._uses)
        if name not in self._PLAIN:
            self._uses.everything()  # model_dump(), iteration helpers...: anything may show all schools
        return getattr(self._site, name)


def tracked_site(site: Site, uses: Uses) -> Site:
    """The site for code written against the model (calendars, feeds, JSON-LD), recording what it reads."""
    return cast(Site, TrackedSite(site, uses))


class TrackedStructuredData:
    """`jsonld`: the JSON-LD builder, reading the site through `TrackedSite`."""

    def __init__(self, data: Any, uses: Uses) -> None:
        self._uses = uses
        known = dataclasses.is_dataclass(data) and not isinstance(data, type) and hasattr(data, "site")
        self._data: Any = dataclasses.replace(data, site=tracked_site(data.site, uses)) if known else None
        self._raw = data

    def __getattr__(self, name: str) -> Any:
        if self._data is None:
            self._uses.everything()
            return getattr(self._raw, name)
        return getattr(self._data, name)


class TrackedIndex:
    """An index of built files pages link to (`flyers`, `cards`): records each question asked
    (`index:flyers:find:["school","es","x"]`), which the next build asks again of its own index
    (`index_query`) to see whether the answer changed."""

    def __init__(self, name: str, index: Any, uses: Uses) -> None:
        self._name, self._index, self._uses = name, index, uses

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._index, attribute)
        if not callable(value):
            view = f"index:{self._name}:{attribute}:null"
            self._uses.views.add(view)
            return value

        def ask(*args: Any, **kwargs: Any) -> Any:
            question = json.dumps([list(args), kwargs], sort_keys=True)
            self._uses.views.add(f"index:{self._name}:{attribute}:{question}")
            return value(*args, **kwargs)
        return ask

    def __bool__(self) -> bool:
        return True


def index_query(indexes: dict[str, Any], view: str) -> Any:
    """The answer of today's index to a question a `TrackedIndex` recorded."""
    name, attribute, args = view.removeprefix("index:").split(":", 2)
    index = indexes.get(name)
    if index is None:
        return None
    value = getattr(index, attribute, None)
    if not callable(value):
        return value
    positional, keywords = json.loads(args)
    return value(*positional, **keywords)


def _view_call(name: str, function: Any, uses: Uses) -> Any:
    """A function of the context returning a list derived from every school (`schools_with_theme`):
    each call records the view with its arguments (`ctx:schools_with_theme:["stem"]`)."""
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            uses.everything()
        else:
            uses.views.add(f"ctx:{name}:{json.dumps(list(args))}")
        return wrap_schools(function(*args, **kwargs), uses)
    return call


VIEW_SOURCES: dict[str, Callable[[SiteViews], Any]] = {
    "schools": lambda views: views.schools_in_order,
    "upcoming_events": lambda views: views.events[0],
    "past_events": lambda views: views.events[1],
    "bus_by_zip": lambda views: views.bus_by_zip,
    "neighborhoods": lambda views: views.neighborhoods,
    "instruction_languages": lambda views: views.instruction_languages,
    "grade_levels": lambda views: views.grade_levels,
    "schools_with_theme": lambda views: views.schools_with_theme,
    "schools_in_band": lambda views: views.schools_in_band,
}
"""Each context value derived from every school, from the site's views (`html.PageRenderer.context_for`)."""

ALL_SCHOOLS_KEYS = frozenset(VIEW_SOURCES)
"""Context values derived from every school: using one records it as a view."""

DATED_SOURCES: dict[str, Callable[[SiteViews], Any]] = {
    "today": lambda views: views.today,
    "days_left": lambda views: views.days_left,
    "next_help_session": lambda views: views.next_help_session,
}
"""Context values derived from the build's date: reading one records it as a view whose digest is its value.

The date is in no unit's digest otherwise. `upcoming_events` and `past_events` change
with it too, and their view digests are made from the lists themselves.
"""

DATED_KEYS = frozenset(DATED_SOURCES)

DATE_VIEW = "ctx:today"
"""The view of outputs made from the date itself (feeds leave out past dates): they change every day."""


def context_view(views: SiteViews, name: str) -> Any:
    """Today's value of a view a page recorded (`ctx:schools`, `ctx:schools_in_band:["6-8"]`, `ctx:members`)."""
    key, _, args = name.removeprefix("ctx:").partition(":")
    if key == "members":
        return tuple(views.site.schools)
    if key in DATED_SOURCES:
        return DATED_SOURCES[key](views)
    source = VIEW_SOURCES[key](views)
    return source(*json.loads(args)) if args else source


def track_context(context: dict[str, Any], uses: Uses) -> dict[str, Any]:
    """The same render context with every value that can reach other schools wrapped."""
    tracked: dict[str, Any] = {}
    for key, value in context.items():
        if key in SAFE_KEYS:
            tracked[key] = value
        elif key in DATED_KEYS:
            tracked[key] = Recorded(value, functools.partial(uses.views.add, f"ctx:{key}"))
        elif key == "site":
            tracked[key] = TrackedSite(value, uses)
        elif key == "jsonld":
            tracked[key] = TrackedStructuredData(value, uses)
        elif key in ("flyers", "cards"):
            tracked[key] = None if value is None else TrackedIndex(key, value, uses)
        elif key in ALL_SCHOOLS_KEYS and callable(value):
            tracked[key] = _view_call(key, value, uses)
        elif key in ALL_SCHOOLS_KEYS and isinstance(value, Mapping):
            tracked[key] = AllSchoolsMapping(key, value, uses)
        elif key in ALL_SCHOOLS_KEYS and isinstance(value, Sequence):
            tracked[key] = AllSchoolsSequence(key, value, uses)
        else:
            uses.everything()  # unknown to incremental builds: assume it shows every school
            tracked[key] = value
    return tracked
