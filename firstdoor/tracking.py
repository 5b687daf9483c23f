"""Which schools a page actually used, recorded while it renders.

An incremental build may reuse a page only if nothing it was built from changed. A
school's page obviously depends on its own school; a list page depends on every
school; but a district's own templates may show anything. So instead of guessing from
the page kind, the render context hands templates read-only wrappers that record use:

- `site.schools[id]` records that one school;
- iterating, counting or testing any list of all schools (`schools`, `site.schools`,
  `upcoming_events`, `bus_by_zip`, `neighborhoods`...) records "every school";
- a context value this module does not know also counts as "every school", so a new
  value added to the context can only make builds slower, never wrong.

Prose is reachable only through its school, so the schools used also say which
content translations (catalog entries with context `schools/<id>: ...`) the page used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from firstdoor.model import Site

SAFE_KEYS = frozenset({
    "here", "absolute", "url", "link", "asset", "lang", "languages", "translator", "vocab", "fmt",
    "gettext", "_", "ngettext", "pgettext", "N_", "district", "timeline", "next_help_session",
    "entry_level", "has_own_deadline", "deadline_for", "today", "days_left", "page_kinds", "notice_slot",
    "grade_bands", "band_grades", "filter_data", "ics", "images", "srcset", "og_image", "no_markup",
})
"""Context values that show nothing about schools other than the ones passed to them.

`ics` links an event to its calendar file by a key made from its owner and start only;
`images`, `srcset`, `og_image` show image files, which are in every page's digest.
"""

ALL_SCHOOLS_KEYS = frozenset({"schools", "upcoming_events", "past_events", "bus_by_zip", "neighborhoods",
                              "instruction_languages", "grade_levels", "schools_with_theme", "schools_in_band"})
"""Context values derived from every school: using them makes a page depend on all schools."""

WRAPPED_KEYS = frozenset({"site", "jsonld", "flyers", "cards"})
"""Context values wrapped to record exactly what a page asks of them (see `track_context`)."""


@dataclass
class Uses:
    """What one output used while rendering."""

    schools: set[str] = field(default_factory=set)
    all_schools: bool = False
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


class _EveryUse:
    """Read-only access to a collection derived from every school; any use records "every school"."""

    def __init__(self, items: Any, uses: Uses) -> None:
        self._items, self._uses = items, uses

    def __getitem__(self, key: Any) -> Any:
        self._uses.everything()
        return self._items[key]

    def __len__(self) -> int:
        self._uses.everything()
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        self._uses.everything()
        return iter(self._items)

    def __bool__(self) -> bool:
        self._uses.everything()
        return bool(self._items)


class AllSchoolsSequence(_EveryUse, Sequence[Any]):
    """A read-only list derived from every school (`schools`, `upcoming_events`...)."""


class AllSchoolsMapping(_EveryUse, Mapping[Any, Any]):
    """A read-only mapping derived from every school (`bus_by_zip`)."""


class TrackedSchools(_EveryUse, Mapping[str, Any]):
    """`site.schools`: looking one school up records that school; listing them records all."""

    def __getitem__(self, school_id: str) -> Any:
        self._uses.school(school_id)
        return self._items[school_id]

    def __contains__(self, school_id: object) -> bool:
        if isinstance(school_id, str):
            self._uses.school(school_id)
        return school_id in self._items


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


class TrackedStructuredData:
    """`jsonld`: a school's JSON-LD records that school; the lists of every school record them all."""

    def __init__(self, data: Any, uses: Uses) -> None:
        self._data, self._uses = data, uses

    def school(self, school_id: str) -> Any:
        """The JSON-LD of one school."""
        self._uses.school(school_id)
        return self._data.school(school_id)

    def __getattr__(self, name: str) -> Any:
        self._uses.everything()
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


def _calls_everything(function: Any, uses: Uses) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        uses.everything()
        return function(*args, **kwargs)
    return call


def track_context(context: dict[str, Any], uses: Uses) -> dict[str, Any]:
    """The same render context with every value that can reach other schools wrapped."""
    tracked: dict[str, Any] = {}
    for key, value in context.items():
        if key in SAFE_KEYS:
            tracked[key] = value
        elif key == "site":
            tracked[key] = TrackedSite(value, uses)
        elif key == "jsonld":
            tracked[key] = TrackedStructuredData(value, uses)
        elif key in ("flyers", "cards"):
            tracked[key] = None if value is None else TrackedIndex(key, value, uses)
        elif key in ALL_SCHOOLS_KEYS and callable(value):
            tracked[key] = _calls_everything(value, uses)
        elif key in ALL_SCHOOLS_KEYS and isinstance(value, Mapping):
            tracked[key] = AllSchoolsMapping(value, uses)
        elif key in ALL_SCHOOLS_KEYS and isinstance(value, Sequence):
            tracked[key] = AllSchoolsSequence(value, uses)
        else:
            uses.everything()  # unknown to incremental builds: assume it shows every school
            tracked[key] = value
    return tracked
