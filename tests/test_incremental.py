"""Incremental builds: after any edit, the rebuilt site equals a clean build byte for byte.

Each test builds a generated district, edits it, rebuilds into the same folder (reusing
what did not change) and compares with a clean build of the edited site into another.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, cast

import pytest
import yaml
from click.testing import Result

from bench.generate import generate
from firstdoor import incremental, pipeline, publish, report
from firstdoor.fingerprint import CatalogDigests
from firstdoor.state import output_listings, state_beside
from firstdoor.tracking import ALL_SCHOOLS_KEYS, DATED_KEYS, SAFE_KEYS, WRAPPED_KEYS, Uses
from firstdoor.unchanged import RACY_NS
from tests.conftest import REPO, TODAY, build_site, gone_soon


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` with its hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated district, built once; each test works on a copy."""
    site = tmp_path_factory.mktemp("generated") / "site"
    generate(site, schools=8, languages=3, seed=5)
    return site


@pytest.fixture
def site(generated: Path, tmp_path: Path) -> Path:
    """A fresh copy of the generated district, with an incremental build already in `_site`."""
    copy = tmp_path / "site"
    shutil.copytree(generated, copy)
    assert build_site(copy, copy / "_site", "--jobs", "2").exit_code == 0
    return copy


def rebuild_equals_clean(site: Path, *extra: str) -> Result:
    """Rebuild incrementally, build clean elsewhere, and require identical folders."""
    result = build_site(site, site / "_site", "--jobs", "2", *extra)
    assert result.exit_code == 0, result.output
    clean = build_site(site, site.parent / "clean", "--jobs", "1", "--clean", *extra)
    assert clean.exit_code == 0, clean.output
    assert snapshot(site / "_site") == snapshot(site.parent / "clean")
    return result


def school_files(site: Path) -> list[Path]:
    return sorted((site / "content" / "schools").glob("*.yaml"))


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def rendered(result: Result) -> float:
    """The share of outputs the rebuild rendered (the others were reused)."""
    done, reused = counts(result)
    return done / (done + reused)


def edit_translation(site: Path, tag: str, domain: str, context_start: str) -> None:
    """Change the first translation whose msgctxt (or msgid, for the interface) starts as given."""
    path = site / "translations" / tag / "LC_MESSAGES" / f"{domain}.po"
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(context_start))
    target = next(i for i in range(index, len(lines)) if lines[i].startswith("msgstr"))
    lines[target] = lines[target].replace('"', '"EDITED ', 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_no_change_leaves_the_site_untouched(site: Path) -> None:
    page = next((site / "_site" / "hmn" / "schools").iterdir()) / "index.html"
    before = os.stat(page)
    result = build_site(site, site / "_site", "--jobs", "2")
    assert "nothing changed since the previous build" in result.output
    after = os.stat(page)
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_one_school_description(site: Path) -> None:
    edited, other = school_files(site)[0].stem, school_files(site)[1].stem
    pages = {sid: site / "_site" / "ar" / "schools" / sid / "index.html" for sid in (edited, other)}
    before = {sid: os.stat(page).st_ino for sid, page in pages.items()}
    edit_yaml(school_files(site)[0], lambda d: d.update(description=d["description"] + "\nOne more sentence.\n"))
    rebuild_equals_clean(site)
    assert os.stat(pages[other]).st_ino == before[other]  # reused as it was, not rendered again
    assert os.stat(pages[edited]).st_ino != before[edited]


def test_a_one_school_edit_computes_the_digests_of_only_the_units_that_may_have_changed(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other schools' pages, calendars and kits keep their digests without computing them (`Changes`)."""
    monkeypatch.undo()  # without the double check of `conftest.digests_double_checked`, which computes them all
    computed: list[Uses] = []
    unit_digest = incremental.Inputs.unit_digest

    def counted(self: incremental.Inputs, language: str | None, uses: Uses) -> str:
        if not (uses.views or uses.all_fields or uses.all_schools):  # lists are always computed
            computed.append(uses)
        return unit_digest(self, language, uses)
    monkeypatch.setattr(incremental.Inputs, "unit_digest", counted)
    edit_yaml(school_files(site)[0], lambda d: d.update(description=d["description"] + "\nOne more sentence.\n"))
    result = build_site(site, site / "_site", "--jobs", "2")
    manifest = incremental.read_manifest(state_beside(site / "_site"), site / "_site")
    assert result.exit_code == 0 and manifest is not None, result.output
    per_school = [r for r in manifest.units.values() if not (r.uses.views or r.uses.all_fields or r.uses.all_schools)]
    assert 0 < len(computed) < len(per_school) / 2, (len(computed), len(per_school))  # its own units, not all


def test_school_name_changes_every_list(site: Path) -> None:
    edit_yaml(school_files(site)[1], lambda d: d.update(name="Aardvark Academy"))
    rebuild_equals_clean(site)


def test_school_added_and_removed(site: Path) -> None:
    shutil.copy(school_files(site)[2], site / "content" / "schools" / "zz-new-school.yaml")
    rebuild_equals_clean(site)
    school_files(site)[0].unlink()
    rebuild_equals_clean(site)


def test_bus_zip_codes_change_neighborhood_pages(site: Path) -> None:
    edit_yaml(school_files(site)[3], lambda d: d["transportation"].update(bus="free", zip_codes=["55001", "59999"]))
    rebuild_equals_clean(site)


def test_district_edit(site: Path) -> None:
    edit_yaml(site / "content" / "district.yaml", lambda d: d.update(intro="A new introduction.\n"))
    rebuild_equals_clean(site)


def test_content_translation_edit(site: Path) -> None:
    school_id = school_files(site)[4].stem
    edit_translation(site, "ar", "content", f'msgctxt "schools/{school_id}: tagline"')
    result = rebuild_equals_clean(site)
    assert rendered(result) < 0.4
    assert "EDITED" in (site / "_site" / "ar" / "schools" / school_id / "index.html").read_text(encoding="utf-8")


def test_interface_translation_edit_and_fuzzy(site: Path) -> None:
    edit_translation(site, "hmn", "messages", 'msgid "Deadline to apply"')
    rebuild_equals_clean(site)
    path = site / "translations" / "ar" / "LC_MESSAGES" / "content.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgctxt "district: name"', '#, fuzzy\nmsgctxt "district: name"', 1),
                    encoding="utf-8")
    rebuild_equals_clean(site)


def test_template_that_shows_other_schools_on_a_school_page(site: Path) -> None:
    """A district's own template may list every school on each school page: tracking sees it."""
    (site / "templates").mkdir()
    school_html = (Path(__file__).resolve().parent.parent / "templates" / "school.html").read_text(encoding="utf-8")
    school_html = school_html.replace("{% block content %}", "{% block content %}<ul class=\"others\">"
                                      "{% for other_id, other in schools %}<li>{{ other.name|t }}</li>{% endfor %}"
                                      "</ul>", 1)
    (site / "templates" / "school.html").write_text(school_html, encoding="utf-8")
    rebuild_equals_clean(site)
    edit_yaml(school_files(site)[5], lambda d: d.update(name="Renamed School"))
    rebuild_equals_clean(site)
    first = school_files(site)[0].stem
    assert "Renamed School" in (site / "_site" / "en" / "schools" / first / "index.html").read_text(encoding="utf-8")


def counts(result: Result) -> tuple[int, int]:
    """(rendered, reused) outputs of a rebuild."""
    found = re.search(r"rendered (\d+) outputs, reused (\d+)", result.output)
    assert found, result.output
    return int(found.group(1)), int(found.group(2))


def default_template(name: str) -> str:
    return (Path(__file__).resolve().parent.parent / "templates" / name).read_text(encoding="utf-8")


def test_a_template_edit_re_renders_only_the_pages_made_from_it(site: Path) -> None:
    """A district's own copy of zip.html re-renders the ZIP and area pages (and the site-wide files), nothing else."""
    out = site / "_site"
    home = out / "en" / "index.html"
    before = os.stat(home).st_ino
    (site / "templates").mkdir()
    (site / "templates" / "zip.html").write_text(
        default_template("zip.html").replace("{% block content %}", "{% block content %}<p>District note</p>", 1),
        encoding="utf-8")
    result = rebuild_equals_clean(site)
    places = [p for kind in ("zip", "area") for p in out.glob(f"*/{kind}/*/index.html")]
    assert places and all("District note" in p.read_text(encoding="utf-8") for p in places)
    assert counts(result)[0] == len(places) + 1  # + the site-wide files, which may use any template
    assert os.stat(home).st_ino == before
    (site / "templates" / "zip.html").unlink()  # back to the default: the same pages again
    result = rebuild_equals_clean(site)
    assert counts(result)[0] == len(places) + 1


def test_a_macro_edit_re_renders_every_page_that_imports_the_macros(site: Path) -> None:
    """Templates reached through `{% extends %}` and `{% import %}` count as used too."""
    (site / "templates").mkdir()
    macros = default_template("macros.html") + "\n{# district: reviewed 2026-11 #}\n"
    (site / "templates" / "macros.html").write_text(macros, encoding="utf-8")
    school = next((site / "_site" / "ar" / "schools").iterdir()) / "index.html"
    before = os.stat(school).st_ino
    result = rebuild_equals_clean(site)
    assert os.stat(school).st_ino != before
    assert counts(result)[1] < counts(result)[0]


def test_a_day_of_edits_each_rebuilt_equals_a_clean_build(site: Path) -> None:
    """Edits one after another, each compared with a clean build, and with every digest the build
    did not compute checked against the full one (`conftest.digests_double_checked`): the sources a
    build compares with are the last build's, whatever came before it."""
    first, second, third = school_files(site)[:3]
    original = first.read_text(encoding="utf-8")
    (site / "templates").mkdir()
    school_page = site / "templates" / "school.html"
    edits: list[Callable[[], None]] = [
        lambda: edit_yaml(first, lambda d: d.update(description=d["description"] + "\nOne more sentence.\n")),
        lambda: edit_translation(site, "ar", "content", f'msgctxt "schools/{second.stem}: tagline"'),
        lambda: edit_yaml(third, lambda d: d.update(name="Aardvark Academy")),
        lambda: school_page.write_text(default_template("school.html").replace(
            "{% block content %}", "{% block content %}<p>District note</p>", 1), encoding="utf-8"),
        lambda: edit_translation(site, "hmn", "messages", 'msgid "Deadline to apply"'),
        lambda: school_page.unlink(),
        lambda: edit_yaml(site / "content" / "district.yaml", lambda d: d.update(intro="A new introduction.\n")),
        lambda: None,  # nothing
        lambda: first.write_text(original, encoding="utf-8"),  # back to what an older build saw
        lambda: edit_yaml(second, lambda d: d["transportation"].update(bus="free", zip_codes=["55001"])),
    ]
    for edit in edits:
        edit()
        rebuild_equals_clean(site)


def test_today_and_languages_options(site: Path) -> None:
    rebuild_equals_clean(site, "--today", "2027-01-10")
    rebuild_equals_clean(site, "--lang", "en", "--lang", "ar")


def test_image_replaced(site: Path) -> None:
    image = next((site / "content" / "images").rglob("*.png"))
    image.write_bytes(image.read_bytes() + b"\0")
    rebuild_equals_clean(site)


def test_output_edited_by_hand_is_repaired(site: Path) -> None:
    page = next((site / "_site" / "ar" / "schools").iterdir()) / "index.html"
    page.write_text("<p>changed by hand</p>", encoding="utf-8")
    (site / "_site" / "hmn" / "index.html").unlink()
    (site / "_site" / "stray.html").write_text("stray", encoding="utf-8")
    rebuild_equals_clean(site)
    assert not (site / "_site" / "stray.html").exists()


def test_damaged_build_state_means_a_full_build(site: Path) -> None:
    state = state_beside(site / "_site")
    (state / "manifest.pickle").write_bytes(b"not a pickle")
    (state / "kits.pickle").write_bytes(b"garbage")
    for cached in [*(state / "catalogs").iterdir(), *(state / "content").iterdir()]:
        cached.write_bytes(b"garbage")
    edit_yaml(school_files(site)[0], lambda d: d.update(seats=1))
    rebuild_equals_clean(site)


def test_state_is_kept_beside_the_output_not_in_it(site: Path) -> None:
    assert state_beside(site / "_site").is_dir()
    assert not any(p.name.startswith(".firstdoor-build") for p in (site / "_site").iterdir())


def test_every_render_context_value_is_classified(sample_build: Path) -> None:
    """A new context value must be declared safe, all-schools or dated in tracking.py (else every page
    silently depends on every school, which is correct but slow)."""
    from firstdoor.i18n import Translator
    from firstdoor.outputs.html import PageRenderer
    from firstdoor.pipeline import load_site
    from firstdoor.prose import ProseRenderer
    from firstdoor.render import create_environment
    from tests.conftest import REPO, TODAY

    validated = load_site(REPO)
    renderer = PageRenderer(validated, {}, create_environment(validated.files.templates_dir), validated.languages,
                            TODAY, {"site.css": "assets/site.css"})
    catalogs = __import__("firstdoor.i18n", fromlist=["LanguageCatalogs"]).LanguageCatalogs(
        validated.source_language, {}, {})
    translator = Translator(catalogs, validated.source_language, ProseRenderer())
    keys = set(renderer.context_for("en/", translator, "en"))
    assert keys - SAFE_KEYS - ALL_SCHOOLS_KEYS - WRAPPED_KEYS - DATED_KEYS == set()


def test_a_dated_value_is_noted_wherever_a_template_looks_it_up(tmp_path: Path) -> None:
    """Pages, included templates and macros imported with context all look values up through the context."""
    from firstdoor.render import Recorded, create_environment

    (tmp_path / "page.html").write_text("{% include 'part.html' %}", encoding="utf-8")
    (tmp_path / "part.html").write_text("{{ days_left }} days", encoding="utf-8")
    (tmp_path / "dates.html").write_text("{% macro when() %}{{ today }}{% endmacro %}", encoding="utf-8")
    (tmp_path / "macro.html").write_text("{% import 'dates.html' as d with context %}{{ d.when() }}", encoding="utf-8")
    (tmp_path / "plain.html").write_text("{% set n = 1 %}nothing dated", encoding="utf-8")
    env = create_environment(tmp_path)
    for name, shown, noted_keys in (("page.html", "3 days", {"days_left"}), ("macro.html", "2026-11-24", {"today"}),
                                    ("plain.html", "nothing dated", set())):
        noted: set[str] = set()
        context = {key: Recorded(value, functools.partial(noted.add, key))
                   for key, value in (("days_left", 3), ("today", dt.date(2026, 11, 24)))}
        assert env.get_template(name).render(context) == shown
        assert noted == noted_keys, name


def test_a_new_day_renders_again_only_what_shows_the_date(site: Path) -> None:
    """The date is in no unit's digest: the next day renders again the home pages (their countdown), the
    feeds (past dates leave them) and the site-wide files, and reuses every school's page."""
    out = site / "_site"
    before = inodes(out)
    result = rebuild_equals_clean(site, "--today", (TODAY + dt.timedelta(days=1)).isoformat())
    assert counts(result)[0] == 2 * 3 + 1  # each language's home page and feed; the site-wide files
    changed = changed_files(before, out)
    assert {f"{tag}/index.html" for tag in ("en", "ar", "hmn")} | {"en/feed.atom"} <= changed
    assert not any("/schools/" in path or "/zip/" in path or path.endswith(".ics") for path in changed)


def test_builds_day_after_day_equal_clean_builds_as_dates_pass(site: Path) -> None:
    """Help sessions, open houses and the deadline pass (and `--today` may go back): each build equals a clean one."""
    out = site / "_site"
    rebuild_equals_clean(site, "--today", "2026-11-10")  # the next help session is on the 13th
    before = inodes(out)
    rebuild_equals_clean(site, "--today", "2026-11-14")  # now the one on the 20th: the ZIP pages show it
    assert any("/zip/" in path for path in changed_files(before, out))
    for day in ("2026-12-06", "2026-12-07", "2027-01-31", "2027-02-01"):  # an open house passes; the deadline
        rebuild_equals_clean(site, "--today", day)
    assert "days left to apply" not in (out / "en" / "index.html").read_text(encoding="utf-8")


def test_a_district_template_that_shows_the_date_renders_again_each_day(site: Path) -> None:
    """A district's own school page showing `today` makes every school page depend on the date."""
    (site / "templates").mkdir()
    (site / "templates" / "school.html").write_text(default_template("school.html").replace(
        "{% block content %}", "{% block content %}<p class=\"as-of\">{{ today|date }}</p>", 1), encoding="utf-8")
    rebuild_equals_clean(site)
    before = inodes(site / "_site")
    rebuild_equals_clean(site, "--today", (TODAY + dt.timedelta(days=1)).isoformat())
    schools = {path for path in before if "/schools/" in path and path.endswith("index.html")}
    assert schools and schools <= changed_files(before, site / "_site")


def test_a_district_chooser_that_shows_the_countdown_changes_the_next_day(site: Path) -> None:
    """The site-wide files are rendered without tracking: they count as using the date."""
    (site / "templates").mkdir()
    (site / "templates" / "chooser.html").write_text(default_template("chooser.html").replace(
        "<h1>", "<p class=\"countdown\">{{ days_left }}</p><h1>", 1), encoding="utf-8")
    rebuild_equals_clean(site)
    rebuild_equals_clean(site, "--today", (TODAY + dt.timedelta(days=1)).isoformat())
    days_left = (dt.date(2027, 1, 31) - TODAY).days - 1  # the generated district's deadline
    assert f'<p class="countdown">{days_left}</p>' in (site / "_site" / "index.html").read_text(encoding="utf-8")


def test_stray_file_deep_in_the_site_is_removed_after_a_no_change_build(site: Path) -> None:
    assert "nothing changed" in build_site(site, site / "_site", "--jobs", "2").output
    folder = next((site / "_site" / "ar" / "schools").iterdir())
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    rebuild_equals_clean(site)
    assert not (folder / "notes.txt").exists()


def test_a_file_dropped_into_the_site_is_gone_after_the_next_build_but_one(site: Path) -> None:
    """The next build recycles the output before this one; the one after recycles this one,
    pruned from its listing except for the folders changed since it was published."""
    edit_yaml(school_files(site)[0], lambda d: d.update(seats=3))
    rebuild_equals_clean(site)
    time.sleep(0.05)
    for listing in output_listings(site / "_site").iterdir():
        os.utime(listing)  # as if written a moment later: no folder changed in the same clock tick
    folder = next((site / "_site" / "ar" / "schools").iterdir())
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (site / "_site" / "hmn" / "drafts").mkdir()
    (site / "_site" / "hmn" / "drafts" / "a.html").write_text("mine", encoding="utf-8")
    for seats in (4, 5):
        edit_yaml(school_files(site)[1], lambda d: d.update(seats=seats))
        rebuild_equals_clean(site)
    assert not (folder / "notes.txt").exists()


def test_a_build_failing_while_rendering_leaves_the_site_untouched(site: Path) -> None:
    """The recycled staging folder shares files with the published site by hard links:
    replacing one there must never change the published one."""
    edit_yaml(school_files(site)[0], lambda d: d.update(seats=7))
    rebuild_equals_clean(site)  # now a previous generation is kept for recycling
    before = snapshot(site / "_site")
    edit_yaml(school_files(site)[1], lambda d: d.update(tagline="A brand new tagline."))
    (site / "templates").mkdir()
    outreach = (Path(__file__).resolve().parent.parent / "templates" / "outreach.html").read_text(encoding="utf-8")
    (site / "templates" / "outreach.html").write_text(outreach.replace("{% block content %}",
                                                      "{% block content %}{{ nothing.here }}", 1), encoding="utf-8")
    result = build_site(site, site / "_site", "--jobs", "2")
    assert result.exit_code == 1, result.output
    assert snapshot(site / "_site") == before
    (site / "templates" / "outreach.html").unlink()
    rebuild_equals_clean(site)


def inodes(folder: Path) -> dict[str, int]:
    """Every file below `folder` with its inode: a file rendered again gets a new one."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in sorted(folder.rglob("*")) if p.is_file()}


def changed_files(before: dict[str, int], folder: Path) -> set[str]:
    """The files of `folder` that are new or were written again since `before` was taken."""
    return {path for path, inode in inodes(folder).items() if before.get(path) != inode}


def test_a_description_edit_leaves_the_pages_that_list_schools_alone(site: Path) -> None:
    """Lists show a school's name, grades, themes...: not its description, so they are reused as they were."""
    out = site / "_site"
    edited = school_files(site)[0].stem
    before = inodes(out)
    edit_yaml(school_files(site)[0], lambda d: d.update(description=d["description"] + "\nOne more sentence.\n"))
    rebuild_equals_clean(site)
    changed = changed_files(before, out)
    assert f"en/schools/{edited}/index.html" in changed
    for kept in ("en/index.html", "ar/events/index.html", "en/compare/index.html", "hmn/transportation/index.html",
                 "en/calendar.ics", "ar/feed.atom"):
        assert kept not in changed, kept
    assert not {path for path in changed if "/schools/" in path and f"/schools/{edited}/" not in path}
    assert not {path for path in changed if "/zip/" in path or "/area/" in path}  # they show its name, not this


def test_a_name_edit_re_renders_every_list_that_shows_it(site: Path) -> None:
    out = site / "_site"
    before = inodes(out)
    edit_yaml(school_files(site)[1], lambda d: d.update(name="Aardvark Academy"))
    rebuild_equals_clean(site)
    changed = changed_files(before, out)
    assert {"en/index.html", "ar/compare/index.html", "en/calendar.ics"} <= changed
    assert "Aardvark Academy" in (out / "en" / "index.html").read_text(encoding="utf-8")


def test_a_field_a_district_template_adds_to_a_list_is_tracked(site: Path) -> None:
    """A district's home page showing every school's phone: a phone edit re-renders it, whichever school."""
    (site / "templates").mkdir()
    home = default_template("home.html").replace("{% for school_id, school in schools %}",
                                                 "{% for school_id, school in schools %}<p>{{ school.phone }}</p>", 1)
    assert "<p>{{ school.phone }}</p>" in home
    (site / "templates" / "home.html").write_text(home, encoding="utf-8")
    rebuild_equals_clean(site)
    before = inodes(site / "_site")
    edit_yaml(school_files(site)[6], lambda d: d.update(phone="(651) 555-0199"))
    rebuild_equals_clean(site)
    assert "en/index.html" in changed_files(before, site / "_site")
    assert "555-0199" in (site / "_site" / "en" / "index.html").read_text(encoding="utf-8")


def test_an_edit_after_a_full_re_render_throws_the_kept_output_away(site: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """After every page was rendered again, the output kept for recycling shares no file with the published
    one: the next build starts from an empty folder and that output is deleted in the background."""
    monkeypatch.setattr(publish, "RECYCLE_FROM", 1)  # the fixture's site is small; a state-wide one is not
    thrown: list[Path] = []
    discard = publish.discard
    monkeypatch.setattr(publish, "discard", lambda folder: thrown.append(folder) or discard(folder))
    edit_yaml(site / "content" / "district.yaml", lambda d: d.update(intro="A new introduction.\n"))
    rebuild_equals_clean(site)  # the district edited: every page renders again
    assert thrown == []  # the output kept then shared nearly every file with the published one
    edit_yaml(school_files(site)[1], lambda d: d.update(tagline="A tagline edited after a full re-render"))
    result = rebuild_equals_clean(site)
    assert counts(result)[1] > 0  # the unchanged pages were reused all the same, from the published output
    assert len(thrown) == 1 and thrown[0].parent == output_listings(site / "_site").parent
    assert gone_soon(thrown[0])


def untouched_for_a_while() -> None:
    """Let the racy window pass: files changed in the last two seconds are never stamped (`unchanged.RACY_NS`)."""
    time.sleep(RACY_NS / 1e9 + 0.2)


def test_a_no_change_build_with_untouched_files_does_not_even_validate(site: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    untouched_for_a_while()
    first = build_site(site, site / "_site", "--jobs", "2")  # records the stamp of the input files
    assert "nothing changed" in first.output

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the content was read again")
    monkeypatch.setattr(pipeline, "load_site", refuse)
    again = build_site(site, site / "_site", "--jobs", "2")
    assert again.exit_code == 0, again.output
    assert again.output == first.output.replace(re.search(r"in [\d.]+ s;", first.output).group(0),  # type: ignore[union-attr]
                                                re.search(r"in [\d.]+ s;", again.output).group(0))  # type: ignore[union-attr]


ENGINE = ("firstdoor.pipeline", "firstdoor.advice", "firstdoor.model", "firstdoor.render", "jinja2", "pydantic")
"""Modules the quickest rebuild does without: importing them took about 0.4 s of a 1 s rebuild."""


def test_a_no_change_build_with_untouched_files_does_not_import_the_engine(site: Path) -> None:
    """`firstdoor build` with no input file touched checks the published files and stops, without the engine.

    Run in a fresh process: this one imported everything long ago.
    """
    untouched_for_a_while()
    first = build_site(site, site / "_site", "--jobs", "2")  # records the stamp of the input files
    assert "nothing changed" in first.output and "content warning" in first.output  # the summary holds advice
    script = ("import sys\nfrom firstdoor.cli import cli\n"
              "try:\n    cli.main(sys.argv[1:], prog_name='firstdoor')\n"
              "except SystemExit as end:\n    code = end.code\n"
              f"print('imported:', sorted(m for m in {ENGINE!r} if m in sys.modules), 'exit:', code)\n")
    result = subprocess.run([sys.executable, "-c", script, "build", "--site", str(site), "--out", str(site / "_site"),
                             "--today", TODAY.isoformat(), "--no-pdf", "--jobs", "2"],
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), check=False)
    assert "nothing changed" in result.stdout, result.stdout + result.stderr
    assert "content warning" in result.stderr  # the advice is reported again, as the last build found it
    assert "imported: [] exit: 0" in result.stdout


def test_an_edit_that_keeps_size_and_time_is_still_seen(site: Path) -> None:
    """The stamp holds each file's change time (ctime), which a tool restoring the modification time cannot set."""
    untouched_for_a_while()
    build_site(site, site / "_site", "--jobs", "2")
    path = school_files(site)[2]
    text, stat = path.read_text(encoding="utf-8"), path.stat()
    index = text.index("tagline:") + len("tagline: ")
    letter = "X" if text[index] != "X" else "Y"
    path.write_text(text[:index] + letter + text[index + 1:], encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    untouched_for_a_while()
    result = rebuild_equals_clean(site)
    assert "nothing changed" not in result.output
    other_day = build_site(site, site / "_site", "--jobs", "2", "--today", "2026-12-24")
    assert "nothing changed" not in other_day.output


def sources(schools: dict[str, str], owners: dict[str, dict[str, str]], templates: dict[str, str],
            interface: str = "i", build: str = "b") -> incremental.Inputs:
    """Just what `incremental.Sources.of` reads of a build's inputs."""
    catalogs = {tag: CatalogDigests(interface, found, "c") for tag, found in owners.items()}
    return cast(incremental.Inputs, SimpleNamespace(build=build, schools=schools, catalogs=catalogs,
                                                    templates=templates, day="2026-11-23"))


def test_changes_since_tells_which_schools_languages_and_templates_changed() -> None:
    before = incremental.Sources.of(sources({"a": "1", "b": "1"}, {"es": {"schools/a": "x"}, "ar": {}},
                                            {"school.html": "t"}))
    edited = sources({"a": "1", "b": "2", "c": "1"}, {"es": {"schools/a": "y"}, "ar": {"district": "d"}},
                     {"school.html": "u"})
    changes = incremental.changes_since(before, edited)
    assert changes is not None
    assert changes.touched["es"] == {"a", "b", "c"}  # b edited, c added, a's Spanish translation
    assert changes.touched["ar"] == {"b", "c"} and changes.touched[None] == {"a", "b", "c"}
    assert changes.languages == {"ar"} and changes.templates == {"school.html"}  # the district's Arabic
    assert incremental.changes_since(before, sources({"a": "1"}, {"es": {}, "ar": {}}, {}, build="other")) is None
    assert incremental.changes_since(None, edited) is None


def test_a_unit_that_used_nothing_that_changed_keeps_its_digest() -> None:
    changes = incremental.Changes({"es": frozenset({"b"}), None: frozenset({"b"})}, frozenset(), frozenset({"x.html"}))

    def record(uses: Uses) -> incremental.UnitRecord:
        return incremental.UnitRecord("d", [], uses, report.Misses(), Path("."))
    assert not changes.may_touch("es", record(Uses({"a"}, templates={"school.html"})))
    assert not changes.may_touch("es", record(Uses(fields={("a", "name")}, templates=set())))
    assert changes.may_touch("es", record(Uses(fields={("b", "name")}, templates=set())))
    assert changes.may_touch("es", record(Uses(all_fields={"name"}, templates=set())))  # a list of every school
    assert changes.may_touch("es", record(Uses(views={"zip:55104"}, templates=set())))  # views: always computed
    assert changes.may_touch("es", record(Uses({"a"})))  # any template
    assert changes.may_touch("es", record(Uses({"a"}, templates={"x.html"})))
