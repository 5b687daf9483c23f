"""Neighborhood sheets (`/<lang>/print/zip/<zip>.pdf`, `/<lang>/print/area/<id>.pdf`), rendered for real.

Every sample sheet in every sample language comes from the shared `sample_pdf` build (two
workers, the flyer cache), so each PDF is rendered once per test session.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from firstdoor.formatting import Formatter
from firstdoor.outputs.flyers import FlyerOptions, build_flyers
from firstdoor.outputs.html import PageRenderer
from firstdoor.pipeline import load_catalogs, load_site
from firstdoor.plan import FlyerSpec, build_languages
from firstdoor.render import create_environment
from firstdoor.views import neighborhoods
from tests.test_flyers import appears, pdf_info, pdf_text

pytestmark = pytest.mark.pdf

BASE = "https://choice.riverside.example.org/"


def sheets(sample: dict[str, Any]) -> list[tuple[Any, Any, Path]]:
    """(language, neighborhood, PDF) for every sample language and every ZIP code and area."""
    validated = sample["validated"]
    return [(language, place, sample["out"] / language.slug / "print" / place.kind / f"{place.key}.pdf")
            for language in validated.languages for place in neighborhoods(validated.site)]


def test_every_sample_sheet_is_one_page_in_every_language(sample_pdf: dict[str, Any]) -> None:
    found = sheets(sample_pdf)
    assert len(found) == 7 * 14  # 12 ZIP codes and 2 areas
    pages = {str(path.relative_to(sample_pdf["out"])): pdf_info(path)["Pages"] for _, _, path in found}
    assert set(pages.values()) == {"1"}, pages


def test_zip_served_by_two_schools_lists_exactly_those(sample_pdf: dict[str, Any]) -> None:
    site = sample_pdf["validated"].site
    served = sorted(sid for sid, s in site.schools.items() if "55106" in s.transportation.zip_codes
                    and s.transportation.bus != "none")
    assert len(served) == 2
    text = pdf_text(sample_pdf["out"] / "en" / "print" / "zip" / "55106.pdf")
    for school_id, school in site.schools.items():
        assert (school.name.text in text) == (school_id in served), school_id
    web = (sample_pdf["out"] / "en" / "zip" / "55106" / "index.html").read_text(encoding="utf-8")
    assert 'href="/en/print/zip/55106.pdf"' in web or "print/zip/55106.pdf" in web


def test_sheet_shows_deadline_in_the_language_format_and_the_numbers(sample_pdf: dict[str, Any]) -> None:
    validated = sample_pdf["validated"]
    deadline = validated.site.district.application.deadline
    for language, place, path in sheets(sample_pdf):
        if place.key not in ("55106", "east-side"):
            continue
        text = pdf_text(path)
        formatter = Formatter(language, validated.known_languages)
        assert appears(formatter.moment(deadline), text), (path, formatter.moment(deadline))
        for _, members in place.groups:
            for _, school in members:
                if school.seats is not None:
                    assert formatter.number(school.seats) in text, (path, school.seats)
                if school.admission.last_year:
                    assert formatter.number(school.admission.last_year.applicants) in text, path


def test_qr_code_opens_the_web_twin(sample_pdf: dict[str, Any], tmp_path: Path) -> None:
    for slug, kind, key in (("en", "zip", "55106"), ("ar", "zip", "55101"), ("so", "area", "east-side")):
        image = tmp_path / f"{slug}-{key}"
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile",
                        str(sample_pdf["out"] / slug / "print" / kind / f"{key}.pdf"), str(image)], check=True)
        decoded = subprocess.run(["zbarimg", "-q", "--raw", str(image) + ".png"], capture_output=True,
                                 text=True).stdout.strip()
        assert decoded == f"{BASE}{slug}/{kind}/{key}/"


def test_arabic_sheet_text_extracts_as_arabic(sample_pdf: dict[str, Any]) -> None:
    text = pdf_text(sample_pdf["out"] / "ar" / "print" / "zip" / "55106.pdf")
    assert "يناير" in text  # January
    assert "الصومالية" in text  # Somali, in the help line's languages


def test_staff_page_lists_sheets_and_a_zip_per_language(sample_pdf: dict[str, Any]) -> None:
    out = sample_pdf["out"]
    staff = (out / "es" / "flyers" / "index.html").read_text(encoding="utf-8")
    assert 'id="sheets-zip"' in staff and 'id="sheets-area"' in staff
    assert "/so/print/zip/55104.pdf" in staff and "/ar/print/area/east-side.pdf" in staff
    with zipfile.ZipFile(out / "so" / "print" / "sheets-so.zip") as archive:
        names = archive.namelist()
    assert len(names) == 14 and "sheets-so/zip-55104.pdf" in names
    with zipfile.ZipFile(out / "so" / "flyers" / "flyers-so.zip") as archive:
        assert not [n for n in archive.namelist() if "zip-" in n or "area-" in n]


def test_zip_served_by_sixty_schools_is_one_page(make_site, district, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    district["application"]["max_choices"] = 6
    schools = {}
    for n in range(60):
        item = dict(school, name=f"Magnet School Number {n:02d} of the Riverside District",
                    grades=("K-5", "6-8", "9-12")[n % 3], seats=40 + n)
        item["admission"] = {"method": "lottery", "last_year": {"applicants": 300 + n, "offers": 40 + n}}
        item["transportation"] = {"bus": "free", "zip_codes": ["55104"],
                                  "stops": [{"place": "Community center", "time": "07:15"}]}
        schools[f"school-{n:02d}"] = item
    site = make_site(district=district, schools=schools)
    validated = load_site(site)
    languages = build_languages(validated, ("en",))
    catalogs, _ = load_catalogs(validated, languages)
    env = create_environment(validated.files.templates_dir)
    pages = PageRenderer(validated, catalogs, env, languages, dt.date(2026, 11, 23), {})
    spec = FlyerSpec("zip", "en", "en", place="55104")
    built = build_flyers(pages, env, validated.files.templates_dir, [spec],
                         FlyerOptions(paper="letter", workers=1, cache_dir=tmp_path / "cache"))
    pdf = tmp_path / "55104.pdf"
    pdf.write_bytes(dict(built.outputs)[spec.path])
    assert pdf_info(pdf)["Pages"] == "1"
    text = pdf_text(pdf)
    assert "Magnet School Number 00 of the Riverside District" in text
    assert "more schools: choice.test.example.org/en/zip/55104/" in text
    assert "Friday, January 29, 2027, 5:00 PM CST" in text
    assert "You can list up to 6 schools." in text
    assert "Middle school" in text and "High school" in text  # every level keeps its first schools
    assert pdf_info(pdf)["Title"].startswith("Magnet schools with a school bus from ZIP code 55104")
