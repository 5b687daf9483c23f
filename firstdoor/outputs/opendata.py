"""Open data: `/schools.json`, `/schools.csv` and the JSON Schema of `schools.json`.

Every school's facts and its page in every language, for other apps and for staff
spreadsheets. The record is declared once as a pydantic model; the published JSON
Schema is generated from it, so the data and its schema cannot drift apart.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

from firstdoor.languages import Language
from firstdoor.model import School, Site
from firstdoor.plan import page_url
from firstdoor.views import schools_in_order

SCHEMA_URL = "schools.schema.json"


class OpenSchool(BaseModel):
    """One school in `schools.json`: facts as data, prose in the source language."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    id: str
    """The school's id, also the last part of its web addresses."""
    name: str
    """The school's name in the district's source language."""
    tagline: str
    themes: list[str]
    """Keys of the district's themes."""
    theme_labels: list[str]
    """The themes' labels in the source language."""
    grades: list[str]
    """Grades served: PK, TK, K, 1 ... 12."""
    model: Literal["whole-school", "program-within-school"]
    seats: int | None
    address: str
    latitude: float | None
    longitude: float | None
    phone: str | None
    email: str | None
    website: str | None
    nces_id: str | None
    bus: Literal["free", "limited", "none"]
    bus_zip_codes: list[str]
    admission_method: str
    applicants_last_year: int | None
    offers_last_year: int | None
    deadline: str
    """The deadline that applies to this school, ISO 8601 with the district's offset."""
    urls: dict[str, str]
    """The school's page in every language: language tag -> absolute URL."""


class OpenData(BaseModel):
    """The whole of `schools.json`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    district: str
    source_language: str
    languages: list[str]
    application_opens: str
    application_deadline: str
    results: str
    apply_url: str
    schools: list[OpenSchool]


def _iso(value: dt.date) -> str:
    return value.isoformat()


def open_school(school_id: str, school: School, site: Site, languages: tuple[Language, ...], base: str) -> OpenSchool:
    """The open-data record of one school."""
    last = school.admission.last_year
    return OpenSchool(
        id=school_id, name=school.name.text, tagline=school.tagline.text, themes=list(school.themes),
        theme_labels=[site.district.themes[key].text for key in school.themes],
        grades=list(school.grades.levels), model=school.model, seats=school.seats, address=school.address,
        latitude=school.location.lat if school.location else None,
        longitude=school.location.lon if school.location else None,
        phone=school.phone, email=school.email, website=school.website, nces_id=school.nces_id,
        bus=school.transportation.bus, bus_zip_codes=list(school.transportation.zip_codes),
        admission_method=school.admission.method,
        applicants_last_year=last.applicants if last else None, offers_last_year=last.offers if last else None,
        deadline=_iso(site.deadline_for(school)),
        urls={lang.tag: base + page_url("school", lang.slug, school_id) for lang in languages},
    )


def open_data(site: Site, languages: tuple[Language, ...]) -> OpenData:
    """The open data of a whole site, schools in alphabetical order."""
    base = site.district.base_url.rstrip("/") + "/"
    app = site.district.application
    return OpenData(
        district=site.district.name.text, source_language=site.district.default_language,
        languages=[lang.tag for lang in languages], application_opens=_iso(app.opens),
        application_deadline=_iso(app.deadline), results=_iso(app.results), apply_url=app.apply_url,
        schools=[open_school(i, s, site, languages, base) for i, s in schools_in_order(site)],
    )


def schools_json(data: OpenData) -> str:
    """`schools.json`, pointing to its schema."""
    payload = {"$schema": SCHEMA_URL, **data.model_dump(mode="json")}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def schools_schema() -> str:
    """The JSON Schema of `schools.json`, generated from the model above."""
    schema = OpenData.model_json_schema()
    schema["properties"]["$schema"] = {"type": "string"}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def schools_csv(data: OpenData) -> str:
    """`schools.csv`: one row per school, lists joined with `;`, one URL column per language."""
    columns = [name for name in OpenSchool.model_fields if name != "urls"]
    header = columns + [f"url_{tag}" for tag in data.languages]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for school in data.schools:
        row = []
        for name in columns:
            value = getattr(school, name)
            row.append(csv_cell(";".join(value) if isinstance(value, list) else "" if value is None else value))
        writer.writerow(row + [school.urls[tag] for tag in data.languages])
    return out.getvalue()


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula (`=HYPERLINK(...)`, `@SUM`).

    Text that starts like a formula gets a leading apostrophe, the spreadsheets' own mark
    for "this is text"; numbers and phone numbers such as `+1 555 0100` are left as written.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "=@\t\r" or (value[0] in "+-" and any(c.isalpha() for c in value)):
        return "'" + value
    return value


def open_data_files(site: Site, languages: tuple[Language, ...]) -> list[tuple[str, str]]:
    """`/schools.json`, `/schools.csv` and `/schools.schema.json`."""
    data = open_data(site, languages)
    return [("schools.json", schools_json(data)), ("schools.csv", schools_csv(data)),
            (SCHEMA_URL, schools_schema())]
