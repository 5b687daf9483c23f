"""Calendar units: each school's calendar files are a unit of their own, spliced from VEVENTs serialised once.

A one-school edit re-renders only that school's `calendar:<lang>:<school>` units (and each
language's feed with the district calendar), and every `.ics` keeps the bytes icalendar
writes when it serialises the whole calendar at once.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from icalendar import Timezone

from bench.generate import generate
from firstdoor.incremental import UnitRecord, read_manifest
from firstdoor.state import state_beside
from firstdoor.outputs.calendar import CalendarCache, CalendarWriter, _instant, _Item
from firstdoor.outputs.html import PageRenderer
from firstdoor.pipeline import load_catalogs, load_site
from firstdoor.render import create_environment
from tests.conftest import REPO, TODAY, build_site
from tests.test_incremental import edit_yaml, rebuild_equals_clean, school_files


class WholeCalendarWriter(CalendarWriter):
    """The writer before splicing: every calendar built and serialised whole by icalendar."""

    def _calendar(self, items: list[_Item], name: str) -> bytes:
        cal = self.new_calendar(name)
        ordered = sorted(items, key=lambda i: (_instant(i.start), i.key))
        timed = [i.start for i in ordered if isinstance(i.start, dt.datetime)]
        if timed:
            first, last = dt.date(min(timed).year, 1, 1), dt.date(max(timed).year + 1, 1, 1)
            cal.add_component(Timezone.from_tzid(self.site.district.timezone, first_date=first, last_date=last))
        for item in ordered:
            cal.add_component(self._event(item))
        return bytes(cal.to_ical())


def every_calendar(site_dir: Path, writer: type[CalendarWriter]) -> tuple[dict[str, bytes], CalendarCache]:
    """Every `.ics` of every language of a site, from `writer`: each school's files, then the district's."""
    validated = load_site(site_dir)
    catalogs, _ = load_catalogs(validated, validated.languages)
    renderer = PageRenderer(validated, catalogs, create_environment(validated.files.templates_dir),
                            validated.languages, TODAY, {})
    cache = CalendarCache()
    files: dict[str, bytes] = {}
    for language in validated.languages:
        tr = renderer.translators[language.tag]
        for school_id in validated.site.schools:
            part = writer(validated.site, language, tr.for_page(), renderer.formatters[language.tag],
                          validated.site.district.base_url, cache).school_files(school_id)
            assert not files.keys() & part.keys()
            files.update(part)
        part = writer(validated.site, language, tr.for_page(), renderer.formatters[language.tag],
                      validated.site.district.base_url, cache).district_files()
        assert not files.keys() & part.keys()
        files.update(part)
    return files, cache


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated district (8 schools, 3 languages)."""
    site = tmp_path_factory.mktemp("generated") / "site"
    generate(site, schools=8, languages=3, seed=5)
    return site


@pytest.mark.parametrize("which", ["sample", "generated"])
def test_spliced_calendars_equal_whole_ones(which: str, generated: Path) -> None:
    site_dir = REPO if which == "sample" else generated
    spliced, cache = every_calendar(site_dir, CalendarWriter)
    whole, _ = every_calendar(site_dir, WholeCalendarWriter)
    assert spliced.keys() == whole.keys()
    assert [path for path in spliced if spliced[path] != whole[path]] == []
    assert 0 < len(cache.zones) <= 3  # one VTIMEZONE per span of years, reused by every calendar


def test_school_and_district_files_are_every_calendar_of_the_build(sample_build: Path) -> None:
    """The units together write exactly the `.ics` files of a build, with the build's bytes."""
    spliced, _ = every_calendar(REPO, CalendarWriter)
    built = {p.relative_to(sample_build).as_posix(): p.read_bytes() for p in sample_build.rglob("*.ics")}
    assert spliced.keys() == built.keys()
    assert [path for path in built if built[path] != spliced[path]] == []


def calendar_records(out: Path) -> dict[str, UnitRecord]:
    """The manifest's records of the units that write calendars (`calendar:*`, `calendars:*`) and feeds."""
    manifest = read_manifest(state_beside(out), out.resolve())
    assert manifest is not None
    return {uid: record for uid, record in manifest.units.items() if uid.startswith(("calendar:", "calendars:", "feed:"))}


def test_one_school_edit_re_renders_only_its_calendars(generated: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(generated, site)
    out = site / "_site"
    assert build_site(site, out, "--jobs", "2").exit_code == 0
    before = calendar_records(out)
    inodes = {p: os.stat(p).st_ino for p in out.rglob("*.ics")}
    languages = sorted({uid.split(":")[1] for uid in before})
    edited, other = school_files(site)[0].stem, school_files(site)[1].stem
    assert {f"calendar:{tag}:{sid}" for tag in languages for sid in (edited, other)} <= before.keys()
    assert all(f"/schools/{sid}/calendar.ics" in path or f"/events/{sid}-" in path
               or path.endswith(f"/events/application-deadline-{sid}.ics")
               for uid, record in before.items() if uid.startswith("calendar:")
               for sid in [uid.split(":")[2]] for path, *_ in record.files)

    def change(data: dict[str, Any]) -> None:
        data["events"][0]["title"] = "Renamed open house"
        data["application"] = {"deadline": "2027-01-08T16:00"}
    edit_yaml(school_files(site)[0], change)
    rebuild_equals_clean(site)

    after = calendar_records(out)
    assert after.keys() == before.keys()
    rendered = {uid for uid in after if after[uid].files != before[uid].files}
    assert rendered == {unit for tag in languages for unit in (f"calendar:{tag}:{edited}", f"calendars:{tag}", f"feed:{tag}")}
    changed = {p.relative_to(out).as_posix() for p in out.rglob("*.ics") if inodes.get(p) != os.stat(p).st_ino}
    assert not any(f"/{other}/" in path or f"/events/{other}-" in path for path in changed)
    assert "Renamed open house" in (out / "en" / "schools" / edited / "calendar.ics").read_text(encoding="utf-8")
    assert "Renamed open house" in (out / "en" / "calendar.ics").read_text(encoding="utf-8")
    assert (out / "en" / "events" / f"application-deadline-{edited}.ics").is_file()
