"""The built site: every page in every language, every contract field on the page, markup basics."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from firstdoor.pipeline import load_site
from tests.conftest import REPO, build_site

FULL_SCHOOL = """\
name: Lincoln STEM Academy
themes: [stem, arts]
tagline: Build, test and invent every day.
description: |
  Children learn science by doing.

  - Robots from grade 2
  - A school garden
grades: K-5
model: program-within-school
seats: 75
address: 1200 Lincoln Ave, Riverside, MN 55104
location: {lat: 44.9537, lon: -93.09}
phone: "+1 555 0142"
email: lincoln@riverside.example.org
website: https://lincoln.riverside.example.org/
nces_id: "270000000001"
hours: {start: "07:50", end: "14:20"}
care: {before: true, after: false, details: Breakfast club in the gym.}
languages:
  instruction: [en, es]
  staff: [es]
services: [english-learners]
accessibility: {level: partial, details: Elevator on the east side.}
highlights:
  - Family science night every season
admission:
  method: weighted-lottery
  priorities: [sibling]
  requirements: Bring proof of address.
  last_year: {applicants: 412, offers: 75}
transportation:
  bus: limited
  details: Buses run from the east side only.
  stops:
    - place: Westside Community Center
      time: "07:05"
  transit: Route 16 stops one block away.
  zip_codes: ["55104", "55106"]
  interdistrict: true
application:
  deadline: 2027-01-15T17:00
  steps:
    - title: Come to a lab visit
      details: Meet the teachers.
      date: 2027-01-20
events:
  - title: Science open house
    start: 2026-12-05T10:00
    end: 2026-12-05T12:00
    place: School gym
    languages: [es]
    details: Try a robot.
images:
  - src: lincoln/robot.jpg
    alt: Two students test a robot
"""

EXPECTED_ON_PAGE: list[tuple[str, str]] = [
    ("name", "Lincoln STEM Academy"),
    ("themes", "Science and math and Arts"),
    ("tagline", "Build, test and invent every day."),
    ("description", "<li>Robots from grade 2</li>"),
    ("grades", "K–5"),
    ("model", "A program inside a larger school"),
    ("seats", "<dd>75</dd>"),
    ("address", "1200 Lincoln Ave, Riverside, MN 55104"),
    ("location", "mlat=44.9537&amp;mlon=-93.09"),
    ("phone", 'href="tel:+15550142"'),
    ("email", "mailto:lincoln@riverside.example.org"),
    ("website", "https://lincoln.riverside.example.org/"),
    ("nces_id", "270000000001"),
    ("hours", "7:50 AM – 2:20 PM"),
    ("care", "Breakfast club in the gym."),
    ("languages.instruction", "English and Spanish"),
    ("languages.staff", "<dd>Spanish</dd>"),
    ("services", "English learner support"),
    ("accessibility", "Elevator on the east side."),
    ("highlights", "Family science night every season"),
    ("admission.method", "Lottery with priorities: no test, no grades needed"),
    ("admission.priorities", "A brother or sister attends"),
    ("admission.requirements", "Bring proof of address."),
    ("admission.last_year", "Last year: 412 families applied for 75 seats."),
    ("transportation.bus", "Limited school bus"),
    ("transportation.details", "Buses run from the east side only."),
    ("transportation.stops", "Westside Community Center"),
    ("transportation.stops.time", "7:05 AM"),
    ("transportation.transit", "Route 16 stops one block away."),
    ("transportation.zip_codes", "55104 and 55106"),
    ("transportation.interdistrict", "Students who live in other districts can apply."),
    ("application.deadline", "Friday, January 15, 2027, 5:00 PM CST"),
    ("application.steps", "Come to a lab visit"),
    ("events", "Saturday, December 5, 2026, 10:00 AM – 12:00 PM CST"),
    ("events.place", "School gym"),
    ("events.languages", "Interpreters: Spanish"),
    ("events.details", "Try a robot."),
    ("images", 'alt="Two students test a robot"'),
]


@pytest.fixture(scope="module")
def full_school_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    from tests.conftest import tiny_jpeg, write_site
    root = tmp_path_factory.mktemp("full")
    site = write_site(root, schools={"lincoln": FULL_SCHOOL}, files={"content/images/lincoln/robot.jpg": tiny_jpeg()})
    result = build_site(site, root / "out")
    assert result.exit_code == 0, result.output
    html = (root / "out" / "en" / "schools" / "lincoln" / "index.html").read_text(encoding="utf-8")
    return html.replace("\u202f", " ").replace("\u2009", " ")  # CLDR's narrow spaces


@pytest.mark.parametrize("field, expected", EXPECTED_ON_PAGE, ids=[f for f, _ in EXPECTED_ON_PAGE])
def test_every_contract_field_is_on_the_school_page(full_school_page: str, field: str, expected: str) -> None:
    assert expected in full_school_page


def test_sample_has_every_page_in_every_language(sample_build: Path) -> None:
    validated = load_site(REPO)
    for language in validated.languages:
        base = sample_build / language.slug
        for page in ("", "apply/", "transportation/", "events/"):
            assert (base / page / "index.html").is_file(), f"{language.tag} {page}"
        for school_id in validated.site.schools:
            assert (base / "schools" / school_id / "index.html").is_file()
    for name in ("index.html", "404.html", "robots.txt", "sitemap.xml"):
        assert (sample_build / name).is_file()


def test_pages_declare_language_and_direction(sample_build: Path) -> None:
    assert '<html lang="zh-Hans" dir="ltr">' in (sample_build / "zh-hans" / "index.html").read_text()
    assert '<html lang="ar" dir="rtl">' in (sample_build / "ar" / "index.html").read_text()
    assert '<html lang="hmn" dir="ltr">' in (sample_build / "hmn" / "apply" / "index.html").read_text()


def test_language_switcher_links_the_same_page(sample_build: Path) -> None:
    html = (sample_build / "es" / "schools" / "lincoln-stem" / "index.html").read_text()
    assert 'href="../../../ar/schools/lincoln-stem/" lang="ar" dir="rtl" hreflang="ar">العربية</a>' in html
    assert 'hreflang="hmn">Hmoob</a>' in html


def test_chooser_lists_every_language_by_its_own_name(sample_build: Path) -> None:
    html = (sample_build / "index.html").read_text()
    for name in ("English", "Español", "中文 (简体)", "Tiếng Việt", "العربية", "Hmoob", "Soomaali"):
        assert name in html


def test_sitemap_has_hreflang_alternates(sample_build: Path) -> None:
    xml = (sample_build / "sitemap.xml").read_text()
    assert "<loc>https://choice.riverside.example.org/es/schools/lincoln-stem/</loc>" in xml
    assert 'hreflang="zh-Hans" href="https://choice.riverside.example.org/zh-hans/schools/lincoln-stem/"' in xml


def test_no_interface_markup_leaks_into_attributes(sample_build: Path) -> None:
    for page in sample_build.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        attributes = re.findall(r'="([^"]*)"', html)
        assert not [a for a in attributes if "<" in a], page


def test_markdown_cannot_inject_script(make_site: Callable[..., Path], school: dict[str, Any]) -> None:
    school["description"] = ('Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> '
                             '[click](javascript:alert(3))')
    site = make_site(schools={"lincoln": school})
    assert build_site(site).exit_code == 0
    html = (site / "_site" / "en" / "schools" / "lincoln" / "index.html").read_text()
    assert "alert" not in html and "onerror" not in html and "javascript:" not in html


def test_list_of_schools_says_how_it_is_ordered(sample_build: Path) -> None:
    assert "Listed in alphabetical order." in (sample_build / "en" / "index.html").read_text()


def test_meta_descriptions_are_plain_text(sample_build: Path) -> None:
    """Regression: Markdown markers leaked into <meta name="description">."""
    for slug in ("en", "zh-hans"):
        html = (sample_build / slug / "index.html").read_text(encoding="utf-8")
        description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)  # type: ignore[union-attr]
        assert "**" not in description and "](" not in description
