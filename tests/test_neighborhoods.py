"""Neighborhood pages: the schools with a bus from a ZIP code or a named area (issue: print first)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from firstdoor.errors import ContentError
from firstdoor.pipeline import load_site
from firstdoor.views import neighborhood
from tests.conftest import REPO


def school_links(html: str) -> list[str]:
    return re.findall(r'href="\.\./\.\./schools/([a-z0-9-]+)/"', html)


def test_zip_served_by_exactly_two_sample_schools(sample_build: Path) -> None:
    html = (sample_build / "en" / "zip" / "55106" / "index.html").read_text()
    assert sorted(school_links(html)) == ["harbor-career", "puente-dual-language"]
    assert "8 more schools accept children from here, without a school bus" in html
    assert "https://choice.riverside.example.org/en/" in html


def test_no_page_for_a_zip_no_bus_serves(sample_build: Path) -> None:
    assert not (sample_build / "en" / "zip" / "55199").exists()


def test_groups_by_entry_level_and_says_the_order(sample_build: Path) -> None:
    html = (sample_build / "en" / "zip" / "55101" / "index.html").read_text()
    headings = re.findall(r'<h2 id="level-(\w+)">', html)
    assert headings == ["early", "elementary", "middle", "high"]
    assert "in alphabetical order within each group" in html
    assert "You can list up to 5 schools." in html
    assert "80 seats · 236 families applied last year" in html


def test_area_page_and_index(sample_build: Path) -> None:
    html = (sample_build / "en" / "area" / "east-side" / "index.html").read_text()
    assert "Magnet schools with a school bus from East Side" in html
    index = (sample_build / "es" / "zip" / "index.html").read_text()
    assert 'href="55106/"' in index and 'href="../area/east-side/"' in index


def test_every_bus_zip_has_a_page_in_every_language(sample_build: Path) -> None:
    validated = load_site(REPO)
    zips = {code for s in validated.site.schools.values() if s.transportation.bus != "none"
            for code in s.transportation.zip_codes}
    for language in validated.languages:
        for code in zips:
            assert (sample_build / language.slug / "zip" / code / "index.html").is_file()


def test_area_with_a_typo_is_a_located_error(make_site: Callable[..., Path], district: dict[str, Any]) -> None:
    district["areas"] = {"east": {"name": "East Side", "zip_code": ["55104"]}}
    with pytest.raises(ContentError) as caught:
        load_site(make_site(district=district))
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("content/district.yaml:") and "areas.east.zip_code: unknown key 'zip_code' "
               "(did you mean 'zip_codes'?)" in m for m in messages), messages


def test_area_zip_that_no_bus_serves_is_a_warning(make_site: Callable[..., Path],
                                                   district: dict[str, Any]) -> None:
    district["areas"] = {"east": {"name": "East Side", "zip_codes": ["55104", "55999"]}}
    validated = load_site(make_site(district=district))
    assert [w.message for w in validated.warnings] == ["no school's bus serves ZIP code 55999"]
    place = neighborhood(validated.site, "area", "east", ("55104", "55999"))
    assert place.count == 1
