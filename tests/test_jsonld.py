"""schema.org JSON-LD: it parses, says the right things, and content can never close its script."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from firstdoor.outputs.jsonld import script_json
from tests.conftest import build_site

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


class Scripts(HTMLParser):
    """What a browser's parser sees: every script element and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def _graph(html: str) -> list[dict[str, Any]]:
    (text,) = LD.findall(html)
    return json.loads(text)["@graph"]  # type: ignore[no-any-return]


def test_school_page_describes_school_program_contacts_and_events(sample_build: Path) -> None:
    html = (sample_build / "en" / "schools" / "lincoln-stem" / "index.html").read_text(encoding="utf-8")
    school, program, *events = _graph(html)
    assert school["@type"] == "ElementarySchool"
    assert school["name"] == "Lincoln STEM Academy"
    assert school["telephone"] == "+1 651 555 0142"
    assert school["address"] == "1200 Lincoln Ave, Riverside, MN 55104"
    assert school["url"] == "https://choice.riverside.example.org/en/schools/lincoln-stem/"
    help_line = [p for p in school["contactPoint"] if p["contactType"] == "admissions"][0]
    assert help_line["availableLanguage"] == ["en", "es", "hmn", "so"]
    assert program["@type"] == "EducationalOccupationalProgram"
    assert program["applicationStartDate"] == "2026-11-01"
    assert program["applicationDeadline"] == "2027-01-31T17:00:00-06:00"
    assert program["maximumEnrollment"] == 75
    assert program["provider"] == {"@id": school["@id"]}
    assert [e["startDate"] for e in events] == ["2026-12-05T10:00:00-06:00", "2027-01-13T09:00:00-06:00"]
    assert events[0]["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert events[0]["inLanguage"] == ["en", "es", "hmn"]
    assert events[0]["location"]["name"] == "School gym"


def test_types_follow_the_grades(sample_build: Path) -> None:
    def kind(school_id: str) -> str:
        html = (sample_build / "en" / "schools" / school_id / "index.html").read_text(encoding="utf-8")
        return str(_graph(html)[0]["@type"])
    assert kind("eastside-arts") == "MiddleSchool"
    assert kind("central-ib") == "HighSchool"
    assert kind("puente-dual-language") == "ElementarySchool"


def test_events_page_lists_every_event(sample_build: Path) -> None:
    html = (sample_build / "en" / "events" / "index.html").read_text(encoding="utf-8")
    events = _graph(html)
    assert len(events) == len(list((sample_build / "en" / "events").glob("*-20*.ics")))
    assert all(e["@type"] == "Event" and e["startDate"] for e in events)


def test_a_name_with_a_closing_script_tag_cannot_break_out(make_site: Any, school: dict[str, Any]) -> None:
    evil = "Lincoln </script><script>alert(1)</script> <!-- & Academy"
    school["name"] = evil
    school["events"] = [{"title": "Open </SCRIPT> house", "start": "2026-12-05T10:00"}]
    site = make_site(schools={"lincoln": school})
    assert build_site(site).exit_code == 0
    html = (site / "_site" / "en" / "schools" / "lincoln" / "index.html").read_text(encoding="utf-8")
    parser = Scripts()
    parser.feed(html)
    ld = [text for attrs, text in parser.scripts if attrs.get("type") == "application/ld+json"]
    assert len(ld) == 1 and len(parser.scripts) == 1, parser.scripts
    data = json.loads(ld[0])
    assert data["@graph"][0]["name"] == evil
    assert data["@graph"][2]["name"] == "Open </SCRIPT> house"
    assert "alert(1)</script>" not in html.split("<body", 1)[0]


def test_script_json_escapes_everything_html_could_read() -> None:
    text = str(script_json({"a": "</script><!--&\u2028"}))
    inner = text.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not set("<>&") & set(inner)
    assert json.loads(inner) == {"a": "</script><!--&\u2028"}
