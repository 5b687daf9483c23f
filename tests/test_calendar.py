"""Calendar files: they parse, carry the district's local times and zone, and stay stable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.conftest import build_site

CHICAGO = ZoneInfo("America/Chicago")
ES_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"

msgid "Deadline to apply"
msgstr "Fecha límite para solicitar"
'''


def _events(path: Path) -> dict[str, Any]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_district_calendar_has_every_date_in_local_time(sample_build: Path) -> None:
    calendar = Calendar.from_ical((sample_build / "en" / "calendar.ics").read_bytes())
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    host = "@choice.riverside.example.org"
    open_house = events["lincoln-stem-20261205-1000" + host]
    start = open_house.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, "America/Chicago")
    assert start == dt.datetime(2026, 12, 5, 10, 0, tzinfo=CHICAGO)
    assert open_house.decoded("DTEND") == dt.datetime(2026, 12, 5, 12, 0, tzinfo=CHICAGO)
    assert "Lincoln STEM Academy" in str(open_house["SUMMARY"])
    assert "1200 Lincoln Ave" in str(open_house["LOCATION"])
    deadline = events["application-deadline" + host]
    assert deadline.decoded("DTSTART") == dt.datetime(2027, 1, 31, 17, 0, tzinfo=CHICAGO)
    assert deadline.walk("VALARM"), "the deadline reminds the family a day before"
    assert events["application-opens" + host].decoded("DTSTART") == dt.date(2026, 11, 1)
    assert events["application-results" + host].decoded("DTSTART") == dt.date(2027, 3, 15)
    assert "help-20261118-1800" + host in events
    assert len([uid for uid in events if uid.startswith("lincoln-stem-")]) == 2


def test_uids_and_stamps_are_stable_across_languages(sample_build: Path) -> None:
    english = _events(sample_build / "en" / "calendar.ics")
    arabic = _events(sample_build / "ar" / "calendar.ics")
    assert english.keys() == arabic.keys()
    stamps = {e.decoded("DTSTAMP") for e in english.values()}
    assert stamps == {dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)}  # the day applications open


def test_every_event_and_school_has_its_own_file(sample_build: Path) -> None:
    singles = sorted((sample_build / "es" / "events").glob("*.ics"))
    district = _events(sample_build / "es" / "calendar.ics")
    assert len(singles) == len(district)
    for path in singles:
        (uid,) = _events(path)
        assert uid.startswith(path.stem + "@")
    school = _events(sample_build / "es" / "schools" / "lincoln-stem" / "calendar.ics")
    assert any(uid.startswith("application-deadline@") for uid in school)
    assert len([uid for uid in school if uid.startswith("lincoln-stem-")]) == 2


def test_pages_link_to_the_calendar_files(sample_build: Path) -> None:
    school = (sample_build / "en" / "schools" / "lincoln-stem" / "index.html").read_text(encoding="utf-8")
    assert 'href="calendar.ics"' in school
    assert 'href="../../events/lincoln-stem-20261205-1000.ics"' in school
    home = (sample_build / "en" / "index.html").read_text(encoding="utf-8")
    assert 'href="calendar.ics"' in home and 'href="events/application-deadline.ics"' in home


def test_summer_times_carry_daylight_saving_and_a_full_vtimezone(make_site: Any, school: dict[str, Any],
                                                                 district: dict[str, Any]) -> None:
    school["events"] = [{"title": "Summer visit", "start": "2027-06-10T09:30", "end": "2027-06-10T11:00"}]
    district["application"]["deadline"] = "2027-01-29"  # a whole day
    site = make_site(district=district, schools={"lincoln": school})
    assert build_site(site).exit_code == 0
    path = site / "_site" / "en" / "schools" / "lincoln" / "calendar.ics"
    calendar = Calendar.from_ical(path.read_bytes())
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone.walk("DAYLIGHT") and zone.walk("STANDARD")
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    visit = events["lincoln-20270610-0930"].decoded("DTSTART")
    assert visit.utcoffset() == dt.timedelta(hours=-5) and visit.hour == 9
    assert b"DTSTART;TZID=America/Chicago:20270610T093000" in path.read_bytes()
    deadline = events["application-deadline"]
    assert deadline.decoded("DTSTART") == dt.date(2027, 1, 29)
    assert deadline.decoded("DTEND") == dt.date(2027, 1, 30)


def test_calendars_are_in_the_readers_language(make_site: Any) -> None:
    site = make_site(files={"translations/es/LC_MESSAGES/messages.po": ES_PO})
    result = build_site(site)
    assert result.exit_code == 0, result.output
    events = _events(site / "_site" / "es" / "calendar.ics")
    assert str(events["application-deadline@choice.test.example.org"]["SUMMARY"]).startswith(
        "Fecha límite para solicitar")


def test_a_schools_own_deadline_gets_its_own_item(make_site: Any, school: dict[str, Any]) -> None:
    school["application"] = {"deadline": "2027-01-15T12:00"}
    site = make_site(schools={"lincoln": school})
    assert build_site(site).exit_code == 0
    events = _events(site / "_site" / "en" / "schools" / "lincoln" / "calendar.ics")
    own = events["application-deadline-lincoln@choice.test.example.org"]
    assert own.decoded("DTSTART") == dt.datetime(2027, 1, 15, 12, 0, tzinfo=CHICAGO)
    assert "application-deadline@choice.test.example.org" not in events
    assert (site / "_site" / "en" / "events" / "application-deadline-lincoln.ics").is_file()


def test_calendars_are_byte_identical_across_builds(make_site: Any, tmp_path: Path) -> None:
    site = make_site()
    assert build_site(site, tmp_path / "a").exit_code == 0
    assert build_site(site, tmp_path / "b").exit_code == 0
    for path in sorted((tmp_path / "a").rglob("*.ics")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


def test_a_whole_day_deadline_builds_every_output(make_site: Any, district: dict[str, Any]) -> None:
    # Regression: the Atom feed compared a naive midnight with aware event times and crashed.
    district["application"]["deadline"] = "2027-01-29"
    site = make_site(district=district)
    result = build_site(site)
    assert result.exit_code == 0, result.output
    assert b"2027-01-29T00:00:00-06:00" in (site / "_site" / "en" / "feed.atom").read_bytes()
