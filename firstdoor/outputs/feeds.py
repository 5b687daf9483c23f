"""An Atom feed per language of the dates families need: applications, deadline, results,
help sessions and open houses. Built with the standard library's XML writer; every
timestamp comes from the content, so the feed is byte-identical between builds."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from firstdoor.formatting import Formatter
from firstdoor.i18n import Translator
from firstdoor.model import Site
from firstdoor.plan import page_url
from firstdoor.views import all_events

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedEntry:
    """One dated item of the feed."""

    key: str
    """Stable part of the entry's id."""
    when: dt.datetime
    title: str
    summary: str
    link: str


def _moment(value: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=tz)


def feed_entries(site: Site, translator: Translator, fmt: Formatter, base: str, today: dt.date) -> list[FeedEntry]:
    """The upcoming dates, soonest first (past ones are left out)."""
    slug = translator.language.slug
    app = site.district.application
    tz = ZoneInfo(site.district.timezone)  # whole days start at midnight, district time
    def _(message: str) -> str:
        return translator.gettext(message).striptags()  # plain text: a feed has no markup

    entries = [
        FeedEntry("opens", _moment(app.opens, tz), _("Applications open"), fmt.date(app.opens),
                  base + page_url("apply", slug)),
        FeedEntry("deadline", _moment(app.deadline, tz), _("Deadline to apply"), fmt.moment(app.deadline),
                  base + page_url("apply", slug)),
        FeedEntry("results", _moment(app.results, tz), _("Results are sent to families"),
                  fmt.date(app.results), base + page_url("apply", slug)),
    ]
    for listed in all_events(site):
        event = listed.event
        title = translator.plain(event.title)
        if listed.school_id:
            title = f"{title} — {translator.plain(site.schools[listed.school_id].name)}"
            link = base + page_url("school", slug, listed.school_id)
        else:
            link = base + page_url("events", slug)
        summary = fmt.event_when(event.start, event.end)
        if event.place:
            summary += f" — {translator.plain(event.place)}"
        entries.append(FeedEntry(f"event-{listed.school_id or 'district'}-{event.start.isoformat()}",
                                 event.start, title, summary, link))
    upcoming = [e for e in entries if e.when.date() >= today]
    return sorted(upcoming, key=lambda e: (e.when, e.key))


def atom_feed(site: Site, translator: Translator, fmt: Formatter, base: str, today: dt.date) -> str:
    """The Atom document of one language."""
    ET.register_namespace("", ATOM)
    slug = translator.language.slug
    entries = feed_entries(site, translator, fmt, base, today)
    host = urlsplit(base).hostname or "firstdoor"
    year = site.district.application.opens.year
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": translator.language.tag})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"tag:{host},{year}:{slug}/feed"
    key_dates = translator.gettext("Key dates").striptags()
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{translator.plain(site.district.name)}: {key_dates}"
    stamp = max([e.when for e in entries], default=_moment(site.district.application.opens, None))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = stamp.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": base + f"{slug}/feed.atom"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": base + page_url("home", slug)})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = translator.plain(site.district.name)
    for entry in entries:
        node = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(node, f"{{{ATOM}}}id").text = f"tag:{host},{year}:{slug}/{entry.key}"
        ET.SubElement(node, f"{{{ATOM}}}title").text = entry.title
        ET.SubElement(node, f"{{{ATOM}}}updated").text = entry.when.isoformat()
        ET.SubElement(node, f"{{{ATOM}}}link", {"href": entry.link})
        ET.SubElement(node, f"{{{ATOM}}}summary").text = entry.summary
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def feed_files(site: Site, translators: dict[str, Translator], formatters: dict[str, Formatter],
               today: dt.date) -> list[tuple[str, str]]:
    """`/<lang>/feed.atom` for every language built."""
    base = site.district.base_url.rstrip("/") + "/"
    return [(f"{translator.language.slug}/feed.atom",
             atom_feed(site, translator.for_page(), formatters[tag], base, today))
            for tag, translator in translators.items()]
