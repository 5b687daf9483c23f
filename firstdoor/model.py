"""The content model: the one place that says what a district and a school are.

Every class mirrors a section of the content contract (`docs/content-reference.md`
is generated from these classes and their field docstrings). Models are frozen and
refuse unknown keys; `validate.py` turns raw YAML into them and reports every problem.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from firstdoor.values import (Date, DateOrDateTime, DateTime, Email, Grades, LanguageTag,
                              Markdown, NcesId, Phone, SchoolId, SiteUrl, Text, Time, Url,
                              VocabularyKey, ZipCode, max_chars)


class Model(BaseModel):
    """Base of every content section: frozen, strict about unknown keys, documented."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              arbitrary_types_allowed=True, hide_input_in_errors=True)


AdmissionMethod = Literal["lottery", "weighted-lottery", "interview", "essay", "audition",
                          "portfolio", "test"]
BusService = Literal["free", "limited", "none"]
SchoolModel = Literal["whole-school", "program-within-school"]
Direction = Literal["ltr", "rtl"]


class LanguageOverride(Model):
    """How to show a language CLDR lacks or gets wrong."""

    name: str | None = None
    """The language's name in itself (endonym), as shown in the language menu."""
    english_name: str | None = None
    """The language's name in English."""
    direction: Direction | None = None
    """Writing direction: ltr or rtl."""
    formats_like: LanguageTag | None = None
    """A locale CLDR knows whose date and number patterns are borrowed."""
    months: Annotated[list[str], Field(min_length=12, max_length=12)] | None = None
    """Twelve month names, January first, replacing the borrowed ones."""
    days: Annotated[list[str], Field(min_length=7, max_length=7)] | None = None
    """Seven weekday names, Monday first."""
    date_format: str | None = None
    """A CLDR date pattern for long dates, e.g. "d MMMM y"."""
    plural_forms: str | None = None
    """The gettext plural rule for this language's catalogs."""


class Contact(Model):
    """The district's help line for families."""

    phone: Phone
    """The help line's phone number."""
    email: Email | None = None
    """An e-mail address families can write to."""
    address: str | None = None
    """The choice office's street address."""
    hours: Text | None = None
    """When the help line answers (prose)."""
    languages: list[LanguageTag] = []
    """Languages the help line speaks."""
    interpreter: bool = False
    """True when a free interpreter is offered on request for any language."""


class Step(Model):
    """One step of applying, in order."""

    title: Text
    """What to do, in a few words."""
    details: Markdown | None = None
    """More about this step (Markdown)."""
    date: DateOrDateTime | None = None
    """When this step happens or is due."""


class Event(Model):
    """An open house, a tour or a help session."""

    title: Text
    """The event's name."""
    start: DateTime
    """When it starts (district time)."""
    end: DateTime | None = None
    """When it ends (district time)."""
    place: Text | None = None
    """Where it happens (prose)."""
    languages: list[LanguageTag] = []
    """Languages interpretation is offered in."""
    details: Markdown | None = None
    """More about the event (Markdown)."""


class Application(Model):
    """The district-wide application window and how to apply."""

    opens: Date
    """The first day families can apply."""
    deadline: DateOrDateTime
    """The last moment to apply (a date means the end of that day)."""
    results: Date
    """The day families hear their results."""
    apply_url: Url
    """Where families apply online."""
    max_choices: Annotated[int, Field(ge=1, le=50)] | None = None
    """How many schools a family may rank."""
    how_it_works: Markdown
    """How the lottery works, in plain words (Markdown)."""
    paper: Markdown | None = None
    """Paper applications: where to get and return them (Markdown)."""
    steps: list[Step] = []
    """District-wide steps, in order."""
    help_sessions: list[Event] = []
    """In-person help completing the application."""


PaperSize = Literal["letter", "a4"]


class Area(Model):
    """A neighborhood or feeder pattern families know by name, made of ZIP codes."""

    name: Text
    """The area's name, as families say it."""
    zip_codes: Annotated[list[ZipCode], Field(min_length=1)]
    """The ZIP codes the area covers."""


class PrintSettings(Model):
    """What firstdoor prints besides the web pages."""

    zip_sheets: bool = False
    """Make a one-page PDF per ZIP code and area (opt-in: state-sized sites have thousands)."""
    paper_size: PaperSize = "letter"
    """Paper of the flyers: letter (US Letter, the default) or a4."""
    pair: Annotated[list[LanguageTag], Field(min_length=2, max_length=2)] | None = None
    """Two site languages, e.g. [en, es]: each school also gets a flyer with one on the front, one on the back."""


class District(Model):
    """`content/district.yaml`: the district, its languages, the application window."""

    name: Text
    """The district's full name."""
    short_name: Text | None = None
    """A short name for headers and small spaces."""
    base_url: SiteUrl
    """The site's public address, used for absolute links, the sitemap and QR codes."""
    timezone: str
    """IANA timezone; every date-time without an offset is local to it."""
    default_language: LanguageTag
    """The language all prose is written in."""
    languages: Annotated[list[LanguageTag], Field(min_length=1)]
    """Languages of the site (BCP 47), in the order of the language menu."""
    language_overrides: dict[LanguageTag, LanguageOverride] = {}
    """Names and formats for languages CLDR lacks or gets wrong."""
    intro: Markdown
    """What magnet schools are and why choose one (Markdown)."""
    contact: Contact
    """The help line."""
    application: Application
    """The application window and how to apply."""
    transportation: Markdown
    """The district-wide transportation policy (Markdown)."""
    themes: Annotated[dict[VocabularyKey, Text], Field(min_length=1)]
    """Vocabulary of school themes: key and label."""
    priorities: dict[VocabularyKey, Text] = {}
    """Vocabulary of admission priorities: key and label."""
    services: dict[VocabularyKey, Text] = {}
    """Vocabulary of school services: key and label."""
    areas: dict[VocabularyKey, Area] = {}
    """Neighborhoods or feeder patterns, each a name and its ZIP codes."""
    print: PrintSettings = PrintSettings()
    """Printed material settings."""


class Location(Model):
    """A point on the map."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    """Latitude in degrees."""
    lon: Annotated[float, Field(ge=-180, le=180)]
    """Longitude in degrees."""


class Hours(Model):
    """The school day."""

    start: Time
    """When the school day starts, "HH:MM"."""
    end: Time
    """When the school day ends, "HH:MM"."""


class Care(Model):
    """Before- and after-school care."""

    before: bool = False
    """Care before school."""
    after: bool = False
    """Care after school."""
    details: Markdown | None = None
    """Cost, hours, how to sign up (Markdown)."""


class SchoolLanguages(Model):
    """Languages at the school."""

    instruction: list[LanguageTag] = []
    """Languages of instruction (immersion)."""
    staff: list[LanguageTag] = []
    """Languages family liaisons speak."""


class Accessibility(Model):
    """How accessible the building is."""

    level: Literal["full", "partial", "none"]
    """full, partial or none."""
    details: Markdown | None = None
    """Elevator, accessible entrance... (Markdown)."""


class LastYear(Model):
    """Last year's admission numbers, for transparency."""

    applicants: Annotated[int, Field(ge=0)]
    """How many families applied."""
    offers: Annotated[int, Field(ge=0)]
    """How many seats were offered."""


class Admission(Model):
    """How students are admitted."""

    method: AdmissionMethod
    """lottery, weighted-lottery, interview, essay, audition, portfolio or test."""
    priorities: list[VocabularyKey] = []
    """Keys of the district's priorities, in order."""
    requirements: Markdown | None = None
    """What a family must do or provide (Markdown)."""
    last_year: LastYear | None = None
    """Last year's applicants and offers."""


class Stop(Model):
    """A bus stop."""

    place: Text
    """Where the bus stops (prose)."""
    time: Time | None = None
    """When the bus leaves it in the morning, "HH:MM"."""


class Transportation(Model):
    """How students get to the school."""

    bus: BusService
    """free, limited or none."""
    details: Markdown | None = None
    """Who is eligible, which zones (Markdown)."""
    stops: list[Stop] = []
    """Bus stops."""
    transit: Markdown | None = None
    """Public transit and passes (Markdown)."""
    zip_codes: list[ZipCode] = []
    """ZIP codes the free or limited bus serves."""
    interdistrict: bool | None = None
    """True when students from other districts are accepted."""


class SchoolApplication(Model):
    """School-specific additions to the district application."""

    deadline: DateOrDateTime | None = None
    """A deadline that replaces the district's for this school."""
    steps: list[Step] = []
    """Extra steps for this school."""


class Image(Model):
    """A photo of the school."""

    src: str
    """A path under content/images/."""
    alt: Text
    """What the picture shows, for people who cannot see it."""


class School(Model):
    """`content/schools/<id>.yaml`: one magnet school or program."""

    name: Text
    """The school's proper name."""
    themes: Annotated[list[VocabularyKey], Field(min_length=1)]
    """Keys of the district's themes."""
    tagline: Annotated[Text, max_chars(120)]
    """One line, at most 120 characters."""
    description: Markdown
    """What a day at the school is like (Markdown)."""
    grades: Grades
    """Grades served: "K-5", "6-8", "9-12", or a list such as [K, 1, 2]."""
    model: SchoolModel
    """whole-school or program-within-school."""
    seats: Annotated[int, Field(ge=0)] | None = None
    """Entry-grade seats for next year."""
    address: str
    """Street address."""
    location: Location | None = None
    """Latitude and longitude."""
    phone: Phone | None = None
    """The school's phone number."""
    email: Email | None = None
    """The school's e-mail address."""
    website: Url | None = None
    """The school's own website."""
    nces_id: NcesId | None = None
    """NCES school id, for open data."""
    hours: Hours | None = None
    """The school day."""
    care: Care | None = None
    """Before- and after-school care."""
    languages: SchoolLanguages | None = None
    """Languages of instruction and of staff."""
    services: list[VocabularyKey] = []
    """Keys of the district's services."""
    accessibility: Accessibility | None = None
    """The building's accessibility."""
    highlights: list[Text] = []
    """Short highlights."""
    admission: Admission
    """How students are admitted."""
    transportation: Transportation
    """How students get there."""
    application: SchoolApplication | None = None
    """School-specific application additions."""
    events: list[Event] = []
    """Open houses and tours."""
    images: list[Image] = []
    """Photos, each with alt text."""
    aliases: list[SchoolId] = []
    """Old ids of this school, after a rename: their web addresses keep leading to its page.

    Printed flyers carry a school's address as a QR code for years; each alias gives, in
    every language, a page at the old address that sends the reader on to the school's page."""


class Site(Model):
    """A whole validated site: the district and its schools by id, in id order."""

    district: District
    schools: dict[str, School]

    def deadline_for(self, school: School) -> dt.date:
        """The deadline that applies to `school` (its own, else the district's)."""
        if school.application and school.application.deadline:
            return school.application.deadline
        return self.district.application.deadline
