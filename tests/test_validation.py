"""Every class of validation error: exact message, file, line and column, all in one run."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from firstdoor.errors import ContentError
from firstdoor.pipeline import load_site
from tests.conftest import build_site

SCHOOL_FILE = "content/schools/lincoln.yaml"


def errors_of(site: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_site(site)
    return [str(p) for p in caught.value.problems if p.severity == "error"]


def school_errors(make_site: Callable[..., Path], text: str) -> list[str]:
    return errors_of(make_site(schools={"lincoln": text}))


BASE = """\
name: Lincoln STEM Academy
themes: [stem]
tagline: Build, test and invent every day.
description: Children learn science by doing.
grades: K-5
model: whole-school
address: 1200 Lincoln Ave
admission:
  method: lottery
transportation:
  bus: free
"""


def test_the_minimal_site_is_valid(make_site: Callable[..., Path]) -> None:
    validated = load_site(make_site(schools={"lincoln": BASE}))
    assert list(validated.site.schools) == ["lincoln"]


def test_unknown_value_with_did_you_mean(make_site: Callable[..., Path]) -> None:
    assert school_errors(make_site, BASE.replace("method: lottery", "method: lotery")) == [
        f"{SCHOOL_FILE}:9:11: admission.method: 'lotery' is not one of lottery, weighted-lottery, interview, "
        "essay, audition, portfolio, test (did you mean 'lottery'?)"]


def test_unknown_key_with_did_you_mean(make_site: Callable[..., Path]) -> None:
    assert school_errors(make_site, BASE.replace("transportation:", "tranportation:") + "transportation:\n  bus: free\n") == [
        f"{SCHOOL_FILE}:10:1: tranportation: unknown key 'tranportation' (did you mean 'transportation'?)"]


def test_missing_required_key(make_site: Callable[..., Path]) -> None:
    assert school_errors(make_site, BASE.replace("  bus: free\n", "  details: Ask us.\n")) == [
        f"{SCHOOL_FILE}:10:1: transportation.bus: the required key 'bus' is missing "
        "(add `bus:` — free, limited or none.)"]


def test_number_where_text_goes(make_site: Callable[..., Path]) -> None:
    assert school_errors(make_site, BASE.replace("name: Lincoln STEM Academy", "name: 2024")) == [
        f"{SCHOOL_FILE}:1:7: name: expected text, got the number 2024 (put the text in quotes)"]


def test_list_where_a_mapping_goes(make_site: Callable[..., Path]) -> None:
    assert school_errors(make_site, BASE.replace("admission:\n  method: lottery", "admission: [lottery]")) == [
        f"{SCHOOL_FILE}:8:12: admission: expected a group of `key: value` lines, got a list "
        "(indent the keys under this one — How students are admitted.)"]


def test_impossible_date(make_site: Callable[..., Path]) -> None:
    text = BASE + "events:\n  - title: Open house\n    start: 2027-02-30T10:00\n"
    assert school_errors(make_site, text) == [
        f"{SCHOOL_FILE}:14:12: events[0].start: 2027-02-30 is not a real date (no such day in that month); "
        "write YYYY-MM-DD, e.g. 2027-01-31"]


def test_event_ending_before_it_starts(make_site: Callable[..., Path]) -> None:
    text = BASE + "events:\n  - title: Open house\n    start: 2026-12-05T10:00\n    end: 2026-12-05T09:00\n"
    assert school_errors(make_site, text) == [
        f"{SCHOOL_FILE}:15:10: events[0].end: the event ends before it starts "
        "(check the date and the 24-hour time of `start` and `end`)"]


def test_bad_time_and_grade(make_site: Callable[..., Path]) -> None:
    text = BASE.replace("grades: K-5", "grades: 5-K") + 'hours: {start: "25:00", end: "14:20"}\n'
    assert school_errors(make_site, text) == [
        f"{SCHOOL_FILE}:5:9: grades: '5-K' runs backwards; write the lowest grade first, e.g. K-5",
        f"{SCHOOL_FILE}:12:16: hours.start: '25:00' is not a time of day; write HH:MM on the 24-hour clock, "
        "in quotes, e.g. \"14:20\""]


def test_vocabulary_references_are_checked(make_site: Callable[..., Path]) -> None:
    text = BASE.replace("themes: [stem]", "themes: [stme]") + "services: [gifted]\n"
    assert school_errors(make_site, text) == [
        f"{SCHOOL_FILE}:2:10: themes[0]: 'stme' is not one of the district's themes (did you mean 'stem'?)",
        f"{SCHOOL_FILE}:12:12: services[0]: 'gifted' is not one of the district's services "
        "(use one of english-learners, or add 'gifted' to `services` in district.yaml)"]


def test_unknown_language_says_what_to_add(make_site: Callable[..., Path], district: dict[str, Any]) -> None:
    district["languages"] = ["en", "es", "kar"]
    [message] = errors_of(make_site(district=district, schools={"lincoln": BASE}))
    assert message.startswith("content/district.yaml:")
    assert "languages[2]: the language 'kar' is not known to CLDR or to firstdoor" in message
    assert "language_overrides" in message


def test_declared_language_is_accepted(make_site: Callable[..., Path], district: dict[str, Any]) -> None:
    district["languages"] = ["en", "kar"]
    district["language_overrides"] = {"kar": {"name": "ကညီ", "english_name": "Karen", "formats_like": "my"}}
    validated = load_site(make_site(district=district, schools={"lincoln": BASE}))
    assert validated.known_languages["kar"].name == "ကညီ"


def test_invalid_timezone(make_site: Callable[..., Path], district: dict[str, Any]) -> None:
    district["timezone"] = "America/Chicgo"
    [message] = errors_of(make_site(district=district, schools={"lincoln": BASE}))
    assert message.endswith("timezone: 'America/Chicgo' is not an IANA timezone (did you mean 'America/Chicago'?)")


def test_deadline_before_opening(make_site: Callable[..., Path], district: dict[str, Any]) -> None:
    district["application"]["deadline"] = "2026-10-01T17:00"
    [message] = errors_of(make_site(district=district, schools={"lincoln": BASE}))
    assert "application.deadline: the deadline is before applications open" in message


def test_missing_image_and_escaping_path(make_site: Callable[..., Path]) -> None:
    text = BASE + "images:\n  - {src: lincoln/robot.jpg, alt: A robot}\n  - {src: ../../etc/passwd.jpg, alt: x}\n"
    assert school_errors(make_site, text) == [
        f"{SCHOOL_FILE}:13:11: images[0].src: the image content/images/lincoln/robot.jpg does not exist "
        "(check the spelling and the folder)",
        f"{SCHOOL_FILE}:14:11: images[1].src: '../../etc/passwd.jpg' must be a path inside content/images/ "
        "(write it like school-id/photo.jpg)"]


def test_image_without_alt_text(make_site: Callable[..., Path]) -> None:
    site = make_site(schools={"lincoln": BASE + "images:\n  - src: lincoln/robot.jpg\n"},
                     files={"content/images/lincoln/robot.jpg": b"\xff\xd8\xff"})
    assert errors_of(site) == [f"{SCHOOL_FILE}:13:5: images[0].alt: the required key 'alt' is missing "
                               "(add `alt:` — What the picture shows, for people who cannot see it.)"]


def test_tagline_over_120_characters(make_site: Callable[..., Path]) -> None:
    text = BASE.replace("tagline: Build, test and invent every day.", "tagline: " + "x" * 121)
    assert school_errors(make_site, text) == [
        f"{SCHOOL_FILE}:3:10: tagline: 121 characters is too long; the limit is 120"]


def test_all_errors_of_all_files_in_one_run(make_site: Callable[..., Path]) -> None:
    site = make_site(schools={"a": BASE.replace("lottery", "lotery"), "b": BASE.replace("free", "gratis"),
                              "c": "name: [\n"})
    result = build_site(site)
    assert result.exit_code == 1
    assert "content/schools/a.yaml:9:11" in result.output
    assert "content/schools/b.yaml:11:8" in result.output
    assert "content/schools/c.yaml:2:1: YAML syntax error" in result.output
    assert "3 errors" in result.output
