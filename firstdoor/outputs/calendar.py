"""Calendar files (iCalendar, RFC 5545) in every language, built with the `icalendar` library.

Per language: one `.ics` per dated item (`<lang>/events/<key>.ics`: each open house and
help session, the application opening, deadline and results, each school's own
deadline), one per school (`<lang>/schools/<id>/calendar.ics`) and one for the district
(`<lang>/calendar.ics`). Times carry the district's TZID with its VTIMEZONE, so a phone
shows 10:00 at the school whatever zone the phone is in.

A school's files (its calendar, its events' and its own deadline's `.ics`) need only that
school, so they are a unit of their own (`units.py`); the district's need every school.

Determinism: UIDs are `<key>@<site host>` (the same in every language and every build,
so re-importing updates instead of duplicating), and DTSTAMP is the day applications
open, at midnight UTC: a value from the content, not the clock, so the same content
always builds the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event, Timezone

from firstdoor import views
from firstdoor.formatting import Formatter
from firstdoor.i18n import Translator
from firstdoor.languages import Language
from firstdoor.model import Event as EventModel
from firstdoor.model import School, Site
from firstdoor.plan import page_url

PRODID = "-//firstdoor//magnet school calendar//EN"
_END = b"END:VCALENDAR\r\n"


def item_url(slug: str, key: str) -> str:
    """Where the `.ics` of one dated item is written (`es/events/lincoln-stem-20261205-1000.ics`)."""
    return f"{slug}/events/{key}.ics"


def school_calendar_url(slug: str, school_id: str) -> str:
    """Where a school's calendar is written."""
    return f"{slug}/schools/{school_id}/calendar.ics"


def district_calendar_url(slug: str) -> str:
    """Where the district calendar of a language is written."""
    return f"{slug}/calendar.ics"


@dataclass(frozen=True)
class CalendarLinks:
    """Links from one page to calendar files; templates call `ics.event(e)`, `ics.item('deadline')`..."""

    slug: str
    keys: dict[int, str]
    url: Callable[[str], str]

    def event(self, event: object) -> str:
        """The `.ics` of one open house or help session."""
        return self.url(item_url(self.slug, self.keys[id(event)]))

    def item(self, key: str) -> str:
        """The `.ics` of an application date: `opens`, `deadline`, `results` or `deadline-<school id>`."""
        return self.url(item_url(self.slug, f"application-{key}"))

    def school(self, school_id: str) -> str:
        """A school's calendar."""
        return self.url(school_calendar_url(self.slug, school_id))

    def district(self) -> str:
        """The district calendar."""
        return self.url(district_calendar_url(self.slug))


@dataclass(frozen=True)
class _Item:
    """One VEVENT before serialisation."""

    key: str
    summary: str
    start: dt.date
    end: dt.date | None
    page: str
    location: str = ""
    description: str = ""
    alarm: bool = False


@dataclass
class CalendarCache:
    """Serialised pieces of calendars, shared by every calendar one renderer writes.

    Building a zone from the time zone database and serialising it is most of the work of
    a one-event calendar, and its bytes depend only on the zone and the years it covers.
    A VEVENT's bytes depend only on its item, the site's base URL and DTSTAMP: a school's
    events, serialised for its own calendar, are reused by the district calendar.
    """

    zones: dict[tuple[str, dt.date, dt.date], bytes] = field(default_factory=dict)
    events: dict[tuple[str, dt.datetime, _Item], bytes] = field(default_factory=dict)
    """(base URL, DTSTAMP, item) -> the VEVENT, for the language of `language`."""
    language: str | None = None

    def use_language(self, tag: str) -> None:
        """Keep only the events of `tag` from now on: units come language by language, and a
        worker holding every language's events would hold tens of megabytes it no longer needs."""
        if tag != self.language:
            self.events.clear()
            self.language = tag

    def zone(self, tzid: str, first: dt.date, last: dt.date) -> bytes:
        """The VTIMEZONE of `tzid` from `first` to `last`, serialised."""
        key = (tzid, first, last)
        if key not in self.zones:
            self.zones[key] = bytes(Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical())
        return self.zones[key]


class CalendarWriter:
    """The calendar files of one language: each school's (`school_files`) and the district's (`district_files`).

    Each VEVENT is serialised once (per `CalendarCache`) and its bytes spliced into every
    calendar that holds it (its own `.ics`, its school's, the district's): a calendar is its
    header, its zone and its events, one after the other, exactly as icalendar writes the whole.
    """

    def __init__(self, site: Site, language: Language, translator: Translator, fmt: Formatter,
                 base_url: str, cache: CalendarCache, keys: dict[int, str] | None = None) -> None:
        """`keys`: `views.event_keys(site)`, if the caller already has them."""
        self.site, self.language, self.tr, self.fmt, self.cache = site, language, translator, fmt, cache
        self.base_url = base_url.rstrip("/") + "/"
        self.host = urlsplit(self.base_url).hostname or "firstdoor"
        self.keys = views.event_keys(site) if keys is None else keys
        opens = site.district.application.opens
        self.stamp = dt.datetime(opens.year, opens.month, opens.day, tzinfo=dt.timezone.utc)

    def school_files(self, school_id: str) -> dict[str, bytes]:
        """A school's calendar and the `.ics` of its own items (its events, its own deadline), by output path."""
        slug = self.language.slug
        dates, events = self._school_items(school_id)
        name = self.tr.plain(self.site.schools[school_id].name)
        files = {school_calendar_url(slug, school_id): self._calendar(dates + events, name)}
        for item in self._own_items(school_id, dates, events):
            files[item_url(slug, item.key)] = self._calendar([item], item.summary)
        return dict(sorted(files.items()))

    def district_files(self) -> dict[str, bytes]:
        """The district calendar (every dated item of every school) and the `.ics` of the district's own items."""
        slug = self.language.slug
        district = self._district_items()
        files = {item_url(slug, item.key): self._calendar([item], item.summary) for item in district}
        every = list(district)
        for sid, _ in views.schools_in_order(self.site):
            every += self._own_items(sid, *self._school_items(sid))
        name = self._label("Magnet schools") + " · " + self._district_name()
        files[district_calendar_url(slug)] = self._calendar(every, name)
        return dict(sorted(files.items()))

    # -- items ----------------------------------------------------------------------------

    def _school_items(self, school_id: str) -> tuple[list[_Item], list[_Item]]:
        """A school's application dates (opening, deadline, results) and its events."""
        school = self.site.schools[school_id]
        return self._application_items(school, school_id), [self._event_item(e, school_id) for e in school.events]

    def _own_items(self, school_id: str, dates: list[_Item], events: list[_Item]) -> list[_Item]:
        """What only this school has: its own deadline, if it differs from the district's, and its events."""
        own = [dates[1]] if views.has_own_deadline(self.site, self.site.schools[school_id]) else []
        return own + events

    def _district_items(self) -> list[_Item]:
        items = self._application_items(None, None)
        for event in self.site.district.application.help_sessions:
            items.append(self._event_item(event, None))
        return items

    def _application_items(self, school: School | None, school_id: str | None) -> list[_Item]:
        """Opening, deadline and results; a school with its own deadline gets that one instead."""
        app = self.site.district.application
        home = page_url("apply", self.language.slug)
        who = self._district_name()
        deadline_key, deadline = "application-deadline", app.deadline
        if school is not None and school_id is not None:
            who = self.tr.plain(school.name)
            if views.has_own_deadline(self.site, school):
                deadline_key, deadline = f"application-deadline-{school_id}", self.site.deadline_for(school)
        return [
            _Item("application-opens", f"{self._label('Applications open')} · {who}", app.opens, None, home),
            _Item(deadline_key, f"{self._label('Deadline to apply')} · {who}", deadline, None, home,
                  alarm=True),
            _Item("application-results", f"{self._label('Results are sent to families')} · {who}",
                  app.results, None, home),
        ]

    def _event_item(self, event: EventModel, school_id: str | None) -> _Item:
        title = self.tr.plain(event.title)
        place = self.tr.plain(event.place) if event.place else ""
        page = page_url("events", self.language.slug)
        if school_id is not None:
            school = self.site.schools[school_id]
            title = f"{title} · {self.tr.plain(school.name)}"
            place = ", ".join(p for p in (place, school.address) if p)
            page = page_url("school", self.language.slug, school_id)
        lines = []
        if event.details:
            lines.append(self.tr.plain(event.details))
        if event.languages:
            names = self.fmt.list(self.fmt.language_name(tag) for tag in event.languages)
            lines.append(self._label("Interpreters: %(languages)s", languages=names))
        lines.append(self.base_url + page)
        return _Item(self.keys[id(event)], title, event.start, event.end, page, place, "\n\n".join(lines))

    # -- serialisation ----------------------------------------------------------------------

    def new_calendar(self, name: str) -> Calendar:
        """An empty calendar with the properties every calendar of the site has."""
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("name", name)
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", self.site.district.timezone)
        return cal

    def _calendar(self, items: list[_Item], name: str) -> bytes:
        header = bytes(self.new_calendar(name).to_ical())
        assert header.endswith(_END)
        parts = [header[:-len(_END)]]
        ordered = sorted(items, key=lambda i: (_instant(i.start), i.key))
        timed = [i.start for i in ordered if isinstance(i.start, dt.datetime)]
        if timed:
            # whole years, so the zone carries its daylight-saving rules and not just one offset
            first, last = dt.date(min(timed).year, 1, 1), dt.date(max(timed).year + 1, 1, 1)
            parts.append(self.cache.zone(self.site.district.timezone, first, last))
        parts += [self._event_bytes(item) for item in ordered]
        parts.append(_END)
        return b"".join(parts)

    def _event_bytes(self, item: _Item) -> bytes:
        """One VEVENT, serialised once per cache."""
        key = (self.base_url, self.stamp, item)
        if key not in self.cache.events:
            self.cache.events[key] = bytes(self._event(item).to_ical())
        return self.cache.events[key]

    def _event(self, item: _Item) -> Event:
        event = Event()
        event.add("uid", f"{item.key}@{self.host}")
        event.add("dtstamp", self.stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.start)
        if item.end is not None:
            event.add("dtend", item.end)
        elif not isinstance(item.start, dt.datetime):
            event.add("dtend", item.start + dt.timedelta(days=1))  # a whole day
        event.add("transp", "TRANSPARENT" if not isinstance(item.start, dt.datetime) else "OPAQUE")
        if item.location:
            event.add("location", item.location)
        event.add("description", item.description or self.base_url + item.page)
        event.add("url", self.base_url + item.page)
        if item.alarm:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", dt.timedelta(days=-1))
            event.add_component(alarm)
        return event

    def _label(self, message: str, **variables: str) -> str:
        return str(self.tr.gettext(message, **variables).striptags())

    def _district_name(self) -> str:
        district = self.site.district
        return self.tr.plain(district.short_name or district.name)


def _instant(when: dt.date) -> dt.datetime:
    """A sortable moment: a whole day sorts at its midnight in the district's zone."""
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.timezone.utc)
    return dt.datetime.combine(when, dt.time.min, dt.timezone.utc)
