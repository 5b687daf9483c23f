"""schema.org JSON-LD for school pages and the events page, in the page's language.

Search engines and assistants read it to answer "magnet school open house near me" with
the right date. The JSON is escaped for the inside of a `<script>` element: every `<`,
`>` and `&` becomes a `\\u` escape, so no content (a school named `</script>...`) can
close the element or open a comment (`security.json_for_script`); the JSON still parses
to the same strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from firstdoor import views
from firstdoor.i18n import Translator
from firstdoor.model import Event, School, Site
from firstdoor.plan import page_url
from firstdoor.security import json_for_script

OFFLINE = "https://schema.org/OfflineEventAttendanceMode"
SCHEDULED = "https://schema.org/EventScheduled"


def script_json(data: Any) -> Markup:
    """`data` as a JSON-LD `<script>` element that content can never break out of."""
    return Markup('<script type="application/ld+json">') + json_for_script(data) + Markup("</script>")


def school_type(school: School) -> str:
    """The most specific schema.org type the grades allow (ElementarySchool for K-5...)."""
    numbers = school.grades.numbers()
    if max(numbers) <= 5:
        return "ElementarySchool"
    if min(numbers) >= 6 and max(numbers) <= 8:
        return "MiddleSchool"
    if min(numbers) >= 9:
        return "HighSchool"
    return "School"


def _iso(value: dt.date) -> str:
    return value.isoformat()


@dataclass(frozen=True)
class StructuredData:
    """Builds the JSON-LD of one page; `absolute` turns a site path into a full URL."""

    site: Site
    translator: Translator
    slug: str
    base_url: str
    source_tag: str
    images: dict[str, str]
    """Content image src -> absolute URL of its largest copy."""

    def school(self, school_id: str) -> Markup:
        """A school, its magnet program and its open houses, as one `@graph`."""
        school = self.site.schools[school_id]
        page = self.base_url + page_url("school", self.slug, school_id)
        app = self.site.district.application
        node: dict[str, Any] = {
            "@type": school_type(school), "@id": page + "#school", "name": self.translator.plain(school.name),
            "description": self.translator.plain(school.tagline), "url": page, "address": school.address,
            "parentOrganization": self._district(),
            "contactPoint": self._contact_points(school),
        }
        optional = {"telephone": school.phone, "email": school.email, "sameAs": school.website}
        node.update({k: v for k, v in optional.items() if v})
        if school.location:
            node["geo"] = {"@type": "GeoCoordinates", "latitude": school.location.lat,
                           "longitude": school.location.lon}
        if school.nces_id:
            node["identifier"] = {"@type": "PropertyValue", "propertyID": "NCES", "value": school.nces_id}
        if school.images:
            node["image"] = [self.images[image.src] for image in school.images]
        program: dict[str, Any] = {
            "@type": "EducationalOccupationalProgram", "@id": page + "#program",
            "name": self.translator.plain(school.name), "provider": {"@id": page + "#school"},
            "url": app.apply_url, "educationalProgramMode": "in-person",
            "applicationStartDate": _iso(app.opens),
            "applicationDeadline": _iso(self.site.deadline_for(school)),
            "programType": [self.translator.plain(self.site.district.themes[t]) for t in school.themes],
        }
        if school.seats is not None:
            program["maximumEnrollment"] = school.seats
        events = [self._event(e, school, page) for e in sorted(school.events, key=lambda e: e.start)]
        return script_json({"@context": "https://schema.org", "@graph": [node, program, *events]})

    def events(self) -> Markup:
        """Every open house and help session of the district."""
        nodes = []
        for listed in views.all_events(self.site):
            school = self.site.schools[listed.school_id] if listed.school_id else None
            page = self.base_url + (page_url("school", self.slug, listed.school_id) if listed.school_id
                                    else page_url("events", self.slug))
            nodes.append(self._event(listed.event, school, page))
        return script_json({"@context": "https://schema.org", "@graph": nodes})

    def _event(self, event: Event, school: School | None, page: str) -> dict[str, Any]:
        place: dict[str, Any] = {"@type": "Place", "name": self.translator.plain(event.place) if event.place
                                 else (self.translator.plain(school.name) if school else "")}
        if school:
            place["address"] = school.address
        node: dict[str, Any] = {
            "@type": "Event", "name": self.translator.plain(event.title), "startDate": event.start.isoformat(),
            "location": place, "eventAttendanceMode": OFFLINE, "eventStatus": SCHEDULED,
            "inLanguage": sorted({self.source_tag, *event.languages}), "isAccessibleForFree": True,
            "url": page, "organizer": {"@id": page + "#school"} if school else self._district(),
        }
        if event.end:
            node["endDate"] = event.end.isoformat()
        if event.details:
            node["description"] = self.translator.plain(event.details)
        return node

    def _district(self) -> dict[str, Any]:
        district = self.site.district
        return {"@type": "EducationalOrganization", "name": self.translator.plain(district.name),
                "url": self.base_url + page_url("home", self.slug)}

    def _contact_points(self, school: School) -> list[dict[str, Any]]:
        contact = self.site.district.contact
        points: list[dict[str, Any]] = []
        if school.phone or school.email:
            point: dict[str, Any] = {"@type": "ContactPoint", "contactType": "school office"}
            point.update({k: v for k, v in {"telephone": school.phone, "email": school.email}.items() if v})
            if school.languages and school.languages.staff:
                point["availableLanguage"] = sorted({self.source_tag, *school.languages.staff})
            points.append(point)
        help_line: dict[str, Any] = {"@type": "ContactPoint", "contactType": "admissions",
                                     "telephone": contact.phone}
        if contact.email:
            help_line["email"] = contact.email
        if contact.languages:
            help_line["availableLanguage"] = list(contact.languages)
        points.append(help_line)
        return points
