"""Finder pages that work without JavaScript: per theme, per grade band; and the compare page."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from tests.conftest import MINIMAL_SCHOOL, build_site
from tests.pages import card_ids


def _school(name: str, grades: Any, themes: list[str], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL_SCHOOL)
    data.update(name=name, grades=grades, themes=themes, **changes)
    return data


FOUR_SCHOOLS = {
    "acorn": _school("Acorn Early Learning", ["PK", "K"], ["arts"]),
    "birch": _school("Birch Science", "K-5", ["stem"]),
    "cedar": _school("Cedar Arts and Science", "5-8", ["stem", "arts"],
                     transportation={"bus": "none"}),
    "dogwood": _school("Dogwood High", "9-12", ["stem"], model="program-within-school"),
}


def _built(make_site: Any) -> Path:
    site = make_site(schools=FOUR_SCHOOLS)
    result = build_site(site)
    assert result.exit_code == 0, result.output
    return site / "_site"


def _read(out: Path, page: str) -> str:
    return (out / page / "index.html").read_text(encoding="utf-8")


def test_theme_pages_list_exactly_the_schools_of_the_theme(make_site: Any) -> None:
    out = _built(make_site)
    assert card_ids(_read(out, "en/themes/stem")) == ["birch", "cedar", "dogwood"]
    assert card_ids(_read(out, "en/themes/arts")) == ["acorn", "cedar"]
    assert card_ids(_read(out, "es/themes/arts")) == ["acorn", "cedar"]


def test_grade_band_pages_list_every_school_serving_a_grade_of_the_band(make_site: Any) -> None:
    out = _built(make_site)
    assert card_ids(_read(out, "en/grades/pk-k")) == ["acorn", "birch"]
    assert card_ids(_read(out, "en/grades/1-5")) == ["birch", "cedar"]
    assert card_ids(_read(out, "en/grades/6-8")) == ["cedar"]
    assert card_ids(_read(out, "en/grades/9-12")) == ["dogwood"]


def test_an_empty_band_still_has_its_page_saying_so(make_site: Any) -> None:
    site = make_site(schools={"birch": FOUR_SCHOOLS["birch"]})
    assert build_site(site).exit_code == 0
    html = _read(site / "_site", "en/grades/9-12")
    assert card_ids(html) == []
    assert "No magnet school fits this choice yet" in html


def test_home_links_every_finder_page_and_the_compare_page(make_site: Any) -> None:
    out = _built(make_site)
    home = _read(out, "en")
    for target in ("themes/stem/", "themes/arts/", "grades/pk-k/", "grades/1-5/", "grades/6-8/",
                   "grades/9-12/", "compare/"):
        assert f'href="{target}"' in home


def test_finder_and_compare_pages_are_in_the_sitemap_with_alternates(make_site: Any) -> None:
    out = _built(make_site)
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for url in ("en/themes/stem/", "es/grades/6-8/", "en/compare/"):
        assert f"<loc>https://choice.test.example.org/{url}</loc>" in sitemap
    assert 'hreflang="es" href="https://choice.test.example.org/es/themes/stem/"' in sitemap


def test_compare_page_has_a_row_per_school_with_its_key_facts(make_site: Any) -> None:
    out = _built(make_site)
    html = _read(out, "en/compare")
    rows = [line for line in html.splitlines() if line.strip().startswith("<tr id=")]
    assert [row.split('"')[1] for row in rows] == ["acorn", "birch", "cedar", "dogwood"]
    assert "No school bus" in html and "A program inside a larger school" in html


def test_home_cards_carry_the_filter_data(make_site: Any) -> None:
    out = _built(make_site)
    home = _read(out, "en")
    assert 'id="school-cedar" data-grades="5 6 7 8" data-themes="stem arts" data-bus="none"' in home
    assert 'data-zips=""' in home  # no bus: no ZIP code is served
    assert 'id="school-acorn" data-grades="-2 0"' in home


def test_sort_by_distance_is_offered_only_when_schools_have_a_location(make_site: Any,
                                                                       sample_build: Path) -> None:
    out = _built(make_site)  # the inline schools give no location
    assert 'id="f-near"' not in _read(out, "en")
    assert 'id="f-near"' in _read(sample_build, "en")
