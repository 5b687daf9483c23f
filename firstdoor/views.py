"""Facts derived from the model that pages, flyers and feeds share.

Templates stay free of logic: the order of schools, the application timeline, events
upcoming first, which schools' buses serve a ZIP code are computed here once, the same
way for every output, so a deadline or a bus never reads differently on two of them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Literal, Mapping

from firstdoor.model import Event, School, Site, Step
from firstdoor.values import GRADE_ORDER, Prose


def schools_in_order(site: Site) -> list[tuple[str, School]]:
    """Schools in alphabetical order of their (source) names; every list says so in words."""
    return sorted(site.schools.items(), key=lambda item: (item[1].name.text.casefold(), item[0]))


@dataclass(frozen=True)
class TimelineItem:
    """One dated (or undated) moment of applying."""

    kind: Literal["opens", "step", "deadline", "results"]
    when: dt.date | None
    title: Prose | None = None
    details: Prose | None = None


def _sort_key(when: dt.date | None) -> tuple[int, dt.datetime]:
    if when is None:
        return (1, dt.datetime.max)
    if isinstance(when, dt.datetime):
        return (0, when.replace(tzinfo=None))
    return (0, dt.datetime.combine(when, dt.time.min))


def timeline(site: Site, school: School | None = None) -> list[TimelineItem]:
    """The application timeline (district steps, plus a school's own), in date order.

    Steps keep their written order among themselves when undated.
    """
    app = site.district.application
    deadline = site.deadline_for(school) if school else app.deadline
    steps: list[Step] = list(app.steps)
    if school and school.application:
        steps += school.application.steps
    items = [TimelineItem("opens", app.opens), TimelineItem("deadline", deadline),
             TimelineItem("results", app.results)]
    items += [TimelineItem("step", s.date, s.title, s.details) for s in steps]
    dated = sorted((i for i in items if i.when is not None), key=lambda i: _sort_key(i.when))
    return dated + [i for i in items if i.when is None]


@dataclass(frozen=True)
class ListedEvent:
    """An event with what it belongs to (a school, or the district's help sessions)."""

    event: Event
    school_id: str | None
    kind: Literal["school", "help"]


def all_events(site: Site) -> list[ListedEvent]:
    """Every open house and help session, in start order."""
    events = [ListedEvent(e, None, "help") for e in site.district.application.help_sessions]
    for school_id, school in site.schools.items():
        events += [ListedEvent(e, school_id, "school") for e in school.events]
    return sorted(events, key=lambda item: (item.event.start, item.school_id or ""))


def split_upcoming(events: list[ListedEvent], today: dt.date) -> tuple[list[ListedEvent], list[ListedEvent]]:
    """Events from today on (soonest first), and past ones (most recent first)."""
    upcoming = [e for e in events if (e.event.end or e.event.start).date() >= today]
    past = [e for e in events if (e.event.end or e.event.start).date() < today]
    return upcoming, list(reversed(past))


def bus_by_zip(site: Site) -> dict[str, list[str]]:
    """ZIP code -> ids of schools whose free or limited bus serves it, ZIPs in order."""
    served: dict[str, list[str]] = {}
    for school_id, school in schools_in_order(site):
        if school.transportation.bus == "none":
            continue
        for code in school.transportation.zip_codes:
            served.setdefault(code, []).append(school_id)
    return dict(sorted(served.items()))


def has_own_deadline(site: Site, school: School) -> bool:
    """True when the school's deadline differs from the district's."""
    return site.deadline_for(school) != site.district.application.deadline


def next_deadline_days(site: Site, today: dt.date) -> int | None:
    """Days from `today` to the district deadline, or None once it has passed."""
    deadline = site.district.application.deadline
    day = deadline.date() if isinstance(deadline, dt.datetime) else deadline
    days = (day - today).days
    return days if days >= 0 else None


Level = Literal["early", "elementary", "middle", "high"]
LEVELS: tuple[Level, ...] = ("early", "elementary", "middle", "high")


def entry_level(school: School) -> Level:
    """The level a family enters the school at, from its lowest grade."""
    first = school.grades.numbers()[0]
    if first < 0:
        return "early"
    if first <= 5:
        return "elementary"
    return "middle" if first <= 8 else "high"


@dataclass(frozen=True)
class Neighborhood:
    """The schools a child from a ZIP code (or a named area) can take a school bus to."""

    kind: Literal["zip", "area"]
    key: str
    """The ZIP code, or the area's id."""
    zip_codes: tuple[str, ...]
    groups: tuple[tuple[Level, tuple[tuple[str, School], ...]], ...]
    """Schools with a bus, by entry level, alphabetical within each level."""
    others: int
    """How many other schools families can still choose, with no bus from here."""

    @property
    def count(self) -> int:
        """How many schools a bus from here serves."""
        return sum(len(schools) for _, schools in self.groups)


def neighborhood(site: Site, kind: Literal["zip", "area"], key: str, zip_codes: tuple[str, ...],
                 index: "ZipIndex | None" = None) -> Neighborhood:
    """The schools whose free or limited bus serves any of `zip_codes`, grouped by entry level."""
    index = index or ZipIndex.of(site)
    served = index.served(zip_codes)
    leveled = [(entry_level(item[1]), item) for item in served]
    groups = tuple((level, tuple(item for at, item in leveled if at == level)) for level in LEVELS)
    return Neighborhood(kind, key, zip_codes, tuple(g for g in groups if g[1]), len(site.schools) - len(served))


@dataclass(frozen=True)
class ZipIndex:
    """Which schools' free or limited bus serves each ZIP code, each list in `schools_in_order`.

    Built once, so every neighborhood costs only its own schools, not a pass over all of them.
    """

    by_zip: dict[str, tuple[tuple[int, str, School], ...]]

    @classmethod
    def of(cls, site: Site) -> "ZipIndex":
        """Index the schools of `site` by the ZIP codes their bus serves."""
        by_zip: dict[str, list[tuple[int, str, School]]] = {}
        for position, (school_id, school) in enumerate(schools_in_order(site)):
            if school.transportation.bus == "none":
                continue
            for code in dict.fromkeys(school.transportation.zip_codes):
                by_zip.setdefault(code, []).append((position, school_id, school))
        return cls({code: tuple(items) for code, items in by_zip.items()})

    def served(self, zip_codes: tuple[str, ...]) -> list[tuple[str, School]]:
        """Schools serving any of `zip_codes`, each once, in `schools_in_order`."""
        found = {item[0]: item for code in zip_codes for item in self.by_zip.get(code, ())}
        return [(found[position][1], found[position][2]) for position in sorted(found)]


def neighborhoods(site: Site) -> list[Neighborhood]:
    """Every served ZIP code, then every named area, in order."""
    index = ZipIndex.of(site)
    result = [neighborhood(site, "zip", code, (code,), index) for code in sorted(index.by_zip)]
    result += [neighborhood(site, "area", area_id, tuple(area.zip_codes), index)
               for area_id, area in sorted(site.district.areas.items())]
    return result


def next_help_session(site: Site, today: dt.date) -> Event | None:
    """The first help session from `today` on, if any."""
    upcoming = [e for e in site.district.application.help_sessions if e.start.date() >= today]
    return min(upcoming, key=lambda e: e.start) if upcoming else None


# --- the finder: themes, grade bands, the JavaScript filter's data ----------------------

GRADE_BANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pk-k", ("PK", "TK", "K")),
    ("1-5", ("1", "2", "3", "4", "5")),
    ("6-8", ("6", "7", "8")),
    ("9-12", ("9", "10", "11", "12")),
)
"""Grade bands of the finder pages (`/<lang>/grades/<band>/`): URL key and the grades in it."""


def band_grades(band: str) -> tuple[str, ...]:
    """The grades of a band key (`6-8` -> 6, 7, 8)."""
    return dict(GRADE_BANDS)[band]


def schools_with_theme(site: Site, theme: str) -> list[tuple[str, School]]:
    """Schools having `theme` among their themes, in the usual (alphabetical) order."""
    return [(sid, s) for sid, s in schools_in_order(site) if theme in s.themes]


def schools_in_band(site: Site, band: str) -> list[tuple[str, School]]:
    """Schools serving at least one grade of `band`, in the usual order."""
    grades = set(band_grades(band))
    return [(sid, s) for sid, s in schools_in_order(site) if grades & set(s.grades.levels)]


def instruction_languages(site: Site) -> list[str]:
    """Every language of instruction some school names, sorted by tag."""
    return sorted({tag for s in site.schools.values() if s.languages for tag in s.languages.instruction})


def grade_levels(site: Site) -> list[tuple[int, str]]:
    """Every grade some school serves, in order, as (number for the filter, level): (0, "K")."""
    served = {level for s in site.schools.values() for level in s.grades.levels}
    return [(i - 2, level) for i, level in enumerate(GRADE_ORDER) if level in served]


def filter_data(school: School) -> dict[str, str]:
    """The `data-*` attributes the home page's filter script reads from a school card.

    Grades are numbers (PK=-2, TK=-1, K=0) so the script compares them without a table.
    """
    data = {
        "grades": " ".join(str(n) for n in school.grades.numbers()),
        "themes": " ".join(school.themes),
        "bus": school.transportation.bus,
        "model": school.model,
        "langs": " ".join(school.languages.instruction if school.languages else []),
        "zips": " ".join(school.transportation.zip_codes if school.transportation.bus != "none" else []),
    }
    if school.location:
        data["lat"], data["lon"] = f"{school.location.lat:.5f}", f"{school.location.lon:.5f}"
    return data


def event_keys(site: Site) -> dict[int, str]:
    """A stable, readable key per event (`id(event)` -> `lincoln-stem-20261205-1000`).

    Keys name the event's owner and start, so they survive reordering the YAML; two events
    of one owner at the same minute get `-2`, `-3` in start order. Used in `.ics` file names
    and calendar UIDs.
    """
    keys: dict[int, str] = {}
    seen: dict[str, int] = {}
    for listed in all_events(site):
        base = f"{listed.school_id or 'help'}-{listed.event.start:%Y%m%d-%H%M}"
        seen[base] = seen.get(base, 0) + 1
        keys[id(listed.event)] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return keys


def upcoming_school_events(site: Site, school_id: str, today: dt.date) -> list[Event]:
    """A school's open houses and tours from `today` on, soonest first (what a flyer announces)."""
    listed = [e for e in all_events(site) if e.school_id == school_id]
    return [item.event for item in split_upcoming(listed, today)[0]]


class SiteViews:
    """The site-wide views every page may show, each computed once (on first use) per renderer.

    Pages used to recompute them for every page, which made a build quadratic in the
    number of schools. They are shared by all pages, so they are immutable (tuples,
    read-only mappings): a template can never change what the next page sees.
    """

    def __init__(self, site: Site, today: dt.date) -> None:
        self.site = site
        self.today = today
        self._lists: dict[tuple[str, str], tuple[tuple[str, School], ...]] = {}
        self._memo: dict[str, Any] = {}

    @functools.cached_property
    def schools_in_order(self) -> tuple[tuple[str, School], ...]:
        """`schools_in_order(site)`."""
        return tuple(schools_in_order(self.site))

    @functools.cached_property
    def timeline(self) -> tuple[TimelineItem, ...]:
        """The district's application timeline."""
        return tuple(timeline(self.site))

    @functools.cached_property
    def events(self) -> tuple[tuple[ListedEvent, ...], tuple[ListedEvent, ...]]:
        """Upcoming events (soonest first) and past ones (most recent first)."""
        upcoming, past = split_upcoming(all_events(self.site), self.today)
        return tuple(upcoming), tuple(past)

    @functools.cached_property
    def bus_by_zip(self) -> Mapping[str, tuple[str, ...]]:
        """`bus_by_zip(site)`."""
        return MappingProxyType({code: tuple(ids) for code, ids in bus_by_zip(self.site).items()})

    @functools.cached_property
    def neighborhoods(self) -> tuple[Neighborhood, ...]:
        """`neighborhoods(site)`."""
        return tuple(neighborhoods(self.site))

    @functools.cached_property
    def neighborhood_by_key(self) -> Mapping[tuple[str, str], Neighborhood]:
        """Each neighborhood by (kind, key), for its own page."""
        return MappingProxyType({(place.kind, place.key): place for place in self.neighborhoods})

    @functools.cached_property
    def next_help_session(self) -> Event | None:
        """`next_help_session(site, today)`."""
        return next_help_session(self.site, self.today)

    @functools.cached_property
    def days_left(self) -> int | None:
        """`next_deadline_days(site, today)`."""
        return next_deadline_days(self.site, self.today)

    @functools.cached_property
    def instruction_languages(self) -> tuple[str, ...]:
        """`instruction_languages(site)`."""
        return tuple(instruction_languages(self.site))

    @functools.cached_property
    def grade_levels(self) -> tuple[tuple[int, str], ...]:
        """`grade_levels(site)`."""
        return tuple(grade_levels(self.site))

    @functools.cached_property
    def event_keys(self) -> dict[int, str]:
        """`event_keys(site)` (shared: never change it)."""
        return event_keys(self.site)

    def schools_with_theme(self, theme: str) -> tuple[tuple[str, School], ...]:
        """`schools_with_theme(site, theme)`, each theme computed once."""
        return self._by("theme", theme, lambda: schools_with_theme(self.site, theme))

    def schools_in_band(self, band: str) -> tuple[tuple[str, School], ...]:
        """`schools_in_band(site, band)`, each band computed once."""
        return self._by("band", band, lambda: schools_in_band(self.site, band))

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value derived from the whole site by another module, computed once (`compute()`)."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def _by(self, kind: str, key: str, compute: Callable[[], list[tuple[str, School]]],
            ) -> tuple[tuple[str, School], ...]:
        found = self._lists.get((kind, key))
        if found is None:
            found = self._lists[(kind, key)] = tuple(compute())
        return found
