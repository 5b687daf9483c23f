"""Facts derived from the model that pages, flyers and feeds share.

Templates stay free of logic: the order of schools, the application timeline, events
upcoming first, which schools' buses serve a ZIP code are computed here once, the same
way for every output, so a deadline or a bus never reads differently on two of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from firstdoor.model import Event, School, Site, Step
from firstdoor.values import Prose


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
